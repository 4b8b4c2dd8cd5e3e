/**
 * Istio's full route model with L2 constructs only: each gap of the route model written as a user
 * would, the whole output asserted, every object schema-checked and analyzed clean.
 */
import { Duration } from 'cdk8s';
import {
  CanaryRelease, ClientTls, CircuitBreaker, DestinationPolicy, Environment, ExternalResources, FaultInjection, GatewayServer, HostRoutes, HttpMatch, HttpMethod,
  IngressGateway, LoadBalancer, MeshChart, RedirectScheme, RetryOn, RetryPolicy, StringMatch, Subset,
} from '../../lib';
import { analyzed } from '../support/charts';
import { errorOf, meshChart, one, synthValid } from './support';

/** A STAGING chart with the shop's Services declared (ports as named). */
function shop(env = Environment.STAGING): MeshChart {
  const chart = meshChart(env);
  new ExternalResources(chart, 'shop-app', {
    namespaces: ['shop'],
    services: [
      { namespace: 'shop', name: 'cart', ports: [8080] },
      { namespace: 'shop', name: 'inventory', ports: [8080, 9090] },
      { namespace: 'shop', name: 'cart-next', ports: [8080] },
      { namespace: 'shop', name: 'search', ports: [8080] },
      { namespace: 'shop', name: 'mongodb', ports: [27017] },
    ],
    hosts: ['payments.example.com'],
  });
  return chart;
}

function subsets(chart: MeshChart, host: string, names: string[]): DestinationPolicy {
  return new DestinationPolicy(chart, `${host}-subsets`, {
    host, namespace: 'shop', subsets: names.map((n) => ({ subset: Subset.fromLabels(n, { version: n }) })),
  });
}

/** The one VirtualService and DestinationRule of `host` in shop, after checking schema and analyzer. */
function output(chart: MeshChart, host: string) {
  const objs = synthValid(chart);
  expect(analyzed(chart)).toStrictEqual([]);
  const dr = objs.filter((o) => o.kind === 'DestinationRule' && o.metadata.name === host);
  const vs = objs.filter((o) => o.kind === 'VirtualService' && o.metadata.name === host);
  return { vs: vs.length ? one(objs, 'VirtualService', host, 'shop').spec : undefined, dr: dr.length ? dr[0].spec : undefined };
}

