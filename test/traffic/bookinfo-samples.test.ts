/**
 * Istio's Bookinfo sample configurations written with the L2 constructs only, compared with the
 * YAML of the samples (samples/bookinfo/networking in Istio's release). The expected YAML below was
 * written from the facts of those files; where our output differs by design, the comment says so:
 * - service hosts a gateway route names are fully qualified (the VirtualService lives in the
 *   gateway's namespace, where a short name would mean another Service);
 * - the gateway route serves a concrete host on our gateway (`bookinfo.example.com`, gateway
 *   `istio-ingress/ingress`), where the sample serves `*` on `bookinfo-gateway`.
 */
import { parse } from 'yaml';
import {
  CanaryRelease, DestinationPolicy, Environment, ExternalResources, GatewayServer, HostRoutes, HttpMatch, IngressGateway, LoadBalancer, MeshChart, Subset,
} from '../../lib';
import { analyzed } from '../support/charts';
import { meshChart, one, synthValid } from './support';

/** The Bookinfo Services, declared as running outside the chart (as the sample's bookinfo.yaml would). */
function bookinfoWorld(chart: MeshChart): void {
  new ExternalResources(chart, 'bookinfo-app', {
    namespaces: ['bookinfo'],
    services: ['productpage', 'reviews', 'ratings', 'details'].map((name) => ({ namespace: 'bookinfo', name, ports: [9080] })),
  });
}

