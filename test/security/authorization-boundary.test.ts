/**
 * The API boundary of AuthorizationPolicy, its factories (denyAll, allowFrom), Principal and
 * ConditionKey: what JavaScript, JSON/YAML and jsii callers can pass gets our error with the user's
 * construct path and field, never a TypeError, a silent drop or a path-less message.
 */
import * as kplus from 'cdk8s-plus-27';
import {
  AuthorizationAction, AuthorizationPolicy, AuthorizationPolicyProps, AuthorizationRule, ConditionKey, HttpMethod, Principal, WorkloadSelector,
} from '../../lib';
import { errorOf, find, synthValid } from '../support/charts';
import { prodChart } from './support';

const productpage = WorkloadSelector.labels({ app: 'productpage' });
const fromIngress: AuthorizationRule = { from: [{ namespaces: ['istio-ingress'] }] };
const SELECTOR_FIX = 'Fix: use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)';

function policyError(props: unknown): string {
  return errorOf(() => new AuthorizationPolicy(prodChart(), 'p', props as AuthorizationPolicyProps));
}

describe('AuthorizationPolicy props', () => {
  test('a plain object as selector is our error (it was a TypeError: props.selector?._render is not a function)', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ namespace: 'bookinfo', selector: { app: 'productpage' }, rules: [fromIngress] }))
      .toBe(`[prod/p] selector: {"app":"productpage"} is an object, not a WorkloadSelector. ${SELECTOR_FIX}`);
  });

  test('null props, unknown keys and values of the wrong type are errors naming the field', () => {
    // GIVEN / WHEN / THEN
    expect(policyError(null)).toBe('[prod/p] props: null is not an AuthorizationPolicyProps object. Fix: give an object such as { namespace, ... }');
    expect(policyError({ namespace: 'bookinfo', rule: [fromIngress] }))
      .toBe('[prod/p] props: "rule" is not a field of AuthorizationPolicyProps (did you mean "rules"?). Fix: rename it to "rules"');
    expect(policyError({ namespace: 'bookinfo', action: 'ALLOW_ALL', rules: [fromIngress] }))
      .toBe('[prod/p] action: "ALLOW_ALL" is not an AuthorizationAction. Fix: use one of AuthorizationAction.ALLOW, AuthorizationAction.DENY, AuthorizationAction.AUDIT, AuthorizationAction.CUSTOM');
    expect(policyError({ namespace: 'bookinfo', rules: { from: [] } }))
      .toBe('[prod/p] rules: {"from":[]} is an object, not a list. Fix: give a list of AuthorizationRule, e.g. [{ from: [{ namespaces: ["istio-ingress"] }] }]');
    expect(policyError({ namespace: 'bookinfo', rules: [null] })).toBe('[prod/p] rules[0]: null is not an AuthorizationRule object. Fix: give an object such as { from, ... }');
    expect(policyError({ namespace: 'bookinfo', preset: { kind: 'allow-all' } }))
      .toBe('[prod/p] preset: {"kind":"allow-all"} is an object, not an Authorization. Fix: use Authorization.allowNothing() or Authorization.allowAll()');
    expect(policyError({ namespace: 'bookinfo', targetRefs: [{ kind: 'Service', name: 'reviews' }], rules: [fromIngress] }))
      .toBe('[prod/p] targetRefs[0]: {"kind":"Service","name":"reviews"} is an object, not a PolicyTargetRef. Fix: use PolicyTargetRef.service("..."), .waypoint(waypoint), .gateway("..."), .gatewayClass("...") or .serviceEntry("...")');
    expect(policyError({ namespace: 'bookinfo', action: AuthorizationAction.CUSTOM, provider: 5, rules: [{ from: [{ ipBlocks: ['10.0.0.0/8'] }] }] }))
      .toBe('[prod/p] provider: 5 is a number, not the name of an external authorizer. Fix: name the external authorizer, a meshConfig.extensionProviders entry, e.g. provider: "ext-authz"');
  });

  test('acknowledgeTcpBlocking must be a boolean, and only on a DENY policy (it was silently dropped elsewhere)', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ namespace: 'bookinfo', action: AuthorizationAction.DENY, acknowledgeTcpBlocking: 'yes', rules: [fromIngress] }))
      .toBe('[prod/p] acknowledgeTcpBlocking: "yes" is a string, not a boolean. Fix: give true or false');
    expect(policyError({ namespace: 'bookinfo', acknowledgeTcpBlocking: true, rules: [fromIngress] }))
      .toBe('[prod/p] acknowledgeTcpBlocking: true is set on an ALLOW policy; only DENY rules widen on TCP ports (istiod narrows ALLOW rules there). Fix: leave acknowledgeTcpBlocking out');
  });

  test('the CRD limits: 512 sources in a rule and 4096 selector labels', () => {
    // GIVEN 513 sources, and a selector of 4097 labels
    const sources = Array.from({ length: 513 }, () => ({ namespaces: ['istio-ingress'] }));
    const labels = Object.fromEntries(Array.from({ length: 4097 }, (_, i) => [`k${i}`, 'v']));
    // WHEN / THEN
    expect(policyError({ namespace: 'bookinfo', rules: [{ from: sources }] }))
      .toMatch(/^\[prod\/p\] rules\[0\]\.from: \[\{"namespaces":\["istio-ingress"\]\},.*… has 513 items, more than the 512 allowed\. Fix: give at most 512 items$/);
    expect(policyError({ namespace: 'bookinfo', selector: WorkloadSelector.labels(labels), rules: [fromIngress] }))
      .toMatch(/^\[prod\/p\] selector: \{"k0":"v",.*… has 4097 labels, more than the 4096 the CRD allows\. Fix: select with at most 4096 labels$/);
  });

  test('wrong types inside rules name the user\'s field (not the output\'s source/operation) and say what the value is', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ namespace: 'bookinfo', rules: [{ from: 'istio-ingress' }] }))
      .toBe('[prod/p] rules[0].from: "istio-ingress" is a string, not a list. Fix: give a list of sources, e.g. [{ namespaces: ["istio-ingress"] }]');
    expect(policyError({ namespace: 'bookinfo', rules: [{ from: [{ namespaces: [5] }] }] }))
      .toBe('[prod/p] rules[0].from[0].namespaces[0]: 5 is a number, not a string. Fix: give a non-empty string');
    expect(policyError({ namespace: 'bookinfo', rules: [{ to: [{ ports: [NaN] }] }] }))
      .toBe('[prod/p] rules[0].to[0].ports[0]: NaN is not a port number 1–65535. Fix: give the workload port, e.g. 9080');
    expect(policyError({ namespace: 'bookinfo', rules: [{ when: [{ key: 5, values: ['x'] }] }] }))
      .toBe('[prod/p] rules[0].when[0].key: 5 is a number, not a string. Fix: name an attribute, e.g. ConditionKey.claim("groups")');
    expect(policyError({ namespace: 'bookinfo', rules: [{ from: [{ namespaces: ['a'.repeat(64)] }] }] }))
      .toBe(`[prod/p] rules[0].from[0].namespaces[0]: "${'a'.repeat(64)}" is not a namespace name or match (a DNS label of at most 63 characters, with at most one "*" at the start or the end). Fix: give e.g. "bookinfo" or "team-*"`);
  });
});

