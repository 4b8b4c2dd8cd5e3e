import { Duration } from 'cdk8s';
import {
  Environment, ExternalResources, HostRoutes, HttpMatch, MeshChart, MeshNamespace, Subset, TrafficApi,
} from '../../lib';
import { errorOf, find, findingsOf, meshApp, synthValid } from '../support/charts';

/** A STAGING chart writing Gateway API, with Bookinfo's reviews Services (one per version) declared. */
function gatewayApiChart(): MeshChart {
  const chart = new MeshChart(meshApp(), 'staging', { environment: Environment.STAGING, trafficApi: TrafficApi.GATEWAY_API });
  new MeshNamespace(chart, 'bookinfo');
  new ExternalResources(chart, 'bookinfo-services', {
    services: ['reviews', 'reviews-v1', 'reviews-v2', 'reviews-v3'].map((name) => ({ namespace: 'bookinfo', name, ports: [9080] })),
  });
  return chart;
}

describe('HostRoutes in Gateway API', () => {
  test('Bookinfo\'s reviews routes as one HTTPRoute on the reviews Service: jason to v2, the rest 50/50 to v1 and v3', () => {
    // GIVEN a Gateway API chart WHEN the routes of reviews are written with subsets by name
    const chart = gatewayApiChart();
    const routes = new HostRoutes(chart, 'reviews-routes', {
      host: 'reviews.bookinfo.svc.cluster.local',
      port: 9080,
      routes: [
        { name: 'jason', match: [HttpMatch.header('end-user', 'jason'), HttpMatch.uriPrefix('/reviews')], to: Subset.named('v2') },
        {
          name: 'split',
          destinations: [{ subset: Subset.named('v1'), weight: 50 }, { subset: Subset.named('v3'), weight: 50 }],
          timeout: Duration.seconds(3),
        },
      ],
    });
    // THEN one HTTPRoute and no Istio routing object, valid, its references resolved
    const objects = synthValid(chart);
    expect(objects.filter((o) => o.apiVersion.startsWith('networking.istio.io'))).toStrictEqual([]);
    expect(routes.trafficHost).toBeUndefined();
    expect(find(objects, 'HTTPRoute', 'reviews', 'bookinfo').spec).toStrictEqual({
      parentRefs: [{ group: '', kind: 'Service', name: 'reviews', port: 9080 }],
      rules: [
        {
          name: 'jason',
          matches: [{ headers: [{ name: 'end-user', value: 'jason' }] }, { path: { type: 'PathPrefix', value: '/reviews' } }],
          backendRefs: [{ name: 'reviews-v2', port: 9080 }],
        },
        {
          name: 'split',
          backendRefs: [{ name: 'reviews-v1', port: 9080, weight: 50 }, { name: 'reviews-v3', port: 9080, weight: 50 }],
          timeouts: { request: '3s' },
        },
      ],
    });
    expect(routes.httpRoute).toBeDefined();
    expect(findingsOf(chart, 'IST0101')).toStrictEqual([]);
  });

  test('a port is required in Gateway API and refused in Istio\'s API', () => {
    expect(errorOf(() => new HostRoutes(gatewayApiChart(), 'r', { host: 'reviews.bookinfo.svc.cluster.local', routes: [{ to: Subset.named('v1') }] })))
      .toBe('[staging/r] port: undefined is not a port number 1–65535. Fix: give the Service port the routes serve, e.g. 9080');
    const istio = new MeshChart(meshApp(), 'staging', { environment: Environment.STAGING });
    expect(errorOf(() => new HostRoutes(istio, 'r', { host: 'reviews.bookinfo.svc.cluster.local', port: 9080, routes: [{ to: Subset.named('v1') }] })))
      .toBe('[staging/r] port: 9080 is for Gateway API routes, whose backends need a port. Fix: drop it, or set trafficApi: TrafficApi.GATEWAY_API');
  });

  test('TCP routes have no standard Gateway API form: the error names the field and the alternative', () => {
    expect(errorOf(() => new HostRoutes(gatewayApiChart(), 'r', { host: 'reviews.bookinfo.svc.cluster.local', port: 9080, tcpRoutes: [{ to: Subset.named('v1') }] })))
      .toBe('[staging/r] tcpRoutes: [{"to":Subset {"name":"v1","labelMap":{},"reference":true}}] are TCPRoutes in Gateway API, which are not in its standard channel (v1.5, what Istio 1.30 supports as stable). '
        + 'Fix: route TCP and TLS connections with trafficApi: TrafficApi.ISTIO (a HostRoutes of its own)');
  });

  test('a construct\'s own trafficApi wins over the chart\'s', () => {
    // GIVEN a Gateway API chart WHEN one HostRoutes says ISTIO THEN it adds to the host's VirtualService
    const chart = gatewayApiChart();
    const routes = new HostRoutes(chart, 'r', { host: 'reviews.bookinfo.svc.cluster.local', trafficApi: TrafficApi.ISTIO, routes: [{ to: Subset.fromLabels('v1', { version: 'v1' }) }] });
    expect(routes.httpRoute).toBeUndefined();
    expect(find(synthValid(chart), 'VirtualService', 'reviews', 'bookinfo').spec.http).toStrictEqual([
      { route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v1' } }] },
    ]);
  });
});
