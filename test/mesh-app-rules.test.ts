/**
 * MeshApp's whole-app rules: chart ids that would share an output folder, objects that fail their
 * schema (nothing may be written then), and two IstioOperators that would share one istioctl file.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, MeshApp, MeshChart, MeshControlPlane } from '../lib';
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

describe('MeshApp output validation', () => {
  /** GIVEN a PROD chart holding a hand-written VirtualService with a misspelt field. */
  function appWithBadObject(validateOutput?: boolean) {
    const outdir = tmpDir();
    const app = new MeshApp({ outdir, ...(validateOutput === undefined ? {} : { validateOutput }) });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    new MeshControlPlane(chart, 'control-plane');
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
    expect(error).toBe('Synthesized objects fail their schema or CEL rules; nothing was written.\n'
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
    expect(filesUnder(outdir)).toStrictEqual([path.join('prod', 'gitops', 'manifests.yaml'), path.join('prod', 'istioctl', 'control-plane.yaml')]);
    expect(fs.readFileSync(path.join(outdir, 'prod', 'gitops', 'manifests.yaml'), 'utf8')).toContain('attemps: 3');
  });
});

describe('MeshApp istioctl files', () => {
  test('two IstioOperators of one name in a chart are an error naming the chart, the name and the file, and nothing is written', () => {
    // GIVEN two control planes in different namespaces that both set name "control-plane"
    const outdir = tmpDir();
    const app = new MeshApp({ outdir });
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
