/**
 * AuthorizationPolicy rules no other test reaches: empty port lists, host patterns, condition keys Istio
 * dropped, the CRD's limits on targetRefs and rules, AUDIT policies without rules, empty `when`, and
 * fields that belong to neither a source nor an operation. Plus the GatewayClass target, target names
 * and Principal.of's checks.
 */
import {
  AuthorizationAction, AuthorizationPolicy, AuthorizationPolicyProps, AuthorizationRule, Environment, HttpMethod, PolicyTargetRef, Principal,
  RequestOperation, RequestSource, WorkloadSelector,
} from '../../lib';
import { errorOf, find, meshChart, synthError, synthValid } from '../support/charts';

const productpage = WorkloadSelector.labels({ app: 'productpage' });

function policyError(props: AuthorizationPolicyProps): string {
  return errorOf(() => new AuthorizationPolicy(meshChart(Environment.PROD), 'p', { namespace: 'bookinfo', ...props }));
}

function ruleError(rule: AuthorizationRule, action = AuthorizationAction.ALLOW): string {
  return policyError({ selector: productpage, action, rules: [rule] });
}

describe('operations', () => {
  test.each([
    ['ports', '[prod/p] rules[0].to[0].ports: [] is an empty list, which Istio reads as "not set". Fix: give at least one port or leave the field out'],
    ['notPorts', '[prod/p] rules[0].to[0].notPorts: [] is an empty list, which Istio reads as "not set". Fix: give at least one port or leave the field out'],
  ])('an empty %s list is an error', (field, message) => {
    // GIVEN / WHEN / THEN
    expect(ruleError({ to: [{ [field]: [] } as RequestOperation] })).toBe(message);
  });

  test.each([
    ['an underscore in a suffix match', '*bad_host'],
    ['a space in a prefix match', 'api host.*'],
  ])('a host with %s is an error', (_case, host) => {
    // GIVEN / WHEN / THEN
    expect(ruleError({ to: [{ hosts: [host] }] }))
      .toBe(`[prod/p] rules[0].to[0].hosts[0]: ${JSON.stringify(host)} is not a host. Fix: give a host name such as "bookinfo.example.com", "*.example.com" or a prefix match "api.*"`);
  });

  test('a field that is no operation field (e.g. "method", reaching the policy through a wider-typed variable) is an error', () => {
    // GIVEN an operation built elsewhere, with a misspelt key TypeScript does not flag on a non-literal
    const built = { methods: [HttpMethod.GET], method: [HttpMethod.POST] };
    const operation: RequestOperation = built;
    // WHEN / THEN
    expect(ruleError({ to: [operation] }))
      .toBe('[prod/p] rules[0].to[0]: "method" is not a field of RequestOperation (did you mean "methods"?). Fix: rename it to "methods"');
  });
});

describe('sources', () => {
  test('a field that is no source field (e.g. "ipBlock") is an error', () => {
    // GIVEN
    const built = { namespaces: ['istio-ingress'], ipBlock: ['10.0.0.0/8'] };
    const source: RequestSource = built;
    // WHEN / THEN
    expect(ruleError({ from: [source] }))
      .toBe('[prod/p] rules[0].from[0]: "ipBlock" is not a field of RequestSource (did you mean "ipBlocks"?). Fix: rename it to "ipBlocks"');
  });
});

describe('conditions', () => {
  test('an empty when list is an error', () => {
    // GIVEN / WHEN / THEN
    expect(ruleError({ from: [{ namespaces: ['istio-ingress'] }], when: [] }))
      .toBe('[prod/p] rules[0].when: [] is empty. Fix: give at least one condition or leave when out');
  });

  test.each([
    ['destination.labels[app]', 'is not supported (replaced by the workload selector). Fix: use selector: WorkloadSelector.labels({...})'],
    ['destination.name', 'is a deprecated attribute that Istio no longer accepts. Fix: select the workload with selector instead'],
    ['destination.user', 'is a deprecated attribute that Istio no longer accepts. Fix: select the workload with selector instead'],
  ])('the dropped key %s is an error', (key, rest) => {
    // GIVEN / WHEN / THEN
    expect(ruleError({ when: [{ key, values: ['x'] }] })).toBe(`[prod/p] rules[0].when[0].key: ${JSON.stringify(key)} ${rest}`);
  });
});

