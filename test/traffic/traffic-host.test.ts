import { Chart, Duration, Testing } from 'cdk8s';
import {
  CanaryRelease, CircuitBreaker, ClientTls, ClientTlsMode, DestinationPolicy, Environment, HostRoutes, HttpMatch, Subset, TrafficHost,
} from '../../lib';
import { all, errorOf, meshChart, one, reviews, synthValid } from './support';

const v1 = Subset.fromLabels('v1', { app: 'reviews', version: 'v1' });
const v2 = Subset.fromLabels('v2', { app: 'reviews', version: 'v2' });

describe('TrafficHost: one DestinationRule and one VirtualService per host', () => {
  test('a CanaryRelease and a CircuitBreaker on one host (two spellings) share one DestinationRule and one VirtualService', () => {
    // GIVEN
    const chart = meshChart();
    // WHEN
    new CircuitBreaker(chart, 'reviews-cb', {
      host: 'reviews',
      namespace: 'bookinfo',
      outlierDetection: { consecutive5xxErrors: 3 },
    });
    new CanaryRelease(chart, 'reviews-canary', {
      host: 'reviews.bookinfo.svc.cluster.local',
      namespace: 'bookinfo',
      stable: Subset.fromWorkload('v1', reviews(chart, 'v1')),
      canary: v2,
    });
    // THEN
    const objs = synthValid(chart);
    expect(all(objs, 'DestinationRule')).toHaveLength(1);
    expect(all(objs, 'VirtualService')).toHaveLength(1);
    const dr = one(objs, 'DestinationRule', 'reviews', 'bookinfo');
    expect(dr.spec.host).toBe('reviews.bookinfo.svc.cluster.local');
    expect(dr.spec.subsets).toStrictEqual([
      { name: 'v1', labels: { app: 'reviews', version: 'v1' } },
      { name: 'v2', labels: { app: 'reviews', version: 'v2' } },
    ]);
    expect(dr.spec.trafficPolicy.outlierDetection.consecutive5xxErrors).toBe(3);
    expect(one(objs, 'VirtualService', 'reviews', 'bookinfo').spec.hosts).toStrictEqual(['reviews.bookinfo.svc.cluster.local']);
  });

  test('TrafficHost.of returns the same construct for every spelling of a host in one namespace', () => {
    const chart = meshChart();
    const a = TrafficHost.of(chart, 'reviews', 'bookinfo');
    expect(TrafficHost.of(chart, 'reviews.bookinfo.svc', 'bookinfo')).toBe(a);
    expect(TrafficHost.of(chart, 'reviews.bookinfo.svc.cluster.local', 'bookinfo')).toBe(a);
    expect(TrafficHost.of(chart, 'reviews', 'other')).not.toBe(a);
    expect(a.canonicalHost).toBe('reviews.bookinfo.svc.cluster.local');
    expect(a.host).toBe('reviews.bookinfo.svc.cluster.local');
  });

  test('the namespace defaults to the chart namespace, else "default"', () => {
    const app = Testing.app();
    const withNs = new Chart(app, 'a', { namespace: 'shop' });
    expect(TrafficHost.of(withNs, 'cart').namespace).toBe('shop');
    expect(TrafficHost.of(Testing.chart(), 'cart').namespace).toBe('default');
  });

  test('objects are named after the host', () => {
    const chart = meshChart();
    const names = ['reviews', 'ratings.other.svc.cluster.local', 'api.example.com', '*.example.org']
      .map((h) => TrafficHost.of(chart, h, 'bookinfo').resourceName);
    expect(names).toStrictEqual(['reviews', 'ratings-other', 'api-example-com', 'wildcard-example-org']);
  });

  test('nothing is emitted for a host nobody configured; the VirtualService only once a route exists', () => {
    const chart = meshChart();
    TrafficHost.of(chart, 'idle', 'bookinfo');
    new CircuitBreaker(chart, 'cb', { host: 'ratings', namespace: 'bookinfo' });
    const objs = synthValid(chart);
    expect(all(objs, 'DestinationRule').map((o) => o.metadata.name)).toStrictEqual(['ratings']);
    expect(all(objs, 'VirtualService')).toStrictEqual([]);
  });

  test('TrafficHost.all and destinationRules enumerate the chart; the TLS mode is in the synthesized spec', () => {
    const chart = meshChart();
    new DestinationPolicy(chart, 'legacy-plain', { host: 'legacy', namespace: 'bookinfo', tls: ClientTls.disable() });
    new CircuitBreaker(chart, 'cb', { host: 'ratings', namespace: 'bookinfo' });
    expect(TrafficHost.all(chart).map((h) => h.host)).toStrictEqual(['legacy', 'ratings']);
    expect(TrafficHost.all(chart).map((h) => h.tlsMode)).toStrictEqual([ClientTlsMode.DISABLE, undefined]);
    expect(TrafficHost.destinationRules(chart)).toHaveLength(2);
    const dr = one(synthValid(chart), 'DestinationRule', 'legacy', 'bookinfo');
    expect(dr.spec).toStrictEqual({ host: 'legacy', trafficPolicy: { tls: { mode: 'DISABLE' } } });
  });
});

