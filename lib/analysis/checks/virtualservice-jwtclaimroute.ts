import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { push } from '../pods';
import { GK, nsName, Resource } from '../resources';
import { gatewayRefs, isInternalGatewayRef, MESH_GATEWAY, parseGatewayRef } from './virtualservice-util';

const CLAIM_HEADER = '@request.auth.claims';

/** Whether a header name routes on a JWT claim: `@request.auth.claims.<claim>` or `@request.auth.claims[<claim>]`. */
function isClaimKey(name: string): boolean {
  if (!name.toLowerCase().startsWith(CLAIM_HEADER)) return false;
  const rest = name.slice(CLAIM_HEADER.length);
  return (rest.startsWith('.') && rest.length > 1) || (rest.startsWith('[') && rest.endsWith(']') && rest.length > 2);
}

/** The first header key of an HTTP match (`headers`, then `withoutHeaders`) that routes on a JWT claim. */
function claimKey(spec: Record<string, any>): string | undefined {
  for (const rule of arr(spec.http)) {
    if (!isRecord(rule)) continue;
    for (const match of arr(rule.match)) {
      if (!isRecord(match)) continue;
      for (const field of ['headers', 'withoutHeaders']) {
        const headers = match[field];
        if (!isRecord(headers)) continue;
        const key = Object.keys(headers).find(isClaimKey);
        if (key !== undefined) return key;
      }
    }
  }
  return undefined;
}

/**
 * A VirtualService bound to a Gateway that routes on JWT claims (`@request.auth.claims.…` header
 * matches) while no RequestAuthentication applies to the gateway's pods (Istio's
 * `virtualservice.JWTClaimRouteAnalyzer`, IST0149): without one the gateway validates no token, the
 * claims are never set, and the claim routes never match. A RequestAuthentication counts for a pod
 * when it is in the pod's namespace or the root namespace and its `selector` (none: every pod) matches
 * the pod's labels; one with `targetRef(s)` does not select pods by label and does not count. Gateways
 * without a selector, or that the output does not have, are skipped.
 */
export const virtualServiceJwtClaimRoute: Check = {
  name: 'virtualservice.jwtclaimroute',
  codes: ['IST0149'],
  description: 'JWT claim routes on a gateway with no RequestAuthentication for the gateway pods',
  run(ctx) {
    const selectorsByNs = new Map<string, Array<Record<string, string>>>();
    for (const ra of ctx.all(GK.RequestAuthentication)) {
      const spec = specOf(ra.raw);
      if (spec.targetRef !== undefined || arr(spec.targetRefs).length > 0) continue;
      push(selectorsByNs, ra.namespace ?? ctx.defaultNamespace, isRecord(spec.selector) ? labelsOf(spec.selector.matchLabels) : {});
    }
    const root = ctx.rootNamespace();
    for (const vs of ctx.output(GK.VirtualService)) {
      const key = claimKey(specOf(vs.raw));
      if (key === undefined) continue;
      checkGateways(ctx, vs, key, selectorsByNs, root);
    }
  },
};

function checkGateways(ctx: AnalysisContext, vs: Resource, key: string, selectorsByNs: Map<string, Array<Record<string, string>>>, root: string): void {
  const ns = vs.namespace ?? ctx.defaultNamespace;
  for (const entry of gatewayRefs(vs)) {
    if (!entry.topLevel || entry.ref === MESH_GATEWAY || isInternalGatewayRef(entry.ref)) continue;
    const { namespace, name } = parseGatewayRef(entry.ref, ns);
    const gateway = ctx.find(GK.Gateway, namespace, name)[0];
    if (!gateway) continue;
    const selector = labelsOf(specOf(gateway.raw).selector);
    if (Object.keys(selector).length === 0) continue;
    const reported = new Set<string>();
    for (const pod of ctx.pods.matching(undefined, selector)) {
      const selectors = [...(selectorsByNs.get(root) ?? []), ...(pod.namespace === root ? [] : selectorsByNs.get(pod.namespace) ?? [])];
      if (selectors.some((s) => Object.entries(s).every(([k, v]) => pod.labels[k] === v))) continue;
      const podName = pod.owner.name;
      if (reported.has(nsName(pod.owner))) continue;
      reported.add(nsName(pod.owner));
      ctx.report('IST0149', vs, entry.field, [key, `${namespace}/${name}`, podName],
        `add a RequestAuthentication (e.g. JwtAuthentication) in namespace ${pod.namespace} (or ${root}) whose selector matches the gateway pods of ${pod.owner.kind} ${nsName(pod.owner)}, `
        + 'so the gateway validates the token and sets the claims');
    }
  }
}
