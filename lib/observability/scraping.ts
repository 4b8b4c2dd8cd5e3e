import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as YAML from 'yaml';
import * as l1 from '../../imports/monitoring.coreos.com';
import { MeshDataplaneMode } from '../control-plane/install-target';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { invalidInput } from '../core/errors';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkProps } from '../core/input';
import { checkLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { checkSeconds } from './defaults';
import { PromExpr, promDuration, q } from './promql';

/** What kind of scrape configuration to write. */
export enum ScrapeConfigKind {
  /** Prometheus Operator `PodMonitor` / `ServiceMonitor` objects. */
  PROMETHEUS_OPERATOR = 'PROMETHEUS_OPERATOR',
  /**
   * A ConfigMap holding `scrape_configs` entries (Kubernetes service discovery) to add to a plain
   * Prometheus configuration, or to the Operator's `additionalScrapeConfigs`.
   */
  SCRAPE_CONFIG = 'SCRAPE_CONFIG',
}

/** Props of {@link MeshScraping}. */
export interface MeshScrapingProps {
  /**
   * The control plane: istiod's namespace and revision, whether the mesh merges application and Envoy
   * metrics (`enablePrometheusMerge`), and whether it runs ambient (ztunnel).
   */
  readonly controlPlane: MeshControlPlane;
  /**
   * Which configuration to write.
   * @default [ScrapeConfigKind.PROMETHEUS_OPERATOR]
   */
  readonly kinds?: ScrapeConfigKind[];
  /**
   * Scrape interval.
   * @default Duration.seconds(15)
   */
  readonly interval?: Duration;
  /**
   * Namespace of the monitors, the ConfigMap and the recording rules.
   * @default the control plane's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of every object written, for the Prometheus `podMonitorSelector` / `serviceMonitorSelector`
   * / `ruleSelector` (e.g. `{ release: 'prometheus' }`).
   * @default none
   */
  readonly labels?: { [key: string]: string };
  /**
   * Write the workload-level recording rules Istio recommends for federation (`workload:<metric>`:
   * the standard metrics summed without the pod and instance labels).
   * @default true
   */
  readonly recordingRules?: boolean;
  /**
   * Scrape ztunnel (port 15020, `/metrics`).
   * @default true when the control plane runs an ambient profile
   */
  readonly ztunnel?: boolean;
}

/** The standard metrics the federation recording rules aggregate. */
const FEDERATED_METRICS = [
  'istio_requests_total',
  'istio_request_duration_milliseconds_count', 'istio_request_duration_milliseconds_sum', 'istio_request_duration_milliseconds_bucket',
  'istio_request_bytes_count', 'istio_request_bytes_sum', 'istio_request_bytes_bucket',
  'istio_response_bytes_count', 'istio_response_bytes_sum', 'istio_response_bytes_bucket',
  'istio_tcp_sent_bytes_total', 'istio_tcp_received_bytes_total',
  'istio_tcp_connections_opened_total', 'istio_tcp_connections_closed_total',
];

/** The per-instance labels the recording rules drop. */
const INSTANCE_LABELS = ['instance', 'pod', 'namespace', 'container', 'endpoint'];

/** One relabeling step, as both the Operator and plain Prometheus write it. */
interface Relabel {
  readonly sourceLabels?: string[];
  readonly regex?: string;
  readonly action?: 'keep' | 'replace' | 'labelmap';
  readonly targetLabel?: string;
  readonly replacement?: string;
}

/**
 * Scraping the mesh: istiod (its `http-monitoring` port, 15014), every proxy's Envoy stats, and
 * ztunnel in ambient mode, as Prometheus Operator `ServiceMonitor` / `PodMonitor` objects or as a
 * raw `scrape_configs` fragment in a ConfigMap (or both), plus the workload-level recording rules
 * Istio recommends for federating a mesh's metrics to a global Prometheus.
 *
 * Envoy is scraped where the mesh serves its stats: with `enablePrometheusMerge` (Istio's default)
 * at the agent's merged endpoint, port 15020 `/stats/prometheus` (Envoy, agent and application
 * metrics in one); without it at the `-envoy-prom` container port (15090) `/stats/prometheus`. Only
 * `istio-proxy` containers are scraped, once per pod, with `namespace` and `pod` labels.
 */
export class MeshScraping extends Construct {
  /** The PodMonitor of the proxies, when written. */
  public readonly envoyPodMonitor?: l1.PodMonitor;
  /** The ServiceMonitor of istiod, when written. */
  public readonly istiodServiceMonitor?: l1.ServiceMonitor;
  /** The PodMonitor of ztunnel, when written. */
  public readonly ztunnelPodMonitor?: l1.PodMonitor;
  /** The ConfigMap with the scrape_configs fragment, when written. */
  public readonly scrapeConfig?: kplus.ConfigMap;
  /** The recording rules, when written. */
  public readonly recordingRules?: l1.PrometheusRule;
  /** True when Envoy is scraped at the merged endpoint (15020). */
  public readonly mergedMetrics: boolean;

  constructor(scope: Construct, id: string, props: MeshScrapingProps) {
    super(scope, id);
    props = checkProps(this, props, 'MeshScrapingProps');
    const cp = checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'give the MeshControlPlane of the mesh');
    const kinds = props.kinds === undefined ? [ScrapeConfigKind.PROMETHEUS_OPERATOR]
      : checkArray(this, 'kinds', props.kinds, (k, f) => checkEnum(this, f, k, ScrapeConfigKind, 'ScrapeConfigKind'), { minItems: 1, fix: 'give ScrapeConfigKind.PROMETHEUS_OPERATOR, ScrapeConfigKind.SCRAPE_CONFIG or both' });
    if (new Set(kinds).size !== kinds.length) {
      throw invalidInput(this, 'kinds', kinds, 'names a kind twice', 'name each kind once');
    }
    const interval = promDuration(Duration.millis(checkSeconds(this, 'interval', props.interval ?? Duration.seconds(15), 1, 3600)));
    const namespace = checkDnsLabel(this, 'namespace', props.namespace ?? cp.namespace, 'use a namespace name such as "istio-system"');
    const labels = props.labels === undefined ? undefined : checkLabels(this, 'labels', props.labels);
    this.mergedMetrics = cp.toMeshConfig().enablePrometheusMerge !== false;
    const ambient = cp.dataplaneMode === MeshDataplaneMode.AMBIENT;
    const ztunnel = props.ztunnel === undefined ? ambient : checkBoolean(this, 'ztunnel', props.ztunnel);
    const recording = props.recordingRules === undefined ? true : checkBoolean(this, 'recordingRules', props.recordingRules);
    const metadata = (name: string) => ({ name, namespace, ...(labels ? { labels } : {}) });
    const revision = cp.revision ?? 'default';

    const envoyRelabel = envoyRelabeling(this.mergedMetrics);
    if (kinds.includes(ScrapeConfigKind.PROMETHEUS_OPERATOR)) {
      this.envoyPodMonitor = new l1.PodMonitor(this, 'EnvoyStats', {
        metadata: metadata('envoy-stats'),
        spec: {
          jobLabel: 'envoy-stats',
          namespaceSelector: { any: true },
          selector: { matchExpressions: [{ key: 'istio-prometheus-ignore', operator: 'DoesNotExist' }] },
          podMetricsEndpoints: [{
            path: '/stats/prometheus',
            interval,
            relabelings: envoyRelabel.map(operatorRelabel),
          }],
        },
      });
      this.istiodServiceMonitor = new l1.ServiceMonitor(this, 'Istiod', {
        metadata: metadata(`istiod-${revision}`),
        spec: {
          jobLabel: 'istiod',
          namespaceSelector: { matchNames: [cp.namespace] },
          selector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': revision } },
          endpoints: [{ port: 'http-monitoring', interval }],
        },
      });
      if (ztunnel) {
        this.ztunnelPodMonitor = new l1.PodMonitor(this, 'Ztunnel', {
          metadata: metadata('ztunnel'),
          spec: {
            jobLabel: 'ztunnel',
            namespaceSelector: { matchNames: [cp.namespace] },
            selector: { matchLabels: { app: 'ztunnel' } },
            podMetricsEndpoints: [{ port: 'ztunnel-stats', path: '/metrics', interval }],
          },
        });
      }
    }
    if (kinds.includes(ScrapeConfigKind.SCRAPE_CONFIG)) {
      const jobs = [
        {
          job_name: 'istiod',
          scrape_interval: interval,
          kubernetes_sd_configs: [{ role: 'endpoints', namespaces: { names: [cp.namespace] } }],
          relabel_configs: [
            { source_labels: ['__meta_kubernetes_service_label_app', '__meta_kubernetes_service_label_istio_io_rev', '__meta_kubernetes_endpoint_port_name'], regex: `istiod;${revision};http-monitoring`, action: 'keep' },
            ...podLabels().map(rawRelabel),
          ],
        },
        {
          job_name: 'envoy-stats',
          scrape_interval: interval,
          metrics_path: '/stats/prometheus',
          kubernetes_sd_configs: [{ role: 'pod' }],
          relabel_configs: [
            { source_labels: ['__meta_kubernetes_pod_label_istio_prometheus_ignore'], regex: '.+', action: 'drop' },
            ...envoyRelabel.map(rawRelabel),
          ],
        },
        ...(ztunnel ? [{
          job_name: 'ztunnel',
          scrape_interval: interval,
          metrics_path: '/metrics',
          kubernetes_sd_configs: [{ role: 'pod', namespaces: { names: [cp.namespace] } }],
          relabel_configs: [
            { source_labels: ['__meta_kubernetes_pod_label_app', '__meta_kubernetes_pod_container_port_name'], regex: 'ztunnel;ztunnel-stats', action: 'keep' },
            ...podLabels().map(rawRelabel),
          ],
        }] : []),
      ];
      this.scrapeConfig = new kplus.ConfigMap(this, 'ScrapeConfigs', {
        metadata: metadata('istio-scrape-configs'),
        data: { 'istio-scrape-configs.yaml': YAML.stringify(jobs, { lineWidth: 0 }) },
      });
    }
    if (recording) {
      this.recordingRules = new l1.PrometheusRule(this, 'RecordingRules', {
        metadata: metadata('istio-federation'),
        spec: {
          groups: [{
            name: 'istio-workload-aggregation',
            interval,
            rules: MeshScraping.recordingRuleExpressions().map((r) => ({
              record: r.record,
              expr: l1.PrometheusRuleSpecGroupsRulesExpr.fromString(r.expression),
            })),
          }],
        },
      });
    }
  }

  /**
   * The federation recording rules: `workload:<metric>` for each standard metric, summed without the
   * per-pod labels, so a global Prometheus federates one series per workload pair instead of one per pod.
   */
  public static recordingRuleExpressions(): RecordingRule[] {
    return FEDERATED_METRICS.map((metric) => ({ record: `workload:${metric}`, expression: aggregate(metric).render() }));
  }
}

