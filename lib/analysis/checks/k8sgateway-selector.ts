import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { push } from '../pods';
import { GATEWAY_NAME_LABEL } from '../installed-pods';
import { GK } from '../resources';


/** The policy kinds that select workloads and can instead target a Kubernetes Gateway. */
const POLICY_KINDS = [GK.AuthorizationPolicy, GK.RequestAuthentication, GK.Telemetry, GK.WasmPlugin];


/**
 * A policy (AuthorizationPolicy, RequestAuthentication, Telemetry, WasmPlugin) whose `selector` picks
 * the pods of a Kubernetes Gateway (`gateway.networking.k8s.io`) in its namespace: istiod does not
 * apply selector policies to those pods; they take a `targetRefs` to the Gateway. The Gateway pods are
 * pods of the output or declared that carry `gateway.networking.k8s.io/gateway-name`, and the pods
 * istiod deploys for each Gateway of an Istio class in the output or declared (labelled with the
 * Gateway's name, class and `infrastructure.labels`).
 */
export const k8sGatewaySelector: Check = {
  name: 'k8sgateway.selector',
  codes: ['IST0166'],
  description: 'policy selecting the pods of a Kubernetes Gateway with a selector instead of targetRefs',
  run(ctx) {
    const policies = POLICY_KINDS.flatMap((gk) => ctx.output(gk));
    if (policies.length === 0) return;
    const pods = gatewayPodLabels(ctx);
    for (const r of policies) {
      const spec = specOf(r.raw);
      if (isRecord(spec.targetRef) || arr(spec.targetRefs).length > 0 || !isRecord(spec.selector) || r.namespace === undefined) continue;
      const matchLabels = labelsOf(spec.selector.matchLabels);
      const gateways = new Set<string>();
      for (const labels of pods.get(r.namespace) ?? []) {
        if (Object.entries(matchLabels).every(([k, v]) => labels[k] === v)) gateways.add(labels[GATEWAY_NAME_LABEL]);
      }
      for (const name of [...gateways].sort()) {
        ctx.report('IST0166', r, 'spec.selector', [name],
          `replace the selector with targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: ${name} }]`);
      }
    }
  },
};

/** Labels of the Kubernetes Gateway pods (the output's, declared, and those istiod deploys), by namespace. */
function gatewayPodLabels(ctx: AnalysisContext): Map<string, Readonly<Record<string, string>>[]> {
  const out = new Map<string, Readonly<Record<string, string>>[]>();
  for (const pod of ctx.pods.pods()) {
    if (typeof pod.labels[GATEWAY_NAME_LABEL] === 'string') push(out, pod.namespace, pod.labels);
  }
  return out;
}
