import { Duration, Size } from 'cdk8s';
import { Construct } from 'constructs';
import * as l1 from '../../imports/monitoring.coreos.com';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { invalidInput } from '../core/errors';
import { checkArray, checkInstance, checkOptions, checkProps, checkString } from '../core/input';
import { checkLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { EnvironmentProfile } from '../environment';
import { MeshGateway } from '../gateway/mesh-gateway';
import { MeshChart } from '../mesh-chart';
import { AlertThresholds, checkPercentage, Percentage, resolveThresholds, ResolvedThresholds } from './defaults';
import { PromExpr, promDuration, q } from './promql';
import {
  ENVOY_ALERT_STATS, errorRatio, istiod, latencyQuantile, proxy, requestRate, serverRequests, WINDOW,
} from './queries';

/** How urgent an alert is (its `severity` label, which Alertmanager routes on). */
export enum AlertSeverity {
  /** Someone should look today. */
  WARNING = 'warning',
  /** Someone should look now. */
  CRITICAL = 'critical',
}

/** One alert as written to the PrometheusRule. */
export interface MeshAlert {
  /** The alert name, e.g. `IstiodHighMemory`. */
  readonly name: string;
  /** The rule group it is in. */
  readonly group: string;
  /** The PromQL expression. */
  readonly expression: string;
  /** How long the expression must hold before the alert fires, as Prometheus writes it (`5m`). */
  readonly forDuration: string;
  /** Its severity label. */
  readonly severity: AlertSeverity;
  /** One line on what fired. */
  readonly summary: string;
}

/** Thresholds of their own for one destination service. */
export interface ServiceAlertOverride {
  /** The service's host as the metrics name it (`destination_service`): `reviews.bookinfo.svc.cluster.local`. */
  readonly host: string;
  /**
   * Its 5xx share threshold.
   * @default the mesh-wide `errorRatio`
   */
  readonly errorRatio?: Percentage;
  /**
   * Its P99 latency threshold.
   * @default the mesh-wide `p99Latency`
   */
  readonly p99Latency?: Duration;
}

/** Props of {@link MeshAlerts}. */
export interface MeshAlertsProps {
  /**
   * The control plane: its namespace is istiod's, and the Envoy stats the overflow alerts read are
   * added to its `proxyStatsMatcher`.
   */
  readonly controlPlane: MeshControlPlane;
  /**
   * Thresholds; each one left out is the environment's ({@link ObservabilityDefaults.alertThresholds}).
   * @default the environment's
   */
  readonly thresholds?: AlertThresholds;
  /**
   * Gateways whose share of 5xx responses gets an alert of its own (`IstioGatewayErrorRate`).
   * @default none
   */
  readonly gateways?: MeshGateway[];
  /**
   * Destination services with thresholds of their own: each gets its own error-rate and latency alert,
   * and the mesh-wide alerts leave it out.
   * @default none
   */
  readonly serviceOverrides?: ServiceAlertOverride[];
  /**
   * Namespace of the PrometheusRule.
   * @default the control plane's namespace
   */
  readonly namespace?: string;
  /**
   * Name of the PrometheusRule.
   * @default "istio-alerts"
   */
  readonly name?: string;
  /**
   * Labels of the PrometheusRule, for the Prometheus `ruleSelector` (e.g. `{ release: 'prometheus' }`).
   * @default none
   */
  readonly labels?: { [key: string]: string };
  /**
   * The environment whose thresholds apply.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
}

/** A host as `destination_service` carries it. */
const HOST = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/;

/**
 * The mesh's alerts, as a Prometheus Operator `PrometheusRule`: the production guide's (istiod
 * memory, xDS push errors, upstream connection-pool overflow), xDS rejections, proxy convergence
 * time, certificate expiry, and per destination service its 5xx share and P99 latency, plus the 5xx
 * share of each gateway given. Thresholds come from the environment ({@link ObservabilityDefaults})
 * and can be set one by one, per service too.
 *
 * Every metric is one Istio 1.30 exports: istiod's `pilot_xds_pushes` (send errors are its
 * `*_senderr` types; the guides' `pilot_xds_push_errors` is gone), `pilot_total_xds_rejects`,
 * `pilot_proxy_convergence_time`, `citadel_server_root_cert_expiry_seconds`,
 * `citadel_server_cert_chain_expiry_seconds`; the proxies' `istio_requests_total` and
 * `istio_request_duration_milliseconds`; Envoy's cluster overflow counters, which Envoy in Istio
 * does not export by default: this construct adds them to the control plane's `proxyStatsMatcher`.
 * istiod's memory is cAdvisor's `container_memory_working_set_bytes`.
 */
export class MeshAlerts extends Construct {
  /** The PrometheusRule. */
  public readonly resource: l1.PrometheusRule;
  /** The alerts written, in order. */
  public readonly alerts: MeshAlert[];
  /** The thresholds in force. */
  public readonly thresholds: AlertThresholds;

  constructor(scope: Construct, id: string, props: MeshAlertsProps) {
    super(scope, id);
    props = checkProps(this, props, 'MeshAlertsProps');
    const cp = checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'give the MeshControlPlane of the mesh');
    const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkOptions(this, 'environment', props.environment, 'EnvironmentProfile');
    const t = resolveThresholds(this, 'thresholds', props.thresholds, env);
    const namespace = checkDnsLabel(this, 'namespace', props.namespace ?? cp.namespace, 'use a namespace name such as "istio-system"');
    const name = checkDnsLabel(this, 'name', props.name ?? 'istio-alerts', 'use a DNS label');
    const labels = props.labels === undefined ? undefined : checkLabels(this, 'labels', props.labels);
    const gateways = props.gateways === undefined ? [] : checkArray(this, 'gateways', props.gateways, (g, f) =>
      checkInstance(this, f, g, MeshGateway, 'give IngressGateway or EgressGateway constructs'));
    const overrides = props.serviceOverrides === undefined ? [] : checkArray(this, 'serviceOverrides', props.serviceOverrides, (o, f) => {
      const s = checkOptions(this, f, o as ServiceAlertOverride, 'ServiceAlertOverride');
      const host = checkString(this, `${f}.host`, s.host, { pattern: HOST, what: 'a service host', fix: 'give the fully qualified host, e.g. "reviews.bookinfo.svc.cluster.local"' });
      return {
        host,
        errorRatioPercent: s.errorRatio === undefined ? t.errorRatioPercent : checkPercentage(this, `${f}.errorRatio`, s.errorRatio, { exclusiveZero: true }),
        p99LatencyMs: s.p99Latency === undefined ? t.p99LatencyMs : resolveThresholds(this, f, { p99Latency: s.p99Latency }, env).p99LatencyMs,
      };
    });
    const hosts = overrides.map((o) => o.host);
    const dup = hosts.find((h, i) => hosts.indexOf(h) !== i);
    if (dup !== undefined) {
      throw invalidInput(this, 'serviceOverrides', dup, 'names a host twice', 'give each host one override');
    }

    this.alerts = buildAlerts(cp.namespace, t, gateways, overrides);
    cp.addProxyStats(ENVOY_ALERT_STATS);
    this.thresholds = thresholdsOf(t);

    const groups = [...new Set(this.alerts.map((a) => a.group))];
    this.resource = new l1.PrometheusRule(this, 'Resource', {
      metadata: { name, namespace, ...(labels ? { labels } : {}) },
      spec: {
        groups: groups.map((group) => ({
          name: group,
          rules: this.alerts.filter((a) => a.group === group).map((a) => ({
            alert: a.name,
            expr: l1.PrometheusRuleSpecGroupsRulesExpr.fromString(a.expression),
            for: a.forDuration,
            labels: { severity: a.severity },
            annotations: { summary: a.summary },
          })),
        })),
      },
    });
  }
}

/** The resolved thresholds as the public struct. */
function thresholdsOf(t: ResolvedThresholds): AlertThresholds {
  return {
    istiodMemory: Size.kibibytes(t.istiodMemoryBytes / 1024),
    xdsSendErrors: t.xdsSendErrors,
    xdsRejects: t.xdsRejects,
    proxyConvergence: Duration.millis(t.proxyConvergenceMs),
    certificateValidity: Duration.millis(t.certificateValidityMs),
    connectionPoolOverflows: t.connectionPoolOverflows,
    errorRatio: Percentage.of(t.errorRatioPercent),
    p99Latency: Duration.millis(t.p99LatencyMs),
    minRequestRate: t.minRequestRate,
  };
}

interface ResolvedOverride {
  readonly host: string;
  readonly errorRatioPercent: number;
  readonly p99LatencyMs: number;
}

/** Bytes as a Kubernetes-style quantity for a message: 4Gi, 1536Mi. */
function bytes(n: number): string {
  for (const [unit, size] of [['Gi', 2 ** 30], ['Mi', 2 ** 20], ['Ki', 2 ** 10]] as const) {
    if (n % size === 0) return `${n / size}${unit}`;
  }
  return `${n} bytes`;
}

/** The alerts, from the resolved thresholds (internal). */
export function buildAlerts(istiodNamespace: string, t: ResolvedThresholds, gateways: readonly MeshGateway[], overrides: readonly ResolvedOverride[]): MeshAlert[] {
  const alerts: MeshAlert[] = [];
  const add = (group: string, name: string, expr: PromExpr, forDuration: Duration, severity: AlertSeverity, summary: string) =>
    alerts.push({ name, group, expression: expr.render(), forDuration: promDuration(forDuration), severity, summary });
  const cp = 'istio-control-plane';
  const five = Duration.minutes(5);
  const ten = Duration.minutes(10);

  add(cp, 'IstiodHighMemory', q.gt(q.max(istiod.memory(istiodNamespace), 'pod'), t.istiodMemoryBytes), five, AlertSeverity.WARNING,
    `istiod {{ $labels.pod }} uses {{ $value | humanize1024 }}B of memory, above ${bytes(t.istiodMemoryBytes)}`);
  add(cp, 'IstiodXdsPushErrors', q.gt(q.sum(q.increase(istiod.sendErrors().over(WINDOW)), 'pod', 'type'), t.xdsSendErrors), Duration.minutes(1), AlertSeverity.CRITICAL,
    `istiod {{ $labels.pod }} failed to send {{ $value }} ${'{{ $labels.type }}'} xDS pushes in 5 minutes (more than ${t.xdsSendErrors})`);
  add(cp, 'IstiodXdsRejects', q.gt(q.sum(q.increase(istiod.rejects().over(ten)), 'pod', 'type'), t.xdsRejects), Duration.minutes(1), AlertSeverity.WARNING,
    `proxies rejected {{ $value }} xDS responses of type {{ $labels.type }} from istiod {{ $labels.pod }} in 10 minutes (more than ${t.xdsRejects}): invalid configuration`);
  add(cp, 'IstioProxyConvergenceSlow', q.gt(q.quantile(0.99, istiod.convergenceBucket(), WINDOW), t.proxyConvergenceMs / 1000), ten, AlertSeverity.WARNING,
    `P99 proxy convergence time is {{ $value }}s, above ${t.proxyConvergenceMs / 1000}s`);
  add(cp, 'IstioRootCertExpiring', q.lt(q.min(istiod.rootCertExpiry(), 'pod'), t.certificateValidityMs / 1000), five, AlertSeverity.CRITICAL,
    `istiod's root certificate expires in {{ $value | humanizeDuration }}, less than ${t.certificateValidityMs / 86_400_000} days`);
  add(cp, 'IstioCertChainExpiring', q.lt(q.min(istiod.certChainExpiry(), 'pod'), t.certificateValidityMs / 1000), five, AlertSeverity.CRITICAL,
    `istiod's certificate chain expires in {{ $value | humanizeDuration }}, less than ${t.certificateValidityMs / 86_400_000} days`);

  const dp = 'istio-data-plane';
  add(dp, 'EnvoyUpstreamConnectionOverflow', q.gt(q.sum(q.increase(proxy.cxOverflow().over(WINDOW)), 'namespace', 'pod', 'cluster_name'), t.connectionPoolOverflows), five, AlertSeverity.WARNING,
    `{{ $labels.namespace }}/{{ $labels.pod }} hit the connection limit of {{ $labels.cluster_name }} {{ $value }} times in 5 minutes (requests failed with 503 UO)`);
  add(dp, 'EnvoyUpstreamPendingOverflow', q.gt(q.sum(q.increase(proxy.pendingOverflow().over(WINDOW)), 'namespace', 'pod', 'cluster_name'), t.connectionPoolOverflows), five, AlertSeverity.WARNING,
    `{{ $labels.namespace }}/{{ $labels.pod }} overflowed the pending-request queue of {{ $labels.cluster_name }} {{ $value }} times in 5 minutes (requests failed with 503 UO)`);

  const svc = 'istio-services';
  const byService = 'destination_service';
  const serviceAlerts = (name: string, selectorHost: (s: ReturnType<typeof serverRequests>) => ReturnType<typeof serverRequests>, ratioPercent: number, latencyMs: number, suffix: string) => {
    const requests = selectorHost(serverRequests());
    const traffic = q.gt(requestRate(requests, byService), t.minRequestRate);
    add(svc, `IstioServiceErrorRate${name}`, q.and(q.gt(errorRatio(requests, byService), ratioPercent / 100), traffic), five, AlertSeverity.CRITICAL,
      `{{ $value | humanizePercentage }} of the requests to {{ $labels.destination_service }} fail with 5xx, above ${ratioPercent} %${suffix}`);
    const latency = selectorHost(proxy.durationBucket().re('reporter', 'destination|waypoint'));
    add(svc, `IstioServiceLatencyP99${name}`, q.and(q.gt(latencyQuantile(0.99, latency, byService), latencyMs), traffic), ten, AlertSeverity.WARNING,
      `P99 latency of {{ $labels.destination_service }} is {{ $value }}ms, above ${latencyMs}ms${suffix}`);
  };
  const overridden = overrides.map((o) => o.host);
  serviceAlerts('', (s) => (overridden.length ? s.where('destination_service', '!~', q.anyOf(overridden)) : s), t.errorRatioPercent, t.p99LatencyMs, '');
  for (const o of overrides) {
    serviceAlerts(`_${alertSuffix(o.host)}`, (s) => s.eq('destination_service', o.host), o.errorRatioPercent, o.p99LatencyMs, ` (threshold of ${o.host})`);
  }
  const seen = new Set<string>();
  for (const g of gateways) {
    if (seen.has(g.gatewayRef)) continue;
    seen.add(g.gatewayRef);
    const gw = proxy.requests().eq('reporter', 'source').eq('source_workload_namespace', g.namespace).eq('source_workload', g.name);
    const by = ['source_workload_namespace', 'source_workload'];
    add(svc, 'IstioGatewayErrorRate', q.and(q.gt(errorRatio(gw, ...by), t.errorRatioPercent / 100), q.gt(requestRate(gw, ...by), t.minRequestRate)), five, AlertSeverity.CRITICAL,
      `{{ $value | humanizePercentage }} of the requests through gateway ${g.namespace}/${g.name} fail with 5xx, above ${t.errorRatioPercent} %`);
  }
  return alerts;
}

/** `reviews.bookinfo.svc.cluster.local` → `ReviewsBookinfo` (the host's first two labels, for an alert name). */
function alertSuffix(host: string): string {
  return host.split('.').slice(0, 2).map((p) => p.split('-').map((w) => w.charAt(0).toUpperCase() + w.slice(1)).join('')).join('');
}
