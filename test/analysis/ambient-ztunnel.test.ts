/**
 * ambient.ztunnel: CDK8S-ISTIO-056, namespaces in ambient mode while nothing installs ztunnel.
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const operator = (spec: Record<string, unknown>) => ({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' }, spec });
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze(objects, { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-056');
}

describe('CDK8S-ISTIO-056 AmbientWithoutZtunnel', () => {
  test('an ambient namespace with a sidecar-profile control plane is an error naming the control plane', () => {
    expect(findings([operator({ profile: 'default' }), ns('shop', AMBIENT)])).toStrictEqual([{
      code: 'CDK8S-ISTIO-056', messageName: 'AmbientWithoutZtunnel', level: FindingLevel.ERROR,
      apiVersion: 'v1', kind: 'Namespace', name: 'shop', field: 'metadata.labels["istio.io/dataplane-mode"]',
      message: 'Namespace "shop" is in ambient mode, but nothing in the output or declared installs ztunnel (control planes: IstioOperator istio-system/cp), '
        + 'so its pods join no mesh: no mTLS, no policy (metadata.labels["istio.io/dataplane-mode"]). Fix: install ztunnel with the control plane '
        + '(MeshControlPlane profile InstallProfile.AMBIENT, a Sail ZTunnel, or the ztunnel Helm chart), or declare the one installed elsewhere with '
        + 'ExternalResources objects (e.g. { apiVersion: "sailoperator.io/v1", kind: "ZTunnel", metadata: { name: "default" } })',
    }]);
  });

  test.each([
    ['the ambient profile', [operator({ profile: 'ambient' })]],
    ['components.ztunnel.enabled', [operator({ components: { ztunnel: { enabled: true } } })]],
    ['a Sail ZTunnel', [operator({}), { apiVersion: 'sailoperator.io/v1', kind: 'ZTunnel', metadata: { name: 'default' }, spec: {} }]],
    ['a Flux HelmRelease of the ztunnel chart', [operator({}), {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'ztunnel', namespace: 'istio-system' },
      spec: { chart: { spec: { chart: 'ztunnel', sourceRef: { kind: 'HelmRepository', name: 'istio' } } } },
    }]],
    ['a Flux HelmRelease of the ztunnel chart from an OCIRepository', [operator({}), {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'ztunnel', namespace: 'istio-system' },
      spec: { chartRef: { kind: 'OCIRepository', name: 'istio-ztunnel' } },
    }, {
      apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'istio-ztunnel', namespace: 'istio-system' },
      spec: { url: 'oci://registry.example.com/istio/charts/ztunnel', ref: { tag: '1.30.3' } },
    }]],
    ['an Argo CD Application of the ztunnel chart', [operator({}), {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'ztunnel', namespace: 'argocd' },
      spec: { source: { chart: 'ztunnel', repoURL: 'https://istio-release.storage.googleapis.com/charts' } },
    }]],
  ])('%s installs ztunnel: nothing reported', (_what, installers) => {
    expect(findings([...installers, ns('shop', AMBIENT)])).toStrictEqual([]);
  });

  test('a HelmRelease of another chart from an OCIRepository does not count', () => {
    const objects = [operator({}), ns('shop', AMBIENT), {
      apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'cni', namespace: 'istio-system' },
      spec: { chartRef: { kind: 'OCIRepository', name: 'istio-cni' } },
    }, {
      apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'OCIRepository', metadata: { name: 'istio-cni', namespace: 'istio-system' },
      spec: { url: 'oci://registry.example.com/istio/charts/cni' },
    }];
    expect(findings(objects).map((f) => f.name)).toStrictEqual(['shop']);
  });

  test('the ambient profile with ztunnel turned off does not count; a declared ZTunnel does', () => {
    const objects = [operator({ profile: 'ambient', components: { ztunnel: { enabled: false } } }), ns('shop', AMBIENT)];
    expect(findings(objects).map((f) => f.name)).toStrictEqual(['shop']);
    expect(findings(objects, [{ apiVersion: 'sailoperator.io/v1', kind: 'ZTunnel', metadata: { name: 'default' } }])).toStrictEqual([]);
  });

  test('no control plane in the output or declared: not judged; a namespace with a revision label is not ambient', () => {
    expect(findings([ns('shop', AMBIENT)])).toStrictEqual([]);
    expect(findings([operator({}), ns('shop', { ...AMBIENT, 'istio.io/rev': '1-30-3' })])).toStrictEqual([]);
  });
});
