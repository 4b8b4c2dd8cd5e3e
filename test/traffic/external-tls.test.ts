/**
 * TLS origination to an external host without a CA: since Istio 1.21 the proxy verifies the server against
 * its system CA bundle, so the constructs accept it and the analyzer warns (IST0128/IST0129) as istioctl does.
 */
import { ClientTls, DestinationPolicy, Environment, ExternalResources, ExternalService, FindingLevel, MeshAnalyzer, MeshChart, ServiceProtocol } from '../../lib';
import { find, meshChart, synthValid } from '../support/charts';

function stripeChart(tls: ClientTls): MeshChart {
  const chart = meshChart(Environment.PROD);
  new ExternalResources(chart, 'outside', { namespaces: ['payments'] });
  new ExternalService(chart, 'stripe', { namespace: 'payments', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.HTTPS }] });
  new DestinationPolicy(chart, 'stripe-tls', { namespace: 'payments', host: 'api.stripe.com', tls });
  return chart;
}

const SYSTEM_CA_FIX = 'Fix: the proxy verifies the server against its system CA bundle only; to pin the CA, give tls.caCertificates '
  + '(the CA bundle that signed the server\'s certificate); a credentialName counts only with a workloadSelector (sidecars ignore it) [construct prod/stripe-tls]';

describe('SIMPLE TLS to an external host without a CA', () => {
  test('is accepted: the whole DestinationRule, schema-valid, with IST0128 as a Warning (not an error)', () => {
    // GIVEN SIMPLE TLS to api.stripe.com with neither caCertificates nor credentialName
    const chart = stripeChart(ClientTls.simple({ sni: 'api.stripe.com' }));
    // WHEN synthesized
    const objects = synthValid(chart);
    // THEN the DestinationRule is written as given
    expect(find(objects, 'DestinationRule', 'api-stripe-com', 'payments')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'api-stripe-com', namespace: 'payments' },
      spec: { host: 'api.stripe.com', trafficPolicy: { tls: { mode: 'SIMPLE', sni: 'api.stripe.com' } } },
    });
    // AND the analyzer warns at Istio's level, and nothing else is wrong
    const report = MeshAnalyzer.analyzeChart(chart);
    expect(report.findings.filter((f) => f.level === FindingLevel.ERROR)).toStrictEqual([]);
    expect(report.findings.filter((f) => f.code === 'IST0128').map((f) => MeshAnalyzer.format([f]))).toStrictEqual([
      'Warning [IST0128] (DestinationRule payments/api-stripe-com) DestinationRule payments/api-stripe-com in namespace payments has TLS mode set to SIMPLE '
      + `but no caCertificates are set to validate server identity for host: api.stripe.com (spec.trafficPolicy.tls). ${SYSTEM_CA_FIX}`,
    ]);
  });

  test('MUTUAL with client certificate files and no CA is accepted too', () => {
    const chart = stripeChart(ClientTls.mutual({ clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem' }));
    expect(find(synthValid(chart), 'DestinationRule', 'api-stripe-com', 'payments').spec.trafficPolicy.tls)
      .toStrictEqual({ mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem' });
    expect(MeshAnalyzer.analyzeChart(chart).findings.map((f) => `${f.level} ${f.code}`)).toContain('Warning IST0128');
  });

  test('insecureSkipVerify turns verification off: istioctl warns, and the fix says so', () => {
    const chart = stripeChart(ClientTls.simple({ insecureSkipVerify: true }));
    synthValid(chart);
    expect(MeshAnalyzer.analyzeChart(chart).findings.filter((f) => f.code === 'IST0128').map((f) => MeshAnalyzer.format([f]))).toStrictEqual([
      'Warning [IST0128] (DestinationRule payments/api-stripe-com) DestinationRule payments/api-stripe-com in namespace payments has TLS mode set to SIMPLE '
      + 'but no caCertificates are set to validate server identity for host: api.stripe.com (spec.trafficPolicy.tls). Fix: insecureSkipVerify: true turns '
      + 'server verification off; drop it to verify against the system CA bundle, or give tls.caCertificates (the CA bundle that signed the server\'s '
      + 'certificate); a credentialName counts only with a workloadSelector (sidecars ignore it) [construct prod/stripe-tls]',
    ]);
  });

  test('with caCertificates there is no finding', () => {
    const chart = stripeChart(ClientTls.simple({ caCertificates: '/etc/ssl/certs/ca-certificates.crt' }));
    synthValid(chart);
    expect(MeshAnalyzer.analyzeChart(chart).findings.filter((f) => f.code === 'IST0128' || f.code === 'IST0129')).toStrictEqual([]);
  });
});
