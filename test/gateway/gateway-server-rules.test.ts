/**
 * GatewayServer rules no other test reaches: the redirect port, certificate sources, client
 * certificate checks on SIMPLE servers, host lists and port names. Errors name the gateway's path and
 * the server's index.
 */
import {
  Environment, GatewayServer, IngressGateway, ServerTlsMode, TlsProtocolVersion,
} from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

const HOSTS = ['bookinfo.example.com'];

/** The error an ingress gateway with these servers throws. */
function serverError(...servers: GatewayServer[]): string {
  return errorOf(() => new IngressGateway(meshChart(Environment.PROD), 'gw', { servers }));
}

/** The servers of a valid ingress gateway with these servers. */
function serversOf(...servers: GatewayServer[]): any[] {
  const chart = meshChart(Environment.PROD);
  new IngressGateway(chart, 'gw', { servers });
  return find(synthValid(chart), 'Gateway', 'gw', 'istio-ingress').spec.servers;
}

describe('HTTPS redirect port', () => {
  test('redirectHttp on a custom httpPort adds the redirecting server there', () => {
    // GIVEN / WHEN
    const servers = serversOf(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', port: 8443, redirectHttp: true, httpPort: 8080 }));
    // THEN
    expect(servers).toStrictEqual([
      { hosts: HOSTS, port: { number: 8443, name: 'https-8443', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'bookinfo-tls' } },
      { hosts: HOSTS, port: { number: 8080, name: 'http-8080', protocol: 'HTTP' }, tls: { httpsRedirect: true } },
    ]);
  });

  test('httpPort without redirectHttp is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', httpPort: 8080 })))
      .toBe('[prod/gw] servers[0].httpPort: 8080 is set without redirectHttp. Fix: set redirectHttp: true or drop httpPort');
  });

  test('an httpPort equal to the HTTPS port is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', port: 8443, redirectHttp: true, httpPort: 8443 })))
      .toBe('[prod/gw] servers[0].httpPort: 8443 is the HTTPS port too (one port cannot serve plain HTTP and TLS). Fix: use 80 for the redirect and 443 for HTTPS');
  });
});

describe('certificate sources', () => {
  test('MUTUAL with mounted files writes the CA bundle and the client SANs', () => {
    // GIVEN / WHEN
    const [server] = serversOf(GatewayServer.https({
      hosts: HOSTS, mode: ServerTlsMode.MUTUAL, subjectAltNames: ['spiffe://example.com/client'],
      certificateFiles: { serverCertificate: '/etc/istio/certs/tls.crt', privateKey: '/etc/istio/certs/tls.key', caCertificates: '/etc/istio/certs/ca.crt' },
    }));
    // THEN
    expect(server.tls).toStrictEqual({
      mode: 'MUTUAL', serverCertificate: '/etc/istio/certs/tls.crt', privateKey: '/etc/istio/certs/tls.key', caCertificates: '/etc/istio/certs/ca.crt',
      subjectAltNames: ['spiffe://example.com/client'],
    });
  });

  test('credentialNames naming one secret twice is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialNames: ['bookinfo-tls', 'bookinfo-tls'] })))
      .toBe('[prod/gw] servers[0].credentialNames: ["bookinfo-tls","bookinfo-tls"] names the same secret twice. Fix: give two different secrets or use credentialName');
  });

  test('a relative CA bundle path is an error', () => {
    // GIVEN / WHEN
    const error = serverError(GatewayServer.https({
      hosts: HOSTS, mode: ServerTlsMode.MUTUAL,
      certificateFiles: { serverCertificate: '/etc/istio/certs/tls.crt', privateKey: '/etc/istio/certs/tls.key', caCertificates: 'certs/ca.crt' },
    }));
    // THEN
    expect(error).toBe('[prod/gw] servers[0].certificateFiles.caCertificates: "certs/ca.crt" is not an absolute file path. Fix: give the path of the mounted CA bundle');
  });

  test('a TLS mode that is not a server mode (PASSTHROUGH, from untyped code) is an error pointing at tlsPassthrough\'s enum', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', mode: 'PASSTHROUGH' as never })))
      .toBe('[prod/gw] servers[0].mode: "PASSTHROUGH" is not a TLS mode for an HTTPS server. Fix: use one of SIMPLE, MUTUAL, OPTIONAL_MUTUAL (ServerTlsMode.*)');
  });

  test('a TLS version the enum leaves out (TLSV1_0, from untyped code) is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', minProtocolVersion: 'TLSV1_0' as TlsProtocolVersion })))
      .toBe('[prod/gw] servers[0].minProtocolVersion: "TLSV1_0" is not a supported TLS version. Fix: use TlsProtocolVersion.TLSV1_2 or TLSV1_3');
  });
});

