/**
 * MeshScraping: Prometheus Operator monitors, the raw scrape_configs fragment, federation recording rules.
 */
import { Duration } from 'cdk8s';
import * as YAML from 'yaml';
import * as istio from '../../lib';
import { analyzed, errorOf, find, meshChart, synthValid } from '../support/charts';
import { expectPromql } from '../support/promql';

const KEEP_PROXY = { sourceLabels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name'], regex: 'istio-proxy;.*-envoy-prom', action: 'keep' };
const POD_LABELS = [
  { sourceLabels: ['__meta_kubernetes_namespace'], action: 'replace', targetLabel: 'namespace' },
  { sourceLabels: ['__meta_kubernetes_pod_name'], action: 'replace', targetLabel: 'pod' },
];

describe('MeshScraping', () => {
  test('merged metrics (Istio\'s default): Envoy at 15020 /stats/prometheus, istiod on http-monitoring, recording rules', () => {
    // GIVEN a mesh that merges metrics
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });

    // WHEN
    const scraping = new istio.MeshScraping(chart, 'scraping', { controlPlane, labels: { release: 'prometheus' } });

    // THEN
    expect(scraping.mergedMetrics).toBe(true);
    const objs = synthValid(chart);
    expect(find(objs, 'PodMonitor', 'envoy-stats', 'istio-system').spec).toStrictEqual({
      jobLabel: 'envoy-stats',
      namespaceSelector: { any: true },
      selector: { matchExpressions: [{ key: 'istio-prometheus-ignore', operator: 'DoesNotExist' }] },
      podMetricsEndpoints: [{
        path: '/stats/prometheus',
        interval: '15s',
        relabelings: [
          KEEP_PROXY,
          { sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '([^:]+)', targetLabel: '__address__', replacement: '$1:15020', action: 'replace' },
          { sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+:.+)', targetLabel: '__address__', replacement: '[$1]:15020', action: 'replace' },
          ...POD_LABELS,
        ],
      }],
    });
    expect(find(objs, 'ServiceMonitor', 'istiod-1-30-3', 'istio-system')).toStrictEqual({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'istiod-1-30-3', namespace: 'istio-system', labels: { release: 'prometheus' } },
      spec: {
        jobLabel: 'istiod',
        namespaceSelector: { matchNames: ['istio-system'] },
        selector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': '1-30-3' } },
        endpoints: [{ port: 'http-monitoring', interval: '15s' }],
      },
    });
    const rules = find(objs, 'PrometheusRule', 'istio-federation', 'istio-system').spec.groups[0].rules;
    expect(rules[0]).toStrictEqual({ record: 'workload:istio_requests_total', expr: 'sum without (instance, pod, namespace, container, endpoint) (istio_requests_total)' });
    expect(rules.map((r: any) => r.record)).toHaveLength(14);
    expectPromql(istio.MeshScraping.recordingRuleExpressions().map((r) => ({ name: r.record, expression: r.expression })));
    expect(objs.filter((o) => o.kind === 'PodMonitor').map((o) => o.metadata.name)).toStrictEqual(['envoy-stats']);
    expect(analyzed(chart).filter((f) => f.startsWith('Error'))).toStrictEqual([]);
  });

  test('without merged metrics: the -envoy-prom port itself', () => {
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { meshConfig: { enablePrometheusMerge: false } });
    const scraping = new istio.MeshScraping(chart, 'scraping', { controlPlane, recordingRules: false, interval: Duration.seconds(30) });
    expect(scraping.mergedMetrics).toBe(false);
    const objs = synthValid(chart);
    expect(find(objs, 'PodMonitor', 'envoy-stats').spec.podMetricsEndpoints).toStrictEqual([{ path: '/stats/prometheus', interval: '30s', relabelings: [KEEP_PROXY, ...POD_LABELS] }]);
    expect(objs.filter((o) => o.kind === 'PrometheusRule')).toStrictEqual([]);
  });

  test('ambient: ztunnel on ztunnel-stats (15020) /metrics, in both kinds of configuration', () => {
    // GIVEN an ambient control plane
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { profile: istio.InstallProfile.AMBIENT });

    // WHEN both kinds are asked for
    new istio.MeshScraping(chart, 'scraping', { controlPlane, kinds: [istio.ScrapeConfigKind.PROMETHEUS_OPERATOR, istio.ScrapeConfigKind.SCRAPE_CONFIG] });

    // THEN
    const objs = synthValid(chart);
    expect(find(objs, 'PodMonitor', 'ztunnel').spec).toStrictEqual({
      jobLabel: 'ztunnel',
      namespaceSelector: { matchNames: ['istio-system'] },
      selector: { matchLabels: { app: 'ztunnel' } },
      podMetricsEndpoints: [{ port: 'ztunnel-stats', path: '/metrics', interval: '15s' }],
    });
    const jobs = YAML.parse(find(objs, 'ConfigMap', 'istio-scrape-configs').data['istio-scrape-configs.yaml']);
    expect(jobs.map((j: any) => j.job_name)).toStrictEqual(['istiod', 'envoy-stats', 'ztunnel']);
    expect(jobs[0]).toStrictEqual({
      job_name: 'istiod',
      scrape_interval: '15s',
      kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: ['istio-system'] } }],
      relabel_configs: [
        { source_labels: ['__meta_kubernetes_service_label_app', '__meta_kubernetes_service_label_istio_io_rev', '__meta_kubernetes_endpoint_port_name'], regex: 'istiod;default;http-monitoring', action: 'keep' },
        { source_labels: ['__meta_kubernetes_namespace'], action: 'replace', target_label: 'namespace' },
        { source_labels: ['__meta_kubernetes_pod_name'], action: 'replace', target_label: 'pod' },
      ],
    });
    expect(jobs[1].relabel_configs.slice(0, 3)).toStrictEqual([
      { source_labels: ['__meta_kubernetes_pod_label_istio_prometheus_ignore'], regex: '.+', action: 'drop' },
      { source_labels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name'], regex: 'istio-proxy;.*-envoy-prom', action: 'keep' },
      { source_labels: ['__meta_kubernetes_pod_ip'], regex: '([^:]+)', target_label: '__address__', replacement: '$1:15020', action: 'replace' },
    ]);
    expect(jobs[2].metrics_path).toBe('/metrics');
  });

  test('bad input', () => {
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane');
    expect(errorOf(() => new istio.MeshScraping(chart, 'a', { controlPlane, kinds: [] })))
      .toBe('[prod/a] kinds: [] is empty. Fix: give ScrapeConfigKind.PROMETHEUS_OPERATOR, ScrapeConfigKind.SCRAPE_CONFIG or both');
    expect(errorOf(() => new istio.MeshScraping(chart, 'b', { controlPlane, interval: Duration.millis(500) })))
      .toBe('[prod/b] interval: Duration.millis(500) is not a whole number of seconds from 1 to 3600. Fix: use e.g. Duration.seconds(1)');
    expect(errorOf(() => new istio.MeshScraping(chart, 'c', { controlPlane, kinds: ['OPERATOR' as any] })))
      .toBe('[prod/c] kinds[0]: "OPERATOR" is not a ScrapeConfigKind. Fix: use one of ScrapeConfigKind.PROMETHEUS_OPERATOR, ScrapeConfigKind.SCRAPE_CONFIG');
  });
});
