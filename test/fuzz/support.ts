/**
 * Arbitraries shared by the fuzz targets (durations, counters, value-class recipes) and the
 * ExternalResources every fuzz chart declares, so that plausible output passes the analyzer.
 */
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AntiAffinityMode, AutoscalingSetting, ClientTls, ConnectionPoolOptions, DisruptionBudgetSetting, ExternalResources, H2UpgradePolicy, LoadBalancer, MeshChart,
  OutlierDetectionOptions, Subset, WorkloadSelector,
} from '../../lib';
import { fixed, make, Make, mapOf } from './harness';

/** A cdk8s Duration of `ms` milliseconds (cdk8s's factory: its arguments are not fuzzed). */
export function duration(ms: number): Make {
  return fixed(`Duration.millis(${ms})`, () => Duration.millis(ms), false);
}

/** Mostly sensible durations, sometimes zero, sub-millisecond, NaN or longer than the CRDs' CEL rules can parse. */
export const durations = fc.oneof(
  { weight: 60, arbitrary: fc.integer({ min: 1, max: 3_600_000 }).map(duration) },
  { weight: 1, arbitrary: fc.constantFrom(0, 0.5, NaN, 365 * 300 * 86_400_000, 9_223_372_036_855).map(duration) },
);

/** Counters: mostly small, sometimes the int32 edge or beyond. */
export const counters = fc.oneof(
  { weight: 60, arbitrary: fc.integer({ min: 0, max: 100_000 }) },
  { weight: 1, arbitrary: fc.constantFrom(2 ** 31 - 1, 2 ** 31, -1) },
);

/** Requests and limits (every request within its limit). */
export const sizingResources = fc.record({
  requests: fc.record({ cpu: fc.constantFrom('100m', '500m'), memory: fc.constantFrom('128Mi', '512Mi') }),
  limits: fc.record({ cpu: fc.constantFrom('1', '2'), memory: fc.constantFrom('1Gi', '2Gi') }),
});

/** A range of whole numbers. */
export interface Range {
  readonly min: number;
  readonly max: number;
}

/**
 * The fields of sizing overrides (`SizingOverrides`): replicas in `replicas`, resources, an HPA (minimum
 * from `replicas.min` to 3) or none, anti-affinity, a PodDisruptionBudget with `minAvailable` in
 * `minAvailable` or none. Spread into an `fc.record`, alone or among other fields.
 */
export function sizingFields(replicas: Range, minAvailable: Range) {
  return {
    replicas: fc.integer(replicas),
    resources: sizingResources,
    autoscaling: fc.oneof(
      fc.constant(fixed('AutoscalingSetting.NONE', () => AutoscalingSetting.NONE)),
      fc.record({ minReplicas: fc.integer({ min: replicas.min, max: 3 }), maxReplicas: fc.integer({ min: 3, max: 10 }), targetCpuUtilizationPercent: fc.integer({ min: 50, max: 90 }) })
        .map((o) => make('AutoscalingSetting.hpa', (x) => AutoscalingSetting.hpa(x), o)),
    ),
    antiAffinity: fc.record({
      mode: fc.constantFrom(...Object.values(AntiAffinityMode)),
      topologyKey: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'),
      weight: fc.integer({ min: 1, max: 100 }),
    }, { requiredKeys: ['mode', 'topologyKey'] }),
    podDisruptionBudget: fc.oneof(
      fc.constant(fixed('DisruptionBudgetSetting.NONE', () => DisruptionBudgetSetting.NONE)),
      fc.integer(minAvailable).map((n) => make('DisruptionBudgetSetting.minAvailable', (x) => DisruptionBudgetSetting.minAvailable(x), n)),
      fc.constant(make('DisruptionBudgetSetting.maxUnavailable', (x) => DisruptionBudgetSetting.maxUnavailable(x), 1)),
      fc.integer({ min: 1, max: 99 }).map((p) => make('DisruptionBudgetSetting.maxUnavailablePercent', (x) => DisruptionBudgetSetting.maxUnavailablePercent(x), p)),
    ),
  };
}

/** A subset of the reviews or ratings workloads the fixtures declare (Subset is another boundary's; its arguments are not fuzzed). */
export const subsets = fc.constantFrom('v1', 'v2').map((v) => fixed(`Subset.fromLabels("${v}")`, () => Subset.fromLabels(v, { version: v })));

/** A workload selector of a declared workload. */
export function selectorOf(app: string): Make {
  return fixed(`WorkloadSelector.labels({ app: "${app}" })`, () => WorkloadSelector.labels({ app }));
}

/** Connection-pool options, any subset of the fields (rarely both useClientProtocol and the UPGRADE policy, which istiod rejects). */
export const connectionPools: fc.Arbitrary<ConnectionPoolOptions> = fc.record({
  tcp: fc.record({
    maxConnections: counters,
    connectTimeout: durations,
    idleTimeout: fc.oneof(durations, fc.constant(duration(0))),
    maxConnectionDuration: durations,
    tcpKeepalive: fc.record({ probes: counters, time: durations, interval: durations }, { requiredKeys: [] }),
  }, { requiredKeys: [] }),
  http: fc.record({
    http1MaxPendingRequests: counters,
    http2MaxRequests: counters,
    maxRequestsPerConnection: counters,
    maxRetries: counters,
    idleTimeout: durations,
    h2UpgradePolicy: fc.constantFrom(...Object.values(H2UpgradePolicy)),
    useClientProtocol: fc.constantFrom(true, false, false, false, false),
    maxConcurrentStreams: counters,
  }, { requiredKeys: [] }),
}, { requiredKeys: [] }) as fc.Arbitrary<ConnectionPoolOptions>;

