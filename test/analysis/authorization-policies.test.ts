/**
 * auth.authorizationpolicies: IST0127 (selector matches no workload in the mesh) and IST0101 (a source
 * namespace that does not exist), after istioctl's testdata/authorizationpolicies.yaml.
 */
import { AuthorizationPolicy, Environment, FindingLevel, MeshAnalyzer, MeshNamespace, Principal, WorkloadSelector } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const ns = (name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const deployment = (namespace: string, name: string, labels: Record<string, string>, podAnnotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations: podAnnotations }, spec: { containers: [{ name, image: `example/${name}:1` }] } } },
});
const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });
const sources = (field: string, values: string[]) => ({ rules: [{ from: [{ source: { principals: ['cluster.local/ns/default/sa/sleep'] } }, { source: { [field]: values } }] }] });

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze(objects, { external }).findings.filter((f) => f.code === 'IST0127' || f.code === 'IST0101');
}

const base = [ns('istio-system', {}), ns('httpbin'), deployment('httpbin', 'httpbin', { app: 'httpbin', version: 'v1' })];

describe('IST0127 NoMatchingWorkloadsFound', () => {
  test('a selector that matches no pod of the namespace', () => {
    // GIVEN httpbin runs app=httpbin,version=v1 WHEN a policy selects app=bogus-label
    const objects = [...base, policy('httpbin', 'httpbin-nopods', { selector: { matchLabels: { version: 'v1', app: 'bogus-label' } } })];
    // THEN the labels are printed sorted, as istioctl prints a selector
    expect(findings(objects)).toStrictEqual([{
      code: 'IST0127', messageName: 'NoMatchingWorkloadsFound', level: FindingLevel.WARNING,
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', namespace: 'httpbin', name: 'httpbin-nopods', field: 'spec.selector.matchLabels',
      message: 'No matching workloads for this resource with the following labels: app=bogus-label,version=v1 (spec.selector.matchLabels). '
        + 'Fix: correct the labels to those of the pods it should protect, or declare the workloads (ExternalResources workloads): '
        + 'no pod of the output or declared workload in namespace "httpbin" carries these labels',
    }]);
  });

  test('matching selectors, namespace-wide policies with pods, and the selector-less root-namespace policy are clean', () => {
    const objects = [...base,
      policy('httpbin', 'httpbin', { selector: { matchLabels: { app: 'httpbin', version: 'v1' } }, ...sources('namespaces', ['httpbin']) }),
      policy('httpbin', 'httpbin-namespace-wide', sources('namespaces', ['httpbin'])),
      policy('istio-system', 'meshwide-httpbin', {}),
      policy('istio-system', 'meshwide-selector', { selector: { matchLabels: { app: 'httpbin' } } })];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('in the root namespace a selector is matched against every namespace', () => {
    const objects = [...base, policy('istio-system', 'meshwide-httpbin-v1', { selector: { matchLabels: { version: 'bogus-version' } } })];
    expect(MeshAnalyzer.format(findings(objects))).toBe('Warning [IST0127] (AuthorizationPolicy istio-system/meshwide-httpbin-v1) '
      + 'No matching workloads for this resource with the following labels: version=bogus-version (spec.selector.matchLabels). '
      + 'Fix: correct the labels to those of the pods it should protect, or declare the workloads (ExternalResources workloads): '
      + 'no pod of the output or declared workload in any namespace (the policy is in the root namespace) carries these labels');
  });

  test('the root namespace follows meshConfig.rootNamespace', () => {
    const operator = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' }, spec: { profile: 'minimal', meshConfig: { rootNamespace: 'istio-config' } } };
    const objects = [...base, ns('istio-config', {}), operator, policy('istio-config', 'all', {}), policy('istio-system', 'not-root', {})];
    expect(findings(objects).map((f) => `${f.namespace}/${f.name}: ${f.message.slice(0, 96)}`)).toStrictEqual([
      'istio-system/not-root: No matching workloads for this resource with the following labels: none (namespace-wide policy).',
    ]);
  });

  test('a namespace-wide policy in a namespace that runs no pod', () => {
    const objects = [...base, ns('httpbin-empty'), policy('httpbin-empty', 'httpbin-empty-namespace-wide', sources('namespaces', ['httpbin']))];
    expect(MeshAnalyzer.format(findings(objects))).toBe('Warning [IST0127] (AuthorizationPolicy httpbin-empty/httpbin-empty-namespace-wide) '
      + 'No matching workloads for this resource with the following labels: none (namespace-wide policy). '
      + 'Fix: run the workloads it protects in namespace "httpbin-empty" or declare them (ExternalResources workloads), or delete the policy: '
      + 'no pod of the output or declared workload in namespace "httpbin-empty" carries these labels');
  });

  test('pods without a proxy do not count: the fix says why', () => {
    // GIVEN a namespace not labelled for injection
    const objects = [ns('istio-system', {}), ns('plain', {}), deployment('plain', 'web', { app: 'web' }),
      policy('plain', 'web', { selector: { matchLabels: { app: 'web' } } })];
    expect(findings(objects).map((f) => f.message)).toStrictEqual(['No matching workloads for this resource with the following labels: app=web (spec.selector.matchLabels). '
      + 'Fix: correct the labels to those of the pods it should protect, or declare the workloads (ExternalResources workloads): the matching pods (Deployment plain/web) have no proxy: '
      + 'their namespace is not labelled for injection (istio-injection=enabled or istio.io/rev) or ambient, and they do not opt in']);
  });

  test.each<[string, Record<string, string>, Record<string, string>, Record<string, string>]>([
    ['revision injection (istio.io/rev)', { 'istio.io/rev': '1-30-3' }, {}, {}],
    ['an ambient namespace', { 'istio.io/dataplane-mode': 'ambient' }, {}, {}],
    ['a pod that opts in', {}, { 'sidecar.istio.io/inject': 'true' }, {}],
    ['a pod the CNI redirected (ambient annotation)', {}, {}, { 'ambient.istio.io/redirection': 'enabled' }],
  ])('pods in the mesh by %s count', (_name, nsLabels, podLabels, podAnnotations) => {
    const objects = [ns('istio-system', {}), ns('shop', nsLabels), deployment('shop', 'web', { app: 'web', ...podLabels }, podAnnotations),
      policy('shop', 'web', { selector: { matchLabels: { app: 'web' } } })];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('a pod that opts out of injection in an injected namespace does not count', () => {
    const objects = [ns('istio-system', {}), ns('shop'), deployment('shop', 'web', { 'app': 'web', 'sidecar.istio.io/inject': 'false' }),
      policy('shop', 'web', { selector: { matchLabels: { app: 'web' } } })];
    expect(findings(objects).map((f) => f.name)).toStrictEqual(['web']);
  });

  test('declared workloads and pods of declared namespaces count; declared policies are never reported', () => {
    const external = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'legacy' } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw', namespace: 'istio-ingress', labels: { istio: 'ingressgateway' } }, spec: { containers: [] } },
      policy('legacy', 'theirs', { selector: { matchLabels: { app: 'nothing' } } })];
    const objects = [ns('istio-system', {}), ns('istio-ingress', {}), deployment('legacy', 'old', { app: 'old' }),
      policy('istio-ingress', 'gw', { selector: { matchLabels: { istio: 'ingressgateway' } } }),
      policy('legacy', 'old', { selector: { matchLabels: { app: 'old' } } })];
    expect(findings(objects, external)).toStrictEqual([]);
  });

  test('policies with targetRefs are left alone', () => {
    const objects = [ns('istio-system', {}), ns('empty'),
      policy('empty', 'gw', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'missing' }] })];
    expect(findings(objects)).toStrictEqual([]);
  });
});

