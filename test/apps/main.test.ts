import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { ChartOutput, ExternalResources, MeshApp } from '../../lib';
import { find, Obj } from '../support/charts';
import { expectValidManifests } from '../support/validate';

function synthTo(dir: string): ChartOutput[] {
  const app = buildApp(new MeshApp({ outdir: dir, printSummary: false }));
  // The ingress gateway's TLS secret is issued outside the output (the analyzer reports it missing otherwise).
  app.charts.forEach((chart) => new ExternalResources(chart, 'tls-secret', { secrets: [{ namespace: 'istio-ingress', name: 'bookinfo-tls' }] }));
  return app.synthOutputs();
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
/** The gitops (`istioctl` false) or istioctl objects of `env`. */
const objectsOf = (env: string, istioctl = false): Obj[] => (istioctl ? byEnv[env].istioctl : byEnv[env].gitops) as Obj[];

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
    const op = find(objectsOf('prod', true), 'IstioOperator', 'control-plane-1-30-3', 'istio-system');
    const k8s = op.spec.components.pilot.k8s;
    // PROD: an HPA with a floor of at least 2 owns the replica count (no replicaCount, no hpaSpec).
    expect(op.spec.values.pilot.autoscaleEnabled).toBe(true);
    expect(op.spec.values.pilot.autoscaleMin).toBeGreaterThanOrEqual(2);
    expect(k8s.replicaCount).toBeUndefined();
    expect(k8s.hpaSpec).toBeUndefined();
    expect(k8s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(k8s.podDisruptionBudget.minAvailable).toBeGreaterThanOrEqual(1);
    expect(k8s.resources).toStrictEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } });
  });

  test('DEV istiod has no HPA, no anti-affinity and no PDB', () => {
    const op = find(objectsOf('dev', true), 'IstioOperator', 'control-plane-1-30-3', 'istio-system');
    const k8s = op.spec.components.pilot.k8s;
    expect(k8s.replicaCount).toBe(1);
    expect(k8s.hpaSpec).toBeUndefined();
    expect(k8s.affinity).toBeUndefined();
    expect(k8s.podDisruptionBudget).toBeUndefined();
    expect(op.spec.values.pilot.autoscaleEnabled).toBe(false);
    expect(op.spec.values.global.defaultPodDisruptionBudget.enabled).toBe(false);
  });

  test('PROD ingress gateway: HPA 3-10, zone anti-affinity, PDB, rate limited; routed to productpage', () => {
    const of = (kind: string, name: string, namespace?: string) => find(objectsOf('prod'), kind, name, namespace);
    const deployment = of('Deployment', 'ingress-gateway', 'istio-ingress');
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

  test('PROD reviews: a canary at 10 %, a circuit breaker, one DestinationRule and one mesh VirtualService per host', () => {
    const istioObjs = byEnv.prod.gitops.filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    const hostsOf = (kind: string) => istioObjs.filter((o) => o.kind === kind).map((o) => (o as any).spec.host ?? (o as any).spec.hosts.join(','));
    expect(hostsOf('DestinationRule')).toStrictEqual([...new Set(hostsOf('DestinationRule'))]);
    expect(hostsOf('VirtualService')).toStrictEqual([...new Set(hostsOf('VirtualService'))]);
    const dr = find(objectsOf('prod'), 'DestinationRule', 'reviews', 'bookinfo');
    expect(dr.spec.host).toBe('reviews.bookinfo.svc.cluster.local');
    expect(dr.spec.subsets.map((s: any) => s.name)).toStrictEqual(['v1', 'v2']);
    expect(dr.spec.trafficPolicy.outlierDetection).toStrictEqual({ consecutive5xxErrors: 3, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 60 });
    expect(dr.spec.trafficPolicy.connectionPool.http.http2MaxRequests).toBe(400);
    const vs = find(objectsOf('prod'), 'VirtualService', 'reviews', 'bookinfo');
    const weighted = vs.spec.http.find((r: any) => r.name === 'reviews-canary-weighted');
    expect(weighted.route.map((d: any) => [d.destination.subset, d.weight])).toStrictEqual([['v1', 90], ['v2', 10]]);
    expect([weighted.timeout, weighted.retries.attempts]).toStrictEqual(['5s', 2]);
    // The subsets select exactly the pods of their Deployments.
    for (const version of ['v1', 'v2']) {
      const pods = find(objectsOf('prod'), 'Deployment', `reviews-${version}`, 'bookinfo').spec.template.metadata.labels;
      expect(dr.spec.subsets.find((s: any) => s.name === version).labels).toStrictEqual({ app: pods.app, version: pods.version });
    }
  });

  test.each([['dev', 50], ['staging', 25]])('%s reviews canary takes the environment share (%i %%)', (env, percent) => {
    const vs = find(objectsOf(env), 'VirtualService', 'reviews', 'bookinfo');
    const weighted = vs.spec.http.find((r: any) => r.name === 'reviews-canary-weighted');
    expect(weighted.route.map((d: any) => d.weight)).toStrictEqual([100 - percent, percent]);
  });

  test('synthesizing twice gives the same bytes', () => {
    synthTo(path.join(tmp, 'b'));
    expect(readTree(path.join(tmp, 'b'))).toStrictEqual(readTree(path.join(tmp, 'a')));
  });
});
