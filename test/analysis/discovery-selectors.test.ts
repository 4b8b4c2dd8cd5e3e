/**
 * mesh.discoveryselectors: namespaces that matter to the mesh but that a control plane's
 * discoverySelectors leave out (CDK8S-ISTIO-005).
 */
import { MeshAnalyzer } from '../../lib';

function namespace(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

function operator(selectors: any[] | undefined, revision?: string, name = 'cp'): any {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name, namespace: 'istio-system' },
    spec: { ...(revision ? { revision } : {}), meshConfig: selectors ? { discoverySelectors: selectors } : {} },
  };
}

function vs(namespace: string, name: string, labels?: Record<string, string>): any {
  return {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace, ...(labels ? { labels } : {}) },
    spec: { hosts: [name], http: [{ route: [{ destination: { host: name } }] }] },
  };
}

function gatewayDeployment(namespace: string, name: string, podLabels: Record<string, string> = {}): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { istio: name } },
      template: { metadata: { labels: { istio: name, ...podLabels }, annotations: { 'inject.istio.io/templates': 'gateway' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } },
    },
  };
}

function found(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objs, { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-005').map((f) => MeshAnalyzer.format([f]));
}

const REVISION_EXISTS = { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] };
const SYSTEM = { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } };
const CONSEQUENCE = 'leave it out: its workloads get no configuration and its Istio objects are ignored';

