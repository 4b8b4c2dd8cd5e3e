import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  CanaryRelease, CanaryReleaseProps, Environment, EnvironmentProfile, FaultInjection, HttpMatch, RetryOn, RetryPolicy, Subset,
} from '../../lib';
import { errorOf, meshChart, Obj, one, reviews, synthValid } from './support';

const v1 = Subset.fromLabels('v1', { app: 'reviews', version: 'v1' });
const v2 = Subset.fromLabels('v2', { app: 'reviews', version: 'v2' });
const base: CanaryReleaseProps = { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2 };

/** GIVEN a chart of `env` WHEN a CanaryRelease with `props` is added THEN its valid objects. */
function synthCanary(props: Partial<CanaryReleaseProps> = {}, env: EnvironmentProfile = Environment.PROD): { objs: Obj[]; canary: CanaryRelease } {
  const chart = meshChart(env);
  const canary = new CanaryRelease(chart, 'reviews-canary', { ...base, ...props });
  return { objs: synthValid(chart), canary };
}

function canaryError(props: Partial<CanaryReleaseProps>, env: EnvironmentProfile = Environment.PROD): string {
  return errorOf(() => new CanaryRelease(meshChart(env), 'reviews-canary', { ...base, ...props }));
}

function weights(objs: Obj[]): Record<string, number> {
  const weighted = routeNamed(objs, 'reviews-canary-weighted');
  return Object.fromEntries(weighted.route.map((d: { destination: { subset: string }; weight: number }) => [d.destination.subset, d.weight]));
}

/** The HTTP route named `name` of the reviews VirtualService. */
function routeNamed(objs: Obj[], name: string): any {
  const routes = one(objs, 'VirtualService', 'reviews').spec.http.filter((r: { name: string }) => r.name === name);
  expect(routes).toHaveLength(1);
  return routes[0];
}

