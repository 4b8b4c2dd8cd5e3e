import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { push } from '../pods';
import { GK, Resource } from '../resources';

/**
 * Telemetries that apply to a whole namespace (Istio's `telemetry.DefaultSelectorAnalyzer`): two in
 * one namespace (in the root namespace: two mesh-wide ones) is undefined behavior (IST0160). A Telemetry
 * without a selector, or with an empty `matchLabels`, is namespace-wide; one with `targetRef(s)` applies
 * to what it targets (Istio's analyzer counts those too, a false alarm we leave out).
 */
export const telemetryDefaultSelector: Check = {
  name: 'telemetry.defaultselector',
  codes: ['IST0160'],
  description: 'two Telemetries without a selector in one namespace',
  run(ctx) {
    const byNamespace = new Map<string, Resource[]>();
    for (const r of ctx.all(GK.Telemetry)) {
      const spec = specOf(r.raw);
      if (isRecord(spec.targetRef) || arr(spec.targetRefs).length > 0) continue;
      const labels = labelsOf(isRecord(spec.selector) ? spec.selector.matchLabels : undefined);
      if (Object.keys(labels).length === 0) push(byNamespace, r.namespace ?? ctx.defaultNamespace, r);
    }
    for (const [ns, telemetries] of byNamespace) {
      if (telemetries.length < 2) continue;
      const names = telemetries.map((t) => t.name).sort();
      const scope = ns === ctx.rootNamespace() ? 'the mesh (root namespace)' : `namespace "${ns}"`;
      for (const r of telemetries) {
        ctx.report('IST0160', r, undefined, [names, ns],
          `merge them into one Telemetry for ${scope}, or give all but one a selector`);
      }
    }
  },
};
