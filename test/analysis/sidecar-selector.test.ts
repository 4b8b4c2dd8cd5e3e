/**
 * sidecar.selector: Sidecars whose workloadSelector selects no pod (IST0101), two Sidecars selecting one
 * pod (IST0110), two namespace-wide Sidecars in one namespace (IST0111), Sidecars in ambient mode (IST0167).
 */
import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

function objects(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJSON()).filter((o) => o !== null);
}

function lines(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objs, { external }).findings.map((f) => MeshAnalyzer.format([f]));
}

function sidecar(namespace: string, name: string, labels?: Record<string, string>): any {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name, namespace },
    spec: { ...(labels ? { workloadSelector: { labels } } : {}), egress: [{ hosts: ['./*'] }] },
  };
}

function deployment(namespace: string, name: string, labels: Record<string, string>): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'app', image: 'app:1' }] } } },
  };
}

function namespace(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

const FIX_0110 = 'Fix: make the selectors exclusive (a label both select on, with different values), or merge the Sidecars into one';

describe('sidecar.selector', () => {
  test('Istio\'s sidecar-selector case: a missing workload, another namespace\'s workload, duplicate and overlapping selectors', () => {
    // GIVEN Istio's testdata, translated: pods in default and other, Sidecars that map correctly, to nothing, across namespaces, and twice
    const objs = objects(`
apiVersion: v1
kind: Pod
metadata: { name: productpage, namespace: default, labels: { app: productpage } }
---
apiVersion: v1
kind: Pod
metadata: { name: productpage-other, namespace: other, labels: { app: productpage } }
---
apiVersion: v1
kind: Pod
metadata: { name: reviews, namespace: default, labels: { app: reviews } }
---
apiVersion: v1
kind: Pod
metadata: { name: ratings, namespace: default, labels: { app: ratings-app, myapp: ratings-myapp } }
`);
    objs.push(
      namespace('default'), namespace('other'),
      sidecar('default', 'maps-correctly-no-conflicts', { app: 'productpage' }),
      sidecar('default', 'maps-to-nonexistent', { app: 'bogus' }),
      sidecar('other', 'maps-to-different-ns', { app: 'reviews' }),
      sidecar('default', 'dupe-1', { app: 'reviews' }),
      sidecar('default', 'dupe-2', { app: 'reviews' }),
      sidecar('default', 'overlap-1', { app: 'ratings-app' }),
      sidecar('default', 'overlap-2', { myapp: 'ratings-myapp' }),
    );

    // WHEN
    const found = lines(objs);

    // THEN
    expect(found).toStrictEqual([
      'Error [IST0101] (Sidecar default/maps-to-nonexistent) Referenced selector not found: "app=bogus" (spec.workloadSelector.labels). '
        + 'Fix: give the pods this Sidecar is for the labels app=bogus, or correct the selector: no pod of namespace "default" in the output or declared has them (declare pods that run elsewhere as ExternalResources workloads)',
      'Error [IST0101] (Sidecar other/maps-to-different-ns) Referenced selector not found: "app=reviews" (spec.workloadSelector.labels). '
        + 'Fix: give the pods this Sidecar is for the labels app=reviews, or correct the selector: no pod of namespace "other" in the output or declared has them (declare pods that run elsewhere as ExternalResources workloads)',
      `Error [IST0110] (Sidecar default/dupe-1) The Sidecars [dupe-1 dupe-2] in namespace "default" select the same workload pod "reviews", which can lead to undefined behavior (spec.workloadSelector.labels). ${FIX_0110}`,
      `Error [IST0110] (Sidecar default/dupe-2) The Sidecars [dupe-1 dupe-2] in namespace "default" select the same workload pod "reviews", which can lead to undefined behavior (spec.workloadSelector.labels). ${FIX_0110}`,
      `Error [IST0110] (Sidecar default/overlap-1) The Sidecars [overlap-1 overlap-2] in namespace "default" select the same workload pod "ratings", which can lead to undefined behavior (spec.workloadSelector.labels). ${FIX_0110}`,
      `Error [IST0110] (Sidecar default/overlap-2) The Sidecars [overlap-1 overlap-2] in namespace "default" select the same workload pod "ratings", which can lead to undefined behavior (spec.workloadSelector.labels). ${FIX_0110}`,
    ]);
  });

  test('the exact finding of two namespace-wide Sidecars', () => {
    // GIVEN two Sidecars without a selector in ns2, one with and one without in ns1
    const objs = [
      namespace('ns1'), namespace('ns2'), deployment('ns1', 'foo', { app: 'foo' }),
      sidecar('ns1', 'no-selector'), sidecar('ns1', 'has-selector', { app: 'foo' }),
      sidecar('ns2', 'has-conflict-1'), sidecar('ns2', 'has-conflict-2'),
    ];

    // WHEN
    const report = MeshAnalyzer.analyze(objs);

    // THEN only ns2's two are reported
    const fix = 'Fix: keep one Sidecar without workloadSelector per namespace (the namespace default) and give the others a workloadSelector';
    expect(report.findings).toStrictEqual(['has-conflict-1', 'has-conflict-2'].map((name) => ({
      code: 'IST0111',
      messageName: 'MultipleSidecarsWithoutWorkloadSelectors',
      level: 'Error',
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      namespace: 'ns2',
      name,
      message: `The Sidecars [has-conflict-1 has-conflict-2] in namespace "ns2" have no workload selector, which can lead to undefined behavior. ${fix}`,
    })));
  });

  test('selectors that could overlap but select no common pod are clean; pods of a Deployment count', () => {
    // GIVEN reviews-v1 and ratings pods, Sidecars on app=reviews and version=v2 (no pod has both)
    const objs = [
      namespace('bookinfo'),
      deployment('bookinfo', 'reviews-v1', { app: 'reviews', version: 'v1' }),
      deployment('bookinfo', 'ratings-v2', { app: 'ratings', version: 'v2' }),
      sidecar('bookinfo', 'reviews', { app: 'reviews' }),
      sidecar('bookinfo', 'v2', { version: 'v2' }),
      sidecar('bookinfo', 'default'),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });

  test('a declared Sidecar and declared pods take part; only the output\'s Sidecar is reported', () => {
    // GIVEN an existing Sidecar for app=reviews and existing reviews pods; the output adds a second one
    const external = [
      namespace('bookinfo'),
      sidecar('bookinfo', 'existing', { app: 'reviews' }),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews-abc', namespace: 'bookinfo', labels: { app: 'reviews' } } },
    ];
    const objs = [sidecar('bookinfo', 'mine', { app: 'reviews' })];

    // WHEN / THEN
    expect(lines(objs, external)).toStrictEqual([
      `Error [IST0110] (Sidecar bookinfo/mine) The Sidecars [existing mine] in namespace "bookinfo" select the same workload pod "reviews-abc", which can lead to undefined behavior (spec.workloadSelector.labels). ${FIX_0110}`,
    ]);
  });

  test('ambient: Sidecars in an ambient namespace are no conflict (IST0110/IST0111); they have no impact (IST0167)', () => {
    // GIVEN an ambient namespace with two namespace-wide Sidecars and one selecting an ambient pod,
    // and a pod that opts out of ambient (its Sidecar is effective)
    const objs = [
      namespace('ns-ambient', { 'istio.io/dataplane-mode': 'ambient' }),
      deployment('ns-ambient', 'ambient-app', { app: 'ambient' }),
      deployment('ns-ambient', 'legacy', { 'app': 'legacy', 'sidecar.istio.io/inject': 'true' }),
      sidecar('ns-ambient', 'namespace-scoped'),
      sidecar('ns-ambient', 'namespace-scoped-2'),
      sidecar('ns-ambient', 'pod-scoped', { app: 'ambient' }),
      sidecar('ns-ambient', 'legacy', { app: 'legacy' }),
    ];

    // WHEN
    const found = lines(objs);

    // THEN no IST0110/IST0111 conflict; policy.ineffective reports each as IST0167
    const fix = 'Fix: delete the Sidecar (ztunnel and waypoints do not read it)';
    expect(found).toStrictEqual([
      `Warning [IST0167] (Sidecar ns-ambient/namespace-scoped) The policy has no impact: namespace is in ambient mode, the policy has no impact. ${fix}, or label namespace "ns-ambient" for sidecar injection if its workloads need sidecars`,
      `Warning [IST0167] (Sidecar ns-ambient/namespace-scoped-2) The policy has no impact: namespace is in ambient mode, the policy has no impact. ${fix}, or label namespace "ns-ambient" for sidecar injection if its workloads need sidecars`,
      `Warning [IST0167] (Sidecar ns-ambient/pod-scoped) The policy has no impact: selected workload is in ambient mode, the policy has no impact (spec.workloadSelector.labels). ${fix}, or take the workload out of ambient mode (istio.io/dataplane-mode: none) if it needs a sidecar`,
    ]);
  });

  test('an istio.io/rev label makes an ambient-labelled namespace a sidecar namespace', () => {
    // GIVEN a namespace labelled both ambient and with a revision, with two namespace-wide Sidecars
    const objs = [namespace('mixed', { 'istio.io/dataplane-mode': 'ambient', 'istio.io/rev': 'canary' }), sidecar('mixed', 'a'), sidecar('mixed', 'b')];

    // WHEN / THEN they conflict as in any sidecar namespace
    expect(MeshAnalyzer.analyze(objs, { suppress: ['IST0123'] }).findings.map((f) => `${f.code} ${f.name}`)).toStrictEqual(['IST0111 a', 'IST0111 b']);
  });

  test('malformed input: a missing spec, a string selector, non-string labels', () => {
    // GIVEN Sidecars of odd shapes
    const objs = [
      namespace('odd'),
      { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'no-spec', namespace: 'odd' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'string-selector', namespace: 'odd' }, spec: { workloadSelector: 'app=x' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'number-label', namespace: 'odd' }, spec: { workloadSelector: { labels: { app: 1 } } } },
    ];

    // WHEN / THEN all three count as namespace-wide, nothing throws
    expect(MeshAnalyzer.analyze(objs).findings.map((f) => `${f.code} ${f.name}`)).toStrictEqual(['IST0111 no-spec', 'IST0111 number-label', 'IST0111 string-selector']);
  });
});
