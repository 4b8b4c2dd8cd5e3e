import { Check } from '../check';
import { GK } from '../resources';
import { workloadSelections } from './workload-selections';

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
    const { byPod } = workloadSelections(ctx, GK.Telemetry, 'selector', 'matchLabels', 'Telemetry');
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
