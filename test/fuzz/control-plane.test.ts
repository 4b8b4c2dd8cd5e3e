/** Fuzzing MeshControlPlane at the API boundary (see ./harness), with every mesh-config value class. */
import * as fc from 'fast-check';
import {
  AccessLog, Environment, ExtAuthzProvider, InstallProfile, MeshControlPlane,
  MeshControlPlaneProps, OutboundTraffic, PathNormalization, SidecarResources, Tracing,
} from '../../lib';
import { data, expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, make, mapOf, Target } from './harness';
import { declareOutside, durations, labelMaps, sizingFields, sizingResources } from './support';

/** istiod's sizing: 1 to 5 replicas, a PodDisruptionBudget of 1 or 2 (so some cases block every drain, which must be refused). */
const sizing = sizingFields({ min: 1, max: 5 }, { min: 1, max: 2 });

const tolerations = fc.array(fc.oneof(
  fc.record({ key: fc.constantFrom('dedicated', 'node-role.kubernetes.io/control-plane'), operator: fc.constant('Equal'), value: fc.constantFrom('istio', ''), effect: fc.constantFrom('NoSchedule', 'PreferNoSchedule') },
    { requiredKeys: ['key'] }),
  fc.record({ key: fc.constant('dedicated'), operator: fc.constant('Exists'), effect: fc.constant('NoExecute'), tolerationSeconds: fc.integer({ min: 0, max: 3600 }) },
    { requiredKeys: ['operator'] }),
), { minLength: 1, maxLength: 2 });

const tracing = fc.oneof(
  fc.constant(make('Tracing.disabled', () => Tracing.disabled())),
  fc.record({ address: fc.constant('zipkin.istio-system:9411'), samplingPercent: fc.double({ min: 0, max: 100, noNaN: true }) }, { requiredKeys: ['address'] })
    .map((o) => make('Tracing.zipkin', (x) => Tracing.zipkin(x), o)),
  fc.record({ service: fc.constant('otel-collector.observability.svc.cluster.local'), port: fc.constant(4317), name: fc.constantFrom('otel', 'traces'), samplingPercent: fc.integer({ min: 0, max: 100 }) },
    { requiredKeys: ['service', 'port'] }).map((o) => make('Tracing.openTelemetry', (x) => Tracing.openTelemetry(x), o)),
);

const authorizer = {
  name: fc.constantFrom('ext-authz', 'authz-http'),
  service: fc.constant('ext-authz.auth.svc.cluster.local'),
  port: fc.constant(9000),
  timeout: durations,
  failOpen: fc.boolean(),
  statusOnError: fc.constantFrom(403, 503),
  includeRequestBodyInCheck: fc.record({ maxRequestBytes: fc.integer({ min: 1, max: 65536 }), allowPartialMessage: fc.boolean(), packAsBytes: fc.boolean() }, { requiredKeys: ['maxRequestBytes'] }),
  clearRouteCache: fc.boolean(),
};
const extAuthz = fc.oneof(
  fc.record(authorizer, { requiredKeys: ['name', 'service', 'port'] }).map((o) => make('ExtAuthzProvider.grpc', (x) => ExtAuthzProvider.grpc(x), o)),
  fc.record({
    ...authorizer,
    pathPrefix: fc.constant('/authz'),
    includeRequestHeadersInCheck: fc.constant(['cookie', 'x-api-key']),
    includeAdditionalHeadersInCheck: fc.constant(mapOf({ 'x-ext-authz': 'allow' })),
    headersToUpstreamOnAllow: fc.constant(['x-user-id']),
  }, { requiredKeys: ['name', 'service', 'port'] }).map((o) => make('ExtAuthzProvider.http', (x) => ExtAuthzProvider.http(x), o)),
);

