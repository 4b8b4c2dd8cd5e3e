import { Duration } from 'cdk8s';
import {
  CanaryRelease, Environment, ExternalResources, HttpMatch, MeshChart, MeshNamespace, RetryPolicy, Subset, TrafficApi,
} from '../../lib';
import { errorOf, find, findingsOf, meshApp, synthValid } from '../support/charts';

/** A PROD chart writing Gateway API, with Bookinfo's reviews Services (one per version) declared. */
function gatewayApiChart(): MeshChart {
  const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD, trafficApi: TrafficApi.GATEWAY_API });
  new MeshNamespace(chart, 'bookinfo');
  new ExternalResources(chart, 'bookinfo-services', {
    services: ['reviews', 'reviews-v1', 'reviews-v2'].map((name) => ({ namespace: 'bookinfo', name, ports: [9080] })),
  });
  return chart;
}

describe('CanaryRelease in Gateway API', () => {
  test('an HTTPRoute on the reviews Service: testers by cookie to v2, then 90/10 to the version Services', () => {
    // GIVEN a Gateway API chart WHEN the canary is written
    const chart = gatewayApiChart();
    const release = new CanaryRelease(chart, 'reviews-canary', {
      host: 'reviews.bookinfo.svc.cluster.local',
      port: 9080,
      stable: Subset.fromLabels('v1', { version: 'v1' }),
      canary: Subset.fromLabels('v2', { version: 'v2' }),
      routeToCanaryWhen: [HttpMatch.cookie('test-user', 'true')],
      timeout: Duration.seconds(5),
    });
    // THEN one HTTPRoute, no VirtualService or DestinationRule, valid and with resolved references
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.apiVersion.startsWith('networking.istio.io'))).toStrictEqual([]);
    expect(find(objects, 'HTTPRoute', 'reviews', 'bookinfo').spec).toStrictEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [
        {
          name: 'reviews-canary-match',
          matches: [{ headers: [{ name: 'cookie', value: '^(.*?;)?[ \\t]*test-user=true(;.*)?$', type: 'RegularExpression' }] }],
          backendRefs: [{ name: 'reviews-v2', port: 9080 }],
          timeouts: { request: '5s' },
        },
        {
          name: 'reviews-canary-weighted',
          backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }],
          timeouts: { request: '5s' },
        },
      ],
    });
    expect(release.httpRoute).toBeDefined();
    expect(findingsOf(chart, 'IST0101')).toStrictEqual([]);
  });

  test('retries have no Gateway API form: the error names the field and the alternative', () => {
    expect(errorOf(() => new CanaryRelease(gatewayApiChart(), 'reviews-canary', {
      host: 'reviews.bookinfo.svc.cluster.local', port: 9080,
      stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }),
      retries: RetryPolicy.of({ attempts: 2 }),
    }))).toBe('[prod/reviews-canary] routes[0].retries: {"attempts":2} cannot be written as a Gateway API HTTPRoute: HTTPRoute retries are in Gateway API\'s experimental channel only, '
      + 'which the standard CRDs Istio 1.30 is installed with do not have. Fix: write this canary with trafficApi: TrafficApi.ISTIO');
  });

  test('the port is required with Gateway API and refused with Istio\'s API', () => {
    const subsets = { stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }) };
    expect(errorOf(() => new CanaryRelease(gatewayApiChart(), 'c', { host: 'reviews.bookinfo.svc.cluster.local', ...subsets })))
      .toMatch(/^\[prod\/c\] port: undefined /);
    expect(errorOf(() => new CanaryRelease(gatewayApiChart(), 'c', { host: 'reviews.bookinfo.svc.cluster.local', port: 9080, trafficApi: TrafficApi.ISTIO, ...subsets })))
      .toBe('[prod/c] port: 9080 is for Gateway API routes, whose backends need a port. Fix: drop it, or set trafficApi: TrafficApi.GATEWAY_API');
  });

  test('a missing version Service is a dangling backend (IST0101)', () => {
    const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD, trafficApi: TrafficApi.GATEWAY_API });
    new MeshNamespace(chart, 'bookinfo');
    new ExternalResources(chart, 's', { services: [{ namespace: 'bookinfo', name: 'reviews', ports: [9080] }, { namespace: 'bookinfo', name: 'reviews-v1', ports: [9080] }] });
    new CanaryRelease(chart, 'reviews-canary', {
      host: 'reviews.bookinfo.svc.cluster.local', port: 9080,
      stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }),
    });
    expect(findingsOf(chart, 'IST0101')).toStrictEqual([
      'Error [IST0101] (HTTPRoute bookinfo/reviews) Referenced Service not found: "bookinfo/reviews-v2" (spec.rules[0].backendRefs[1]). Fix: create the Service, declare it with ExternalResources, or fix the backendRef [construct prod/reviews-canary/HttpRoute]',
    ]);
  });
});
