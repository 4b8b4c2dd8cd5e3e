import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { HostIndex } from '../hosts';
import { describe, Resource } from '../resources';
import { ROUTE_KINDS } from './k8sgateway-route-references';

/**
 * A Gateway API route bound to a Gateway that sends traffic to a Service which a mesh route (an
 * HTTPRoute or GRPCRoute whose parent is that Service) splits, e.g. a canary: istiod applies mesh
 * routes in sidecars and waypoints, not in gateways, so the gateway's traffic reaches every pod of the
 * Service whatever the mesh route's weights and matches (CDK8S-ISTIO-074, a warning).
 */
export const k8sGatewayMeshRouteBypass: Check = {
  name: 'k8sgateway.meshroutebypass',
  codes: ['CDK8S-ISTIO-074'],
  description: 'Gateway API routes of a Gateway to a Service whose mesh route (canary, matches) the gateway does not apply',
  run(ctx) {
    const routes = ROUTE_KINDS.flatMap((k) => ctx.all(k));
    const meshRoutes = new HostIndex<Resource>();
    for (const r of routes) {
      for (const p of arr(specOf(r.raw).parentRefs)) {
        if (isRecord(p) && p.kind === 'Service' && (p.group ?? '') === '' && typeof p.name === 'string') {
          meshRoutes.add(`${p.name}.${typeof p.namespace === 'string' ? p.namespace : r.namespace}.svc.cluster.local`, r);
        }
      }
    }
    for (const r of routes) {
      if (r.external) continue;
      const spec = specOf(r.raw);
      const toGateway = arr(spec.parentRefs).some((p) => isRecord(p) && (p.kind ?? 'Gateway') === 'Gateway' && (p.group ?? 'gateway.networking.k8s.io') === 'gateway.networking.k8s.io');
      if (!toGateway) continue;
      arr(spec.rules).forEach((rule, i) => {
        arr(isRecord(rule) ? rule.backendRefs : undefined).forEach((b, j) => {
          if (!isRecord(b) || typeof b.name !== 'string' || (b.group ?? '') !== '' || (b.kind ?? 'Service') !== 'Service') return;
          const host = `${b.name}.${typeof b.namespace === 'string' ? b.namespace : r.namespace}.svc.cluster.local`;
          const mesh = meshRoutes.lookup(host)[0];
          if (mesh !== undefined && mesh !== r) {
            ctx.report('CDK8S-ISTIO-074', r, `spec.rules[${i}].backendRefs[${j}]`, [describe(r), host, describe(mesh)],
              `route the gateway's traffic to the versions' Services with weights of its own (as the mesh route does), or point the backend at one version`);
          }
        });
      });
    }
  },
};
