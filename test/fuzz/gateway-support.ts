/**
 * Fuzzing helpers of the routing, gateway and environment targets (see ./harness): arbitraries of the
 * route and gateway value classes as recipes (so their options are fuzzed too), the declarations their
 * charts need, and {@link fuzzEntry}, which runs the harness's cases through an entry point that is no
 * construct of a chart (`Environment.override`, `MeshChart`, `MeshApp`, `CanaryRelease.planFor`) and
 * judges the outcome the same way: our error, or output that passes the schema check and the analyzer
 * and synthesizes to the same bytes twice; a hostile change that must fail and still yields output is a
 * silent drop.
 */
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import {
  ExternalResources, FaultInjection, FindingLevel, GatewayServer, HttpMatch, HttpMethod, MeshAnalyzer,
  MeshApp, MeshChart, RetryOn, RetryPolicy, ServerTlsMode, StringMatch, Subset, TlsProtocolVersion,
} from '../../lib';
import { validateManifestsDetailed } from '../../lib/validation/manifest';
import { cases, countFactoryFailure, countThrown, fixed, FUZZ_RUNS, make, Make, mapOf, materialize, noteFor, printFigures, SEED, Stats } from './harness';
import { declareOutside, duration, durations, sizingFields } from './support';

/** A temporary output directory (nothing is written there: the targets synthesize in memory). */
export const OUTDIR = path.join(os.tmpdir(), 'cdk8s-istio-fuzz-gw');

/** Mostly valid route timeouts (1ms to 1h), sometimes an edge `durations` case. */
export const timeouts = fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 1, max: 3_600_000 }).map(duration) }, { weight: 1, arbitrary: durations });

/** A subset of `app`'s declared workloads (version v1 or v2), from Subset.fromLabels with fuzzed arguments. */
export function subsetOf(app: string, version: string): Make {
  return make('Subset.fromLabels', (n, l) => Subset.fromLabels(n, l), version, mapOf({ app, version }));
}

/** HTTP matches from every factory (and `and`), with fuzzed arguments. */
export const httpMatches: fc.Arbitrary<Make> = fc.oneof(
  fc.tuple(fc.constantFrom('x-canary', 'x-user', 'end-user'), fc.constantFrom('true', 'jason', '1'))
    .map(([n, v]) => make('HttpMatch.header', (a, b) => HttpMatch.header(a, b), n, v)),
  fc.tuple(fc.constantFrom('x-user', 'x-tenant'), fc.constantFrom('test-', 'a')).map(([n, v]) => make('HttpMatch.headerPrefix', (a, b) => HttpMatch.headerPrefix(a, b), n, v)),
  fc.tuple(fc.constantFrom('x-user', 'x-tenant'), fc.constantFrom('.*test.*', '^beta-[0-9]+$')).map(([n, v]) => make('HttpMatch.headerRegex', (a, b) => HttpMatch.headerRegex(a, b), n, v)),
  fc.tuple(fc.constantFrom('test-user', 'beta'), fc.constantFrom('true', '"quoted"', '1')).map(([n, v]) => make('HttpMatch.cookie', (a, b) => HttpMatch.cookie(a, b), n, v)),
  fc.constantFrom('^(.*?;)?[ ]*(theme=dark)(;.*)?$').map((r) => make('HttpMatch.cookieRegex', (a) => HttpMatch.cookieRegex(a), r)),
  fc.constantFrom('.*Android.*', '.*iPhone.*').map((r) => make('HttpMatch.userAgentRegex', (a) => HttpMatch.userAgentRegex(a), r)),
  fc.constantFrom('/api', '/v2/', '/reviews').map((p) => make('HttpMatch.uriPrefix', (a) => HttpMatch.uriPrefix(a), p)),
  fc.constantFrom('/health', '/reviews/1').map((p) => make('HttpMatch.uriExact', (a) => HttpMatch.uriExact(a), p)),
  fc.constantFrom('/reviews/[0-9]+', '^/api/v[12]/.*').map((p) => make('HttpMatch.uriRegex', (a) => HttpMatch.uriRegex(a), p)),
  fc.tuple(fc.constantFrom('/api', '/beta'), fc.constantFrom('x-canary', 'x-beta'))
    .map(([p, h]) => make('HttpMatch.uriPrefix().and(HttpMatch.header())', (a, b, c) => HttpMatch.uriPrefix(a).and(HttpMatch.header(b, c)), p, h, 'true')),
  fc.constantFrom(HttpMethod.GET, HttpMethod.POST).map((m) => make('HttpMatch.method', (a) => HttpMatch.method(a), m)),
  fc.tuple(fc.constantFrom('beta', 'user'), fc.constantFrom('true', '')).map(([n, v]) => make('HttpMatch.queryParam', (a, b) => HttpMatch.queryParam(a, b), n, v)),
  fc.tuple(fc.constantFrom('beta', 'user'), fc.constantFrom('^qa-.*', '[0-9]+')).map(([n, v]) => make('HttpMatch.queryParamRegex', (a, b) => HttpMatch.queryParamRegex(a, b), n, v)),
  fc.constantFrom(9080, 443).map((port) => make('HttpMatch.port', (a) => HttpMatch.port(a), port)),
  fc.constantFrom('productpage', 'web').map((app) => make('HttpMatch.sourceLabels', (a) => HttpMatch.sourceLabels(a), mapOf({ app }))),
  fc.constantFrom('bookinfo', 'frontend').map((ns) => make('HttpMatch.sourceNamespace', (a) => HttpMatch.sourceNamespace(a), ns)),
  fc.tuple(fc.constantFrom('x-debug', 'x-canary'), fc.option(fc.constantFrom('1', 'true'), { nil: undefined }))
    .map(([n, v]) => make('HttpMatch.withoutHeader', (a, b) => HttpMatch.withoutHeader(a, b), n, v)),
);

