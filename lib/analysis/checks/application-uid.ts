import { isRecord } from '../../core/records';
import { Check, labelsOf } from '../check';
import { GK } from '../resources';

/** The user ID the sidecar proxy runs as: iptables lets its traffic out without redirection. */
const PROXY_UID = 1337;

/** Where a workload kind keeps its pod spec, as a field path. */
function podSpecPath(groupKind: string): string {
  if (groupKind === GK.Pod) return 'spec';
  if (groupKind === 'batch/CronJob') return 'spec.jobTemplate.spec.template.spec';
  return 'spec.template.spec';
}

/**
 * Pod templates that run the application as UID 1337, the sidecar proxy's (Istio's
 * `applicationUID.Analyzer`, IST0144): their traffic bypasses the proxy. The pod's `securityContext`
 * and each container's count, except the `istio-proxy` and `istio-operator` containers; control-plane
 * workloads (an `istio` label, or `release: istio`) are skipped. Every workload kind is read
 * (Istio reads Pods and Deployments).
 */
export const applicationUid: Check = {
  name: 'deployment.applicationuid',
  codes: ['IST0144'],
  description: 'pod templates that run the application as UID 1337, the sidecar proxy\'s',
  run(ctx) {
    for (const pod of ctx.pods.pods()) {
      const owner = pod.owner;
      if (owner.external) continue;
      const labels = labelsOf(isRecord(owner.raw.metadata) ? owner.raw.metadata.labels : undefined);
      if (labels.istio !== undefined || labels.release === 'istio') continue;
      const path = podSpecPath(owner.groupKind);
      const fix = `run the application as another user (e.g. runAsUser: 1000): traffic of UID ${PROXY_UID} is not redirected through the sidecar`;
      if (isRecord(pod.spec.securityContext) && pod.spec.securityContext.runAsUser === PROXY_UID) {
        ctx.report('IST0144', owner, `${path}.securityContext.runAsUser`, [], fix);
      }
      const containers = Array.isArray(pod.spec.containers) ? pod.spec.containers : [];
      containers.forEach((c, i) => {
        if (!isRecord(c) || c.name === 'istio-proxy' || c.name === 'istio-operator') return;
        if (isRecord(c.securityContext) && c.securityContext.runAsUser === PROXY_UID) {
          ctx.report('IST0144', owner, `${path}.containers[${i}].securityContext.runAsUser`, [], fix);
        }
      });
    }
  },
};
