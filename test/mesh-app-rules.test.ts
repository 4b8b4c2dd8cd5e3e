/**
 * MeshApp's whole-app rules: chart ids that would share an output folder or are no folder name, objects
 * that fail their schema (nothing may be written then), two IstioOperators that would share one istioctl
 * file, and plain cdk8s Charts written like MeshCharts.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, Include, JsonPatch } from 'cdk8s';
import { parseAllDocuments } from 'yaml';
import { Construct } from 'constructs';
import { VirtualService } from '../imports/networking.istio.io';
import { CircuitBreaker, Environment, ExternalResources, MeshAnalyzer, MeshApp, MeshChart, MeshControlPlane, MeshNamespace, StrictMtls, MtlsScope } from '../lib';
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

  test('with dependencies between objects (written in dependency order), findings still name the construct of each object', () => {
    // GIVEN two objects in namespaces nobody creates, the first depending on the second (so cdk8s writes the second first)
    const app = new MeshApp({ outdir: tmpDir(), printSummary: false });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    const first = new ApiObject(chart, 'first', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'settings', namespace: 'shop' } });
    const second = new ApiObject(chart, 'second', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'flags', namespace: 'cart' } });
    first.addDependency(second);
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    const missing = (ns: string, name: string, construct: string) => `  - Error [CDK8S-ISTIO-002] (ConfigMap ${ns}/${name}) Namespace "${ns}" is neither created by the output `
      + 'nor declared existing (metadata.namespace). Fix: create it (a Namespace object, e.g. MeshNamespace) or declare it existing '
      + `(ExternalResources namespaces, or --external Namespace/${ns}); 1 object(s) of the output are in it, first ConfigMap ${ns}/${name} [construct ${construct}]`;
    expect(error).toBe('Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\nchart prod:\n2 analyzer errors:\n'
      + `${missing('cart', 'flags', 'prod/second')}\n${missing('shop', 'settings', 'prod/first')}`);
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

describe('MeshApp synthesizes each object once', () => {
  test('every API object is serialized once, though its chart is validated, analyzed and written', () => {
    // GIVEN a chart of a control plane, a namespace and a CircuitBreaker (an L2 over an L1 object)
    const app = new MeshApp({ outdir: tmpDir(), printSummary: false });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    const controlPlane = new MeshControlPlane(chart, 'control-plane');
    new MeshNamespace(chart, 'shop', { controlPlane });
    new ExternalResources(chart, 'outside', { services: [{ namespace: 'shop', name: 'cart', ports: [8080] }] });
    new CircuitBreaker(chart, 'cart', { host: 'cart.shop.svc.cluster.local' });
    const toJson = jest.spyOn(ApiObject.prototype, 'toJson');
    // WHEN
    let outputs;
    let serialized: number;
    try {
      outputs = app.synthOutputs();
    } finally {
      serialized = toJson.mock.calls.length;
      toJson.mockRestore();
    }
    // THEN one serialization per object written: the IstioOperator, the Namespace and the DestinationRule
    expect(outputs.flatMap((o) => [...o.gitops, ...o.istioctl]).map((o) => `${o.kind} ${o.metadata.name}`))
      .toStrictEqual(['Namespace shop', 'DestinationRule cart', 'IstioOperator control-plane']);
    expect(serialized).toBe(3);
  });
});

describe('MeshApp chart order', () => {
  test('charts come in the order of the tree, and a chart another depends on comes first (cdk8s\'s order)', () => {
    // GIVEN two apps of charts a, b and c; in the second, a depends on c
    const outputs = [false, true].map((dependent) => {
      const app = new MeshApp({ outdir: tmpDir(), printSummary: false, validateOutput: false });
      const [a, , c] = ['a', 'b', 'c'].map((id) => new MeshChart(app, id, { environment: Environment.DEV }));
      if (dependent) a.addDependency(c);
      // WHEN
      return app.synthOutputs().map((o) => o.chart);
    });
    // THEN
    expect(outputs).toStrictEqual([['a', 'b', 'c'], ['c', 'a', 'b']]);
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

/**
 * The escape hatches (L1 classes, JSON patches, Include) are checked like everything else: MeshApp checks
 * the output, whoever made each object. The constructs' own checks see their props only.
 */
