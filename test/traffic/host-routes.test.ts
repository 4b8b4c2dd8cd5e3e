import { Duration } from 'cdk8s';
import { Environment, EnvironmentProfile, FaultInjection, HostRoutes, HostRoutesProps, HttpMatch, RetryOn, RetryPolicy, Subset } from '../../lib';
import { errorOf, meshChart, one, synthValid } from './support';

function httpOf(props: Partial<HostRoutesProps>, env: EnvironmentProfile = Environment.PROD) {
  const chart = meshChart(env);
  new HostRoutes(chart, 'ratings', { host: 'ratings', namespace: 'bookinfo', routes: [], ...props });
  return one(synthValid(chart), 'VirtualService', 'ratings', 'bookinfo').spec.http;
}

function routesError(props: Partial<HostRoutesProps>, env: EnvironmentProfile = Environment.PROD): string {
  return errorOf(() => new HostRoutes(meshChart(env), 'ratings', { host: 'ratings', routes: [], ...props }));
}

describe('HostRoutes', () => {
  test('timeout and retries for a host without a canary (no DestinationRule needed)', () => {
    const chart = meshChart();
    new HostRoutes(chart, 'ratings', {
      host: 'ratings',
      namespace: 'bookinfo',
      routes: [{ timeout: Duration.seconds(2), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.millis(500), retryOn: [RetryOn.FIVE_XX] }) }],
    });
    const objs = synthValid(chart);
    expect(objs.filter((o) => o.kind === 'DestinationRule')).toStrictEqual([]);
    expect(one(objs, 'VirtualService', 'ratings', 'bookinfo').spec).toStrictEqual({
      hosts: ['ratings'],
      http: [{ route: [{ destination: { host: 'ratings' } }], timeout: '2s', retries: { attempts: 3, perTryTimeout: '500ms', retryOn: '5xx' } }],
    });
  });

  test('matched routes to subsets, then the default route; retries disabled on a non-idempotent path', () => {
    const http = httpOf({
      routes: [
        { name: 'admin', match: [HttpMatch.uriPrefix('/admin').and(HttpMatch.header('x-role', 'admin'))], to: Subset.fromLabels('v2', { version: 'v2' }) },
        { name: 'orders', match: [HttpMatch.uriExact('/orders')], retries: RetryPolicy.disabled() },
        { name: 'default', timeout: Duration.seconds(10) },
      ],
    });
    expect(http).toStrictEqual([
      { name: 'admin', match: [{ headers: { 'x-role': { exact: 'admin' } }, uri: { prefix: '/admin' } }], route: [{ destination: { host: 'ratings', subset: 'v2' } }] },
      { name: 'orders', match: [{ uri: { exact: '/orders' } }], route: [{ destination: { host: 'ratings' } }], retries: { attempts: 0 } },
      { name: 'default', route: [{ destination: { host: 'ratings' } }], timeout: '10s' },
    ]);
  });

  test('fault injection in DEV: delay and abort', () => {
    const http = httpOf({
      routes: [{
        fault: FaultInjection.delayAndAbort({ fixedDelay: Duration.millis(700), percent: 10 }, { httpStatus: 503, percent: 0.5 }),
      }],
    }, Environment.DEV);
    expect(http[0].fault).toStrictEqual({ delay: { fixedDelay: '700ms', percentage: { value: 10 } }, abort: { httpStatus: 503, percentage: { value: 0.5 } } });
  });

  test('fault injection in PROD only with allowInProduction', () => {
    const fault = FaultInjection.abort({ httpStatus: 500, percent: 1, allowInProduction: true });
    expect(httpOf({ routes: [{ fault }] })[0].fault).toStrictEqual({ abort: { httpStatus: 500, percentage: { value: 1 } } });
    expect(routesError({ routes: [{ fault: FaultInjection.abort({ httpStatus: 500, percent: 1 }) }] }))
      .toContain('[prod/ratings] routes[0].fault.abort: "prod" is a production environment');
  });
});

describe('HostRoutes rejects', () => {
  test('IST0130: a default route before other routes', () => {
    expect(routesError({ routes: [{ timeout: Duration.seconds(1) }, { match: [HttpMatch.uriPrefix('/a')] }] }))
      .toContain('[prod/ratings] routes[0].match: undefined is missing, so this default route takes every request and routes[1..] can never match (IST0130)');
  });

  test('no routes, or an empty match list', () => {
    expect(routesError({ routes: [] })).toContain('[prod/ratings] routes: [] is empty');
    expect(routesError({ routes: [{ match: [] }] })).toContain('[prod/ratings] routes[0].match: [] is empty');
  });

  test.each([
    [{ httpStatus: 600, percent: 1 }, 'routes[0].fault.abort.httpStatus: 600 is not an HTTP status from 200 to 599 (V5)'],
    [{ httpStatus: 199, percent: 1 }, 'routes[0].fault.abort.httpStatus: 199 is not an HTTP status from 200 to 599 (V5)'],
    [{ httpStatus: 503, percent: 0.00001 }, 'routes[0].fault.abort.percent: 0.00001 is neither 0 nor a percentage from 0.0001 to 100'],
    [{ httpStatus: 503, percent: 100.5 }, 'routes[0].fault.abort.percent: 100.5 is neither 0 nor a percentage from 0.0001 to 100'],
  ])('V5: abort %j', (abort, message) => {
    expect(routesError({ routes: [{ fault: FaultInjection.abort(abort) }] }, Environment.DEV)).toContain(`[dev/ratings] ${message}`);
  });

  test('V2/V5: delay under 1ms or with a bad percentage', () => {
    expect(routesError({ routes: [{ fault: FaultInjection.delay({ fixedDelay: Duration.millis(0), percent: 5 }) }] }, Environment.DEV))
      .toContain('[dev/ratings] routes[0].fault.delay.fixedDelay: "0ms" is below 1ms');
    expect(routesError({ routes: [{ fault: FaultInjection.delay({ fixedDelay: Duration.seconds(1), percent: -1 }) }] }, Environment.DEV))
      .toContain('[dev/ratings] routes[0].fault.delay.percent: -1 is neither 0 nor a percentage from 0.0001 to 100');
  });

  test('a route name with spaces', () => {
    expect(routesError({ routes: [{ name: 'my route' }] })).toContain('[prod/ratings] routes[0].name: "my route" is not a route name');
  });
});
