/**
 * Fuzzing the traffic constructs at the API boundary (see ./harness): CircuitBreaker,
 * DestinationPolicy, ExternalService, LocalRateLimit and SidecarScope.
 */
import * as fc from 'fast-check';
import {
  CircuitBreaker, CircuitBreakerProps, DestinationPolicy, DestinationPolicyProps, Environment, ExternalService, ExternalServiceProps, LocalRateLimit,
  LocalRateLimitProps, OutboundTraffic, RateLimitContext, ServiceLocation, ServiceProtocol, ServiceResolution, SidecarScope, SidecarScopeProps,
} from '../../lib';
import { expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, mapOf, Target } from './harness';
import {
  clientTls, connectionPools, counters, declareOutside, duration, durations, loadBalancers, outlierDetections, selectorOf, subsets,
} from './support';

const hosts = fc.constantFrom('reviews', 'ratings', 'reviews.bookinfo.svc.cluster.local', 'api.example.com');

const circuitBreaker: Target = {
  name: 'CircuitBreaker',
  environment: Environment.PROD,
  fixtures: declareOutside,
  props: fc.record({
    host: hosts,
    namespace: fc.constant('bookinfo'),
    connectionPool: connectionPools,
    outlierDetection: outlierDetections,
    subsets: fc.uniqueArray(fc.record({ subset: subsets, connectionPool: connectionPools, outlierDetection: outlierDetections }, { requiredKeys: ['subset'] }),
      { maxLength: 2, selector: (s) => s.subset.label }),
    portLevelSettings: fc.uniqueArray(fc.record({ port: fc.constantFrom(9080, 9443), connectionPool: connectionPools, outlierDetection: outlierDetections }, { requiredKeys: ['port'] }),
      { minLength: 1, maxLength: 2, selector: (s) => s.port }),
  }, { requiredKeys: ['host', 'namespace'] }),
  build: (chart, id, props) => new CircuitBreaker(chart, id, props as CircuitBreakerProps),
};

const policyOptions = { connectionPool: connectionPools, outlierDetection: outlierDetections, loadBalancer: loadBalancers, tls: clientTls };

const destinationPolicy: Target = {
  name: 'DestinationPolicy',
  environment: Environment.PROD,
  fixtures: declareOutside,
  props: fc.record({
    host: hosts,
    namespace: fc.constant('bookinfo'),
    ...policyOptions,
    subsets: fc.uniqueArray(fc.record({ subset: subsets, ...policyOptions }, { requiredKeys: ['subset'] }), { maxLength: 2, selector: (s) => s.subset.label }),
    portLevelSettings: fc.uniqueArray(fc.record({ port: fc.constantFrom(9080, 9443), ...policyOptions }, { requiredKeys: ['port'] }), { minLength: 1, maxLength: 2, selector: (s) => s.port }),
  }, { requiredKeys: ['host', 'namespace'] }),
  build: (chart, id, props) => new DestinationPolicy(chart, id, props as DestinationPolicyProps),
};

/** Ports with unique numbers and names (given or the default `<protocol>-<number>`), and endpoints that map those names. */
const servicePorts = fc.uniqueArray(fc.record({
  number: fc.constantFrom(443, 80, 8443, 5432),
  protocol: fc.constantFrom(...Object.values(ServiceProtocol)),
  name: fc.constantFrom(undefined, undefined, 'api', 'db'),
  targetPort: fc.constantFrom(8443, 9443),
}, { requiredKeys: ['number', 'protocol'] }), { minLength: 1, maxLength: 3, selector: (p) => p.number })
  .map((ports) => ports.map((p, i) => (p.name === undefined ? (({ name: _n, ...rest }) => rest)(p) : { ...p, name: `${p.name}-${i}` })));

