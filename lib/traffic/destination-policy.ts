import { Construct, IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkArray, checkInstance, checkOptions, checkProps } from '../core/input';
import { checkPort } from '../core/ports';
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

/**
 * One subset of the host, with or without policy of its own. An entry without policy only defines the
 * subset (the most common DestinationRule there is: `subsets` and nothing else), so that routes anywhere
 * in the chart can name it (`Subset.named`).
 */
export interface SubsetDestinationPolicy extends DestinationPolicyOptions {
  /**
   * The subset, added to the host's DestinationRule if it is not there yet. A reference
   * (`Subset.named`) needs policy, and the subset must be defined already by a construct created before.
   */
  readonly subset: Subset;
}

/**
 * Policy of one Service port of the host (`trafficPolicy.portLevelSettings[]`): it replaces the
 * host-level setting of the same kind for connections to that port (Istio semantics).
 */
export interface PortDestinationPolicy extends DestinationPolicyOptions {
  /** The Service port, 1–65535. */
  readonly port: number;
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
   * The host's subsets, each with optional policy; a subset's `connectionPool`, `outlierDetection`,
   * `loadBalancer` or `tls` replaces the host's for that subset (Istio semantics). An entry with no
   * policy just defines the subset.
   * @default none
   */
  readonly subsets?: SubsetDestinationPolicy[];
  /**
   * Per-port policy (`trafficPolicy.portLevelSettings`), each entry for one Service port; at least one
   * field per entry (ISTIO-RULES D1).
   * @default none
   */
  readonly portLevelSettings?: PortDestinationPolicy[];
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
 * The subsets of a host and any traffic policy — connection pool, outlier detection, load balancer,
 * client TLS — for the host and per subset, written to the host's shared DestinationRule (see
 * {@link TrafficHost}). Subsets alone are a valid DestinationRule:
 *
 * ```ts
 * new DestinationPolicy(chart, 'reviews', {
 *   host: 'reviews.bookinfo.svc.cluster.local',
 *   subsets: [{ subset: Subset.fromLabels('v1', { version: 'v1' }) }, { subset: Subset.fromLabels('v2', { version: 'v2' }) }],
 * });
 * ```
 *
 * Routes then name the subsets with `Subset.named('v2')`.
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
      if (Object.keys(parts).length === 0 && s.subset.isReference) {
        throw invalidInput(this, `${field}.subset`, s.subset.name, 'is a reference (Subset.named) without policy, so this entry defines nothing',
          'define the subset here with Subset.fromLabels() or Subset.fromWorkload(), or give it a policy');
      }
      return { subset: s.subset, field, parts };
    });
    const seenPorts = new Set<number>();
    const ports = props.portLevelSettings === undefined ? [] : checkArray(this, 'portLevelSettings', props.portLevelSettings, (item, field) => {
      const p = checkOptions(this, field, item as PortDestinationPolicy, 'PortDestinationPolicy');
      const port = checkPort(this, `${field}.port`, p.port);
      if (seenPorts.has(port)) {
        throw invalidInput(this, `${field}.port`, port, 'has a second entry', 'merge the settings of one port into one entry');
      }
      seenPorts.add(port);
      const parts = renderPolicyOptions(this, field, p);
      if (Object.keys(parts).length === 0) {
        throw invalidInput(this, field, port, 'sets no policy for the port (ISTIO-RULES D1)', 'set connectionPool, outlierDetection, loadBalancer or tls, or drop the entry');
      }
      return { port, field, parts };
    }, { minItems: 1, fix: 'list per-port settings, or leave portLevelSettings out' });
    if (Object.keys(host).length === 0 && subsets.length === 0 && ports.length === 0) {
      throw invalidInput(this, 'props', Object.keys(props), 'set no policy (ISTIO-RULES D1)', 'set connectionPool, outlierDetection, loadBalancer, tls, subsets or portLevelSettings');
    }
    const subsetSources = subsets.map((s) => ({ field: `${s.field}.subset`, subset: s.subset }));
    this.trafficHost = TrafficHost._of(this, props.host, props.namespace, subsetSources);
    if (Object.keys(host).length > 0) {
      this.trafficHost._addPolicy(this, host);
    }
    for (const p of ports) {
      this.trafficHost._addPortPolicy(this, p.port, p.parts, p.field);
    }
    for (const s of subsets) {
      const name = this.trafficHost._addSubset(this, s.subset, `${s.field}.subset`);
      if (Object.keys(s.parts).length > 0) {
        this.trafficHost._addSubsetPolicy(this, name, s.parts, s.field);
      }
    }
  }
}
