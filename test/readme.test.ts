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
const { root, readmeExample, typeCheck } = require('../scripts/readme-example');
const example: string = readmeExample();

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
      const js = ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
      const previous = process.env.CDK8S_OUTDIR;
      process.env.CDK8S_OUTDIR = outdir;
      try {
        const requireForExample = (id: string) => (id === 'cdk8s-istio' ? require('../lib') : require(id));
        new Function('require', 'exports', js)(requireForExample, {});
      } finally {
        if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
      }
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
