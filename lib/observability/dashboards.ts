import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { checkArray, checkInstance, checkProps } from '../core/input';
import { checkLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { MeshGateway } from '../gateway/mesh-gateway';
import { PromExpr, q } from './promql';
import {
  ENVOY_DASHBOARD_STATS, errorRatio, istiod, latencyQuantile, proxy, requestRate, serverRequests, WINDOW,
} from './queries';

/** The unit of a panel's values (Grafana's unit ids). */
export enum PanelUnit {
  /** Requests per second. */
  REQUESTS_PER_SECOND = 'reqps',
  /** Operations per second. */
  OPS_PER_SECOND = 'ops',
  /** Bytes (IEC). */
  BYTES = 'bytes',
  /** Seconds. */
  SECONDS = 's',
  /** Milliseconds. */
  MILLISECONDS = 'ms',
  /** A ratio 0–1 shown as percent. */
  RATIO = 'percentunit',
  /** A plain count. */
  COUNT = 'short',
}

/** One query of a panel. */
export interface DashboardQuery {
  /** The PromQL expression. */
  readonly expression: string;
  /** Grafana's legend template, e.g. `{{pod}}`. */
  readonly legend: string;
}

/** One panel of a dashboard. */
export interface DashboardPanel {
  /** Its title. */
  readonly title: string;
  /** Its unit. */
  readonly unit: PanelUnit;
  /** Its queries. */
  readonly queries: DashboardQuery[];
}

/** One dashboard. */
export interface Dashboard {
  /** Grafana's uid (also the ConfigMap's name). */
  readonly uid: string;
  /** Its title. */
  readonly title: string;
  /** Its panels, in order. */
  readonly panels: DashboardPanel[];
}

/** Props of {@link MeshDashboards}. */
export interface MeshDashboardsProps {
  /** The control plane: istiod's namespace; the Envoy stats the panels read are added to its `proxyStatsMatcher`. */
  readonly controlPlane: MeshControlPlane;
  /**
   * The gateways of the gateway dashboard.
   * @default none (no gateway dashboard)
   */
  readonly gateways?: MeshGateway[];
  /**
   * Namespace of the ConfigMaps: where the Grafana sidecar looks for dashboards.
   * @default the control plane's namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the ConfigMaps besides `grafana_dashboard: "1"` (the label the Grafana Helm chart's
   * sidecar watches by default).
   * @default none
   */
  readonly labels?: { [key: string]: string };
}

/** One Grafana panel's layout width (of 24 columns) and height. */
const PANEL_WIDTH = 12;
const PANEL_HEIGHT = 8;

/**
 * Grafana dashboards as code: one ConfigMap per dashboard (JSON model under `<uid>.json`), labelled
 * `grafana_dashboard: "1"` for the Grafana sidecar to load. Three dashboards:
 *
 * - **Istio control plane**: istiod memory, xDS push latency (P50/P99 of `pilot_xds_push_time`),
 *   connected proxies (`pilot_xds`), xDS pushes by type with send errors and rejections, proxy
 *   convergence time.
 * - **Istio data plane**: request rate, P50/P99 latency and 5xx share per destination service, and
 *   connection-pool usage (active connections, active and pending requests, overflows) per upstream
 *   cluster.
 * - **Istio gateways** (with `gateways`): inbound requests and 5xx share per gateway, TLS handshakes
 *   and errors, active and new downstream connections.
 *
 * The queries are the typed PromQL the alerts use. The cluster and listener stats the panels read are
 * not exported by Envoy by default: this construct adds them to the control plane's
 * `proxyStatsMatcher`. Each dashboard has a `datasource` variable (Prometheus).
 */
export class MeshDashboards extends Construct {
  /** The dashboards, as rendered. */
  public readonly dashboards: Dashboard[];
  /** The ConfigMaps, one per dashboard. */
  public readonly configMaps: kplus.ConfigMap[];

  constructor(scope: Construct, id: string, props: MeshDashboardsProps) {
    super(scope, id);
    props = checkProps(this, props, 'MeshDashboardsProps');
    const cp = checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'give the MeshControlPlane of the mesh');
    const namespace = checkDnsLabel(this, 'namespace', props.namespace ?? cp.namespace, 'use the namespace the Grafana sidecar watches, e.g. "monitoring"');
    const labels = props.labels === undefined ? {} : checkLabels(this, 'labels', props.labels);
    const gateways = props.gateways === undefined ? [] : checkArray(this, 'gateways', props.gateways, (g, f) =>
      checkInstance(this, f, g, MeshGateway, 'give IngressGateway or EgressGateway constructs'));
    cp.addProxyStats(ENVOY_DASHBOARD_STATS);

    this.dashboards = [controlPlaneDashboard(cp.namespace), dataPlaneDashboard(), ...(gateways.length ? [gatewayDashboard(gateways)] : [])];
    this.configMaps = this.dashboards.map((d) => new kplus.ConfigMap(this, d.uid, {
      metadata: { name: d.uid, namespace, labels: { ...labels, grafana_dashboard: '1' } },
      data: { [`${d.uid}.json`]: JSON.stringify(grafanaModel(d), undefined, 2) },
    }));
  }
}

