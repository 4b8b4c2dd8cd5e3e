/**
 * CDK8S-ISTIO-001: two objects with one identity (API group, kind, namespace, name).
 */
import { ApiObject, Testing } from 'cdk8s';
import { Environment, FindingLevel, MeshAnalyzer, MeshChart } from '../../lib';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const vs = (name: string, namespace: string, apiVersion = 'networking.istio.io/v1') => ({
  apiVersion, kind: 'VirtualService', metadata: { name, namespace }, spec: { hosts: ['x'] },
});

describe('core.duplicates', () => {
  test('two VirtualServices shop/reviews are one error on the second, naming both places', () => {
    // GIVEN two documents with one identity
    const objects = [ns('shop'), vs('reviews', 'shop'), vs('reviews', 'shop')];
    // WHEN
    const findings = MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'CDK8S-ISTIO-001');
    // THEN
    expect(findings).toStrictEqual([{
      code: 'CDK8S-ISTIO-001',
      messageName: 'DuplicateObject',
      level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'shop',
      name: 'reviews',
      message: 'VirtualService shop/reviews is written 2 times (document 2, document 3); a cluster keeps only the last one applied. '
        + 'Fix: give each object its own name, or let one construct own it (two constructs that configure one host share one TrafficHost)',
    }]);
  });

  test('versions of one group are one object; other namespaces, kinds and groups are not duplicates', () => {
    // GIVEN v1 and v1beta1 of one VirtualService, plus same names elsewhere
    const objects = [
      ns('shop'), ns('web'),
      vs('reviews', 'shop'), vs('reviews', 'shop', 'networking.istio.io/v1beta1'),
      vs('reviews', 'web'),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'reviews', namespace: 'shop' } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'shop' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'shop' } },
    ];
    // WHEN
    const codes = MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'CDK8S-ISTIO-001').map((f) => `${f.apiVersion} ${f.namespace}/${f.name}`);
    // THEN
    expect(codes).toStrictEqual(['networking.istio.io/v1beta1 shop/reviews']);
  });

  test('a namespaced object without a namespace is in "default" (or the namespace given) for identity', () => {
    // GIVEN one ConfigMap without namespace and one in default
    const cm = (namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', ...(namespace ? { namespace } : {}) } });
    // WHEN / THEN
    expect(MeshAnalyzer.analyze([ns('default'), cm(), cm('default')]).findings.map((f) => f.code)).toStrictEqual(['CDK8S-ISTIO-001']);
    expect(MeshAnalyzer.analyze([ns('shop'), cm(), cm('shop')], { defaultNamespace: 'shop' }).findings.map((f) => f.code)).toStrictEqual(['CDK8S-ISTIO-001']);
    expect(MeshAnalyzer.analyze([ns('default'), ns('shop'), cm(), cm('shop')]).findings).toStrictEqual([]);
  });

  test('cluster-scoped kinds ignore a namespace they were given', () => {
    // GIVEN two ClusterRoles "reader", one with a stray namespace
    const role = (namespace?: string) => ({ apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader', ...(namespace ? { namespace } : {}) } });
    // WHEN
    const findings = MeshAnalyzer.analyze([role(), role('shop')]).findings;
    // THEN
    expect(findings.map((f) => [f.code, f.namespace, f.name])).toStrictEqual([['CDK8S-ISTIO-001', undefined, 'reader']]);
  });

  test('an output object that a declared external object also names is not a duplicate', () => {
    // GIVEN a Secret in the output and declared external
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' } };
    // WHEN
    const findings = MeshAnalyzer.analyze([ns('shop'), secret], { external: [secret] }).findings;
    // THEN
    expect(findings).toStrictEqual([]);
  });

  test('in a chart the finding names the construct of each copy (an L2 reports as its parent, not its Resource child)', () => {
    // GIVEN two ApiObjects with one identity in a chart
    const chart = new MeshChart(Testing.app(), 'prod', { environment: Environment.PROD });
    new ApiObject(chart, 'ns', ns('shop'));
    new ApiObject(chart, 'first', vs('reviews', 'shop'));
    const wrapper = new ApiObject(chart, 'wrapper', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'w', namespace: 'shop' } });
    new ApiObject(wrapper, 'Resource', vs('reviews', 'shop'));
    // WHEN
    const lines = MeshAnalyzer.analyzeChart(chart).findings.map((f) => MeshAnalyzer.format([f]));
    // THEN
    expect(lines).toStrictEqual([
      'Error [CDK8S-ISTIO-001] (VirtualService shop/reviews) VirtualService shop/reviews is written 2 times (prod/first, prod/wrapper); '
      + 'a cluster keeps only the last one applied. Fix: give each object its own name, or let one construct own it '
      + '(two constructs that configure one host share one TrafficHost) [construct prod/wrapper]',
    ]);
  });
});