describe('client certificate SANs', () => {
  test('subjectAltNames on a SIMPLE server (which asks for no client certificate) is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', subjectAltNames: ['spiffe://example.com/client'] })))
      .toBe('[prod/gw] servers[0].subjectAltNames: ["spiffe://example.com/client"] is set on a SIMPLE TLS server, which verifies no client certificate. '
        + 'Fix: use mode: ServerTlsMode.MUTUAL or drop it');
  });

  test.each([
    ['an empty list', [] as string[], 'subjectAltNames: [] is empty'],
    ['an empty name', ['spiffe://example.com/client', ''], 'subjectAltNames[1]: "" is empty'],
    ['a name that is no string', ['spiffe://example.com/client', 7], 'subjectAltNames[1]: 7 is a number, not a string'],
  ])('subjectAltNames with %s is an error naming the entry', (_case, subjectAltNames, shown) => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.https({ hosts: HOSTS, credentialName: 'bookinfo-tls', mode: ServerTlsMode.MUTUAL, subjectAltNames: subjectAltNames as string[] })))
      .toBe(`[prod/gw] servers[0].${shown}. Fix: give e.g. ["spiffe://example.com/client"]`);
  });
});

describe('server hosts', () => {
  test('a host listed twice (in any case) is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.http({ hosts: ['bookinfo.example.com', 'Bookinfo.example.com'] })))
      .toBe('[prod/gw] servers[0].hosts: "Bookinfo.example.com" is listed twice. Fix: list each host once');
  });

  test('the same host in two namespaces is not a duplicate', () => {
    // GIVEN / WHEN
    const [server] = serversOf(GatewayServer.http({ hosts: ['bookinfo/bookinfo.example.com', 'shop/bookinfo.example.com'] }));
    // THEN
    expect(server.hosts).toStrictEqual(['bookinfo/bookinfo.example.com', 'shop/bookinfo.example.com']);
  });

  test('an empty host is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.http({ hosts: [''] })))
      .toBe('[prod/gw] servers[0].hosts[0]: "" is not a host. Fix: write a DNS name such as "bookinfo.example.com"');
  });

  test('a host with two "/" is an error', () => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.http({ hosts: ['bookinfo/api/bookinfo.example.com'] })))
      .toBe('[prod/gw] servers[0].hosts[0]: "bookinfo/api/bookinfo.example.com" has more than one "/". Fix: write "namespace/dnsName"');
  });

  test('a DNS name longer than 255 characters is an error', () => {
    // GIVEN five labels of 63 characters (319 with the dots)
    const long = Array.from({ length: 5 }, () => 'a'.repeat(63)).join('.');
    // WHEN / THEN (the message cuts the host to 120 characters, quotes included)
    expect(serverError(GatewayServer.http({ hosts: [long] })))
      .toBe(`[prod/gw] servers[0].hosts[0]: "${long.slice(0, 117)}…" is longer than 255 characters. Fix: shorten the host name`);
  });

  test('the namespace part does not count towards the 255 characters', () => {
    // GIVEN a 255-character DNS name behind a namespace
    const dns = `${Array.from({ length: 3 }, () => 'a'.repeat(63)).join('.')}.${'b'.repeat(63)}`;
    expect(dns).toHaveLength(255);
    // WHEN
    const [server] = serversOf(GatewayServer.http({ hosts: [`bookinfo/${dns}`] }));
    // THEN
    expect(server.hosts).toStrictEqual([`bookinfo/${dns}`]);
  });
});

describe('server port names', () => {
  test.each([
    ['an underscore and capitals', 'HTTP_80'],
    ['more than 63 characters', `http-${'x'.repeat(60)}`],
  ])('a name with %s is an error', (_case, name) => {
    // GIVEN / WHEN / THEN
    expect(serverError(GatewayServer.http({ hosts: HOSTS, name })))
      .toBe(`[prod/gw] servers[0].name: ${JSON.stringify(name)} is not a port name (lowercase letters, digits and "-", at most 63 characters). Fix: use e.g. "http-80"`);
  });
});
