import { Check } from '../check';
import {
  controlPlanes, DATAPLANE_MODE_LABEL, describeControlPlane, INJECTION_LABEL, namespaceLabels, REVISION_LABEL, SIDECAR_INJECT,
} from '../injection';
import { GK } from '../resources';

/**
 * Namespace injection labels (Istio's `injection.Analyzer`): more than one kind of injection label on a
 * namespace (`istio-injection`, `istio.io/rev`, `istio.io/dataplane-mode`; the latter two count unless
 * `istio-injection` is set to something other than `enabled`) is undefined behavior (IST0123); a
 * namespace with none of them gets no sidecars (IST0102, Info). `istio-system` is skipped, as in Istio.
 *
 * Offline, IST0102 is narrowed to what the output decides: only namespaces of the output that hold pods
 * of the output, only when a control plane is in the output, not a control plane's own namespace, not
 * when the default revision injects every namespace (`enableNamespacesByDefault`), and not when every
 * pod there chooses for itself (a `sidecar.istio.io/inject` or `istio.io/rev` label, e.g. gateways).
 * Istio's check of running pods without a proxy (IST0103) needs a cluster and is not made.
 */
export const injectionNamespaces: Check = {
  name: 'injection.namespaces',
  codes: ['IST0123', 'IST0102'],
  description: 'namespaces with more than one kind of injection label, or none while they run pods and the output has a control plane',
  run(ctx) {
    const cps = controlPlanes(ctx);
    const ownControlPlane = cps.some((cp) => !cp.source.resource.external);
    const controlPlaneNamespaces = new Set(cps.map((cp) => cp.source.istioNamespace));
    const injectsAll = cps.some((cp) => cp.isDefault && cp.enableNamespacesByDefault);
    const revisions = [...new Set(cps.flatMap((cp) => cp.names))].sort();
    for (const r of ctx.output(GK.Namespace)) {
      if (r.name === 'istio-system') continue;
      const labels = namespaceLabels(ctx, r.name);
      const injection = labels[INJECTION_LABEL];
      const kinds = injection !== undefined ? [`${INJECTION_LABEL}=${injection}`] : [];
      for (const key of [REVISION_LABEL, DATAPLANE_MODE_LABEL]) {
        if (labels[key] !== undefined && (injection === undefined || injection === 'enabled')) kinds.push(`${key}=${labels[key]}`);
      }
      if (kinds.length > 1) {
        ctx.report('IST0123', r, 'metadata.labels', [kinds],
          `keep one of ${kinds.join(', ')}: istio-injection=enabled for the default revision, istio.io/rev=<revision> for a revision, istio.io/dataplane-mode=ambient for ambient`);
      }
      if (labels[DATAPLANE_MODE_LABEL] === 'ambient' || (injection ?? '') !== '' || labels[REVISION_LABEL] !== undefined) continue;
      if (!ownControlPlane || injectsAll || controlPlaneNamespaces.has(r.name)) continue;
      const pods = ctx.pods.matching(r.name, {}).filter((p) => !p.owner.external);
      if (pods.length === 0 || pods.every((p) => p.labels[SIDECAR_INJECT] !== undefined || p.labels[REVISION_LABEL] !== undefined || p.annotations[SIDECAR_INJECT] !== undefined)) continue;
      const byRevision = revisions.filter((rev) => rev !== 'default').map((rev) => `istio.io/rev=${rev}`);
      ctx.report('IST0102', r, 'metadata.labels', [r.name, r.name],
        `label it for the mesh (${[...(revisions.includes('default') ? ['istio-injection=enabled'] : []), ...byRevision].join(', ') || 'istio-injection=enabled'}`
        + `, as MeshNamespace with the control plane does; control planes: ${cps.map(describeControlPlane).join(', ')}), `
        + 'or istio-injection=disabled if its pods stay out of the mesh');
    }
  },
};