describe('AuthorizationPolicy.allowFrom', () => {
  test('a plain object as `to` is our error (it was a TypeError)', () => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', { namespace: 'bookinfo', principals: [Principal.of('istio-ingress', 'ingress')], to: { app: 'x' } as never })))
      .toBe(`[prod/allow] to: {"app":"x"} is an object, not a WorkloadSelector. ${SELECTOR_FIX}`);
  });

  test('trustDomain with only principals is an error: each Principal keeps its own, so it would be ignored', () => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', {
      namespace: 'bookinfo', principals: [Principal.of('istio-ingress', 'ingress')], to: productpage, trustDomain: 'example.org',
    }))).toBe('[prod/allow] trustDomain: "example.org" is set, but only principals name the callers, and each Principal keeps its own trust domain, so it would be ignored. '
      + 'Fix: give the trust domain to each Principal (Principal.of(namespace, serviceAccount, { trustDomain })), or leave trustDomain out');
  });

  test('trustDomain is checked, and applies to the from callers', () => {
    // GIVEN a ServiceAccount
    const chart = prodChart();
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { name: 'ingress', namespace: 'istio-ingress' } });
    // WHEN / THEN a bad trust domain is an error of the policy's field
    expect(errorOf(() => AuthorizationPolicy.allowFrom(chart, 'bad', { namespace: 'bookinfo', from: [sa], to: productpage, trustDomain: 'Bad Domain' })))
      .toBe('[prod/bad] trustDomain: "Bad Domain" is not a trust domain. Fix: use the mesh trust domain, e.g. "cluster.local"');
    // and a good one is written into the principal of the from caller, while a given principal keeps its own
    AuthorizationPolicy.allowFrom(chart, 'allow', { namespace: 'bookinfo', from: [sa], principals: [Principal.of('bookinfo', 'reviews')], to: productpage, trustDomain: 'example.org' });
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'allow').spec.rules[0].from[0].source.principals)
      .toStrictEqual(['cluster.local/ns/bookinfo/sa/reviews', 'example.org/ns/istio-ingress/sa/ingress']);
  });

  test('a from caller without a usable identity is an error of the policy\'s field, naming the caller', () => {
    // GIVEN a workload without a ServiceAccount and a ServiceAccount without a namespace
    const chart = prodChart();
    const anonymous = new kplus.Deployment(chart, 'anon', { containers: [{ image: 'web:1' }] });
    const loose = new kplus.ServiceAccount(chart, 'loose', { metadata: { name: 'loose' } });
    // WHEN / THEN
    expect(errorOf(() => AuthorizationPolicy.allowFrom(chart, 'a1', { namespace: 'bookinfo', from: [anonymous], to: productpage })))
      .toBe('[prod/a1] from[0]: "prod/anon" is a workload without a ServiceAccount: its pods run as the namespace\'s "default" service account, an identity every such pod shares. '
        + 'Fix: give the workload its own ServiceAccount (serviceAccount: new kplus.ServiceAccount(...))');
    expect(errorOf(() => AuthorizationPolicy.allowFrom(chart, 'a2', { namespace: 'bookinfo', from: [loose], to: productpage })))
      .toBe('[prod/a2] from[0]: "prod/loose" is a ServiceAccount without a namespace, so its SPIFFE identity is unknown. '
        + 'Fix: create the ServiceAccount with metadata: { namespace: "..." } (or in a chart with a namespace)');
  });

  test('methods, paths and ports are checked under allowFrom\'s own fields', () => {
    // GIVEN
    const base = { namespace: 'bookinfo', principals: [Principal.of('istio-ingress', 'ingress')], to: productpage };
    // WHEN / THEN
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', { ...base, methods: ['FETCH' as HttpMethod] })))
      .toBe('[prod/allow] methods[0]: "FETCH" is not an HTTP method. Fix: use HttpMethod.* (GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS, CONNECT, TRACE)');
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', { ...base, ports: '9080' as never })))
      .toBe('[prod/allow] ports: "9080" is a string, not a list. Fix: give a list of port numbers, e.g. [9080]');
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', { ...base, paths: ['reviews'] })))
      .toBe('[prod/allow] paths[0]: "reviews" does not start with "/". Fix: give a path such as "/reviews/*"');
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', undefined as never)))
      .toBe('[prod/allow] props: undefined are missing. Fix: give an object such as { to, ... }');
  });

  test('denyAll checks its props', () => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => AuthorizationPolicy.denyAll(prodChart(), 'deny', { namespace: 'bookinfo', nmae: 'x' } as never)))
      .toBe('[prod/deny] props: "nmae" is not a field of DenyAllProps (did you mean "name"?). Fix: rename it to "name"');
    expect(errorOf(() => AuthorizationPolicy.denyAll(prodChart(), 'deny', {} as never)))
      .toBe('[prod/deny] namespace: undefined is missing (DenyAllProps requires it). Fix: give namespace');
  });
});

