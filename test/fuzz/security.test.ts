/**
 * Fuzzing the security constructs at the API boundary (see ./harness): AuthorizationPolicy (with its
 * presets, targetRefs and every rule part), AuthorizationPolicy.allowFrom and .denyAll,
 * JwtAuthentication, StrictMtls (every MtlsScope, PortMtls) and IstiodNetworkPolicy. Selectors,
 * principals, targets and token requirements are recipes, so WorkloadSelector, Principal,
 * PolicyTargetRef, TokenRequirement, MtlsScope and PortMtls are fuzzed through their factories too.
 */
import * as fc from 'fast-check';
import {
  Authorization, AuthorizationAction, AuthorizationPolicy, AuthorizationPolicyProps, AllowFromProps, DenyAllProps, Environment, IstiodNetworkPolicy,
  IstiodNetworkPolicyProps, JwtAuthentication, JwtAuthenticationProps, MtlsMode, MtlsScope, PortMtls, StrictMtls, StrictMtlsProps,
} from '../../lib';
import { expectClean, FUZZ_TIMEOUT, fuzzConstruct, make, Target } from './harness';
import {
  appSelectors, controlPlaneFixtures, fixture, issuers, made, principals, rules, securityFixtures, selectors, targetRefs, tokenRequirements,
} from './security-support';

const policyBase = { namespace: fc.constant('bookinfo'), name: fc.constantFrom('allow-frontend', 'deny-debug', 'audit-all') };

const authorizationPolicy: Target = {
  name: 'AuthorizationPolicy',
  environment: Environment.PROD,
  fixtures: securityFixtures,
  props: fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom(...Object.values(AuthorizationAction)).chain((action) => fc.record({
      rules: fc.array(rules, { minLength: 1, maxLength: 2 }),
      ...policyBase,
      action: fc.constant(action),
      selector: selectors,
      ...(action === AuthorizationAction.CUSTOM ? { provider: fc.constantFrom('ext-authz', 'authz-http') } : {}),
      ...(action === AuthorizationAction.DENY ? { acknowledgeTcpBlocking: fc.boolean() } : {}),
    }, { requiredKeys: ['namespace', 'action', 'rules', ...(action === AuthorizationAction.CUSTOM ? ['provider' as const] : [])] })) },
    { weight: 1, arbitrary: fc.record({ ...policyBase, targetRefs, rules: fc.array(rules, { minLength: 1, maxLength: 1 }) }, { requiredKeys: ['namespace', 'targetRefs', 'rules'] }) },
    { weight: 1, arbitrary: fc.record({
      preset: fc.constantFrom('allowNothing', 'allowAll').map((p) => make(`Authorization.${p}`, () => (Authorization as any)[p]())),
      ...policyBase,
      selector: selectors,
    }, { requiredKeys: ['namespace', 'preset'] }) },
  ),
  build: (chart, id, props) => new AuthorizationPolicy(chart, id, props as AuthorizationPolicyProps),
};

const allowFrom: Target = {
  name: 'AuthorizationPolicy.allowFrom',
  environment: Environment.PROD,
  fixtures: securityFixtures,
  props: fc.tuple(fc.record({
    namespace: fc.constant('bookinfo'),
    name: fc.constantFrom('productpage-from-ingress', 'reviews-from-web'),
    to: selectors,
    methods: fc.uniqueArray(fc.constantFrom('GET', 'POST'), { minLength: 1, maxLength: 2 }),
    paths: fc.uniqueArray(fc.constantFrom('/api/*', '/login'), { minLength: 1, maxLength: 2 }),
    ports: fc.uniqueArray(fc.constantFrom(9080, 8080), { minLength: 1, maxLength: 2 }),
  }, { requiredKeys: ['to'] }), fc.constantFrom('from', 'principals', 'both'), fc.array(principals, { minLength: 1, maxLength: 2 }),
  fc.option(fc.constantFrom('cluster.local', 'example.org'), { nil: undefined })).map(([base, callers, given, trustDomain]) => ({
    ...(callers !== 'principals' ? { from: [fixture('ServiceAccount istio-system/ingress', () => made.serviceAccount)] } : {}),
    ...(callers !== 'from' ? { principals: given } : {}),
    ...base,
    ...(callers !== 'principals' && trustDomain !== undefined ? { trustDomain } : {}),
  })),
  build: (chart, id, props) => AuthorizationPolicy.allowFrom(chart, id, props as AllowFromProps),
};

const denyAll: Target = {
  name: 'AuthorizationPolicy.denyAll',
  environment: Environment.PROD,
  fixtures: securityFixtures,
  props: fc.record({ namespace: fc.constantFrom('bookinfo', 'shop', 'frontend'), name: fc.constantFrom('allow-nothing', 'deny-by-default') }, { requiredKeys: ['namespace'] }),
  build: (chart, id, props) => AuthorizationPolicy.denyAll(chart, id, props as DenyAllProps),
};

