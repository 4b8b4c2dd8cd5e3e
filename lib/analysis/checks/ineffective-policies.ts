import { Check, labelsOf, specOf } from '../check';
import { GK } from '../resources';
import { membership } from './mesh-membership';

/**
 * IST0167: policies that istiod accepts but that change nothing.
 *
 * - A Sidecar whose workload selector picks pods in ambient mode, or a Sidecar without selector in a
 *   namespace in ambient mode: ambient pods have no sidecar to configure (as istioctl's
 *   `sidecar.SelectorAnalyzer`). Offline, a pod is in ambient mode when its template or its
 *   namespace says so (see `mesh-membership.ts`); istioctl reads the annotation the CNI agent puts on
 *   running pods, which the output cannot have.
 * - A PeerAuthentication with a workload selector in the root namespace: istiod takes the mesh-wide
 *   policy from the root namespace only when it has no selector, and workload policies only from the
 *   workloads' own namespaces, so this one applies to no pod (istioctl does not report this).
 */
export const ineffectivePolicies: Check = {
  name: 'policy.ineffective',
  codes: ['IST0167'],
  description: 'Sidecars for workloads in ambient mode, and root-namespace PeerAuthentications with a selector, which change nothing',
  run(ctx) {
    for (const sidecar of ctx.output(GK.Sidecar)) {
      const labels = labelsOf(specOf(sidecar.raw).workloadSelector?.labels);
      const ns = sidecar.namespace!;
      if (Object.keys(labels).length > 0) {
        if (ctx.pods.matching(ns, labels).some((p) => membership(ctx, p) === 'ambient')) {
          ctx.report('IST0167', sidecar, 'spec.workloadSelector.labels', ['selected workload is in ambient mode, the policy has no impact'],
            'delete the Sidecar (ztunnel and waypoints do not read it), or take the workload out of ambient mode (istio.io/dataplane-mode: none) if it needs a sidecar');
        }
        continue;
      }
      const namespace = ctx.find(GK.Namespace, undefined, ns).find((r) => !r.external);
      if (namespace && namespaceInAmbient(labelsOf(namespace.raw.metadata?.labels))) {
        ctx.report('IST0167', sidecar, undefined, ['namespace is in ambient mode, the policy has no impact'],
          `delete the Sidecar (ztunnel and waypoints do not read it), or label namespace "${ns}" for sidecar injection if its workloads need sidecars`);
      }
    }
    const root = ctx.rootNamespace();
    for (const pa of ctx.output(GK.PeerAuthentication)) {
      if (pa.namespace !== root || Object.keys(labelsOf(specOf(pa.raw).selector?.matchLabels)).length === 0) continue;
      ctx.report('IST0167', pa, 'spec.selector', [`istiod ignores a PeerAuthentication with a workload selector in the root namespace "${root}"`],
        'move it to the namespace of the workloads it selects, or drop the selector to make it the mesh-wide policy');
    }
  },
};

/** A namespace in ambient mode: labelled for it, and not for sidecar injection (which wins). */
function namespaceInAmbient(labels: Record<string, string>): boolean {
  if (labels['istio-injection'] === 'enabled' || (labels['istio.io/rev'] ?? '') !== '') return false;
  return labels['istio.io/dataplane-mode'] === 'ambient';
}
