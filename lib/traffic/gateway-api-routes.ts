/**
 * A host's routes in Gateway API: one HTTPRoute attached to the host's Service (Gateway API's mesh
 * routing, which Istio implements for sidecars and waypoints), translated from the very VirtualService
 * `http` entries the Istio API would carry (`renderHttpRoute`), so both APIs share one route model.
 * @internal
 */
import { Construct } from 'constructs';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { VirtualServiceSpecHttp } from '../../imports/networking.istio.io';
import { invalidInput } from '../core/errors';
import { parseServiceHost } from '../core/hostnames';
import { toHttpRouteRules } from '../gateway/http-route';
import { versionService } from './gateway-api-canary';

/** What a host's Gateway API route needs. */
export interface GatewayApiHostRoutes {
  /** The host as the user wrote it. */
  readonly host: string;
  /** The namespace given or named by the host. */
  readonly namespace: string | undefined;
  /** The Service port the route attaches to, and that destinations without a port use. */
  readonly port: number;
  /** Renders the routes' `http` entries for a fully qualified host and port. */
  readonly render: (fqdn: string, port: number) => VirtualServiceSpecHttp[];
}

/**
 * Writes the HTTPRoute of a host's routes under `scope`. Subsets become the Services of their versions,
 * `<service>-<subset>` (Gateway API routes to Services, not to subsets), as a Gateway API canary does.
 */
export function gatewayApiHostRoute(scope: Construct, r: GatewayApiHostRoutes): HttpRoute {
  const service = r.namespace === undefined ? undefined : parseServiceHost(r.host, r.namespace);
  if (service === undefined || service.service === '*' || (r.namespace !== undefined && service.namespace !== r.namespace)) {
    throw invalidInput(scope, 'host', r.host, `is not a Kubernetes Service${r.namespace === undefined ? ' of a known namespace' : ` of namespace "${r.namespace}"`}, which a Gateway API mesh route attaches to`,
      'name the Service with its namespace, e.g. "ratings.bookinfo.svc.cluster.local" (or give namespace), or use trafficApi: TrafficApi.ISTIO');
  }
  const http = r.render(service.fqdn, r.port);
  const subsetServices: { [key: string]: string } = {};
  for (const entry of http) {
    const destinations = [...(entry.route ?? []).map((d) => d.destination), ...(entry.mirror ? [entry.mirror] : [])];
    for (const d of destinations) {
      if (d.subset !== undefined && d.host === service.fqdn) subsetServices[`${service.fqdn}/${d.subset}`] = versionService(service.service, d.subset);
    }
  }
  const rules = toHttpRouteRules(scope, 'routes', http, {
    namespace: service.namespace,
    subsetServices,
    alternative: 'write these routes with trafficApi: TrafficApi.ISTIO',
  });
  return new HttpRoute(scope, 'HttpRoute', {
    metadata: { name: service.service, namespace: service.namespace },
    spec: { parentRefs: [{ group: '', kind: 'Service', name: service.service, port: r.port }], rules },
  });
}
