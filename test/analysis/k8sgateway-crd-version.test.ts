import { MeshAnalyzer } from '../../lib';

function crd(name: string, version?: string): any {
  return { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
    metadata: { name, ...(version !== undefined ? { annotations: { 'gateway.networking.k8s.io/bundle-version': version } } : {}) }, spec: {} };
}

/** `name: message` of each IST0176 finding. */
function old(objects: any[]): string[] {
  return MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'IST0176').map((f) => `${f.name}: ${f.message}`);
}

describe('k8sgateway.crdversion (IST0176)', () => {
  test('a TLSRoute CRD of bundle 1.4: the finding in full', () => {
    expect(MeshAnalyzer.analyze([crd('tlsroutes.gateway.networking.k8s.io', 'v1.4.0')]).findings).toStrictEqual([{
      code: 'IST0176', messageName: 'GatewayAPICRDVersionBelowMinimum', level: 'Warning', apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition',
      name: 'tlsroutes.gateway.networking.k8s.io', field: 'metadata.annotations["gateway.networking.k8s.io/bundle-version"]',
      message: 'Gateway API CRD "tlsroutes.gateway.networking.k8s.io" is at version "1.4.0" but Istio requires at least "1.5.0"; resources of this kind will not be '
        + 'processed. Upgrade the Gateway API CRDs to satisfy the minimum version (metadata.annotations["gateway.networking.k8s.io/bundle-version"]). '
        + 'Fix: install the Gateway API CRDs of bundle 1.5.0 or later (the standard or experimental channel that has this CRD)',
    }]);
  });

  test('each CRD against its own minimum; a pre-release counts as its release; partial versions are read', () => {
    expect(old([
      crd('grpcroutes.gateway.networking.k8s.io', 'v1.0.0'),
      crd('grpcroutes.gateway.networking.k8s.io', 'v1.1.0'),
      crd('backendtlspolicies.gateway.networking.k8s.io', '1.3'),
      crd('tlsroutes.gateway.networking.k8s.io', 'v1.5.0-rc.1'),
      crd('tlsroutes.gateway.networking.k8s.io', 'v1.4.1-rc.1'),
    ]).map((f) => f.slice(0, f.indexOf(';')))).toStrictEqual([
      'backendtlspolicies.gateway.networking.k8s.io: Gateway API CRD "backendtlspolicies.gateway.networking.k8s.io" is at version "1.3.0" but Istio requires at least "1.4.0"',
      'grpcroutes.gateway.networking.k8s.io: Gateway API CRD "grpcroutes.gateway.networking.k8s.io" is at version "1.0.0" but Istio requires at least "1.1.0"',
      'tlsroutes.gateway.networking.k8s.io: Gateway API CRD "tlsroutes.gateway.networking.k8s.io" is at version "1.4.1-rc.1" but Istio requires at least "1.5.0"',
    ]);
  });

  test('other CRDs, CRDs without the annotation, unreadable versions and declared CRDs are skipped', () => {
    expect(old([crd('httproutes.gateway.networking.k8s.io', 'v0.1.0'), crd('tlsroutes.gateway.networking.k8s.io'), crd('grpcroutes.gateway.networking.k8s.io', 'latest')]))
      .toStrictEqual([]);
    expect(MeshAnalyzer.analyze([], { external: [crd('tlsroutes.gateway.networking.k8s.io', 'v1.0.0')] }).findings).toStrictEqual([]);
  });
});
