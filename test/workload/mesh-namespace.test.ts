import * as kplus from 'cdk8s-plus-27';
import { DataPlaneMode, MeshControlPlane, MeshNamespace } from '../../lib';
import { validateManifests } from '../../lib/validation/manifest';
import { errorOf, find, meshChart, synth, synthValid } from '../support/charts';

describe('MeshNamespace', () => {
  test('the Namespace object is `resource`, labelled for injection by the control plane revision', () => {
    // GIVEN
    const chart = meshChart();
    const controlPlane = new MeshControlPlane(chart, 'cp', { revision: '1-30-3' });
    // WHEN
    const ns = new MeshNamespace(chart, 'bookinfo', { controlPlane, labels: { team: 'shop' } });
    // THEN
    expect(ns.name).toBe('bookinfo');
    expect(ns.resource).toBeInstanceOf(kplus.Namespace);
    expect(find(synthValid(chart), 'Namespace', 'bookinfo').metadata.labels).toStrictEqual({ 'istio.io/rev': '1-30-3', 'team': 'shop' });
  });

  test('default revision, ambient and no mesh', () => {
    const chart = meshChart();
    new MeshNamespace(chart, 'a');
    new MeshNamespace(chart, 'b', { mode: DataPlaneMode.AMBIENT });
    new MeshNamespace(chart, 'c', { mode: DataPlaneMode.NONE });
    const objects = synth(chart);
    // Only core Namespaces, which have no Istio schema: the validator must find no issue, and the
    // objects are checked one by one below.
    expect(validateManifests(objects)).toStrictEqual([]);
    expect(objects.map((o) => [o.apiVersion, o.kind, o.metadata.name])).toStrictEqual([['v1', 'Namespace', 'a'], ['v1', 'Namespace', 'b'], ['v1', 'Namespace', 'c']]);
    expect(find(objects, 'Namespace', 'a').metadata.labels).toStrictEqual({ 'istio-injection': 'enabled' });
    expect(find(objects, 'Namespace', 'b').metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient' });
    expect(find(objects, 'Namespace', 'c').metadata.labels).toStrictEqual({ 'istio-injection': 'disabled' });
  });

  test('rejects a name that is not a DNS label and a mesh label given by hand', () => {
    expect(errorOf(() => new MeshNamespace(meshChart(), 'Bad_Name')))
      .toBe('[prod/Bad_Name] name: "Bad_Name" is not a DNS label (lowercase letters, digits and "-", at most 63 characters). Fix: use a namespace name such as "bookinfo"');
    expect(errorOf(() => new MeshNamespace(meshChart(), 'x', { labels: { 'istio-injection': 'enabled' } })))
      .toMatch(/^\[prod\/x\] labels: "istio-injection" is the mesh label this construct sets/);
  });
});
