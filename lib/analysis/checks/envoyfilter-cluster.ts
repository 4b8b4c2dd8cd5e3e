import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { GK } from '../resources';

/** An Istio outbound cluster name: `outbound|<port>|<subset>|<host>`. */
const OUTBOUND = /^outbound\|([0-9]+)\|[^|]*\|(.+)$/;

/** Every `cluster_name` string in a patch value (a gRPC service's `envoy_grpc`, an HTTP service's `http_uri`, ...), with its path. */
function clusterNames(value: unknown, path: string, out: Array<{ name: string; path: string }>, depth = 0): void {
  if (depth > 64) return;
  if (Array.isArray(value)) {
    value.forEach((v, i) => clusterNames(v, `${path}[${i}]`, out, depth + 1));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if ((k === 'cluster_name' || k === 'cluster') && typeof v === 'string') out.push({ name: v, path: `${path}.${k}` });
      else clusterNames(v, `${path}.${k}`, out, depth + 1);
    }
  }
}

/**
 * An EnvoyFilter patch that calls an Istio outbound cluster (`outbound|8081||ratelimit.ratelimit.svc.cluster.local`,
 * as a global rate limit or external authorization filter does) whose host no Service, ServiceEntry or
 * declared host visible from the filter's namespace defines, or whose port that service does not have:
 * istiod builds no such cluster, and Envoy rejects a filter whose gRPC service names an unknown cluster,
 * so the listener it patches is not loaded. Hosts declared existing (ExternalResources hosts) are not reported.
 */
export const envoyFilterCluster: Check = {
  name: 'envoyfilter.cluster',
  codes: ['CDK8S-ISTIO-055'],
  description: 'EnvoyFilter patches that call an outbound cluster of a host or port no service defines',
  run(ctx) {
    for (const r of ctx.output(GK.EnvoyFilter)) {
      if (r.namespace === undefined) continue;
      arr(specOf(r.raw).configPatches).forEach((cp, i) => {
        if (!isRecord(cp) || !isRecord(cp.patch)) return;
        const found: Array<{ name: string; path: string }> = [];
        clusterNames(cp.patch.value, `spec.configPatches[${i}].patch.value`, found);
        for (const { name, path } of found) {
          const m = OUTBOUND.exec(name);
          if (!m || ctx.isExternalHost(m[2], r.namespace!)) continue;
          const port = Number(m[1]);
          const services = ctx.lookupHost(m[2], r.namespace!);
          if (services.length === 0) {
            ctx.report('CDK8S-ISTIO-055', r, path, [name, `no Service, ServiceEntry or declared host visible from namespace ${r.namespace} defines ${m[2]}`],
              'create the service (e.g. a RateLimitService), correct the host, or declare it existing (ExternalResources services or hosts)');
          } else if (!services.some((s) => s.ports.length === 0 || s.ports.some((p) => p.number === port))) {
            ctx.report('CDK8S-ISTIO-055', r, path, [name, `${m[2]} has no port ${port} (it has ${[...new Set(services.flatMap((s) => s.ports.map((p) => p.number)))].join(', ')})`],
              'name a port the service has');
          }
        }
      });
    }
  },
};
