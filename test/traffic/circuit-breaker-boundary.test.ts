/**
 * The API boundary of CircuitBreaker: what callers without TypeScript's checks may pass (JavaScript,
 * props read from JSON or YAML, the jsii languages) gives our error or valid output, never a crash,
 * a silent drop or a weaker default.
 */
import { Duration } from 'cdk8s';
import { CircuitBreaker, CircuitBreakerProps, Subset } from '../../lib';
import { errorOf, meshChart } from './support';

/** The error of a CircuitBreaker `cb` with the given props (typed loosely, as a JavaScript caller would pass them). */
function cbError(props: unknown): string {
  return errorOf(() => new CircuitBreaker(meshChart(), 'cb', props as CircuitBreakerProps));
}

describe('CircuitBreaker at the API boundary', () => {
  test('a misspelt key is an error naming it, where it was found and the closest known key (it was dropped and the 1024 default written)', () => {
    // GIVEN tcp.maxConnection (no s) WHEN constructed THEN our error, not a DestinationRule with maxConnections: 1024
    expect(cbError({ host: 'reviews', connectionPool: { tcp: { maxConnection: 5 } } }))
      .toBe('[prod/cb] connectionPool.tcp: "maxConnection" is not a field of TcpPoolOptions (did you mean "maxConnections"?). Fix: rename it to "maxConnections"');
    expect(cbError({ host: 'reviews', outlierDetection: { consecutive5xxErrors: 2, intervall: Duration.seconds(5) } }))
      .toBe('[prod/cb] outlierDetection: "intervall" is not a field of OutlierDetectionOptions (did you mean "interval"?). Fix: rename it to "interval"');
    expect(cbError({ host: 'reviews', connectionpool: {} }))
      .toBe('[prod/cb] props: "connectionpool" is not a field of CircuitBreakerProps (did you mean "connectionPool"?). Fix: rename it to "connectionPool"');
  });

  test('a circular connectionPool is our error, not a stack overflow', () => {
    // GIVEN a connection pool that contains itself
    const pool: Record<string, unknown> = { http: { maxRetries: 3 } };
    pool.tcp = pool;
    // WHEN / THEN
    expect(cbError({ host: 'reviews', connectionPool: pool }))
      .toBe('[prod/cb] connectionPool.tcp: {"http":{"maxRetries":3},"tcp":[Circular]} refers back to connectionPool (a circular structure). Fix: pass plain data without cycles');
  });

  test('missing or non-object props are our error, not a TypeError', () => {
    expect(cbError(undefined)).toBe('[prod/cb] props: undefined are missing. Fix: give an object such as { host, ... }');
    expect(cbError('reviews')).toBe('[prod/cb] props: "reviews" is a string, not a CircuitBreakerProps object. Fix: give an object such as { host, ... }');
    expect(cbError({ host: 'reviews', connectionPool: null }))
      .toBe('[prod/cb] connectionPool: null is null. Fix: leave connectionPool out for its default or give a value');
  });

  test('NaN and Infinity are printed as such (JSON printed null)', () => {
    expect(cbError({ host: 'reviews', connectionPool: { tcp: { maxConnections: NaN } } }))
      .toBe('[prod/cb] connectionPool.tcp.maxConnections: NaN is not a whole number from 0 to 2147483647. Fix: use a whole number from 0 to 2147483647');
    expect(cbError({ host: 'reviews', connectionPool: { http: { http2MaxRequests: Infinity } } }))
      .toBe('[prod/cb] connectionPool.http.http2MaxRequests: Infinity is not a whole number from 0 to 2147483647. Fix: use a whole number from 0 to 2147483647');
  });

  test('wrong types are errors, not passed into the output', () => {
    expect(cbError({ host: 'reviews', connectionPool: { http: { useClientProtocol: 'yes' } } }))
      .toBe('[prod/cb] connectionPool.http.useClientProtocol: "yes" is a string, not a boolean. Fix: give true or false');
    expect(cbError({ host: 'reviews', connectionPool: { tcp: { connectTimeout: 5000 } } }))
      .toBe('[prod/cb] connectionPool.tcp.connectTimeout: 5000 is a number, not a cdk8s Duration. Fix: use Duration.millis(), Duration.seconds() or Duration.minutes() from cdk8s');
    expect(cbError({ host: 'reviews', connectionPool: 'tight' }))
      .toBe('[prod/cb] connectionPool: "tight" is a string, not a ConnectionPoolOptions object. Fix: give an object such as { tcp, ... }');
  });

  test('a duration the CRD\'s CEL rules cannot parse (300 years) is an error at construction', () => {
    expect(cbError({ host: 'reviews', outlierDetection: { baseEjectionTime: Duration.days(365 * 300) } }))
      .toBe('[prod/cb] outlierDetection.baseEjectionTime: "9460800000000ms" is above 9223372036854ms, longer than the CRD\'s duration rules can parse. '
        + 'Fix: use at most Duration.millis(9223372036854)');
  });

  test('subsets: a list of entries, each with a Subset made by its factories', () => {
    expect(cbError({ host: 'reviews', subsets: { subset: Subset.fromLabels('v1', { version: 'v1' }) } }))
      .toBe('[prod/cb] subsets: {"subset":Subset {"name":"v1","labelMap":{"version":"v1"}}} is an object, not a list. Fix: give a list (an array)');
    expect(cbError({ host: 'reviews', subsets: [{ subset: { name: 'v1', labels: { version: 'v1' } }, outlierDetection: { consecutive5xxErrors: 1 } }] }))
      .toBe('[prod/cb] subsets[0].subset: {"name":"v1","labels":{"version":"v1"}} is an object, not a Subset. Fix: use Subset.fromLabels(name, labels) or Subset.fromWorkload(name, workload)');
    expect(cbError({ host: 'reviews', subsets: [null] })).toBe('[prod/cb] subsets[0]: null is not a SubsetCircuitBreaker object. Fix: give an object such as { subset, ... }');
  });
});
