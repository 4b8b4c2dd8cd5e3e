import { Chart, Duration, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DestinationRule, VirtualService } from '../../imports/networking.istio.io';
import {
  CanaryRelease, CircuitBreaker, ClientTls, ClientTlsMode, DestinationPolicy, Environment, HostRoutes, HttpMatch, Subset, TrafficHost,
} from '../../lib';
import { all, errorOf, meshChart, one, reviews, synthValid } from './support';
import { findingsOf } from '../support/charts';

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

  test('the namespace is the one a qualified host names, else the chart namespace; never a silent "default"', () => {
    const app = Testing.app();
    const withNs = new Chart(app, 'a', { namespace: 'shop' });
    expect(TrafficHost.of(withNs, 'cart').namespace).toBe('shop');
    expect(TrafficHost.of(Testing.chart(), 'cart.shop.svc.cluster.local').namespace).toBe('shop');
    expect(TrafficHost.of(Testing.chart(), 'cart.shop.svc').namespace).toBe('shop');
    expect(errorOf(() => TrafficHost.of(Testing.chart(), 'cart')))
      .toBe('[test] namespace: undefined is not set, so the object would land in whatever namespace kubectl or the GitOps tool defaults to. '
        + 'Fix: give the namespace, e.g. namespace: "bookinfo" (or set it on the chart or the workload)');
  });

  test('a CanaryRelease lands in the namespace of its qualified host or of its subsets\' workloads', () => {
    const chart = meshChart();
    new CanaryRelease(chart, 'by-host', { host: 'cart.shop.svc.cluster.local', stable: v1, canary: v2 });
    const shopV1 = new kplus.Deployment(chart, 'ratings-v1', { metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'ratings', version: 'v1' } }, containers: [{ image: 'nginx:1.27' }] });
    const shopV2 = new kplus.Deployment(chart, 'ratings-v2', { metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'ratings', version: 'v2' } }, containers: [{ image: 'nginx:1.27' }] });
    const byWorkload = new CanaryRelease(chart, 'by-workload', { host: 'ratings', stable: Subset.fromWorkload('v1', shopV1), canary: Subset.fromWorkload('v2', shopV2) });
    expect(byWorkload.trafficHost!.canonicalHost).toBe('ratings.shop.svc.cluster.local');
    const objs = synthValid(chart);
    expect(one(objs, 'VirtualService', 'cart', 'shop').spec.hosts).toStrictEqual(['cart.shop.svc.cluster.local']);
    expect(one(objs, 'DestinationRule', 'ratings', 'shop').spec.host).toBe('ratings');
  });

  test('a namespace that differs from the host\'s or the workloads\' is an error', () => {
    const chart = meshChart();
    expect(errorOf(() => new CanaryRelease(chart, 'c1', { host: 'cart.shop.svc.cluster.local', namespace: 'bookinfo', stable: v1, canary: v2 })))
      .toBe('[prod/c1] namespace: "bookinfo" differs from the namespace of host cart.shop.svc.cluster.local ("shop"); Istio applies it in its own namespace only. '
        + 'Fix: leave namespace out or set it to "shop"');
    expect(errorOf(() => new CanaryRelease(chart, 'c2', { host: 'reviews', namespace: 'shop', stable: Subset.fromWorkload('v1', reviews(chart, 'v1')), canary: v2 })))
      .toContain('[prod/c2] namespace: "shop" differs from the namespace of the workload prod/reviews-v1 (stable) ("bookinfo")');
    expect(errorOf(() => new CanaryRelease(chart, 'c3', { host: 'cart.shop.svc.cluster.local', stable: Subset.fromWorkload('v1', reviews(chart, 'v1b')), canary: v2 })))
      .toContain('[prod/c3] stable: "prod/reviews-v1b" is a workload in namespace "bookinfo", but host cart.shop.svc.cluster.local is in "shop"');
  });

  test('objects are named after the host', () => {
    const chart = meshChart();
    const names = ['reviews', 'ratings.bookinfo.svc', 'api.example.com', 'API.Example.com', '*.example.org', '*.bookinfo.svc.cluster.local']
      .map((h) => TrafficHost.of(chart, h, 'bookinfo').resourceName);
    expect(names).toStrictEqual(['reviews', 'ratings', 'api-example-com', 'api-example-com', 'wildcard-example-org', 'wildcard-bookinfo-svc-cluster-local']);
    // Istio compares external hosts case-insensitively: one TrafficHost for both spellings.
    expect(TrafficHost.of(chart, 'API.Example.com', 'bookinfo')).toBe(TrafficHost.of(chart, 'api.example.com', 'bookinfo'));
  });

  test('nothing is emitted for a host nobody configured; the VirtualService only once a route exists', () => {
    const chart = meshChart();
    TrafficHost.of(chart, 'idle', 'bookinfo');
    new CircuitBreaker(chart, 'cb', { host: 'ratings', namespace: 'bookinfo' });
    const objs = synthValid(chart);
    expect(all(objs, 'DestinationRule').map((o) => o.metadata.name)).toStrictEqual(['ratings']);
    expect(all(objs, 'VirtualService')).toStrictEqual([]);
  });

  test('TrafficHost.all lists the hosts in the order they were created, without one removed from the chart', () => {
    // GIVEN three hosts, the second removed from the chart's tree
    const chart = meshChart();
    new CircuitBreaker(chart, 'a', { host: 'ratings', namespace: 'bookinfo' });
    new CircuitBreaker(chart, 'b', { host: 'details', namespace: 'bookinfo' });
    new CircuitBreaker(chart, 'c', { host: 'reviews', namespace: 'bookinfo' });
    // WHEN
    chart.node.tryRemoveChild('traffic-host-bookinfo-details.bookinfo.svc.cluster.local');
    // THEN
    expect(TrafficHost.all(chart).map((h) => h.host)).toStrictEqual(['ratings', 'reviews']);
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
    new DestinationPolicy(chart, 'a', { host: 'api.example.com', namespace: 'egress', tls: ClientTls.simple({ credentialName: 'api-ca' }) });
    const msg = errorOf(() => new DestinationPolicy(chart, 'b', { host: 'api.example.com', namespace: 'egress', tls: ClientTls.simple({ credentialName: 'other-ca' }) }));
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
  test('IST0101: the analyzer reports a route to a subset the DestinationRule does not define', () => {
    const chart = meshChart();
    const host = TrafficHost.of(chart, 'reviews', 'bookinfo');
    host._addSubset(chart, v1, 'stable');
    host._addHttpRoute(chart, { destinations: [{ subset: 'v3' }] }, 'route');
    expect(findingsOf(chart, 'IST0101').filter((f) => f.includes('host+subset'))).toStrictEqual([
      'Error [IST0101] (VirtualService bookinfo/reviews) Referenced host+subset in destinationrule not found: "reviews+v3" '
        + '(spec.http[0].route[0].destination.subset). Fix: add subset "v3" to the DestinationRule of reviews.bookinfo.svc.cluster.local (defined: v1), or route '
        + 'to one it defines [construct prod]',
    ]);
  });

  test('IST0101: a subset defined by a DestinationRule another construct wrote counts', () => {
    const chart = meshChart();
    new DestinationRule(chart, 'hand-written', {
      metadata: { name: 'reviews-by-hand', namespace: 'bookinfo' },
      spec: { host: 'reviews.bookinfo.svc.cluster.local', subsets: [{ name: 'v3', labels: { version: 'v3' } }] },
    });
    TrafficHost.of(chart, 'reviews', 'bookinfo')._addHttpRoute(chart, { destinations: [{ subset: 'v3' }] }, 'route');
    const objs = synthValid(chart);
    expect(one(objs, 'VirtualService', 'reviews', 'bookinfo').spec.http).toStrictEqual([
      { route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
    ]);
    expect(all(objs, 'DestinationRule').map((o) => o.metadata.name)).toStrictEqual(['reviews-by-hand']);
    expect(findingsOf(chart, 'IST0101').filter((f) => f.includes('host+subset'))).toStrictEqual([]);
  });

  test('IST0109: a host routed by a mesh VirtualService of any construct, in any namespace', () => {
    const chart = meshChart();
    new HostRoutes(chart, 'a', { host: 'reviews.bookinfo.svc.cluster.local', routes: [{ timeout: Duration.seconds(1) }] });
    new VirtualService(chart, 'b', {
      metadata: { name: 'reviews-frontend', namespace: 'frontend' },
      spec: { hosts: ['reviews.bookinfo.svc.cluster.local'], http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local' } }] }] },
    });
    // Bound to a gateway only: no conflict with the mesh route.
    new VirtualService(chart, 'c', {
      metadata: { name: 'reviews-edge', namespace: 'frontend' },
      spec: { hosts: ['reviews.bookinfo.svc.cluster.local'], gateways: ['istio-ingress/gw'], http: [{ route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local' } }] }] },
    });
    // THEN both mesh VirtualServices are reported, not the one bound to a gateway only
    expect(findingsOf(chart, 'IST0109')).toStrictEqual([
      'Error [IST0109] (VirtualService bookinfo/reviews) The VirtualServices bookinfo/reviews,frontend/reviews-frontend associated with mesh gateway define '
        + 'the same host */reviews.bookinfo.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices '
        + 'into a single resource (spec.hosts[0]). Fix: route reviews.bookinfo.svc.cluster.local from one VirtualService (merge the rules of '
        + 'frontend/reviews-frontend into it), or bind all but one to gateways or give them exportTo that do not overlap [construct prod/a]',
      'Error [IST0109] (VirtualService frontend/reviews-frontend) The VirtualServices bookinfo/reviews,frontend/reviews-frontend associated with mesh '
        + 'gateway define the same host */reviews.bookinfo.svc.cluster.local which can lead to undefined behavior. This can be fixed by merging the conflicting '
        + 'VirtualServices into a single resource (spec.hosts[0]). Fix: route reviews.bookinfo.svc.cluster.local from one VirtualService (merge the rules of '
        + 'bookinfo/reviews into it), or bind all but one to gateways or give them exportTo that do not overlap [construct prod/b]',
    ]);
  });

  test('V6: the host "*" is rejected', () => {
    const msg = errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: '*' }));
    expect(msg).toContain('[prod/cb] host: "*" is the catch-all host, which a VirtualService bound to the mesh may not use');
  });

  test('a host that is no DNS name is rejected', () => {
    expect(errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: 'Reviews_V1' })))
      .toContain('[prod/cb] host: "Reviews_V1" has an invalid DNS label "Reviews_V1"');
  });

  test('Service and namespace parts of a cluster host are lowercase (Kubernetes names); external hosts may use any case', () => {
    expect(errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: 'Reviews', namespace: 'bookinfo' })))
      .toBe('[prod/cb] host: "Reviews" names the Kubernetes Service "Reviews", which is not a DNS label (Kubernetes names are lowercase letters, digits and "-"). '
        + 'Fix: write the Service name as Kubernetes has it, e.g. "reviews"');
    expect(errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: 'reviews.BookInfo.svc.cluster.local' })))
      .toContain('names the Kubernetes namespace "BookInfo"');
    const chart = meshChart();
    new CircuitBreaker(chart, 'cb', { host: 'API.Example.com', namespace: 'egress' });
    expect(one(synthValid(chart), 'DestinationRule', 'api-example-com', 'egress').spec.host).toBe('API.Example.com');
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
      .toContain('[prod/cb] namespace: "Book_Info" is not a DNS label');
  });

  test('V1: route weights are whole numbers ≥ 0, given for every destination, and not all 0', () => {
    const chart = meshChart();
    const host = TrafficHost.of(chart, 'reviews', 'bookinfo');
    expect(errorOf(() => host._addHttpRoute(chart, { destinations: [{ weight: -1 }] }, 'r')))
      .toContain('[prod] r.destinations[0].weight: -1 is not a whole number from 0');
    expect(errorOf(() => host._addHttpRoute(chart, { destinations: [{ subset: 'a', weight: 1 }, { subset: 'b' }] }, 'r')))
      .toContain('[prod] r.destinations[1].weight: undefined is missing while the route has several destinations (V1)');
    expect(errorOf(() => host._addHttpRoute(chart, { destinations: [{ subset: 'a', weight: 0 }, { subset: 'b', weight: 0 }] }, 'r')))
      .toContain('[prod] r.destinations: [0,0] weigh 0 in total, so the route sends traffic nowhere (V1)');
    expect(errorOf(() => host._addHttpRoute(chart, { destinations: [] }, 'r')))
      .toContain('[prod] r.destinations: [] is empty: a route needs a destination');
  });

  test('policy for a subset the host does not have', () => {
    const chart = meshChart();
    const host = TrafficHost.of(chart, 'reviews', 'bookinfo');
    expect(errorOf(() => host._addSubsetPolicy(chart, 'v9', { outlierDetection: { consecutive5XxErrors: 1 } }, 'subsets[0]')))
      .toContain('[prod] subsets[0]: "v9" is not a subset of host reviews');
  });

  test('D1: policy parts that set nothing', () => {
    const chart = meshChart();
    expect(errorOf(() => TrafficHost.of(chart, 'reviews', 'bookinfo')._addPolicy(chart, {}))).toContain('[prod] trafficPolicy: {} sets no field (ISTIO-RULES D1)');
  });

  test('two hosts that would get the same object name in one namespace', () => {
    const chart = meshChart();
    new CircuitBreaker(chart, 'a', { host: 'api.example.com', namespace: 'egress' });
    new CircuitBreaker(chart, 'b', { host: 'api-example.com', namespace: 'egress' });
    // THEN both errors name the user's constructs, not the internal TrafficHost
    const message = errorOf(() => Testing.synth(chart));
    expect(message).toContain('[prod/a] host: "api.example.com" gets the object name "api-example-com" in namespace egress (its DestinationRule and VirtualService), '
      + 'as does host "api-example.com" of prod/b. Fix: spell one of the hosts differently (e.g. fully qualified)');
    expect(message).toContain('[prod/b] host: "api-example.com" gets the object name "api-example-com" in namespace egress (its DestinationRule and VirtualService), '
      + 'as does host "api.example.com" of prod/a. Fix: spell one of the hosts differently (e.g. fully qualified)');
    expect(message).not.toContain('traffic-host-');
  });

  test('hosts of one object name in different namespaces do not collide', () => {
    // GIVEN
    const chart = meshChart();
    new CircuitBreaker(chart, 'a', { host: 'api.example.com', namespace: 'egress' });
    new CircuitBreaker(chart, 'b', { host: 'api-example.com', namespace: 'other' });
    // WHEN
    const names = synthValid(chart).filter((o) => o.kind === 'DestinationRule').map((o) => `${o.metadata.namespace}/${o.metadata.name}`);
    // THEN
    expect(names).toStrictEqual(['egress/api-example-com', 'other/api-example-com']);
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