describe('HostRoutes: Istio\'s HTTP route model', () => {
  test('several matches per route: exact, prefix and regex URIs, headers, methods, query parameters, ports, without-headers', () => {
    // GIVEN a host with subsets defined once
    const chart = shop();
    subsets(chart, 'cart', ['v1', 'v2']);
    // WHEN routes match on every request attribute
    new HostRoutes(chart, 'cart-routes', {
      host: 'cart', namespace: 'shop',
      routes: [
        {
          name: 'beta',
          match: [
            HttpMatch.uriRegex('^/cart/[0-9]+/items$').and(HttpMatch.method(HttpMethod.POST)),
            HttpMatch.queryParam('beta', 'true').and(HttpMatch.header('x-tier', 'gold')).and(HttpMatch.port(8080)),
            HttpMatch.queryParamRegex('user', '^qa-.*').and(HttpMatch.sourceLabels({ app: 'web' })).and(HttpMatch.sourceNamespace('shop')),
          ],
          to: Subset.named('v2'),
        },
        { name: 'legacy', match: [HttpMatch.uriExact('/cart').and(HttpMatch.withoutHeader('x-tier')), HttpMatch.uriPrefix('/old/')], to: Subset.named('v1') },
        { name: 'default', to: Subset.named('v1') },
      ],
    });
    // THEN
    expect(output(chart, 'cart').vs).toStrictEqual({
      hosts: ['cart'],
      http: [
        {
          name: 'beta',
          match: [
            { method: { exact: 'POST' }, uri: { regex: '^/cart/[0-9]+/items$' } },
            { headers: { 'x-tier': { exact: 'gold' } }, port: 8080, queryParams: { beta: { exact: 'true' } } },
            { queryParams: { user: { regex: '^qa-.*' } }, sourceLabels: { app: 'web' }, sourceNamespace: 'shop' },
          ],
          route: [{ destination: { host: 'cart', subset: 'v2' } }],
        },
        {
          name: 'legacy',
          match: [{ uri: { exact: '/cart' }, withoutHeaders: { 'x-tier': {} } }, { uri: { prefix: '/old/' } }],
          route: [{ destination: { host: 'cart', subset: 'v1' } }],
        },
        { name: 'default', route: [{ destination: { host: 'cart', subset: 'v1' } }] },
      ],
    });
  });

  test('A/B/n: weighted destinations to three subsets, in percent summing to 100, with a destination port', () => {
    const chart = shop();
    subsets(chart, 'cart', ['v1', 'v2', 'v3']);
    new HostRoutes(chart, 'cart-split', {
      host: 'cart', namespace: 'shop',
      routes: [{
        destinations: [
          { subset: Subset.named('v1'), weight: 80, port: 8080 },
          { subset: Subset.named('v2'), weight: 10, port: 8080 },
          { subset: Subset.named('v3'), weight: 10, port: 8080 },
        ],
      }],
    });
    expect(output(chart, 'cart').vs).toStrictEqual({
      hosts: ['cart'],
      http: [{
        route: [
          { destination: { host: 'cart', port: { number: 8080 }, subset: 'v1' }, weight: 80 },
          { destination: { host: 'cart', port: { number: 8080 }, subset: 'v2' }, weight: 10 },
          { destination: { host: 'cart', port: { number: 8080 }, subset: 'v3' }, weight: 10 },
        ],
      }],
    });
  });

  test('a route defines its own subset and sends part of the traffic to another host', () => {
    const chart = shop();
    new HostRoutes(chart, 'cart-next', {
      host: 'cart', namespace: 'shop',
      routes: [{ destinations: [{ subset: Subset.fromLabels('v1', { version: 'v1' }), weight: 90 }, { host: 'cart-next', weight: 10 }] }],
    });
    const { vs, dr } = output(chart, 'cart');
    expect(vs).toStrictEqual({
      hosts: ['cart'],
      http: [{ route: [{ destination: { host: 'cart', subset: 'v1' }, weight: 90 }, { destination: { host: 'cart-next' }, weight: 10 }] }],
    });
    expect(dr).toStrictEqual({ host: 'cart', subsets: [{ name: 'v1', labels: { version: 'v1' } }] });
  });

  test('rewrite, header changes, CORS, mirror with a percentage, retries and timeout on one route; redirect and direct response on others', () => {
    const chart = shop();
    subsets(chart, 'search', ['v1', 'v2']);
    new HostRoutes(chart, 'search-routes', {
      host: 'search', namespace: 'shop',
      routes: [
        { name: 'moved', match: [HttpMatch.uriPrefix('/find')], redirect: { uri: '/search', authority: 'search.shop.example.com', scheme: RedirectScheme.HTTPS, port: 443, redirectCode: 308 } },
        { name: 'gone', match: [HttpMatch.uriExact('/legacy')], directResponse: { status: 410, body: 'gone' } },
        { name: 'v2-api', match: [HttpMatch.uriRegex('^/v2/(.*)$')], rewrite: { uriRegex: { match: '^/v2/(.*)$', rewrite: '/\\1' }, authority: 'search.internal' }, to: Subset.named('v2') },
        {
          name: 'main',
          match: [HttpMatch.uriPrefix('/api/')],
          rewrite: { uri: '/' },
          to: Subset.named('v1'),
          headers: {
            request: { set: { 'x-forwarded-by': 'mesh' }, add: { 'x-trace': 'on' }, remove: ['x-debug'] },
            response: { remove: ['server'] },
          },
          corsPolicy: {
            allowOrigins: [StringMatch.exact('https://shop.example.com'), StringMatch.regex('https://.*\\.shop\\.example\\.com')],
            allowMethods: [HttpMethod.GET, HttpMethod.POST],
            allowHeaders: ['content-type'],
            exposeHeaders: ['x-request-id'],
            maxAge: Duration.hours(1),
            allowCredentials: true,
          },
          mirror: { subset: Subset.named('v2'), percent: 5 },
          timeout: Duration.seconds(3),
          retries: RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(1), retryOn: [RetryOn.FIVE_XX] }),
        },
      ],
    });
    expect(output(chart, 'search').vs).toStrictEqual({
      hosts: ['search'],
      http: [
        { name: 'moved', match: [{ uri: { prefix: '/find' } }], redirect: { uri: '/search', authority: 'search.shop.example.com', port: 443, scheme: 'https', redirectCode: 308 } },
        { name: 'gone', match: [{ uri: { exact: '/legacy' } }], directResponse: { status: 410, body: { string: 'gone' } } },
        {
          name: 'v2-api', match: [{ uri: { regex: '^/v2/(.*)$' } }],
          route: [{ destination: { host: 'search', subset: 'v2' } }],
          rewrite: { uriRegexRewrite: { match: '^/v2/(.*)$', rewrite: '/\\1' }, authority: 'search.internal' },
        },
        {
          name: 'main',
          match: [{ uri: { prefix: '/api/' } }],
          route: [{ destination: { host: 'search', subset: 'v1' } }],
          rewrite: { uri: '/' },
          headers: { request: { set: { 'x-forwarded-by': 'mesh' }, add: { 'x-trace': 'on' }, remove: ['x-debug'] }, response: { remove: ['server'] } },
          corsPolicy: {
            allowOrigins: [{ exact: 'https://shop.example.com' }, { regex: 'https://.*\\.shop\\.example\\.com' }],
            allowMethods: ['GET', 'POST'],
            allowHeaders: ['content-type'],
            exposeHeaders: ['x-request-id'],
            maxAge: '3600s',
            allowCredentials: true,
          },
          mirror: { host: 'search', subset: 'v2' },
          mirrorPercentage: { value: 5 },
          timeout: '3s',
          retries: { attempts: 2, perTryTimeout: '1s', retryOn: '5xx' },
        },
      ],
    });
  });

  test('faults stay refused in production, on the full model too', () => {
    expect(errorOf(() => new HostRoutes(shop(Environment.PROD), 'r', {
      host: 'cart', namespace: 'shop', routes: [{ fault: FaultInjection.abort({ httpStatus: 503, percent: 1 }) }],
    }))).toContain('[prod/r] routes[0].fault.abort: "prod" is a production environment');
  });

  test('TCP routes (port match, weighted subsets) and TLS routes (SNI of the host)', () => {
    // GIVEN mongodb with two subsets, and an external TLS host
    const chart = shop();
    subsets(chart, 'mongodb', ['v1', 'v2']);
    new HostRoutes(chart, 'mongodb-routes', {
      host: 'mongodb', namespace: 'shop',
      tcpRoutes: [
        { match: [{ port: 27017, sourceLabels: { app: 'reports' } }], to: Subset.named('v2') },
        { destinations: [{ subset: Subset.named('v1'), weight: 75, port: 27017 }, { subset: Subset.named('v2'), weight: 25, port: 27017 }] },
      ],
    });
    new HostRoutes(chart, 'payments-routes', {
      host: 'payments.example.com', namespace: 'shop',
      tlsRoutes: [{ match: [{ port: 443 }], destinations: [{ port: 443 }] }],
    });
    const objs = synthValid(chart);
    expect(analyzed(chart)).toStrictEqual([]);
    expect(one(objs, 'VirtualService', 'mongodb', 'shop').spec).toStrictEqual({
      hosts: ['mongodb'],
      tcp: [
        { match: [{ port: 27017, sourceLabels: { app: 'reports' } }], route: [{ destination: { host: 'mongodb', subset: 'v2' } }] },
        {
          route: [
            { destination: { host: 'mongodb', port: { number: 27017 }, subset: 'v1' }, weight: 75 },
            { destination: { host: 'mongodb', port: { number: 27017 }, subset: 'v2' }, weight: 25 },
          ],
        },
      ],
    });
    expect(one(objs, 'VirtualService', 'payments-example-com', 'shop').spec).toStrictEqual({
      hosts: ['payments.example.com'],
      tls: [{ match: [{ port: 443, sniHosts: ['payments.example.com'] }], route: [{ destination: { host: 'payments.example.com', port: { number: 443 } } }] }],
    });
  });

  test('port-level settings: pool, outlier detection, TLS and load balancer per port, next to host policy and subsets', () => {
    const chart = shop();
    new CircuitBreaker(chart, 'inventory-breaker', { host: 'inventory', namespace: 'shop' });
    new DestinationPolicy(chart, 'inventory-ports', {
      host: 'inventory', namespace: 'shop',
      portLevelSettings: [
        { port: 9090, connectionPool: { http: { http2MaxRequests: 100 } }, outlierDetection: { consecutive5xxErrors: 2 }, loadBalancer: LoadBalancer.roundRobin() },
        { port: 8080, tls: ClientTls.istioMutual(), loadBalancer: LoadBalancer.consistentHashHeader('x-user') },
      ],
      subsets: [{ subset: Subset.fromLabels('v1', { version: 'v1' }) }],
    });
    expect(output(chart, 'inventory')).toStrictEqual({ vs: undefined, dr: {
      host: 'inventory',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1024, connectTimeout: '5s' }, http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
        portLevelSettings: [
          { port: { number: 8080 }, tls: { mode: 'ISTIO_MUTUAL' }, loadBalancer: { consistentHash: { httpHeaderName: 'x-user' } } },
          { port: { number: 9090 }, connectionPool: { http: { http2MaxRequests: 100 } }, outlierDetection: { consecutive5xxErrors: 2 }, loadBalancer: { simple: 'ROUND_ROBIN' } },
        ],
      },
      subsets: [{ name: 'v1', labels: { version: 'v1' } }],
    } });
  });
});

