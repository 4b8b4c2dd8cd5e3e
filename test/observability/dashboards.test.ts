/**
 * MeshDashboards: Grafana dashboards as ConfigMaps; every panel query through the PromQL parser.
 */
import * as istio from '../../lib';
import { analyzed, find, findingsOf, meshChart, synthValid } from '../support/charts';
import { expectPromql } from '../support/promql';

function setup() {
  const chart = meshChart();
  const controlPlane = new istio.MeshControlPlane(chart, 'control-plane');
  const ingress = new istio.IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', controlPlane, servers: [istio.GatewayServer.http({ hosts: ['shop.example.com'] })] });
  new istio.ExternalResources(chart, 'grafana', { namespaces: ['monitoring'] });
  const dashboards = new istio.MeshDashboards(chart, 'dashboards', { controlPlane, gateways: [ingress], namespace: 'monitoring' });
  return { chart, controlPlane, dashboards };
}

describe('MeshDashboards', () => {
  test('three dashboards, in ConfigMaps the Grafana sidecar loads; every panel query parses as PromQL', () => {
    // GIVEN / WHEN
    const { chart, dashboards } = setup();

    // THEN the panels the production guide lists
    expect(dashboards.dashboards.map((d) => [d.uid, d.panels.map((p) => p.title)])).toStrictEqual([
      ['istio-control-plane', ['istiod memory (working set)', 'xDS push latency', 'Connected proxies', 'xDS pushes, send errors and rejections', 'Proxy convergence time (P99)']],
      ['istio-data-plane', ['Request rate by service', 'Latency by service (P50, P99)', '5xx share by service', 'Connection pools: active connections and requests', 'Connection pools: overflows']],
      ['istio-gateways', ['Inbound requests', '5xx share', 'TLS handshakes and errors', 'Downstream connections']],
    ]);
    const objs = synthValid(chart);
    for (const d of dashboards.dashboards) {
      const cm = find(objs, 'ConfigMap', d.uid, 'monitoring');
      expect(cm.metadata.labels).toStrictEqual({ grafana_dashboard: '1' });
      const model = JSON.parse(cm.data[`${d.uid}.json`]);
      expect(model.uid).toBe(d.uid);
      // The rendered JSON's queries are the ones parsed here.
      const exprs = model.panels.flatMap((p: any) => p.targets.map((t: any) => ({ name: `${d.uid}/${p.title}/${t.refId}`, expression: t.expr })));
      expect(exprs.map((e: any) => e.expression)).toStrictEqual(d.panels.flatMap((p) => p.queries.map((x) => x.expression)));
      expectPromql(exprs);
    }
    expect(analyzed(chart).filter((f) => f.startsWith('Error'))).toStrictEqual([]);
  });

  test('panel queries: control plane and gateways', () => {
    const { dashboards } = setup();
    const [cp, , gw] = dashboards.dashboards;
    expect(cp.panels[1].queries).toStrictEqual([
      { expression: 'histogram_quantile(0.5, sum by (le) (rate(pilot_xds_push_time_bucket[5m])))', legend: 'P50' },
      { expression: 'histogram_quantile(0.99, sum by (le) (rate(pilot_xds_push_time_bucket[5m])))', legend: 'P99' },
    ]);
    expect(cp.panels[2].queries).toStrictEqual([{ expression: 'sum by (pod, version) (pilot_xds)', legend: '{{pod}} ({{version}})' }]);
    expect(gw.panels[2].queries[0].expression)
      .toBe('sum by (namespace, listener_address) (rate(envoy_listener_ssl_handshake{namespace=~"istio-ingress", pod=~"(ingress)-.*"}[5m]))');
  });

  test('the Envoy stats the panels read are added to the mesh\'s proxyStatsMatcher', () => {
    const { chart, controlPlane } = setup();
    expect(findingsOf(chart, 'CDK8S-ISTIO-050')).toStrictEqual([]);
    expect(controlPlane.toSpec().meshConfig.defaultConfig.proxyStatsMatcher).toStrictEqual({
      inclusionSuffixes: ['upstream_cx_active', 'upstream_rq_active', 'upstream_rq_pending_active', 'upstream_cx_overflow', 'upstream_rq_pending_overflow'],
      inclusionRegexps: ['listener\\..*\\.ssl\\.(handshake|connection_error)', 'listener\\..*\\.downstream_cx_(total|active)'],
    });
  });
});
