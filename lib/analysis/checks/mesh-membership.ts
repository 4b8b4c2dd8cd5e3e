/**
 * Not a check: how the security checks tell whether a pod of the output is in the mesh, and how.
 * A policy that selects only pods without a proxy has no effect, so those pods do not count as
 * "matching workloads".
 *
 * Read from the pod template and its Namespace object, as injection decides it:
 * - a pod template that already has an `istio-proxy` container, or the `sidecar.istio.io/inject`
 *   label (or annotation) `"true"`, gets a sidecar; `"false"` opts it out of injection;
 * - `ambient.istio.io/redirection: enabled` (set by the CNI agent), or the pod or namespace label
 *   `istio.io/dataplane-mode: ambient`, puts it in ambient mode (`none` on the pod opts it out);
 * - otherwise its namespace decides: `istio-injection=enabled`, or any `istio.io/rev` label (revision
 *   injection, which istioctl's analyzer overlooks) means a sidecar.
 *
 * When that cannot be known offline (a pod declared external, a namespace the output does not
 * create), the pod counts as in the mesh: the benefit of the doubt, not a finding.
 */
import { AnalysisContext } from '../context';
import { DATAPLANE_MODE_LABEL, hasProxyContainer, INJECTION_LABEL, namespaceObject, REVISION_LABEL, SIDECAR_INJECT } from '../injection';
import { PodInfo } from '../pods';
import { labelsOf } from '../check';

/** How a pod takes part in the mesh. */
export type Membership = 'sidecar' | 'ambient' | 'none' | 'unknown';

/** How `pod` takes part in the mesh (see the file comment). */
export function membership(ctx: AnalysisContext, pod: PodInfo): Membership {
  if (pod.owner.external) return 'unknown';
  if (pod.annotations['ambient.istio.io/redirection'] === 'enabled') return 'ambient';
  if (hasProxyContainer(pod)) return 'sidecar';
  const inject = pod.labels[SIDECAR_INJECT] ?? pod.annotations[SIDECAR_INJECT];
  if (inject === 'true') return 'sidecar';
  if (pod.labels[DATAPLANE_MODE_LABEL] === 'none') return 'none';
  if (pod.labels[DATAPLANE_MODE_LABEL] === 'ambient') return 'ambient';
  const ns = namespaceObject(ctx, pod.namespace);
  if (ns === undefined || ns.external) return 'unknown';
  const labels = labelsOf(ns.raw.metadata?.labels);
  const nsInjection = labels[INJECTION_LABEL];
  if (inject !== 'false' && nsInjection !== 'disabled') {
    if (nsInjection === 'enabled' || (labels[REVISION_LABEL] ?? '') !== '' || (pod.labels[REVISION_LABEL] ?? '') !== '') return 'sidecar';
  }
  return labels[DATAPLANE_MODE_LABEL] === 'ambient' ? 'ambient' : 'none';
}

/** Whether `pod` has a proxy (sidecar or ambient), or may have one. */
export function inMesh(ctx: AnalysisContext, pod: PodInfo): boolean {
  return membership(ctx, pod) !== 'none';
}

/**
 * Why no pod in the mesh matched, for a fix: pods matched the selector but none is in the mesh, or
 * none matched at all.
 */
export function noMatchReason(matched: readonly PodInfo[], where: string): string {
  if (matched.length === 0) return `no pod of the output or declared workload ${where} carries these labels`;
  const owners = [...new Set(matched.map((p) => `${p.owner.kind} ${p.namespace}/${p.owner.name}`))].slice(0, 3).join(', ');
  return `the matching pods (${owners}) have no proxy: their namespace is not labelled for injection (istio-injection=enabled or istio.io/rev) or ambient, and they do not opt in`;
}
