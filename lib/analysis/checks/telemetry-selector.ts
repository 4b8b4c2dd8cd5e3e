import { isRecord } from '../../core/records';
import { Check, labelsOf, specOf } from '../check';
import { PodInfo, push, showLabels } from '../pods';
import { GK, Resource } from '../resources';

/**
 * Telemetry selectors and the pods they select (Istio's `telemetry.SelectorAnalyzer`): a
 * `selector.matchLabels` that selects no pod of the Telemetry's namespace (IST0101), and two Telemetries
 * that select one pod (IST0159: which one applies is undefined). Declared Telemetries and pods count;
 * only the output's Telemetries are reported.
 */
export const telemetrySelector: Check = {
  name: 'telemetry.selector',
  codes: ['IST0101', 'IST0159'],
  description: 'Telemetry selectors that select no pod, or select a pod another Telemetry selects',
  run(ctx) {
    const byPod = new Map<PodInfo, Resource[]>();
    for (const r of ctx.all(GK.Telemetry)) {
      const ns = r.namespace ?? ctx.defaultNamespace;
      const selector = specOf(r.raw).selector;
      const labels = labelsOf(isRecord(selector) ? selector.matchLabels : undefined);
      if (Object.keys(labels).length === 0) continue;
      const pods = ctx.pods.matching(ns, labels);
      if (pods.length === 0) {
        ctx.report('IST0101', r, 'spec.selector.matchLabels', ['selector', showLabels(labels)],
          `give the pods this Telemetry is for the labels ${showLabels(labels)}, or correct the selector: no pod of namespace "${ns}" in the output or declared has them `
          + '(declare pods that run elsewhere as ExternalResources workloads)');
        continue;
      }
      for (const pod of pods) push(byPod, pod, r);
    }
    for (const [pod, telemetries] of byPod) {
      if (telemetries.length < 2) continue;
      const names = telemetries.map((t) => t.name).sort();
      for (const r of telemetries) {
        ctx.report('IST0159', r, 'spec.selector.matchLabels', [names, pod.namespace, pod.owner.name],
          'make the selectors exclusive (a label both select on, with different values), or merge the Telemetries into one');
      }
    }
  },
};
