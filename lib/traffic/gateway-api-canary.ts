/**
 * A CanaryRelease in Gateway API: the mesh routes of the host as an HTTPRoute attached to the host's
 * Service (Gateway API's mesh routing, "GAMMA", which Istio implements for sidecars and waypoints),
 * translated from the same Istio routes the VirtualService would carry.
 * @internal
 */
import { Construct } from 'constructs';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { VirtualServiceSpecHttp, VirtualServiceSpecHttpMatch } from '../../imports/networking.istio.io';
import { toHttpRouteRules } from '../gateway/http-route';
import { parseServiceHost } from '../core/hostnames';
import { invalidInput } from '../core/errors';

/** What the canary routes. */
export interface GatewayApiCanaryRoutes {
  readonly id: string;
  /** The host as the user wrote it. */
  readonly host: string;
  readonly namespace: string;
  readonly port: number;
  readonly stable: string;
  readonly canary: string;
  readonly stablePercent: number;
  readonly canaryPercent: number;
  readonly matches: readonly VirtualServiceSpecHttpMatch[];
  readonly resilience: Pick<VirtualServiceSpecHttp, 'timeout' | 'retries' | 'fault'>;
}

/** The name of the Service of one version of `service` in Gateway API: `<service>-<subset>`. */
export function versionService(service: string, subset: string): string {
  return `${service}-${subset}`;
}

/** Writes the HTTPRoute of a Gateway API canary under `scope`. */
export function gatewayApiCanaryRoute(scope: Construct, r: GatewayApiCanaryRoutes): HttpRoute {
  const service = parseServiceHost(r.host, r.namespace);
  if (service === undefined || service.namespace !== r.namespace) {
    throw invalidInput(scope, 'host', r.host, 'is not a Kubernetes Service of the canary\'s namespace, which a Gateway API mesh route attaches to',
      'name the Service, e.g. "reviews" or "reviews.bookinfo.svc.cluster.local", or use trafficApi: TrafficApi.ISTIO');
  }
  const destination = (subset: string) => ({ host: service.fqdn, subset, port: { number: r.port } });
  const http: VirtualServiceSpecHttp[] = [];
  if (r.matches.length > 0 && r.canaryPercent > 0) {
    http.push({ name: `${r.id}-match`, match: [...r.matches], route: [{ destination: destination(r.canary) }], ...r.resilience });
  }
  http.push({
    name: `${r.id}-weighted`,
    route: [{ destination: destination(r.stable), weight: r.stablePercent }, { destination: destination(r.canary), weight: r.canaryPercent }],
    ...r.resilience,
  });
  const rules = toHttpRouteRules(scope, 'routes', http, {
    namespace: r.namespace,
    subsetServices: {
      [`${service.fqdn}/${r.stable}`]: versionService(service.service, r.stable),
      [`${service.fqdn}/${r.canary}`]: versionService(service.service, r.canary),
    },
    alternative: 'write this canary with trafficApi: TrafficApi.ISTIO',
  });
  return new HttpRoute(scope, 'HttpRoute', {
    metadata: { name: service.service, namespace: r.namespace },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: service.service, port: r.port }], rules },
  });
}

