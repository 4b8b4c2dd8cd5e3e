import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { HostIndex, resolveHost } from '../hosts';
import { describe, GK, Resource } from '../resources';
import { ROUTE_KINDS } from './k8sgateway-route-references';

/**
 * The hosts Gateway API routes serve: their `hostnames`, and for a route whose parent is a Service
 * (mesh routing) that Service's host. Indexed by host, wildcards included.
 */
export function gatewayApiRouteHosts(routes: readonly Resource[]): HostIndex<{ route: Resource; host: string }> {
  const index = new HostIndex<{ route: Resource; host: string }>();
  for (const r of routes) {
    const spec = specOf(r.raw);
    for (const h of arr(spec.hostnames)) if (typeof h === 'string') index.add(h.toLowerCase(), { route: r, host: h.toLowerCase() });
    for (const p of arr(spec.parentRefs)) {
      if (isRecord(p) && p.kind === 'Service' && (p.group ?? '') === '' && typeof p.name === 'string') {
        const host = `${p.name}.${typeof p.namespace === 'string' ? p.namespace : r.namespace}.svc.cluster.local`;
        index.add(host, { route: r, host });
      }
    }
  }
  return index;
}

/**
 * One host routed by both APIs: a VirtualService of the output and a Gateway API route (HTTPRoute,
 * GRPCRoute) whose hosts intersect. istiod turns both into routes of the same virtual host and the
 * result depends on their order, so each host is routed with one API.
 */
export const k8sGatewayConflictingHosts: Check = {
  name: 'k8sgateway.conflictinghosts',
  codes: ['CDK8S-ISTIO-071'],
  description: 'hosts routed both by a VirtualService and by a Gateway API route',
  run(ctx) {
    const routes = ROUTE_KINDS.flatMap((k) => ctx.all(k));
    if (routes.length === 0) return;
    const index = gatewayApiRouteHosts(routes);
    for (const vs of ctx.output(GK.VirtualService)) {
      const hosts = arr(specOf(vs.raw).hosts).filter((h): h is string => typeof h === 'string');
      hosts.forEach((h, i) => {
        const host = resolveHost(h, vs.namespace!);
        const others = index.lookup(host);
        for (const other of others.sort((a, b) => a.route.index - b.route.index).slice(0, 1)) {
          ctx.report('CDK8S-ISTIO-071', vs, `spec.hosts[${i}]`, [host, describe(vs), describe(other.route)],
            `route ${host} either with the VirtualService (TrafficApi.ISTIO) or with the ${other.route.kind} (TrafficApi.GATEWAY_API), not both`);
        }
      });
    }
  },
};
