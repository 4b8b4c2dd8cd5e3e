import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'istio-system', 'custom'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

/** A self-signed test certificate (no key is needed: only the certificate is parsed). */
const CERT = `-----BEGIN CERTIFICATE-----
MIIBlDCCATmgAwIBAgIUCezdLHHRiZJVS9iP+04ZuayLTBowCgYIKoZIzj0EAwIw
HjEcMBoGA1UEAwwTaHR0cGJpbi5leGFtcGxlLmNvbTAgFw0yNjEyMDEyMTM0MDRa
GA8yMTI2MTEwNzIxMzQwNFowHjEcMBoGA1UEAwwTaHR0cGJpbi5leGFtcGxlLmNv
bTBZMBMGByqGSM49AgEGCCqGSM49AwEHA0IABL0/0xoUJxqeMwz/DXv07tWjRHvo
6Z8WRRv3fEDgmUKxf1PuQ098e8wvYo9zNZxxpUgnGajPs/ns+M/bOydB5EKjUzBR
MB0GA1UdDgQWBBTXMthzUK0m7dhLQLNQ7SGw9jGPdTAfBgNVHSMEGDAWgBTXMthz
UK0m7dhLQLNQ7SGw9jGPdTAPBgNVHRMBAf8EBTADAQH/MAoGCCqGSM49BAMCA0kA
MEYCIQCziOTPuO/Q82re6ecv+kQqYRxZeHPb97eCVN9UWMVAagIhAPMoDF9KYt5o
Y44wUklB/OuktNtHwzbshkHicEuNZrMe
-----END CERTIFICATE-----
`;
const b64 = (s: string) => Buffer.from(s).toString('base64');

function objectsOf(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
}

/** The findings of `gateway.secret` on `objects`, as printed. */
function secretFindings(objects: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objects, { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0161' || (f.code === 'IST0101' && f.field !== 'spec.selector')).map((f) => MeshAnalyzer.format([f]));
}

const INGRESS_POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'istio-ingressgateway', namespace: 'istio-system', labels: { istio: 'ingressgateway' } } };
const CUSTOM_POD = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'custom-gateway', namespace: 'custom', labels: { istio: 'custom-gateway' } } };
const VALID_SECRET = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'httpbin-credential', namespace: 'istio-system' }, type: 'Opaque',
  data: { 'tls.crt': b64(CERT), 'tls.key': b64('key') } };

function gateway(name: string, selector: Record<string, string>, tls: Record<string, unknown> | undefined): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace: 'default' },
    spec: { selector, servers: [{ port: { number: 443, name: 'https', protocol: 'HTTPS' }, hosts: ['httpbin.example.com'], ...(tls ? { tls } : {}) }] } };
}

const missing = (gw: string, name: string, namespaces: string[], field = 'spec.servers[0].tls.credentialName') =>
  `Error [IST0101] (Gateway default/${gw}) Referenced credentialName not found: "${name}" (${field}). Fix: create Secret ${name} (tls.crt, tls.key) in `
  + `namespace${namespaces.length > 1 ? 's' : ''} ${namespaces.join(', ')}, where the gateway pods run and istiod reads it (e.g. a cert-manager Certificate with secretName ${name}), `
  + `or declare it existing (ExternalResources secrets: [${namespaces.map((ns) => `{ namespace: '${ns}', name: '${name}' }`).join(', ')}])`;

const invalid = (gw: string, ns: string, name: string, problem: string) =>
  `Error [IST0161] (Gateway default/${gw}) The credential referenced by the Gateway ${gw} in namespace ${ns} is invalid, which can cause the traffic not to work `
  + `as expected (spec.servers[0].tls.credentialName). Fix: Secret ${ns}/${name} ${problem}: give it tls.crt and tls.key (a PEM certificate chain and its key), `
  + 'e.g. as a kubernetes.io/tls Secret or from a cert-manager Certificate';