describe('MeshApp checks every object of the output, whoever made it', () => {
  /** GIVEN a PROD chart with a control plane, the shop namespace and the cart Service declared. */
  function shopChart() {
    const outdir = tmpDir();
    const app = new MeshApp({ outdir, printSummary: false });
    const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
    const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
    const shop = new MeshNamespace(chart, 'shop', { controlPlane });
    new ExternalResources(chart, 'apps', { services: [{ namespace: 'shop', name: 'cart', ports: [8080] }] });
    return { app, chart, controlPlane, shop, outdir };
  }

  test('an L1 VirtualService bound to a Gateway nobody creates fails the synth with the analyzer\'s IST0101', () => {
    // GIVEN
    const { app, chart, outdir } = shopChart();
    new VirtualService(chart, 'cart-ingress', {
      metadata: { name: 'cart-ingress', namespace: 'shop' },
      spec: { hosts: ['shop.example.com'], gateways: ['istio-ingress/public'], http: [{ route: [{ destination: { host: 'cart.shop.svc.cluster.local', port: { number: 8080 } } }] }] },
    });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\n'
      + 'chart prod:\n'
      + '1 analyzer error:\n'
      + '  - Error [IST0101] (VirtualService shop/cart-ingress) Referenced gateway not found: "istio-ingress/public" (spec.gateways[0]). '
      + 'Fix: create the Gateway istio-ingress/public (networking.istio.io), declare it existing (ExternalResources gateways), or fix the reference '
      + '(namespace/name; a short name is in the VirtualService\'s namespace) [construct prod/cart-ingress]');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });

  test('JSON patches on constructs\' objects are checked: a misspelt field in the IstioOperator, a bad value in an L1-backed object', () => {
    // GIVEN patches on the IstioOperator (a plain ApiObject) and on StrictMtls's PeerAuthentication (an L1 object)
    const { app, chart, controlPlane, outdir } = shopChart();
    const mtls = new StrictMtls(chart, 'mtls', { scope: MtlsScope.namespace('shop') });
    ApiObject.of(controlPlane).addJsonPatch(JsonPatch.add('/spec/values/pilot/autoscaleMinn', 3));
    ApiObject.of(mtls).addJsonPatch(JsonPatch.replace('/spec/mtls/mode', 'STRICTT'));
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\n'
      + 'chart prod:\n'
      + '2 manifest issues:\n'
      + '  - PeerAuthentication shop/default: spec.mtls.mode: "STRICTT" is not one of "UNSET", "DISABLE", "PERMISSIVE", "STRICT"\n'
      + '  - IstioOperator istio-system/control-plane-1-30-3: spec.values.pilot.autoscaleMinn: unknown field (did you mean "autoscaleMin"?)');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });

  test('a field a generated class does not know is dropped from its object, patch or not (cdk8s\'s generated toJson)', () => {
    // GIVEN a misspelt field patched into objects of generated classes: an Istio L1 (StrictMtls) and a cdk8s-plus one (MeshNamespace)
    const { app, chart, shop } = shopChart();
    const mtls = new StrictMtls(chart, 'mtls', { scope: MtlsScope.namespace('shop') });
    ApiObject.of(mtls).addJsonPatch(JsonPatch.add('/spec/mtls/modee', 'PERMISSIVE'));
    ApiObject.of(shop).addJsonPatch(JsonPatch.add('/spec', { finalizer: ['kubernetes'] }));
    // WHEN
    const [out] = app.synthOutputs();
    // THEN neither reaches the output, so no check sees them
    expect(out.gitops.find((o) => o.kind === 'PeerAuthentication')?.spec).toStrictEqual({ mtls: { mode: 'STRICT' } });
    expect(out.gitops.find((o) => o.kind === 'Namespace')?.spec).toStrictEqual({});
  });

  test('included YAML is checked like the rest', () => {
    // GIVEN a vendored file with a misspelt field, brought in with Include
    const { app, chart, outdir } = shopChart();
    const file = path.join(tmpDir(), 'vendor.yaml');
    fs.writeFileSync(file, 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: cart\n  namespace: shop\n'
      + 'spec:\n  host: cart\n  trafficPolicy:\n    connectionPool:\n      tcp:\n        maxConnection: 100\n');
    new Include(chart, 'vendor', { url: file });
    // WHEN
    const error = errorOf(() => app.synth());
    // THEN
    expect(error).toBe('Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\n'
      + 'chart prod:\n'
      + '1 manifest issue:\n'
      + '  - DestinationRule shop/cart: spec.trafficPolicy.connectionPool.tcp.maxConnection: unknown field (did you mean "maxConnections"?)');
    expect(filesUnder(outdir)).toStrictEqual([]);
  });

  test('a construct\'s checks see its props, not a patch: a patched tag and revision are written as they are', () => {
    // GIVEN the props a MeshControlPlane refuses at construction
    expect(errorOf(() => new MeshControlPlane(new MeshChart(new MeshApp(), 'prod', { environment: Environment.PROD }), 'control-plane', { tag: 'latest' })))
      .toMatch(/^\[prod\/control-plane\] tag: "latest" is not pinned/);
    // and the same values patched into its IstioOperator after construction
    const { app, controlPlane } = shopChart();
    ApiObject.of(controlPlane).addJsonPatch(JsonPatch.replace('/spec/tag', 'latest'), JsonPatch.replace('/spec/revision', '1-31-0'));
    // WHEN
    const spec = controlPlane.resource.toJson().spec as { tag: string; revision: string };
    // THEN the patch is written as is (the schema allows any tag and revision) ...
    expect([spec.tag, spec.revision]).toStrictEqual(['latest', '1-31-0']);
    // ... and the construct's fields, which other constructs read, still describe its props
    expect(controlPlane.revision).toBe('1-30-3');
    // ... so the namespace still points at 1-30-3, which the patched output no longer installs: the
    // analyzer refuses it (CDK8S-ISTIO-080).
    expect(errorOf(() => app.synthOutputs())).toMatch(/Error \[CDK8S-ISTIO-080\] \(Namespace shop\) Namespace shop point at the revision "1-30-3", which no control plane of the output has/);
  });
});
