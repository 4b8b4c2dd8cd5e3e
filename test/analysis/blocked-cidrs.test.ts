/**
 * authn.blockedcidrs: IST0175, RequestAuthentications while the control plane object of the output does
 * not set BLOCKED_CIDRS_IN_JWKS_URIS (after istioctl's testdata/blocked-cidrs-*.yaml).
 */
import { parse } from 'yaml';
import { Environment, FindingLevel, JwtAuthentication, MeshAnalyzer, MeshControlPlane, WorkloadSelector } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const ra = (namespace: string, name: string) => ({
  apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name, namespace },
  spec: { jwtRules: [{ issuer: 'https://example.com', jwksUri: 'https://example.com/.well-known/jwks.json' }] },
});
const istiod = (env: { name: string; value?: string }[]) => parse(`
apiVersion: apps/v1
kind: Deployment
metadata: {name: istiod, namespace: istio-system, labels: {app: istiod}}
spec:
  selector: {matchLabels: {app: istiod}}
  template:
    metadata: {labels: {app: istiod}}
    spec:
      containers:
        - name: discovery
          image: docker.io/istio/pilot:1.30.3
          env: ${JSON.stringify(env)}
`);
const operator = (spec: Record<string, unknown> = {}) => ({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'control-plane', namespace: 'istio-system' }, spec });
const FIX = 'Fix: set BLOCKED_CIDRS_IN_JWKS_URIS on istiod to the ranges it must not fetch keys from, e.g. the pod, service and node CIDRs and 169.254.0.0/16 '
  + '(MeshControlPlane pilot.env: { BLOCKED_CIDRS_IN_JWKS_URIS: "…" }, or values.pilot.env)';

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze([ns('istio-system'), ns('default'), ...objects], { external }).findings.filter((f) => f.code === 'IST0175');
}

describe('IST0175 JwksUriFetchUnrestricted', () => {
  test('an istiod Deployment without the variable (blocked-cidrs-missing)', () => {
    expect(findings([ra('default', 'jwt-auth'), ra('istio-system', 'jwt-auth-2'), istiod([{ name: 'PILOT_ENABLE_ANALYSIS', value: 'true' }])])).toStrictEqual([{
      code: 'IST0175', messageName: 'JwksUriFetchUnrestricted', level: FindingLevel.WARNING,
      apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'istio-system', name: 'istiod', field: 'spec.template.spec.containers',
      message: 'BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 2 RequestAuthentication resource(s) exist (default/jwt-auth, istio-system/jwt-auth-2). '
        + `Consider configuring it to restrict JWKS URI fetches to trusted networks (spec.template.spec.containers). ${FIX}`,
    }]);
  });

  test('configured on the Deployment (blocked-cidrs-configured), or no RequestAuthentication at all: clean', () => {
    expect(findings([ra('default', 'jwt-auth'), istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '10.0.0.0/8,192.168.0.0/16,172.16.0.0/12' }])])).toStrictEqual([]);
    expect(findings([istiod([])])).toStrictEqual([]);
    expect(findings([ra('default', 'jwt-auth'), istiod([{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '' }])])).toHaveLength(1);
  });

  test('an IstioOperator: values.pilot.env or components.pilot.k8s.env', () => {
    expect(findings([ra('default', 'a'), operator()]).map((f) => `${f.kind} ${f.field}`)).toStrictEqual(['IstioOperator spec.values.pilot.env']);
    expect(findings([ra('default', 'a'), operator({ values: { pilot: { env: { BLOCKED_CIDRS_IN_JWKS_URIS: '10.0.0.0/8' } } } })])).toStrictEqual([]);
    expect(findings([ra('default', 'a'), operator({ components: { pilot: { k8s: { env: [{ name: 'BLOCKED_CIDRS_IN_JWKS_URIS', value: '10.0.0.0/8' }] } } } })])).toStrictEqual([]);
  });

  test('a Sail Istio; declared RequestAuthentications count; more than five are summarized', () => {
    const sail = { apiVersion: 'sailoperator.io/v1', kind: 'Istio', metadata: { name: 'default' }, spec: { namespace: 'istio-system', values: { pilot: { env: {} } } } };
    const many = [1, 2, 3, 4, 5, 6].map((i) => ra('default', `r${i}`));
    expect(findings([sail, ...many.slice(0, 5)], [many[5]]).map((f) => f.message.slice(0, f.message.indexOf(' Consider')))).toStrictEqual([
      'BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 6 RequestAuthentication resource(s) exist (default/r1, default/r2, default/r3, default/r4, default/r5, and 1 more).',
    ]);
  });

  test('no control plane object in the output (managed elsewhere, even if declared): nothing to decide', () => {
    expect(findings([ra('default', 'a'), { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } }, spec: {} }],
      [operator()])).toStrictEqual([]);
  });

  test('through the constructs: MeshControlPlane pilot.env sets it', () => {
    const jwt = (chart: ReturnType<typeof meshChart>) => new JwtAuthentication(chart, 'jwt', {
      namespace: 'shop', selector: WorkloadSelector.labels({ app: 'web' }), issuers: [{ issuer: 'https://auth.example.com' }],
    });
    const open = meshChart(Environment.PROD);
    new MeshControlPlane(open, 'cp');
    jwt(open);
    expect(findingsOf(open, 'IST0175')).toStrictEqual(['Warning [IST0175] (IstioOperator istio-system/control-plane) BLOCKED_CIDRS_IN_JWKS_URIS is not configured but 1 RequestAuthentication resource(s) exist (shop/jwt). '
      + `Consider configuring it to restrict JWKS URI fetches to trusted networks (spec.values.pilot.env). ${FIX} [construct prod/cp]`]);

    const closed = meshChart(Environment.PROD);
    new MeshControlPlane(closed, 'cp', { pilot: { env: { BLOCKED_CIDRS_IN_JWKS_URIS: '10.0.0.0/8,169.254.0.0/16' } } });
    jwt(closed);
    expect(findingsOf(closed, 'IST0175')).toStrictEqual([]);
  });

  test('malformed control plane objects do not throw', () => {
    expect(findings([ra('default', 'a'), operator({ values: 'none', components: { pilot: { k8s: { env: 'x' } } } }),
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system', labels: { app: 'istiod' } } }]).map((f) => f.kind))
      .toStrictEqual(['Deployment', 'IstioOperator']);
  });
});
