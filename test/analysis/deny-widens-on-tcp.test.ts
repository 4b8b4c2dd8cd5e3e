/**
 * security.denywidensontcp: CDK8S-ISTIO-004, DENY rules with HTTP-only attributes that istiod drops on
 * non-HTTP ports, judged on any AuthorizationPolicy object.
 */
import { parse } from 'yaml';
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } };
const deny = (name: string, rules: unknown, annotations?: Record<string, string>, action = 'DENY') => ({
  apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: 'bookinfo', ...(annotations ? { annotations } : {}) },
  spec: { selector: { matchLabels: { app: 'productpage' } }, ...(action ? { action } : {}), rules },
});
const FIX = 'Fix: add the HTTP ports to every operation (to[].operation.ports), or, if the selected workloads serve HTTP only, '
  + 'annotate the policy cdk8s-istio.io/deny-widens-on-tcp: acknowledged (AuthorizationPolicy acknowledgeTcpBlocking: true)';

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze([ns, ...objects], { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-004');
}

describe('CDK8S-ISTIO-004 DenyWidensOnTcp', () => {
  test('an operation with paths but no ports: the finding names the rule and the part', () => {
    expect(findings([deny('deny-admin', [{ to: [{ operation: { ports: ['9080'], methods: ['GET'] } }] }, { to: [{ operation: { paths: ['/admin/*'] } }] }])])).toStrictEqual([{
      code: 'CDK8S-ISTIO-004', messageName: 'DenyWidensOnTcp', level: FindingLevel.ERROR,
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', namespace: 'bookinfo', name: 'deny-admin', field: 'spec.rules[1]',
      message: 'DENY rule 1 has HTTP-only attributes that istiod drops on non-HTTP ports (to[0].operation has paths but no ports): '
        + `there it matches more connections than written, up to every one (spec.rules[1]). ${FIX}`,
    }]);
  });

  test.each<[string, unknown, string]>([
    ['a header condition alone', { when: [{ key: 'request.headers[x-debug]', values: ['1'] }] },
      'when has only HTTP conditions (request.headers[x-debug]) and nothing narrows the rule on TCP'],
    ['a request-principal-only source next to a TCP one', { from: [{ source: { principals: ['cluster.local/ns/a/sa/b'] } }, { source: { notRequestPrincipals: ['*'] } }] },
      'from[1].source has only notRequestPrincipals'],
    ['methods and hosts without ports', { from: [{ source: { namespaces: ['legacy'] } }], to: [{ operation: { methods: ['DELETE'], hosts: ['api.example.com'] } }] },
      'to[0].operation has methods/hosts but no ports'],
    ['an empty ports list, which istiod reads as unset', { to: [{ operation: { paths: ['/x'], ports: [] } }] }, 'to[0].operation has paths but no ports'],
    ['every part at once', { from: [{ source: { requestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/a'] } }, { operation: { notMethods: ['GET'] } }] },
      'to[0].operation has paths but no ports; to[1].operation has notMethods but no ports; from[0].source has only requestPrincipals'],
  ])('%s', (_name, rule, reason) => {
    expect(findings([deny('p', [rule])]).map((f) => f.message)).toStrictEqual([
      `DENY rule 0 has HTTP-only attributes that istiod drops on non-HTTP ports (${reason}): there it matches more connections than written, up to every one (spec.rules[0]). ${FIX}`,
    ]);
  });

  test.each<[string, unknown]>([
    ['HTTP attributes confined to ports', { to: [{ operation: { methods: ['DELETE'], ports: ['9080'] } }] }],
    ['notPorts in every operation', { to: [{ operation: { paths: ['/admin/*'], ports: ['9080'] } }, { operation: { methods: ['PUT'], notPorts: ['15021'] } }] }],
    ['a request-principal source confined to ports', { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*'], ports: [9080] } }] }],
    ['a request-principal source and a TCP condition', { from: [{ source: { notRequestPrincipals: ['*'] } }], when: [{ key: 'source.ip', values: ['10.0.0.0/8'] }] }],
    ['a source with a TCP field besides request principals', { from: [{ source: { namespaces: ['legacy'], notRequestPrincipals: ['*'] } }] }],
    ['a header condition next to TCP sources', { from: [{ source: { notNamespaces: ['bookinfo'] } }], when: [{ key: 'request.headers[x-debug]', values: ['1'] }] }],
    ['paths next to a destination.port condition', { to: [{ operation: { paths: ['/x'] } }], when: [{ key: 'destination.port', values: ['9080'] }] }],
    ['TCP attributes only', { from: [{ source: { ipBlocks: ['203.0.113.0/24'] } }], to: [{ operation: { ports: ['5432'] } }] }],
    ['the empty rule (deny everything, on purpose)', {}],
  ])('clean: %s', (_name, rule) => {
    expect(findings([deny('p', [rule])])).toStrictEqual([]);
  });

  test('the annotation acknowledges the widening; any other value does not', () => {
    const rules = [{ to: [{ operation: { paths: ['/x'] } }] }];
    expect(findings([deny('ok', rules, { 'cdk8s-istio.io/deny-widens-on-tcp': 'acknowledged' }), deny('no', rules, { 'cdk8s-istio.io/deny-widens-on-tcp': 'true' })])
      .map((f) => f.name)).toStrictEqual(['no']);
  });

  test('ALLOW (also by default), AUDIT and CUSTOM rules are not judged; declared policies are not reported', () => {
    const rules = [{ to: [{ operation: { paths: ['/x'] } }] }];
    expect(findings([deny('allow', rules, undefined, 'ALLOW'), deny('default', rules, undefined, ''), deny('audit', rules, undefined, 'AUDIT'),
      deny('custom', rules, undefined, 'CUSTOM')], [deny('theirs', rules)])).toStrictEqual([]);
  });

  test('hand-written YAML, malformed parts included, does not throw', () => {
    const objects = parse(`
- apiVersion: security.istio.io/v1beta1
  kind: AuthorizationPolicy
  metadata: {name: odd, namespace: bookinfo}
  spec:
    action: DENY
    rules:
      - null
      - {from: "everyone", to: [null, {operation: null}], when: [{values: ["1"]}, null]}
      - {to: [{operation: {hosts: ["a.example.com"]}}]}
- {apiVersion: security.istio.io/v1, kind: AuthorizationPolicy, metadata: {name: bare, namespace: bookinfo}, spec: {action: DENY, rules: "all"}}
`);
    expect(findings(objects).map((f) => `${f.name} ${f.field}`)).toStrictEqual(['odd spec.rules[2]']);
  });
});
