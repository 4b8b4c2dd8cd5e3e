import { Duration } from 'cdk8s';
import { CanaryRelease, CircuitBreaker, Environment, GatewayServer, HostRoutes, HttpMatch, IngressGateway, Subset } from '../../lib';
import { GatewayRouteKind, RetryPolicy } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

const HTTPS = GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' });
const v1 = Subset.fromLabels('v1', { app: 'cart', version: 'v1' });
const v2 = Subset.fromLabels('v2', { app: 'cart', version: 'v2' });

function setup() {
  const chart = meshChart(Environment.PROD);
  const gw = new IngressGateway(chart, 'gw', { namespace: 'istio-ingress', servers: [HTTPS] });
  return { chart, gw };
}

describe('a gateway route to a host with a CanaryRelease', () => {
  test('without a subset it would bypass the canary (the canary VirtualService is mesh-bound): synth fails, naming route, host, canary and fix', () => {
    const { chart, gw } = setup();
    new CanaryRelease(chart, 'cart-canary', {
      host: 'cart', namespace: 'shop', stable: v1, canary: v2, routeToCanaryWhen: [HttpMatch.header('x-canary', 'true')],
    });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart', namespace: 'shop', port: 8080 } });
    expect(errorOf(() => synthValid(chart))).toContain(
      '[prod/gw/shop] destination.subset: undefined is missing while host cart.shop.svc.cluster.local has mesh routes to subsets from '
      + 'prod/cart-canary (routeToCanaryWhen), prod/cart-canary (canaryPercent): those routes apply to sidecars only (gateways: mesh), '
      + 'so this gateway route would send ingress traffic to every version of the Service, ignoring the canary weights and matches. '
      + 'Fix: set applyHostRoutes: true so the gateway applies the host\'s routes too, or give destination.subset (e.g. the stable subset) to pin ingress traffic to one version');
  });

  test('any spelling of the host counts (fully qualified route, short canary host)', () => {
    const { chart, gw } = setup();
    new CanaryRelease(chart, 'cart-canary', { host: 'cart', namespace: 'shop', stable: v1, canary: v2 });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart.shop.svc.cluster.local' } });
    expect(errorOf(() => synthValid(chart))).toContain('[prod/gw/shop] destination.subset: undefined is missing while host cart.shop.svc.cluster.local has mesh routes to subsets from prod/cart-canary (canaryPercent)');
  });

  test('the canary added after the route is caught too (checked at synth)', () => {
    const { chart, gw } = setup();
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart', namespace: 'shop' } });
    new CanaryRelease(chart, 'cart-canary', { host: 'cart.shop.svc.cluster.local', stable: v1, canary: v2 });
    expect(errorOf(() => synthValid(chart))).toContain('[prod/gw/shop] destination.subset: undefined is missing while host cart.shop.svc.cluster.local');
  });

  test('a HostRoutes route to a subset counts as well', () => {
    const { chart, gw } = setup();
    new HostRoutes(chart, 'cart-routes', { host: 'cart', namespace: 'shop', routes: [{ to: v1 }] });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart', namespace: 'shop' } });
    expect(errorOf(() => synthValid(chart))).toContain('has mesh routes to subsets from prod/cart-routes (routes[0])');
  });

  test('an explicit subset pins ingress traffic: allowed, and the route names it', () => {
    const { chart, gw } = setup();
    new CanaryRelease(chart, 'cart-canary', { host: 'cart', namespace: 'shop', stable: v1, canary: v2 });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart', namespace: 'shop', subsetName: 'v1' } });
    const objects = synthValid(chart);
    expect(find(objects, 'VirtualService', 'shop', 'istio-ingress').spec.http[0].route).toStrictEqual([{ destination: { host: 'cart.shop.svc.cluster.local', subset: 'v1' } }]);
  });

  test('hosts without subset routes are fine: another host\'s canary, or only timeouts and a circuit breaker on this one', () => {
    const { chart, gw } = setup();
    new CanaryRelease(chart, 'reviews-canary', { host: 'reviews', namespace: 'shop', stable: Subset.fromLabels('v1', { app: 'reviews', version: 'v1' }), canary: Subset.fromLabels('v2', { app: 'reviews', version: 'v2' }) });
    new HostRoutes(chart, 'cart-routes', { host: 'cart', namespace: 'shop', routes: [{ timeout: Duration.seconds(2) }] });
    new CircuitBreaker(chart, 'cart-breaker', { host: 'cart', namespace: 'shop', subsets: [{ subset: v1, connectionPool: { tcp: { maxConnections: 10 } } }] });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart', namespace: 'shop' } });
    expect(find(synthValid(chart), 'VirtualService', 'shop', 'istio-ingress').spec.http[0].route).toStrictEqual([{ destination: { host: 'cart.shop.svc.cluster.local' } }]);
  });
});

