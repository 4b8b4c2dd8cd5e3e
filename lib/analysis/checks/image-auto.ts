import { Check } from '../check';
import { containersOf, controlPlanes, describeControlPlane, injectedByWebhook, injectionWebhooks } from '../injection';
import { GK } from '../resources';

/** Where a workload kind keeps its containers, as a field path. */
function containersPath(groupKind: string): string {
  if (groupKind === GK.Pod) return 'spec.containers';
  if (groupKind === 'batch/CronJob') return 'spec.jobTemplate.spec.template.spec.containers';
  return 'spec.template.spec.containers';
}

/**
 * Pod templates with an `istio-proxy` container of `image: auto` (the gateway charts' way of asking the
 * injector for the proxy image) that no injection webhook will inject (Istio's
 * `injection.ImageAutoAnalyzer`): the pods fail to pull the image `auto`. Istio reports every live Pod
 * with `image: auto` (IST0147: it was not injected) and Deployments that match no webhook (IST0146).
 * Offline the objects are not yet admitted, so both are judged alike: a bare Pod that no webhook
 * selects is IST0147, any other workload IST0146. The webhooks are those of the output's (and declared)
 * MutatingWebhookConfigurations and those istiod's chart installs for each control plane (by revision,
 * revision tags, `enableNamespacesByDefault`); the namespace's and the pod's labels decide, and a
 * `sidecar.istio.io/inject: "false"` annotation or the host network opts out. Without any control
 * plane or webhook in the input nothing is reported (where pods would be injected is unknown).
 */
export const imageAuto: Check = {
  name: 'injection.imageauto',
  codes: ['IST0146', 'IST0147'],
  description: 'istio-proxy containers with image: auto that no injection webhook injects',
  run(ctx) {
    if (injectionWebhooks(ctx).length === 0 && controlPlanes(ctx).length === 0) return;
    const revisions = [...new Set(controlPlanes(ctx).flatMap((cp) => cp.names))].sort();
    for (const pod of ctx.pods.pods()) {
      if (pod.owner.external) continue;
      const index = containersOf(pod).findIndex((c) => c.name === 'istio-proxy' && c.image === 'auto');
      if (index < 0 || injectedByWebhook(ctx, pod)) continue;
      const containers = Array.isArray(pod.spec.containers) ? pod.spec.containers : [];
      const field = `${containersPath(pod.owner.groupKind)}[${containers.indexOf(containersOf(pod)[index])}].image`;
      const how = revisions.length > 0
        ? `label the namespace (or the pods) for injection: ${revisions.map((r) => (r === 'default' ? 'istio-injection=enabled' : `istio.io/rev=${r}`)).join(', ')}`
          + ` (control planes: ${controlPlanes(ctx).map(describeControlPlane).join(', ')})`
        : 'label the namespace or the pods so that an Istio injection webhook selects them';
      const fix = `${how}; or set a real proxy image`;
      if (pod.owner.groupKind === GK.Pod) ctx.report('IST0147', pod.owner, field, ['Pod', pod.owner.name], fix);
      else ctx.report('IST0146', pod.owner, field, [pod.owner.kind, pod.owner.name], fix);
    }
  },
};
