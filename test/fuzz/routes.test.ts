/**
 * Fuzzing the routing constructs at the API boundary (see ./harness): CanaryRelease, HostRoutes and
 * TrafficHost.of, with Subset, HttpMatch, RetryPolicy, RetryOn and FaultInjection as recipes whose
 * arguments are fuzzed too.
 */
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import {
  CanaryRelease, CanaryReleaseProps, DestinationPolicy, Environment, HostRoutes, HostRoutesProps, MeshChart, RedirectScheme, Subset, TrafficHost,
} from '../../lib';
import { expectClean, FUZZ_TIMEOUT, fuzzConstruct, make, mapOf, Target } from './harness';
import { declareGatewayWorld, EntryTarget, fuzzEntry, httpMatches, resilience, routeExtras, subsetOf } from './gateway-support';

const canaryRelease: Target = {
  name: 'CanaryRelease',
  environment: Environment.PROD,
  fixtures: declareGatewayWorld,
  props: fc.tuple(fc.record({
    host: fc.constantFrom('reviews', 'reviews.bookinfo.svc.cluster.local'),
    namespace: fc.constant('bookinfo'),
    stable: fc.constant(null).map(() => subsetOf('reviews', 'v1')),
    canary: fc.constant(null).map(() => subsetOf('reviews', 'v2')),
    routeToCanaryWhen: fc.array(httpMatches, { minLength: 1, maxLength: 3 }),
  }, { requiredKeys: ['host', 'stable', 'canary'] }), fc.oneof(
    fc.constant({}),
    fc.integer({ min: 0, max: 100 }).map((canaryPercent) => ({ canaryPercent })),
    fc.integer({ min: 0, max: 4 }).map((stage) => ({ stage })),
  ), resilience).map(([base, percent, r]) => ({ ...base, ...percent, ...r })),
  build: (chart, id, props) => new CanaryRelease(chart, id, props as CanaryReleaseProps),
};

/**
 * Where a route's requests go: a subset defined here, one named (defined by the fixtures'
 * DestinationPolicy), an A/B split in percent, or an answer of the proxy (redirect, direct response).
 */
const target = fc.oneof(
  { weight: 4, arbitrary: fc.record({}) },
  { weight: 3, arbitrary: fc.constantFrom('v1', 'v2').map((v) => ({ to: subsetOf('ratings', v) })) },
  { weight: 2, arbitrary: fc.constantFrom('v1', 'v2').map((v) => ({ to: make('Subset.named', (n) => Subset.named(n), v) })) },
  { weight: 2, arbitrary: fc.integer({ min: 0, max: 100 }).map((w) => ({ destinations: [
    { subset: make('Subset.named', (n) => Subset.named(n), 'v1'), weight: w, port: 9080 },
    { subset: make('Subset.named', (n) => Subset.named(n), 'v2'), weight: 100 - w, port: 9080 },
  ] })) },
  { weight: 1, arbitrary: fc.record({ uri: fc.constantFrom('/new', '/'), scheme: fc.constantFrom(RedirectScheme.HTTPS), redirectCode: fc.constantFrom(301, 302, 308) }, { requiredKeys: ['uri'] })
    .map((redirect) => ({ redirect, kind: 'answer' })) },
  { weight: 1, arbitrary: fc.record({ status: fc.constantFrom(200, 404, 503), body: fc.constantFrom('gone', '') }, { requiredKeys: ['status'] })
    .map((directResponse) => ({ directResponse, kind: 'answer' })) },
);

/** A route's target, with resilience and the other route parts when it forwards. */
const routeBody = fc.tuple(target, resilience, routeExtras).map(([t, r, extras]) => {
  const { kind, ...where } = t as { kind?: string };
  if (kind === 'answer') {
    const { headers, corsPolicy } = extras as { headers?: unknown; corsPolicy?: unknown };
    return { ...where, ...(headers ? { headers } : {}), ...(corsPolicy ? { corsPolicy } : {}) };
  }
  return { ...where, ...r, ...extras };
});

