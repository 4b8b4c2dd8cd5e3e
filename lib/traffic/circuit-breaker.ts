import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkArray, checkInstance, checkOptions, checkProps } from '../core/input';
import { checkPort } from '../core/ports';
import {
  ConnectionPoolOptions, OutlierDetectionOptions, TrafficPolicyParts, renderConnectionPool, renderOutlierDetection,
} from './policy';
import { DestinationRuleSpecTrafficPolicy } from '../../imports/networking.istio.io';
import { checkServiceHost } from './checks';
import { Subset } from './subset';
import { TrafficHost } from './traffic-host';

/** Circuit-breaker overrides for one subset of the host. */
export interface SubsetCircuitBreaker {
  /** The subset (added to the host's DestinationRule if it is not there yet). */
  readonly subset: Subset;
  /**
   * Connection-pool fields that differ for this subset; the fields left out keep this circuit
   * breaker's host-level values (Istio itself would drop them: a subset's `connectionPool` replaces
   * the host's as a whole, so the merged block is written out).
   * @default the host-level connection pool
   */
  readonly connectionPool?: ConnectionPoolOptions;
  /**
   * Outlier-detection fields that differ for this subset, merged the same way.
   * @default the host-level outlier detection
   */
  readonly outlierDetection?: OutlierDetectionOptions;
}

/** Circuit-breaker overrides for one Service port of the host (`trafficPolicy.portLevelSettings[]`). */
export interface PortCircuitBreaker {
  /** The Service port, 1–65535. */
  readonly port: number;
  /**
   * Connection-pool fields that differ for this port; the fields left out keep this circuit breaker's
   * host-level values (a port's `connectionPool` replaces the host's as a whole in Istio, so the merged
   * block is written out).
   * @default the host-level connection pool
   */
  readonly connectionPool?: ConnectionPoolOptions;
  /**
   * Outlier-detection fields that differ for this port, merged the same way.
   * @default the host-level outlier detection
   */
  readonly outlierDetection?: OutlierDetectionOptions;
}

/** Props of a {@link CircuitBreaker}. */
export interface CircuitBreakerProps {
  /** The service host, e.g. `reviews` or `reviews.bookinfo.svc.cluster.local`. */
  readonly host: string;
  /**
   * Namespace of the DestinationRule.
   * @default the namespace a fully qualified service host names, else that of the subsets' workloads
   *   (`Subset.fromWorkload`), else the chart's (no fallback to "default"); another is an error
   */
  readonly namespace?: string;
  /**
   * Connection-pool limits; each field left out takes its value from
   * {@link CircuitBreaker.DEFAULT_CONNECTION_POOL}.
   *
   * **The defaults cap each client proxy at 1024** connections, 1024 pending and 1024 active
   * requests to the host, where Istio without a `connectionPool` sets no limit (2^32-1). The limits
   * count per client proxy (every sidecar or gateway replica calling the host), not per host: a
   * gateway replica feeding one busy host hits them first, and requests above them fail at once with
   * 503 (response flag UO, `upstream_rq_pending_overflow`). Size them for your busiest client,
   * e.g. `{ http: { http2MaxRequests: 10000 } }`.
   * @default CircuitBreaker.DEFAULT_CONNECTION_POOL: tcp maxConnections 1024, connectTimeout 5s;
   *   http http1MaxPendingRequests 1024, http2MaxRequests 1024 (per client proxy; Istio's own
   *   default is unlimited)
   */
  readonly connectionPool?: ConnectionPoolOptions;
  /**
   * Outlier detection; each field left out takes its value from
   * {@link CircuitBreaker.DEFAULT_OUTLIER_DETECTION}.
   * @default CircuitBreaker.DEFAULT_OUTLIER_DETECTION: eject after 5 consecutive 5xx, sweep every 10s,
   *   eject for at least 30s, at most 50 % of endpoints at once
   */
  readonly outlierDetection?: OutlierDetectionOptions;
  /**
   * Per-subset overrides.
   * @default none
   */
  readonly subsets?: SubsetCircuitBreaker[];
  /**
   * Per-port overrides (`trafficPolicy.portLevelSettings`), e.g. a tighter pool for a gRPC port.
   * @default none
   */
  readonly portLevelSettings?: PortCircuitBreaker[];
}