describe('applyHostRoutes: the gateway applies the host\'s mesh routes', () => {
  const CART = 'cart.shop.svc.cluster.local';

  test('the canary\'s match and weighted routes, with timeout and retries, go into the gateway VirtualService (fully qualified, with the port)', () => {
    const { chart, gw } = setup();
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'cart', namespace: 'shop', port: 8080 }, applyHostRoutes: true });
    new CanaryRelease(chart, 'cart-canary', {
      host: 'cart', namespace: 'shop', stable: v1, canary: v2, canaryPercent: 25,
      routeToCanaryWhen: [HttpMatch.header('x-canary', 'true')],
      timeout: Duration.seconds(5), retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(2) }),
    });
    const objects = synthValid(chart);
    const mesh = find(objects, 'VirtualService', 'cart', 'shop').spec;
    const spec = find(objects, 'VirtualService', 'shop', 'istio-ingress').spec;
    expect(spec.hosts).toStrictEqual(['shop.example.com']);
    expect(spec.gateways).toStrictEqual(['istio-ingress/gw']);
    const port = { number: 8080 };
    expect(spec.http).toStrictEqual([
      { ...mesh.http[0], route: [{ destination: { host: CART, port, subset: 'v2' } }] },
      { ...mesh.http[1], route: [{ destination: { host: CART, port, subset: 'v1' }, weight: 75 }, { destination: { host: CART, port, subset: 'v2' }, weight: 25 }] },
    ]);
    expect(spec.http.map((r: any) => [r.name, r.match, r.timeout])).toStrictEqual([
      ['cart-canary-match', [{ headers: { 'x-canary': { exact: 'true' } } }], '5s'],
      ['cart-canary-weighted', undefined, '5s'],
    ]);
    // The mesh VirtualService is unchanged.
    expect(mesh.hosts).toStrictEqual(['cart']);
    expect(mesh.gateways).toBeUndefined();
  });

  test('pathPrefix scopes every route, timeout fills routes without one; matched-only host routes get a default route to the whole host last', () => {
    const { chart, gw } = setup();
    new HostRoutes(chart, 'cart-routes', { host: 'cart', namespace: 'shop', routes: [{ match: [HttpMatch.header('x-beta', '1')], to: v2 }] });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: CART }, pathPrefix: '/cart', timeout: Duration.seconds(3), applyHostRoutes: true });
    const spec = find(synthValid(chart), 'VirtualService', 'shop', 'istio-ingress').spec;
    expect(spec.http).toStrictEqual([
      { match: [{ headers: { 'x-beta': { exact: '1' } }, uri: { prefix: '/cart' } }], route: [{ destination: { host: CART, subset: 'v2' } }], timeout: '3s' },
      { match: [{ uri: { prefix: '/cart' } }], timeout: '3s', route: [{ destination: { host: CART } }] },
    ]);
  });

  test('conflicts are reported at synth: a URI match under pathPrefix, a different timeout, nothing to apply', () => {
    const { chart, gw } = setup();
    new HostRoutes(chart, 'cart-routes', { host: 'cart', namespace: 'shop', routes: [{ match: [HttpMatch.uriPrefix('/api')], to: v2, timeout: Duration.seconds(1) }] });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: CART }, pathPrefix: '/cart', timeout: Duration.seconds(3), applyHostRoutes: true });
    gw.addRoute('other', { hosts: ['shop.example.com'], destination: { host: 'orders.shop.svc.cluster.local' }, applyHostRoutes: true });
    const error = errorOf(() => synthValid(chart));
    expect(error).toContain(`[prod/gw/shop] pathPrefix: "/cart" cannot be added to a route of host ${CART}, which matches on the URI itself. Fix: drop pathPrefix, or give the gateway route no applyHostRoutes`);
    expect(error).toContain(`[prod/gw/shop] timeout: "3s" conflicts with the timeout "1s" of a route of host ${CART}. Fix: drop the gateway route's timeout, or set the same one`);
    expect(error).toContain('[prod/gw/other] applyHostRoutes: true finds no mesh routes for host orders.shop.svc.cluster.local (no CanaryRelease or HostRoutes routes it in this chart). '
      + 'Fix: drop applyHostRoutes, or add the CanaryRelease / HostRoutes for the host');
  });

  test('refused with a subset or on a passthrough route, at construction', () => {
    const { gw } = setup();
    gw.addServer(GatewayServer.tlsPassthrough({ hosts: ['db.example.com'] }));
    expect(errorOf(() => gw.addRoute('pinned', { hosts: ['shop.example.com'], destination: { host: CART, subsetName: 'v1' }, applyHostRoutes: true }))).toBe(
      '[prod/gw/pinned] applyHostRoutes: true is set together with destination.subset "v1"; the host\'s routes pick the subsets. '
      + 'Fix: give one of them: the subset pins every request to one version, applyHostRoutes follows the canary');
    expect(errorOf(() => gw.addRoute('tls', { hosts: ['db.example.com'], kind: GatewayRouteKind.TLS_PASSTHROUGH, destination: { host: CART }, applyHostRoutes: true }))).toBe(
      '[prod/gw/tls] applyHostRoutes: true applies to HTTP routes only; a passthrough route cannot see requests. '
      + 'Fix: drop it, or terminate TLS with an HTTPS server and an HTTP route');
  });
});
