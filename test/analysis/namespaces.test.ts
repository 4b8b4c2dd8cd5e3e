/**
 * CDK8S-ISTIO-002: objects in a namespace neither created by the output nor declared existing.
 */
import { ExternalResources, MeshAnalyzer } from '../../lib';
import { meshChart } from '../support/charts';

const cm = (name: string, namespace?: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, ...(namespace ? { namespace } : {}) } });

describe('core.namespaces', () => {
  test('one error per missing namespace, on its first object, counting the objects in it', () => {
    // GIVEN three objects in "shop", one in "web", nothing creates either
    const objects = [cm('a', 'shop'), cm('b', 'shop'), cm('c', 'web'), cm('d', 'shop')];
    // WHEN
    const lines = MeshAnalyzer.analyze(objects).findings.map((f) => MeshAnalyzer.format([f]));
    // THEN
    expect(lines).toStrictEqual([
      'Error [CDK8S-ISTIO-002] (ConfigMap shop/a) Namespace "shop" is neither created by the output nor declared existing (metadata.namespace). '
      + 'Fix: create it (a Namespace object, e.g. MeshNamespace) or declare it existing (ExternalResources namespaces, or --external Namespace/shop); 3 object(s) of the output are in it, first ConfigMap shop/a',
      'Error [CDK8S-ISTIO-002] (ConfigMap web/c) Namespace "web" is neither created by the output nor declared existing (metadata.namespace). '
      + 'Fix: create it (a Namespace object, e.g. MeshNamespace) or declare it existing (ExternalResources namespaces, or --external Namespace/web); 1 object(s) of the output are in it, first ConfigMap web/c',
    ]);
  });

  test('created, declared, istioctl-installed (IstioOperator spec.namespace) and cluster-scoped objects are fine', () => {
    // GIVEN
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }, cm('a', 'shop'),
      cm('b', 'ext'),
      { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'mesh-system' }, spec: { namespace: 'mesh-system' } },
      cm('c', 'mesh-system'),
      { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'r' } },
    ];
    // WHEN
    const findings = MeshAnalyzer.analyze(objects, { external: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ext' } }] }).findings;
    // THEN
    expect(findings).toStrictEqual([]);
  });

  test('objects without a namespace land in the default namespace, which must exist too', () => {
    expect(MeshAnalyzer.analyze([cm('a')]).findings.map((f) => f.message.slice(0, 20))).toStrictEqual(['Namespace "default" ']);
    expect(MeshAnalyzer.analyze([cm('a')], { external: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }] }).findings).toStrictEqual([]);
  });

  test('ExternalResources namespaces satisfy the check in a chart', () => {
    // GIVEN a chart with an object in "observability", declared existing
    const chart = meshChart();
    new ExternalResources(chart, 'outside', { namespaces: ['observability'] });
    chart.node.addMetadata('x', 'y');
    new (require('cdk8s').ApiObject)(chart, 'cm', cm('otel', 'observability'));
    // WHEN / THEN
    expect(MeshAnalyzer.analyzeChart(chart).findings).toStrictEqual([]);
  });
});