describe('TrafficHost conflicts name both constructs', () => {
  test('one subset name with two label sets', () => {
    const chart = meshChart();
    new CanaryRelease(chart, 'canary', { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2 });
    const msg = errorOf(() => new CircuitBreaker(chart, 'cb', {
      host: 'reviews',
      namespace: 'bookinfo',
      subsets: [{ subset: Subset.fromLabels('v2', { app: 'reviews', version: 'v2-beta' }), outlierDetection: { maxEjectionPercent: 30 } }],
    }));
    expect(msg).toContain('[prod/cb] subsets[0].subset.labels: {"app":"reviews","version":"v2-beta"}');
    expect(msg).toContain('[prod/canary] canary gave subset "v2"');
  });

  test('the same subset with the same labels is shared, not duplicated', () => {
    const chart = meshChart();
    new CanaryRelease(chart, 'canary', { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2 });
    new CircuitBreaker(chart, 'cb', { host: 'reviews', namespace: 'bookinfo', subsets: [{ subset: v2, connectionPool: { http: { http2MaxRequests: 10 } } }] });
    const dr = one(synthValid(chart), 'DestinationRule', 'reviews');
    expect(dr.spec.subsets.map((s: { name: string }) => s.name)).toStrictEqual(['v1', 'v2']);
    expect(dr.spec.subsets[1].trafficPolicy.connectionPool.http).toStrictEqual({ http1MaxPendingRequests: 1024, http2MaxRequests: 10 });
  });

  test('one policy field set to two values', () => {
    const chart = meshChart();
    new CircuitBreaker(chart, 'cb-a', { host: 'reviews', namespace: 'bookinfo', outlierDetection: { consecutive5xxErrors: 3 } });
    const msg = errorOf(() => new CircuitBreaker(chart, 'cb-b', { host: 'reviews', namespace: 'bookinfo', outlierDetection: { consecutive5xxErrors: 7 } }));
    expect(msg).toBe('[prod/cb-b] outlierDetection.consecutive5xxErrors: 7 conflicts with 3 that [prod/cb-a] set as outlierDetection.consecutive5xxErrors ' +
      'on the DestinationRule of host reviews. Fix: set the field in one construct only, or give both the same value');
  });

  test('TLS is set as a whole: two different settings conflict even when the modes agree', () => {
    const chart = meshChart();
    new DestinationPolicy(chart, 'a', { host: 'api.example.com', tls: ClientTls.simple({ credentialName: 'api-ca' }) });
    const msg = errorOf(() => new DestinationPolicy(chart, 'b', { host: 'api.example.com', tls: ClientTls.simple({ credentialName: 'other-ca' }) }));
    expect(msg).toContain('[prod/b] tls: {"mode":"SIMPLE","credentialName":"other-ca"} conflicts with {"mode":"SIMPLE","credentialName":"api-ca"}');
    expect(msg).toContain('that [prod/a] set as tls');
  });

  test('two default routes for one host', () => {
    const chart = meshChart();
    new CanaryRelease(chart, 'canary', { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2 });
    const msg = errorOf(() => new HostRoutes(chart, 'timeouts', { host: 'reviews', namespace: 'bookinfo', routes: [{ timeout: Duration.seconds(3) }] }));
    expect(msg).toContain('[prod/timeouts] routes[0]: "default route" is a second default (catch-all) route for host reviews; [prod/canary] canaryPercent is the first');
    expect(msg).toContain('IST0130');
  });
});