const SUBSET_FIX = 'use Subset.fromLabels(name, labels) or Subset.fromWorkload(name, workload)';

/** The host-level pool with `over`'s fields on top (both already checked), field by field. */
function mergePool(base: ConnectionPoolOptions, over: ConnectionPoolOptions | undefined): ConnectionPoolOptions {
  if (!over) return base;
  const tcp = base.tcp || over.tcp ? {
    ...base.tcp,
    ...over.tcp,
    ...(base.tcp?.tcpKeepalive || over.tcp?.tcpKeepalive ? { tcpKeepalive: { ...base.tcp?.tcpKeepalive, ...over.tcp?.tcpKeepalive } } : {}),
  } : undefined;
  const http = base.http || over.http ? { ...base.http, ...over.http } : undefined;
  return { ...(tcp ? { tcp } : {}), ...(http ? { http } : {}) };
}

/**
 * Connection-pool limits and outlier detection for a host (Envoy's circuit breakers), written to the
 * host's shared DestinationRule (see {@link TrafficHost}), optionally with per-subset overrides.
 *
 * Every field has a default (see the props), so `new CircuitBreaker(chart, 'cb', { host })` gives a
 * working breaker — but mind the connection pool: **by default each client proxy may hold at most
 * 1024 connections, 1024 pending and 1024 active requests to the host**, while Istio without a
 * `connectionPool` sets no limit. These are Envoy's own circuit-breaker thresholds, counted per client
 * proxy (each sidecar or gateway replica) and host, and above them requests fail immediately with 503
 * (UO). A gateway, or any client that concentrates traffic to one host, can reach them under load that
 * the host itself would serve: set `connectionPool` from the peak concurrency of the busiest client
 * replica. Counters are whole numbers ≥ 0, durations ≥ 1ms (TCP idleTimeout may be 0),
 * percentages 0–100, `useClientProtocol` excludes `H2UpgradePolicy.UPGRADE` (ISTIO-RULES D1–D3).
 * Another construct setting one of these fields of the same host differently is an error.
 */
