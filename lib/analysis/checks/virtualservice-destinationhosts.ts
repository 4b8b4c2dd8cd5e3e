import { Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { resolveHost, ServiceInfo } from '../hosts';
import { push } from '../pods';
import { GK, nsName, Resource } from '../resources';
import {
  DestinationRef, isGatewayBound, isMeshBound, mirrorDestinations, resolvedHosts, routeDestinations, stringEntries,
} from './virtualservice-util';

/**
 * The destination hosts of VirtualServices (Istio's `virtualservice.DestinationHostAnalyzer`):
 * - IST0101: a route or mirror destination host that no Service or ServiceEntry defines for the
 *   namespaces that apply the VirtualService (its own, or those of its `exportTo`; the service's
 *   `exportTo` counts; short names resolve in the VirtualService's namespace), and that is not declared
 *   external; a destination port the service does not have (`host:port`);
 * - IST0112: no destination port for a service with several ports;
 * - IST0140: a gateway-bound route to a host without a subset, while a mesh VirtualService of that
 *   host routes it to subsets: the gateway does not apply the mesh VirtualService, so the subset
 *   routing has no effect on ingress requests.
 */
export const virtualServiceDestinationHosts: Check = {
  name: 'virtualservice.destinationhosts',
  codes: ['IST0101', 'IST0112', 'IST0140'],
  description: 'destination hosts of VirtualService routes and mirrors exist, with the port they name; subset routing an ingress route bypasses',
  run(ctx) {
    const subsetRouters = meshSubsetRouters(ctx);
    for (const vs of ctx.output(GK.VirtualService)) {
      const ns = vs.namespace ?? ctx.defaultNamespace;
      const applied = appliedIn(vs, ns);
      for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) checkDestination(ctx, vs, ns, applied, d);
      if (isGatewayBound(vs)) checkIngressSubsets(ctx, vs, ns, subsetRouters);
    }
  },
};

/**
 * The namespaces whose proxies apply the VirtualService: its `exportTo` (`.` its own, `*` every one),
 * else its own.
 */
function appliedIn(vs: Resource, ns: string): string[] {
  const exportTo = stringEntries(specOf(vs.raw).exportTo).map(([, e]) => (e === '.' ? ns : e)).filter((e) => e !== '~');
  return exportTo.length === 0 ? [ns] : [...new Set(exportTo)];
}

function checkDestination(ctx: AnalysisContext, vs: Resource, ns: string, applied: readonly string[], d: DestinationRef): void {
  // Found when a namespace that applies the VirtualService sees it (`*`: seen from every namespace).
  const resolved = resolveHost(d.host, ns);
  const services = applied.length === 1 ? ctx.services.lookup(resolved, applied[0]) : [...new Set(applied.flatMap((from) => ctx.services.lookup(resolved, from)))];
  if (services.length === 0) {
    if (ctx.isExternalHost(d.host, ns)) return;
    ctx.report('IST0101', vs, `${d.field}.host`, [d.mirror ? 'mirror host' : 'host', d.host],
      `create a Service or ServiceEntry for ${resolved} that namespace ${applied.join(', ')} sees (mind exportTo; a short name is a Service of the VirtualService's namespace), `
      + 'declare it existing (ExternalResources services or hosts), or fix the host');
    return;
  }
  const exact = services.filter((s) => s.host === resolved);
  const candidates = exact.length > 0 ? exact : services;
  // A declared service whose ports are not given: nothing to compare.
  if (candidates.some((s) => s.ports.length === 0)) return;
  const ports = [...new Set(candidates.flatMap((s) => s.ports.map((p) => p.number)))];
  if (d.port === undefined) {
    if (ports.length > 1) {
      ctx.report('IST0112', vs, d.field, [d.host, ports],
        `add port: { number: <one of ${ports.join(', ')}> } to the destination`);
    }
    return;
  }
  if (!ports.includes(d.port)) {
    ctx.report('IST0101', vs, `${d.field}.port.number`, ['host:port', `${d.host}:${d.port}`],
      `use a port of ${describeServices(candidates)} (${ports.join(', ')}), or add port ${d.port} to it`);
  }
}

function describeServices(services: readonly ServiceInfo[]): string {
  return [...new Set(services.map((s) => `${s.resource.kind} ${nsName(s.resource)}`))].join(', ');
}

/** Mesh VirtualServices that route one of their own hosts to a subset, by that resolved host. */
function meshSubsetRouters(ctx: AnalysisContext): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const vs of ctx.all(GK.VirtualService)) {
    if (!isMeshBound(vs)) continue;
    const ns = vs.namespace ?? ctx.defaultNamespace;
    const own = new Set(resolvedHosts(vs));
    const routed = new Set<string>();
    for (const d of routeDestinations(vs)) {
      const host = resolveHost(d.host, ns);
      if (d.section === 'http' && d.subset !== undefined && own.has(host)) routed.add(host);
    }
    for (const host of routed) push(out, host, vs);
  }
  return out;
}

function checkIngressSubsets(ctx: AnalysisContext, vs: Resource, ns: string, routers: Map<string, Resource[]>): void {
  for (const d of routeDestinations(vs)) {
    if (d.section !== 'http' || d.subset !== undefined) continue;
    for (const other of routers.get(resolveHost(d.host, ns)) ?? []) {
      if (other === vs) continue;
      ctx.report('IST0140', vs, d.field, [nsName(other), nsName(vs)],
        `give the destination a subset (the version ingress traffic is for), or repeat ${nsName(other)}'s subset routes here: `
        + 'a gateway applies only the VirtualServices bound to it, not the mesh one');
    }
  }
}
