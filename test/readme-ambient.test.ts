import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parse, parseAllDocuments } from 'yaml';
import { expectValidManifests } from './support/validate';

/**
 * The README's "Workloads in the mesh and ambient mode" example is a complete program: type-checked
 * against the library, run, and its output checked.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { root, readmeExample, typeCheck } = require('../scripts/readme-example');
const example: string = readmeExample('## Workloads in the mesh and ambient mode');

function runExample(code: string, outdir: string): void {
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true } }).outputText;
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  try {
    new Function('require', 'exports', js)((id: string) => (id === 'cdk8s-istio' ? require('../lib') : require(id)), {});
  } finally {
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
}

describe('README workloads in the mesh and ambient mode example', () => {
  test('type-checks against the library', () => {
    const { errors, checked } = typeCheck(example, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
    expect(checked).toBeGreaterThan(0);
  }, 60_000);

  test('runs as written: the tuned pod template, the ambient namespace, the waypoint and its policy pass their schemas', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-ambient-'));
    try {
      runExample(example, outdir);
      const objects = parseAllDocuments(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
      expectValidManifests(objects);
      const find = (kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
      expect(find('Deployment', 'worker').spec.template.metadata.annotations).toStrictEqual({
        'proxy.istio.io/config': '{"holdApplicationUntilProxyStarts":true}',
        'sidecar.istio.io/proxyCPU': '50m', 'sidecar.istio.io/proxyCPULimit': '500m', 'sidecar.istio.io/proxyMemory': '64Mi', 'sidecar.istio.io/proxyMemoryLimit': '256Mi',
      });
      expect(find('Namespace', 'payments').metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
      expect(find('Gateway', 'waypoint').spec.gatewayClassName).toBe('istio-waypoint');
      expect(parse(find('ConfigMap', 'waypoint-parameters').data.horizontalPodAutoscaler).spec.minReplicas).toBe(2);
      expect(find('AuthorizationPolicy', 'ledger-reads').spec.targetRefs).toStrictEqual([{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }]);
      const operator = parse(fs.readFileSync(path.join(outdir, 'prod', 'istioctl', 'control-plane-1-30-3.yaml'), 'utf8'));
      expect(operator.spec.profile).toBe('ambient');
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});
