/**
 * observability.proxystats: queries of alert rules and dashboards that read Envoy stats the mesh does
 * not keep (CDK8S-ISTIO-050).
 */
import { MeshAnalyzer } from '../../lib';

function operator(proxyStatsMatcher?: Record<string, string[]>): any {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' },
    spec: { meshConfig: { defaultConfig: { ...(proxyStatsMatcher ? { proxyStatsMatcher } : {}) } } },
  };
}

function rule(...exprs: string[]): any {
  return {
    apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule', metadata: { name: 'alerts', namespace: 'istio-system' },
    spec: { groups: [{ name: 'g', rules: exprs.map((expr, i) => ({ alert: `A${i}`, expr })) }] },
  };
}

function dashboard(expr: string): any {
  return {
    apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'dash', namespace: 'istio-system', labels: { grafana_dashboard: '1' } },
    data: { 'dash.json': JSON.stringify({ panels: [{ type: 'row', panels: [{ targets: [{ expr }] }] }] }) },
  };
}

const NS = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } };
const messages = (objs: any[]) => MeshAnalyzer.analyze([NS, ...objs]).findings.filter((f) => f.code === 'CDK8S-ISTIO-050').map((f) => MeshAnalyzer.format([f]));

describe('observability.proxystats', () => {
  test('an alert on a cluster overflow counter the mesh does not keep is reported, with the field and the fix', () => {
    // GIVEN a mesh with Istio's default stats and a rule on envoy_cluster_upstream_cx_overflow
    const objs = [operator(), rule('sum(rate(envoy_cluster_upstream_cx_overflow[5m])) > 0', 'sum(pilot_xds) > 0')];

    // WHEN / THEN
    expect(messages(objs)).toStrictEqual([
      'Warning [CDK8S-ISTIO-050] (PrometheusRule istio-system/alerts) The query reads envoy_cluster_upstream_cx_overflow, an Envoy stat the proxyStatsMatcher of IstioOperator istio-system/cp '
      + 'does not keep: the proxies do not export it, so the query has no data (spec.groups[0].rules[0].expr). Fix: keep it with meshConfig.defaultConfig.proxyStatsMatcher, '
      + 'e.g. inclusionSuffixes: ["upstream_cx_overflow"] (MeshControlPlane.addProxyStats; MeshAlerts and MeshDashboards add the stats they read)',
    ]);
  });

  test('kept by a suffix, a prefix or a regex (dotted readings too): nothing to report', () => {
    expect(messages([operator({ inclusionSuffixes: ['upstream_cx_overflow'] }), rule('envoy_cluster_upstream_cx_overflow > 0')])).toStrictEqual([]);
    expect(messages([operator({ inclusionPrefixes: ['cluster.outbound'] }), rule('histogram_quantile(0.9, sum by (le) (rate(envoy_cluster_upstream_rq_time_bucket[5m])))')])).toStrictEqual([]);
    expect(messages([operator({ inclusionRegexps: ['listener\\..*\\.ssl\\.(handshake|connection_error)'] }), dashboard('rate(envoy_listener_ssl_handshake[5m])')])).toStrictEqual([]);
    expect(messages([operator(), rule('envoy_listener_downstream_cx_active > 0')])).toStrictEqual([]);
  });

  test('dashboards in ConfigMaps labelled for Grafana are read; no mesh config, no finding', () => {
    expect(messages([operator(), dashboard('rate(envoy_listener_ssl_handshake[5m])')])).toHaveLength(1);
    expect(messages([dashboard('rate(envoy_listener_ssl_handshake[5m])')])).toStrictEqual([]);
  });
});
