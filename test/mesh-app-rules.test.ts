/**
 * MeshApp's whole-app rules: chart ids that would share an output folder or are no folder name, objects
 * that fail their schema (nothing may be written then), two IstioOperators that would share one istioctl
 * file, and plain cdk8s Charts written like MeshCharts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Construct } from 'constructs';
import { Environment, ExternalResources, MeshAnalyzer, MeshApp, MeshChart, MeshControlPlane, MeshNamespace } from '../lib';
import { errorOf } from './support/charts';

/** A fresh, empty output directory. */
function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-app-rules-'));
}

/** Every file under `dir`, relative to it. */
function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)))
    .sort();
}

describe('MeshApp chart ids', () => {
  test('two charts with one id (in different scopes) are an error naming the id, and nothing is written', () => {
    // GIVEN an app with chart "prod" at the root and another chart "prod" nested in a construct
    const outdir = tmpDir();
    const app = new MeshApp({ outdir });
    new MeshChart(app, 'prod', { environment: Environment.PROD });
    new MeshChart(new Construct(app, 'team-b'), 'prod', { environment: Environment.PROD });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('[prod] chart id: "prod" is used by two charts, whose output folders would collide. Fix: give every chart its own id.');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });
});

describe('MeshApp analysis', () => {
  test('an analyzer error stops synth, naming chart, code, object and construct, and nothing is written', () => {
    // GIVEN a chart whose VirtualService lives in a namespace nobody creates
    const outdir = tmpDir();
    const app = new MeshApp({ outdir, printSummary: false });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\n'
      + 'chart prod:\n'
      + '1 analyzer error:\n'
      + '  - Error [CDK8S-ISTIO-002] (ConfigMap shop/settings) Namespace "shop" is neither created by the output nor declared existing (metadata.namespace). '
      + 'Fix: create it (a Namespace object, e.g. MeshNamespace) or declare it existing (ExternalResources namespaces, or --external Namespace/shop); '
      + '1 object(s) of the output are in it, first ConfigMap shop/settings [construct prod/cm]');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });

  test('the summary names each chart with its objects by kind, the checks and the findings', () => {
    // GIVEN a valid chart
    const outdir = tmpDir();
    const app = new MeshApp({ outdir });
    const chart = new MeshChart(app, 'dev', { environment: Environment.DEV });
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    const written: string[] = [];
    const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: unknown) => { written.push(String(chunk)); return true; });
    // WHEN
    try {
      app.synth();
    } finally {
      spy.mockRestore();
    }
    // THEN
    const checks = MeshAnalyzer.checks().length;
    expect(written.join('')).toBe(`dev: 2 objects (ConfigMap 1, Namespace 1); 2 schema-checked; ${checks} analyzer checks: 0 errors, 0 warnings\n`);
  });
});

describe('MeshApp output validation', () => {
  /** GIVEN a PROD chart holding a hand-written VirtualService with a misspelt field. */
  function appWithBadObject(validateOutput?: boolean) {
    const outdir = tmpDir();
    const app = new MeshApp({ outdir, printSummary: false, ...(validateOutput === undefined ? {} : { validateOutput }) });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    new MeshControlPlane(chart, 'control-plane');
    new ExternalResources(chart, 'outside', { namespaces: ['bookinfo'], services: [{ namespace: 'bookinfo', name: 'reviews' }] });
    new ApiObject(chart, 'raw-vs', {
      apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }], retries: { attemps: 3 } }] },
    } as never);
    return { app, outdir };
  }

  test('an Istio object that fails the schema stops synth with every issue listed by chart, and nothing is written', () => {
    // GIVEN
    const { app, outdir } = appWithBadObject();
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\n'
      + 'chart prod:\n'
      + '1 manifest issue:\n'
      + '  - VirtualService bookinfo/reviews: spec.http[0].retries.attemps: unknown field (did you mean "attempts"?)');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });

  test('a failing chart leaves the previous output of every chart in place', () => {
    // GIVEN output written by an earlier, valid run
    const { app, outdir } = appWithBadObject();
    fs.mkdirSync(path.join(outdir, 'prod', 'gitops'), { recursive: true });
    fs.writeFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'previous: run\n');
    // WHEN
    errorOf(() => app.synth());
    // THEN
    expect(filesUnder(outdir)).toStrictEqual([path.join('prod', 'gitops', 'manifests.yaml')]);
    expect(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).toBe('previous: run\n');
  });

  test('validateOutput: false writes the object as it is', () => {
    // GIVEN
    const { app, outdir } = appWithBadObject(false);
    // WHEN
    app.synth();
    // THEN
    expect(filesUnder(outdir)).toStrictEqual([path.join('prod', 'external', 'declared.yaml'), path.join('prod', 'gitops', 'manifests.yaml'), path.join('prod', 'istioctl', 'control-plane.yaml')]);
    expect(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).toContain('attemps: 3');
    // The chart's declarations go apart from what GitOps applies, annotated for the analyzer.
    expect(fs.readFileSync(path.join(outdir, 'prod', 'external', 'declared.yaml'), 'utf8')).toBe('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: bookinfo\n'
      + '  annotations:\n    cdk8s-istio.io/external: "true"\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: reviews\n  namespace: bookinfo\n'
      + '  annotations:\n    cdk8s-istio.io/external: "true"\nspec:\n  ports: []\n');
  });
});