const externalService: Target = {
  name: 'ExternalService',
  environment: Environment.PROD,
  fixtures: declareOutside,
  props: fc.record({
    namespace: fc.constant('shop'),
    name: fc.constantFrom('stripe-api', 'payments'),
    hosts: fc.uniqueArray(fc.constantFrom('api.example.com', '*.example.com', 'pay.example.org', 'db.internal'), { minLength: 1, maxLength: 2 }),
    ports: servicePorts,
    location: fc.constantFrom(...Object.values(ServiceLocation)),
    addresses: fc.uniqueArray(fc.constantFrom('203.0.113.10', '203.0.113.11', '203.0.113.12', '10.10.0.0/24'), { minLength: 1, maxLength: 2 }),
    exportTo: fc.uniqueArray(fc.constantFrom('.', 'bookinfo', 'frontend'), { minLength: 1, maxLength: 2 }),
  }, { requiredKeys: ['namespace', 'hosts', 'ports'] }).chain((base) => {
    const names = base.ports.map((p) => (p as { name?: string }).name ?? `${p.protocol.toLowerCase()}-${p.number}`);
    const endpoints = fc.array(fc.record({
      address: fc.constantFrom('203.0.113.5', '203.0.113.6'),
      ports: fc.tuple(fc.constantFrom(...names), fc.integer({ min: 1, max: 65535 })).map(([n, p]) => mapOf({ [n]: p })),
      labels: fc.constantFrom('v1', 'v2').map((v) => mapOf({ version: v })),
      weight: fc.integer({ min: 1, max: 100 }),
    }, { requiredKeys: ['address'] }), { minLength: 1, maxLength: 2 });
    return fc.oneof(
      fc.constant(base),
      fc.constantFrom(ServiceResolution.NONE, ServiceResolution.DNS, ServiceResolution.DNS_ROUND_ROBIN).map((resolution) => ({ ...base, resolution })),
      endpoints.map((e) => ({ ...base, resolution: ServiceResolution.STATIC, endpoints: e })),
    );
  }),
  build: (chart, id, props) => new ExternalService(chart, id, props as ExternalServiceProps),
};

const localRateLimit: Target = {
  name: 'LocalRateLimit',
  environment: Environment.PROD,
  fixtures: declareOutside,
  props: fc.integer({ min: 1, max: 10_000 }).chain((maxTokens) => fc.record({
    namespace: fc.constant('bookinfo'),
    name: fc.constantFrom('productpage-limit', 'edge'),
    selector: fc.constantFrom('productpage', 'reviews').map(selectorOf),
    context: fc.constantFrom(...Object.values(RateLimitContext)),
    maxTokens: fc.oneof({ weight: 20, arbitrary: fc.constant(maxTokens) }, { weight: 1, arbitrary: counters }),
    tokensPerFill: fc.integer({ min: 1, max: maxTokens }),
    fillInterval: fc.oneof({ weight: 20, arbitrary: fc.integer({ min: 50, max: 60_000 }).map(duration) }, { weight: 1, arbitrary: durations }),
    responseHeader: fc.record({ name: fc.constantFrom('x-local-rate-limit', 'x-limited'), value: fc.constantFrom('true', '1') }),
    statPrefix: fc.constantFrom('http_local_rate_limiter', 'edge_limit'),
  }, { requiredKeys: ['namespace', 'selector', 'maxTokens', 'fillInterval'] })),
  build: (chart, id, props) => new LocalRateLimit(chart, id, props as LocalRateLimitProps),
};

const sidecarHosts = fc.uniqueArray(fc.constantFrom('./*', 'istio-system/*', '*/api.example.com', 'bookinfo/reviews.bookinfo.svc.cluster.local'), { minLength: 1, maxLength: 3 });
const listenerPorts = fc.record({
  number: fc.constantFrom(443, 9080, 8443),
  protocol: fc.constantFrom(...Object.values(ServiceProtocol)),
  name: fc.constantFrom('tls-443', 'http'),
}, { requiredKeys: ['number', 'protocol'] });

const sidecarScope: Target = {
  name: 'SidecarScope',
  environment: Environment.PROD,
  fixtures: declareOutside,
  props: fc.tuple(fc.record({
    namespace: fc.constant('bookinfo'),
    name: fc.constantFrom('default', 'reviews-egress'),
    selector: fc.constantFrom('reviews', 'ratings').map(selectorOf),
    outboundTrafficPolicy: fc.constantFrom('REGISTRY_ONLY', 'ALLOW_ANY').map((m) => fixed(`OutboundTraffic.${m}`, () => (OutboundTraffic as any)[m])),
  }, { requiredKeys: ['namespace'] }), fc.oneof(
    sidecarHosts.map((hosts) => ({ hosts })),
    // Listeners with ports, then (mostly) a catch-all listener last, as ISTIO-RULES C1 wants.
    fc.tuple(fc.array(fc.record({ hosts: sidecarHosts, port: listenerPorts }), { maxLength: 2 }), fc.option(sidecarHosts, { freq: 5 }))
      .filter(([ported, last]) => ported.length > 0 || last !== null)
      .map(([ported, last]) => ({ egress: [...ported, ...(last !== null ? [{ hosts: last }] : [])] })),
  )).map(([base, listeners]) => ({ ...base, ...listeners })),
  build: (chart, id, props) => new SidecarScope(chart, id, props as SidecarScopeProps),
};

describe('fuzz: traffic constructs at the API boundary', () => {
  test.each([circuitBreaker, destinationPolicy, externalService, localRateLimit, sidecarScope].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      expectClean(fuzzConstruct(target, 40));
    }, FUZZ_TIMEOUT);
});
