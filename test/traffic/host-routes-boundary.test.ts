/**
 * The API boundary of HostRoutes and the value classes routes are made of (HttpMatch, Subset,
 * RetryPolicy, RetryOn, FaultInjection), and of TrafficHost.of: what callers without TypeScript's
 * checks may pass gives our error under the path of the construct that uses the value, never a crash,
 * a silent drop or a weaker default. The factories keep what they are given; the construct reports it.
 */
import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Environment, FaultInjection, HostRoutes, HostRoutesProps, HttpMatch, HttpRouteOptions, RetryOn, RetryPolicy, Subset, TrafficHost,
} from '../../lib';
import { meshApp } from '../support/charts';
import { errorOf, meshChart, one, synthValid } from './support';

/** The error of a HostRoutes `r` (in a DEV chart, where faults are allowed) with the given props. */
function routesError(props: unknown): string {
  return errorOf(() => new HostRoutes(meshChart(Environment.DEV), 'r', props as HostRoutesProps));
}

/** The error of a HostRoutes with one route of `route`. */
function routeError(route: unknown): string {
  return routesError({ host: 'ratings', namespace: 'bookinfo', routes: [route as HttpRouteOptions] });
}

describe('HostRoutes at the API boundary', () => {
  test('unknown keys are errors with the closest known key, in props and in a route', () => {
    expect(routesError({ host: 'ratings', namespace: 'bookinfo', route: [] }))
      .toBe('[dev/r] props: "route" is not a field of HostRoutesProps (did you mean "routes"?). Fix: rename it to "routes"');
    expect(routeError({ timout: Duration.seconds(1) }))
      .toBe('[dev/r] routes[0]: "timout" is not a field of HttpRouteOptions (did you mean "timeout"?). Fix: rename it to "timeout"');
  });

  test('a host whose last label is all digits, or a Service name starting with a digit, is an error (it can name no service)', () => {
    expect(routesError({ host: '0.0', routes: [{ timeout: Duration.seconds(1) }] }))
      .toBe('[dev/r] host: "0.0" is not a host name: its last label "0" is all digits (no top-level domain is; an IP address is no host a route can name). '
        + 'Fix: name the service, e.g. "reviews.bookinfo.svc.cluster.local" or "api.example.com"');
    expect(routesError({ host: '1ratings.bookinfo.svc.cluster.local', routes: [{ timeout: Duration.seconds(1) }] }))
      .toBe('[dev/r] host: "1ratings.bookinfo.svc.cluster.local" names the Kubernetes Service "1ratings", which does not start with a letter (Service names are DNS-1035 labels). '
        + 'Fix: name the Service as Kubernetes has it, e.g. "reviews"');
  });

  test('routes must be a list of route objects', () => {
    expect(routesError({ host: 'ratings', namespace: 'bookinfo', routes: { timeout: Duration.seconds(1) } }))
      .toBe('[dev/r] routes: {"timeout":Duration.millis(1000)} is an object, not a list. Fix: give at least one route');
    expect(routeError(null)).toBe('[dev/r] routes[0]: null is not a HttpRouteOptions object. Fix: give an object such as { name, ... }');
    expect(routeError({ name: 5 })).toBe('[dev/r] routes[0].name: 5 is a number, not a string. Fix: use letters, digits, "-", "_" and "."');
    expect(routeError({ to: 'v1' })).toBe('[dev/r] routes[0].to: "v1" is a string, not a Subset. Fix: use Subset.named("v1") for a subset defined elsewhere, or Subset.fromLabels() / Subset.fromWorkload()');
    expect(routeError({ match: [{ uri: { prefix: '/' } }] }))
      .toBe('[dev/r] routes[0].match[0]: {"uri":{"prefix":"/"}} is an object, not a HttpMatch. Fix: use HttpMatch.uriPrefix(), HttpMatch.header() and the like');
  });
});

