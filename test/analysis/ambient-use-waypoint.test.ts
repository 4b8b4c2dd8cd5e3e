/**
 * ambient.usewaypoint: IST0101 for a use-waypoint label naming no waypoint, CDK8S-ISTIO-057 for a
 * waypoint in another namespace that does not admit the labelled object's namespace.
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const service = (namespace: string, name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, labels }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 8080 }] },
});
const waypoint = (namespace: string, name: string, allowedRoutes?: unknown) => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace, labels: { 'istio.io/waypoint-for': 'service' } },
  spec: { gatewayClassName: 'istio-waypoint', listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE', ...(allowedRoutes ? { allowedRoutes } : {}) }] },
});
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze(objects, { external }).findings.filter((f) => f.code === 'IST0101' || f.code === 'CDK8S-ISTIO-057');
}

describe('ambient.usewaypoint', () => {
  test('a Service naming a waypoint that does not exist is IST0101', () => {
    expect(findings([ns('shop', AMBIENT), service('shop', 'cart', { 'istio.io/use-waypoint': 'waypont' }), waypoint('shop', 'waypoint')])).toStrictEqual([{
      code: 'IST0101', messageName: 'ReferencedResourceNotFound', level: FindingLevel.ERROR,
      apiVersion: 'v1', kind: 'Service', namespace: 'shop', name: 'cart', field: 'metadata.labels["istio.io/use-waypoint"]',
      message: 'Referenced waypoint not found: "shop/waypont" (metadata.labels["istio.io/use-waypoint"]). '
        + 'Fix: create the waypoint (Waypoint construct, namespace "shop") or declare it with ExternalResources objects, or correct the label',
    }]);
  });

  test('namespaces and pod templates are read too; "none" and an existing or declared waypoint are fine', () => {
    const pod = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'api', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'api' } }, template: { metadata: { labels: { 'app': 'api', 'istio.io/use-waypoint': 'gone' } }, spec: { containers: [{ name: 'api', image: 'x:1' }] } } },
    };
    const objects = [ns('shop', { ...AMBIENT, 'istio.io/use-waypoint': 'waypoint' }), waypoint('shop', 'waypoint'), pod,
      service('shop', 'a', { 'istio.io/use-waypoint': 'none' }), service('shop', 'b', { 'istio.io/use-waypoint': 'elsewhere', 'istio.io/use-waypoint-namespace': 'infra' })];
    expect(findings(objects).map((f) => `${f.kind}/${f.name} ${f.field}`)).toStrictEqual([
      'Deployment/api spec.template.metadata.labels["istio.io/use-waypoint"]',
      'Service/b metadata.labels["istio.io/use-waypoint"]',
    ]);
    expect(findings(objects, [waypoint('infra', 'elsewhere'), { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'gone', namespace: 'shop' } }]))
      .toStrictEqual([]);
  });

  test('a waypoint in another namespace must admit the namespace (CDK8S-ISTIO-057): Same by default, Selector by labels, All', () => {
    const label = { 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'infra' };
    const same = [ns('infra'), ns('shop', { ...AMBIENT, ...label }), waypoint('infra', 'shared')];
    expect(findings(same)).toStrictEqual([{
      code: 'CDK8S-ISTIO-057', messageName: 'WaypointNotAdmitted', level: FindingLevel.ERROR,
      apiVersion: 'v1', kind: 'Namespace', name: 'shop', field: 'metadata.labels["istio.io/use-waypoint"]',
      message: 'The waypoint infra/shared does not admit namespace "shop" on its HBONE listener (allowedRoutes), so istiod refuses the binding and the traffic bypasses it '
        + '(metadata.labels["istio.io/use-waypoint"]). Fix: use the waypoint through MeshNamespace useWaypoint or Waypoint.useForService, which admit the namespace, '
        + 'or set the listener\'s allowedRoutes.namespaces',
    }]);
    const bySelector = { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }] } } };
    expect(findings([ns('infra'), ns('shop', { ...AMBIENT, ...label }), waypoint('infra', 'shared', bySelector)])).toStrictEqual([]);
    expect(findings([ns('infra'), ns('cart', { ...AMBIENT, ...label }), waypoint('infra', 'shared', bySelector)]).map((f) => f.name)).toStrictEqual(['cart']);
    expect(findings([ns('infra'), ns('cart', { ...AMBIENT, ...label }), waypoint('infra', 'shared', { namespaces: { from: 'All' } })])).toStrictEqual([]);
  });
});
