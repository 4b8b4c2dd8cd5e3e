import { ApiObject } from 'cdk8s';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationRule, ConditionKey, HttpMethod, Principal, WorkloadSelector } from '../../lib';
import { errorOf, find, findingsOf, synthValid } from '../support/charts';
import { prodChart } from './support';

const productpage = WorkloadSelector.labels({ app: 'productpage' });

function denyChart(rule: AuthorizationRule, acknowledgeTcpBlocking?: boolean) {
  const chart = prodChart();
  new AuthorizationPolicy(chart, 'deny', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY, rules: [rule], acknowledgeTcpBlocking });
  return chart;
}

const CONSTRUCT_FIX = 'Fix: add the HTTP ports to every operation of the rule (to: [{ ..., ports: [9080] }]), or, if the selected workloads serve HTTP only, set acknowledgeTcpBlocking: true';
const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

const FIX = 'Fix: add the HTTP ports to every operation (to[].operation.ports), or, if the selected workloads serve HTTP only, '
  + 'annotate the policy cdk8s-istio.io/deny-widens-on-tcp: acknowledged (AuthorizationPolicy acknowledgeTcpBlocking: true)';

/** The CDK8S-ISTIO-004 findings of `chart`, which synthesizes and passes the schemas. */
function widening(chart: ReturnType<typeof prodChart>): string[] {
  synthValid(chart);
  return findingsOf(chart, 'CDK8S-ISTIO-004');
}

describe('DENY rules that istiod widens on TCP ports: each source, operation and condition on its own', () => {
  test.each<[string, AuthorizationRule, string]>([
    ['a header condition alone', { when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] },
      'when has only HTTP conditions (request.headers[x-debug]) and nothing narrows the rule on TCP'],
    ['a JWT claim condition alone', { when: [{ key: ConditionKey.claim('groups'), notValues: ['admin'] }] },
      'when has only HTTP conditions (request.auth.claims[groups]) and nothing narrows the rule on TCP'],
    ['one source with principals and one with only notRequestPrincipals',
      { from: [{ principals: [Principal.pattern('cluster.local/ns/a/sa/b')] }, { notRequestPrincipals: ['*'] }] },
      'from[1] has only notRequestPrincipals'],
    ['one operation with ports and one with only paths', { to: [{ ports: [8080] }, { paths: ['/x'] }] },
      'to[1] has paths but no ports'],
    ['an operation with methods and hosts but no ports next to TCP sources',
      { from: [{ namespaces: ['legacy'] }], to: [{ methods: [HttpMethod.DELETE], hosts: ['api.example.com'] }] },
      'to[0] has methods/hosts but no ports'],
  ])('%s is an error of the construct naming the rule and the part (the analyzer\'s judgement, before any output)', (_name, rule, reason) => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => denyChart(rule))).toMatch(new RegExp(`^\\[prod/deny\\] rules\\[0\\]: .* is a DENY rule with HTTP-only attributes that istiod drops on non-HTTP ports \\(${escape(reason)}\\): `
      + `there it matches more connections than written, up to every one\\. ${escape(CONSTRUCT_FIX)}$`));
  });

  test('every widening part is listed', () => {
    expect(errorOf(() => denyChart({ from: [{ requestPrincipals: ['*'] }], to: [{ paths: ['/a'] }, { methods: [HttpMethod.POST] }] })))
      .toBe('[prod/deny] rules[0]: {"from":[{"requestPrincipals":["*"]}],"to":[{"paths":["/a"]},{"methods":["POST"]}]} is a DENY rule with HTTP-only attributes that istiod drops on non-HTTP ports '
        + `(to[0] has paths but no ports; to[1] has methods but no ports; from[0] has only requestPrincipals): there it matches more connections than written, up to every one. ${CONSTRUCT_FIX}`);
  });

  test('the same rule written as an object is reported by the analyzer (CDK8S-ISTIO-004)', () => {
    // GIVEN the rule of the first case, in an AuthorizationPolicy object not made by the construct
    const chart = prodChart();
    new ApiObject(chart, 'raw', {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny', namespace: 'bookinfo' },
      spec: { selector: { matchLabels: { app: 'productpage' } }, action: 'DENY', rules: [{ when: [{ key: 'request.headers[x-debug]', values: ['1'] }] }] },
    });
    // WHEN / THEN
    expect(widening(chart)).toStrictEqual(['Error [CDK8S-ISTIO-004] (AuthorizationPolicy bookinfo/deny) DENY rule 0 has HTTP-only attributes that istiod drops on non-HTTP ports '
      + '(when has only HTTP conditions (request.headers[x-debug]) and nothing narrows the rule on TCP): '
      + `there it matches more connections than written, up to every one (spec.rules[0]). ${FIX} [construct prod/raw]`]);
  });

  test.each<[string, AuthorizationRule]>([
    ['HTTP attributes confined to ports', { to: [{ methods: [HttpMethod.DELETE], ports: [9080] }] }],
    ['every operation with ports or notPorts', { to: [{ paths: ['/admin/*'], ports: [9080] }, { methods: [HttpMethod.PUT], notPorts: [15021] }] }],
    ['a request-principal source confined to ports', { from: [{ notRequestPrincipals: ['*'] }], to: [{ paths: ['/api/*'], ports: [9080] }] }],
    ['a request-principal source narrowed by a TCP condition', { from: [{ notRequestPrincipals: ['*'] }], when: [{ key: ConditionKey.SOURCE_IP, values: ['10.0.0.0/8'] }] }],
    ['a source with a TCP field besides request principals', { from: [{ namespaces: ['legacy'], notRequestPrincipals: ['*'] }] }],
    ['a header condition next to TCP sources', { from: [{ notNamespaces: ['bookinfo'] }], when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] }],
    ['a header condition next to a port condition', { when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }, { key: ConditionKey.DESTINATION_PORT, values: ['9080'] }] }],
    ['paths next to a destination.port condition', { to: [{ paths: ['/x'] }], when: [{ key: ConditionKey.DESTINATION_PORT, values: ['9080'] }] }],
    ['TCP attributes only', { from: [{ ipBlocks: ['203.0.113.0/24'] }], to: [{ ports: [5432] }] }],
  ])('%s passes', (_name, rule) => {
    expect(widening(denyChart(rule))).toStrictEqual([]);
  });

  test('acknowledgeTcpBlocking accepts every reproduction: the policy carries the annotation the analyzer reads', () => {
    for (const rule of [
      { when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] },
      { from: [{ principals: [Principal.pattern('cluster.local/ns/a/sa/b')] }, { notRequestPrincipals: ['*'] }] },
      { to: [{ ports: [8080] }, { paths: ['/x'] }] },
    ]) {
      const chart = denyChart(rule, true);
      expect(widening(chart)).toStrictEqual([]);
      expect(find(synthValid(chart), 'AuthorizationPolicy', 'deny').metadata.annotations).toStrictEqual({ 'cdk8s-istio.io/deny-widens-on-tcp': 'acknowledged' });
    }
  });

  test('ALLOW and AUDIT rules with HTTP-only parts are not flagged (istiod narrows ALLOW on TCP; AUDIT only logs)', () => {
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'allow', { namespace: 'bookinfo', selector: productpage, rules: [{ to: [{ ports: [8080] }, { paths: ['/x'] }] }] });
    new AuthorizationPolicy(chart, 'audit', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.AUDIT, rules: [{ when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] }] });
    expect(widening(chart)).toStrictEqual([]);
  });
});
