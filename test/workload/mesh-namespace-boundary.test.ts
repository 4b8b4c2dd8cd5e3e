/** The API boundary of MeshNamespace: our error or a valid Namespace, never a silent fallback to sidecar mode. */
import { MeshNamespace, MeshNamespaceProps } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

function namespaceError(props: unknown): string {
  return errorOf(() => new MeshNamespace(meshChart(), 'shop', props as MeshNamespaceProps));
}

describe('MeshNamespace at the API boundary', () => {
  test('an unknown mode is an error (it became a sidecar namespace)', () => {
    expect(namespaceError({ mode: 'bogus' }))
      .toBe('[prod/shop] mode: "bogus" is not a DataPlaneMode. Fix: use one of DataPlaneMode.SIDECAR, DataPlaneMode.AMBIENT, DataPlaneMode.NONE');
  });

  test('label keys and values follow the Kubernetes rules', () => {
    expect(namespaceError({ labels: { 'bad key!': 'x' } }))
      .toBe('[prod/shop] labels: "bad key!" is not a valid label key. Fix: use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    expect(namespaceError({ labels: { '': 'x' } }))
      .toBe('[prod/shop] labels: "" is an empty label key. Fix: use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    expect(namespaceError({ labels: { team: 42 } }))
      .toBe('[prod/shop] labels.team: 42 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
  });

  test('unknown keys, a look-alike control plane and non-object props are errors', () => {
    expect(namespaceError({ lables: { team: 'a' } }))
      .toBe('[prod/shop] props: "lables" is not a field of MeshNamespaceProps (did you mean "labels"?). Fix: rename it to "labels"');
    expect(namespaceError({ controlPlane: { revision: '1-30-3' } }))
      .toBe('[prod/shop] controlPlane: {"revision":"1-30-3"} is an object, not a MeshControlPlane. Fix: pass the MeshControlPlane construct whose revision injects the sidecars');
    expect(namespaceError('shop')).toBe('[prod/shop] props: "shop" is a string, not a MeshNamespaceProps object. Fix: give an object such as { name, ... }');
  });
});