describe('IST0101 source namespaces', () => {
  const more = [...base, ns('prod-httpbin'), ns('httpbin-test')];

  test.each(['namespaces', 'notNamespaces'])('%s entries that match no namespace, with Istio\'s match syntax', (field) => {
    const objects = [...more, policy('httpbin', 'httpbin-bogus', {
      selector: { matchLabels: { app: 'httpbin', version: 'v1' } },
      ...sources(field, ['prod-*', '*-test', '*-bogus', 'bogus-*', '*', 'httpbin']),
    })];
    expect(findings(objects).map((f) => [f.level, f.field, f.message.slice(0, f.message.indexOf(' Fix:'))])).toStrictEqual([
      [FindingLevel.ERROR, `spec.rules[0].from[1].source.${field}[2]`, `Referenced namespace not found: "*-bogus" (spec.rules[0].from[1].source.${field}[2]).`],
      [FindingLevel.ERROR, `spec.rules[0].from[1].source.${field}[3]`, `Referenced namespace not found: "bogus-*" (spec.rules[0].from[1].source.${field}[3]).`],
    ]);
  });

  test('the fix names the declaration', () => {
    const objects = [...base, policy('httpbin', 'p', { selector: { matchLabels: { app: 'httpbin' } }, ...sources('namespaces', ['observability']) })];
    expect(MeshAnalyzer.format(findings(objects))).toBe('Error [IST0101] (AuthorizationPolicy httpbin/p) Referenced namespace not found: "observability" (spec.rules[0].from[1].source.namespaces[0]). '
      + 'Fix: create the namespace (or declare it: ExternalResources namespaces, --external Namespace/observability), or correct the name; a source namespace nobody runs never matches, so the rule is dead');
    expect(findings(objects, [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'observability' } }])).toStrictEqual([]);
  });

  test('istiod\'s namespace (from an IstioOperator) exists', () => {
    const operator = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'mesh-system' }, spec: { namespace: 'mesh-system' } };
    const objects = [...base, operator, policy('httpbin', 'p', { selector: { matchLabels: { app: 'httpbin' } }, ...sources('namespaces', ['mesh-*']) })];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('malformed policies do not throw', () => {
    const objects = [...base,
      policy('httpbin', 'a', { selector: 'app=httpbin', rules: 'none' }),
      policy('httpbin', 'b', { rules: [null, { from: [{ source: { namespaces: 'httpbin' } }, null] }] }),
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'c', namespace: 'httpbin' } }];
    expect(findings(objects)).toStrictEqual([]);
  });
});

describe('through the constructs', () => {
  test('allowFrom to workloads the chart does not run warns; declaring them clears it', () => {
    // GIVEN a mesh namespace and an allow policy for app=cart, whose pods run elsewhere
    const chart = meshChart(Environment.PROD);
    new MeshNamespace(chart, 'shop');
    AuthorizationPolicy.allowFrom(chart, 'cart-from-web', { namespace: 'shop', principals: [Principal.of('shop', 'web')], to: WorkloadSelector.labels({ app: 'cart' }) });
    // THEN
    expect(findingsOf(chart, 'IST0127')).toStrictEqual(['Warning [IST0127] (AuthorizationPolicy shop/cart-from-web) No matching workloads for this resource with the following labels: app=cart '
      + '(spec.selector.matchLabels). Fix: correct the labels to those of the pods it should protect, or declare the workloads (ExternalResources workloads): '
      + 'no pod of the output or declared workload in namespace "shop" carries these labels [construct prod/cart-from-web]']);
    expect(findingsOf(chart, 'IST0127', { external: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'cart', namespace: 'shop', labels: { app: 'cart' } } }] })).toStrictEqual([]);
  });
});