describe('CircuitBreaker: per-port overrides', () => {
  test('a port\'s pool and outlier detection are the host-level ones with the override on top', () => {
    const chart = shop();
    new CircuitBreaker(chart, 'inventory-breaker', {
      host: 'inventory', namespace: 'shop',
      connectionPool: { http: { http2MaxRequests: 500 } },
      portLevelSettings: [{ port: 9090, connectionPool: { http: { http2MaxRequests: 50 } }, outlierDetection: { consecutive5xxErrors: 2 } }],
    });
    expect(output(chart, 'inventory').dr).toStrictEqual({
      host: 'inventory',
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1024, connectTimeout: '5s' }, http: { http1MaxPendingRequests: 1024, http2MaxRequests: 500 } },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
        portLevelSettings: [{
          port: { number: 9090 },
          connectionPool: { tcp: { maxConnections: 1024, connectTimeout: '5s' }, http: { http1MaxPendingRequests: 1024, http2MaxRequests: 50 } },
          outlierDetection: { consecutive5xxErrors: 2, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
        }],
      },
    });
    expect(errorOf(() => new CircuitBreaker(shop(), 'cb', { host: 'inventory', namespace: 'shop', portLevelSettings: [{ port: 9090 }] })))
      .toBe('[staging/cb] portLevelSettings[0]: 9090 overrides nothing. Fix: give connectionPool or outlierDetection, or drop the entry');
  });
});