/** The parts of Istio's HTTP route model beyond resilience: rewrite, header changes, CORS, a mirror. */
export const routeExtras: fc.Arbitrary<Record<string, unknown>> = fc.record({
  rewrite: fc.oneof(
    fc.record({ uri: fc.constantFrom('/', '/v2/'), authority: fc.constantFrom('ratings.internal') }, { requiredKeys: [] }),
    fc.record({ uriRegex: fc.record({ match: fc.constantFrom('^/api/(.*)$', '^/old'), rewrite: fc.constantFrom('/\\1', '/') }) }),
  ),
  headers: fc.record({
    request: fc.record({ set: fc.constant(mapOf({ 'x-from': 'mesh' })), add: fc.constant(mapOf({ 'x-trace': 'on' })), remove: fc.constant(['x-debug']) }, { requiredKeys: [] }),
    response: fc.record({ remove: fc.constant(['server']), set: fc.constant(mapOf({ 'cache-control': 'no-store' })) }, { requiredKeys: [] }),
  }, { requiredKeys: [] }),
  corsPolicy: fc.record({
    allowOrigins: fc.array(fc.oneof(
      fc.constantFrom('https://shop.example.com').map((o) => make('StringMatch.exact', (a) => StringMatch.exact(a), o)),
      fc.constantFrom('https://.*\\.example\\.com').map((o) => make('StringMatch.regex', (a) => StringMatch.regex(a), o)),
    ), { minLength: 1, maxLength: 2 }),
    allowMethods: fc.constant([HttpMethod.GET, HttpMethod.POST]),
    allowHeaders: fc.constant(['content-type']),
    maxAge: fc.integer({ min: 1, max: 86_400 }).map((s) => duration(s * 1000)),
    allowCredentials: fc.boolean(),
  }, { requiredKeys: ['allowOrigins'] }),
  mirror: fc.record({
    host: fc.constantFrom('reviews.bookinfo.svc.cluster.local'),
    port: fc.constant(9080),
    percent: fc.constantFrom(0, 0.5, 5, 100),
  }, { requiredKeys: ['host'] }),
}, { requiredKeys: [] });

/** Retry conditions from every factory. */
const retryOns: fc.Arbitrary<Make> = fc.oneof(
  fc.constantFrom('FIVE_XX', 'GATEWAY_ERROR', 'CONNECT_FAILURE', 'RESET', 'UNAVAILABLE', 'RETRIABLE_4XX').map((k) => fixed(`RetryOn.${k}`, () => (RetryOn as any)[k])),
  fc.constantFrom(503, 429, 502).map((c) => make('RetryOn.statusCode', (x) => RetryOn.statusCode(x), c)),
  fc.constantFrom('5xx', 'reset', '503').map((t) => make('RetryOn.of', (x) => RetryOn.of(x), t)),
);