describe('mesh.discoveryselectors', () => {
  test('a namespace labelled for the mesh that no selector matches, with its Istio objects, is reported on the Namespace', () => {
    // GIVEN selectors on istio.io/rev (Exists) and istio-system by name; "legacy" uses istio-injection=enabled instead
    const objs = [
      operator([REVISION_EXISTS, SYSTEM]),
      namespace('shop', { 'istio.io/rev': 'default' }), vs('shop', 'cart'),
      namespace('legacy', { 'istio-injection': 'enabled' }), vs('legacy', 'a'), vs('legacy', 'b'),
    ];

    // WHEN / THEN
    expect(found(objs)).toStrictEqual([
      `Error [CDK8S-ISTIO-005] (Namespace legacy) Namespace "legacy" is labelled istio-injection=enabled and holds 2 Istio objects (VirtualService legacy/a, …), but the discoverySelectors of IstioOperator istio-system/cp ${CONSEQUENCE} `
        + '(metadata.labels). Fix: give namespace legacy labels that one of the discoverySelectors matches ({istio.io/rev exists} or {kubernetes.io/metadata.name=istio-system}), '
        + 'or add a selector for it to meshConfig.discoverySelectors (e.g. matchLabels kubernetes.io/metadata.name: legacy)',
    ]);
  });

  test('the root namespace counts: mesh-wide policy in istio-system (created by the install) is reported on the policy', () => {
    // GIVEN selectors on istio.io/rev only, and a mesh-wide PeerAuthentication in istio-system
    const pa = { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: 'istio-system' }, spec: { mtls: { mode: 'STRICT' } } };

    // WHEN / THEN
    expect(found([operator([REVISION_EXISTS]), pa])).toStrictEqual([
      `Error [CDK8S-ISTIO-005] (PeerAuthentication istio-system/default) Namespace "istio-system" holds PeerAuthentication istio-system/default, but the discoverySelectors of IstioOperator istio-system/cp ${CONSEQUENCE} `
        + '(metadata.namespace). Fix: give namespace istio-system labels that one of the discoverySelectors matches ({istio.io/rev exists}), '
        + 'or add a selector for it to meshConfig.discoverySelectors (e.g. matchLabels kubernetes.io/metadata.name: istio-system)',
    ]);
    expect(found([operator([REVISION_EXISTS, SYSTEM]), pa])).toStrictEqual([]);
  });

  test('gateway workloads, ambient namespaces, a declared namespace (reported on the first object), selectors with expressions', () => {
    // GIVEN selectors: team in (a,b), or mesh=on; namespaces: a gateway namespace, an ambient one, a declared one
    const objs = [
      operator([{ matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }] }, { matchLabels: { mesh: 'on' } }], '1-30-3'),
      namespace('istio-ingress'), gatewayDeployment('istio-ingress', 'ingressgateway', { 'istio.io/rev': '1-30-3' }),
      namespace('ambient', { 'istio.io/dataplane-mode': 'ambient' }),
      namespace('team-a', { 'istio.io/rev': '1-30-3', 'team': 'a' }), vs('team-a', 'ok'),
      vs('declared', 'routes'),
      namespace('plain'), { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'plain' } },
    ];
    const external = [namespace('declared', { team: 'c' })];

    // WHEN
    const lines = found(objs, external).map((l) => l.split(', but ')[0]);

    // THEN
    expect(lines).toStrictEqual([
      'Error [CDK8S-ISTIO-005] (Namespace ambient) Namespace "ambient" is labelled istio.io/dataplane-mode=ambient',
      'Error [CDK8S-ISTIO-005] (Namespace istio-ingress) Namespace "istio-ingress" runs the gateway Deployment istio-ingress/ingressgateway',
      'Error [CDK8S-ISTIO-005] (VirtualService declared/routes) Namespace "declared" holds VirtualService declared/routes',
    ]);
  });

  test('control planes that split the mesh: each is judged on the namespaces of its revision only', () => {
    // GIVEN tenant control planes "blue" and "green", each discovering its own namespaces by label
    const objs = [
      operator([{ matchLabels: { tenant: 'blue' } }], 'blue', 'blue'),
      operator([{ matchLabels: { tenant: 'green' } }], 'green', 'green'),
      namespace('blue-apps', { 'istio.io/rev': 'blue', 'tenant': 'blue' }), vs('blue-apps', 'b'),
      namespace('green-apps', { 'istio.io/rev': 'green', 'tenant': 'green' }), vs('green-apps', 'g'),
      namespace('green-missing', { 'istio.io/rev': 'green' }), vs('green-missing', 'm'), vs('green-missing', 'for-blue', { 'istio.io/rev': 'blue' }),
    ];

    // WHEN / THEN green-missing is reported to green (its label and objects) and to blue (for-blue only)
    expect(found(objs).map((l) => l.split(' leave it out')[0])).toStrictEqual([
      'Error [CDK8S-ISTIO-005] (Namespace green-missing) Namespace "green-missing" holds VirtualService green-missing/for-blue, but the discoverySelectors of IstioOperator istio-system/blue (revision blue)',
      'Error [CDK8S-ISTIO-005] (Namespace green-missing) Namespace "green-missing" is labelled istio.io/rev=green and holds VirtualService green-missing/m, but the discoverySelectors of IstioOperator istio-system/green (revision green)',
    ]);
  });

  test('no discoverySelectors, an empty selector (everything), or an unreadable one (istiod discovers everything): nothing to report', () => {
    // GIVEN a labelled namespace outside any label selector
    const world = [namespace('shop', { 'istio-injection': 'enabled' }), vs('shop', 'cart')];

    // WHEN / THEN
    expect(found([operator(undefined), ...world])).toStrictEqual([]);
    expect(found([operator([{}]), ...world])).toStrictEqual([]);
    expect(found([operator([{ matchExpressions: [{ key: 'x', operator: 'Matches' }] }]), ...world])).toStrictEqual([]);
    expect(found([operator(['not a selector']), ...world])).toStrictEqual([]);
  });

  test('a declared control plane\'s selectors apply; declared objects are not reported', () => {
    // GIVEN a control plane installed elsewhere, declared with its mesh config
    const world = [namespace('shop', { 'istio-injection': 'enabled' })];

    // WHEN / THEN
    expect(found(world, [operator([SYSTEM])]).map((l) => l.split(', but ')[0])).toStrictEqual(['Error [CDK8S-ISTIO-005] (Namespace shop) Namespace "shop" is labelled istio-injection=enabled']);
    expect(found([], [operator([SYSTEM]), ...world, vs('shop', 'theirs')])).toStrictEqual([]);
  });
});
