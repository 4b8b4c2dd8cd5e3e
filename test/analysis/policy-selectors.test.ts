/**
 * security.policyselectors: CDK8S-ISTIO-006, PeerAuthentication and RequestAuthentication selectors that
 * match no workload in the mesh.
 */
import { Environment, FindingLevel, MeshAnalyzer, MtlsScope, StrictMtls, WorkloadSelector } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const ns = (name: string, labels: Record<string, string> = { 'istio-injection': 'enabled' }) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name, image: 'x:1' }] } });
const peer = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec });
const request = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace }, spec });
const jwt = { jwtRules: [{ issuer: 'https://auth.example.com' }] };

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze(objects, { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-006');
}

const base = [ns('istio-system', {}), ns('shop'), pod('shop', 'cart', { app: 'cart', version: 'v1' })];

describe('CDK8S-ISTIO-006 PolicySelectsNothing', () => {
  test('a PeerAuthentication selector with a typo', () => {
    // GIVEN pods app=cart WHEN a PeerAuthentication selects app=kart
    const objects = [...base, peer('shop', 'cart-mtls', { selector: { matchLabels: { app: 'kart' } }, mtls: { mode: 'STRICT' } })];
    // THEN
    expect(findings(objects)).toStrictEqual([{
      code: 'CDK8S-ISTIO-006', messageName: 'PolicySelectsNothing', level: FindingLevel.WARNING,
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', namespace: 'shop', name: 'cart-mtls', field: 'spec.selector.matchLabels',
      message: 'The PeerAuthentication selector app=kart matches no workload in the mesh (namespace "shop"), so it has no effect (spec.selector.matchLabels). '
        + 'Fix: correct the labels to those of the pods it should apply to, or declare the workloads (ExternalResources workloads): '
        + 'no pod of the output or declared workload in namespace "shop" carries these labels',
    }]);
  });

  test('a RequestAuthentication selector in the root namespace is matched in every namespace', () => {
    const objects = [...base, request('istio-system', 'everywhere', { selector: { matchLabels: { app: 'cart' } }, ...jwt }),
      request('istio-system', 'nowhere', { selector: { matchLabels: { app: 'gone' } }, ...jwt })];
    expect(MeshAnalyzer.format(findings(objects))).toBe('Warning [CDK8S-ISTIO-006] (RequestAuthentication istio-system/nowhere) '
      + 'The RequestAuthentication selector app=gone matches no workload in the mesh (every namespace, from the root namespace "istio-system"), so it has no effect (spec.selector.matchLabels). '
      + 'Fix: correct the labels to those of the pods it should apply to, or declare the workloads (ExternalResources workloads): no pod of the output or declared workload in any namespace carries these labels');
  });

  test('a selector that matches pods of another namespace only', () => {
    const objects = [...base, ns('other'), request('other', 'cart-jwt', { selector: { matchLabels: { app: 'cart' } }, ...jwt })];
    expect(findings(objects).map((f) => f.name)).toStrictEqual(['cart-jwt']);
  });

  test('matching pods without a proxy: the fix says so', () => {
    const objects = [ns('istio-system', {}), ns('plain', {}), pod('plain', 'web', { app: 'web' }), peer('plain', 'web', { selector: { matchLabels: { app: 'web' } } })];
    expect(findings(objects)[0].message).toContain('the matching pods (Pod plain/web) have no proxy');
  });

  test('clean: matching selectors, no selector, an empty selector, targetRefs, declared workloads, declared policies', () => {
    const objects = [...base, ns('edge', {}),
      peer('shop', 'cart', { selector: { matchLabels: { app: 'cart' } } }),
      peer('shop', 'default', { mtls: { mode: 'STRICT' } }),
      request('shop', 'any', { selector: {}, ...jwt }),
      request('shop', 'svc', { targetRefs: [{ kind: 'Service', group: '', name: 'cart' }], ...jwt }),
      request('edge', 'gw', { selector: { matchLabels: { istio: 'ingressgateway' } }, ...jwt })];
    const external = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw', namespace: 'edge', labels: { istio: 'ingressgateway' } }, spec: { containers: [] } },
      peer('shop', 'theirs', { selector: { matchLabels: { app: 'nothing' } } })];
    expect(findings(objects, external)).toStrictEqual([]);
  });

  test('a PeerAuthentication with a selector in the root namespace is left to IST0167', () => {
    const objects = [...base, peer('istio-system', 'cart', { selector: { matchLabels: { app: 'nothing' } } })];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('malformed selectors do not throw', () => {
    const objects = [...base, peer('shop', 'a', { selector: 'app=cart' }), peer('shop', 'b', { selector: { matchLabels: ['app'] } }), request('shop', 'c', { selector: null })];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('through the constructs: a StrictMtls for workloads nobody runs', () => {
    // GIVEN a chart with a workload-scoped StrictMtls and no pods
    const chart = meshChart(Environment.PROD);
    new StrictMtls(chart, 'reviews-mtls', { scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ app: 'reviews' })) });
    // THEN the analyzer warns, naming the construct
    expect(findingsOf(chart, 'CDK8S-ISTIO-006')).toStrictEqual(['Warning [CDK8S-ISTIO-006] (PeerAuthentication bookinfo/reviews-mtls) '
      + 'The PeerAuthentication selector app=reviews matches no workload in the mesh (namespace "bookinfo"), so it has no effect (spec.selector.matchLabels). '
      + 'Fix: correct the labels to those of the pods it should apply to, or declare the workloads (ExternalResources workloads): '
      + 'no pod of the output or declared workload in namespace "bookinfo" carries these labels [construct prod/reviews-mtls]']);
  });
});