const jwtAuthentication: Target = {
  name: 'JwtAuthentication',
  environment: Environment.PROD,
  fixtures: securityFixtures,
  props: fc.record({
    issuers: fc.array(issuers, { minLength: 1, maxLength: 2 }),
    namespace: fc.constant('bookinfo'),
    name: fc.constantFrom('productpage-jwt', 'api-jwt'),
    selector: selectors,
    requireToken: tokenRequirements,
    ports: fc.uniqueArray(fc.constantFrom(9080, 8080), { minLength: 1, maxLength: 2 }),
  }, { requiredKeys: ['namespace', 'issuers'] }).map((p) => {
    // onPaths needs ports, optional() takes none: mostly plausible, now and then not.
    const kind = (p.requireToken as { label?: string } | undefined)?.label;
    if (kind === 'TokenRequirement.onPaths' && p.ports === undefined) return { ...p, ports: [9080] };
    if (kind === 'TokenRequirement.optional') return (({ ports: _p, ...rest }) => rest)(p);
    return p;
  }),
  build: (chart, id, props) => new JwtAuthentication(chart, id, props as JwtAuthenticationProps),
};

const portMtls = fc.uniqueArray(fc.tuple(fc.constantFrom('permissive', 'strict', 'insecureDisable'), fc.constantFrom(15020, 9080, 8443))
  .map(([mode, port]) => make(`PortMtls.${mode}`, (p) => (PortMtls as any)[mode](p), port)), { minLength: 1, maxLength: 2, selector: (m) => m.args[0] });

const strictMtls: Target = {
  name: 'StrictMtls',
  environment: Environment.PROD,
  fixtures: securityFixtures,
  props: fc.tuple(fc.oneof(
    fc.constant(make('MtlsScope.mesh', () => MtlsScope.mesh())),
    fc.record({ rootNamespace: fc.constant('istio-system') }, { requiredKeys: [] }).map((o) => make('MtlsScope.mesh', (x) => MtlsScope.mesh(x), o)),
    fc.constantFrom('bookinfo', 'shop').map((ns) => make('MtlsScope.namespace', (x) => MtlsScope.namespace(x), ns)),
    appSelectors.map((s) => make('MtlsScope.workload', (ns, sel) => MtlsScope.workload(ns, sel), 'bookinfo', s)),
  ), fc.record({
    mode: fc.constantFrom(...Object.values(MtlsMode)),
    insecureDisableMtls: fc.constantFrom(true, false),
    portLevelMtls: portMtls,
    name: fc.constantFrom('default', 'reviews-mtls'),
  }, { requiredKeys: ['name'] })).map(([scope, rest]) => {
    // Mostly coherent: a mode or insecureDisableMtls, port exceptions with a workload scope.
    const { mode, insecureDisableMtls, portLevelMtls, name } = rest;
    const workload = scope.label === 'MtlsScope.workload';
    return {
      name,
      ...(insecureDisableMtls === true ? { insecureDisableMtls } : mode !== undefined ? { mode } : {}),
      ...(workload && portLevelMtls !== undefined ? { portLevelMtls } : {}),
      scope,
    };
  }),
  build: (chart, id, props) => new StrictMtls(chart, id, props as StrictMtlsProps),
};

const strictMtlsWithControlPlane: Target = {
  name: 'StrictMtls (mesh scope of a MeshControlPlane)',
  environment: Environment.PROD,
  fixtures: controlPlaneFixtures,
  props: fc.record({
    mode: fc.constantFrom(...Object.values(MtlsMode)),
    scope: fc.record({ controlPlane: fc.constant(fixture('the chart\'s MeshControlPlane', () => made.controlPlane)) })
      .map((o) => make('MtlsScope.mesh', (x) => MtlsScope.mesh(x), o)),
  }, { requiredKeys: ['mode', 'scope'] }),
  build: (chart, id, props) => new StrictMtls(chart, id, props as StrictMtlsProps),
};

const namespaceNames = fc.uniqueArray(fc.constantFrom('bookinfo', 'shop', 'istio-ingress', 'monitoring'), { minLength: 1, maxLength: 2 });

const istiodNetworkPolicy: Target = {
  name: 'IstiodNetworkPolicy',
  environment: Environment.PROD,
  fixtures: controlPlaneFixtures,
  props: fc.record({
    controlPlane: fc.constant(fixture('the chart\'s MeshControlPlane', () => made.controlPlane)),
    allowPlaintextXds: fc.boolean(),
    meshNamespaces: namespaceNames,
    gatewayNamespaces: namespaceNames,
    monitoringNamespaces: fc.oneof(namespaceNames, fc.constant([])),
    apiServerCidrs: fc.uniqueArray(fc.constantFrom('10.0.0.0/28', '172.16.0.2/32', '2001:db8::/64'), { minLength: 1, maxLength: 2 }),
    name: fc.constantFrom('istiod', 'istiod-ingress-only'),
  }, { requiredKeys: [] }),
  build: (chart, id, props) => new IstiodNetworkPolicy(chart, id, props as IstiodNetworkPolicyProps),
};

describe('fuzz: security constructs at the API boundary', () => {
  test.each([authorizationPolicy, allowFrom, denyAll, jwtAuthentication, strictMtls, strictMtlsWithControlPlane, istiodNetworkPolicy].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      // AuthorizationPolicy cases are the heaviest (rules of every part, huge lists): fewer of them in npm test.
      expectClean(fuzzConstruct(target, target === authorizationPolicy ? 25 : 40));
    }, FUZZ_TIMEOUT);
});
