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
          route: [{ destination: { host: 'cart', port: { number: 8080 } } }],
          mirror: { host: 'cart-next', port: { number: 8080 } },
          mirrorPercentage: { value: 5 },
        }],
      });
      expect(fs.existsSync(path.join(outdir, 'prod', 'istioctl', 'control-plane-1-30-3.yaml'))).toBe(true);
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
