import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';
import { expectValidManifests } from './support/validate';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { root, readmeExample, typeCheck } = require('../scripts/readme-example');
const example: string = readmeExample('## Gateway API and progressive delivery');

describe('README Gateway API and progressive delivery example', () => {
  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(example, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: a Gateway API ingress and a Flagger Canary, every object valid', () => {
    // GIVEN the README's program WHEN it runs
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-gwapi-'));
    const js = ts.transpileModule(example, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
    const previous = process.env.CDK8S_OUTDIR;
    process.env.CDK8S_OUTDIR = outdir;
    try {
      new Function('require', 'exports', js)((id: string) => (id === 'cdk8s-istio' ? require('../lib') : id === 'cdk8s-plus-33' ? require('cdk8s-plus-27') : require(id)), {});
      // THEN
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      expect(objects.map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`).sort()).toStrictEqual([
        'Canary bookinfo/reviews',
        'ConfigMap istio-ingress/bookinfo-gateway-options',
        'Deployment bookinfo/reviews',
        'Gateway istio-ingress/bookinfo-gateway',
        'HTTPRoute istio-ingress/bookinfo',
        'HTTPRoute istio-ingress/bookinfo-gateway-http-80-redirect',
        'Namespace /bookinfo',
        'Namespace /istio-ingress',
        'ReferenceGrant bookinfo/httproutes-from-istio-ingress',
      ]);
    } finally {
      if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
