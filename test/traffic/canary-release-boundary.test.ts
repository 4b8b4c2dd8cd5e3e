/**
 * The API boundary of CanaryRelease (and CanaryRelease.planFor): what callers without TypeScript's
 * checks may pass (JavaScript, props read from JSON or YAML, the jsii languages) gives our error or
 * valid output, never a crash, a silent drop or a weaker default.
 */
import { Duration } from 'cdk8s';
import { CanaryRelease, CanaryReleaseProps, Environment, EnvironmentProfile, HttpMatch, RetryPolicy, Subset } from '../../lib';
import { errorOf, meshChart, one, synthValid } from './support';

const V1 = Subset.fromLabels('v1', { app: 'reviews', version: 'v1' });
const V2 = Subset.fromLabels('v2', { app: 'reviews', version: 'v2' });
const BASE = { host: 'reviews', namespace: 'bookinfo', stable: V1, canary: V2 };

/** The error of a CanaryRelease `c` with the given props (typed loosely, as a JavaScript caller would pass them). */
function canaryError(props: unknown, env: EnvironmentProfile = Environment.PROD): string {
  return errorOf(() => new CanaryRelease(meshChart(env), 'c', props as CanaryReleaseProps));
}

describe('CanaryRelease at the API boundary', () => {
  test('a misspelt key is an error naming it and the closest known key (it was ignored and the environment\'s percentage written)', () => {
    // GIVEN canaryPercnt (a typo) WHEN constructed THEN our error, not a release at PROD's 10 %
    expect(canaryError({ ...BASE, canaryPercnt: 50 }))
      .toBe('[prod/c] props: "canaryPercnt" is not a field of CanaryReleaseProps (did you mean "canaryPercent"?). Fix: rename it to "canaryPercent"');
  });

  test('missing or non-object props are our error, not a TypeError', () => {
    expect(canaryError(undefined)).toBe('[prod/c] props: undefined are missing. Fix: give an object such as { host, stable, canary, ... }');
    expect(canaryError('reviews')).toBe('[prod/c] props: "reviews" is a string, not a CanaryReleaseProps object. Fix: give an object such as { host, stable, canary, ... }');
    expect(canaryError({ host: 'reviews', stable: V1 })).toBe('[prod/c] canary: undefined is missing (CanaryReleaseProps requires it). Fix: give canary');
  });

  test('wrong types are reported as such, and NaN as NaN', () => {
    expect(canaryError({ ...BASE, host: 5 }))
      .toBe('[prod/c] host: 5 is a number, not a string. Fix: name the service, e.g. "reviews" or "reviews.bookinfo.svc.cluster.local"');
    expect(canaryError({ ...BASE, canaryPercent: '10' }))
      .toBe('[prod/c] canaryPercent: "10" is a string, not a number. Fix: use e.g. 10; 0 rolls back, 100 completes the rollout');
    expect(canaryError({ ...BASE, canaryPercent: NaN }))
      .toBe('[prod/c] canaryPercent: NaN is not a whole percentage from 0 to 100. Fix: use e.g. 10; 0 rolls back, 100 completes the rollout');
    expect(canaryError({ ...BASE, stage: '1' })).toBe('[prod/c] stage: "1" is a string, not a number. Fix: use an index from 0 to 4');
    expect(canaryError({ ...BASE, timeout: 5000 }))
      .toBe('[prod/c] timeout: 5000 is a number, not a cdk8s Duration. Fix: use Duration.millis(), Duration.seconds() or Duration.minutes() from cdk8s');
  });

  test('subsets and matches must be made by their factories', () => {
    expect(canaryError({ ...BASE, stable: { name: 'v1', labels: { version: 'v1' } } }))
      .toBe('[prod/c] stable: {"name":"v1","labels":{"version":"v1"}} is an object, not a Subset. Fix: use Subset.fromWorkload() or Subset.fromLabels()');
    expect(canaryError({ ...BASE, routeToCanaryWhen: HttpMatch.header('x-canary', 'true') }))
      .toBe('[prod/c] routeToCanaryWhen: HttpMatch {"conditions":[{"kind":"header","name":"x-canary","how":"exact","value":"true"}]} is a HttpMatch, not a list. '
        + 'Fix: list at least one HttpMatch, or leave routeToCanaryWhen out');
    expect(canaryError({ ...BASE, routeToCanaryWhen: [{ headers: { 'x-canary': { exact: 'true' } } }] }))
      .toBe('[prod/c] routeToCanaryWhen[0]: {"headers":{"x-canary":{"exact":"true"}}} is an object, not a HttpMatch. Fix: use HttpMatch.header(), HttpMatch.cookie() and the like');
  });

  test('retryRemoteLocalities: "yes" is an error, not written into the VirtualService', () => {
    // GIVEN a retry policy whose flag is a string WHEN constructed THEN our error naming the field
    expect(canaryError({ ...BASE, retries: RetryPolicy.of({ attempts: 2, retryRemoteLocalities: 'yes' as unknown as boolean }) }))
      .toBe('[prod/c] retries.retryRemoteLocalities: "yes" is a string, not a boolean. Fix: give true or false');
    // AND a real boolean is written as it is
    const chart = meshChart();
    new CanaryRelease(chart, 'c', { ...BASE, retries: RetryPolicy.of({ attempts: 2, retryRemoteLocalities: true }) });
    expect(one(synthValid(chart), 'VirtualService', 'reviews').spec.http[0].retries).toStrictEqual({ attempts: 2, retryRemoteLocalities: true });
  });

  test('a circular props object is our error, not a stack overflow', () => {
    const props: Record<string, unknown> = { ...BASE };
    props.self = props;
    expect(canaryError(props)).toBe('[prod/c] self: {"host":"reviews","namespace":"bookinfo","stable":Subset {"name":"v1","labelMap":{"app":"reviews","version":"v1"}},"can…'
      + ' refers back to props (a circular structure). Fix: pass plain data without cycles');
  });

  test('a 300-year timeout (beyond what the CRD\'s CEL rules parse) is an error at construction', () => {
    expect(canaryError({ ...BASE, timeout: Duration.days(365 * 300) }))
      .toBe('[prod/c] timeout: "9460800000000ms" is above 9223372036854ms, longer than the CRD\'s duration rules can parse. Fix: use at most Duration.millis(9223372036854)');
  });
});

describe('CanaryRelease.planFor at the API boundary', () => {
  test('a scope that is no construct is our error naming the entry point', () => {
    expect(errorOf(() => CanaryRelease.planFor({} as never)))
      .toBe('[CanaryRelease.planFor] scope: {} is an object, not a construct. Fix: pass the construct the plan is for, e.g. the MeshChart');
  });

  test('an environment that is no whole profile is an error naming the missing field', () => {
    expect(errorOf(() => CanaryRelease.planFor(meshChart(), { name: 'x', canary: { stages: [50, 100], initialPercent: 50 } } as unknown as EnvironmentProfile)))
      .toBe('[prod] environment.production: undefined is missing (EnvironmentProfile requires it). Fix: give production');
    expect(errorOf(() => CanaryRelease.planFor(meshChart(), { ...Environment.DEV, canary: { stages: [50, 100], initalPercent: 50 } } as unknown as EnvironmentProfile)))
      .toBe('[prod] environment.canary: "initalPercent" is not a field of CanaryDefaults (did you mean "initialPercent"?). Fix: rename it to "initialPercent"');
  });
});
