import { Check } from '../check';
import { namespaceInAmbientMode, namespaceLabels, podInAmbientMode } from '../injection';
import { GK } from '../resources';
import { workloadSelections } from './workload-selections';

/**
 * Sidecars and the pods they select (Istio's `sidecar.SelectorAnalyzer`): a `workloadSelector` that
 * selects no pod of its namespace (IST0101), two Sidecars that select one pod (IST0110: which one
 * applies is undefined), two Sidecars of a namespace without a selector (IST0111). Sidecars of ambient
 * pods or namespaces configure nothing, so they are no conflict here (`policy.ineffective` reports
 * them as IST0167).
 * Declared Sidecars and pods count; only the output's Sidecars are reported.
 */
export const sidecarSelector: Check = {
  name: 'sidecar.selector',
  codes: ['IST0101', 'IST0110', 'IST0111'],
  description: 'Sidecar workload selectors that select no pod, select a pod another Sidecar selects, or are missing on two Sidecars of a namespace',
  run(ctx) {
    const { namespaceWide, byPod } = workloadSelections(ctx, GK.Sidecar, 'workloadSelector', 'labels', 'Sidecar');
    for (const [pod, sidecars] of byPod) {
      if (sidecars.length === 1 || podInAmbientMode(ctx, pod)) continue;
      const names = sidecars.map((s) => s.name).sort();
      for (const r of sidecars) {
        ctx.report('IST0110', r, 'spec.workloadSelector.labels', [names, pod.namespace, pod.owner.name],
          'make the selectors exclusive (a label both select on, with different values), or merge the Sidecars into one');
      }
    }
    for (const [ns, sidecars] of namespaceWide) {
      if (sidecars.length < 2 || namespaceInAmbientMode(namespaceLabels(ctx, ns))) continue;
      const names = sidecars.map((s) => s.name).sort();
      for (const r of sidecars) {
        ctx.report('IST0111', r, undefined, [names, ns],
          'keep one Sidecar without workloadSelector per namespace (the namespace default) and give the others a workloadSelector');
      }
    }
  },
};