/** Matched routes, then mostly a default route last. */
const routes = fc.tuple(
  fc.array(fc.tuple(fc.array(httpMatches, { minLength: 1, maxLength: 2 }), routeBody, fc.option(fc.constantFrom('beta', 'api.v2'))), { maxLength: 3 }),
  fc.option(routeBody, { freq: 4 }),
).filter(([matched, last]) => matched.length > 0 || last !== null).map(([matched, last]) => [
  ...matched.map(([match, body, name]) => ({ ...(name !== null ? { name } : {}), match, ...body })),
  ...(last !== null ? [last] : []),
]);

/** The ratings subsets routes name with Subset.named, defined once. */
function ratingsWorld(chart: MeshChart): void {
  declareGatewayWorld(chart);
  new DestinationPolicy(chart, 'ratings-subsets', {
    host: 'ratings', namespace: 'bookinfo',
    subsets: ['v1', 'v2'].map((v) => ({ subset: Subset.fromLabels(v, { app: 'ratings', version: v }) })),
  });
}

/** TCP routes to a declared TCP host and TLS routes to a declared external host, with L4 matches. */
const l4Routes: Target = {
  name: 'HostRoutes (TCP and TLS)',
  environment: Environment.STAGING,
  fixtures: declareGatewayWorld,
  props: fc.oneof(
    fc.record({
      host: fc.constant('db.internal'),
      namespace: fc.constant('bookinfo'),
      tcpRoutes: fc.tuple(
        fc.array(fc.record({ port: fc.constantFrom(5432, 3306), sourceLabels: fc.constant(mapOf({ app: 'reviews' })), sourceNamespace: fc.constant('bookinfo'),
          destinationSubnets: fc.constant(['10.0.0.0/16']) }, { requiredKeys: ['port'] }), { minLength: 1, maxLength: 2 }),
        fc.constantFrom(5432, 3306),
      ).map(([match, port]) => [{ match, destinations: [{ port }] }, {}]),
    }),
    fc.record({
      host: fc.constant('api.example.com'),
      namespace: fc.constant('bookinfo'),
      tlsRoutes: fc.array(fc.record({ port: fc.constantFrom(443, 8443), sniHosts: fc.constant(['api.example.com']) }, { requiredKeys: [] }), { minLength: 1, maxLength: 2 })
        .map((match) => [{ match, destinations: [{ port: 443 }] }]),
    }),
  ),
  build: (chart, id, props) => new HostRoutes(chart, id, props as HostRoutesProps),
};

const hostRoutes: Target = {
  name: 'HostRoutes',
  environment: Environment.STAGING,
  fixtures: ratingsWorld,
  props: fc.record({
    host: fc.constantFrom('ratings', 'ratings.bookinfo.svc.cluster.local'),
    namespace: fc.constant('bookinfo'),
    routes,
  }, { requiredKeys: ['host', 'routes'] }),
  build: (chart, id, props) => new HostRoutes(chart, id, props as HostRoutesProps),
};

/**
 * TrafficHost.of(scope, host, namespace) from a construct of the chart: the arguments after the scope as
 * a list; anything else (a caller that got the arguments wrong altogether) stands in the scope's place.
 */
const trafficHostOf: EntryTarget = {
  name: 'TrafficHost.of',
  where: ['TrafficHost.of', 'fz'],
  props: fc.tuple(
    fc.constantFrom('reviews', 'reviews.bookinfo.svc.cluster.local', 'api.example.com', '*.example.com'),
    fc.option(fc.constantFrom('bookinfo', 'shop'), { nil: undefined, freq: 4 }),
  ).map(([host, namespace]) => (namespace === undefined ? [host] : [host, namespace])),
  run: (args, app) => {
    const chart = new MeshChart(app(), 'fz', { environment: Environment.PROD });
    declareGatewayWorld(chart);
    const scope = new Construct(chart, 'x');
    if (Array.isArray(args)) {
      TrafficHost.of(scope, args[0], args[1]);
    } else {
      TrafficHost.of(args as never, 'reviews');
    }
    return { chart };
  },
};

describe('fuzz: routing constructs at the API boundary', () => {
  test.each([canaryRelease, hostRoutes, l4Routes].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      expectClean(fuzzConstruct(target, 40));
    }, FUZZ_TIMEOUT);

  test('TrafficHost.of: our error or a valid, analyzed chart; no raw exception, no silent drop', () => {
    expectClean(fuzzEntry(trafficHostOf, 40));
  }, FUZZ_TIMEOUT);
});
