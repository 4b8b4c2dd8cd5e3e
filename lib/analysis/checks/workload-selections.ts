/**
 * Not a check: what the Sidecar and Telemetry selector checks share. Istio applies at most one object
 * of such a kind to a pod, so both ask the same questions of their objects: which select no pod
 * (IST0101), which pods several select (IST0110 / IST0159), which have no selector (namespace-wide).
 */
import { isRecord } from '../../core/records';
import { labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { PodInfo, push, showLabels } from '../pods';
import { Resource } from '../resources';

/** The objects of one kind, by what their workload selector picks. */
export interface WorkloadSelections {
  /** Objects without selector labels, by namespace. */
  readonly namespaceWide: Map<string, Resource[]>;
  /** Each selected pod with the objects that select it. */
  readonly byPod: Map<PodInfo, Resource[]>;
}

/**
 * Reads the selector of every object of `groupKind` (at `spec.<selectorField>.<labelsField>`), reporting
 * IST0101 on those whose labels pick no pod of their namespace; `noun` names the kind in the fix.
 */
export function workloadSelections(ctx: AnalysisContext, groupKind: string, selectorField: string, labelsField: string, noun: string): WorkloadSelections {
  const namespaceWide = new Map<string, Resource[]>();
  const byPod = new Map<PodInfo, Resource[]>();
  for (const r of ctx.all(groupKind)) {
    const ns = r.namespace ?? ctx.defaultNamespace;
    const selector = specOf(r.raw)[selectorField];
    const labels = labelsOf(isRecord(selector) ? selector[labelsField] : undefined);
    if (Object.keys(labels).length === 0) {
      push(namespaceWide, ns, r);
      continue;
    }
    const pods = ctx.pods.matching(ns, labels);
    if (pods.length === 0) {
      ctx.report('IST0101', r, `spec.${selectorField}.${labelsField}`, ['selector', showLabels(labels)],
        `give the pods this ${noun} is for the labels ${showLabels(labels)}, or correct the selector: no pod of namespace "${ns}" in the output or declared has them `
        + '(declare pods that run elsewhere as ExternalResources workloads)');
      continue;
    }
    for (const pod of pods) push(byPod, pod, r);
  }
  return { namespaceWide, byPod };
}