/** A recording rule. */
export interface RecordingRule {
  /** The recorded series' name. */
  readonly record: string;
  /** Its PromQL expression. */
  readonly expression: string;
}

function aggregate(metric: string): PromExpr {
  return q.sumWithout(q.metric(metric), ...INSTANCE_LABELS);
}

/** `namespace` and `pod` labels from the pod's metadata. */
function podLabels(): Relabel[] {
  return [
    { sourceLabels: ['__meta_kubernetes_namespace'], action: 'replace', targetLabel: 'namespace' },
    { sourceLabels: ['__meta_kubernetes_pod_name'], action: 'replace', targetLabel: 'pod' },
  ];
}

/**
 * The relabeling of Envoy targets: the `istio-proxy` container's `-envoy-prom` port (one target per
 * pod), moved to the merged endpoint 15020 when the mesh merges metrics (IPv4 and IPv6 pod IPs).
 */
function envoyRelabeling(merged: boolean): Relabel[] {
  return [
    { sourceLabels: ['__meta_kubernetes_pod_container_name', '__meta_kubernetes_pod_container_port_name'], regex: 'istio-proxy;.*-envoy-prom', action: 'keep' },
    ...(merged ? [
      { sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '([^:]+)', targetLabel: '__address__', replacement: '$1:15020', action: 'replace' as const },
      { sourceLabels: ['__meta_kubernetes_pod_ip'], regex: '(.+:.+)', targetLabel: '__address__', replacement: '[$1]:15020', action: 'replace' as const },
    ] : []),
    ...podLabels(),
  ];
}

function operatorRelabel(r: Relabel): l1.PodMonitorSpecPodMetricsEndpointsRelabelings {
  return {
    ...(r.sourceLabels ? { sourceLabels: r.sourceLabels } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel !== undefined ? { targetLabel: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action !== undefined ? { action: r.action as unknown as l1.PodMonitorSpecPodMetricsEndpointsRelabelingsAction } : {}),
  };
}

function rawRelabel(r: Relabel): { [key: string]: unknown } {
  return {
    ...(r.sourceLabels ? { source_labels: r.sourceLabels } : {}),
    ...(r.regex !== undefined ? { regex: r.regex } : {}),
    ...(r.targetLabel !== undefined ? { target_label: r.targetLabel } : {}),
    ...(r.replacement !== undefined ? { replacement: r.replacement } : {}),
    ...(r.action !== undefined ? { action: r.action } : {}),
  };
}