describe('Bookinfo samples with L2 constructs', () => {
  test('bookinfo-gateway: five URI matches (exact and prefix) in ONE route to productpage:9080', () => {
    // GIVEN an ingress gateway serving bookinfo.example.com
    const chart = meshChart(Environment.PROD);
    bookinfoWorld(chart);
    const ingress = new IngressGateway(chart, 'ingress', { servers: [GatewayServer.http({ hosts: ['bookinfo.example.com'] })] });

    // WHEN the sample's route is written as one route with five matches
    ingress.addRoute('bookinfo', {
      hosts: ['bookinfo.example.com'],
      destination: { host: 'productpage', namespace: 'bookinfo', port: 9080 },
      routes: [{
        match: [
          HttpMatch.uriExact('/productpage'),
          HttpMatch.uriPrefix('/static'),
          HttpMatch.uriExact('/login'),
          HttpMatch.uriExact('/logout'),
          HttpMatch.uriPrefix('/api/v1/products'),
        ],
      }],
    });

    // THEN the VirtualService is the sample's (host and gateway as noted above)
    const objs = synthValid(chart);
    expect(one(objs, 'VirtualService', 'bookinfo', 'istio-ingress').spec).toStrictEqual(parse(`
      hosts:
      - bookinfo.example.com
      gateways:
      - istio-ingress/ingress
      http:
      - match:
        - uri:
            exact: /productpage
        - uri:
            prefix: /static
        - uri:
            exact: /login
        - uri:
            exact: /logout
        - uri:
            prefix: /api/v1/products
        route:
        - destination:
            host: productpage.bookinfo.svc.cluster.local
            port:
              number: 9080
    `));
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('destination-rule-all (subsets only, no policy) and virtual-service-reviews-v2-v3 (50/50 to subsets named by reference)', () => {
    // GIVEN the sample's four DestinationRules: subsets and nothing else
    const chart = meshChart(Environment.PROD);
    bookinfoWorld(chart);
    const subsets = (host: string, versions: Array<[string, string]>) => new DestinationPolicy(chart, `${host}-subsets`, {
      host, namespace: 'bookinfo',
      subsets: versions.map(([name, version]) => ({ subset: Subset.fromLabels(name, { version }) })),
    });
    subsets('productpage', [['v1', 'v1']]);
    subsets('reviews', [['v1', 'v1'], ['v2', 'v2'], ['v3', 'v3']]);
    subsets('ratings', [['v1', 'v1'], ['v2', 'v2'], ['v2-mysql', 'v2-mysql'], ['v2-mysql-vm', 'v2-mysql-vm']]);
    subsets('details', [['v1', 'v1'], ['v2', 'v2']]);

    // WHEN reviews splits 50/50 between v2 and v3, naming the subsets defined above
    new HostRoutes(chart, 'reviews-v2-v3', {
      host: 'reviews', namespace: 'bookinfo',
      routes: [{ destinations: [{ subset: Subset.named('v2'), weight: 50 }, { subset: Subset.named('v3'), weight: 50 }] }],
    });

    // THEN the objects are the samples', one DestinationRule per host
    const objs = synthValid(chart);
    const rule = (name: string) => one(objs, 'DestinationRule', name, 'bookinfo').spec;
    expect(objs.filter((o) => o.kind === 'DestinationRule').map((o) => o.metadata.name).sort()).toStrictEqual(['details', 'productpage', 'ratings', 'reviews']);
    expect({ productpage: rule('productpage'), reviews: rule('reviews'), ratings: rule('ratings'), details: rule('details') }).toStrictEqual(parse(`
      productpage:
        host: productpage
        subsets:
        - name: v1
          labels:
            version: v1
      reviews:
        host: reviews
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
        - name: v3
          labels:
            version: v3
      ratings:
        host: ratings
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
        - name: v2-mysql
          labels:
            version: v2-mysql
        - name: v2-mysql-vm
          labels:
            version: v2-mysql-vm
      details:
        host: details
        subsets:
        - name: v1
          labels:
            version: v1
        - name: v2
          labels:
            version: v2
    `));
    expect(one(objs, 'VirtualService', 'reviews', 'bookinfo').spec).toStrictEqual(parse(`
      hosts:
      - reviews
      http:
      - route:
        - destination:
            host: reviews
            subset: v2
          weight: 50
        - destination:
            host: reviews
            subset: v3
          weight: 50
    `));
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('a route naming a subset no DestinationRule of the host defines is IST0101', () => {
    // GIVEN reviews with subsets v1 and v2 only
    const chart = meshChart(Environment.PROD);
    bookinfoWorld(chart);
    new DestinationPolicy(chart, 'reviews-subsets', {
      host: 'reviews', namespace: 'bookinfo',
      subsets: [{ subset: Subset.fromLabels('v1', { version: 'v1' }) }, { subset: Subset.fromLabels('v2', { version: 'v2' }) }],
    });
    // WHEN a route names v3
    new HostRoutes(chart, 'reviews-routes', { host: 'reviews', namespace: 'bookinfo', routes: [{ to: Subset.named('v3') }] });
    // THEN the analyzer reports it, naming the subsets that exist
    expect(analyzed(chart)).toStrictEqual([
      'Error [IST0101] (VirtualService bookinfo/reviews) Referenced host+subset in destinationrule not found: "reviews+v3" (spec.http[0].route[0].destination.subset).'
      + ' Fix: add subset "v3" to the DestinationRule of reviews.bookinfo.svc.cluster.local (defined: v1, v2), or route to one it defines [construct prod/reviews-routes]',
    ]);
  });
});

describe('subsets defined once, named by a canary', () => {
  test('a CanaryRelease names subsets a DestinationPolicy defines; one DestinationRule, the policy and subsets merged', () => {
    // GIVEN reviews' subsets with policy for v2 only
    const chart = meshChart(Environment.PROD);
    bookinfoWorld(chart);
    new DestinationPolicy(chart, 'reviews-subsets', {
      host: 'reviews', namespace: 'bookinfo',
      subsets: [
        { subset: Subset.fromLabels('v1', { version: 'v1' }) },
        { subset: Subset.fromLabels('v2', { version: 'v2' }), loadBalancer: LoadBalancer.roundRobin() },
      ],
    });
    // WHEN the canary names them
    new CanaryRelease(chart, 'reviews-canary', { host: 'reviews', namespace: 'bookinfo', stable: Subset.named('v1'), canary: Subset.named('v2'), canaryPercent: 20 });
    // THEN
    const objs = synthValid(chart);
    expect(analyzed(chart)).toStrictEqual([]);
    expect(one(objs, 'DestinationRule', 'reviews', 'bookinfo').spec).toStrictEqual({
      host: 'reviews',
      subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' }, trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN' } } }],
    });
    expect(one(objs, 'VirtualService', 'reviews', 'bookinfo').spec).toStrictEqual({
      hosts: ['reviews'],
      http: [{ name: 'reviews-canary-weighted', route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 80 }, { destination: { host: 'reviews', subset: 'v2' }, weight: 20 }] }],
    });
  });
});
