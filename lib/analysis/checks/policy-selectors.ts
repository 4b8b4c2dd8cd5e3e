import { Check, labelsOf, specOf } from '../check';
import { showLabels } from '../pods';
import { GK } from '../resources';
import { inMesh, noMatchReason } from './mesh-membership';

/**
 * PeerAuthentication and RequestAuthentication objects whose `selector` matches no pod in the mesh
 * (istioctl only checks AuthorizationPolicies this way, IST0127): the policy protects nothing, usually
 * because of a typo in a label, and the workloads it was written for run under the broader policy. In
 * the root namespace a RequestAuthentication's selector is matched against every namespace (istiod
 * ignores a PeerAuthentication with a selector there: `ineffective-policies.ts`). Policies without selector
 * (namespace- or mesh-wide) and those with `targetRefs` are not checked: they apply to whatever runs
 * there, now or later.
 */
export const policySelectors: Check = {
  name: 'security.policyselectors',
  codes: ['CDK8S-ISTIO-006'],
  description: 'PeerAuthentication and RequestAuthentication selectors that match no workload in the mesh',
  run(ctx) {
    const root = ctx.rootNamespace();
    for (const gk of [GK.PeerAuthentication, GK.RequestAuthentication]) {
      for (const policy of ctx.output(gk)) {
        const spec = specOf(policy.raw);
        const selector = spec.selector;
        if (typeof selector !== 'object' || selector === null || Array.isArray(selector)) continue;
        const labels = labelsOf(selector.matchLabels);
        if (Object.keys(labels).length === 0) continue;
        const ns = policy.namespace!;
        // istiod ignores a PeerAuthentication with a selector in the root namespace (IST0167 says so).
        if (gk === GK.PeerAuthentication && ns === root) continue;
        const pods = ctx.podsForIstioSelector(ns, labels);
        if (pods.some((p) => inMesh(ctx, p))) continue;
        const where = ns === root ? `every namespace, from the root namespace "${ns}"` : `namespace "${ns}"`;
        ctx.report('CDK8S-ISTIO-006', policy, 'spec.selector.matchLabels', [policy.kind, showLabels(labels), where],
          `correct the labels to those of the pods it should apply to, or declare the workloads (ExternalResources workloads): ${noMatchReason(pods, ns === root ? 'in any namespace' : `in namespace "${ns}"`)}`);
      }
    }
  },
};
