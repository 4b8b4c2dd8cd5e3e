import { Duration } from 'cdk8s';
import {
  CertificateIssuer, Environment, GatewayCertificate, GatewayServer, IngressGateway, MeshControlPlane, PrivateKeyAlgorithm, PrivateKeyRotationPolicy, ServerTlsMode,
} from '../../lib';
import { analyzed } from '../support/charts';
import { find, meshChart, Obj, synthError, synthValid, thrown } from './support';

const LETSENCRYPT = CertificateIssuer.clusterIssuer('letsencrypt-prod');

/** GIVEN a PROD chart with a control plane and an ingress gateway serving `servers`. */
function setup(servers: GatewayServer[]) {
  const chart = meshChart(Environment.PROD);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  const ingress = new IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', controlPlane, servers });
  return { chart, ingress };
}

const certificates = (objs: Obj[]) => objs.filter((o) => o.kind === 'Certificate');

describe('IngressGateway.issueCertificate (cert-manager)', () => {
  test('the whole Certificate: the server\'s hosts, secretName = credentialName, in the gateway namespace, ECDSA P-256 rotated at every issuance; the analyzer counts it as the Secret', () => {
    // GIVEN an HTTPS server with a redirect, whose Secret no one declares
    const { chart, ingress } = setup([GatewayServer.https({ hosts: ['shop.example.com', 'www.shop.example.com'], credentialName: 'shop-tls', redirectHttp: true })]);
    // WHEN cert-manager issues it
    const certificate = ingress.issueCertificate('shop-certificate', { credentialName: 'shop-tls', issuer: LETSENCRYPT });
    // THEN
    const objs = synthValid(chart);
    expect(find(objs, 'Certificate', 'shop-tls', 'istio-ingress')).toStrictEqual({
      apiVersion: 'cert-manager.io/v1',
      kind: 'Certificate',
      metadata: { name: 'shop-tls', namespace: 'istio-ingress' },
      spec: {
        dnsNames: ['shop.example.com', 'www.shop.example.com'],
        issuerRef: { group: 'cert-manager.io', kind: 'ClusterIssuer', name: 'letsencrypt-prod' },
        privateKey: { algorithm: 'ECDSA', rotationPolicy: 'Always', size: 256 },
        secretName: 'shop-tls',
      },
    });
    expect([certificate.secretName, certificate.namespace, certificate.dnsNameList]).toStrictEqual(['shop-tls', 'istio-ingress', ['shop.example.com', 'www.shop.example.com']]);
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('without the Certificate, the same gateway\'s Secret is dangling (IST0101): the Certificate is what makes it exist', () => {
    const { chart } = setup([GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' })]);
    expect(analyzed(chart).map((f) => f.slice(0, f.indexOf(' Fix:')))).toStrictEqual(['Error [IST0101] (Gateway istio-ingress/ingress) Referenced credentialName not found: "shop-tls" (spec.servers[0].tls.credentialName).']);
  });

  test('a namespaced Issuer, lifetime and renewal in Go duration units, an RSA 4096 key kept across renewals, a name of its own', () => {
    const { chart, ingress } = setup([GatewayServer.https({ hosts: ['api.example.com'], credentialName: 'api-tls' })]);
    ingress.issueCertificate('api', {
      credentialName: 'api-tls',
      issuer: CertificateIssuer.issuer('internal-ca'),
      duration: Duration.days(30),
      renewBefore: Duration.minutes(90),
      privateKey: { algorithm: PrivateKeyAlgorithm.RSA, size: 4096, rotationPolicy: PrivateKeyRotationPolicy.NEVER },
      name: 'api-certificate',
    });
    expect(find(synthValid(chart), 'Certificate', 'api-certificate', 'istio-ingress').spec).toStrictEqual({
      dnsNames: ['api.example.com'],
      duration: '720h',
      issuerRef: { group: 'cert-manager.io', kind: 'Issuer', name: 'internal-ca' },
      privateKey: { algorithm: 'RSA', rotationPolicy: 'Never', size: 4096 },
      renewBefore: '90m',
      secretName: 'api-tls',
    });
  });

  test('hosts as Istio reads them: the namespace part dropped, wildcards kept, lower case, once each, from every server using the credential (servers added later included)', () => {
    const { chart, ingress } = setup([GatewayServer.https({ hosts: ['shop/shop.example.com', '*.Example.com'], credentialName: 'site-tls' })]);
    ingress.issueCertificate('site', { credentialName: 'site-tls', issuer: LETSENCRYPT });
    ingress.addServer(GatewayServer.https({ hosts: ['./shop.example.com', 'api.example.com'], credentialNames: ['site-tls', 'site-rsa'], port: 8443 }));
    ingress.addServer(GatewayServer.https({ hosts: ['other.example.net'], credentialName: 'other-tls', port: 9443 }));
    const objs = synthValid(chart);
    expect(certificates(objs).map((c) => [c.metadata.name, c.spec.dnsNames])).toStrictEqual([['site-tls', ['shop.example.com', '*.example.com', 'api.example.com']]]);
  });

  test('a server for any host, a credential no server uses, or a MUTUAL server whose client CA would be the issuer\'s: the synth fails naming each', () => {
    const anyHost = setup([GatewayServer.https({ hosts: ['*'], credentialName: 'any-tls' })]);
    anyHost.ingress.issueCertificate('any', { credentialName: 'any-tls', issuer: LETSENCRYPT });
    expect(synthError(anyHost.chart)).toContain('[prod/ingress/any] credentialName: "any-tls" is the credential of server "https-443", which serves any host ("*"): '
      + 'no certificate can carry that name. Fix: serve named hosts or a domain wildcard ("*.example.com") on this server, or give it a certificate of your own');

    const unused = setup([GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' })]);
    unused.ingress.issueCertificate('typo', { credentialName: 'shop-tsl', issuer: LETSENCRYPT });
    expect(synthError(unused.chart)).toContain('[prod/ingress/typo] credentialName: "shop-tsl" is the credential of no HTTPS server of the gateway istio-ingress/ingress, '
      + 'so the certificate would carry no host. Fix: give a server credentialName: "shop-tsl" (GatewayServer.https), or name the credential one of its servers uses');

    const mutual = setup([GatewayServer.https({ hosts: ['b2b.example.com'], credentialName: 'b2b-tls', mode: ServerTlsMode.MUTUAL })]);
    mutual.ingress.issueCertificate('b2b', { credentialName: 'b2b-tls', issuer: LETSENCRYPT });
    expect(synthError(mutual.chart)).toContain('[prod/ingress/b2b] credentialName: "b2b-tls" is the credential of the MUTUAL server "https-443", which would verify clients against '
      + 'the ca.crt cert-manager writes into the Secret (the issuer\'s CA, not your clients\'). Fix: give the server caCertCredentialName: the Secret or ConfigMap with the CA of your clients');
    const withCa = setup([GatewayServer.https({ hosts: ['b2b.example.com'], credentialName: 'b2b-tls', mode: ServerTlsMode.MUTUAL, caCertCredentialName: 'clients-ca' })]);
    withCa.ingress.issueCertificate('b2b', { credentialName: 'b2b-tls', issuer: LETSENCRYPT });
    expect(certificates(synthValid(withCa.chart)).map((c) => c.spec.dnsNames)).toStrictEqual([['b2b.example.com']]);
  });

  test('bad options fail at construction with the field, the value and the fix', () => {
    const { ingress } = setup([GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' })]);
    const error = (id: string, options: object) => thrown(() => ingress.issueCertificate(id, { credentialName: 'shop-tls', issuer: LETSENCRYPT, ...options }));
    expect(error('a', { duration: Duration.minutes(30) })).toBe('[prod/ingress/a] duration: "30 minutes" is below 60 minutes, the least cert-manager accepts. Fix: use e.g. Duration.days(90)');
    expect(error('b', { duration: Duration.days(10), renewBefore: Duration.days(10) }))
      .toBe('[prod/ingress/b] renewBefore: "240h" is not shorter than the certificate\'s lifetime (240h), so it would be renewed without end. Fix: renew before a fraction of the lifetime, e.g. a third');
    expect(error('c', { renewBefore: Duration.days(120) }))
      .toBe('[prod/ingress/c] renewBefore: "2880h" is not shorter than the certificate\'s lifetime (2160h, cert-manager\'s default), so it would be renewed without end. Fix: renew before a fraction of the lifetime, e.g. a third');
    expect(error('d', { privateKey: { algorithm: PrivateKeyAlgorithm.ECDSA, size: 2048 } }))
      .toBe('[prod/ingress/d] privateKey.size: 2048 is not a size cert-manager makes ECDSA keys of. Fix: use one of 256, 384, 521');
    expect(error('e', { issuer: 'letsencrypt-prod' }))
      .toBe('[prod/ingress/e] issuer: "letsencrypt-prod" is a string, not a CertificateIssuer. Fix: use CertificateIssuer.clusterIssuer("letsencrypt-prod") or CertificateIssuer.issuer("...")');
    expect(error('f', { credentialName: 'Shop_TLS' })).toBe('[prod/ingress/f] credentialName: "Shop_TLS" is not a Kubernetes Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".", '
      + 'at most 253 characters). Fix: name the Secret the HTTPS servers use, e.g. "shop-tls"');
    expect(error('g', { privateKey: { algorithm: PrivateKeyAlgorithm.RSA, sizee: 4096 } }))
      .toBe('[prod/ingress/g] privateKey: "sizee" is not a field of CertificatePrivateKey (did you mean "size"?). Fix: rename it to "size"');
    expect(thrown(() => new GatewayCertificate(ingress, 'h', { gateway: {} as never, credentialName: 'shop-tls', issuer: LETSENCRYPT })))
      .toBe('[prod/ingress/h] gateway: {} is an object, not a MeshGateway. Fix: create the certificate with gateway.issueCertificate(...)');
  });
});
