/**
 * Fuzzing the routing constructs at the API boundary (see ./harness): CanaryRelease, HostRoutes and
 * TrafficHost.of, with Subset, HttpMatch, RetryPolicy, RetryOn and FaultInjection as recipes whose
 * arguments are fuzzed too.
 */
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { CanaryRelease, CanaryReleaseProps, Environment, HostRoutes, HostRoutesProps, MeshChart, TrafficHost } from '../../lib';
import { expectClean, FUZZ_TIMEOUT, fuzzConstruct, Target } from './harness';
import { declareGatewayWorld, EntryTarget, fuzzEntry, httpMatches, resilience, subsetOf } from './gateway-support';

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

/** Matched routes (some to a subset), then mostly a default route last. */
const routes = fc.tuple(
  fc.array(fc.tuple(fc.array(httpMatches, { minLength: 1, maxLength: 2 }), fc.option(fc.constantFrom('v1', 'v2'), { freq: 2 }), resilience, fc.option(fc.constantFrom('beta', 'api.v2'))), { maxLength: 3 }),
  fc.option(fc.tuple(resilience, fc.option(fc.constantFrom('v1', 'v2'), { freq: 3 })), { freq: 4 }),
).filter(([matched, last]) => matched.length > 0 || last !== null).map(([matched, last]) => [
  ...matched.map(([match, to, r, name]) => ({ ...(name !== null ? { name } : {}), match, ...(to !== null ? { to: subsetOf('ratings', to) } : {}), ...r })),
  ...(last !== null ? [{ ...last[0], ...(last[1] !== null ? { to: subsetOf('ratings', last[1]) } : {}) }] : []),
]);

const hostRoutes: Target = {
  name: 'HostRoutes',
  environment: Environment.STAGING,
  fixtures: declareGatewayWorld,
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
  test.each([canaryRelease, hostRoutes].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      expectClean(fuzzConstruct(target, 40));
    }, FUZZ_TIMEOUT);

  test('TrafficHost.of: our error or a valid, analyzed chart; no raw exception, no silent drop', () => {
    expectClean(fuzzEntry(trafficHostOf, 40));
  }, FUZZ_TIMEOUT);
});