describe('TrafficHost rules', () => {
  test('IST0101: a route to a subset the DestinationRule does not define fails at synth', () => {
    const chart = meshChart();
    const host = TrafficHost.of(chart, 'reviews', 'bookinfo');
    host.addHttpRoute(chart, { destinations: [{ subset: 'v3' }] }, 'route');
    const msg = errorOf(() => Testing.synth(chart));
    expect(msg).toContain('[prod] route.destinations[0].subset: "v3" is not defined by the DestinationRule of host reviews (istioctl analyze IST0101');
  });

  test('IST0109: one host routed from two namespaces', () => {
    const chart = meshChart();
    new HostRoutes(chart, 'a', { host: 'reviews.bookinfo.svc.cluster.local', namespace: 'bookinfo', routes: [{ timeout: Duration.seconds(1) }] });
    new HostRoutes(chart, 'b', { host: 'reviews.bookinfo.svc.cluster.local', namespace: 'frontend', routes: [{ timeout: Duration.seconds(2) }] });
    const msg = errorOf(() => Testing.synth(chart));
    expect(msg).toContain('[prod/b] host: "reviews.bookinfo.svc.cluster.local" is routed by mesh VirtualServices in namespaces bookinfo and frontend (istioctl analyze IST0109)');
  });

  test('V6: the host "*" is rejected', () => {
    const msg = errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: '*' }));
    expect(msg).toContain('[prod/cb] host: "*" is the catch-all host, which a VirtualService bound to the mesh may not use');
  });

  test('a host that is no DNS name is rejected', () => {
    expect(errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: 'Reviews_V1' })))
      .toContain('[prod/cb] host: "Reviews_V1" is not a service host');
  });

  test('a wildcard host takes policy but no routes', () => {
    const chart = meshChart();
    new CircuitBreaker(chart, 'cb', { host: '*.example.com', namespace: 'egress' });
    expect(one(synthValid(chart), 'DestinationRule', 'wildcard-example-com').spec.host).toBe('*.example.com');
    expect(errorOf(() => new HostRoutes(chart, 'r', { host: '*.example.com', namespace: 'egress', routes: [{ timeout: Duration.seconds(1) }] })))
      .toContain('[prod/r] host: "*.example.com" is a wildcard: a route needs one concrete destination');
  });

  test('an invalid namespace is rejected', () => {
    expect(errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: 'reviews', namespace: 'Book_Info' })))
      .toContain('[prod/cb] namespace: "Book_Info" is not a namespace name');
  });

  test('V1: route weights are whole numbers ≥ 0, given for every destination, and not all 0', () => {
    const chart = meshChart();
    const host = TrafficHost.of(chart, 'reviews', 'bookinfo');
    expect(errorOf(() => host.addHttpRoute(chart, { destinations: [{ weight: -1 }] }, 'r')))
      .toContain('[prod] r.destinations[0].weight: -1 is not a whole number from 0');
    expect(errorOf(() => host.addHttpRoute(chart, { destinations: [{ subset: 'a', weight: 1 }, { subset: 'b' }] }, 'r')))
      .toContain('[prod] r.destinations[1].weight: undefined is missing while the route has several destinations (V1)');
    expect(errorOf(() => host.addHttpRoute(chart, { destinations: [{ subset: 'a', weight: 0 }, { subset: 'b', weight: 0 }] }, 'r')))
      .toContain('[prod] r.destinations: [0,0] weigh 0 in total, so the route sends traffic nowhere (V1)');
    expect(errorOf(() => host.addHttpRoute(chart, { destinations: [] }, 'r')))
      .toContain('[prod] r.destinations: [] is empty: a route needs a destination');
  });

  test('policy for a subset the host does not have', () => {
    const chart = meshChart();
    const host = TrafficHost.of(chart, 'reviews', 'bookinfo');
    expect(errorOf(() => host.addSubsetPolicy(chart, 'v9', { outlierDetection: { consecutive5XxErrors: 1 } }, 'subsets[0]')))
      .toContain('[prod] subsets[0]: "v9" is not a subset of host reviews');
  });

  test('D1: policy parts that set nothing', () => {
    const chart = meshChart();
    expect(errorOf(() => TrafficHost.of(chart, 'reviews', 'bookinfo').addPolicy(chart, {}))).toContain('[prod] trafficPolicy: {} sets no field (ISTIO-RULES D1)');
  });

  test('two hosts that would get the same object name in one namespace', () => {
    const chart = meshChart();
    new CircuitBreaker(chart, 'a', { host: 'ratings-other', namespace: 'bookinfo' });
    new CircuitBreaker(chart, 'b', { host: 'ratings.other.svc.cluster.local', namespace: 'bookinfo' });
    expect(errorOf(() => Testing.synth(chart))).toContain('metadata.name: "ratings-other" is also the name derived for host');
  });

  test('routes: matched routes first in the order added, the default route last', () => {
    const chart = meshChart(Environment.DEV);
    new CanaryRelease(chart, 'canary', { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2 });
    new HostRoutes(chart, 'api', {
      host: 'reviews',
      namespace: 'bookinfo',
      routes: [{ name: 'api', match: [HttpMatch.uriPrefix('/api')], to: v1, timeout: Duration.millis(250) }],
    });
    const vs = one(synthValid(chart), 'VirtualService', 'reviews');
    expect(vs.spec.http.map((r: { name: string }) => r.name)).toStrictEqual(['api', 'canary-weighted']);
  });
});
