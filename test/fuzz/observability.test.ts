/** Fuzzing the observability constructs at the API boundary (see ./harness). */
import { Duration, Size } from 'cdk8s';
import * as fc from 'fast-check';
import {
  CustomTag, Environment, IstioMetric, KialiConfig, KialiConfigProps, KialiTracingProvider, MeshAlerts, MeshAlertsProps, MeshChart, MeshControlPlane,
  MeshDashboards, MeshDashboardsProps, MeshScraping, MeshScrapingProps, MeshTelemetry, MeshTelemetryProps, MetricOverride, Percentage, ScrapeConfigKind,
  TagOverride, TelemetryMode, TelemetryScope, Tracing, WorkloadSelector,
} from '../../lib';
import { expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, make, mapOf, Target } from './harness';
import { declareOutside } from './support';

/** The control plane of the chart being fuzzed. */
let controlPlane: MeshControlPlane | undefined;

function fixtures(chart: MeshChart): void {
  declareOutside(chart);
  controlPlane = new MeshControlPlane(chart, 'cp', {
    revision: '1-30-3',
    meshConfig: { tracing: Tracing.openTelemetry({ service: 'otel-collector.observability.svc.cluster.local', port: 4317 }) },
  });
}

const cp = fc.constant(fixed('the chart\'s MeshControlPlane', () => controlPlane));
const labels = fc.dictionary(fc.constantFrom('release', 'team'), fc.constantFrom('prometheus', 'platform'), { maxKeys: 2 }).map((m) => mapOf({ ...m }));

const telemetry: Target = {
  name: 'MeshTelemetry',
  environment: Environment.PROD,
  fixtures,
  props: fc.record({
    scope: fc.oneof(
      fc.constant(fixed('TelemetryScope.mesh({ controlPlane })', () => TelemetryScope.mesh({ controlPlane }))),
      fc.constant(make('TelemetryScope.namespace', (ns) => TelemetryScope.namespace(ns), 'bookinfo')),
      fc.constant(make('TelemetryScope.workload', (ns, s) => TelemetryScope.workload(ns, s), 'bookinfo', WorkloadSelector.labels({ app: 'reviews' }))),
    ),
    tracing: fc.record({
      providers: fc.constant(['otel']),
      samplingPercentage: fc.double({ min: 0, max: 100, noNaN: true }),
      customTags: fc.array(fc.oneof(
        fc.constant(make('CustomTag.header', (t, h) => CustomTag.header(t, h), 'ua', 'user-agent')),
        fc.constant(make('CustomTag.literal', (t, v) => CustomTag.literal(t, v), 'cluster', 'eu-1')),
      ), { maxLength: 1 }),
      disableSpanReporting: fc.boolean(),
    }, { requiredKeys: [] }),
    metrics: fc.record({
      overrides: fc.array(fc.oneof(
        fc.constantFrom(...Object.values(IstioMetric)).map((m) => make('MetricOverride.disable', (x, o) => MetricOverride.disable(x, o), m, { mode: TelemetryMode.CLIENT })),
        fc.constant(make('MetricOverride.tags', (x, t) => MetricOverride.tags(x, t), IstioMetric.REQUEST_COUNT, [TagOverride.upsert('host', 'request.host')])),
      ), { minLength: 1, maxLength: 2 }),
    }),
    accessLogging: fc.record({ filter: fc.constantFrom('response.code >= 400', 'response.code >= 500 || connection.mtls == false'), mode: fc.constantFrom(...Object.values(TelemetryMode)) }, { requiredKeys: [] }),
  }, { requiredKeys: [] }),
  build: (chart, id, props) => new MeshTelemetry(chart, id, props as MeshTelemetryProps),
};

const alerts: Target = {
  name: 'MeshAlerts',
  environment: Environment.STAGING,
  fixtures,
  props: fc.record({
    controlPlane: cp,
    thresholds: fc.record({
      istiodMemory: fc.integer({ min: 1, max: 16 }).map((n) => fixed(`Size.gibibytes(${n})`, () => Size.gibibytes(n), false)),
      xdsSendErrors: fc.integer({ min: 0, max: 100 }),
      proxyConvergence: fc.integer({ min: 1, max: 60 }).map((n) => fixed(`Duration.seconds(${n})`, () => Duration.seconds(n), false)),
      errorRatio: fc.double({ min: 0.1, max: 50, noNaN: true }).map((n) => make('Percentage.of', (x) => Percentage.of(x), n)),
      p99Latency: fc.integer({ min: 1, max: 10_000 }).map((n) => fixed(`Duration.millis(${n})`, () => Duration.millis(n), false)),
      minRequestRate: fc.double({ min: 0, max: 100, noNaN: true }),
    }, { requiredKeys: [] }),
    serviceOverrides: fc.array(fc.record({ host: fc.constantFrom('reviews.bookinfo.svc.cluster.local', 'cart.shop.svc.cluster.local') }), { maxLength: 1 }),
    labels,
  }, { requiredKeys: ['controlPlane'] }),
  build: (chart, id, props) => new MeshAlerts(chart, id, props as MeshAlertsProps),
};

const scraping: Target = {
  name: 'MeshScraping',
  environment: Environment.PROD,
  fixtures,
  props: fc.record({
    controlPlane: cp,
    kinds: fc.subarray(Object.values(ScrapeConfigKind), { minLength: 1 }),
    interval: fc.integer({ min: 5, max: 120 }).map((n) => fixed(`Duration.seconds(${n})`, () => Duration.seconds(n), false)),
    labels,
    recordingRules: fc.boolean(),
    ztunnel: fc.boolean(),
  }, { requiredKeys: ['controlPlane'] }),
  build: (chart, id, props) => new MeshScraping(chart, id, props as MeshScrapingProps),
};

const dashboards: Target = {
  name: 'MeshDashboards',
  environment: Environment.DEV,
  fixtures,
  props: fc.record({ controlPlane: cp, namespace: fc.constantFrom('istio-system', 'observability'), labels }, { requiredKeys: ['controlPlane'] }),
  build: (chart, id, props) => new MeshDashboards(chart, id, props as MeshDashboardsProps),
};

const kiali: Target = {
  name: 'KialiConfig',
  environment: Environment.PROD,
  fixtures,
  props: fc.record({
    controlPlane: cp,
    prometheusUrl: fc.constantFrom('http://prometheus.observability:9090', 'https://prom.example.com/api'),
    grafana: fc.record({ internalUrl: fc.constant('http://grafana.observability:3000'), externalUrl: fc.constant('https://grafana.example.com') }, { requiredKeys: ['internalUrl'] }),
    tracing: fc.record({
      provider: fc.constantFrom(...Object.values(KialiTracingProvider)),
      internalUrl: fc.constant('http://tracing.observability:16685/jaeger'),
      useGrpc: fc.constant(false),
    }, { requiredKeys: ['internalUrl'] }),
  }, { requiredKeys: ['controlPlane', 'prometheusUrl'] }),
  build: (chart, id, props) => new KialiConfig(chart, id, props as KialiConfigProps),
};

describe('fuzz: observability constructs at the API boundary', () => {
  test.each([telemetry, alerts, scraping, dashboards, kiali].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      expectClean(fuzzConstruct(target, 30));
    }, FUZZ_TIMEOUT);
});
