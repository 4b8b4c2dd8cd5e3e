/**
 * telemetry.selector: Telemetry selectors that select no pod (IST0101) or a pod another Telemetry selects (IST0159).
 */
import { MeshAnalyzer } from '../../lib';

function lines(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objs, { external }).findings.map((f) => MeshAnalyzer.format([f]));
}

function telemetry(namespace: string, name: string, matchLabels?: Record<string, string>): any {
  return {
    apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name, namespace },
    spec: { ...(matchLabels ? { selector: { matchLabels } } : {}), tracing: [{ randomSamplingPercentage: 10 }] },
  };
}

function pod(namespace: string, name: string, labels: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'app', image: 'app:1' }] } };
}

const NAMESPACES = ['default', 'other'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
const FIX = 'Fix: make the selectors exclusive (a label both select on, with different values), or merge the Telemetries into one';

describe('telemetry.selector', () => {
  test('Istio\'s telemetry-selector case: a missing workload, another namespace\'s workload, duplicate and overlapping selectors', () => {
    // GIVEN pods in default and other, and Telemetries that map correctly, to nothing, across namespaces, and twice
    const objs = [...NAMESPACES,
      pod('default', 'productpage', { app: 'productpage' }),
      pod('other', 'productpage-other', { app: 'productpage' }),
      pod('default', 'reviews', { app: 'reviews' }),
      pod('default', 'ratings', { app: 'ratings-app', myapp: 'ratings-myapp' }),
      telemetry('default', 'maps-correctly-no-conflicts', { app: 'productpage' }),
      telemetry('default', 'maps-to-nonexistent', { app: 'bogus' }),
      telemetry('other', 'maps-to-different-ns', { app: 'reviews' }),
      telemetry('default', 'dupe-1', { app: 'reviews' }),
      telemetry('default', 'dupe-2', { app: 'reviews' }),
      telemetry('default', 'overlap-1', { app: 'ratings-app' }),
      telemetry('default', 'overlap-2', { myapp: 'ratings-myapp' }),
      telemetry('default', 'namespace-wide')];

    // WHEN / THEN
    const notFound = (name: string, ns: string, labels: string) => `Error [IST0101] (Telemetry ${ns}/${name}) Referenced selector not found: "${labels}" (spec.selector.matchLabels). `
      + `Fix: give the pods this Telemetry is for the labels ${labels}, or correct the selector: no pod of namespace "${ns}" in the output or declared has them (declare pods that run elsewhere as ExternalResources workloads)`;
    const conflict = (name: string, names: string, podName: string) => `Error [IST0159] (Telemetry default/${name}) The Telemetries ${names} in namespace "default" select the same workload pod "${podName}", `
      + `which can lead to undefined behavior (spec.selector.matchLabels). ${FIX}`;
    expect(lines(objs)).toStrictEqual([
      notFound('maps-to-nonexistent', 'default', 'app=bogus'),
      notFound('maps-to-different-ns', 'other', 'app=reviews'),
      conflict('dupe-1', '[dupe-1 dupe-2]', 'reviews'),
      conflict('dupe-2', '[dupe-1 dupe-2]', 'reviews'),
      conflict('overlap-1', '[overlap-1 overlap-2]', 'ratings'),
      conflict('overlap-2', '[overlap-1 overlap-2]', 'ratings'),
    ]);
  });

  test('pods of a Deployment and declared workloads count; a declared Telemetry conflicts but is not reported', () => {
    // GIVEN a declared reviews workload and Telemetry, and the output's Telemetry for the same pods
    const external = [{ apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'theirs', namespace: 'default' }, spec: { selector: { matchLabels: { app: 'reviews' } } } },
      pod('default', 'reviews-existing', { app: 'reviews' })];
    const objs = [...NAMESPACES, telemetry('default', 'mine', { app: 'reviews' })];

    // WHEN / THEN
    expect(lines(objs, external)).toStrictEqual([
      `Error [IST0159] (Telemetry default/mine) The Telemetries [mine theirs] in namespace "default" select the same workload pod "reviews-existing", which can lead to undefined behavior (spec.selector.matchLabels). ${FIX}`,
    ]);
  });

  test('malformed input: a selector that is a string, matchLabels with numbers', () => {
    // GIVEN odd selectors
    const objs = [...NAMESPACES,
      { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'a', namespace: 'default' }, spec: { selector: 'app=x' } },
      { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'b', namespace: 'other' }, spec: { selector: { matchLabels: { app: 7 } } } }];

    // WHEN / THEN no selector is read, nothing throws
    expect(lines(objs)).toStrictEqual([]);
  });
});
