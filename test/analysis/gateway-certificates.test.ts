import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'istio-system'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

function gateway(name: string, namespace: string, selector: Record<string, string>, tls: Record<string, unknown> | undefined, host = `${name}.example.com`): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name, namespace },
    spec: { selector, servers: [{ port: { number: tls ? 443 : 80, name: tls ? 'https' : 'http', protocol: tls ? 'HTTPS' : 'HTTP' }, hosts: [host], ...(tls ? { tls } : {}) }] } };
}

/** The IST0138 findings on `objects`, as printed. */
function duplicates(objects: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objects, { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0138').map((f) => MeshAnalyzer.format([f]));
}

const duplicate = (gateways: string[], field = 'spec.servers[0].tls.credentialName') =>
  `Warning [IST0138] (Gateway ${gateways[0]}) Duplicate certificate in multiple gateways [${gateways.join(' ')}] may cause 404s if clients re-use HTTP2 connections `
  + `(${field}). Fix: serve the hosts of one certificate from one Gateway (one server listing them all), or give each Gateway its own certificate`;

const INGRESS = { istio: 'ingressgateway' };
const INTERNAL = { istio: 'ingressgateway', type: 'internal' };
const simple = (credentialName: string) => ({ mode: 'SIMPLE', credentialName });

describe('gateway.certificate (IST0138)', () => {
  test('one credential on Gateways whose selectors include one another (Istio\'s testdata)', () => {
    const objects = [
      gateway('gateway-01-test-01', 'istio-system', INGRESS, simple('test-01-wildcard-cert')),
      gateway('gateway-02-test-01', 'istio-system', INGRESS, simple('test-01-wildcard-cert')),
      // A wider selector is reported on the narrower one only.
      gateway('gateway-01-test-02', 'istio-system', INGRESS, simple('test-02-wildcard-cert')),
      gateway('gateway-02-test-02', 'istio-system', INTERNAL, simple('test-02-wildcard-cert')),
      gateway('gateway-01-test-03', 'default', INGRESS, simple('test-03-wildcard-cert')),
      gateway('gateway-02-test-03', 'istio-system', INTERNAL, simple('test-03-wildcard-cert')),
      // Different credentials, or no TLS: nothing.
      gateway('gateway-01-test-04', 'istio-system', INGRESS, simple('01-test-04-wildcard-cert')),
      gateway('gateway-02-test-04', 'istio-system', INGRESS, simple('02-test-04-wildcard-cert')),
      gateway('gateway-03-test-06', 'default', INGRESS, undefined),
      gateway('gateway-04-test-06', 'default', INGRESS, undefined),
    ];
    expect(duplicates(objects)).toStrictEqual([
      duplicate(['default/gateway-01-test-03', 'istio-system/gateway-02-test-03']),
      duplicate(['istio-system/gateway-01-test-01', 'istio-system/gateway-02-test-01']),
      duplicate(['istio-system/gateway-01-test-02', 'istio-system/gateway-02-test-02']),
      duplicate(['istio-system/gateway-02-test-01', 'istio-system/gateway-01-test-01']),
    ]);
  });

  test('the finding in full; every other Gateway is named in one finding', () => {
    const objects = ['a', 'b', 'c'].map((n) => gateway(n, 'default', INGRESS, simple('wildcard')));
    const found = MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings.filter((f) => f.code === 'IST0138');
    expect(found[0]).toStrictEqual({
      code: 'IST0138', messageName: 'GatewayDuplicateCertificate', level: 'Warning', apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespace: 'default', name: 'a',
      field: 'spec.servers[0].tls.credentialName', message: duplicate(['default/a', 'default/b', 'default/c']).slice('Warning [IST0138] (Gateway default/a) '.length),
    });
    expect(found.map((f) => f.name)).toStrictEqual(['a', 'b', 'c']);
  });

  test('credentialNames and certificate files are certificates too; one file pair differs from another', () => {
    const files = (key: string) => ({ mode: 'SIMPLE', serverCertificate: '/etc/certs/tls.crt', privateKey: key });
    expect(duplicates([
      gateway('rsa', 'default', INGRESS, { mode: 'SIMPLE', credentialNames: ['site-rsa', 'site-ecdsa'] }),
      gateway('ecdsa', 'default', INGRESS, simple('site-ecdsa')),
      gateway('files-a', 'default', INGRESS, files('/etc/certs/tls.key')),
      gateway('files-b', 'default', INGRESS, files('/etc/certs/tls.key')),
      gateway('files-c', 'default', INGRESS, files('/etc/certs/other.key')),
    ])).toStrictEqual([
      duplicate(['default/ecdsa', 'default/rsa']),
      duplicate(['default/files-a', 'default/files-b'], 'spec.servers[0].tls.serverCertificate'),
      duplicate(['default/files-b', 'default/files-a'], 'spec.servers[0].tls.serverCertificate'),
      duplicate(['default/rsa', 'default/ecdsa'], 'spec.servers[0].tls.credentialNames[1]'),
    ]);
  });

  test('with PILOT_SCOPE_GATEWAY_TO_NAMESPACE only Gateways of one namespace share pods', () => {
    const objects = [gateway('a', 'default', INGRESS, simple('wildcard')), gateway('b', 'istio-system', INGRESS, simple('wildcard'))];
    const operator = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' },
      spec: { values: { pilot: { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: true } } } } };
    expect(duplicates(objects)).toHaveLength(2);
    expect(duplicates(objects, [operator])).toStrictEqual([]);
  });

  test('an empty selector includes every Gateway; declared Gateways are named but not reported; malformed TLS is skipped', () => {
    const declared = gateway('theirs', 'istio-system', INTERNAL, simple('shared'));
    expect(duplicates([gateway('all', 'default', {}, simple('shared'))], [declared])).toStrictEqual([duplicate(['default/all', 'istio-system/theirs'])]);
    const odd = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'odd', namespace: 'default' },
      spec: { selector: 'x', servers: [{ tls: 'SIMPLE' }, { tls: { credentialNames: [1, ''], serverCertificate: '/c.pem' } }, 5] } };
    expect(duplicates([odd, { ...odd, metadata: { name: 'odd2', namespace: 'default' } }])).toStrictEqual([]);
  });
});
