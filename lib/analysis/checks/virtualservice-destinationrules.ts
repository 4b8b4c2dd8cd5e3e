import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { exportToOf, resolveHost, visibleFrom } from '../hosts';
import { push } from '../pods';
import { GK, Resource } from '../resources';
import { mirrorDestinations, routeDestinations } from './virtualservice-util';

/** A DestinationRule's subsets, and who sees it. */
interface RuleSubsets {
  readonly resource: Resource;
  readonly subsets: ReadonlySet<string>;
  readonly exportTo: readonly string[];
}

/** DestinationRules by resolved host: exact hosts, and wildcard hosts by their suffix (`.example.com`, `''` for `*`). */
class RuleIndex {
  private readonly exact = new Map<string, RuleSubsets[]>();
  private readonly wildcard = new Map<string, RuleSubsets[]>();

  constructor(ctx: AnalysisContext) {
    for (const dr of ctx.all(GK.DestinationRule)) {
      const spec = specOf(dr.raw);
      if (typeof spec.host !== 'string' || spec.host === '') continue;
      const subsets = new Set(arr(spec.subsets).flatMap((s) => (isRecord(s) && typeof s.name === 'string' ? [s.name] : [])));
      const entry: RuleSubsets = { resource: dr, subsets, exportTo: exportToOf(dr) };
      const host = resolveHost(spec.host, dr.namespace ?? ctx.defaultNamespace);
      if (host === '*') push(this.wildcard, '', entry);
      else if (host.startsWith('*.')) push(this.wildcard, host.slice(1), entry);
      else push(this.exact, host, entry);
    }
  }

  /** The DestinationRules for `host` (resolved) that an object in `namespace` sees. */
  public lookup(host: string, namespace: string): RuleSubsets[] {
    const found = [...(this.exact.get(host) ?? [])];
    for (let dot = host.indexOf('.'); ; dot = host.indexOf('.', dot + 1)) {
      const suffix = dot < 0 ? '' : host.slice(dot);
      found.push(...(this.wildcard.get(suffix) ?? []));
      if (dot < 0) break;
    }
    return found.filter((r) => visibleFrom(r.exportTo, r.resource.namespace, namespace));
  }
}

/**
 * The subsets VirtualServices route to (Istio's `virtualservice.DestinationRuleAnalyzer`): IST0101 for a
 * route or mirror destination whose subset no DestinationRule of its host defines. The DestinationRule
 * counts when its host (short names resolve in its namespace, wildcards cover) is the destination host
 * and its `exportTo` lets the VirtualService's namespace see it; declared DestinationRules count too.
 * Requests to an undefined subset fail with 503.
 */
export const virtualServiceDestinationRules: Check = {
  name: 'virtualservice.destinationrules',
  codes: ['IST0101'],
  description: 'subsets VirtualService routes and mirrors name are defined by a DestinationRule of the host',
  run(ctx) {
    const index = new RuleIndex(ctx);
    for (const vs of ctx.output(GK.VirtualService)) {
      const ns = vs.namespace ?? ctx.defaultNamespace;
      for (const d of [...routeDestinations(vs), ...mirrorDestinations(vs)]) {
        if (d.subset === undefined) continue;
        const host = resolveHost(d.host, ns);
        const rules = index.lookup(host, ns);
        if (rules.some((r) => r.subsets.has(d.subset!))) continue;
        const defined = [...new Set(rules.flatMap((r) => [...r.subsets]))].sort();
        ctx.report('IST0101', vs, `${d.field}.subset`, [d.mirror ? 'mirror+subset in destinationrule' : 'host+subset in destinationrule', `${d.host}+${d.subset}`],
          rules.length === 0
            ? `add a DestinationRule for ${host} with subset "${d.subset}" (visible from namespace ${ns}), or route to the whole host (no subset)`
            : `add subset "${d.subset}" to the DestinationRule of ${host} (defined: ${defined.join(', ') || 'none'}), or route to one it defines`);
      }
    }
  },
};