describe('RetryPolicy and RetryOn, checked by the construct that uses them', () => {
  test('options: unknown keys, wrong types and the boolean retryRemoteLocalities', () => {
    expect(routeError({ retries: RetryPolicy.of({ attempt: 2 } as never) }))
      .toBe('[dev/r] routes[0].retries: "attempt" is not a field of RetryPolicyOptions (did you mean "attempts"?). Fix: rename it to "attempts"');
    expect(routeError({ retries: RetryPolicy.of('3' as never) }))
      .toBe('[dev/r] routes[0].retries: "3" is a string, not a RetryPolicyOptions object. Fix: give an object such as { attempts, ... }');
    expect(routeError({ retries: RetryPolicy.of({ attempts: 2, retryRemoteLocalities: 'yes' as never }) }))
      .toBe('[dev/r] routes[0].retries.retryRemoteLocalities: "yes" is a string, not a boolean. Fix: give true or false');
    expect(routeError({ retries: RetryPolicy.of({ attempts: 2 ** 31 }) }))
      .toBe('[dev/r] routes[0].retries.attempts: 2147483648 is not a whole number from 0 to 2147483647. Fix: use a whole number of at least 0');
  });

  test('retryOn: a list of RetryOn; RetryOn.of takes text and RetryOn.statusCode a known code', () => {
    expect(routeError({ retries: RetryPolicy.of({ attempts: 2, retryOn: '5xx' as never }) }))
      .toBe('[dev/r] routes[0].retries.retryOn: "5xx" is a string, not a list. Fix: list at least one condition, or leave retryOn out for Istio\'s default');
    expect(routeError({ retries: RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.of(503 as never)] }) }))
      .toBe('[dev/r] routes[0].retries.retryOn[0]: 503 is a number, not a string (RetryOn.of takes a token as text). '
        + 'Fix: use e.g. RetryOn.of("5xx") or RetryOn.of("503"), or RetryOn.statusCode(503) for a number');
    expect(routeError({ retries: RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.statusCode(NaN)] }) }))
      .toBe('[dev/r] routes[0].retries.retryOn[0]: NaN is not an HTTP status code istiod knows (V3). Fix: use a code such as 503 or 429');
    expect(routeError({ retries: RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.statusCode('503' as never)] }) }))
      .toBe('[dev/r] routes[0].retries.retryOn[0]: "503" is a string, not a number (RetryOn.statusCode takes an HTTP status code). '
        + 'Fix: use e.g. RetryOn.statusCode(503), or RetryOn.of("503") for a code given as text');
  });
});

describe('FaultInjection, checked by the construct that uses it', () => {
  test('options: unknown keys, null, wrong types, non-finite numbers', () => {
    expect(routeError({ fault: FaultInjection.abort({ httpStatus: 503, percentage: 5 } as never) }))
      .toBe('[dev/r] routes[0].fault.abort: "percentage" is not a field of FaultAbortOptions. Fix: drop it; FaultAbortOptions has httpStatus, percent, allowInProduction');
    expect(routeError({ fault: FaultInjection.delay(null as never) }))
      .toBe('[dev/r] routes[0].fault.delay: null is not a FaultDelayOptions object. Fix: give an object such as { fixedDelay, percent, ... }');
    expect(routeError({ fault: FaultInjection.abort({ httpStatus: '503' as never, percent: 5 }) }))
      .toBe('[dev/r] routes[0].fault.abort.httpStatus: "503" is a string, not a number. Fix: use e.g. 503');
    expect(routeError({ fault: FaultInjection.delay({ fixedDelay: Duration.seconds(1), percent: Infinity }) }))
      .toBe('[dev/r] routes[0].fault.delay.percent: Infinity is neither 0 nor a percentage from 0.0001 to 100. Fix: use 0, or a value from 0.0001 to 100');
  });

  test('allowInProduction: "yes" is an error, not read as false (refused in PROD) or ignored (DEV)', () => {
    expect(routeError({ fault: FaultInjection.abort({ httpStatus: 503, percent: 5, allowInProduction: 'yes' as never }) }))
      .toBe('[dev/r] routes[0].fault.abort.allowInProduction: "yes" is a string, not a boolean. Fix: give true or false');
  });

  test('later changes to the options object change nothing (the factory keeps a copy)', () => {
    // GIVEN
    const options = { httpStatus: 503, percent: 5 };
    const chart = meshChart(Environment.DEV);
    const fault = FaultInjection.abort(options);
    // WHEN the caller's object changes afterwards
    options.httpStatus = 200;
    new HostRoutes(chart, 'r', { host: 'ratings', namespace: 'bookinfo', routes: [{ fault }] });
    // THEN the fault is the one given
    expect(one(synthValid(chart), 'VirtualService', 'ratings').spec.http[0].fault).toStrictEqual({ abort: { httpStatus: 503, percentage: { value: 5 } } });
  });
});

