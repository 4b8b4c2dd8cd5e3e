/**
 * The analyzer's entry points: options, ordering, suppression, checks list, attach() on plain charts,
 * and ExternalResources' input checks.
 */
import { ApiObject, App, Chart, Testing } from 'cdk8s';
import { ExternalResources, MeshAnalyzer } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

const cm = (name: string, namespace: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace } });

describe('MeshAnalyzer.analyze', () => {
  test('counts objects by kind, lists the checks run, sorts findings and honours suppress', () => {
    // GIVEN two duplicates and a missing namespace
    const objects = [cm('b', 'shop'), cm('b', 'shop'), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }];
    // WHEN
    const report = MeshAnalyzer.analyze(objects);
    const suppressed = MeshAnalyzer.analyze(objects, { suppress: ['CDK8S-ISTIO-002'] });
    // THEN
    expect(report.objects).toStrictEqual([{ kind: 'v1 ConfigMap', count: 2 }, { kind: 'v1 Namespace', count: 1 }]);
    expect(report.checks).toStrictEqual(MeshAnalyzer.checks().map((c) => c.name));
    expect(report.findings.map((f) => f.code)).toStrictEqual(['CDK8S-ISTIO-001', 'CDK8S-ISTIO-002']);
    expect([report.errors, report.warnings]).toStrictEqual([2, 0]);
    expect(suppressed.findings.map((f) => f.code)).toStrictEqual(['CDK8S-ISTIO-001']);
  });

  test('input that is not a Kubernetes object is skipped, never a TypeError', () => {
    // GIVEN junk next to a valid object
    const junk = [null, 3, 'x', [], {}, { apiVersion: 'v1' }, { apiVersion: 'v1', kind: 'ConfigMap' }, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 7 } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'x' }, spec: { ports: 'nope', selector: [1] } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd', namespace: 'x' }, spec: { template: { spec: { containers: 'no' } } } }];
    // WHEN
    const report = MeshAnalyzer.analyze([...junk, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'x' } }] as any[]);
    // THEN
    expect(report.findings).toStrictEqual([]);
  });

  test('every check has a name, codes from the table and a description', () => {
    for (const check of MeshAnalyzer.checks()) {
      expect(check.name).toMatch(/^[a-z0-9]+\.[a-z0-9-]+$/);
      expect(check.codes.length).toBeGreaterThan(0);
      expect(check.description.length).toBeGreaterThan(10);
    }
  });
});

describe('declarations in the analyzed list', () => {
  test('objects annotated cdk8s-istio.io/external: "true" count as existing and are never reported on', () => {
    // GIVEN a ConfigMap in "shop" and a declared Namespace "shop" in the same list, plus a declared duplicate
    const declared = (o: any) => ({ ...o, metadata: { ...o.metadata, annotations: { 'cdk8s-istio.io/external': 'true' } } });
    const objects = [cm('a', 'shop'), declared({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }), declared(cm('b', 'nowhere')), declared(cm('b', 'nowhere'))];
    // WHEN
    const report = MeshAnalyzer.analyze(objects);
    // THEN
    expect(report.findings).toStrictEqual([]);
    expect(report.objects).toStrictEqual([{ kind: 'v1 ConfigMap', count: 1 }]);
  });
});

describe('MeshAnalyzer.attach', () => {
  test('a plain cdk8s Chart fails its synthesis on an analyzer error, naming code, object and construct', () => {
    // GIVEN a plain chart with an object in a namespace nobody creates
    const chart = new Chart(new App(), 'plain');
    new ApiObject(chart, 'cm', cm('settings', 'shop'));
    MeshAnalyzer.attach(chart);
    // WHEN
    const error = errorOf(() => Testing.synth(chart));
    // THEN
    expect(error).toBe('Validation failed with the following errors:\n  [plain] Error [CDK8S-ISTIO-002] (ConfigMap shop/settings) Namespace "shop" is neither created by the output nor declared existing (metadata.namespace). '
      + 'Fix: create it (a Namespace object, e.g. MeshNamespace) or declare it existing (ExternalResources namespaces, or --external Namespace/shop); 1 object(s) of the output are in it, first ConfigMap shop/settings [construct plain/cm]');
  });

  test('attach also runs the schema check, and declared externals count', () => {
    // GIVEN a plain chart with a misspelt VirtualService field, its namespace declared
    const chart = new Chart(new App(), 'plain');
    new ExternalResources(chart, 'outside', { namespaces: ['shop'] });
    new ApiObject(chart, 'vs', { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'r', namespace: 'shop' }, spec: { hosts: ['r'], htp: [] } });
    MeshAnalyzer.attach(chart);
    // WHEN
    const error = errorOf(() => Testing.synth(chart));
    // THEN
    expect(error).toContain('[plain] 1 manifest issue:\n  - VirtualService shop/r: spec.htp: unknown field');
    expect(error).not.toContain('CDK8S-ISTIO-002');
  });

  test('a clean chart synthesizes', () => {
    const chart = new Chart(new App(), 'plain');
    new ApiObject(chart, 'ns', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } });
    new ApiObject(chart, 'cm', cm('settings', 'shop'));
    MeshAnalyzer.attach(chart);
    expect(Testing.synth(chart)).toHaveLength(2);
  });
});