/** Outlier-detection options, any subset of the fields (local-origin failures mostly with split errors, as D3 wants). */
export const outlierDetections: fc.Arbitrary<OutlierDetectionOptions> = fc.tuple(fc.record({
  consecutive5xxErrors: counters,
  consecutiveGatewayErrors: counters,
  consecutiveLocalOriginFailures: counters,
  splitExternalLocalOriginErrors: fc.boolean(),
  interval: durations,
  baseEjectionTime: durations,
  maxEjectionPercent: fc.integer({ min: 0, max: 100 }),
  minHealthPercent: fc.integer({ min: 0, max: 100 }),
}, { requiredKeys: [] }), fc.nat(9)).map(([o, dice]) => (o.consecutiveLocalOriginFailures !== undefined && dice > 0 ? { ...o, splitExternalLocalOriginErrors: true } : o)) as fc.Arbitrary<OutlierDetectionOptions>;

const hashOptions = fc.record({ maglevTableSize: fc.constantFrom(65537, 251, 65537, 65536) }, { requiredKeys: [] });

/** Load balancers, from every factory, with their options (now and then a value the factory's checks refuse). */
export const loadBalancers: fc.Arbitrary<Make> = fc.oneof(
  fc.constantFrom('roundRobin', 'leastRequest', 'random', 'passthrough').map((f) => make(`LoadBalancer.${f}`, () => (LoadBalancer as any)[f]())),
  fc.record({ name: fc.constantFrom('session', 'user'), ttl: durations, path: fc.constantFrom('/', '/app'), maglevTableSize: fc.constantFrom(65537, 65537, 65536) }, { requiredKeys: ['name'] })
    .map((o) => make('LoadBalancer.consistentHashCookie', (x) => LoadBalancer.consistentHashCookie(x), o)),
  fc.tuple(fc.constantFrom('x-user-id', 'x-user-id', 'X-User'), hashOptions).map(([n, o]) => make('LoadBalancer.consistentHashHeader', (a, b) => LoadBalancer.consistentHashHeader(a, b), n, o)),
  fc.tuple(fc.constantFrom('user', 'user', ''), hashOptions).map(([n, o]) => make('LoadBalancer.consistentHashQueryParameter', (a, b) => LoadBalancer.consistentHashQueryParameter(a, b), n, o)),
  hashOptions.map((o) => make('LoadBalancer.consistentHashSourceIp', (x) => LoadBalancer.consistentHashSourceIp(x), o)),
);

const tlsCommon = { sni: fc.constantFrom('api.example.com', 'reviews'), subjectAltNames: fc.array(fc.constantFrom('spiffe://cluster.local/ns/bookinfo/sa/reviews', 'api.example.com'), { minLength: 1, maxLength: 2 }) };
/** How SIMPLE / MUTUAL TLS verifies the server: a CA file, a CA Secret, the system CA bundle, or on purpose not at all. */
const verification = fc.oneof(
  fc.constant({ caCertificates: '/etc/certs/ca.pem' }),
  fc.constant({}),
  fc.constant({ credentialName: 'api-ca' }),
  fc.constant({ insecureSkipVerify: true }),
);

/** Client TLS settings, from every factory, with their options. */
export const clientTls: fc.Arbitrary<Make> = fc.oneof(
  fc.constant(make('ClientTls.disable', () => ClientTls.disable())),
  fc.record(tlsCommon, { requiredKeys: [] }).map((o) => make('ClientTls.istioMutual', (x) => ClientTls.istioMutual(x), o)),
  fc.tuple(fc.record({ sni: tlsCommon.sni }, { requiredKeys: [] }), verification).map(([o, v]) => make('ClientTls.simple', (x) => ClientTls.simple(x), { ...o, ...v })),
  fc.tuple(fc.record({ sni: tlsCommon.sni }, { requiredKeys: [] }), fc.oneof(
    fc.constant({ credentialName: 'api-client' }),
    fc.constant({ caCertificates: '/etc/certs/ca.pem', clientCertificate: '/etc/certs/cert.pem', privateKey: '/etc/certs/key.pem' }),
  )).map(([o, v]) => make('ClientTls.mutual', (x) => ClientTls.mutual(x), { ...o, ...v })),
);

/** A label map of a few valid labels. */
export const labelMaps = fc.dictionary(fc.constantFrom('team', 'app.kubernetes.io/part-of', 'tier'), fc.constantFrom('shop', 'web', 'a-b.c'), { minKeys: 1, maxKeys: 3 })
  .map((m) => mapOf({ ...m }));

/**
 * What every fuzz chart declares outside its output: the bookinfo namespace with its Services and
 * workloads, external hosts, the secrets DestinationRules may name, and the collectors and
 * authorizers a mesh config may point at.
 */
export function declareOutside(chart: MeshChart): void {
  new ExternalResources(chart, 'outside', {
    namespaces: ['bookinfo', 'shop', 'istio-system', 'frontend', 'auth', 'observability'],
    services: [
      { namespace: 'bookinfo', name: 'reviews', ports: [9080] },
      { namespace: 'bookinfo', name: 'ratings', ports: [9080] },
      { namespace: 'auth', name: 'ext-authz', ports: [9000] },
      { namespace: 'observability', name: 'otel-collector', ports: [4317] },
    ],
    hosts: ['api.example.com', '*.example.com', 'pay.example.org', 'db.internal'],
    secrets: [{ namespace: 'bookinfo', name: 'api-ca' }, { namespace: 'bookinfo', name: 'api-client' }],
    workloads: [
      ...['reviews', 'ratings'].flatMap((app) => ['v1', 'v2'].map((version) => ({ namespace: 'bookinfo', labels: { app, version } as Record<string, string> }))),
      { namespace: 'bookinfo', labels: { app: 'productpage' } },
    ],
  });
}
