import { arr, Check, labelsOf, specOf } from '../check';
import { podInAmbientMode } from '../injection';
import { PodInfo } from '../pods';
import { GK } from '../resources';

/** Operation fields ztunnel cannot evaluate (istiod's ambient conversion, `httpOperations`). */
const HTTP_OPERATION = ['hosts', 'notHosts', 'methods', 'notMethods', 'paths', 'notPaths'];
/** Source fields ztunnel cannot evaluate (`httpSources`). */
const HTTP_SOURCE = ['remoteIpBlocks', 'notRemoteIpBlocks', 'requestPrincipals', 'notRequestPrincipals'];
/** `when` keys ztunnel evaluates; every other key is an HTTP attribute to it. */
const L4_CONDITIONS = new Set(['source.ip', 'source.namespace', 'source.principal', 'destination.ip', 'destination.port']);

/**
 * AuthorizationPolicies that ztunnel enforces (a `selector` or none, no `targetRefs`) on pods in ambient
 * mode, with what ztunnel cannot do (istiod 1.30's conversion for ztunnel): HTTP attributes (methods,
 * paths, hosts, request principals, remote IPs, `request.*` conditions), where an ALLOW rule never
 * matches and a DENY rule is enforced without them (both stricter than written, a DENY up to every
 * connection), and the AUDIT and CUSTOM actions, which ztunnel does not support. L7 policy in ambient
 * mode belongs on a waypoint (`targetRefs`).
 */
export const ambientZtunnelPolicy: Check = {
  name: 'ambient.ztunnelpolicy',
  codes: ['CDK8S-ISTIO-058'],
  description: 'AuthorizationPolicies enforced by ztunnel on ambient pods with HTTP attributes or an action ztunnel does not support',
  run(ctx) {
    const root = ctx.rootNamespace();
    for (const policy of ctx.output(GK.AuthorizationPolicy)) {
      const spec = specOf(policy.raw);
      if (arr(spec.targetRefs).length > 0 || (typeof spec.targetRef === 'object' && spec.targetRef !== null)) continue;
      const ns = policy.namespace!;
      const selector = typeof spec.selector === 'object' && spec.selector !== null ? labelsOf(spec.selector.matchLabels) : undefined;
      const pods: PodInfo[] = selector !== undefined ? ctx.podsForIstioSelector(ns, selector) : ctx.pods.matching(ns === root ? undefined : ns, {});
      const ambient = pods.filter((p) => !p.owner.external && podInAmbientMode(ctx, p));
      if (ambient.length === 0) continue;
      const owners = [...new Set(ambient.map((p) => `${p.owner.kind} ${p.namespace}/${p.owner.name}`))].sort().slice(0, 3).join(', ');
      const action = typeof spec.action === 'string' ? spec.action : 'ALLOW';
      const fix = 'attach the policy to the waypoint of those workloads with targetRefs (PolicyTargetRef.waypoint(...)), '
        + 'or keep only L4 attributes (principals, namespaces, ipBlocks, ports) for ztunnel';
      if (action === 'AUDIT' || action === 'CUSTOM') {
        ctx.report('CDK8S-ISTIO-058', policy, 'spec.action', [owners, `the ${action} action, which ztunnel does not support`, 'istiod does not send the policy to ztunnel at all'], fix);
        continue;
      }
      const found = new Set<string>();
      for (const rule of arr(spec.rules)) {
        for (const to of arr(rule?.to)) for (const f of HTTP_OPERATION) if (arr(to?.operation?.[f]).length > 0) found.add(f);
        for (const from of arr(rule?.from)) for (const f of HTTP_SOURCE) if (arr(from?.source?.[f]).length > 0) found.add(f);
        for (const when of arr(rule?.when)) if (typeof when?.key === 'string' && !L4_CONDITIONS.has(when.key)) found.add(when.key);
      }
      if (found.size === 0) continue;
      const effect = action === 'DENY' ? 'ztunnel enforces the DENY rules without them, so they match more connections than written'
        : 'ztunnel drops the ALLOW rules that use them, so those requests are denied';
      ctx.report('CDK8S-ISTIO-058', policy, 'spec.rules', [owners, `HTTP attributes (${[...found].sort().join(', ')})`, effect], fix);
    }
  },
};
