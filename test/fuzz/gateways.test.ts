/**
 * Fuzzing the gateways at the API boundary (see ./harness): IngressGateway (with GatewayServer and the
 * sizing setting classes as recipes), IngressGateway.addRoute (GatewayRoute options and destination),
 * and EgressGateway with routeExternalHost.
 */
import * as fc from 'fast-check';
import {
  EgressGateway, EgressGatewayProps, Environment, ExternalService, ExternalTrafficPolicy, GatewayRouteKind, GatewayServer, GatewayServiceType, GatewayTarget, GitOpsTool,
  IngressGateway, IngressGatewayProps, PodPriorityClass, ServiceProtocol, ServiceResolution, ZoneSpreading, ZoneSpreadMode,
} from '../../lib';
import { expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, make, mapOf, Target } from './harness';
import { declareGatewayWorld, GATEWAY_HOSTS, gatewayServers, httpMatches, routeExtras, sizingOverrides, subsetOf, timeouts } from './gateway-support';

const gatewayProps = {
  name: fc.constantFrom('ingress-gateway', 'edge'),
  namespace: fc.constant('istio-ingress'),
  createNamespace: fc.boolean(),
  sizing: sizingOverrides,
  serviceAnnotations: fc.constant(mapOf({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' })),
  priorityClass: fc.oneof(
    fc.constant(fixed('PodPriorityClass.NONE', () => PodPriorityClass.NONE)),
    fc.constantFrom('system-cluster-critical', 'gateway-critical').map((n) => make('PodPriorityClass.named', (x) => PodPriorityClass.named(x), n)),
  ),
  zoneSpreading: fc.oneof(
    fc.constant(fixed('ZoneSpreading.NONE', () => ZoneSpreading.NONE)),
    fc.tuple(fc.constantFrom(...Object.values(ZoneSpreadMode)), fc.integer({ min: 1, max: 3 }))
      .map(([mode, skew]) => make('ZoneSpreading.across', (x) => ZoneSpreading.across(mode, x), skew)),
  ),
  // The workload, or a release of Istio's gateway chart through Flux (both run pods the analyzer sees).
  target: fc.oneof(
    fc.constant(fixed('GatewayTarget.WORKLOAD', () => GatewayTarget.WORKLOAD)),
    fc.constant(make('GatewayTarget.helmChart', (x) => GatewayTarget.helmChart(x), { tool: GitOpsTool.FLUX })),
  ),
};

const ingressGateway: Target = {
  name: 'IngressGateway',
  environment: Environment.PROD,
  fixtures: declareGatewayWorld,
  props: fc.tuple(fc.record({
    ...gatewayProps,
    // Servers with distinct ports, so plausible sets do not clash (a clash is an error, not a finding).
    servers: fc.uniqueArray(gatewayServers, { minLength: 1, maxLength: 3, selector: (m) => `${m.label}` }),
  }, { requiredKeys: ['namespace', 'servers'] }), fc.oneof(
    fc.constant({}),
    fc.constantFrom(GatewayServiceType.LOAD_BALANCER, GatewayServiceType.NODE_PORT).chain((serviceType) => fc.record({
      serviceType: fc.constant(serviceType),
      externalTrafficPolicy: fc.constantFrom(...Object.values(ExternalTrafficPolicy)),
    }, { requiredKeys: ['serviceType'] })),
    fc.constant({ serviceType: GatewayServiceType.CLUSTER_IP }),
  )).map(([base, service]) => ({ ...base, ...service })),
  build: (chart, id, props) => new IngressGateway(chart, id, props as IngressGatewayProps),
};

/** An ingress gateway `id` serving every test host over HTTP and HTTPS (and passthrough on 9443), and one route added with the fuzzed options. */
const ingressRoute: Target = {
  name: 'IngressGateway.addRoute',
  environment: Environment.PROD,
  fixtures: declareGatewayWorld,
  // The route's VirtualService in the destination's namespace (bookinfo), where a short destination host resolves.
  props: fc.tuple(fc.record({
    hosts: fc.uniqueArray(fc.constantFrom(...GATEWAY_HOSTS), { minLength: 1, maxLength: 2 }),
    name: fc.constantFrom('bookinfo', 'shop-route'),
    namespace: fc.constant('bookinfo'),
  }, { requiredKeys: ['hosts', 'namespace'] }), fc.oneof(
    // HTTP: to the whole host, a subset defined here or one named elsewhere.
    fc.record({
      destination: fc.record({
        host: fc.constantFrom('reviews.bookinfo.svc.cluster.local', 'reviews'),
        namespace: fc.constant('bookinfo'),
        port: fc.constant(9080),
        subset: fc.constantFrom('v1', 'v2').map((v) => subsetOf('reviews', v)),
      }, { requiredKeys: ['host', 'namespace'] }),
      pathPrefix: fc.constantFrom('/', '/productpage', '/api/v1'),
      timeout: timeouts,
    }, { requiredKeys: ['destination'] }),
    // HTTP with Istio's route model: several routes, each with its matches and what it does.
    fc.record({
      destination: fc.record({ host: fc.constantFrom('reviews.bookinfo.svc.cluster.local', 'reviews'), namespace: fc.constant('bookinfo'), port: fc.constant(9080) }),
      routes: fc.tuple(
        fc.array(fc.tuple(fc.array(httpMatches, { minLength: 1, maxLength: 3 }), routeExtras, fc.option(fc.constantFrom('v1', 'v2'), { nil: undefined })), { minLength: 1, maxLength: 3 }),
        fc.option(fc.record({ redirect: fc.record({ uri: fc.constantFrom('/', '/home') }) }), { freq: 3 }),
      ).map(([matched, last]) => [
        ...matched.map(([match, extras, to]) => ({ match, ...extras, ...(to !== undefined ? { to: subsetOf('reviews', to) } : {}) })),
        ...(last !== null ? [last] : []),
      ]),
    }),
    fc.record({
      kind: fc.constant(GatewayRouteKind.TLS_PASSTHROUGH),
      destination: fc.record({ host: fc.constant('reviews.bookinfo.svc.cluster.local'), port: fc.constant(9080) }),
    }),
  )).map(([base, rest]) => ({ ...base, ...rest })),
  build: (chart, id, props) => {
    const gateway = new IngressGateway(chart, id, {
      namespace: 'istio-ingress',
      servers: [
        GatewayServer.https({ hosts: GATEWAY_HOSTS, credentialName: 'bookinfo-tls', redirectHttp: true }),
        GatewayServer.tlsPassthrough({ hosts: GATEWAY_HOSTS, port: 9443 }),
      ],
    });
    gateway.addRoute('route', props as never);
    return gateway;
  },
};

/** The external services of the egress target's chart, made by its fixtures before the case is materialized. */
const external: { stripe?: ExternalService; httpbin?: ExternalService } = {};

/**
 * An egress gateway `id` that routes one external service: the arguments `[props, options]` of
 * `new EgressGateway(chart, id, props)` and `routeExternalHost('route', options)`, both fuzzed.
 */
const egressGateway: Target = {
  name: 'EgressGateway.routeExternalHost',
  environment: Environment.PROD,
  fixtures: (chart) => {
    declareGatewayWorld(chart);
    external.stripe = new ExternalService(chart, 'stripe', {
      namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }], resolution: ServiceResolution.DNS,
    });
    external.httpbin = new ExternalService(chart, 'httpbin', {
      namespace: 'istio-system', hosts: ['httpbin.org', 'www.httpbin.org'], ports: [{ number: 80, protocol: ServiceProtocol.HTTP }, { number: 443, protocol: ServiceProtocol.TLS }],
      resolution: ServiceResolution.DNS,
    });
  },
  props: fc.tuple(
    fc.record({
      ...gatewayProps,
      namespace: fc.constant('istio-egress'),
      name: fc.constantFrom('egress-gateway', 'exit'),
      serviceType: fc.constant(GatewayServiceType.CLUSTER_IP),
    }, { requiredKeys: ['namespace'] }),
    fc.oneof(
      fc.record({ service: fc.constant(fixed('ExternalService stripe', () => external.stripe)), name: fc.constantFrom('stripe', 'payments') }, { requiredKeys: ['service'] }),
      fc.record({
        service: fc.constant(fixed('ExternalService httpbin', () => external.httpbin)),
        host: fc.constantFrom('httpbin.org', 'www.httpbin.org'),
        port: fc.constantFrom(80, 443),
        name: fc.constantFrom('httpbin', 'web'),
      }, { requiredKeys: ['service', 'host', 'port'] }),
    ),
  ),
  build: (chart, id, args) => {
    const [props, options] = Array.isArray(args) ? args : [args];
    const gateway = new EgressGateway(chart, id, props as EgressGatewayProps);
    gateway.routeExternalHost('route', options);
    return gateway;
  },
};

describe('fuzz: gateways at the API boundary', () => {
  test.each([ingressGateway, ingressRoute, egressGateway].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      expectClean(fuzzConstruct(target, 30));
    }, FUZZ_TIMEOUT);
});
