import { Check, labelsOf, specOf } from '../check';
import { push } from '../pods';
import { GK, Resource } from '../resources';

/**
 * At most one PeerAuthentication without workload selector per namespace: in the root namespace it is
 * the mesh-wide policy, elsewhere the namespace-wide one. istiod keeps only the oldest of several and
 * ignores the rest (it logs that and nothing else), so which mode a namespace gets depends on creation
 * order. Declared external policies count (one in the cluster and one in the output is the same
 * problem); every output policy of such a group is reported.
 */
export const peerAuthenticationScope: Check = {
  name: 'security.peerauthenticationscope',
  codes: ['CDK8S-ISTIO-030'],
  description: 'more than one mesh- or namespace-wide PeerAuthentication in one namespace',
  run(ctx) {
    const byNamespace = new Map<string, Resource[]>();
    for (const pa of ctx.all(GK.PeerAuthentication)) {
      if (Object.keys(labelsOf(specOf(pa.raw).selector?.matchLabels)).length === 0) push(byNamespace, pa.namespace!, pa);
    }
    const root = ctx.rootNamespace();
    for (const [ns, all] of byNamespace) {
      // One object per name: a duplicate identity (CDK8S-ISTIO-001), or a declared object the output takes over, is one policy.
      const byName = new Map<string, Resource>();
      for (const r of all) if (!byName.has(r.name) || byName.get(r.name)!.external) byName.set(r.name, r);
      const list = [...byName.values()];
      if (list.length < 2) continue;
      const names = list.map((r) => r.name);
      const scope = ns === root ? 'mesh-wide' : 'namespace-wide';
      for (const pa of list) {
        ctx.report('CDK8S-ISTIO-030', pa, undefined, [names, ns, scope],
          `keep one ${scope} PeerAuthentication in namespace "${ns}" (merge their modes into one), or give the others a selector`);
      }
    }
  },
};