describe('ExternalResources', () => {
  test('declarations become the objects the analyzer reads; nothing is synthesized', () => {
    // GIVEN every kind of declaration
    const chart = meshChart();
    const ext = new ExternalResources(chart, 'outside', {
      namespaces: ['observability'],
      services: [{ namespace: 'observability', name: 'otel-collector', ports: [4317] }],
      hosts: ['api.example.com'],
      secrets: [{ namespace: 'istio-ingress', name: 'tls' }],
      gateways: [{ namespace: 'istio-ingress', name: 'public' }],
      workloads: [{ namespace: 'istio-ingress', labels: { istio: 'ingressgateway' }, serviceAccount: 'gw' }],
      objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x' } }],
    });
    // WHEN / THEN
    expect(Testing.synth(chart)).toStrictEqual([]);
    const ann = { annotations: { 'cdk8s-istio.io/external': 'true' } };
    expect(ext.toObjects()).toStrictEqual([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'observability', ...ann } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'otel-collector', namespace: 'observability', ...ann }, spec: { ports: [{ port: 4317 }] } },
      { apiVersion: 'cdk8s-istio.io/v1', kind: 'ExternalHost', metadata: { name: 'hosts', ...ann }, hosts: ['api.example.com'] },
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'tls', namespace: 'istio-ingress', ...ann } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'istio-ingress', ...ann } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'external-workload-0', namespace: 'istio-ingress', labels: { istio: 'ingressgateway' }, ...ann }, spec: { serviceAccountName: 'gw', containers: [] } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'x', ...ann } },
    ]);
  });

  test.each([
    [{ namespaces: 'observability' }, '[prod/outside] namespaces: "observability" is not an array. Fix: give a list, e.g. namespaces: [ … ]'],
    [{ namespaces: [''] }, '[prod/outside] namespaces[0]: "" is not a non-empty string. Fix: give a name'],
    [{ services: [{ namespace: 'a', name: 'b', ports: [0] }] }, '[prod/outside] services[0].ports[0]: 0 is not a port number. Fix: give a whole number from 1 to 65535'],
    [{ secrets: [null] }, '[prod/outside] secrets[0]: null is not an object. Fix: give { namespace, name }'],
    [{ workloads: [{ namespace: 'a', labels: {} }] }, '[prod/outside] workloads[0].labels: {} is not a non-empty map of string labels. Fix: give the pods\' labels, e.g. { istio: "ingressgateway" }'],
    [{ objects: [{ kind: 'Secret' }] }, '[prod/outside] objects[0]: {"kind":"Secret"} is not a Kubernetes object. Fix: give at least apiVersion, kind and metadata.name (and metadata.namespace for a namespaced kind)'],
  ])('bad declaration %j is refused at construction', (props, message) => {
    expect(errorOf(() => new ExternalResources(meshChart(), 'outside', props as any))).toBe(message);
  });
});

describe('README', () => {
  test('lists every check with its codes', () => {
    const readme = require('fs').readFileSync(require('path').join(__dirname, '../../README.md'), 'utf8') as string;
    for (const check of MeshAnalyzer.checks()) {
      expect(readme).toContain(`| \`${check.name}\` | ${check.codes.join(', ')} | ${check.description} |`);
    }
  });
});
