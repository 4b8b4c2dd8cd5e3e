/**
 * The queries alerts, recording rules and dashboards share, built with the typed PromQL of
 * ./promql. Every metric is one Istio 1.30 (istiod, the proxies' standard metrics) or Envoy exports;
 * the Envoy cluster and listener stats need the proxy stats listed in {@link ENVOY_ALERT_STATS} and
 * {@link ENVOY_DASHBOARD_STATS}.
 *
 * Internal.
 */
import { Duration } from 'cdk8s';
import { PromExpr, q, Selector } from './promql';

/** The usual rate window. */
export const WINDOW = Duration.minutes(5);

/** Who reports a request once, on the server side: the destination sidecar, or a waypoint in ambient mode. */
export const SERVER_REPORTERS = 'destination|waypoint';

/** istiod's metrics (15014, `http-monitoring`). */
export const istiod = {
  /** Working set of istiod's `discovery` container (cAdvisor, through the kubelet). */
  memory: (namespace: string): Selector => q.metric('container_memory_working_set_bytes').eq('namespace', namespace).eq('container', 'discovery'),
  /** xDS send errors: `pilot_xds_pushes` of types `cds_senderr`, `eds_senderr`, `lds_senderr`, `rds_senderr`. */
  sendErrors: (): Selector => q.metric('pilot_xds_pushes').re('type', '.*_senderr'),
  /** xDS pushes of every type. */
  pushes: (): Selector => q.metric('pilot_xds_pushes'),
  /** xDS responses proxies rejected. */
  rejects: (): Selector => q.metric('pilot_total_xds_rejects'),
  /** Time from a config change until a proxy has all of it (histogram, seconds). */
  convergenceBucket: (): Selector => q.metric('pilot_proxy_convergence_time_bucket'),
  /** Time to push lds/rds/cds/eds (histogram, seconds). */
  pushTimeBucket: (): Selector => q.metric('pilot_xds_push_time_bucket'),
  /** Proxies connected over xDS, by version. */
  connected: (): Selector => q.metric('pilot_xds'),
  /** Seconds left before istiod's CA root certificate expires. */
  rootCertExpiry: (): Selector => q.metric('citadel_server_root_cert_expiry_seconds'),
  /** Seconds left before istiod's certificate chain expires. */
  certChainExpiry: (): Selector => q.metric('citadel_server_cert_chain_expiry_seconds'),
};

/** The proxies' standard metrics and Envoy stats. */
export const proxy = {
  requests: (): Selector => q.metric('istio_requests_total'),
  durationBucket: (): Selector => q.metric('istio_request_duration_milliseconds_bucket'),
  cxOverflow: (): Selector => q.metric('envoy_cluster_upstream_cx_overflow'),
  pendingOverflow: (): Selector => q.metric('envoy_cluster_upstream_rq_pending_overflow'),
  cxActive: (): Selector => q.metric('envoy_cluster_upstream_cx_active'),
  rqActive: (): Selector => q.metric('envoy_cluster_upstream_rq_active'),
  pendingActive: (): Selector => q.metric('envoy_cluster_upstream_rq_pending_active'),
  tlsHandshakes: (): Selector => q.metric('envoy_listener_ssl_handshake'),
  tlsErrors: (): Selector => q.metric('envoy_listener_ssl_connection_error'),
  downstreamCxActive: (): Selector => q.metric('envoy_listener_downstream_cx_active'),
  downstreamCxTotal: (): Selector => q.metric('envoy_listener_downstream_cx_total'),
};

/**
 * Envoy stats the alerts read that Envoy does not export by default (`proxyStatsMatcher`): the
 * cluster overflow counters, one per upstream cluster of each proxy.
 */
export const ENVOY_ALERT_STATS = { inclusionSuffixes: ['upstream_cx_overflow', 'upstream_rq_pending_overflow'] };

/**
 * Envoy stats the dashboards read beyond the defaults: connection-pool gauges and overflow counters
 * of the clusters, and the listeners' TLS handshakes and connections (gateways).
 */
export const ENVOY_DASHBOARD_STATS = {
  inclusionSuffixes: ['upstream_cx_active', 'upstream_rq_active', 'upstream_rq_pending_active', ...ENVOY_ALERT_STATS.inclusionSuffixes],
  inclusionRegexps: ['listener\\..*\\.ssl\\.(handshake|connection_error)', 'listener\\..*\\.downstream_cx_(total|active)'],
};

/** Rate of requests by `by`, over `selector`'s series. */
export function requestRate(selector: Selector, ...by: string[]): PromExpr {
  return q.sum(q.rate(selector.over(WINDOW)), ...by);
}

/** Share of 5xx responses (0–1) among `selector`'s requests, by `by`. */
export function errorRatio(selector: Selector, ...by: string[]): PromExpr {
  return q.div(requestRate(selector.re('response_code', '5..'), ...by), requestRate(selector, ...by));
}

/** Quantile `quantile` of the request duration (milliseconds) of `selector`'s requests, by `by`. */
export function latencyQuantile(quantile: number, selector: Selector, ...by: string[]): PromExpr {
  return q.quantile(quantile, selector, WINDOW, ...by);
}

/** Requests reported by the server side. */
export function serverRequests(): Selector {
  return proxy.requests().re('reporter', SERVER_REPORTERS);
}
