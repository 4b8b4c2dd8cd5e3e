import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parse } from 'yaml';
import { buildApp } from '../../apps/main';
import { MeshApp } from '../../lib';
import { all, find, Obj } from '../support/charts';
import { expectValidManifests } from '../support/validate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-ambient-'));
const outputs = buildApp(new MeshApp({ outdir: tmp, printSummary: false })).synthOutputs();
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function objectsOf(env: string): Obj[] {
  const out = outputs.find((o) => o.chart === env)!;
  return [...out.gitops, ...out.istioctl] as Obj[];
}

describe('apps/ambient: STAGING runs bookinfo-ambient in ambient mode with a waypoint', () => {
  const staging = objectsOf('staging');

  test('the control plane installs ztunnel and istio-cni (ambient mode, with the Sail Operator) and discovers ambient namespaces', () => {
    const controlPlane = outputs.find((o) => o.chart === 'staging')!.controlPlane as Obj[];
    const istio = find(controlPlane, 'Istio', 'default');
    expect(istio.spec.profile).toBe('ambient');
    expect(istio.spec.values.meshConfig.discoverySelectors).toContainEqual({ matchLabels: { 'istio.io/dataplane-mode': 'ambient' } });
    expect(find(controlPlane, 'IstioCNI', 'default').spec.profile).toBe('ambient');
    expect(find(controlPlane, 'ZTunnel', 'default').spec.namespace).toBe('istio-system');
  });

  test('the namespace, the waypoint, its parameters and the L7 policy, whole', () => {
    const inNamespace = staging.filter((o) => o.metadata.namespace === 'bookinfo-ambient' || o.metadata.name === 'bookinfo-ambient');
    expectValidManifests(inNamespace);
    expect(inNamespace.map((o) => `${o.kind}/${o.metadata.name}`).sort()).toStrictEqual([
      'AuthorizationPolicy/ambient-reviews-from-productpage', 'ConfigMap/waypoint-parameters', 'Deployment/productpage-v1', 'Deployment/reviews-v1',
      'Gateway/waypoint', 'Namespace/bookinfo-ambient', 'Service/productpage', 'Service/reviews', 'ServiceAccount/bookinfo-productpage', 'ServiceAccount/bookinfo-reviews',
    ]);
    expect(find(staging, 'Namespace', 'bookinfo-ambient').metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    expect(find(staging, 'Gateway', 'waypoint', 'bookinfo-ambient')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'bookinfo-ambient', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'waypoint-parameters' } },
      },
    });
    const cm = find(staging, 'ConfigMap', 'waypoint-parameters', 'bookinfo-ambient');
    expect(Object.fromEntries(Object.entries(cm.data).map(([k, v]) => [k, parse(v as string)]))).toStrictEqual({
      deployment: {
        spec: {
          replicas: 2,
          template: {
            spec: {
              affinity: {
                podAntiAffinity: {
                  preferredDuringSchedulingIgnoredDuringExecution: [{
                    weight: 100,
                    podAffinityTerm: { labelSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } }, topologyKey: 'topology.kubernetes.io/zone' },
                  }],
                },
              },
              containers: [{ name: 'istio-proxy', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } } }],
            },
          },
        },
      },
      podDisruptionBudget: { spec: { minAvailable: 1 } },
    });
    expect(find(staging, 'AuthorizationPolicy', 'ambient-reviews-from-productpage', 'bookinfo-ambient').spec).toStrictEqual({
      action: 'ALLOW',
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/bookinfo-ambient/sa/bookinfo-productpage'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'], ports: ['9080'] } }],
      }],
    });
    // No sidecar is asked for in the ambient namespace.
    for (const d of all(inNamespace, 'Deployment')) expect(d.spec.template.metadata.labels['sidecar.istio.io/inject']).toBeUndefined();
  });

  test.each(['dev', 'prod'])('%s has no ambient namespace or waypoint', (env) => {
    const objs = objectsOf(env);
    expect(all(objs, 'Namespace', 'bookinfo-ambient')).toStrictEqual([]);
    expect(all(objs, 'Gateway').filter((g) => g.apiVersion.startsWith('gateway.networking.k8s.io'))).toStrictEqual([]);
  });

  test.each(['dev', 'staging', 'prod'])('%s: productpage holds its start for the proxy; ratings runs the optimized sidecar preset', (env) => {
    const objs = objectsOf(env);
    expect(find(objs, 'Deployment', 'productpage-v1', 'bookinfo').spec.template.metadata.annotations['proxy.istio.io/config']).toBe('{"holdApplicationUntilProxyStarts":true}');
    const ratings = find(objs, 'Deployment', 'ratings-v1', 'bookinfo').spec.template.metadata;
    // the revision tag of the environment, like the namespace's (apps/control-plane.ts)
    expect([ratings.labels['sidecar.istio.io/inject'], ratings.labels['istio.io/rev']]).toStrictEqual(['true', `${env}-stable`]);
    expect(Object.fromEntries(Object.entries(ratings.annotations ?? {}).filter(([k]) => k.startsWith('sidecar.istio.io/')))).toStrictEqual({
      'sidecar.istio.io/proxyCPU': '50m', 'sidecar.istio.io/proxyCPULimit': '500m', 'sidecar.istio.io/proxyMemory': '64Mi', 'sidecar.istio.io/proxyMemoryLimit': '256Mi',
    });
  });
});
