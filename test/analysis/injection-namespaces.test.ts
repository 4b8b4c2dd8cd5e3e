/**
 * injection.namespaces: more than one kind of injection label (IST0123) and namespaces without one that
 * run pods while the output has a control plane (IST0102).
 */
import { MeshAnalyzer } from '../../lib';

function namespace(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

function deployment(namespace: string, name: string, podLabels: Record<string, string> = {}, annotations?: Record<string, string>): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name, ...podLabels }, ...(annotations ? { annotations } : {}) }, spec: { containers: [{ name: 'app', image: 'app:1' }] } },
    },
  };
}

function operator(revision?: string, values?: any): any {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: revision ? `cp-${revision}` : 'cp', namespace: 'istio-system' },
    spec: { ...(revision ? { revision } : {}), ...(values ? { values } : {}) },
  };
}

/** The findings of this check (other checks, e.g. ambient.ztunnel on these fixtures' ambient namespaces, have tests of their own). */
function lines(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objs, { external }).findings.filter((f) => f.code === 'IST0123' || f.code === 'IST0102').map((f) => MeshAnalyzer.format([f]));
}

const MULTI = (ns: string, labels: string) => `Warning [IST0123] (Namespace ${ns}) The namespace has more than one type of injection labels [${labels}], which may lead to undefined behavior. `
  + 'Make sure only one injection label exists (metadata.labels). '
  + `Fix: keep one of ${labels.split(' ').join(', ')}: istio-injection=enabled for the default revision, istio.io/rev=<revision> for a revision, istio.io/dataplane-mode=ambient for ambient`;

describe('injection.namespaces', () => {
  test('Istio\'s injection case: combined labels (IST0123), and bar without any label (IST0102)', () => {
    // GIVEN Istio's namespaces, a default control plane in the output, and a workload in every namespace
    const labelled: [string, Record<string, string> | undefined][] = [
      ['default', { 'istio-injection': 'enabled' }],
      ['ambient', { 'istio.io/dataplane-mode': 'ambient' }],
      ['foo', { 'istio-injection': 'disabled' }],
      ['bar', undefined],
      ['canary-test', { 'istio.io/rev': 'canary' }],
      ['busted', { 'istio-injection': 'enabled', 'istio.io/rev': 'canary' }],
      ['multi-ns-1', { 'istio-injection': 'enabled', 'istio.io/rev': 'test' }],
      ['multi-ns-2', { 'istio-injection': 'enabled', 'istio.io/dataplane-mode': 'ambient' }],
      ['multi-ns-3', { 'istio.io/rev': 'test', 'istio.io/dataplane-mode': 'ambient' }],
      ['not-conflict-ns-1', { 'istio-injection': 'disabled', 'istio.io/dataplane-mode': 'ambient' }],
      ['not-conflict-ns-2', { 'istio-injection': 'disabled', 'istio.io/rev': 'test' }],
    ];
    const objs = [operator(), ...labelled.flatMap(([name, labels]) => [namespace(name, labels), deployment(name, 'app')])];

    // WHEN / THEN (this check's codes only: revisions no control plane has are CDK8S-ISTIO-080's, tested with that check)
    expect(lines(objs)).toStrictEqual([
      MULTI('busted', 'istio-injection=enabled istio.io/rev=canary'),
      MULTI('multi-ns-1', 'istio-injection=enabled istio.io/rev=test'),
      MULTI('multi-ns-2', 'istio-injection=enabled istio.io/dataplane-mode=ambient'),
      MULTI('multi-ns-3', 'istio.io/rev=test istio.io/dataplane-mode=ambient'),
      'Info [IST0102] (Namespace bar) The namespace is not enabled for Istio injection. Run \'kubectl label namespace bar istio-injection=enabled\' to enable it, '
        + 'or \'kubectl label namespace bar istio-injection=disabled\' to explicitly mark it as not needing injection (metadata.labels). '
        + 'Fix: label it for the mesh (istio-injection=enabled, as MeshNamespace with the control plane does; control planes: IstioOperator istio-system/cp), '
        + 'or istio-injection=disabled if its pods stay out of the mesh',
    ]);
  });

  test('IST0102 needs pods of the output in the namespace and a control plane in the output', () => {
    // GIVEN unlabelled namespaces: one empty, one with a declared workload only, one with a workload
    const objs = [namespace('empty'), namespace('declared-only'), namespace('apps'), deployment('apps', 'web')];
    const external = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'x', namespace: 'declared-only' } }];

    // WHEN / THEN without a control plane nothing; a declared control plane is not enough; with one in the output only "apps"
    expect(lines(objs, external)).toStrictEqual([]);
    expect(lines(objs, [...external, operator()])).toStrictEqual([]);
    expect(lines([...objs, operator('1-30-3')], external).map((l) => l.split(' Fix: ')[1])).toStrictEqual([
      'label it for the mesh (istio.io/rev=1-30-3, as MeshNamespace with the control plane does; control planes: IstioOperator istio-system/cp-1-30-3 (revision 1-30-3)), '
        + 'or istio-injection=disabled if its pods stay out of the mesh',
    ]);
  });

  test('IST0102 is not reported where pods choose for themselves, in a control plane\'s namespace, or when every namespace is injected', () => {
    // GIVEN a gateway namespace whose pods carry istio.io/rev / sidecar.istio.io/inject, and istiod's namespace elsewhere
    const base = [
      namespace('istio-ingress'), deployment('istio-ingress', 'gw', { 'istio.io/rev': '1-30-3' }), deployment('istio-ingress', 'gw2', { 'sidecar.istio.io/inject': 'true' }),
      namespace('mesh'), deployment('mesh', 'istiod'),
      namespace('jobs'), deployment('jobs', 'batch', {}, { 'sidecar.istio.io/inject': 'false' }),
    ];
    const cp = { ...operator('1-30-3'), metadata: { name: 'cp', namespace: 'mesh' }, spec: { revision: '1-30-3', namespace: 'mesh' } };

    // WHEN / THEN
    expect(lines([...base, cp])).toStrictEqual([]);
    expect(lines([namespace('apps'), deployment('apps', 'web'), operator(undefined, { sidecarInjectorWebhook: { enableNamespacesByDefault: true } })])).toStrictEqual([]);
  });

  test('istio-system is skipped; declared namespaces are not reported', () => {
    // GIVEN istio-system with two kinds of labels, and a declared namespace with two kinds
    const objs = [namespace('istio-system', { 'istio-injection': 'enabled', 'istio.io/rev': 'x' })];
    const external = [namespace('theirs', { 'istio-injection': 'enabled', 'istio.io/rev': 'x' })];

    // WHEN / THEN
    expect(lines(objs, external)).toStrictEqual([]);
  });

  test('malformed labels (numbers, a string) are ignored', () => {
    // GIVEN odd namespace labels
    const objs = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a', labels: { 'istio-injection': true, 'istio.io/rev': 'x' } } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'b', labels: 'istio-injection=enabled' } },
    ];

    // WHEN / THEN only the string label counts: one kind, no finding
    expect(lines(objs)).toStrictEqual([]);
  });
});
