/**
 * security.extensionproviders: the provider of a CUSTOM AuthorizationPolicy must be an ext-authz
 * extension provider of a mesh config (CDK8S-ISTIO-007), or, with no mesh config to check against, a
 * warning (CDK8S-ISTIO-031).
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const custom = (name: string, provider: unknown) => ({
  apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: 'shop' },
  spec: { action: 'CUSTOM', provider, rules: [{ to: [{ operation: { paths: ['/admin/*'] } }] }] },
});
const operator = (name: string, extensionProviders: unknown[]) => ({
  apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name, namespace: 'istio-system' }, spec: { meshConfig: { extensionProviders } },
});
const opa = { name: 'opa', envoyExtAuthzGrpc: { service: 'opa.auth.svc.cluster.local', port: 9191 } };
const otel = { name: 'otel', opentelemetry: { service: 'otel.observability.svc.cluster.local', port: 4317 } };
const FIX = (name: string) => `Fix: add an extension provider named "${name}" with envoyExtAuthzHttp or envoyExtAuthzGrpc to meshConfig.extensionProviders `
  + '(MeshControlPlane meshConfig.extAuthzProviders: ExtAuthzProvider.http / .grpc), or name a defined one: istiod denies every request a CUSTOM policy with an unknown provider matches';

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze([ns('istio-system'), ns('shop'), ...objects], { external }).findings
    .filter((f) => f.code === 'CDK8S-ISTIO-007' || f.code === 'CDK8S-ISTIO-031');
}

describe('CDK8S-ISTIO-007 ExtensionProviderNotFound', () => {
  test('a provider no mesh config defines', () => {
    expect(findings([operator('cp', [opa, otel]), custom('ext', { name: 'ext-authz' })])).toStrictEqual([{
      code: 'CDK8S-ISTIO-007', messageName: 'ExtensionProviderNotFound', level: FindingLevel.ERROR,
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', namespace: 'shop', name: 'ext', field: 'spec.provider.name',
      message: 'CUSTOM action names the extension provider "ext-authz", which no meshConfig in the output or declared defines as an authorizer '
        + `(IstioOperator istio-system/cp defines "opa") (spec.provider.name). ${FIX('ext-authz')}`,
    }]);
  });

  test('a provider of another type is no authorizer; every mesh config is listed', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-canary', namespace: 'istio-system' }, data: { mesh: 'extensionProviders:\n- name: authz\n  envoyExtAuthzHttp: {service: a, port: 80}\n' } };
    expect(findings([operator('cp', [otel]), configMap, custom('ext', { name: 'otel' })]).map((f) => f.message.slice(0, f.message.indexOf(' (spec')))).toStrictEqual([
      'CUSTOM action names the extension provider "otel", which no meshConfig in the output or declared defines as an authorizer '
        + '(IstioOperator istio-system/cp defines no ext-authz provider, and its "otel" is not an ext-authz provider; ConfigMap istio-system/istio-canary defines "authz")',
    ]);
  });

  test('clean: any control plane defining it (revisions), a declared mesh config, other actions, a policy without provider name', () => {
    const sail = { apiVersion: 'sailoperator.io/v1', kind: 'Istio', metadata: { name: 'default' }, spec: { namespace: 'istio-system', values: { meshConfig: { extensionProviders: [opa] } } } };
    expect(findings([operator('cp', []), sail, custom('a', { name: 'opa' })])).toStrictEqual([]);
    expect(findings([custom('b', { name: 'opa' })], [operator('theirs', [opa])])).toStrictEqual([]);
    expect(findings([operator('cp', []), custom('c', {}), custom('d', 'opa'),
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'e', namespace: 'shop' }, spec: { action: 'DENY', provider: { name: 'x' }, rules: [{}] } }])).toStrictEqual([]);
  });

  test('malformed extension providers do not throw', () => {
    expect(findings([operator('cp', [null, 'opa', { name: 3 }]), custom('ext', { name: 'opa' })]).map((f) => f.code)).toStrictEqual(['CDK8S-ISTIO-007']);
  });
});

describe('CDK8S-ISTIO-031 ExtensionProviderUnverified', () => {
  test('no mesh config in the output nor declared', () => {
    expect(MeshAnalyzer.format(findings([custom('ext', { name: 'ext-authz' })]))).toBe('Warning [CDK8S-ISTIO-031] (AuthorizationPolicy shop/ext) '
      + 'CUSTOM action names the extension provider "ext-authz", but no meshConfig is in the output or declared, so whether istiod knows it cannot be checked (spec.provider.name). '
      + 'Fix: declare the mesh config of the control plane that serves this namespace (ExternalResources objects: its IstioOperator, or the istio ConfigMap, with meshConfig.extensionProviders) '
      + 'so the name is checked: istiod denies every request a CUSTOM policy with an unknown provider matches');
  });
});
