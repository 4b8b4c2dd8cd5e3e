import { arr, Check, specOf } from '../check';
import { GK } from '../resources';

/** The annotation that accepts a policy's DENY rules widening on TCP. */
export const DENY_WIDENS_ON_TCP_ANNOTATION = 'cdk8s-istio.io/deny-widens-on-tcp';
/** Its one accepted value. */
export const ACKNOWLEDGED = 'acknowledged';

/** Operation fields istiod can only evaluate on HTTP (dropped from a DENY rule on TCP filter chains). */
const HTTP_OPERATION_FIELDS = ['methods', 'notMethods', 'paths', 'notPaths', 'hosts', 'notHosts'];
/** Source fields that also apply to TCP traffic. */
const TCP_SOURCE_FIELDS = new Set(['principals', 'notPrincipals', 'namespaces', 'notNamespaces', 'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks']);
/** `when` keys evaluated on TCP too, on the destination side. */
const TCP_PERMISSION_KEYS = new Set(['destination.ip', 'destination.port', 'connection.sni']);
/** `when` keys evaluated on TCP too, on the source side. */
const TCP_PRINCIPAL_KEYS = new Set(['source.ip', 'remote.ip', 'source.namespace', 'source.principal']);

/** A list field as istiod reads it: set when it has at least one entry (`[]` is "not set"). */
function isSet(value: unknown): boolean {
  return Array.isArray(value) && value.length > 0;
}

function record(value: unknown): Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, any> : {};
}

/**
 * Where one DENY rule gets wider on TCP filter chains. istiod builds a DENY rule for a TCP chain by
 * dropping every HTTP-only attribute, so the source, operation or condition that held it matches
 * more. Each source, operation and `when` key is judged on its own, because sources and operations
 * are OR-ed: one widened to "any" widens the whole rule.
 *
 * - an operation with methods, paths or hosts (or their not- forms) but no `ports` / `notPorts`;
 * - a source with only request principals, unless ports confine the rule or a TCP source condition
 *   (`source.ip`, `remote.ip`, `source.namespace`, `source.principal`) narrows it;
 * - `request.*` conditions when nothing else narrows the rule on TCP (ports, a TCP condition, or
 *   sources that all have a TCP field).
 *
 * Ports (in every operation, or a `destination.port` condition) confine the widening to those ports,
 * which the author declares HTTP: the escape istiod's own warning accepts. Returns the reasons, empty
 * when the rule keeps its meaning on TCP.
 */
export function tcpWidening(rule: unknown): string[] {
  const r = record(rule);
  const when = arr(r.when).map(record);
  const to = arr(r.to).map((t) => record(record(t).operation));
  const from = arr(r.from).map((f) => record(record(f).source));
  const keys = when.map((c) => (typeof c.key === 'string' ? c.key : ''));
  const portCondition = keys.includes('destination.port');
  const tcpPrincipalCondition = keys.some((k) => TCP_PRINCIPAL_KEYS.has(k));
  const tcpCondition = keys.some((k) => TCP_PRINCIPAL_KEYS.has(k) || TCP_PERMISSION_KEYS.has(k));
  const hasPorts = (op: Record<string, any>) => isSet(op.ports) || isSet(op.notPorts) || portCondition;
  const portConfined = portCondition || (to.length > 0 && to.every(hasPorts));
  const reasons: string[] = [];
  to.forEach((op, j) => {
    const http = HTTP_OPERATION_FIELDS.filter((f) => isSet(op[f]));
    if (http.length > 0 && !hasPorts(op)) reasons.push(`to[${j}].operation has ${http.join('/')} but no ports`);
  });
  const setFields = (source: Record<string, any>) => Object.keys(source).filter((k) => isSet(source[k]));
  if (!portConfined && !tcpPrincipalCondition) {
    from.forEach((source, j) => {
      const fields = setFields(source);
      if (fields.length > 0 && !fields.some((k) => TCP_SOURCE_FIELDS.has(k))) reasons.push(`from[${j}].source has only ${fields.join('/')}`);
    });
  }
  const httpConditions = keys.filter((k) => k.startsWith('request.'));
  const tcpSources = from.length > 0 && from.every((s) => setFields(s).some((k) => TCP_SOURCE_FIELDS.has(k)));
  if (httpConditions.length > 0 && !portConfined && !tcpCondition && !tcpSources) {
    reasons.push(`when has only HTTP conditions (${httpConditions.join(', ')}) and nothing narrows the rule on TCP`);
  }
  return reasons;
}

/**
 * DENY rules that istiod widens on non-HTTP ports (see {@link tcpWidening}): on a TCP port of the
 * selected workloads such a rule denies connections it was not written for, up to every one.
 * istiod only logs a warning; here it is an error, because it silently cuts off TCP services.
 *
 * Acknowledging it: the annotation `cdk8s-istio.io/deny-widens-on-tcp: acknowledged` on the
 * AuthorizationPolicy says the selected workloads serve HTTP only (or that denying their TCP
 * connections is meant), and the policy is not reported. The `AuthorizationPolicy` construct writes
 * it when given `acknowledgeTcpBlocking: true`; any other value of the annotation does not count.
 * The better fix is `ports` (the HTTP ports) in every operation of the rule.
 */
export const denyWidensOnTcp: Check = {
  name: 'security.denywidensontcp',
  codes: ['CDK8S-ISTIO-004'],
  description: 'DENY rules with HTTP-only attributes, which istiod widens on non-HTTP ports',
  run(ctx) {
    for (const policy of ctx.output(GK.AuthorizationPolicy)) {
      const spec = specOf(policy.raw);
      if (spec.action !== 'DENY') continue;
      if (record(policy.raw.metadata?.annotations)[DENY_WIDENS_ON_TCP_ANNOTATION] === ACKNOWLEDGED) continue;
      arr(spec.rules).forEach((rule, i) => {
        const reasons = tcpWidening(rule);
        if (reasons.length === 0) return;
        ctx.report('CDK8S-ISTIO-004', policy, `spec.rules[${i}]`, [i, reasons.join('; ')],
          'add the HTTP ports to every operation (to[].operation.ports), or, if the selected workloads serve HTTP only, '
          + `annotate the policy ${DENY_WIDENS_ON_TCP_ANNOTATION}: ${ACKNOWLEDGED} (AuthorizationPolicy acknowledgeTcpBlocking: true)`);
      });
    }
  },
};
