import { CertificateIssuer, GatewayServer, IngressGateway, l1 } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const LETSENCRYPT = CertificateIssuer.clusterIssuer('letsencrypt-prod');

/** GIVEN an ingress gateway serving `hosts` with the Secret shop-tls WHEN a hand-written Certificate with `dnsNames` issues it THEN the CDK8S-ISTIO-061 findings. */
function findings(hosts: string[], dnsNames: string[] | undefined, commonName?: string, namespace = 'istio-ingress'): string[] {
  const chart = meshChart();
  new IngressGateway(chart, 'ingress', { servers: [GatewayServer.https({ hosts, credentialName: 'shop-tls' })] });
  new l1.certManager.Certificate(chart, 'certificate', {
    metadata: { name: 'shop', namespace },
    spec: { secretName: 'shop-tls', issuerRef: { kind: 'ClusterIssuer', name: 'letsencrypt-prod' }, ...(dnsNames ? { dnsNames } : {}), ...(commonName ? { commonName } : {}) },
  });
  return findingsOf(chart, 'CDK8S-ISTIO-061');
}

describe('gateway.certificatehosts (CDK8S-ISTIO-061)', () => {
  test('a server host the Certificate does not name is reported on the Gateway, with the names it has', () => {
    expect(findings(['shop.example.com', 'www.shop.example.com'], ['shop.example.com'])).toStrictEqual([
      'Warning [CDK8S-ISTIO-061] (Gateway istio-ingress/ingress) Server hosts [www.shop.example.com] are not among the names of Certificate istio-ingress/shop, '
      + 'which issues the Secret "shop-tls" ([shop.example.com]): clients of those hosts get a certificate that does not name them and fail the TLS handshake (spec.servers[0].hosts). '
      + 'Fix: add www.shop.example.com to the Certificate\'s dnsNames (IngressGateway.issueCertificate derives them from the servers), or serve those hosts with another credential [construct prod/ingress]',
    ]);
  });

  test('a wildcard name covers one label only, as TLS clients match; a wildcard host needs the same wildcard', () => {
    expect(findings(['api.example.com'], ['*.example.com'])).toStrictEqual([]);
    expect(findings(['a.b.example.com', '*.example.com', 'shop/Example.com'], ['*.example.com'])).toHaveLength(1);
    expect(findings(['a.b.example.com', '*.example.com', 'shop/Example.com'], ['*.example.com'])[0]).toContain('Server hosts [a.b.example.com example.com]');
  });

  test('commonName counts when there are no dnsNames; a Certificate in another namespace than the gateway pods issues another Secret', () => {
    expect(findings(['shop.example.com'], undefined, 'shop.example.com')).toStrictEqual([]);
    expect(findings(['shop.example.com'], ['other.example.com'], undefined, 'istio-system')).toStrictEqual([]);
  });

  test('a certificate of IngressGateway.issueCertificate names every host, so it is never reported', () => {
    const chart = meshChart();
    const ingress = new IngressGateway(chart, 'ingress', { servers: [GatewayServer.https({ hosts: ['shop.example.com', 'shop/*.shop.example.com'], credentialName: 'shop-tls' })] });
    ingress.issueCertificate('certificate', { credentialName: 'shop-tls', issuer: LETSENCRYPT });
    ingress.addServer(GatewayServer.https({ hosts: ['api.example.com'], credentialName: 'shop-tls', port: 8443 }));
    expect(findingsOf(chart, 'CDK8S-ISTIO-061')).toStrictEqual([]);
  });
});