describe('gateway routes: the same model', () => {
  test('several routes on one gateway VirtualService: exact, prefix, regex, header and method matches, a redirect, a weighted split to named subsets', () => {
    // GIVEN a gateway and cart's subsets defined once
    const chart = shop();
    subsets(chart, 'cart', ['v1', 'v2']);
    const ingress = new IngressGateway(chart, 'ingress', { servers: [GatewayServer.http({ hosts: ['shop.example.com'] })] });
    // WHEN
    ingress.addRoute('shop', {
      hosts: ['shop.example.com'],
      namespace: 'shop',
      destination: { host: 'cart.shop.svc.cluster.local', port: 8080 },
      routes: [
        { name: 'old-home', match: [HttpMatch.uriExact('/index.html')], redirect: { uri: '/', redirectCode: 301 } },
        { name: 'search', match: [HttpMatch.uriPrefix('/search').and(HttpMatch.method(HttpMethod.GET))], destinations: [{ host: 'search', port: 8080 }] },
        { name: 'testers', match: [HttpMatch.header('x-tester', 'true'), HttpMatch.uriRegex('^/beta/.*')], to: Subset.named('v2') },
        { name: 'split', destinations: [{ subset: Subset.named('v1'), weight: 90 }, { subset: Subset.named('v2'), weight: 10 }] },
      ],
    });
    // THEN
    const objs = synthValid(chart);
    expect(analyzed(chart)).toStrictEqual([]);
    expect(one(objs, 'VirtualService', 'shop', 'shop').spec).toStrictEqual({
      hosts: ['shop.example.com'],
      gateways: ['istio-ingress/ingress'],
      http: [
        { name: 'old-home', match: [{ uri: { exact: '/index.html' } }], redirect: { uri: '/', redirectCode: 301 } },
        { name: 'search', match: [{ method: { exact: 'GET' }, uri: { prefix: '/search' } }], route: [{ destination: { host: 'search.shop.svc.cluster.local', port: { number: 8080 } } }] },
        {
          name: 'testers', match: [{ headers: { 'x-tester': { exact: 'true' } } }, { uri: { regex: '^/beta/.*' } }],
          route: [{ destination: { host: 'cart.shop.svc.cluster.local', port: { number: 8080 }, subset: 'v2' } }],
        },
        {
          name: 'split',
          route: [
            { destination: { host: 'cart.shop.svc.cluster.local', port: { number: 8080 }, subset: 'v1' }, weight: 90 },
            { destination: { host: 'cart.shop.svc.cluster.local', port: { number: 8080 }, subset: 'v2' }, weight: 10 },
          ],
        },
      ],
    });
  });
});

