import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { ChartOutput, MeshApp } from '../../lib';
import { all, find, Obj } from '../support/charts';
import { destinationRuleProblems, referenceProblems, serviceSelectorProblems, virtualServiceDestinations, virtualServiceProblems } from '../support/references';
import { expectValidManifests } from '../support/validate';

function synthTo(dir: string): ChartOutput[] {
  const app = buildApp(new MeshApp({ outdir: dir, printSummary: false }));
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
  test('writes dev, staging and prod, each split into control-plane/, gitops/, istioctl/ (DEV only) and external/ (declarations)', () => {
    expect(outputs.map((o) => o.chart)).toStrictEqual(['dev', 'staging', 'prod']);
    // DEV installs with istioctl, STAGING with Sail, PROD with Helm through Flux: only DEV has an IstioOperator.
    expect(Object.keys(readTree(path.join(tmp, 'a')))).toStrictEqual([
      'dev/control-plane/manifests.yaml', 'dev/external/declared.yaml', 'dev/gitops/manifests.yaml', 'dev/graph.dot', 'dev/graph.mmd', 'dev/istioctl/control-plane-1-30-3.yaml',
      'prod/control-plane/manifests.yaml', 'prod/external/declared.yaml', 'prod/gitops/manifests.yaml', 'prod/graph.dot', 'prod/graph.mmd',
      'staging/control-plane/manifests.yaml', 'staging/external/declared.yaml', 'staging/gitops/manifests.yaml', 'staging/graph.dot', 'staging/graph.mmd',
    ]);
    const kinds = (env: string) => byEnv[env].controlPlane.map((o) => `${o.kind}/${o.metadata.name}`);
    expect(kinds('dev')).toStrictEqual(['MutatingWebhookConfiguration/istio-revision-tag-dev-stable']);
    // STAGING runs ambient mode too (apps/ambient.ts): Sail's IstioCNI and ZTunnel
    expect(kinds('staging')).toStrictEqual(['Namespace/istio-system', 'Istio/default', 'PodDisruptionBudget/istiod-default-v1-30-3', 'IstioRevisionTag/staging-stable', 'IstioCNI/default', 'ZTunnel/default']);
    expect(kinds('prod')).toStrictEqual(['Namespace/istio-system', 'HelmRelease/istiod-1-30-3', 'MutatingWebhookConfiguration/istio-revision-tag-prod-stable',
      'HelmRepository/istio', 'HelmRelease/istio-base']);
    for (const out of outputs) {
      expect(out.gitops.filter((o) => o.apiVersion.startsWith('install.istio.io/'))).toStrictEqual([]);
    }
  });

  test.each(['dev', 'staging', 'prod'])('every %s object passes its schema (Istio 1.30, Kubernetes 1.32) and CEL rules', (env) => {
    expectValidManifests([...byEnv[env].controlPlane, ...byEnv[env].gitops, ...byEnv[env].istioctl]);
  });

  test.each(['dev', 'staging', 'prod'])('%s chart snapshot', (env) => {
    expect({ controlPlane: byEnv[env].controlPlane, gitops: byEnv[env].gitops, istioctl: byEnv[env].istioctl }).toMatchSnapshot();
  });

  test('PROD istiod carries the production sizing and HA (Helm chart values through Flux)', () => {
    const release = find(byEnv.prod.controlPlane as Obj[], 'HelmRelease', 'istiod-1-30-3', 'flux-system');
    const values = release.spec.values;
    // PROD: an HPA with a floor of at least 2 owns the replica count (no replicaCount).
    expect([values.autoscaleEnabled, values.autoscaleMin, values.autoscaleMax, values.replicaCount]).toStrictEqual([true, 2, 5, undefined]);
    expect(values.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].topologyKey).toBe('kubernetes.io/hostname');
    expect(values.topologySpreadConstraints[0].topologyKey).toBe('topology.kubernetes.io/zone');
    expect([values.global.defaultPodDisruptionBudget.enabled, values.pdb.minAvailable]).toStrictEqual([true, 1]);
    expect(values.global.priorityClassName).toBe('system-cluster-critical');
    expect(values.resources).toStrictEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } });
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
    // The gateway points at the revision tag, never at the revision.
    expect(deployment.spec.template.metadata.labels['istio.io/rev']).toBe('prod-stable');
    const term = deployment.spec.template.spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0];
    expect(term.weight).toBe(100);
    expect(term.podAffinityTerm.topologyKey).toBe('topology.kubernetes.io/zone');
    const hpa = of('HorizontalPodAutoscaler', 'ingress-gateway');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toStrictEqual([3, 10]);
    expect(of('PodDisruptionBudget', 'ingress-gateway').spec).toStrictEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'ingress-gateway', istio: 'ingress-gateway' } } });
    expect(of('EnvoyFilter', 'ingress-rate-limit').spec.configPatches[0].match.context).toBe('GATEWAY');
    expect(of('VirtualService', 'bookinfo').spec.http[0].route[0].destination).toStrictEqual({ host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } });
    expect(byEnv.dev.gitops.filter((o) => o.kind === 'EnvoyFilter')).toStrictEqual([]);
  });

  test('PROD ingress certificate: issued by cert-manager into the gateway namespace for the gateway host; DEV and STAGING declare the Secret instead', () => {
    expect(find(objectsOf('prod'), 'Certificate', 'bookinfo-tls', 'istio-ingress').spec).toStrictEqual({
      dnsNames: ['bookinfo.example.com'],
      issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' },
      privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Always', size: 256 },
      renewBefore: '720h',
      secretName: 'bookinfo-tls',
    });
    expect(find(objectsOf('prod'), 'Gateway', 'ingress-gateway', 'istio-ingress').spec.servers[0].tls).toStrictEqual({ credentialName: 'bookinfo-tls', mode: 'SIMPLE' });
    expect(byEnv.staging.gitops.filter((o) => o.kind === 'Certificate')).toStrictEqual([]);
    expect(byEnv.dev.gitops.filter((o) => o.kind === 'Certificate')).toStrictEqual([]);
  });

  test('PROD reviews: a canary at 10 %, a circuit breaker, one DestinationRule and one mesh VirtualService per host', () => {
    const istioObjs = byEnv.prod.gitops.filter((o) => o.apiVersion.startsWith('networking.istio.io/'));
    const hostsOf = (kind: string) => istioObjs.filter((o) => o.kind === kind).map((o) => (o as any).spec.host ?? (o as any).spec.hosts.join(','));
    expect(hostsOf('DestinationRule')).toStrictEqual([...new Set(hostsOf('DestinationRule'))]);
    expect(hostsOf('VirtualService')).toStrictEqual([...new Set(hostsOf('VirtualService'))]);
    const dr = find(objectsOf('prod'), 'DestinationRule', 'reviews', 'bookinfo');
    expect(dr.spec.host).toBe('reviews.bookinfo.svc.cluster.local');
    expect(dr.spec.subsets.map((s: any) => s.name)).toStrictEqual(['v1', 'v2', 'v3']);
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

const ENVS = ['dev', 'staging', 'prod'];
const REPLICAS: Record<string, number> = { dev: 1, staging: 2, prod: 3 };
/** Every Bookinfo Deployment: [service, version]. */
const BOOKINFO_DEPLOYMENTS = [['details', 'v1'], ['ratings', 'v1'], ['reviews', 'v1'], ['reviews', 'v2'], ['reviews', 'v3'], ['productpage', 'v1']];
const BOOKINFO_SERVICES = ['details', 'ratings', 'reviews', 'productpage'];

/** The gitops and istioctl objects of `env`. */
const everything = (env: string): Obj[] => [...objectsOf(env), ...objectsOf(env, true)];

describe('apps/main: the Bookinfo workloads', () => {
  test.each(ENVS)('%s: a ServiceAccount and a Service per Bookinfo service, as in Istio\'s sample', (env) => {
    for (const name of BOOKINFO_SERVICES) {
      expect(find(objectsOf(env), 'ServiceAccount', `bookinfo-${name}`, 'bookinfo')).toStrictEqual({
        apiVersion: 'v1', kind: 'ServiceAccount', automountServiceAccountToken: false,
        metadata: { name: `bookinfo-${name}`, namespace: 'bookinfo', labels: { account: name } },
      });
      expect(find(objectsOf(env), 'Service', name, 'bookinfo')).toStrictEqual({
        apiVersion: 'v1', kind: 'Service',
        metadata: { name, namespace: 'bookinfo', labels: { app: name, service: name } },
        spec: { externalIPs: [], ports: [{ name: 'http', port: 9080, targetPort: 9080 }], selector: { app: name }, type: 'ClusterIP' },
      });
    }
    expect(all(objectsOf(env), 'Service', undefined, 'bookinfo').map((o) => o.metadata.name).sort()).toStrictEqual([...BOOKINFO_SERVICES].sort());
    expect(all(objectsOf(env), 'ServiceAccount', undefined, 'bookinfo').map((o) => o.metadata.name).sort())
      .toStrictEqual(BOOKINFO_SERVICES.map((name) => `bookinfo-${name}`).sort());
  });

  test.each(ENVS)('%s: a Deployment per Bookinfo service and version, run as the service\'s account', (env) => {
    expect(all(objectsOf(env), 'Deployment', undefined, 'bookinfo').map((o) => o.metadata.name).sort())
      .toStrictEqual(BOOKINFO_DEPLOYMENTS.map(([name, version]) => `${name}-${version}`).sort());
    for (const [name, version] of BOOKINFO_DEPLOYMENTS) {
      const deployment = find(objectsOf(env), 'Deployment', `${name}-${version}`, 'bookinfo');
      const pod = deployment.spec.template;
      expect([name, version, deployment.metadata.labels]).toStrictEqual([name, version, { app: name, version }]);
      expect(deployment.spec.replicas).toBe(REPLICAS[env]);
      expect(deployment.spec.selector).toStrictEqual({ matchLabels: { app: name, version } });
      expect(pod.metadata.labels).toMatchObject({ app: name, version });
      expect(pod.spec.serviceAccountName).toBe(`bookinfo-${name}`);
      expect(pod.spec.containers.map((c: any) => [c.name, c.image, c.ports]))
        .toStrictEqual([[name, `docker.io/istio/examples-bookinfo-${name}-${version}:1.20.2`, [{ containerPort: 9080 }]]]);
    }
    expect(find(objectsOf(env), 'Deployment', 'productpage-v1', 'bookinfo').spec.template.metadata.annotations)
      .toStrictEqual({
        'prometheus.io/path': '/metrics', 'prometheus.io/port': '9080', 'prometheus.io/scrape': 'true',
        'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}', // apps/ambient.ts: the app waits for its proxy
      });
  });

  test('PROD: each container can start on a read-only root filesystem as its image\'s non-root user', () => {
    // What each image writes to (Istio's sample and the images' Dockerfiles), and the user it declares.
    const expected: Record<string, { user: number; writable: string[] }> = {
      details: { user: 1000, writable: ['/tmp'] },
      ratings: { user: 1000, writable: ['/tmp'] },
      productpage: { user: 1000, writable: ['/tmp'] },
      reviews: { user: 1001, writable: ['/tmp', '/opt/ol/wlp/output'] },
    };
    for (const [name, version] of BOOKINFO_DEPLOYMENTS) {
      const pod = find(objectsOf('prod'), 'Deployment', `${name}-${version}`, 'bookinfo').spec.template.spec;
      const [container] = pod.containers;
      expect([name, version, container.securityContext]).toStrictEqual([name, version, {
        allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, runAsUser: expected[name].user,
      }]);
      expect(container.volumeMounts.map((m: { mountPath: string }) => m.mountPath)).toStrictEqual(expected[name].writable);
      for (const mount of container.volumeMounts) {
        expect([name, version, pod.volumes.find((v: { name: string }) => v.name === mount.name)]).toStrictEqual([name, version, { name: mount.name, emptyDir: {} }]);
      }
      // Ready once the application answers, not merely once the port is open.
      expect(container.readinessProbe.httpGet).toStrictEqual({ path: '/health', port: 9080, scheme: 'HTTP' });
      expect(container.startupProbe.httpGet).toStrictEqual({ path: '/health', port: 9080, scheme: 'HTTP' });
      expect(Object.keys(container.resources).sort()).toStrictEqual(['limits', 'requests']);
    }
    const liberty = find(objectsOf('prod'), 'Deployment', 'reviews-v1', 'bookinfo').spec.template.spec.containers[0];
    expect(liberty.env).toStrictEqual([{ name: 'LOG_DIR', value: '/tmp/logs' }]);
    expect(liberty.startupProbe.failureThreshold * liberty.startupProbe.periodSeconds).toBe(120);
  });

  test('reviews v3 is deployed but no route leads to it; v1 stable, v2 canary on the test-user cookie', () => {
    for (const env of ENVS) {
      const vs = find(objectsOf(env), 'VirtualService', 'reviews', 'bookinfo');
      expect(vs.spec.http.flatMap((r: any) => r.route.map((d: any) => d.destination.subset))).not.toContain('v3');
      // The v3 subset is defined (apps/routes.ts), ready for the next release to name it.
      expect(find(objectsOf(env), 'DestinationRule', 'reviews', 'bookinfo').spec.subsets.map((s: any) => s.name)).toStrictEqual(['v1', 'v2', 'v3']);
      const match = vs.spec.http.find((r: any) => r.name === 'reviews-canary-match');
      expect(match.match).toStrictEqual([{ headers: { cookie: { regex: '^(.*?;)?[ \\t]*test-user=true(;.*)?$' } } }]);
      expect(match.route.map((d: any) => d.destination)).toStrictEqual([{ host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }]);
    }
  });
});

describe('apps/main: every reference is inside the output', () => {
  test.each(ENVS)('%s: Services select pods, routes reach Services and defined subsets, subsets select pods', (env) => {
    expect(referenceProblems(everything(env))).toStrictEqual([]);
    // Not vacuous: the ingress route to productpage and the reviews routes were checked.
    const hosts = virtualServiceDestinations(everything(env)).map((d) => `${d.host}${d.subset ? `/${d.subset}` : ''}`);
    expect([...new Set(hosts)].sort()).toStrictEqual([
      'productpage.bookinfo.svc.cluster.local', 'reviews.bookinfo.svc.cluster.local/v1', 'reviews.bookinfo.svc.cluster.local/v2',
    ]);
    expect(all(everything(env), 'Service').length).toBeGreaterThanOrEqual(5);
  });

  describe('the checks find dangling references', () => {
    const base = (): Obj[] => JSON.parse(JSON.stringify(everything('prod')));

    test('a route to a Service that is not in the output', () => {
      const objs = base().filter((o) => !(o.kind === 'Service' && o.metadata.name === 'productpage'));
      expect(virtualServiceProblems(objs)).toStrictEqual([
        'VirtualService bookinfo/bookinfo http[0] routes to productpage.bookinfo.svc.cluster.local, which is no Service in the output',
      ]);
    });

    test('a route to a port the Service does not have, and to a subset no DestinationRule defines', () => {
      const objs = base();
      const vs = find(objs, 'VirtualService', 'reviews', 'bookinfo');
      vs.spec.http[0].route[0].destination.subset = 'v4';
      find(objs, 'VirtualService', 'bookinfo', 'bookinfo').spec.http[0].route[0].destination.port.number = 8080;
      expect(virtualServiceProblems(objs)).toStrictEqual([
        'VirtualService bookinfo/reviews http[0] routes to subset v4 of reviews.bookinfo.svc.cluster.local, which no DestinationRule defines (subsets: ["v1","v2","v3"])',
        'VirtualService bookinfo/bookinfo http[0] routes to port 8080 of productpage.bookinfo.svc.cluster.local, which the Service does not have',
      ]);
    });

    test('a short host resolves in the VirtualService\'s namespace, a qualified one in its own', () => {
      const objs = base();
      find(objs, 'VirtualService', 'reviews', 'bookinfo').spec.http.forEach((r: any) => r.route.forEach((d: any) => { d.destination.host = 'reviews'; }));
      find(objs, 'VirtualService', 'bookinfo', 'bookinfo').spec.http[0].route[0].destination.host = 'productpage.bookinfo';
      expect(virtualServiceProblems(objs)).toStrictEqual([]);
      find(objs, 'VirtualService', 'bookinfo', 'bookinfo').spec.http[0].route[0].destination.host = 'productpage.istio-ingress.svc';
      expect(virtualServiceProblems(objs)).toStrictEqual([
        'VirtualService bookinfo/bookinfo http[0] routes to productpage.istio-ingress.svc, which is no Service in the output',
      ]);
    });

    test('a subset whose labels no Deployment carries', () => {
      const objs = base().filter((o) => !(o.kind === 'Deployment' && o.metadata.name === 'reviews-v2'));
      expect(destinationRuleProblems(objs)).toStrictEqual([
        'DestinationRule bookinfo/reviews subset v2 selects {"app":"reviews","version":"v2"}, which no Deployment behind Service bookinfo/reviews carries',
      ]);
    });

    test('a Service whose selector no Deployment\'s pods carry', () => {
      const objs = base();
      find(objs, 'Service', 'details', 'bookinfo').spec.selector = { app: 'detail' };
      expect(serviceSelectorProblems(objs)).toStrictEqual(['Service bookinfo/details selects {"app":"detail"}, which no Deployment\'s pods carry']);
    });
  });
});
