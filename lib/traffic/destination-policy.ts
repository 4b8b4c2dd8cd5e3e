import { Construct, IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkArray, checkInstance, checkOptions, checkProps } from '../core/input';
import {
  ClientTls, ConnectionPoolOptions, LoadBalancer, OutlierDetectionOptions, TrafficPolicyParts, renderConnectionPool, renderOutlierDetection,
} from './policy';
import { checkServiceHost } from './checks';
import { Subset } from './subset';
import { TrafficHost } from './traffic-host';

/** Traffic policy fields, for a host or one of its subsets. */
export interface DestinationPolicyOptions {
  /**
   * Connection-pool limits.
   * @default none
   */
  readonly connectionPool?: ConnectionPoolOptions;
  /**
   * Outlier detection.
   * @default none
   */
  readonly outlierDetection?: OutlierDetectionOptions;
  /**
   * Load-balancing algorithm.
   * @default Istio's (LEAST_REQUEST)
   */
  readonly loadBalancer?: LoadBalancer;
  /**
   * TLS of connections to the destination.
   * @default Istio's (ISTIO_MUTUAL to meshed endpoints with auto mTLS)
   */
  readonly tls?: ClientTls;
}

/** Policy of one subset of the host. */
export interface SubsetDestinationPolicy extends DestinationPolicyOptions {
  /** The subset (added to the host's DestinationRule if it is not there yet). */
  readonly subset: Subset;
}

/** Props of a {@link DestinationPolicy}. */
export interface DestinationPolicyProps extends DestinationPolicyOptions {
  /** The service host, e.g. `reviews` or `api.example.com`. */
  readonly host: string;
  /**
   * Namespace of the DestinationRule.
   * @default the namespace a fully qualified service host names, else that of the subsets' workloads
   *   (`Subset.fromWorkload`), else the chart's (no fallback to "default"); another is an error
   */
  readonly namespace?: string;
  /**
   * Per-subset policy; a subset's `connectionPool`, `outlierDetection`, `loadBalancer` or `tls`
   * replaces the host's for that subset (Istio semantics).
   * @default none
   */
  readonly subsets?: SubsetDestinationPolicy[];
}

/** Checks and renders policy options; `field` prefixes errors (`''` for top-level props). */
export function renderPolicyOptions(scope: IConstruct, field: string, o: DestinationPolicyOptions): TrafficPolicyParts {
  const p = field ? `${field}.` : '';
  if (o.loadBalancer !== undefined) {
    checkInstance(scope, `${p}loadBalancer`, o.loadBalancer, LoadBalancer, 'use LoadBalancer.roundRobin(), LoadBalancer.consistentHashCookie() and the like');
  }
  if (o.tls !== undefined) {
    checkInstance(scope, `${p}tls`, o.tls, ClientTls, 'use ClientTls.istioMutual(), ClientTls.simple() and the like');
  }
  return {
    ...(o.connectionPool !== undefined ? { connectionPool: renderConnectionPool(scope, `${p}connectionPool`, o.connectionPool) } : {}),
    ...(o.outlierDetection !== undefined ? { outlierDetection: renderOutlierDetection(scope, `${p}outlierDetection`, o.outlierDetection) } : {}),
    ...(o.loadBalancer !== undefined ? { loadBalancer: o.loadBalancer._render(scope, `${p}loadBalancer`) } : {}),
    ...(o.tls !== undefined ? { tls: o.tls._render(scope, `${p}tls`) } : {}),
  };
}

/**
 * Any traffic policy of a host — connection pool, outlier detection, load balancer, client TLS — for
 * the host and per subset, written to the host's shared DestinationRule (see {@link TrafficHost}).
 * Use {@link CircuitBreaker} for circuit breaking with production defaults; use this for load
 * balancing (e.g. session affinity) and TLS origination.
 */
export class DestinationPolicy extends Construct {
  /** The shared per-host objects this policy writes to. */
  public readonly trafficHost: TrafficHost;

  constructor(scope: Construct, id: string, props: DestinationPolicyProps) {
    super(scope, id);
    props = checkProps(this, props, 'DestinationPolicyProps');
    checkServiceHost(this, 'host', props.host);
    const host = renderPolicyOptions(this, '', props);
    const subsets = props.subsets === undefined ? [] : checkArray(this, 'subsets', props.subsets, (item, field) => {
      const s = checkOptions(this, field, item as SubsetDestinationPolicy, 'SubsetDestinationPolicy');
      checkInstance(this, `${field}.subset`, s.subset, Subset, 'use Subset.fromLabels(name, labels) or Subset.fromWorkload(name, workload)');
      const parts = renderPolicyOptions(this, field, s);
      if (Object.keys(parts).length === 0) {
        throw invalidInput(this, field, s.subset.name, 'sets no policy (ISTIO-RULES D1)', 'set connectionPool, outlierDetection, loadBalancer or tls, or drop the entry');
      }
      return { subset: s.subset, field, parts };
    });
    if (Object.keys(host).length === 0 && subsets.length === 0) {
      throw invalidInput(this, 'props', Object.keys(props), 'set no policy (ISTIO-RULES D1)', 'set connectionPool, outlierDetection, loadBalancer, tls or subsets');
    }
    const subsetSources = subsets.map((s) => ({ field: `${s.field}.subset`, subset: s.subset }));
    this.trafficHost = TrafficHost._of(this, props.host, props.namespace, subsetSources);
    if (Object.keys(host).length > 0) {
      this.trafficHost._addPolicy(this, host);
    }
    for (const s of subsets) {
      const name = this.trafficHost._addSubset(this, s.subset, `${s.field}.subset`);
      this.trafficHost._addSubsetPolicy(this, name, s.parts, s.field);
    }
  }
}