const query = (expr: PromExpr, legend: string): DashboardQuery => ({ expression: expr.render(), legend });

function controlPlaneDashboard(namespace: string): Dashboard {
  return {
    uid: 'istio-control-plane',
    title: 'Istio control plane',
    panels: [
      { title: 'istiod memory (working set)', unit: PanelUnit.BYTES, queries: [query(q.sum(istiod.memory(namespace), 'pod'), '{{pod}}')] },
      {
        title: 'xDS push latency',
        unit: PanelUnit.SECONDS,
        queries: [query(q.quantile(0.5, istiod.pushTimeBucket(), WINDOW), 'P50'), query(q.quantile(0.99, istiod.pushTimeBucket(), WINDOW), 'P99')],
      },
      { title: 'Connected proxies', unit: PanelUnit.COUNT, queries: [query(q.sum(istiod.connected(), 'pod', 'version'), '{{pod}} ({{version}})')] },
      {
        title: 'xDS pushes, send errors and rejections',
        unit: PanelUnit.OPS_PER_SECOND,
        queries: [
          query(q.sum(q.rate(istiod.pushes().over(WINDOW)), 'type'), '{{type}}'),
          query(q.sum(q.rate(istiod.rejects().over(WINDOW)), 'type'), 'rejected {{type}}'),
        ],
      },
      { title: 'Proxy convergence time (P99)', unit: PanelUnit.SECONDS, queries: [query(q.quantile(0.99, istiod.convergenceBucket(), WINDOW), 'P99')] },
    ],
  };
}

function dataPlaneDashboard(): Dashboard {
  const byService = 'destination_service';
  const latency = proxy.durationBucket().re('reporter', 'destination|waypoint');
  const byCluster = ['namespace', 'cluster_name'];
  return {
    uid: 'istio-data-plane',
    title: 'Istio data plane',
    panels: [
      { title: 'Request rate by service', unit: PanelUnit.REQUESTS_PER_SECOND, queries: [query(requestRate(serverRequests(), byService), '{{destination_service}}')] },
      {
        title: 'Latency by service (P50, P99)',
        unit: PanelUnit.MILLISECONDS,
        queries: [query(latencyQuantile(0.5, latency, byService), 'P50 {{destination_service}}'), query(latencyQuantile(0.99, latency, byService), 'P99 {{destination_service}}')],
      },
      { title: '5xx share by service', unit: PanelUnit.RATIO, queries: [query(errorRatio(serverRequests(), byService), '{{destination_service}}')] },
      {
        title: 'Connection pools: active connections and requests',
        unit: PanelUnit.COUNT,
        queries: [
          query(q.sum(proxy.cxActive(), ...byCluster), 'connections {{namespace}} → {{cluster_name}}'),
          query(q.sum(proxy.rqActive(), ...byCluster), 'requests {{namespace}} → {{cluster_name}}'),
          query(q.sum(proxy.pendingActive(), ...byCluster), 'pending {{namespace}} → {{cluster_name}}'),
        ],
      },
      {
        title: 'Connection pools: overflows',
        unit: PanelUnit.OPS_PER_SECOND,
        queries: [
          query(q.sum(q.rate(proxy.cxOverflow().over(WINDOW)), ...byCluster), 'connections {{namespace}} → {{cluster_name}}'),
          query(q.sum(q.rate(proxy.pendingOverflow().over(WINDOW)), ...byCluster), 'pending {{namespace}} → {{cluster_name}}'),
        ],
      },
    ],
  };
}