/** Retry policies whose per-try timeout stays below `timeoutMs` (the route timeout), or disabled retries. */
export function retryPolicies(timeoutMs: number | undefined): fc.Arbitrary<Make> {
  const perTry = timeoutMs === undefined ? timeouts : fc.integer({ min: 1, max: Math.max(1, timeoutMs - 1) }).map(duration);
  return fc.oneof(
    { weight: 1, arbitrary: fc.constant(make('RetryPolicy.disabled', () => RetryPolicy.disabled())) },
    {
      weight: 6,
      arbitrary: fc.record({
        attempts: fc.integer({ min: 1, max: 10 }),
        perTryTimeout: perTry,
        retryOn: fc.array(retryOns, { minLength: 1, maxLength: 3 }),
        backoff: fc.integer({ min: 1, max: 1000 }).map(duration),
        retryRemoteLocalities: fc.boolean(),
      }, { requiredKeys: ['attempts'] }).map((o) => make('RetryPolicy.of', (x) => RetryPolicy.of(x), o)),
    },
  );
}

/** Faults from every factory; `allowInProduction` mostly set, so a production chart takes them. */
export const faults: fc.Arbitrary<Make> = (() => {
  const base = { percent: fc.oneof(fc.integer({ min: 0, max: 100 }), fc.double({ min: 0.0001, max: 100, noNaN: true })), allowInProduction: fc.constantFrom(true, true, true, false) };
  const delay = fc.record({ ...base, fixedDelay: fc.integer({ min: 1, max: 10_000 }).map(duration) }, { requiredKeys: ['fixedDelay', 'percent'] });
  const abort = fc.record({ ...base, httpStatus: fc.constantFrom(503, 500, 429, 200) }, { requiredKeys: ['httpStatus', 'percent'] });
  return fc.oneof(
    delay.map((o) => make('FaultInjection.delay', (x) => FaultInjection.delay(x), o)),
    abort.map((o) => make('FaultInjection.abort', (x) => FaultInjection.abort(x), o)),
    fc.tuple(delay, abort).map(([d, a]) => make('FaultInjection.delayAndAbort', (x, y) => FaultInjection.delayAndAbort(x, y), d, a)),
  );
})();

/** Route resilience (timeout, retries, fault), any subset of the fields, with retries that fit the timeout. */
export const resilience: fc.Arbitrary<Record<string, unknown>> = fc.option(fc.integer({ min: 2, max: 60_000 }), { freq: 2 }).chain((ms) => fc.record({
  ...(ms === null ? {} : { timeout: fc.constant(duration(ms)) }),
  retries: retryPolicies(ms ?? undefined),
  fault: faults,
}, { requiredKeys: [] }));

/** Sizing overrides: replicas, resources, an HPA or none, anti-affinity, a PodDisruptionBudget or none (below the replica floor). */
export const sizingOverrides: fc.Arbitrary<Record<string, unknown>> = fc.record(sizingFields({ min: 2, max: 6 }, { min: 1, max: 1 }), { requiredKeys: [] });

/** The hosts the gateway servers serve (and routes route). */
export const GATEWAY_HOSTS = ['bookinfo.example.com', 'shop.example.com', 'api.example.org'];
/** TLS secrets the fixtures declare in the ingress namespace. */
const SECRETS = ['bookinfo-tls', 'site-rsa', 'site-ecdsa'];

const serverHosts = fc.uniqueArray(fc.constantFrom(...GATEWAY_HOSTS), { minLength: 1, maxLength: 2 });

/** Gateway servers from every factory, with their options. */
export const gatewayServers: fc.Arbitrary<Make> = fc.oneof(
  fc.record({ hosts: serverHosts, port: fc.constantFrom(80, 8080), name: fc.constantFrom('web', 'plain'), httpsRedirect: fc.boolean() }, { requiredKeys: ['hosts'] })
    .map((o) => make('GatewayServer.http', (x) => GatewayServer.http(x), o)),
  fc.tuple(fc.record({
    hosts: serverHosts,
    port: fc.constantFrom(443, 8443),
    name: fc.constantFrom('secure', 'tls-web'),
    redirectHttp: fc.boolean(),
    minProtocolVersion: fc.constantFrom(TlsProtocolVersion.TLSV1_2, TlsProtocolVersion.TLS_AUTO),
    maxProtocolVersion: fc.constantFrom(TlsProtocolVersion.TLSV1_3),
  }, { requiredKeys: ['hosts'] }), fc.oneof(
    fc.constantFrom(...SECRETS).map((credentialName) => ({ credentialName })),
    fc.constant({ credentialNames: ['site-rsa', 'site-ecdsa'] }),
    fc.constant({ certificateFiles: { serverCertificate: '/etc/istio/certs/tls.crt', privateKey: '/etc/istio/certs/tls.key' } }),
    fc.constant({ credentialName: 'bookinfo-tls', mode: ServerTlsMode.MUTUAL, subjectAltNames: ['spiffe://example.com/client'] }),
  )).map(([o, cert]) => make('GatewayServer.https', (x) => GatewayServer.https(x), { ...o, ...cert })),
  fc.record({ hosts: serverHosts, port: fc.constantFrom(443, 9443), name: fc.constantFrom('pass', 'sni') }, { requiredKeys: ['hosts'] })
    .map((o) => make('GatewayServer.tlsPassthrough', (x) => GatewayServer.tlsPassthrough(x), o)),
);

