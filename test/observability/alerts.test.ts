/**
 * MeshAlerts: the mesh's PrometheusRule, its thresholds per environment, and the proxy stats it enables.
 */
import { Duration, Size } from 'cdk8s';
import * as fc from 'fast-check';
import * as istio from '../../lib';
import { analyzed, errorOf, find, meshChart, synthValid } from '../support/charts';
import { expectPromql, promqlErrors } from '../support/promql';

function mesh(env: istio.EnvironmentProfile = istio.Environment.PROD) {
  const chart = meshChart(env);
  const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  return { chart, controlPlane };
}

/** Alert name → its threshold (the number of the first comparison; the second one, if any, is the minimum traffic). */
function thresholdsOf(alerts: readonly istio.MeshAlert[]): Record<string, string> {
  return Object.fromEntries(alerts.map((a) => [a.name, / [<>] ([0-9.e+-]+)/.exec(a.expression)![1]]));
}

describe('MeshAlerts', () => {
  test('PROD: the alert list, each expression as PromQL, the rule valid', () => {
    // GIVEN a PROD mesh
    const { chart, controlPlane } = mesh();

    // WHEN
    const alerts = new istio.MeshAlerts(chart, 'alerts', { controlPlane, labels: { release: 'prometheus' } });

    // THEN the alerts, their thresholds and severities
    expect(alerts.alerts.map((a) => [a.group, a.name, a.severity, a.forDuration])).toStrictEqual([
      ['istio-control-plane', 'IstiodHighMemory', 'warning', '5m'],
      ['istio-control-plane', 'IstiodXdsPushErrors', 'critical', '1m'],
      ['istio-control-plane', 'IstiodXdsRejects', 'warning', '1m'],
      ['istio-control-plane', 'IstioProxyConvergenceSlow', 'warning', '10m'],
      ['istio-control-plane', 'IstioRootCertExpiring', 'critical', '5m'],
      ['istio-control-plane', 'IstioCertChainExpiring', 'critical', '5m'],
      ['istio-data-plane', 'EnvoyUpstreamConnectionOverflow', 'warning', '5m'],
      ['istio-data-plane', 'EnvoyUpstreamPendingOverflow', 'warning', '5m'],
      ['istio-services', 'IstioServiceErrorRate', 'critical', '5m'],
      ['istio-services', 'IstioServiceLatencyP99', 'warning', '10m'],
    ]);
    const expr = Object.fromEntries(alerts.alerts.map((a) => [a.name, a.expression]));
    expect(expr).toStrictEqual({
      IstiodHighMemory: 'max by (pod) (container_memory_working_set_bytes{namespace="istio-system", container="discovery"}) > 4294967296',
      IstiodXdsPushErrors: 'sum by (pod, type) (increase(pilot_xds_pushes{type=~".*_senderr"}[5m])) > 0',
      IstiodXdsRejects: 'sum by (pod, type) (increase(pilot_total_xds_rejects[10m])) > 0',
      IstioProxyConvergenceSlow: 'histogram_quantile(0.99, sum by (le) (rate(pilot_proxy_convergence_time_bucket[5m]))) > 10',
      IstioRootCertExpiring: 'min by (pod) (citadel_server_root_cert_expiry_seconds) < 2592000',
      IstioCertChainExpiring: 'min by (pod) (citadel_server_cert_chain_expiry_seconds) < 2592000',
      EnvoyUpstreamConnectionOverflow: 'sum by (namespace, pod, cluster_name) (increase(envoy_cluster_upstream_cx_overflow[5m])) > 0',
      EnvoyUpstreamPendingOverflow: 'sum by (namespace, pod, cluster_name) (increase(envoy_cluster_upstream_rq_pending_overflow[5m])) > 0',
      IstioServiceErrorRate: 'sum by (destination_service) (rate(istio_requests_total{reporter=~"destination|waypoint", response_code=~"5.."}[5m]))'
        + ' / sum by (destination_service) (rate(istio_requests_total{reporter=~"destination|waypoint"}[5m])) > 0.02'
        + ' and sum by (destination_service) (rate(istio_requests_total{reporter=~"destination|waypoint"}[5m])) > 0.1',
      IstioServiceLatencyP99: 'histogram_quantile(0.99, sum by (le, destination_service) (rate(istio_request_duration_milliseconds_bucket{reporter=~"destination|waypoint"}[5m]))) > 1000'
        + ' and sum by (destination_service) (rate(istio_requests_total{reporter=~"destination|waypoint"}[5m])) > 0.1',
    });
    expectPromql(alerts.alerts);

    // AND the PrometheusRule carries them, valid and clean for the analyzer
    const objs = synthValid(chart);
    const rule = find(objs, 'PrometheusRule', 'istio-alerts', 'istio-system');
    expect(rule.metadata.labels).toStrictEqual({ release: 'prometheus' });
    expect(rule.spec.groups.map((g: any) => g.name)).toStrictEqual(['istio-control-plane', 'istio-data-plane', 'istio-services']);
    expect(rule.spec.groups[0].rules[0]).toStrictEqual({
      alert: 'IstiodHighMemory',
      expr: expr.IstiodHighMemory,
      for: '5m',
      labels: { severity: 'warning' },
      annotations: { summary: 'istiod {{ $labels.pod }} uses {{ $value | humanize1024 }}B of memory, above 4Gi' },
    });
    expect(analyzed(chart).filter((f) => f.startsWith('Error'))).toStrictEqual([]);
  });

  test('the overflow counters are added to the mesh\'s proxyStatsMatcher, after the control plane\'s own', () => {
    // GIVEN a control plane that keeps outlier stats
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { meshConfig: { proxyStatsMatcher: { inclusionRegexps: ['.*outlier_detection.*'], inclusionSuffixes: ['upstream_cx_overflow'] } } });

    // WHEN
    new istio.MeshAlerts(chart, 'alerts', { controlPlane });

    // THEN
    expect(controlPlane.toSpec().meshConfig.defaultConfig.proxyStatsMatcher).toStrictEqual({
      inclusionSuffixes: ['upstream_cx_overflow', 'upstream_rq_pending_overflow'],
      inclusionRegexps: ['.*outlier_detection.*'],
    });
    expect(find(synthValid(chart), 'IstioOperator', 'control-plane').spec.meshConfig.defaultConfig.proxyStatsMatcher.inclusionSuffixes)
      .toStrictEqual(['upstream_cx_overflow', 'upstream_rq_pending_overflow']);
  });

  test.each([
    ['DEV', istio.Environment.DEV, { IstiodHighMemory: '536870912', IstiodXdsPushErrors: '10', IstiodXdsRejects: '10', IstioProxyConvergenceSlow: '30', IstioRootCertExpiring: '604800', EnvoyUpstreamConnectionOverflow: '100', IstioServiceErrorRate: '0.1', IstioServiceLatencyP99: '5000' }],
    ['STAGING', istio.Environment.STAGING, { IstiodHighMemory: '2147483648', IstiodXdsPushErrors: '0', IstiodXdsRejects: '0', IstioProxyConvergenceSlow: '10', IstioRootCertExpiring: '2592000', EnvoyUpstreamConnectionOverflow: '10', IstioServiceErrorRate: '0.05', IstioServiceLatencyP99: '2000' }],
  ])('%s thresholds', (_name, env, expected) => {
    const { chart, controlPlane } = mesh(env);
    const t = thresholdsOf(new istio.MeshAlerts(chart, 'alerts', { controlPlane }).alerts);
    expect(Object.fromEntries(Object.keys(expected).map((k) => [k, t[k]]))).toStrictEqual(expected);
  });

  test('thresholds, per-service overrides and gateways', () => {
    // GIVEN a mesh with a gateway
    const { chart, controlPlane } = mesh();
    const ingress = new istio.IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', controlPlane, servers: [istio.GatewayServer.http({ hosts: ['shop.example.com'] })] });

    // WHEN
    const alerts = new istio.MeshAlerts(chart, 'alerts', {
      controlPlane,
      thresholds: { istiodMemory: Size.gibibytes(6), errorRatio: istio.Percentage.of(1), p99Latency: Duration.millis(800) },
      serviceOverrides: [{ host: 'reviews.bookinfo.svc.cluster.local', p99Latency: Duration.millis(300) }],
      gateways: [ingress],
    });

    // THEN
    const byName = Object.fromEntries(alerts.alerts.map((a) => [a.name, a.expression]));
    expect(byName.IstiodHighMemory).toBe('max by (pod) (container_memory_working_set_bytes{namespace="istio-system", container="discovery"}) > 6442450944');
    expect(byName.IstioServiceLatencyP99).toBe('histogram_quantile(0.99, sum by (le, destination_service) (rate(istio_request_duration_milliseconds_bucket{reporter=~"destination|waypoint", destination_service!~"reviews\\\\.bookinfo\\\\.svc\\\\.cluster\\\\.local"}[5m]))) > 800'
      + ' and sum by (destination_service) (rate(istio_requests_total{reporter=~"destination|waypoint", destination_service!~"reviews\\\\.bookinfo\\\\.svc\\\\.cluster\\\\.local"}[5m])) > 0.1');
    expect(byName.IstioServiceLatencyP99_ReviewsBookinfo).toMatch(/destination_service="reviews\.bookinfo\.svc\.cluster\.local"\}\[5m\]\)\)\) > 300 and /);
    expect(byName.IstioServiceErrorRate_ReviewsBookinfo).toMatch(/ > 0\.01 and /);
    expect(byName.IstioGatewayErrorRate).toBe('sum by (source_workload_namespace, source_workload) (rate(istio_requests_total{reporter="source", source_workload_namespace="istio-ingress", source_workload="ingress", response_code=~"5.."}[5m]))'
      + ' / sum by (source_workload_namespace, source_workload) (rate(istio_requests_total{reporter="source", source_workload_namespace="istio-ingress", source_workload="ingress"}[5m])) > 0.01'
      + ' and sum by (source_workload_namespace, source_workload) (rate(istio_requests_total{reporter="source", source_workload_namespace="istio-ingress", source_workload="ingress"}[5m])) > 0.1');
    expectPromql(alerts.alerts);
    synthValid(chart);
  });

  test('any thresholds render parseable PromQL (property)', () => {
    fc.assert(fc.property(
      fc.record({
        memMi: fc.integer({ min: 1, max: 1 << 20 }),
        count: fc.integer({ min: 0, max: 1_000_000 }),
        seconds: fc.integer({ min: 1, max: 3600 }),
        ratio: fc.double({ min: 0.001, max: 100, noNaN: true }),
        latencyMs: fc.integer({ min: 1, max: 3_600_000 }),
        rate: fc.double({ min: 0, max: 1e9, noNaN: true }),
      }),
      (v) => {
        const { chart, controlPlane } = mesh();
        const alerts = new istio.MeshAlerts(chart, 'alerts', {
          controlPlane,
          thresholds: {
            istiodMemory: Size.mebibytes(v.memMi), xdsSendErrors: v.count, xdsRejects: v.count, connectionPoolOverflows: v.count,
            proxyConvergence: Duration.seconds(v.seconds), errorRatio: istio.Percentage.of(v.ratio), p99Latency: Duration.millis(v.latencyMs), minRequestRate: v.rate,
          },
        });
        for (const a of alerts.alerts) expect(promqlErrors(a.expression)).toStrictEqual([]);
      },
    ), { numRuns: 25 });
  });

  test('bad thresholds name the field, the value and the fix', () => {
    const { chart, controlPlane } = mesh();
    expect(errorOf(() => new istio.MeshAlerts(chart, 'a', { controlPlane, thresholds: { errorRatio: istio.Percentage.of(120) } })))
      .toBe('[prod/a] thresholds.errorRatio: 120 is not a finite number from 0 to 100. Fix: give a percentage from 0 to 100, e.g. Percentage.of(5)');
    expect(errorOf(() => new istio.MeshAlerts(chart, 'b', { controlPlane, thresholds: { errorRatio: 5 as any } })))
      .toBe('[prod/b] thresholds.errorRatio: 5 is a number, not a Percentage. Fix: use Percentage.of(n) with n from 0 to 100');
    expect(errorOf(() => new istio.MeshAlerts(chart, 'c', { controlPlane, thresholds: { proxyConvergence: Duration.millis(1500) } })))
      .toBe('[prod/c] thresholds.proxyConvergence: Duration.millis(1500) is not a whole number of seconds from 1 to 3600. Fix: use e.g. Duration.seconds(1)');
    expect(errorOf(() => new istio.MeshAlerts(chart, 'd', { controlPlane, thresholds: { istiodMemory: '4Gi' as any } })))
      .toBe('[prod/d] thresholds.istiodMemory: "4Gi" is a string, not a cdk8s Size. Fix: use Size.mebibytes() or Size.gibibytes() from cdk8s');
    expect(errorOf(() => new istio.MeshAlerts(chart, 'e', { controlPlane, serviceOverrides: [{ host: 'Reviews' }] })))
      .toBe('[prod/e] serviceOverrides[0].host: "Reviews" is not a service host. Fix: give the fully qualified host, e.g. "reviews.bookinfo.svc.cluster.local"');
    expect(errorOf(() => new istio.MeshAlerts(chart, 'f', { controlPlane, thresholds: { errorRatio: istio.Percentage.of(0) } })))
      .toBe('[prod/f] thresholds.errorRatio: "Percentage.of(0)" would fire on every request. Fix: give a percentage above 0, e.g. Percentage.of(5)');
    expect(errorOf(() => new istio.MeshAlerts(chart, 'g', {} as any)))
      .toBe('[prod/g] controlPlane: undefined is missing (MeshAlertsProps requires it). Fix: give controlPlane');
  });
});
