/**
 * What the Gateway checks share: a Gateway's selector, the pods it picks, and istiod's
 * PILOT_SCOPE_GATEWAY_TO_NAMESPACE setting, which limits a Gateway to the pods of its own namespace.
 */
import { isRecord } from '../../core/records';
import { labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { PodInfo, showLabels } from '../pods';
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
  return ctx.meshConfigs.some(({ resource }) => {
    const spec = specOf(resource.raw);
    const values = isRecord(spec.values) ? spec.values : {};
    const pilotValues = isRecord(values.pilot) && isRecord(values.pilot.env) ? values.pilot.env : {};
    if (String(pilotValues.PILOT_SCOPE_GATEWAY_TO_NAMESPACE) === 'true') return true;
    const components = isRecord(spec.components) ? spec.components : {};
    const k8s = isRecord(components.pilot) && isRecord(components.pilot.k8s) ? components.pilot.k8s : {};
    return Array.isArray(k8s.env) && k8s.env.some((e: unknown) => isRecord(e) && e.name === 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE' && String(e.value) === 'true');
  });
}

/**
 * Every Gateway (of the output and declared) with the pods its selector picks: in every namespace, or
 * in its own namespace with PILOT_SCOPE_GATEWAY_TO_NAMESPACE. A Gateway without a selector picks every
 * pod. The pods are those of the output and the declared ones, and the gateways an IstioOperator installs
 * ({@link operatorGatewayPods}).
 */
export function gatewayWorkloads(ctx: AnalysisContext, withPods = true): GatewayWorkload[] {
  const scoped = withPods && scopeGatewayToNamespace(ctx);
  const installed = withPods ? operatorGatewayPods(ctx) : [];
  return ctx.all(GK.Gateway).map((gateway) => {
    const selector = labelsOf(specOf(gateway.raw).selector);
    if (!withPods) return { gateway, selector, selectorText: showLabels(selector), pods: [] };
    const namespace = scoped ? gateway.namespace : undefined;
    const pods = [
      ...ctx.pods.matching(namespace, selector),
      ...installed.filter((p) => (namespace === undefined || p.namespace === namespace) && Object.entries(selector).every(([k, v]) => p.labels[k] === v)),
    ];
    return { gateway, selector, selectorText: showLabels(selector), pods };
  });
}

/** Whether a pod is one an IstioOperator installs (its Service is not in the output). */
export function isOperatorGatewayPod(pod: PodInfo): boolean {
  return pod.owner.groupKind === GK.IstioOperator;
}

/** Profiles that install `istio-ingressgateway` (and `demo` also `istio-egressgateway`) unless components say otherwise. */
const INGRESS_PROFILES = new Set(['', 'default', 'demo', 'preview', 'openshift']);

/**
 * The gateway pods the IstioOperators of the output (or declared) install: each enabled entry of
 * `components.ingressGateways` / `egressGateways`, or the profile's gateways when the list is not given.
 * Their labels are the gateway chart's (`app: istio-ingressgateway, istio: ingressgateway`, or the
 * egress ones) with the component's `label` over them.
 */
export function operatorGatewayPods(ctx: AnalysisContext): PodInfo[] {
  const out: PodInfo[] = [];
  for (const r of ctx.all(GK.IstioOperator)) {
    const spec = specOf(r.raw);
    const components = isRecord(spec.components) ? spec.components : {};
    const profile = typeof spec.profile === 'string' ? spec.profile : '';
    const revision = typeof spec.revision === 'string' && spec.revision !== '' ? spec.revision : 'default';
    const istioNamespace = typeof spec.namespace === 'string' && spec.namespace !== '' ? spec.namespace : 'istio-system';
    for (const [list, kind, inProfile] of [
      ['ingressGateways', 'ingress', INGRESS_PROFILES.has(profile)],
      ['egressGateways', 'egress', profile === 'demo'],
    ] as const) {
      const given = components[list];
      const entries: unknown[] = Array.isArray(given) ? given : inProfile ? [{ name: `istio-${kind}gateway` }] : [];
      for (const entry of entries) {
        if (!isRecord(entry) || entry.enabled === false) continue;
        const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : `istio-${kind}gateway`;
        const labels = {
          'app': `istio-${kind}gateway`,
          'istio': `${kind}gateway`,
          'app.kubernetes.io/name': `istio-${kind}gateway`,
          'istio.io/rev': revision,
          'operator.istio.io/component': kind === 'ingress' ? 'IngressGateways' : 'EgressGateways',
          'service.istio.io/canonical-name': name,
          'sidecar.istio.io/inject': 'false',
          ...labelsOf(entry.label),
        };
        const namespace = typeof entry.namespace === 'string' && entry.namespace !== '' ? entry.namespace : istioNamespace;
        out.push({ namespace, labels, annotations: {}, serviceAccount: `${name}-service-account`, ports: [], owner: r, spec: {} });
      }
    }
  }
  return out;
}

/** The namespaces of `pods`, sorted. */
export function namespacesOf(pods: readonly PodInfo[]): string[] {
  return [...new Set(pods.map((p) => p.namespace))].sort();
}
