/**
 * Arbitraries of the security fuzz targets (see ./security.test.ts): selectors, principals, rules
 * and issuers, built as recipes (`make`) so the factories' arguments are fuzzed too, and the
 * cdk8s-plus objects and control plane the charts hold.
 */
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  ConditionKey, HttpMethod, MeshChart, MeshControlPlane, PolicyTargetRef, Principal, TokenRequirement, WorkloadSelector,
} from '../../lib';
import { fixed, make, Make, mapOf } from './harness';
import { declareOutside, durations } from './support';

/** What the fixtures of the current case made, for recipes that refer to them. */
export const made: { serviceAccount?: kplus.IServiceAccount; controlPlane?: MeshControlPlane } = {};

/** The outside world every security chart declares, plus an imported ServiceAccount (no output object). */
export function securityFixtures(chart: MeshChart): void {
  declareOutside(chart);
  made.serviceAccount = kplus.ServiceAccount.fromServiceAccountName(chart, 'ingress-sa', 'ingress', { namespaceName: 'istio-system' });
}

/** {@link securityFixtures} and a MeshControlPlane, for the targets that name one. */
export function controlPlaneFixtures(chart: MeshChart): void {
  securityFixtures(chart);
  made.controlPlane = new MeshControlPlane(chart, 'cp', {});
}

/*
 * A note on options objects in recipes: the harness's "circular" mutation may hand a factory an
 * ancestor of the case that is still being built (a shallow, partial copy, not a cycle), e.g. `{}`
 * or `{ namespace: "bookinfo" }`. Where such a partial object is a legitimate argument (a label map,
 * an all-optional options object), the factory gets its options as scalar arguments instead, and the
 * object-shaped hostile inputs (null, a Map, unknown keys) are covered by the boundary unit tests.
 * Label maps are kept as arguments where the case has a non-string value before them.
 */

/** `WorkloadSelector.labels(...)` of a workload the fixtures declare, its label map fuzzed (place it after a non-string prop). */
export const selectors: fc.Arbitrary<Make> = fc.constantFrom('productpage', 'reviews', 'ratings')
  .map((app) => make('WorkloadSelector.labels', (labels) => WorkloadSelector.labels(labels), mapOf({ app })));

/** `WorkloadSelector.labels({ app })`, the app fuzzed. */
export const appSelectors: fc.Arbitrary<Make> = fc.constantFrom('productpage', 'reviews', 'ratings')
  .map((app) => make('WorkloadSelector.labels', (a) => WorkloadSelector.labels({ app: a }), app));

/** Principals from every factory, with their arguments. */
export const principals: fc.Arbitrary<Make> = fc.oneof(
  fc.tuple(fc.constantFrom('frontend', 'bookinfo', 'istio-system'), fc.constantFrom('web', 'reviews', 'ingress'))
    .map(([ns, sa]) => make('Principal.of', (a, b) => Principal.of(a, b), ns, sa)),
  fc.tuple(fc.constantFrom('frontend', 'shop'), fc.constantFrom('web', 'cart'), fc.constantFrom('cluster.local', 'prod.example.com'))
    .map(([ns, sa, trustDomain]) => make('Principal.of', (a, b, c) => Principal.of(a, b, { trustDomain: c }), ns, sa, trustDomain)),
  fc.constantFrom('cluster.local/ns/frontend/sa/*', '*', 'cluster.local/ns/istio-system/sa/ingress', '*/sa/web')
    .map((p) => make('Principal.pattern', (x) => Principal.pattern(x), p)),
  fc.option(fc.constantFrom('cluster.local', 'example.org'), { nil: undefined })
    .map((trustDomain) => make('Principal.fromServiceAccount', (t) => Principal.fromServiceAccount(made.serviceAccount!, t === undefined ? undefined : { trustDomain: t }), trustDomain)),
);

const some = <T>(arb: fc.Arbitrary<T>, maxLength = 2) => fc.uniqueArray(arb, { minLength: 1, maxLength });
const namespaces = some(fc.constantFrom('frontend', 'auth', 'front*', '*', 'shop'));
const ips = some(fc.constantFrom('10.0.0.0/8', '203.0.113.7', '2001:db8::/32'));
const requestPrincipals = some(fc.constantFrom('https://auth.example.com/*', '*', 'https://auth.example.com/alice'));

/** Request sources: any subset of the fields (now and then none, which istiod rejects). */
export const sources = fc.record({
  principals: fc.array(principals, { minLength: 1, maxLength: 2 }),
  notPrincipals: fc.array(principals, { minLength: 1, maxLength: 1 }),
  requestPrincipals,
  notRequestPrincipals: requestPrincipals,
  namespaces,
  notNamespaces: namespaces,
  ipBlocks: ips,
  notIpBlocks: ips,
  remoteIpBlocks: ips,
  notRemoteIpBlocks: ips,
}, { requiredKeys: [] }).filter((s) => Object.keys(s).length > 0 && Object.keys(s).length <= 3);