describe('gateway.secret (IST0101 credentialName, IST0161)', () => {
  test('the Secret is looked up where the gateway pods run, not where the Gateway is (Istio\'s testdata)', () => {
    const objects = [
      VALID_SECRET, INGRESS_POD, CUSTOM_POD,
      gateway('defaultgateway-noerrors', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'httpbin-credential' }),
      gateway('defaultgateway-boguscredentialname', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'httpbin-credential-bogus' }),
      gateway('customgateway-wrongnamespace', { istio: 'custom-gateway' }, { mode: 'SIMPLE', credentialName: 'httpbin-credential' }),
      gateway('defaultgateway-nocredential', { istio: 'ingressgateway' }, { mode: 'SIMPLE' }),
      gateway('plain', { istio: 'ingressgateway' }, undefined),
    ];
    expect(secretFindings(objects)).toStrictEqual([
      missing('customgateway-wrongnamespace', 'httpbin-credential', ['custom']),
      missing('defaultgateway-boguscredentialname', 'httpbin-credential-bogus', ['istio-system']),
    ]);
    // A Gateway whose selector picks no pods is reported by gateway.ingressgatewayport instead.
    expect(secretFindings([gateway('bogusgateway', { istio: 'nothing' }, { credentialName: 'httpbin-credential' })])).toStrictEqual([]);
  });

  test('the finding in full', () => {
    const findings = MeshAnalyzer.analyze([INGRESS_POD, gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'site-tls' })], { external: NAMESPACES })
      .findings.filter((f) => f.code === 'IST0101');
    expect(findings).toStrictEqual([{
      code: 'IST0101', messageName: 'ReferencedResourceNotFound', level: 'Error', apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespace: 'default', name: 'gw',
      field: 'spec.servers[0].tls.credentialName', message: missing('gw', 'site-tls', ['istio-system']).slice('Error [IST0101] (Gateway default/gw) '.length),
    }]);
  });

  test('a Secret produced by a cert-manager Certificate, an ExternalSecret or a SealedSecret, or declared, is found', () => {
    const gw = gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialNames: ['rsa', 'ecdsa', 'sealed'] });
    const producers = [
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'site', namespace: 'istio-system' }, spec: { secretName: 'rsa', issuerRef: { name: 'ca' } } },
      { apiVersion: 'external-secrets.io/v1beta1', kind: 'ExternalSecret', metadata: { name: 'ecdsa', namespace: 'istio-system' }, spec: {} },
      { apiVersion: 'bitnami.com/v1alpha1', kind: 'SealedSecret', metadata: { name: 'sealed', namespace: 'istio-system' }, spec: {} },
    ];
    expect(secretFindings([INGRESS_POD, gw, ...producers])).toStrictEqual([]);
    // Each of credentialNames is checked.
    expect(secretFindings([INGRESS_POD, gw, producers[0]], [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sealed', namespace: 'istio-system' } }])).toStrictEqual([
      missing('gw', 'ecdsa', ['istio-system'], 'spec.servers[0].tls.credentialNames[1]'),
    ]);
  });

  test('the gateway an IstioOperator installs reads the Secret in its component\'s namespace', () => {
    const operator = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' },
      spec: { profile: 'minimal', components: { ingressGateways: [{ name: 'istio-ingressgateway', namespace: 'custom' }] } } };
    expect(secretFindings([operator, VALID_SECRET, gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'httpbin-credential' })]))
      .toStrictEqual([missing('gw', 'httpbin-credential', ['custom'])]);
  });

  test('a selector that picks pods in two namespaces needs the Secret in both', () => {
    const second = { ...INGRESS_POD, metadata: { ...INGRESS_POD.metadata, namespace: 'custom' } };
    expect(secretFindings([INGRESS_POD, second, VALID_SECRET, gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'httpbin-credential' })]))
      .toStrictEqual([missing('gw', 'httpbin-credential', ['custom'])]);
    expect(secretFindings([INGRESS_POD, second, gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'kubernetes://site' })]))
      .toStrictEqual([missing('gw', 'site', ['custom', 'istio-system'])]);
  });

  test('a Secret istiod cannot serve: IST0161 (Istio\'s validation testdata)', () => {
    const secret = (name: string, fields: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name, namespace: 'istio-system' }, ...fields });
    const cases: [string, Record<string, unknown>, string][] = [
      ['invalid-key', { type: 'Opaque', data: { cert: b64('hush hush hush\n'), key: b64('secret secret\n') } }, 'holds a cert that is not a PEM X.509 certificate'],
      ['missing-key', { type: 'kubernetes.io/tls', data: { 'tls.cert': b64('x') } }, 'has neither tls.crt and tls.key nor cert and key (its keys: tls.cert)'],
      ['empty-keys', { type: 'kubernetes.io/tls', data: { 'tls.crt': '', 'tls.key': '' } }, 'has the keys tls.crt and tls.key, but they are empty'],
      ['no-data', { type: 'kubernetes.io/tls' }, 'has neither tls.crt and tls.key nor cert and key (its keys: none)'],
      ['helm', { type: 'helm.sh/release.v1', data: { 'tls.crt': b64(CERT), 'tls.key': b64('key') } }, 'is of type helm.sh/release.v1, which istiod does not read'],
    ];
    for (const [name, fields, problem] of cases) {
      expect(secretFindings([INGRESS_POD, secret(name, fields), gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: name })]))
        .toStrictEqual([invalid('gw', 'istio-system', name, problem)]);
    }
    // stringData counts as data; cert/key work as well as tls.crt/tls.key.
    for (const fields of [{ stringData: { 'tls.crt': CERT, 'tls.key': 'key' } }, { data: { cert: b64(CERT), key: b64('key') } }]) {
      expect(secretFindings([INGRESS_POD, secret('ok', fields), gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'ok' })])).toStrictEqual([]);
    }
  });

  test('declared Secrets are not validated; declared Gateways are not reported; other credential sources are skipped', () => {
    expect(secretFindings([INGRESS_POD, gateway('gw', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'outside' })],
      [{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'outside', namespace: 'istio-system' } }])).toStrictEqual([]);
    expect(secretFindings([INGRESS_POD], [gateway('theirs', { istio: 'ingressgateway' }, { credentialName: 'nowhere' })])).toStrictEqual([]);
    expect(secretFindings([INGRESS_POD, gateway('files', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'file-cert:/etc/c.pem~/etc/k.pem' }),
      gateway('builtin', { istio: 'ingressgateway' }, { mode: 'SIMPLE', credentialName: 'builtin://' })])).toStrictEqual([]);
  });

  test('malformed servers and TLS settings do not throw', () => {
    const odd = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'odd', namespace: 'default' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [null, { tls: 'SIMPLE' }, { tls: { credentialName: 7, credentialNames: 'x' } }] } };
    expect(secretFindings([INGRESS_POD, odd, ...objectsOf('apiVersion: v1\nkind: Secret\nmetadata: { name: s, namespace: istio-system }\ndata: [1]')]))
      .toStrictEqual([]);
  });
});