describe('the analyzer on the new route kinds', () => {
  test('a TCP route and a mirror naming subsets no DestinationRule defines are IST0101', () => {
    // GIVEN mongodb and search with subset v1 only
    const chart = shop();
    subsets(chart, 'mongodb', ['v1']);
    subsets(chart, 'search', ['v1']);
    // WHEN routes name v2
    new HostRoutes(chart, 'mongodb-routes', { host: 'mongodb', namespace: 'shop', tcpRoutes: [{ to: Subset.named('v2') }] });
    new HostRoutes(chart, 'search-routes', { host: 'search', namespace: 'shop', routes: [{ to: Subset.named('v1'), mirror: { subset: Subset.named('v2'), percent: 1 } }] });
    // THEN
    expect(analyzed(chart)).toStrictEqual([
      'Error [IST0101] (VirtualService shop/mongodb) Referenced host+subset in destinationrule not found: "mongodb+v2" (spec.tcp[0].route[0].destination.subset).'
      + ' Fix: add subset "v2" to the DestinationRule of mongodb.shop.svc.cluster.local (defined: v1), or route to one it defines [construct staging/mongodb-routes]',
      'Error [IST0101] (VirtualService shop/search) Referenced mirror+subset in destinationrule not found: "search+v2" (spec.http[0].mirror.subset).'
      + ' Fix: add subset "v2" to the DestinationRule of search.shop.svc.cluster.local (defined: v1), or route to one it defines [construct staging/search-routes]',
    ]);
  });

  test('a gateway route with routes to the whole host of a canary is refused at synth', () => {
    const chart = shop();
    new CanaryRelease(chart, 'cart-canary', { host: 'cart', namespace: 'shop', stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }) });
    const ingress = new IngressGateway(chart, 'ingress', { servers: [GatewayServer.http({ hosts: ['shop.example.com'] })] });
    ingress.addRoute('shop', {
      hosts: ['shop.example.com'], namespace: 'shop',
      destination: { host: 'cart.shop.svc.cluster.local', port: 8080 },
      routes: [{ match: [HttpMatch.uriPrefix('/pinned')], to: Subset.named('v1') }, { name: 'rest' }],
    });
    expect(errorOf(() => synthValid(chart))).toContain('[staging/ingress/shop] routes: "cart.shop.svc.cluster.local" send to the whole host without a subset while it has mesh routes to subsets from staging/cart-canary (canaryPercent)');
  });
});

