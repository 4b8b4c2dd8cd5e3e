/**
 * What the Gateway checks share: a Gateway's selector, the pods it picks, and istiod's
 * PILOT_SCOPE_GATEWAY_TO_NAMESPACE setting, which limits a Gateway to the pods of its own namespace.
 */
import { labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { PodInfo, showLabels } from '../pods';
import { istiodEnv } from '../istiod-env';
import { CHART_RELEASE_KINDS } from '../installed-pods';
import { GK, Resource } from '../resources';

/** A Gateway (`networking.istio.io`) with its selector and the pods the selector picks. */
export interface GatewayWorkload {
  readonly gateway: Resource;
  readonly selector: Readonly<Record<string, string>>;
  /** The selector as istioctl prints it: `app=x,istio=y`. */
  readonly selectorText: string;
  /** The pods picked (empty when not asked for). */
  readonly pods: PodInfo[];
}

/**
 * Whether istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true (a Gateway then applies only to the
 * gateway pods of its own namespace), as an IstioOperator or Sail `Istio` of the output or declared sets it.
 */
export function scopeGatewayToNamespace(ctx: AnalysisContext): boolean {
  return ctx.meshConfigs.some(({ resource }) => istiodEnv(resource)?.env.PILOT_SCOPE_GATEWAY_TO_NAMESPACE === 'true');
}

/**
 * Every Gateway (of the output and declared) with the pods its selector picks: in every namespace, or
 * in its own namespace with PILOT_SCOPE_GATEWAY_TO_NAMESPACE. A Gateway without a selector picks every
 * pod. The pods are those of the output, the declared ones and those the control plane installs.
 */
export function gatewayWorkloads(ctx: AnalysisContext, withPods = true): GatewayWorkload[] {
  const scoped = withPods && scopeGatewayToNamespace(ctx);
  return ctx.all(GK.Gateway).map((gateway) => {
    const selector = labelsOf(specOf(gateway.raw).selector);
    const pods = withPods ? ctx.pods.matching(scoped ? gateway.namespace : undefined, selector) : [];
    return { gateway, selector, selectorText: showLabels(selector), pods };
  });
}

/**
 * Whether a pod is one an IstioOperator or a release of Istio's gateway chart installs (its Service is
 * not in the output).
 */
export function isOperatorGatewayPod(pod: PodInfo): boolean {
  return pod.owner.groupKind === GK.IstioOperator || CHART_RELEASE_KINDS.includes(pod.owner.groupKind);
}

/** The namespaces of `pods`, sorted. */
export function namespacesOf(pods: readonly PodInfo[]): string[] {
  return [...new Set(pods.map((p) => p.namespace))].sort();
}