describe('Principal', () => {
  test('Principal.of errors name the construct that uses the principal and its field (they were "[Principal]" with no path)', () => {
    // GIVEN a principal with a wrong namespace, and one with a misspelt option
    const wrong = Principal.of('Bookinfo', 'reviews');
    const typo = Principal.of('bookinfo', 'reviews', { trustDomian: 'example.org' } as never);
    // WHEN / THEN
    expect(policyError({ namespace: 'bookinfo', rules: [{ from: [{ principals: [wrong] }] }] }))
      .toBe('[prod/p] rules[0].from[0].principals[0].namespace: "Bookinfo" is not a namespace name. Fix: use the namespace of the service account, e.g. "bookinfo"');
    expect(errorOf(() => AuthorizationPolicy.allowFrom(prodChart(), 'allow', { namespace: 'bookinfo', principals: [wrong], to: productpage })))
      .toBe('[prod/allow] principals[0].namespace: "Bookinfo" is not a namespace name. Fix: use the namespace of the service account, e.g. "bookinfo"');
    expect(policyError({ namespace: 'bookinfo', rules: [{ from: [{ principals: [typo] }] }] }))
      .toBe('[prod/p] rules[0].from[0].principals[0]: "trustDomian" is not a field of PrincipalOptions (did you mean "trustDomain"?). Fix: rename it to "trustDomain"');
  });

  test('read outside a construct, a wrong principal names the factory and its parameter', () => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => Principal.of('bookinfo', 42 as never).value))
      .toBe('Principal.of(serviceAccount): 42 is a number, not a service account name. Fix: use the ServiceAccount name, e.g. "bookinfo-productpage"');
    expect(errorOf(() => String(Principal.of('bookinfo', 'reviews', null as never))))
      .toBe('Principal.of(options): null is not a PrincipalOptions object ({ trustDomain }). Fix: give { trustDomain: "cluster.local" } or leave options out');
    expect(errorOf(() => Principal.of('bookinfo', 'reviews', { trustDomain: null } as never).value))
      .toBe('Principal.of(trustDomain): null is null. Fix: leave trustDomain out for "cluster.local", or give the mesh trust domain');
  });
});

describe('ConditionKey', () => {
  test('a header or claim that is not a name is an error, not a key such as request.headers[undefined]', () => {
    // GIVEN / WHEN / THEN
    expect(errorOf(() => ConditionKey.header(undefined as never)))
      .toBe('ConditionKey.header(name): undefined is not a string naming a header. Fix: give a header name such as "x-api-key"');
    expect(errorOf(() => ConditionKey.header('x api key'))).toBe('ConditionKey.header(name): "x api key" is not an HTTP header name. Fix: give a header name such as "x-api-key"');
    expect(errorOf(() => ConditionKey.claim())).toBe('ConditionKey.claim(...path): [] names no claim. Fix: give the claim, e.g. ConditionKey.claim("groups")');
    expect(errorOf(() => ConditionKey.claim('realm', 7 as never)))
      .toBe('ConditionKey.claim(...path)[1]: 7 is a number, not a claim name. Fix: give each level of the claim as a string, e.g. ConditionKey.claim("realm_access", "roles")');
  });
});