describe('HttpMatch, checked by the construct that renders it', () => {
  test('values of the wrong type are reported as such', () => {
    expect(routeError({ match: [HttpMatch.header(5 as never, 'b')] }))
      .toBe('[dev/r] routes[0].match[0].headers: 5 is a number, not a string. Fix: give the header name as a string, e.g. "x-canary"');
    expect(routeError({ match: [HttpMatch.header('x-canary', true as never)] }))
      .toBe('[dev/r] routes[0].match[0].headers.x-canary.exact: true is a boolean, not a string. Fix: give the value as a string');
    expect(routeError({ match: [HttpMatch.uriPrefix(5 as never)] }))
      .toBe('[dev/r] routes[0].match[0].uri.prefix: 5 is a number, not a string. Fix: give the path as a string, e.g. "/api"');
  });

  test('and() with something else than an HttpMatch is our error when rendered, not a TypeError from the factory', () => {
    // GIVEN / WHEN the factory is called THEN nothing is thrown yet
    const match = HttpMatch.uriPrefix('/api').and({} as never);
    // THEN the construct reports it under its path
    expect(routeError({ match: [match] }))
      .toBe('[dev/r] routes[0].match[0].and(other): {} is an object, not a HttpMatch. '
        + 'Fix: combine HttpMatch instances, e.g. HttpMatch.uriPrefix("/api").and(HttpMatch.header("x-canary", "true"))');
  });
});

describe('Subset, checked by the construct that uses it', () => {
  test('labels that are no map of strings, and a name that is no string', () => {
    expect(routeError({ to: Subset.fromLabels('v1', 'version=v1' as never) }))
      .toBe('[dev/r] routes[0].to.labels: "version=v1" is a string, not a map of labels. Fix: give labels such as { app: "reviews", version: "v1" }');
    expect(routeError({ to: Subset.fromLabels('v1', { version: 1 } as never) }))
      .toBe('[dev/r] routes[0].to.labels.version: 1 is a number, not a string. Fix: give label values as strings, e.g. "v1"');
    expect(routeError({ to: Subset.fromLabels('v1', new Map([['version', 'v1']]) as never) }))
      .toBe('[dev/r] routes[0].to.labels: Map(1) is a Map, not a map of labels. Fix: give labels such as { app: "reviews", version: "v1" }');
    expect(routeError({ to: Subset.fromLabels(1 as never, { version: 'v1' }) }))
      .toBe('[dev/r] routes[0].to.name: 1 is a number, not a string. Fix: name the subset like "v1" or "canary"');
  });
});

describe('TrafficHost.of at the API boundary', () => {
  test('a scope that is no construct, or is in no chart, and a host that is no string', () => {
    expect(errorOf(() => TrafficHost.of('x' as never, 'reviews')))
      .toBe('[TrafficHost.of] scope: "x" is a string, not a construct. Fix: pass a construct of the chart, e.g. the construct that configures the host');
    expect(errorOf(() => TrafficHost.of(new Construct(meshApp(), 'y'), 'reviews')))
      .toBe('[y] scope: <Construct y> is in no chart. Fix: pass a construct of a MeshChart');
    expect(errorOf(() => TrafficHost.of(meshChart(), 5 as never)))
      .toBe('[prod] host: 5 is a number, not a string. Fix: name the service, e.g. "reviews" or "reviews.bookinfo.svc.cluster.local"');
    expect(errorOf(() => TrafficHost.of(meshChart(), 'reviews', 7 as never)))
      .toBe('[prod] namespace: 7 is a number, not a string. Fix: give a namespace name such as "bookinfo"');
  });
});
