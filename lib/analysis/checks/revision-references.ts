import { isRecord } from '../../core/records';
import { Check } from '../check';
import { controlPlanes, describeControlPlane, INJECTION_LABEL, namespaceLabels, REVISION_LABEL } from '../injection';
import { GK } from '../resources';

/**
 * What points at a revision must find it (CDK8S-ISTIO-080): a namespace or a pod template labelled
 * `istio.io/rev=<x>`, where `<x>` is neither the revision nor a revision tag of a control plane in the
 * output or declared, gets no sidecar (the namespace selector of no injection webhook matches) and no
 * configuration; a Sail `IstioRevisionTag` must target an `Istio` that exists. This is what refuses
 * removing a revision that a tag or a namespace still points at. Only checked when the output holds a
 * control plane (else the revisions are installed elsewhere and unknown here).
 */
export const revisionReferences: Check = {
  name: 'injection.revision-references',
  codes: ['CDK8S-ISTIO-080'],
  description: 'namespaces, pods and revision tags that point at a revision or tag no control plane has',
  run(ctx) {
    const cps = controlPlanes(ctx);
    if (!cps.some((cp) => !cp.source.resource.external)) return;
    const known = new Set(cps.flatMap((cp) => cp.names));
    const planes = cps.map(describeControlPlane).join(', ');
    const fix = (x: string) => `install the control plane of "${x}" (or a tag of that name) again, or point this at one that is installed: ${[...known].sort().join(', ')}`;
    for (const r of ctx.output(GK.Namespace)) {
      const labels = namespaceLabels(ctx, r.name);
      const rev = labels[REVISION_LABEL];
      // istio-injection, whatever its value, takes precedence over istio.io/rev in the webhooks' selectors.
      if (rev === undefined || rev === '' || labels[INJECTION_LABEL] !== undefined || known.has(rev)) continue;
      ctx.report('CDK8S-ISTIO-080', r, 'metadata.labels', [`Namespace ${r.name}`, rev, planes], fix(rev));
    }
    for (const pod of ctx.pods.pods()) {
      if (pod.owner.external) continue;
      const rev = pod.labels[REVISION_LABEL];
      if (rev === undefined || rev === '' || known.has(rev)) continue;
      ctx.report('CDK8S-ISTIO-080', pod.owner, 'spec.template.metadata.labels', [`the pods of ${pod.owner.kind} ${pod.owner.namespace ?? ''}/${pod.owner.name}`, rev, planes], fix(rev));
    }
    for (const tag of ctx.output('sailoperator.io/IstioRevisionTag')) {
      const ref = isRecord(tag.raw.spec) && isRecord(tag.raw.spec.targetRef) ? tag.raw.spec.targetRef : {};
      const kind = ref.kind === 'IstioRevision' ? 'sailoperator.io/IstioRevision' : GK.SailIstio;
      if (typeof ref.name !== 'string' || ctx.find(kind, undefined, ref.name).length > 0) continue;
      ctx.report('CDK8S-ISTIO-080', tag, 'spec.targetRef', [`IstioRevisionTag ${tag.name}`, `${String(ref.kind)}/${ref.name}`, planes],
        `target an Istio of the output (${ctx.all(GK.SailIstio).map((i) => i.name).join(', ') || 'none'}), or keep the one it targets`);
    }
  },
};
