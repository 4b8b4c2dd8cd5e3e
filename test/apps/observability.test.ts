/**
 * apps/observability.ts: what each environment of the composition gets, and every PromQL expression
 * of the written objects (alerts, recording rules, dashboard panels) through the PromQL parser.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { ChartOutput, MeshApp } from '../../lib';
import { all, find, Obj } from '../support/charts';
import { expectPromql } from '../support/promql';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-apps-obs-'));
const outputs: ChartOutput[] = buildApp(new MeshApp({ outdir: tmp, printSummary: false })).synthOutputs();
const gitops = (env: string): Obj[] => outputs.find((o) => o.chart === env)!.gitops as Obj[];
/** The mesh config each environment installs: DEV's IstioOperator, STAGING's Sail Istio, PROD's istiod HelmRelease (apps/control-plane.ts). */
const meshConfigOf = (env: string): any => {
  const out = outputs.find((o) => o.chart === env)!;
  if (env === 'dev') return find(out.istioctl as Obj[], 'IstioOperator', 'control-plane-1-30-3').spec.meshConfig;
  if (env === 'staging') return find(out.controlPlane as Obj[], 'Istio', 'default').spec.values.meshConfig;
  return find(out.controlPlane as Obj[], 'HelmRelease', 'istiod-1-30-3').spec.values.meshConfig;
};

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

/** Every PromQL expression an environment writes: rules of PrometheusRules, targets of dashboards. */
function expressions(objs: readonly Obj[]): { name: string; expression: string }[] {
  const rules = all(objs, 'PrometheusRule').flatMap((r) => r.spec.groups.flatMap((g: any) => g.rules.map((x: any) => ({ name: `${r.metadata.name}/${x.alert ?? x.record}`, expression: x.expr }))));
  const panels = all(objs, 'ConfigMap').filter((c) => c.metadata.labels?.grafana_dashboard === '1').flatMap((c) => Object.values(c.data as Record<string, string>)
    .flatMap((json) => JSON.parse(json).panels.flatMap((p: any) => p.targets.map((t: any) => ({ name: `${c.metadata.name}/${p.title}`, expression: t.expr })))));
  return [...rules, ...panels];
}

describe('apps/observability', () => {
  test.each([['dev', 100], ['staging', 10], ['prod', 1]])('%s traces %d %% through the mesh-wide Telemetry', (env, percent) => {
    expect(find(gitops(env), 'Telemetry', 'mesh-default', 'istio-system').spec.tracing).toStrictEqual([{
      customTags: { cluster: { environment: { name: 'ISTIO_META_CLUSTER_ID', defaultValue: 'unknown' } } },
      providers: [{ name: 'otel' }],
      randomSamplingPercentage: percent,
    }]);
    // meshConfig declares the provider; the Telemetry chooses it and samples.
    expect(meshConfigOf(env).extensionProviders).toStrictEqual([{ name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } }]);
  });

  test('STAGING and PROD alert, DEV does not; every environment scrapes and has dashboards', () => {
    expect(all(gitops('dev'), 'PrometheusRule').map((r) => r.metadata.name)).toStrictEqual(['istio-federation']);
    for (const env of ['staging', 'prod']) {
      expect(all(gitops(env), 'PrometheusRule').map((r) => r.metadata.name).sort()).toStrictEqual(['istio-alerts', 'istio-federation']);
    }
    for (const env of ['dev', 'staging', 'prod']) {
      // (STAGING's Gateway API ingress and waypoint have their sizing ConfigMaps too)
      const sizing = env === 'staging' ? ['shop-gateway-options', 'waypoint-parameters'] : [];
      expect(all(gitops(env), 'ConfigMap').map((c) => c.metadata.name).sort()).toStrictEqual(['istio-control-plane', 'istio-data-plane', 'istio-gateways', 'kiali', ...sizing]);
      // STAGING runs the ambient profile (apps/ambient.ts): ztunnel is scraped too
      expect(all(gitops(env), 'PodMonitor').map((m) => m.metadata.name)).toStrictEqual(env === 'staging' ? ['envoy-stats', 'ztunnel'] : ['envoy-stats']);
      // istiod's Deployment and Service carry the revision: Sail names STAGING's default-v1-30-3
      expect(all(gitops(env), 'ServiceMonitor').map((m) => m.metadata.name)).toStrictEqual([env === 'staging' ? 'istiod-default-v1-30-3' : 'istiod-1-30-3']);
    }
    const prodAlerts = find(gitops('prod'), 'PrometheusRule', 'istio-alerts').spec.groups.flatMap((g: any) => g.rules.map((r: any) => r.alert));
    expect(prodAlerts).toContain('IstioGatewayErrorRate');
    expect(prodAlerts).toContain('IstioServiceLatencyP99_ReviewsBookinfo');
    expect(meshConfigOf('prod').defaultConfig.proxyStatsMatcher.inclusionSuffixes).toContain('upstream_cx_overflow');
  });

  test.each(['dev', 'staging', 'prod'])('every PromQL expression %s writes parses', (env) => {
    const exprs = expressions(gitops(env));
    expect(exprs.length).toBeGreaterThan(env === 'dev' ? 30 : 45);
    expectPromql(exprs);
  });
});
