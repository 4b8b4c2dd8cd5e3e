import { isRecord } from '../../core/records';
import { Check, labelsOf, specOf } from '../check';
import { namespaceInAmbientMode, namespaceLabels, podInAmbientMode } from '../injection';
import { PodInfo, push, showLabels } from '../pods';
import { GK, Resource } from '../resources';

/**
 * Sidecars and the pods they select (Istio's `sidecar.SelectorAnalyzer`): a `workloadSelector` that
 * selects no pod of its namespace (IST0101), two Sidecars that select one pod (IST0110: which one
 * applies is undefined), two Sidecars of a namespace without a selector (IST0111), and Sidecars that
 * only select ambient pods or sit in an ambient namespace (IST0167: there is no sidecar to configure).
 * Declared Sidecars and pods count; only the output's Sidecars are reported.
 */
export const sidecarSelector: Check = {
  name: 'sidecar.selector',
  codes: ['IST0101', 'IST0110', 'IST0111', 'IST0167'],
  description: 'Sidecar workload selectors that select no pod, select a pod another Sidecar selects, or are missing on two Sidecars of a namespace',
  run(ctx) {
    const namespaceWide = new Map<string, Resource[]>();
    const byPod = new Map<PodInfo, Resource[]>();
    for (const r of ctx.all(GK.Sidecar)) {
      const ns = r.namespace ?? ctx.defaultNamespace;
      const selector = specOf(r.raw).workloadSelector;
      const labels = labelsOf(isRecord(selector) ? selector.labels : undefined);
      if (Object.keys(labels).length === 0) {
        push(namespaceWide, ns, r);
        continue;
      }
      const pods = ctx.pods.matching(ns, labels);
      if (pods.length === 0) {
        ctx.report('IST0101', r, 'spec.workloadSelector.labels', ['selector', showLabels(labels)],
          `give the pods this Sidecar is for the labels ${showLabels(labels)}, or correct the selector: no pod of namespace "${ns}" in the output or declared has them `
          + '(declare pods that run elsewhere as ExternalResources workloads)');
        continue;
      }
      for (const pod of pods) push(byPod, pod, r);
    }

    const ineffective = new Set<Resource>();
    const reportIneffective = (r: Resource, why: string): void => {
      if (ineffective.has(r)) return;
      ineffective.add(r);
      ctx.report('IST0167', r, undefined, [why], 'delete the Sidecar: ambient workloads have no sidecar (configure their waypoint instead), or take the workloads out of ambient mode');
    };
    for (const [pod, sidecars] of byPod) {
      const ambient = podInAmbientMode(ctx, pod);
      if (sidecars.length === 1 && !ambient) continue;
      const names = sidecars.map((s) => s.name).sort();
      for (const r of sidecars) {
        if (ambient) {
          reportIneffective(r, 'selected workload is in ambient mode, the policy has no impact');
          continue;
        }
        ctx.report('IST0110', r, 'spec.workloadSelector.labels', [names, pod.namespace, pod.owner.name],
          'make the selectors exclusive (a label both select on, with different values), or merge the Sidecars into one');
      }
    }
    for (const [ns, sidecars] of namespaceWide) {
      if (namespaceInAmbientMode(namespaceLabels(ctx, ns))) {
        for (const r of sidecars) reportIneffective(r, 'namespace is in ambient mode, the policy has no impact');
        continue;
      }
      if (sidecars.length < 2) continue;
      const names = sidecars.map((s) => s.name).sort();
      for (const r of sidecars) {
        ctx.report('IST0111', r, undefined, [names, ns],
          'keep one Sidecar without workloadSelector per namespace (the namespace default) and give the others a workloadSelector');
      }
    }
  },
};
