/**
 * telemetry.defaultselector: two namespace-wide Telemetries in one namespace (IST0160).
 */
import { MeshAnalyzer } from '../../lib';

function telemetry(namespace: string, name: string, extra: any = {}): any {
  return { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name, namespace }, spec: { metrics: [{ providers: [{ name: 'prometheus' }] }], ...extra } };
}

const NAMESPACES = ['istio-system', 'ns1', 'ns2'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

describe('telemetry.defaultselector', () => {
  test('Istio\'s default-selector case: one namespace-wide Telemetry next to a selecting one is fine, two are reported', () => {
    // GIVEN ns1 with one namespace-wide and one selecting Telemetry, ns2 with two namespace-wide ones
    const objs = [...NAMESPACES,
      telemetry('ns1', 'no-selector'),
      telemetry('ns1', 'has-selector', { selector: { matchLabels: { app: 'foo' } } }),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'foo', namespace: 'ns1', labels: { app: 'foo' } } },
      telemetry('ns2', 'has-conflict-1'),
      telemetry('ns2', 'has-conflict-2')];

    // WHEN
    const report = MeshAnalyzer.analyze(objs);

    // THEN
    expect(report.findings).toStrictEqual(['has-conflict-1', 'has-conflict-2'].map((name) => ({
      code: 'IST0160',
      messageName: 'MultipleTelemetriesWithoutWorkloadSelectors',
      level: 'Error',
      apiVersion: 'telemetry.istio.io/v1',
      kind: 'Telemetry',
      namespace: 'ns2',
      name,
      message: 'The Telemetries [has-conflict-1 has-conflict-2] in namespace "ns2" have no workload selector, which can lead to undefined behavior. '
        + 'Fix: merge them into one Telemetry for namespace "ns2", or give all but one a selector',
    })));
  });

  test('the root namespace: two mesh-wide Telemetries; an empty matchLabels counts as none; targetRefs are not namespace-wide', () => {
    // GIVEN two mesh-wide Telemetries (one with an empty selector) and one targeting a gateway
    const objs = [...NAMESPACES,
      telemetry('istio-system', 'mesh-default'),
      telemetry('istio-system', 'mesh-extra', { selector: { matchLabels: {} } }),
      telemetry('istio-system', 'gateway', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'ingress' }] })];

    // WHEN
    const lines = MeshAnalyzer.analyze(objs).findings.map((f) => MeshAnalyzer.format([f]));

    // THEN
    const message = 'The Telemetries [mesh-default mesh-extra] in namespace "istio-system" have no workload selector, which can lead to undefined behavior. '
      + 'Fix: merge them into one Telemetry for the mesh (root namespace), or give all but one a selector';
    expect(lines).toStrictEqual([
      `Error [IST0160] (Telemetry istio-system/mesh-default) ${message}`,
      `Error [IST0160] (Telemetry istio-system/mesh-extra) ${message}`,
    ]);
  });

  test('a declared namespace-wide Telemetry conflicts with the output\'s, which alone is reported', () => {
    // GIVEN an existing namespace-wide Telemetry in ns1
    const report = MeshAnalyzer.analyze([...NAMESPACES, telemetry('ns1', 'mine')], { external: [telemetry('ns1', 'theirs')] });

    // WHEN / THEN
    expect(report.findings.map((f) => `${f.code} ${f.name}`)).toStrictEqual(['IST0160 mine']);
  });
});
