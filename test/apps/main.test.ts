import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { ChartOutput, MeshApp } from '../../lib';
import { expectValidManifests } from '../support/validate';

function synthTo(dir: string): ChartOutput[] {
  return buildApp(new MeshApp({ outdir: dir })).synthOutputs();
}

function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = path.join(d, entry.name);
      if (entry.isDirectory()) {
        walk(full);
      } else {
        files[path.relative(dir, full)] = fs.readFileSync(full, 'utf8');
      }
    }
  };
  walk(dir);
  return files;
}

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-apps-'));
const outputs = synthTo(path.join(tmp, 'a'));
const byEnv = Object.fromEntries(outputs.map((o) => [o.chart, o]));

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('apps/main', () => {
  test('writes dev, staging and prod, each split into gitops/ and istioctl/', () => {
    expect(outputs.map((o) => o.chart)).toStrictEqual(['dev', 'staging', 'prod']);
    expect(Object.keys(readTree(path.join(tmp, 'a')))).toStrictEqual([
      'dev/gitops/manifests.yaml', 'dev/istioctl/control-plane-1-30-3.yaml',
      'prod/gitops/manifests.yaml', 'prod/istioctl/control-plane-1-30-3.yaml',
      'staging/gitops/manifests.yaml', 'staging/istioctl/control-plane-1-30-3.yaml',
    ]);
    for (const out of outputs) {
      expect(out.gitops.filter((o) => o.apiVersion.startsWith('install.istio.io/'))).toStrictEqual([]);
    }
  });

  test.each(['dev', 'staging', 'prod'])('every %s object passes the Istio 1.30 schema and CEL rules', (env) => {
    expectValidManifests([...byEnv[env].gitops, ...byEnv[env].istioctl]);
  });

  test.each(['dev', 'staging', 'prod'])('%s chart snapshot', (env) => {
    expect({ gitops: byEnv[env].gitops, istioctl: byEnv[env].istioctl }).toMatchSnapshot();
  });

  test('PROD istiod carries the production sizing and HA', () => {
    const op = byEnv.prod.istioctl.find((o) => o.kind === 'IstioOperator' && o.metadata.name === 'control-plane-1-30-3') as any;
    const k8s = op.spec.components.pilot.k8s;
    expect(k8s.replicaCount).toBe(3);
    expect(k8s.hpaSpec.minReplicas).toBeGreaterThanOrEqual(2);
    expect(k8s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(k8s.podDisruptionBudget.minAvailable).toBeGreaterThanOrEqual(1);
    expect(k8s.resources).toStrictEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } });
  });

  test('DEV istiod has no HPA, no anti-affinity and no PDB', () => {
    const op = byEnv.dev.istioctl.find((o) => o.kind === 'IstioOperator') as any;
    const k8s = op.spec.components.pilot.k8s;
    expect(k8s.replicaCount).toBe(1);
    expect(k8s.hpaSpec).toBeUndefined();
    expect(k8s.affinity).toBeUndefined();
    expect(k8s.podDisruptionBudget).toBeUndefined();
    expect(op.spec.values.pilot.autoscaleEnabled).toBe(false);
    expect(op.spec.values.global.defaultPodDisruptionBudget.enabled).toBe(false);
  });

  test('PROD ingress gateway: HPA 3-10, zone anti-affinity, PDB, rate limited; routed to productpage', () => {
    const objs = byEnv.prod.gitops as any[];
    const of = (kind: string, name: string) => objs.find((o) => o.kind === kind && o.metadata.name === name);
    const deployment = of('Deployment', 'ingress-gateway');
    expect(deployment.metadata.namespace).toBe('istio-ingress');
    expect(deployment.spec.template.metadata.labels['istio.io/rev']).toBe('1-30-3');
    const term = deployment.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(term.weight).toBe(100);
    expect(term.podAffinityTerm.topologyKey).toBe('topology.kubernetes.io/zone');
    const hpa = of('HorizontalPodAutoscaler', 'ingress-gateway');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toStrictEqual([3, 10]);
    expect(of('PodDisruptionBudget', 'ingress-gateway').spec.minAvailable).toBe(2);
    expect(of('EnvoyFilter', 'ingress-rate-limit').spec.configPatches[0].match.context).toBe('GATEWAY');
    expect(of('VirtualService', 'bookinfo').spec.http[0].route[0].destination).toStrictEqual({ host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } });
    expect(byEnv.dev.gitops.filter((o) => o.kind === 'EnvoyFilter')).toStrictEqual([]);
  });

  test('synthesizing twice gives the same bytes', () => {
    synthTo(path.join(tmp, 'b'));
    expect(readTree(path.join(tmp, 'b'))).toStrictEqual(readTree(path.join(tmp, 'a')));
  });
});