describe('CanaryRelease', () => {
  test('PROD: 10 % to the canary by default, matched requests first and all to the canary', () => {
    const { objs, canary } = synthCanary({
      routeToCanaryWhen: [HttpMatch.header('x-canary', 'true'), HttpMatch.cookieRegex('^(.*?;)?(test-user=true)(;.*)?$')],
    });
    expect([canary.canaryPercent, canary.stablePercent, canary.stage]).toStrictEqual([10, 90, 0]);
    expect(one(objs, 'VirtualService', 'reviews', 'bookinfo').spec).toStrictEqual({
      hosts: ['reviews'],
      http: [
        {
          name: 'reviews-canary-match',
          match: [{ headers: { 'x-canary': { exact: 'true' } } }, { headers: { cookie: { regex: '^(.*?;)?(test-user=true)(;.*)?$' } } }],
          route: [{ destination: { host: 'reviews', subset: 'v2' } }],
        },
        {
          name: 'reviews-canary-weighted',
          route: [
            { destination: { host: 'reviews', subset: 'v1' }, weight: 90 },
            { destination: { host: 'reviews', subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    });
    expect(one(objs, 'DestinationRule', 'reviews', 'bookinfo').spec).toStrictEqual({
      host: 'reviews',
      subsets: [{ name: 'v1', labels: { app: 'reviews', version: 'v1' } }, { name: 'v2', labels: { app: 'reviews', version: 'v2' } }],
    });
  });

  test.each([
    [Environment.DEV, 50],
    [Environment.STAGING, 25],
    [Environment.PROD, 10],
  ])('%s environment: the default canary share comes from canary.initialPercent', (env, percent) => {
    expect(weights(synthCanary({}, env).objs)).toStrictEqual({ v1: 100 - percent, v2: percent });
  });

  test('the plan is the environment\'s stages, and `stage` synthesizes any of them', () => {
    const { objs, canary } = synthCanary({ stage: 2 });
    expect(canary.plan.map((s) => s.canaryPercent)).toStrictEqual([10, 25, 50, 75, 100]);
    expect(canary.plan[3]).toStrictEqual({ index: 3, canaryPercent: 75, stablePercent: 25 });
    expect(weights(objs)).toStrictEqual({ v1: 50, v2: 50 });
    const chart = meshChart();
    expect(CanaryRelease.planFor(chart, Environment.override(Environment.DEV, { canary: { stages: [5, 100] } })).map((s) => s.canaryPercent)).toStrictEqual([5, 100]);
    expect(CanaryRelease.planFor(chart).map((s) => s.canaryPercent)).toStrictEqual([10, 25, 50, 75, 100]);
    expect(errorOf(() => CanaryRelease.planFor(chart, Environment.override(Environment.DEV, { name: 'odd', canary: { stages: [50, 90] } }))))
      .toBe('[prod] environment.canary.stages: [50,90] of environment "odd" are not whole percentages in increasing order ending at 100. '
        + 'Fix: fix the environment profile, e.g. stages: [10, 25, 50, 75, 100]');
  });

  test('rollback is canaryPercent 0: everything to stable, the matched route is dropped, both subsets stay', () => {
    const { objs, canary } = synthCanary({ canaryPercent: 0, routeToCanaryWhen: [HttpMatch.header('x-canary', 'true')] });
    expect(canary.stage).toBeUndefined();
    const vs = one(objs, 'VirtualService', 'reviews');
    expect(vs.spec.http).toHaveLength(1);
    expect(weights(objs)).toStrictEqual({ v1: 100, v2: 0 });
  });

  test('canaryPercent 100 completes the rollout and still emits a valid route', () => {
    expect(weights(synthCanary({ canaryPercent: 100 }).objs)).toStrictEqual({ v1: 0, v2: 100 });
  });

  test('timeout and retries go on every route of the release', () => {
    const { objs } = synthCanary({
      routeToCanaryWhen: [HttpMatch.uriPrefix('/beta')],
      timeout: Duration.seconds(3),
      retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.millis(1500), retryOn: [RetryOn.GATEWAY_ERROR, RetryOn.CONNECT_FAILURE] }),
    });
    const http = one(objs, 'VirtualService', 'reviews').spec.http;
    expect(http.map((r: { name: string }) => r.name)).toStrictEqual(['reviews-canary-match', 'reviews-canary-weighted']);
    for (const route of http) {
      expect(route.timeout).toBe('3s');
      expect(route.retries).toStrictEqual({ attempts: 2, perTryTimeout: '1500ms', retryOn: 'gateway-error,connect-failure' });
    }
  });

  test('fault injection is refused in PROD and allowed in STAGING', () => {
    const fault = FaultInjection.delay({ fixedDelay: Duration.seconds(2), percent: 5 });
    expect(canaryError({ fault })).toBe('[prod/reviews-canary] fault.delay: "prod" is a production environment, where fault injection would break real requests. ' +
      'Fix: inject faults in DEV or STAGING, or set allowInProduction: true for a deliberate production chaos test');
    const route = routeNamed(synthCanary({ fault }, Environment.STAGING).objs, 'reviews-canary-weighted');
    expect(route.fault).toStrictEqual({ delay: { fixedDelay: '2s', percentage: { value: 5 } } });
  });

  test('a staged canary of two cdk8s-plus Deployments: subsets select exactly their pods', () => {
    const chart = meshChart();
    const d1 = reviews(chart, 'v1');
    const d2 = reviews(chart, 'v2');
    new CanaryRelease(chart, 'reviews-canary', { host: 'reviews', namespace: 'bookinfo', stable: Subset.fromWorkload('v1', d1), canary: Subset.fromWorkload('v2', d2) });
    const objs = synthValid(chart);
    const subsets: { name: string; labels: Record<string, string> }[] = one(objs, 'DestinationRule', 'reviews').spec.subsets;
    const labelsOf = (name: string) => {
      const found = subsets.filter((x) => x.name === name);
      expect(found).toHaveLength(1);
      return found[0].labels;
    };
    const podsOf = (d: kplus.Deployment) => one(objs, 'Deployment', d.name, 'bookinfo').spec.template.metadata.labels;
    expect(subsets.map((x) => x.name)).toStrictEqual(['v1', 'v2']);
    expect(labelsOf('v1')).toStrictEqual({ app: 'reviews', version: 'v1' });
    expect(labelsOf('v2')).toStrictEqual({ app: 'reviews', version: 'v2' });
    expect(podsOf(d1)).toMatchObject(labelsOf('v1'));
    expect(podsOf(d2)).toMatchObject(labelsOf('v2'));
    expect(podsOf(d2)).not.toMatchObject(labelsOf('v1'));
    expect(podsOf(d1)).not.toMatchObject(labelsOf('v2'));
  });

  test('Subset.fromWorkload falls back to the workload selector when its pods have no labels of yours', () => {
    const chart = meshChart();
    const d = new kplus.Deployment(chart, 'bare', { containers: [{ image: 'nginx:1.27' }] });
    const subset = Subset.fromWorkload('v1', d);
    expect(subset.labels).toStrictEqual(d.matchLabels);
    expect(Object.keys(subset.labels)).toStrictEqual(['cdk8s.io/metadata.addr']);
    new CanaryRelease(chart, 'c', { host: 'web', namespace: 'shop', stable: subset, canary: Subset.fromLabels('v2', { version: 'v2' }) });
    const pods = one(synthValid(chart), 'Deployment', d.name).spec.template.metadata.labels;
    expect(pods['cdk8s.io/metadata.addr']).toBe(subset.labels['cdk8s.io/metadata.addr']);
  });
});

describe('CanaryRelease rejects', () => {
  test.each([101, -1, 2.5])('canaryPercent %p', (p) => {
    expect(canaryError({ canaryPercent: p })).toContain(`[prod/reviews-canary] canaryPercent: ${p} is not a whole percentage from 0 to 100`);
  });

  test('stage and canaryPercent together', () => {
    expect(canaryError({ stage: 1, canaryPercent: 25 })).toContain('[prod/reviews-canary] stage: 1 is set together with canaryPercent');
  });

  test('a stage outside the plan', () => {
    expect(canaryError({ stage: 5 })).toContain('[prod/reviews-canary] stage: 5 is not a stage of the prod plan (0: 10%, 1: 25%, 2: 50%, 3: 75%, 4: 100%)');
  });

  test('environment stages that are no plan', () => {
    const env = Environment.override(Environment.DEV, { name: 'odd', canary: { stages: [10, 5, 100] } });
    expect(canaryError({}, env)).toContain('[odd/reviews-canary] environment.canary.stages: [10,5,100] of environment "odd" are not whole percentages in increasing order ending at 100');
  });

  test('stable and canary with one name', () => {
    expect(canaryError({ canary: Subset.fromLabels('v1', { version: 'v2' }) })).toContain('[prod/reviews-canary] canary.name: "v1" is also the stable subset\'s name');
  });

  test('stable and canary with the same labels', () => {
    expect(canaryError({ canary: Subset.fromLabels('v2', { version: 'v1', app: 'reviews' }) }))
      .toContain('[prod/reviews-canary] canary.labels: {"app":"reviews","version":"v1"} are the stable subset\'s labels');
  });

  test('a stable subset whose labels also select the canary workload\'s pods', () => {
    const chart = meshChart();
    const d2 = reviews(chart, 'v2');
    const msg = errorOf(() => new CanaryRelease(chart, 'c', {
      host: 'reviews', namespace: 'bookinfo', stable: Subset.fromLabels('stable', { app: 'reviews' }), canary: Subset.fromWorkload('v2', d2),
    }));
    expect(msg).toContain('[prod/c] stable.labels: {"app":"reviews"} also select the pods of prod/reviews-v2');
  });

  test('D4: a subset name that is no DNS label', () => {
    expect(canaryError({ canary: Subset.fromLabels('V2_beta', { version: 'v2' }) })).toContain('[prod/reviews-canary] canary.name: "V2_beta" is not a subset name');
    expect(canaryError({ canary: Subset.fromLabels('', { version: 'v2' }) })).toContain('[prod/reviews-canary] canary.name: "" is not a subset name');
  });

  test('subset labels that select everything or are no labels', () => {
    expect(canaryError({ canary: Subset.fromLabels('v2', {}) })).toContain('[prod/reviews-canary] canary.labels: {} selects every workload');
    expect(canaryError({ canary: Subset.fromLabels('v2', { version: '*' }) })).toContain('[prod/reviews-canary] canary.labels: {"version":"*"} has an empty key or a wildcard');
  });

  test('an empty routeToCanaryWhen', () => {
    expect(canaryError({ routeToCanaryWhen: [] })).toContain('[prod/reviews-canary] routeToCanaryWhen: [] is empty');
  });

  test('a bad match names its index', () => {
    expect(canaryError({ routeToCanaryWhen: [HttpMatch.header('x-canary', 'true'), HttpMatch.headerRegex('x-user', '(?=admin)')] }))
      .toContain('[prod/reviews-canary] routeToCanaryWhen[1].headers.x-user.regex: "(?=admin)" uses a look-ahead');
  });

  test('V2: a timeout under 1ms', () => {
    expect(canaryError({ timeout: Duration.millis(0) })).toContain('[prod/reviews-canary] timeout: "0ms" is below 1ms');
  });
});