export class CircuitBreaker extends Construct {
  /**
   * Connection-pool values used for fields left out: 1024 connections, 1024 pending and 1024 active
   * requests per client proxy (Istio's default without a connectionPool is unlimited; see
   * {@link CircuitBreakerProps.connectionPool}), connect timeout 5s.
   */
  public static readonly DEFAULT_CONNECTION_POOL: ConnectionPoolOptions = {
    tcp: { maxConnections: 1024, connectTimeout: Duration.seconds(5) },
    http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 },
  };

  /** Outlier-detection values used for fields left out. */
  public static readonly DEFAULT_OUTLIER_DETECTION: OutlierDetectionOptions = {
    consecutive5xxErrors: 5,
    interval: Duration.seconds(10),
    baseEjectionTime: Duration.seconds(30),
    maxEjectionPercent: 50,
  };

  /** The shared per-host objects this circuit breaker writes to. */
  public readonly trafficHost: TrafficHost;
  /** The host-level policy this circuit breaker set (`connectionPool` and `outlierDetection`), as the generated L1 type. */
  public readonly policy: DestinationRuleSpecTrafficPolicy;

  constructor(scope: Construct, id: string, props: CircuitBreakerProps) {
    super(scope, id);
    props = checkProps(this, props, 'CircuitBreakerProps');
    checkServiceHost(this, 'host', props.host);
    // The blocks the user wrote are checked as written (D1: each must set a field; no unknown keys),
    // so errors name the user's fields; the defaults then fill the fields left out.
    if (props.connectionPool !== undefined) renderConnectionPool(this, 'connectionPool', props.connectionPool);
    if (props.outlierDetection !== undefined) renderOutlierDetection(this, 'outlierDetection', props.outlierDetection);
    const pool = mergePool(CircuitBreaker.DEFAULT_CONNECTION_POOL, props.connectionPool);
    const outlier = { ...CircuitBreaker.DEFAULT_OUTLIER_DETECTION, ...props.outlierDetection };
    this.policy = {
      connectionPool: renderConnectionPool(this, 'connectionPool', pool),
      outlierDetection: renderOutlierDetection(this, 'outlierDetection', outlier),
    };
    const subsets = props.subsets === undefined ? [] : checkArray(this, 'subsets', props.subsets, (item, field) => {
      const s = checkOptions(this, field, item as SubsetCircuitBreaker, 'SubsetCircuitBreaker');
      checkInstance(this, `${field}.subset`, s.subset, Subset, SUBSET_FIX);
      if (s.connectionPool === undefined && s.outlierDetection === undefined) {
        throw invalidInput(this, field, s.subset.name, 'overrides nothing', 'give connectionPool or outlierDetection, or drop the entry');
      }
      if (s.connectionPool !== undefined) renderConnectionPool(this, `${field}.connectionPool`, s.connectionPool);
      if (s.outlierDetection !== undefined) renderOutlierDetection(this, `${field}.outlierDetection`, s.outlierDetection);
      const parts: TrafficPolicyParts = {
        ...(s.connectionPool ? { connectionPool: renderConnectionPool(this, `${field}.connectionPool`, mergePool(pool, s.connectionPool)) } : {}),
        ...(s.outlierDetection ? { outlierDetection: renderOutlierDetection(this, `${field}.outlierDetection`, { ...outlier, ...s.outlierDetection }) } : {}),
      };
      return { subset: s.subset, field, parts };
    });
    const seenPorts = new Set<number>();
    const ports = props.portLevelSettings === undefined ? [] : checkArray(this, 'portLevelSettings', props.portLevelSettings, (item, field) => {
      const p = checkOptions(this, field, item as PortCircuitBreaker, 'PortCircuitBreaker');
      const port = checkPort(this, `${field}.port`, p.port);
      if (seenPorts.has(port)) {
        throw invalidInput(this, `${field}.port`, port, 'has a second entry', 'merge the overrides of one port into one entry');
      }
      seenPorts.add(port);
      if (p.connectionPool === undefined && p.outlierDetection === undefined) {
        throw invalidInput(this, field, port, 'overrides nothing', 'give connectionPool or outlierDetection, or drop the entry');
      }
      if (p.connectionPool !== undefined) renderConnectionPool(this, `${field}.connectionPool`, p.connectionPool);
      if (p.outlierDetection !== undefined) renderOutlierDetection(this, `${field}.outlierDetection`, p.outlierDetection);
      const parts: TrafficPolicyParts = {
        ...(p.connectionPool ? { connectionPool: renderConnectionPool(this, `${field}.connectionPool`, mergePool(pool, p.connectionPool)) } : {}),
        ...(p.outlierDetection ? { outlierDetection: renderOutlierDetection(this, `${field}.outlierDetection`, { ...outlier, ...p.outlierDetection }) } : {}),
      };
      return { port, field, parts };
    }, { minItems: 1, fix: 'list per-port overrides, or leave portLevelSettings out' });
    const names = subsets.map((s) => s.subset.name);
    const seen = new Set<string>();
    const dup = names.find((n) => seen.size === seen.add(n).size);
    if (dup !== undefined) {
      throw invalidInput(this, 'subsets', dup, 'is overridden twice', 'merge the overrides of one subset into one entry');
    }
    // All input is checked: now contribute to the shared host.
    const subsetSources = subsets.map((s) => ({ field: `${s.field}.subset`, subset: s.subset }));
    this.trafficHost = TrafficHost._of(this, props.host, props.namespace, subsetSources);
    this.trafficHost._addPolicy(this, this.policy);
    for (const p of ports) {
      this.trafficHost._addPortPolicy(this, p.port, p.parts, p.field);
    }
    for (const s of subsets) {
      const name = this.trafficHost._addSubset(this, s.subset, `${s.field}.subset`);
      this.trafficHost._addSubsetPolicy(this, name, s.parts, s.field);
    }
  }
}
