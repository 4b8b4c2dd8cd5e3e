import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { MeshApp } from '../../lib';
import { main } from '../../lib/cli/main';
import { formatVisibility, graphReport } from '../../lib/graph/report';

/**
 * `cdk8s-istio graph <dir>`: the graph derived back from YAML is the one MeshApp wrote at synth, and the
 * figures are those of the synthesized objects.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-cli-graph-'));
const outputs = buildApp(new MeshApp({ outdir: tmp, printSummary: false })).synthOutputs();
const prodDir = path.join(tmp, 'prod');
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function run(argv: string[], stdin?: string): { code: number; stdout: string; stderr: string } {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readStdin: () => stdin ?? '',
  });
  return { code, stdout, stderr };
}

describe('cdk8s-istio graph', () => {
  test('--mermaid and --dot print what MeshApp wrote next to the manifests', () => {
    // WHEN the command reads the synthesized folder (manifests, istioctl and declarations)
    const mermaid = run(['graph', prodDir, '--mermaid']);
    const dot = run(['graph', prodDir, '--dot']);
    // THEN
    expect(mermaid).toStrictEqual({ code: 0, stdout: fs.readFileSync(path.join(prodDir, 'graph.mmd'), 'utf8'), stderr: 'Graph of 6 nodes and 6 edges; 7 proxies, mesh registry 7 services.\n' });
    expect(dot.stdout).toBe(fs.readFileSync(path.join(prodDir, 'graph.dot'), 'utf8'));
  });

  test('prints the figures per proxy, as at synth', () => {
    const prod = outputs.find((o) => o.chart === 'prod')!;
    const result = run(['graph', prodDir]);
    expect(result.code).toBe(0);
    // the folder's three files: control-plane/ (the Helm releases), gitops/ and external/
    const objects = prod.controlPlane.length + prod.gitops.length + (prod.external ?? []).length;
    expect(result.stdout).toBe(formatVisibility(graphReport(prod.gitops, prod.external), `${objects} objects from 3 files`));
    expect(result.stdout.split('\n').slice(0, 3)).toStrictEqual([
      `${objects} objects from 3 files: mesh registry 7 services; services each proxy is sent, before → after scoping:`,
      '  Deployment bookinfo/details-v1              7 → 1   Sidecar bookinfo/details (0 called, plus otel-collector.observability.svc.cluster.local)',
      '  Deployment bookinfo/productpage-v1          7 → 4   Sidecar bookinfo/productpage (3 called, plus otel-collector.observability.svc.cluster.local)',
    ]);
  });

  test('-o json prints the report; standard input works', () => {
    const yaml = fs.readFileSync(path.join(prodDir, 'gitops', 'manifests.yaml'), 'utf8');
    const result = run(['graph', '-', '-o', 'json'], yaml);
    const report = JSON.parse(result.stdout);
    expect(Object.keys(report)).toStrictEqual(['proxies', 'registry', 'nodes', 'edges']);
    // without the declarations, the collector is not in the registry
    expect(report.registry).toBe(6);
    expect(report.edges).toContainEqual({ from: 'bookinfo/reviews', to: 'bookinfo/ratings', label: '9080 GET' });
  });

  test('usage errors exit 2', () => {
    expect(run(['graph', prodDir, '--mermaid', '--dot'])).toStrictEqual({
      code: 2, stdout: '', stderr: 'cdk8s-istio: graph: give --mermaid or --dot, not both\nRun \'cdk8s-istio --help\' for usage.\n',
    });
    expect(run(['graph'])).toStrictEqual({
      code: 2, stdout: '', stderr: 'cdk8s-istio: graph: give at least one file, directory or - (standard input)\nRun \'cdk8s-istio --help\' for usage.\n',
    });
    expect(run(['graph', path.join(tmp, 'missing')]).code).toBe(2);
  });
});