const ports = some(fc.constantFrom(9080, 8080, 15021));
const paths = some(fc.constantFrom('/api/*', '/healthz', '*.json', '/api/{*}/reviews', '/admin'));
const methods = some(fc.constantFrom(...Object.values(HttpMethod)));
const hosts = some(fc.constantFrom('bookinfo.example.com', '*.example.com', 'api.*', 'reviews:9080'));

/** Request operations: any subset of the fields. */
export const operations = fc.record({
  methods, notMethods: methods, paths, notPaths: paths, ports, notPorts: ports, hosts, notHosts: hosts,
}, { requiredKeys: [] }).filter((o) => Object.keys(o).length > 0 && Object.keys(o).length <= 3);

/** `when` conditions over TCP and HTTP attributes. */
export const conditions = fc.oneof(
  fc.record({ key: fc.constantFrom(ConditionKey.SOURCE_IP, ConditionKey.REMOTE_IP, ConditionKey.DESTINATION_IP), values: ips }),
  fc.record({ key: fc.constant(ConditionKey.header('x-debug')), values: some(fc.constantFrom('1', 'true')) }),
  fc.record({ key: fc.constant(ConditionKey.claim('groups')), notValues: some(fc.constantFrom('admin', 'ops')) }),
  fc.record({ key: fc.constant(ConditionKey.DESTINATION_PORT), values: some(fc.constantFrom('9080', '15021')) }),
  fc.record({ key: fc.constantFrom(ConditionKey.SOURCE_NAMESPACE, ConditionKey.REQUEST_PRINCIPAL), values: some(fc.constantFrom('frontend', 'auth')) }),
);

/** Rules of one to three parts. */
export const rules = fc.record({
  from: fc.array(sources, { minLength: 1, maxLength: 2 }),
  to: fc.array(operations, { minLength: 1, maxLength: 2 }),
  when: fc.array(conditions, { minLength: 1, maxLength: 2 }),
}, { requiredKeys: [] });

/** Policy targets of every kind. */
export const targetRefs = fc.uniqueArray(fc.constantFrom(
  ['service', 'reviews'], ['serviceEntry', 'payments'], ['gateway', 'bookinfo-gateway'], ['gatewayClass', 'istio'],
).map(([kind, name]) => make(`PolicyTargetRef.${kind}`, (n) => (PolicyTargetRef as any)[kind](n), name)), { minLength: 1, maxLength: 2, selector: (m) => m.label });

/** The accepted request principals of a token requirement (`options.principals`), or none. */
const tokenPrincipals = fc.option(requestPrincipals, { nil: undefined });
const options = (principals: unknown) => (principals === undefined ? undefined : { principals } as { principals: string[] });
const tokenPaths = some(fc.constantFrom('/api/*', '/healthz', '/public/*', '*.css'));

/** Token requirements from every factory, with their arguments. */
export const tokenRequirements: fc.Arbitrary<Make> = fc.oneof(
  tokenPrincipals.map((o) => make('TokenRequirement.everywhere', (x) => TokenRequirement.everywhere(options(x)), o)),
  fc.tuple(tokenPaths, tokenPrincipals).map(([p, o]) => make('TokenRequirement.onPaths', (a, b) => TokenRequirement.onPaths(a, options(b)), p, o)),
  fc.tuple(tokenPaths, tokenPrincipals).map(([p, o]) => make('TokenRequirement.exceptPaths', (a, b) => TokenRequirement.exceptPaths(a, options(b)), p, o)),
  fc.constant(make('TokenRequirement.optional', () => TokenRequirement.optional())),
);

const JWKS = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xyz', kid: 'k1' }] });

/** Token issuers: the issuer with its keys (a URL or inline), and any subset of the other fields. */
export const issuers = fc.tuple(fc.record({
  issuer: fc.constantFrom('https://auth.example.com', 'https://login.example.org'),
  audiences: some(fc.constantFrom('bookinfo', 'api')),
  forwardOriginalToken: fc.boolean(),
  fromHeaders: fc.array(fc.record({ name: fc.constantFrom('Authorization', 'x-jwt-assertion'), prefix: fc.constantFrom('Bearer ', '') }, { requiredKeys: ['name'] }), { minLength: 1, maxLength: 2 }),
  fromParams: some(fc.constantFrom('access_token', 'token')),
  fromCookies: some(fc.constantFrom('session')),
  outputPayloadToHeader: fc.constantFrom('x-jwt-payload'),
  outputClaimToHeaders: fc.array(fc.record({ claim: fc.constantFrom('sub', 'email'), header: fc.constantFrom('x-jwt-sub', 'x-jwt-email') }), { minLength: 1, maxLength: 2 }),
  timeout: durations,
}, { requiredKeys: ['issuer'] }), fc.constantFrom('uri', 'uri', 'inline', 'discovery')).map(([i, keys]) => (
  keys === 'uri' ? { ...i, jwksUri: `${i.issuer}/.well-known/jwks.json` } : keys === 'inline' ? { ...i, jwks: JWKS } : i
));

/** A recipe that hands out what the fixtures made (not fuzzed: another boundary's object). */
export function fixture(label: string, get: () => unknown): Make {
  return fixed(label, get);
}
