import { arr, Check, labelsOf, specOf } from '../check';
import type { AnalysisContext } from '../context';
import { podInAmbientMode } from '../injection';
import { PodInfo } from '../pods';
import { GK, Resource } from '../resources';

const SIDECAR_CONTEXTS = new Set(['SIDECAR_INBOUND', 'SIDECAR_OUTBOUND']);

/**
 * IST0167 for what ztunnel and waypoints do not read, on pods that are all in ambient mode (judged
 * like `policy.ineffective`: the pods a selector picks in the object's namespace, or every pod of the
 * namespace without one; the root namespace is left alone):
 *
 * - an EnvoyFilter whose every patch matches a sidecar context (`SIDECAR_INBOUND`, `SIDECAR_OUTBOUND`):
 *   ambient pods have no sidecar, and waypoints are not configured through those contexts;
 * - and, with our code CDK8S-ISTIO-059, a PeerAuthentication (or a port of it) with mode `DISABLE`: in
 *   ambient mode ztunnel always speaks mTLS over HBONE to other mesh workloads, and istiod converts
 *   `DISABLE` as it does `PERMISSIVE` (plaintext from outside the mesh is accepted), so the policy does
 *   not do what it says.
 */
export const ambientIneffective: Check = {
  name: 'ambient.ineffective',
  codes: ['IST0167', 'CDK8S-ISTIO-059'],
  description: 'sidecar-only EnvoyFilters, and DISABLE PeerAuthentications (which act as PERMISSIVE), for workloads that are all in ambient mode',
  run(ctx) {
    const root = ctx.rootNamespace();
    for (const filter of ctx.output(GK.EnvoyFilter)) {
      const spec = specOf(filter.raw);
      const contexts = arr(spec.configPatches).map((p) => p?.match?.context);
      if (contexts.length === 0 || !contexts.every((c) => typeof c === 'string' && SIDECAR_CONTEXTS.has(c))) continue;
      const selector = spec.workloadSelector === undefined ? undefined : labelsOf(spec.workloadSelector?.labels);
      const owners = allAmbient(ctx, filter, selector, root);
      if (owners === undefined) continue;
      ctx.report('IST0167', filter, 'spec.configPatches[].match.context', [`it patches ${[...new Set(contexts)].sort().join(', ')} only, and the workloads it applies to (${owners}) are in ambient mode, without a sidecar`],
        'delete it, or apply the change at the waypoint (a Gateway-context EnvoyFilter selecting the waypoint pods) or run the workloads with sidecars');
    }
    for (const pa of ctx.output(GK.PeerAuthentication)) {
      const spec = specOf(pa.raw);
      const ports = Object.entries(spec.portLevelMtls ?? {}).filter(([, v]) => (v as any)?.mode === 'DISABLE').map(([p]) => p);
      const disabled = spec.mtls?.mode === 'DISABLE';
      if (!disabled && ports.length === 0) continue;
      const selector = spec.selector === undefined ? undefined : labelsOf(spec.selector?.matchLabels);
      const owners = allAmbient(ctx, pa, selector, root);
      if (owners === undefined) continue;
      const field = disabled ? 'spec.mtls.mode' : `spec.portLevelMtls[${ports.sort().join(', ')}].mode`;
      ctx.report('CDK8S-ISTIO-059', pa, field, [owners],
        'write PERMISSIVE, which is what ambient mode does with DISABLE, or run the workloads with sidecars if mesh clients must reach them in plaintext');
    }
  },
};

/** The owners of the pods `resource` applies to when there are some and all are in ambient mode, else undefined. */
function allAmbient(ctx: AnalysisContext, resource: Resource, selector: Record<string, string> | undefined, root: string): string | undefined {
  const ns = resource.namespace!;
  if (ns === root) return undefined;
  const pods: PodInfo[] = selector !== undefined && Object.keys(selector).length > 0 ? ctx.pods.matching(ns, selector) : ctx.pods.matching(ns, {});
  const own = pods.filter((p) => p.owner.groupKind !== GK.K8sGateway);
  if (own.length === 0 || own.some((p) => p.owner.external || !podInAmbientMode(ctx, p))) return undefined;
  return [...new Set(own.map((p) => `${p.owner.kind} ${p.namespace}/${p.owner.name}`))].sort().slice(0, 3).join(', ');
}