/**
 * A Secret name among the harness's hostile strings (`0.0` is a valid DNS subdomain). Whether a
 * `credentialName` names a Secret that exists is the analyzer's to find at synth (IST0101, which
 * `MeshApp` refuses to write), not a check of the construct's input: the fixtures declare it, so a
 * weird-string change there tests the name's syntax.
 */
const HOSTILE_SECRET = '0.0';

/**
 * What the charts of these targets declare outside: the harness's bookinfo world (Services, workloads,
 * hosts) and the TLS secrets of the ingress namespace.
 */
export function declareGatewayWorld(chart: MeshChart): void {
  declareOutside(chart);
  new ExternalResources(chart, 'tls', {
    namespaces: ['istio-ingress', 'istio-egress'],
    secrets: [...SECRETS, HOSTILE_SECRET].map((name) => ({ namespace: 'istio-ingress', name })),
  });
}

/** An entry point that is no construct of a chart, fuzzed with the harness's cases. */
export interface EntryTarget {
  /** The entry point, for the figures. */
  readonly name: string;
  /** The plausible value passed (recipes for value classes, `mapOf` for maps). */
  readonly props: fc.Arbitrary<unknown>;
  /** Where our errors may be raised: entry-point names (`Environment.override`) and construct paths (their children count too). */
  readonly where: readonly string[];
  /**
   * Calls the entry point with `value` (building what it needs in `app`) and returns the chart whose
   * output must be valid (or undefined when there is none) and problems found in what it returned.
   */
  readonly run: (value: unknown, app: () => MeshApp) => { readonly chart?: MeshChart; readonly problems?: string[] };
}

/** Fuzzes an entry point with `defaultRuns` cases (or FUZZ_RUNS), returning the figures (as `fuzzConstruct` does for constructs). */
export function fuzzEntry(target: EntryTarget, defaultRuns: number): Stats {
  const stats: Stats = {
    name: target.name, runs: 0, ourErrors: 0, validOutputs: 0, rawExceptions: 0, invalidOutputs: 0, silentDrops: 0, skipped: 0, ms: 0, failures: [],
  };
  const started = Date.now();
  fc.assert(fc.property(cases(target.props), (c) => {
    stats.runs++;
    const note = noteFor(stats, c, c.props);
    const app = () => new MeshApp({ outdir: OUTDIR, printSummary: false });
    let result: { readonly chart?: MeshChart; readonly problems?: string[] };
    try {
      const { value, failure } = materialize(c.props);
      if (failure) {
        countFactoryFailure(failure, target.where, stats, note);
        return true;
      }
      result = target.run(value, app);
    } catch (error) {
      countThrown(error, target.where, c, stats, note);
      return true;
    }
    if (c.mutation?.mustFail) {
      stats.silentDrops++;
      note('SILENT DROP', 'a change that must be rejected yielded output');
      return true;
    }
    const problems = [...(result.problems ?? [])];
    if (result.chart) {
      const objects = result.chart.toJson();
      const report = validateManifestsDetailed(objects);
      const errors = MeshAnalyzer.analyzeChart(result.chart).findings.filter((f) => f.level === FindingLevel.ERROR);
      problems.push(
        ...report.issues.map((i) => `schema: ${i.kind} ${i.name} ${i.path}: ${i.message}`),
        ...report.uncheckedKinds.map((k) => `no schema for ${k}`),
        ...errors.map((f) => `analyzer: ${MeshAnalyzer.format([f])}`),
        ...(JSON.stringify(result.chart.toJson()) !== JSON.stringify(objects) ? ['a second synth wrote other bytes'] : []),
      );
    }
    if (problems.length > 0) {
      stats.invalidOutputs++;
      note('INVALID OUTPUT', problems.slice(0, 3).join(' | '));
      return true;
    }
    stats.validOutputs++;
    return true;
  }), { numRuns: FUZZ_RUNS ?? defaultRuns, seed: SEED });
  stats.ms = Date.now() - started;
  printFigures(stats);
  return stats;
}
