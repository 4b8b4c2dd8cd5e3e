import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { MeshApp } from '../../lib';
import { all, find, Obj } from '../support/charts';
import { expectValidManifests } from '../support/validate';

// GIVEN the apps' composition WHEN it is synthesized THEN the storefront (Gateway API ingress + Flagger) is in STAGING only.
const outputs = buildApp(new MeshApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-delivery-')), printSummary: false })).synthOutputs();
function objectsOf(env: string): Obj[] {
  const out = outputs.find((o) => o.chart === env);
  if (!out) throw new Error(`no chart ${env}`);
  return out.gitops as Obj[];
}

describe('apps: the storefront in STAGING', () => {
  const staging = objectsOf('staging');

  test('every object passes its schema', () => {
    expectValidManifests(staging);
  });

  test('a Gateway API ingress: Gateway of class istio with the TLS listener, admitting the shop namespace', () => {
    const gateway = find(staging, 'Gateway', 'shop-gateway', 'shop-ingress');
    const allowedRoutes = { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop-ingress', 'shop'] }] } } };
    expect(gateway).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'shop-gateway', namespace: 'shop-ingress', labels: { 'istio.io/rev': 'staging-stable' } },
      spec: {
        gatewayClassName: 'istio',
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'shop-gateway-options' } },
        listeners: [
          { name: 'https-443', port: 443, protocol: 'HTTPS', hostname: 'shop.example.com', tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'shop-tls' }] }, allowedRoutes },
          { name: 'http-80', port: 80, protocol: 'HTTP', hostname: 'shop.example.com', allowedRoutes },
        ],
      },
    });
    expect(Object.keys(find(staging, 'ConfigMap', 'shop-gateway-options', 'shop-ingress').data).sort())
      .toStrictEqual(['deployment', 'horizontalPodAutoscaler', 'podDisruptionBudget', 'service']);
  });

  test('a Flagger Canary bound to the HTTPS listener, stepping through STAGING\'s stages', () => {
    expect(find(staging, 'Canary', 'storefront', 'shop').spec).toStrictEqual({
      provider: 'gatewayapi:v1',
      targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'storefront' },
      service: { port: 8080, gatewayRefs: [{ name: 'shop-gateway', namespace: 'shop-ingress', sectionName: 'https-443' }], hosts: ['shop.example.com'] },
      analysis: {
        interval: '60s',
        threshold: 5,
        stepWeights: [10, 25, 50, 75],
        metrics: [
          { name: 'request-success-rate', interval: '60s', thresholdRange: { min: 99 } },
          { name: 'request-duration', interval: '60s', thresholdRange: { max: 500 } },
        ],
        webhooks: [
          { name: 'load-test', type: 'rollout', url: 'http://flagger-loadtester.test/', timeout: '5s', metadata: { type: 'cmd', cmd: 'hey -z 1m -q 10 -c 2 http://storefront-canary.shop:8080/' } },
          { name: 'approve-promotion', type: 'confirm-promotion', url: 'http://flagger-loadtester.test/gate/check' },
        ],
      },
    });
    // Flagger creates the Services; the output writes none for the storefront.
    expect(all(staging, 'Service').filter((s) => s.metadata.namespace === 'shop')).toStrictEqual([]);
  });

  test('the allow policy selects a label the primary keeps, so it covers primary and canary', () => {
    expect(find(staging, 'AuthorizationPolicy', 'storefront-from-gateway', 'shop').spec.selector)
      .toStrictEqual({ matchLabels: { 'app.kubernetes.io/part-of': 'storefront' } });
  });

  test('DEV and PROD have no storefront', () => {
    for (const env of ['dev', 'prod']) {
      expect(objectsOf(env).filter((o) => o.metadata.namespace === 'shop' || o.metadata.namespace === 'shop-ingress')).toStrictEqual([]);
    }
  });
});