describe('MeshApp istioctl files', () => {
  test('two IstioOperators of one name in a chart are an error naming the chart, the name and the file, and nothing is written', () => {
    // GIVEN two control planes in different namespaces that both set name "control-plane"
    const outdir = tmpDir();
    const app = new MeshApp({ outdir, printSummary: false });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    new MeshControlPlane(chart, 'stable', { name: 'control-plane' });
    new MeshControlPlane(chart, 'canary', { name: 'control-plane', namespace: 'istio-canary', revision: '1-30-3' });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('[prod] IstioOperator metadata.name: "control-plane" is used twice; both would be written to istioctl/control-plane.yaml. '
      + 'Fix: give each control plane its own name or revision.');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });
});

describe('MeshApp with plain cdk8s Charts', () => {
  test('the IstioOperator of a plain Chart goes to istioctl/ only; its constructs take the PROD defaults', () => {
    // GIVEN an app switched from `new App()` to MeshApp, with the user's own plain Chart
    const outdir = tmpDir();
    const app = new MeshApp({ outdir, printSummary: false });
    const chart = new Chart(app, 'platform');
    const controlPlane = new MeshControlPlane(chart, 'control-plane');
    new MeshNamespace(chart, 'shop', { controlPlane });
    // WHEN
    app.synth();
    // THEN the chart has its folder, the IstioOperator alone in istioctl/
    expect(filesUnder(outdir)).toStrictEqual([path.join('platform', 'gitops', 'manifests.yaml'), path.join('platform', 'istioctl', 'control-plane.yaml')]);
    const gitops = parseAllDocuments(fs.readFileSync(path.join(outdir, 'platform', 'gitops', 'manifests.yaml'), 'utf8')).map((d) => d.toJS());
    expect(gitops.map((o) => `${o.apiVersion} ${o.kind} ${o.metadata.name}`)).toStrictEqual(['v1 Namespace shop']);
    const [operator] = parseAllDocuments(fs.readFileSync(path.join(outdir, 'platform', 'istioctl', 'control-plane.yaml'), 'utf8')).map((d) => d.toJS());
    expect([operator.apiVersion, operator.kind, operator.metadata]).toStrictEqual(['install.istio.io/v1alpha1', 'IstioOperator', { name: 'control-plane', namespace: 'istio-system' }]);
    // PROD: istiod's HPA of 2-5
    expect(operator.spec.values.pilot).toMatchObject({ autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5 });
  });

  test('synthYaml returns the checked GitOps objects of every chart, without the IstioOperator', () => {
    // GIVEN
    const app = new MeshApp({ outdir: tmpDir(), printSummary: false });
    const chart = new Chart(app, 'platform');
    new MeshNamespace(chart, 'shop', { controlPlane: new MeshControlPlane(chart, 'control-plane') });
    // WHEN
    const yaml = app.synthYaml();
    // THEN
    expect(parseAllDocuments(yaml).map((d) => d.toJS().kind)).toStrictEqual(['Namespace']);
  });

  test('synthYaml runs the checks: a failing object fails it', () => {
    // GIVEN a plain chart with an object in a namespace nobody creates
    const app = new MeshApp({ outdir: tmpDir(), printSummary: false });
    new ApiObject(new Chart(app, 'platform'), 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    // WHEN / THEN
    expect(errorOf(() => app.synthYaml())).toMatch(/^Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written\.\nchart platform:\n1 analyzer error:\n {2}- Error \[CDK8S-ISTIO-002\] /);
  });

  test.each(['..', '.', 'My Chart', '.hidden'])('chart id %j is refused before anything is removed or written', (id) => {
    // GIVEN earlier output next to the outdir and inside it
    const parent = tmpDir();
    const outdir = path.join(parent, 'dist');
    fs.mkdirSync(outdir);
    fs.writeFileSync(path.join(parent, 'keep.txt'), 'keep\n');
    fs.writeFileSync(path.join(outdir, 'keep.txt'), 'keep\n');
    const app = new MeshApp({ outdir, printSummary: false });
    new ApiObject(new Chart(app, id), 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe(`[${id}] chart id: ${JSON.stringify(id)} is not a folder name MeshApp can write the chart to (<outdir>/<chart id>/). `
      + 'Fix: use letters, digits, "-", "_" and "." (not first), e.g. "my-chart"');
    expect(filesUnder(parent)).toStrictEqual([path.join('dist', 'keep.txt'), 'keep.txt']);
  });
});