describe('limits of the CRD', () => {
  test('17 targetRefs is an error', () => {
    // GIVEN
    const targetRefs = Array.from({ length: 17 }, (_, i) => PolicyTargetRef.service(`svc-${i}`));
    // WHEN / THEN
    expect(policyError({ targetRefs, rules: [{ from: [{ namespaces: ['istio-ingress'] }] }] }))
      .toBe('[prod/p] targetRefs: 17 is not 1–16 references. Fix: give between 1 and 16 targets, or use selector');
  });

  test('an empty targetRefs list is an error', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ targetRefs: [], rules: [{ from: [{ namespaces: ['istio-ingress'] }] }] }))
      .toBe('[prod/p] targetRefs: 0 is not 1–16 references. Fix: give between 1 and 16 targets, or use selector');
  });

  test('16 targetRefs pass', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    const targetRefs = Array.from({ length: 16 }, (_, i) => PolicyTargetRef.service(`svc-${i}`));
    // WHEN
    new AuthorizationPolicy(chart, 'p', { namespace: 'bookinfo', targetRefs, rules: [{ from: [{ namespaces: ['istio-ingress'] }] }] });
    // THEN
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'p', 'bookinfo').spec.targetRefs).toHaveLength(16);
  });

  test('the 513th rule is an error; 512 pass', () => {
    // GIVEN a policy with 512 rules
    const chart = meshChart(Environment.PROD);
    const policy = new AuthorizationPolicy(chart, 'p', { namespace: 'bookinfo', selector: productpage });
    for (let i = 0; i < 512; i++) {
      policy.addRule({ to: [{ ports: [1000 + i] }] });
    }
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'p', 'bookinfo').spec.rules).toHaveLength(512);
    // WHEN
    const error = errorOf(() => policy.addRule({ to: [{ ports: [9999] }] }));
    // THEN
    expect(error).toBe('[prod/p] rules: 513 exceeds the 512 rules the CRD allows. Fix: split the policy');
    // AND the refused rule is not kept: a caller that catches the error still synthesizes 512 rules
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'p', 'bookinfo').spec.rules).toHaveLength(512);
  });
});

describe('AUDIT without rules', () => {
  test('rules: [] is an error at once', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ selector: productpage, action: AuthorizationAction.AUDIT, rules: [] }))
      .toBe('[prod/p] rules: [] gives an AUDIT policy no rules: it never triggers. Fix: add at least one rule (AuthorizationRule {} matches every request)');
  });

  test('no rules added by synth is an error then', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    // WHEN
    new AuthorizationPolicy(chart, 'p', { namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.AUDIT });
    // THEN
    expect(synthError(chart)).toContain('[prod/p] rules: [] gives an AUDIT policy no rules: it never triggers. Fix: add at least one rule (AuthorizationRule {} matches every request)');
  });
});

describe('policy targets', () => {
  test('a GatewayClass target is written with the Gateway API group', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    // WHEN
    new AuthorizationPolicy(chart, 'p', {
      namespace: 'istio-system', targetRefs: [PolicyTargetRef.gatewayClass('istio')], action: AuthorizationAction.DENY,
      rules: [{ from: [{ ipBlocks: ['203.0.113.0/24'] }] }],
    });
    // THEN
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'p', 'istio-system').spec.targetRefs)
      .toStrictEqual([{ group: 'gateway.networking.k8s.io', kind: 'GatewayClass', name: 'istio' }]);
  });

  test.each([
    ['capitals', 'Reviews'],
    ['an empty name', ''],
  ])('a target name with %s is an error', (_case, name) => {
    // GIVEN / WHEN / THEN
    expect(policyError({ targetRefs: [PolicyTargetRef.service(name)], rules: [{ from: [{ namespaces: ['istio-ingress'] }] }] }))
      .toBe(`[prod/p] targetRefs[0].name: ${JSON.stringify(name)} is not a Kubernetes object name. Fix: name the Service, ServiceEntry or Gateway, e.g. "reviews"`);
  });
});

describe('Principal.of', () => {
  test('spells the SPIFFE identity without the scheme, also as a string', () => {
    // GIVEN / WHEN
    const principal = Principal.of('bookinfo', 'bookinfo-reviews', { trustDomain: 'example.org' });
    // THEN
    expect(String(principal)).toBe('example.org/ns/bookinfo/sa/bookinfo-reviews');
  });

  test('a namespace that is not a DNS label is an error under the policy that uses the principal, naming its field', () => {
    // GIVEN a principal with a capitalised namespace
    const principal = Principal.of('Bookinfo', 'bookinfo-reviews');
    // WHEN it is used / THEN
    expect(ruleError({ from: [{ principals: [principal] }] }))
      .toBe('[prod/p] rules[0].from[0].principals[0].namespace: "Bookinfo" is not a namespace name. Fix: use the namespace of the service account, e.g. "bookinfo"');
    // and reading it outside a construct names the factory's parameter (no construct is known there)
    expect(errorOf(() => principal.value))
      .toBe('Principal.of(namespace): "Bookinfo" is not a namespace name. Fix: use the namespace of the service account, e.g. "bookinfo"');
  });

  test('a service account name with an underscore is an error under the policy that uses the principal', () => {
    // GIVEN / WHEN / THEN
    expect(ruleError({ from: [{ notPrincipals: [Principal.of('bookinfo', 'reviews_sa')] }] }))
      .toBe('[prod/p] rules[0].from[0].notPrincipals[0].serviceAccount: "reviews_sa" is not a service account name. Fix: use the ServiceAccount name, e.g. "bookinfo-productpage"');
  });
});
