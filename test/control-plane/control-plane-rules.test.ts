/**
 * MeshControlPlane rules no other test reaches: the image hub and istiod's tolerations.
 */
import { Environment, MeshControlPlane, MeshControlPlaneProps } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

function errorFor(props: MeshControlPlaneProps): string {
  return errorOf(() => new MeshControlPlane(meshChart(Environment.PROD), 'cp', props));
}

describe('MeshControlPlane hub', () => {
  test('a private registry with a port is accepted', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    // WHEN
    new MeshControlPlane(chart, 'cp', { hub: 'registry.example.com:5000/mirror/istio' });
    // THEN
    expect(find(synthValid(chart), 'IstioOperator', 'control-plane').spec.hub).toBe('registry.example.com:5000/mirror/istio');
  });

  test.each([
    ['capitals', 'Docker.io/Istio'],
    ['a scheme', 'https://docker.io/istio'],
    ['a trailing slash', 'docker.io/istio/'],
  ])('a hub with %s is an error', (_case, hub) => {
    // GIVEN / WHEN / THEN
    expect(errorFor({ hub })).toBe(`[prod/cp] hub: ${JSON.stringify(hub)} is not an image registry path. Fix: use e.g. "docker.io/istio" or "registry.example.com/istio"`);
  });
});

describe('MeshControlPlane pilot.tolerations', () => {
  test('Exists without a key tolerates every taint; tolerationSeconds goes with NoExecute', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    // WHEN
    new MeshControlPlane(chart, 'cp', {
      pilot: { tolerations: [{ operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 }] },
    });
    // THEN
    expect(find(synthValid(chart), 'IstioOperator', 'control-plane').spec.components.pilot.k8s.tolerations).toStrictEqual([
      { operator: 'Exists' }, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 30 },
    ]);
  });

  test.each([
    ['tolerationSeconds with NoSchedule', { key: 'dedicated', value: 'istio', effect: 'NoSchedule' as const, tolerationSeconds: 30 },
      '[prod/cp] pilot.tolerations[0].tolerationSeconds: 30 only applies to the NoExecute effect. Fix: set effect: "NoExecute" or drop tolerationSeconds'],
    ['tolerationSeconds without an effect', { key: 'dedicated', operator: 'Exists' as const, tolerationSeconds: 30 },
      '[prod/cp] pilot.tolerations[0].tolerationSeconds: 30 only applies to the NoExecute effect. Fix: set effect: "NoExecute" or drop tolerationSeconds'],
    ['no key with the default operator Equal', { value: 'istio', effect: 'NoSchedule' as const },
      '[prod/cp] pilot.tolerations[0].key: undefined is empty with operator Equal. Fix: name the taint key, or use operator Exists to tolerate every taint'],
    ['an empty key with operator Equal', { key: '', operator: 'Equal' as const, value: 'istio' },
      '[prod/cp] pilot.tolerations[0].key: "" is empty with operator Equal. Fix: name the taint key, or use operator Exists to tolerate every taint'],
  ])('%s is an error', (_case, toleration, message) => {
    // GIVEN / WHEN / THEN
    expect(errorFor({ pilot: { tolerations: [toleration] } })).toBe(message);
  });
});