const meshConfig = fc.record({
  accessLog: fc.oneof(
    fc.record({ file: fc.constant('/dev/stdout'), fields: fc.constant(mapOf({ status: '%RESPONSE_CODE%' })) }, { requiredKeys: [] }).map((o) => make('AccessLog.json', (x) => AccessLog.json(x), o)),
    fc.record({ file: fc.constant('/var/log/access.log'), format: fc.constant('[%START_TIME%] %RESPONSE_CODE%\n') }, { requiredKeys: [] }).map((o) => make('AccessLog.text', (x) => AccessLog.text(x), o)),
    fc.constant(make('AccessLog.disabled', () => AccessLog.disabled())),
  ),
  tracing,
  extAuthzProviders: fc.uniqueArray(extAuthz, { minLength: 1, maxLength: 2, selector: (m) => (m.args[0] as { name: string }).name }),
  pathNormalization: fc.constantFrom(...Object.values(PathNormalization)),
  outboundTrafficPolicy: fc.constantFrom('REGISTRY_ONLY', 'ALLOW_ANY').map((m) => fixed(`OutboundTraffic.${m}`, () => (OutboundTraffic as any)[m])),
  discoverySelectors: fc.array(fc.record({
    matchLabels: fc.constant(mapOf({ 'istio-discovery': 'enabled' })),
    matchExpressions: fc.array(fc.oneof(
      fc.record({ key: fc.constant('istio.io/rev'), operator: fc.constantFrom('Exists', 'DoesNotExist') }),
      fc.record({ key: fc.constant('team'), operator: fc.constantFrom('In', 'NotIn'), values: fc.constant(['shop', 'web']) }),
    ), { minLength: 1, maxLength: 2 }),
  }, { requiredKeys: ['matchLabels'] }), { minLength: 1, maxLength: 2 }),
  enablePrometheusMerge: fc.boolean(),
  holdApplicationUntilProxyStarts: fc.boolean(),
  concurrency: fc.integer({ min: 0, max: 8 }),
  proxyStatsMatcher: fc.record({
    inclusionPrefixes: fc.constant(['cluster.outbound']),
    inclusionSuffixes: fc.constant(['upstream_rq_timeout']),
    inclusionRegexps: fc.constant(['.*outlier_detection.*']),
  }, { requiredKeys: [] }),
  dnsCapture: fc.constant(true),
  dnsAutoAllocate: fc.boolean(),
  proxyMetadata: fc.constant(mapOf({ ISTIO_META_IDLE_TIMEOUT: '30s' })),
}, { requiredKeys: [] });

const meshControlPlane: Target = {
  name: 'MeshControlPlane',
  environment: Environment.PROD,
  fixtures: declareOutside,
  props: fc.record({
    environment: fc.constantFrom('DEV', 'STAGING', 'PROD').map((e) => data(`Environment.${e}`, () => (Environment as any)[e])),
    profile: fc.constantFrom(InstallProfile.MINIMAL, InstallProfile.DEFAULT, InstallProfile.AMBIENT, InstallProfile.DEMO),
    hub: fc.constantFrom('docker.io/istio', 'registry.example.com/istio'),
    tag: fc.constantFrom('1.30.3', '1.30.2'),
    revision: fc.constant('1-30-3'),
    namespace: fc.constantFrom('istio-system'),
    name: fc.constantFrom('control-plane', 'istiod'),
    pilot: fc.record({
      ...sizing,
      nodeSelector: labelMaps,
      tolerations,
      env: fc.constant(mapOf({ PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' })),
      priorityClassName: fc.constant('system-cluster-critical'),
    }, { requiredKeys: [] }),
    meshConfig,
    sidecarResources: fc.oneof(
      fc.constantFrom('ENVIRONMENT', 'OPTIMIZED').map((k) => fixed(`SidecarResources.${k}`, () => (SidecarResources as any)[k])),
      sizingResources.map((r) => make('SidecarResources.custom', (x) => SidecarResources.custom(x), r)),
    ),
    ingressGateways: fc.uniqueArray(fc.record({
      name: fc.constantFrom('istio-ingressgateway', 'edge-gateway'),
      namespace: fc.constant('istio-system'),
      labels: fc.constantFrom('ingressgateway', 'edge').map((v) => mapOf({ istio: v })),
      replicas: fc.integer({ min: 1, max: 3 }),
    }, { requiredKeys: ['name'] }), { minLength: 1, maxLength: 2, selector: (g) => g.name }),
    cni: fc.boolean(),
  }, { requiredKeys: [] }),
  build: (chart, id, props) => new MeshControlPlane(chart, id, props as MeshControlPlaneProps),
};

describe('fuzz: MeshControlPlane at the API boundary', () => {
  test('MeshControlPlane: our error or a valid, analyzed, reproducible IstioOperator; no raw exception, no silent drop', () => {
    expectClean(fuzzConstruct(meshControlPlane, 40));
  }, FUZZ_TIMEOUT);
});