describe('route rules', () => {
  const routeError = (route: object, host = 'cart') => errorOf(() => new HostRoutes(shop(), 'r', { host, namespace: 'shop', routes: [route as never] }));

  test.each([
    [{ destinations: [{ subset: Subset.named('v1'), weight: 60 }, { subset: Subset.named('v2'), weight: 30 }] },
      '[staging/r] routes[0].destinations: [60,30] weigh 90 in total, not 100: weights are percentages of the route\'s traffic. Fix: make the weights sum to 100, e.g. [50, 50] or [80, 10, 10]'],
    [{ destinations: [{ subset: Subset.named('v1'), weight: 50 }, { subset: Subset.named('v2') }] },
      '[staging/r] routes[0].destinations[1].weight: undefined is missing while the route has several destinations (V1). Fix: give every destination a weight in percent'],
    [{ destinations: [{ weight: 40 }] },
      '[staging/r] routes[0].destinations[0].weight: 40 is not 100 on the only destination, which gets every request whatever its weight. Fix: leave the weight out, or add the other destinations'],
    [{ redirect: { uri: '/x' }, directResponse: { status: 404 } },
      '[staging/r] routes[0].directResponse: 404 is set together with redirect, which istiod rejects (V4). Fix: give one of them'],
    [{ redirect: { uri: '/x' }, rewrite: { uri: '/y' } },
      '[staging/r] routes[0].rewrite: "rewrite" is set together with redirect: the proxy answers the request itself, so it is never forwarded (V4). Fix: drop rewrite, or drop redirect'],
    [{ directResponse: { status: 503 }, to: Subset.named('v1') },
      '[staging/r] routes[0].to: "to" is set together with directResponse: the proxy answers the request itself, so it is never forwarded (V4). Fix: drop to, or drop directResponse'],
    [{ redirect: { redirectCode: 301 } },
      '[staging/r] routes[0].redirect: {"redirectCode":301} changes nothing, so it would redirect to the same URL forever. Fix: give uri, authority, port or scheme'],
    [{ redirect: { uri: '/x', redirectCode: 200 } },
      '[staging/r] routes[0].redirect.redirectCode: 200 is not a redirect status Envoy sends. Fix: use 301, 302, 303, 307 or 308'],
    [{ directResponse: { status: 99 } },
      '[staging/r] routes[0].directResponse.status: 99 is not a whole number from 200 to 599. Fix: use an HTTP status from 200 to 599, e.g. 404'],
    [{ rewrite: { uri: '/', uriRegex: { match: '^/a', rewrite: '/' } } },
      '[staging/r] routes[0].rewrite.uriRegex: "^/a" is set together with rewrite.uri, which istiod rejects. Fix: give one of them'],
    [{ corsPolicy: { allowOrigins: [StringMatch.exact('https://a.example')], maxAge: Duration.millis(1500) } },
      '[staging/r] routes[0].corsPolicy.maxAge: "1500ms" is not a whole number of seconds (V2). Fix: use Duration.seconds(n)'],
    [{ mirror: { percent: 5 } },
      '[staging/r] routes[0].mirror: {"percent":5} mirrors the requests to the very destination they are routed to. Fix: give the mirror a host or a subset'],
    [{ mirror: { host: 'cart-next', percent: 101 } },
      '[staging/r] routes[0].mirror.percent: 101 is not a finite number from 0 to 100. Fix: give a percentage from 0 to 100 (V5)'],
    [{ headers: { request: { set: { 'bad header': 'x' } } } },
      '[staging/r] routes[0].headers.request.set: "bad header" is not an HTTP header name (a token: letters, digits and !#$%&\'*+-.^_`|~). Fix: use a name such as "x-request-source"'],
    [{ match: [HttpMatch.method(HttpMethod.GET).and(HttpMatch.method(HttpMethod.POST))] },
      '[staging/r] routes[0].match[0].method: "POST" is a second method condition in one match. Fix: use two HttpMatch entries (either matches)'],
    [{ match: [HttpMatch.uriRegex('^(?!admin)')] },
      '[staging/r] routes[0].match[0].uri.regex: "^(?!admin)" uses a negative look-ahead "(?!", which RE2 (the regex engine of Envoy and istiod) does not support (V7)'],
  ])('%j is refused', (route, message) => {
    expect(routeError(route)).toContain(message);
  });

  test('a TLS route whose SNI is not the host is refused (istiod requires SNI hosts within the VirtualService hosts)', () => {
    expect(errorOf(() => new HostRoutes(shop(), 'r', { host: 'payments.example.com', namespace: 'shop', tlsRoutes: [{ match: [{ sniHosts: ['other.example.com'] }] }] })))
      .toBe('[staging/r] tlsRoutes[0].match[0].sniHosts[0]: "other.example.com" is not the route\'s host payments.example.com nor covered by it, which istiod rejects. Fix: use "payments.example.com"');
  });

  test('a HostRoutes with no route at all is refused (V6)', () => {
    expect(errorOf(() => new HostRoutes(shop(), 'r', { host: 'cart', namespace: 'shop' })))
      .toBe('[staging/r] routes: undefined is missing, and so are tcpRoutes and tlsRoutes: a VirtualService needs at least one route (V6). Fix: give at least one route');
  });

  test('portLevelSettings: one entry per port, each setting something (D1)', () => {
    const policyError = (portLevelSettings: object[]) => errorOf(() => new DestinationPolicy(shop(), 'p', { host: 'cart', namespace: 'shop', portLevelSettings: portLevelSettings as never }));
    expect(policyError([{ port: 8080 }])).toBe('[staging/p] portLevelSettings[0]: 8080 sets no policy for the port (ISTIO-RULES D1). Fix: set connectionPool, outlierDetection, loadBalancer or tls, or drop the entry');
    expect(policyError([{ port: 8080, tls: ClientTls.istioMutual() }, { port: 8080, loadBalancer: LoadBalancer.random() }]))
      .toBe('[staging/p] portLevelSettings[1].port: 8080 has a second entry. Fix: merge the settings of one port into one entry');
    expect(policyError([{ port: 0, tls: ClientTls.istioMutual() }])).toContain('[staging/p] portLevelSettings[0].port: 0');
  });

  test('two constructs setting one port field differently: an error naming both', () => {
    const chart = shop();
    new DestinationPolicy(chart, 'a', { host: 'cart', namespace: 'shop', portLevelSettings: [{ port: 8080, loadBalancer: LoadBalancer.random() }] });
    expect(errorOf(() => new DestinationPolicy(chart, 'b', { host: 'cart', namespace: 'shop', portLevelSettings: [{ port: 8080, loadBalancer: LoadBalancer.roundRobin() }] })))
      .toBe('[staging/b] portLevelSettings[0].loadBalancer: {"simple":"ROUND_ROBIN"} conflicts with {"simple":"RANDOM"} that [staging/a] set as portLevelSettings[0].loadBalancer on port 8080 of host cart. '
        + 'Fix: set the field in one construct only, or give both the same value');
  });
});
