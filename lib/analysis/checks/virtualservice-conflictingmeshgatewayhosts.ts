import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { HostIndex, resolveHost } from '../hosts';
import { push } from '../pods';
import { GK, nsName, Resource } from '../resources';
import { hostEntries, isMeshBound } from './virtualservice-util';

/** One host of one mesh VirtualService. */
interface HostEntry {
  readonly vs: Resource;
  /** Index in `spec.hosts`. */
  readonly index: number;
  /** The host resolved from the VirtualService's namespace. */
  readonly fqdn: string;
}

/**
 * The namespaces a VirtualService's hosts are scoped to: `*` when it is exported to every namespace
 * (no `exportTo`, or `*` among them), else the namespaces it names (`.` is its own; `~`, no namespace,
 * is left out).
 */
function scopesOf(vs: Resource, namespace: string): string[] {
  const exportTo = arr(specOf(vs.raw).exportTo).filter((e): e is string => typeof e === 'string' && e !== '');
  if (exportTo.length === 0 || exportTo.includes('*')) return ['*'];
  return [...new Set(exportTo.filter((e) => e !== '~').map((e) => (e === '.' ? namespace : e)))];
}

/**
 * Two VirtualServices bound to the mesh (no `gateways`, or `mesh` among them) that define one host for
 * the same namespaces (Istio's `virtualservice.ConflictingMeshGatewayHostsAnalyzer`, IST0109): which one
 * a sidecar uses is undefined. Hosts are compared resolved (a short name is a Service of the
 * VirtualService's namespace); VirtualServices exported to every namespace conflict on the same host,
 * and those exported to a namespace conflict with each other and with the ones exported to every
 * namespace whose host overlaps. Each VirtualService is reported once per host, listing all of them.
 */
export const virtualServiceConflictingMeshGatewayHosts: Check = {
  name: 'virtualservice.conflictingmeshgatewayhosts',
  codes: ['IST0109'],
  description: 'two VirtualServices bound to the mesh that define the same host for the same namespaces',
  run(ctx) {
    const groups = new Map<string, HostEntry[]>();
    // The hosts of VirtualServices exported to every namespace, found by any host they overlap.
    const global = new HostIndex<HostEntry>();
    // Copies of one object (same namespace and name) are one VirtualService in a cluster: CDK8S-ISTIO-001 reports them.
    const identities = new Set<string>();
    for (const vs of ctx.all(GK.VirtualService)) {
      const identity = `${vs.namespace ?? ctx.defaultNamespace}/${vs.name}`;
      if (identities.has(identity)) continue;
      identities.add(identity);
      if (!isMeshBound(vs)) continue;
      const ns = vs.namespace ?? ctx.defaultNamespace;
      const scopes = scopesOf(vs, ns);
      const seen = new Set<string>();
      for (const [index, h] of hostEntries(vs)) {
        const fqdn = resolveHost(h, ns);
        if (seen.has(fqdn)) continue;
        seen.add(fqdn);
        const entry: HostEntry = { vs, index, fqdn };
        for (const scope of scopes) push(groups, `${scope}/${fqdn}`, entry);
        if (scopes[0] === '*') global.add(fqdn, entry);
      }
    }
    report(ctx, groups, global);
  },
};

function report(ctx: AnalysisContext, groups: Map<string, HostEntry[]>, global: HostIndex<HostEntry>): void {
  const reported = new Set<string>();
  const keys = [...groups.keys()].sort();
  for (const key of keys) {
    const scope = key.slice(0, key.indexOf('/'));
    const fqdn = key.slice(scope.length + 1);
    const entries = [...groups.get(key)!];
    if (scope !== '*') entries.push(...global.lookup(fqdn));
    const byVs = new Map<Resource, HostEntry>();
    for (const e of entries) if (!byVs.has(e.vs)) byVs.set(e.vs, e);
    if (byVs.size < 2) continue;
    const names = [...new Set([...byVs.keys()].map(nsName))].sort().join(',');
    for (const [vs, e] of byVs) {
      const once = `${vs.index}\u0000${e.fqdn}`;
      if (reported.has(once)) continue;
      reported.add(once);
      const others = [...byVs.keys()].filter((o) => o !== vs).map(nsName);
      ctx.report('IST0109', vs, `spec.hosts[${e.index}]`, [names, key],
        `route ${fqdn} from one VirtualService (merge the rules of ${others.join(', ')} into it), or bind all but one to gateways or give them exportTo that do not overlap`);
    }
  }
}