function gatewayDashboard(gateways: readonly MeshGateway[]): Dashboard {
  const names = [...new Set(gateways.map((g) => g.name))].sort();
  const namespaces = [...new Set(gateways.map((g) => g.namespace))].sort();
  const inbound = proxy.requests().eq('reporter', 'source').re('source_workload', q.anyOf(names)).re('source_workload_namespace', q.anyOf(namespaces));
  const by = ['source_workload_namespace', 'source_workload'];
  // Envoy's listener stats of the gateway pods: their pod names start with the Deployment's name.
  const pods = (s: ReturnType<typeof proxy.tlsHandshakes>) => s.re('namespace', q.anyOf(namespaces)).re('pod', `(${q.anyOf(names)})-.*`);
  return {
    uid: 'istio-gateways',
    title: 'Istio gateways',
    panels: [
      { title: 'Inbound requests', unit: PanelUnit.REQUESTS_PER_SECOND, queries: [query(requestRate(inbound, ...by), '{{source_workload_namespace}}/{{source_workload}}')] },
      { title: '5xx share', unit: PanelUnit.RATIO, queries: [query(errorRatio(inbound, ...by), '{{source_workload_namespace}}/{{source_workload}}')] },
      {
        title: 'TLS handshakes and errors',
        unit: PanelUnit.OPS_PER_SECOND,
        queries: [
          query(q.sum(q.rate(pods(proxy.tlsHandshakes()).over(WINDOW)), 'namespace', 'listener_address'), 'handshakes {{namespace}} {{listener_address}}'),
          query(q.sum(q.rate(pods(proxy.tlsErrors()).over(WINDOW)), 'namespace', 'listener_address'), 'errors {{namespace}} {{listener_address}}'),
        ],
      },
      {
        title: 'Downstream connections',
        unit: PanelUnit.COUNT,
        queries: [
          query(q.sum(pods(proxy.downstreamCxActive()), 'namespace', 'listener_address'), 'active {{namespace}} {{listener_address}}'),
          query(q.sum(q.rate(pods(proxy.downstreamCxTotal()).over(WINDOW)), 'namespace', 'listener_address'), 'new per second {{namespace}} {{listener_address}}'),
        ],
      },
    ],
  };
}

/** Grafana's dashboard JSON model (schema version 39) of a dashboard. */
function grafanaModel(d: Dashboard): object {
  const datasource = { type: 'prometheus', uid: '${datasource}' };
  return {
    uid: d.uid,
    title: d.title,
    tags: ['istio'],
    editable: false,
    schemaVersion: 39,
    time: { from: 'now-6h', to: 'now' },
    refresh: '30s',
    templating: {
      list: [{ name: 'datasource', label: 'Prometheus', type: 'datasource', query: 'prometheus', current: {}, hide: 0 }],
    },
    panels: d.panels.map((p, i) => ({
      id: i + 1,
      type: 'timeseries',
      title: p.title,
      datasource,
      gridPos: { x: (i % 2) * PANEL_WIDTH, y: Math.floor(i / 2) * PANEL_HEIGHT, w: PANEL_WIDTH, h: PANEL_HEIGHT },
      fieldConfig: { defaults: { unit: p.unit }, overrides: [] },
      options: { legend: { displayMode: 'list', placement: 'bottom' }, tooltip: { mode: 'multi' } },
      targets: p.queries.map((t, j) => ({ refId: String.fromCharCode(65 + j), datasource, expr: t.expression, legendFormat: t.legend })),
    })),
  };
}
