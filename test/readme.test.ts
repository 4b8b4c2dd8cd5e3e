import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from './support/validate';

/**
 * The README's first example is a complete program. This test type-checks it against the library
 * (as a user's `import * as istio from 'cdk8s-istio'` would), runs it, and checks what it writes, so
 * the example cannot drift from the API.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { root, L1_MODULES, readmeExample, typeCheck } = require('../scripts/readme-example');
const example: string = readmeExample();
const escapeHatches: string = readmeExample('## Escape hatches');

/** Runs `code` (TypeScript) as a program, with 'cdk8s-istio' and its L1 subpaths taken from the sources, writing to `outdir`. */
function runExample(code: string, outdir: string): void {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    const requireForExample = (id: string) => {
      if (id === 'cdk8s-istio') return require('../lib');
      if (id in L1_MODULES) return require(`../imports/${L1_MODULES[id]}`);
      return require(id);
    };
    new Function('require', 'exports', js)(requireForExample, {});
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
}

describe('README first example', () => {
  test('imports the published package name and synthesizes', () => {
    expect(example).toContain("from 'cdk8s-istio'");
    expect(example).toContain('app.synth()');
  });

  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(example, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    // The example resolved 'cdk8s-istio' to the library, so its files were type-checked too.
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written and writes valid manifests for every environment', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    try {
      runExample(example, outdir);
      for (const env of ['dev', 'staging', 'prod']) {
        const gitops = fs.readFileSync(path.join(outdir, env, 'gitops', 'manifests.yaml'), 'utf8');
        const objects = parseAllDocuments(gitops).map((d) => d.toJS());
        expectValidManifests(objects);
        expect(objects.filter((o) => o.kind === 'DestinationRule').map((o) => o.spec.host)).toStrictEqual(['cart.shop.svc.cluster.local']);
        expect(fs.existsSync(path.join(outdir, env, 'istioctl', 'control-plane-1-30-3.yaml'))).toBe(true);
      }
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README escape hatches example', () => {
  test('imports an L1 class from its published subpath and patches a construct\'s object', () => {
    expect(escapeHatches).toContain("from 'cdk8s-istio/l1/networking'");
    expect(escapeHatches).toContain('.addJsonPatch(');
    expect(escapeHatches).toContain('app.synth()');
  });

  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(escapeHatches, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: the L1 VirtualService and the patched label are in the GitOps manifests, which pass their schemas', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    try {
      // WHEN
      runExample(escapeHatches, outdir);
      // THEN
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      expect(objects.map((o) => `${o.kind} ${o.metadata.name}`)).toStrictEqual(['Namespace shop', 'VirtualService cart']);
      expect(objects[0].metadata.labels).toStrictEqual({ 'istio.io/rev': '1-30-3', 'team': 'payments' });
      expect(objects[1].spec).toStrictEqual({
        hosts: ['cart'],
        http: [{
          match: [{ uri: { prefix: '/cart' }, ignoreUriCase: true }],
          route: [{ destination: { host: 'cart', port: { number: 8080 } } }],
        }],
      });
      expect(fs.existsSync(path.join(outdir, 'prod', 'istioctl', 'control-plane-1-30-3.yaml'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README routes and subsets example', () => {
  const routesExample: string = readmeExample('### Routes and subsets');

  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(routesExample, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: one DestinationRule of subsets, the 50/50 split, the sample ingress', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    try {
      // WHEN
      runExample(routesExample, outdir);
      // THEN
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      const byName = (kind: string, name: string) => objects.filter((o) => o.kind === kind && o.metadata.name === name);
      expect(objects.filter((o) => o.kind === 'DestinationRule').map((o) => o.spec)).toStrictEqual([{
        host: 'reviews.bookinfo.svc.cluster.local',
        subsets: ['v1', 'v2', 'v3'].map((v) => ({ name: v, labels: { version: v } })),
      }]);
      expect(byName('VirtualService', 'reviews')[0].spec).toStrictEqual({
        hosts: ['reviews.bookinfo.svc.cluster.local'],
        http: [
          { name: 'testers', match: [{ headers: { 'end-user': { exact: 'jason' } } }], route: [{ destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v3' } }] },
          {
            route: [
              { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2' }, weight: 50 },
              { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v3' }, weight: 50 },
            ],
          },
        ],
      });
      expect(byName('VirtualService', 'bookinfo')[0].spec).toStrictEqual({
        hosts: ['bookinfo.example.com'],
        gateways: ['istio-ingress/ingress'],
        http: [
          { name: 'home', match: [{ uri: { exact: '/' } }], redirect: { uri: '/productpage' } },
          {
            name: 'productpage',
            match: [
              { uri: { exact: '/productpage' } }, { uri: { prefix: '/static' } }, { uri: { exact: '/login' } },
              { uri: { exact: '/logout' } }, { uri: { prefix: '/api/v1/products' } },
            ],
            route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }],
            headers: { response: { remove: ['server'] } },
          },
        ],
      });
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README service graph example', () => {
  const graphExample: string = readmeExample('## Least privilege from a service graph');

  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(graphExample, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: Sidecars scoped to the calls, ALLOWs per call, the picture next to the manifests', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    try {
      // WHEN
      runExample(graphExample, outdir);
      // THEN every object passes its schema; each Sidecar holds exactly the calls and the control plane
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      const sidecars = Object.fromEntries(objects.filter((o) => o.kind === 'Sidecar').map((o) => [o.metadata.name, o.spec.egress[0].hosts]));
      const istiod = 'istio-system/istiod-1-30-3.istio-system.svc.cluster.local';
      expect(sidecars).toStrictEqual({
        web: [istiod, 'shop/orders.shop.svc.cluster.local'],
        orders: [istiod, 'billing/payments.billing.svc.cluster.local'],
        payments: [istiod, 'shop/orders.shop.svc.cluster.local', 'istio-system/api.stripe.com'],
      });
      expect(objects.filter((o) => o.kind === 'AuthorizationPolicy').map((o) => `${o.metadata.namespace}/${o.metadata.name}`).sort())
        .toStrictEqual(['billing/allow-nothing', 'billing/payments', 'shop/allow-nothing', 'shop/orders', 'shop/web']);
      // the Mermaid text the README shows is the one written
      const mermaid = fs.readFileSync(path.join(outdir, 'prod', 'graph.mmd'), 'utf8');
      expect(fs.readFileSync(path.join(root, 'README.md'), 'utf8')).toContain(`\`\`\`mermaid\n${mermaid}\`\`\``);
      expect(fs.existsSync(path.join(outdir, 'prod', 'graph.dot'))).toBe(true);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README observability example', () => {
  const observability: string = readmeExample('## Observability');

  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(observability, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: Telemetries, rules, monitors, dashboards and the Kiali ConfigMap, all valid', () => {
    // GIVEN
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-obs-'));
    try {
      // WHEN
      runExample(observability, outdir);

      // THEN
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      expect(objects.filter((o) => o.kind !== 'Namespace').map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort()).toStrictEqual([
        'ConfigMap istio-system/kiali',
        'ConfigMap observability/istio-control-plane',
        'ConfigMap observability/istio-data-plane',
        'PodMonitor istio-system/envoy-stats',
        'PrometheusRule istio-system/istio-alerts',
        'PrometheusRule istio-system/istio-federation',
        'ServiceMonitor istio-system/istiod-1-30-3',
        'Telemetry istio-system/mesh-default',
        'Telemetry shop/default',
      ]);
      expect(objects.find((o) => o.kind === 'Telemetry' && o.metadata.name === 'mesh-default').spec.tracing[0].randomSamplingPercentage).toBe(1);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe.each([
  ['### EnvoyFilter', ['EnvoyFilter reviews-lua']],
  ['### Global rate limiting', ['ConfigMap ratelimit-config', 'Deployment ratelimit', 'Deployment ratelimit-redis', 'EnvoyFilter filter-ratelimit', 'Service ratelimit', 'Service ratelimit-redis']],
])('README example under %s', (heading, expected) => {
  const code: string = readmeExample(heading);

  test('type-checks against the library', () => {
    const { errors } = typeCheck(code, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
  }, 120_000);

  test('runs as written and writes valid manifests, the analyzer passing', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    try {
      runExample(code, outdir);
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      const names = new Set(objects.map((o) => `${o.kind} ${o.metadata.name}`));
      expect(expected.filter((e) => !names.has(e))).toStrictEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('README gateways example', () => {
  const gateways: string = readmeExample('### Gateways');

  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(gateways, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: the HelmRelease of the gateway chart with the PROD values, and the Certificate, pass their schemas', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-out-'));
    try {
      // WHEN
      runExample(gateways, outdir);
      // THEN
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      expect(objects.map((o) => `${o.kind} ${o.metadata.name}`).sort())
        .toStrictEqual(['Certificate shop-tls', 'Gateway ingress', 'HelmRelease ingress', 'HelmRepository istio', 'Namespace istio-ingress']);
      const values = objects.find((o) => o.kind === 'HelmRelease').spec.values;
      expect([values.autoscaling, values.podDisruptionBudget, values.priorityClassName, values.revision, values.service.externalTrafficPolicy, values.service.ports.map((p: any) => p.port)])
        .toStrictEqual([{ enabled: true, maxReplicas: 10, minReplicas: 3, targetCPUUtilizationPercentage: 60 }, { maxUnavailable: 1 }, 'system-cluster-critical', '1-30-3', 'Local', [15021, 443, 80]]);
      expect(objects.find((o) => o.kind === 'Certificate').spec.dnsNames).toStrictEqual(['shop.example.com']);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
