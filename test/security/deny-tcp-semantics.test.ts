import { AuthorizationAction, AuthorizationPolicy, AuthorizationRule, ConditionKey, HttpMethod, WorkloadSelector } from '../../lib';
import { synthError, synthValid } from '../support/charts';
import { prodChart } from './support';

const productpage = WorkloadSelector.labels({ app: 'productpage' });

function denyChart(rule: AuthorizationRule, acknowledgeTcpBlocking?: boolean) {
  const chart = prodChart();
  new AuthorizationPolicy(chart, 'deny', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY, rules: [rule], acknowledgeTcpBlocking });
  return chart;
}

const FIX = 'Fix: add the HTTP ports to every operation (to[].ports), or set acknowledgeTcpBlocking: true if the workloads serve HTTP only';

describe('DENY rules that istiod widens on TCP ports: each source, operation and condition on its own', () => {
  test.each<[string, AuthorizationRule, string]>([
    ['a header condition alone', { when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] },
      'when has only HTTP conditions (request.headers[x-debug]) and nothing narrows the rule on TCP'],
    ['a JWT claim condition alone', { when: [{ key: ConditionKey.claim('groups'), notValues: ['admin'] }] },
      'when has only HTTP conditions (request.auth.claims[groups]) and nothing narrows the rule on TCP'],
    ['one source with principals and one with only notRequestPrincipals',
      { from: [{ principals: ['cluster.local/ns/a/sa/b'] }, { notRequestPrincipals: ['*'] }] },
      'from[1].source has only notRequestPrincipals'],
    ['one operation with ports and one with only paths', { to: [{ ports: [8080] }, { paths: ['/x'] }] },
      'to[1].operation has paths but no ports'],
    ['an operation with methods and hosts but no ports next to TCP sources',
      { from: [{ namespaces: ['legacy'] }], to: [{ methods: [HttpMethod.DELETE], hosts: ['api.example.com'] }] },
      'to[0].operation has methods/hosts but no ports'],
  ])('%s is an error naming the part', (_name, rule, reason) => {
    const message = synthError(denyChart(rule));
    expect(message).toContain(`[prod/deny] rules[0]: ${JSON.stringify(renderedRule(rule))} is a DENY rule with HTTP-only attributes that istiod drops on TCP ports (${reason}), `
      + 'so it also rejects TCP connections to the selected workloads that it was not meant to, up to every one (istiod warns: "will deny all traffic to TCP ports under its scope"). ' + FIX);
  });

  test('every widening part is listed', () => {
    const message = synthError(denyChart({ from: [{ requestPrincipals: ['*'] }], to: [{ paths: ['/a'] }, { methods: [HttpMethod.POST] }] }));
    expect(message).toContain('(to[0].operation has paths but no ports; to[1].operation has methods but no ports; from[0].source has only requestPrincipals)');
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
    synthValid(denyChart(rule));
  });

  test('acknowledgeTcpBlocking accepts every reproduction', () => {
    for (const rule of [
      { when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] },
      { from: [{ principals: ['cluster.local/ns/a/sa/b'] }, { notRequestPrincipals: ['*'] }] },
      { to: [{ ports: [8080] }, { paths: ['/x'] }] },
    ]) {
      synthValid(denyChart(rule, true));
    }
  });

  test('ALLOW and AUDIT rules with HTTP-only parts are not flagged (istiod narrows ALLOW on TCP; AUDIT only logs)', () => {
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'allow', { namespace: 'bookinfo', selector: productpage, rules: [{ to: [{ ports: [8080] }, { paths: ['/x'] }] }] });
    new AuthorizationPolicy(chart, 'audit', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.AUDIT, rules: [{ when: [{ key: ConditionKey.header('x-debug'), values: ['1'] }] }] });
    synthValid(chart);
  });
});

/** The rule as the policy writes it (from/to wrapped in source/operation, ports as strings). */
function renderedRule(rule: AuthorizationRule): unknown {
  return {
    ...(rule.from ? { from: rule.from.map((source) => ({ source })) } : {}),
    ...(rule.to ? { to: rule.to.map((o) => ({ operation: Object.fromEntries(Object.entries(o).map(([k, v]) => [k, k.endsWith('orts') ? (v as number[]).map(String) : v])) })) } : {}),
    ...(rule.when ? { when: rule.when } : {}),
  };
}
