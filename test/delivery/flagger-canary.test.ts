import { ApiObject, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import {
  AuthorizationPolicy, CanaryRelease, Environment, FlaggerCanary, FlaggerProvider, FlaggerWebhook, HttpMatch, MeshChart, MeshNamespace,
  Subset, WorkloadSelector,
} from '../../lib';
import { errorOf, find, findingsOf, meshChart, synth, synthError, synthValid } from '../support/charts';

/** Bookinfo's reviews Deployment (app: reviews) in a chart with its namespace. */
function reviews(chart: MeshChart): kplus.Deployment {
  new MeshNamespace(chart, 'bookinfo');
  return new kplus.Deployment(chart, 'reviews', {
    metadata: { name: 'reviews', namespace: 'bookinfo' },
    podMetadata: { labels: { app: 'reviews', version: 'v2' } },
    containers: [{ image: 'docker.io/istio/examples-bookinfo-reviews-v2:1.20.3', portNumber: 9080, securityContext: { ensureNonRoot: false } }],
  });
}

describe('FlaggerCanary for reviews', () => {
  test('A/B testing: 10 iterations of insider traffic, a load test, a promotion gate, the built-in metrics', () => {
    // GIVEN Bookinfo's reviews in PROD
    const chart = meshChart();
    const deployment = reviews(chart);
    // WHEN the rollout is handed to Flagger with an A/B iteration
    CanaryRelease.progressive(chart, 'reviews-rollout', {
      target: deployment,
      port: 9080,
      analysis: {
        interval: Duration.minutes(1),
        threshold: 5,
        iterations: 10,
        match: [HttpMatch.header('x-canary', 'insider'), HttpMatch.cookie('canary', 'always')],
        minSuccessRatePercent: 99,
        maxRequestDuration: Duration.millis(500),
        webhooks: [
          FlaggerWebhook.loadTest({ command: 'hey -z 1m -q 10 -c 2 -H "x-canary: insider" http://reviews-canary.bookinfo:9080/' }),
          FlaggerWebhook.gate({ name: 'approve-promotion', url: 'http://flagger-loadtester.test/gate/check' }),
        ],
      },
    });
    // THEN one Canary, valid, with the whole spec
    const objects = synthValid(chart);
    expect(find(objects, 'Canary', 'reviews', 'bookinfo')).toStrictEqual({
      apiVersion: 'flagger.app/v1beta1',
      kind: 'Canary',
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: {
        provider: 'istio',
        targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' },
        service: { port: 9080 },
        analysis: {
          interval: '60s',
          threshold: 5,
          iterations: 10,
          match: [
            { headers: { 'x-canary': { exact: 'insider' } } },
            { headers: { cookie: { regex: '^(.*?;)?[ \\t]*canary=always(;.*)?$' } } },
          ],
          metrics: [
            { name: 'request-success-rate', interval: '60s', thresholdRange: { min: 99 } },
            { name: 'request-duration', interval: '60s', thresholdRange: { max: 500 } },
          ],
          webhooks: [
            {
              name: 'load-test', type: 'rollout', url: 'http://flagger-loadtester.test/', timeout: '5s',
              metadata: { type: 'cmd', cmd: 'hey -z 1m -q 10 -c 2 -H "x-canary: insider" http://reviews-canary.bookinfo:9080/' },
            },
            { name: 'approve-promotion', type: 'confirm-promotion', url: 'http://flagger-loadtester.test/gate/check' },
          ],
        },
      },
    });
    expect(findingsOf(chart, 'IST0101')).toStrictEqual([]);
  });

  test('weighted steps default to the environment\'s canary stages; Gateway API provider with its gateway', () => {
    const chart = meshChart(Environment.STAGING);
    const canary = new FlaggerCanary(chart, 'reviews-rollout', {
      target: reviews(chart), port: 9080, provider: FlaggerProvider.GATEWAY_API, gateways: ['istio-ingress/bookinfo-gateway'], hosts: ['bookinfo.example.com'],
    });
    expect(ApiObject.of(canary.resource).toJson().spec).toStrictEqual({
      provider: 'gatewayapi:v1',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' },
      service: { port: 9080, gatewayRefs: [{ name: 'bookinfo-gateway', namespace: 'istio-ingress' }], hosts: ['bookinfo.example.com'] },
      analysis: {
        interval: '60s', threshold: 5, stepWeights: [10, 25, 50, 75],
        metrics: [
          { name: 'request-success-rate', interval: '60s', thresholdRange: { min: 99 } },
          { name: 'request-duration', interval: '60s', thresholdRange: { max: 500 } },
        ],
      },
    });
    expect(canary.primaryLabels).toStrictEqual({ app: 'reviews-primary' });
  });

  test('A/B and weights together are refused', () => {
    const chart = meshChart();
    expect(errorOf(() => new FlaggerCanary(chart, 'r', { target: reviews(chart), port: 9080, analysis: { iterations: 10, match: [HttpMatch.header('x-canary', 'insider')], stepWeight: 10 } })))
      .toBe('[prod/r] analysis.stepWeight: 10 is given with iterations/match: A/B testing sends the matching requests only, with no weights. '
        + 'Fix: give iterations and match for A/B testing, or stepWeights (or stepWeight and maxWeight) for a weighted rollout');
  });

  test('static weights and Flagger never own the same host', () => {
    const chart = meshChart();
    const deployment = reviews(chart);
    new FlaggerCanary(chart, 'reviews-rollout', { target: deployment, port: 9080 });
    new CanaryRelease(chart, 'reviews-static', {
      host: 'reviews.bookinfo.svc.cluster.local', stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }),
    });
    expect(synthError(chart)).toBe('Validation failed with the following errors:\n  [prod/reviews-rollout] target: "reviews.bookinfo.svc.cluster.local" is routed by '
      + 'prod/traffic-host-bookinfo-reviews.bookinfo.svc.cluster.local too, but Flagger owns the routes and DestinationRules of the host it rolls out. '
      + 'Fix: drop the CanaryRelease / HostRoutes / DestinationPolicy of this host, or roll it out without Flagger');
  });
});

describe('the analyzer and what a Canary owns', () => {
  test('an AuthorizationPolicy selecting app: reviews misses the primary', () => {
    const chart = meshChart();
    const deployment = reviews(chart);
    new FlaggerCanary(chart, 'reviews-rollout', { target: deployment, port: 9080 });
    const web = new kplus.ServiceAccount(chart, 'productpage-sa', { metadata: { name: 'productpage', namespace: 'bookinfo' } });
    AuthorizationPolicy.allowFrom(chart, 'reviews-from-web', { namespace: 'bookinfo', from: [web], to: WorkloadSelector.labels({ app: 'reviews' }) });
    synth(chart);
    expect(findingsOf(chart, 'CDK8S-ISTIO-073')).toStrictEqual([
      'Error [CDK8S-ISTIO-073] (AuthorizationPolicy bookinfo/reviews-from-web) The selector app=reviews picks the pods of Deployment bookinfo/reviews, which Flagger Canary bookinfo/reviews rolls out, '
      + 'but not those of its primary (app: reviews-primary), which serve the traffic after promotion (spec.selector). Fix: select on a label the primary keeps (not app), '
      + 'e.g. one both pod templates carry, or write one policy per app label (reviews and reviews-primary) [construct prod/reviews-from-web]',
    ]);
  });
});
