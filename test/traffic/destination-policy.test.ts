import { Duration } from 'cdk8s';
import { ClientTls, DestinationPolicy, DestinationPolicyProps, LoadBalancer, Subset } from '../../lib';
import { errorOf, meshChart, one, synthValid } from './support';

function specOf(props: Partial<DestinationPolicyProps>) {
  const chart = meshChart();
  new DestinationPolicy(chart, 'policy', { host: 'api.example.com', namespace: 'egress', ...props });
  return one(synthValid(chart), 'DestinationRule', 'api-example-com', 'egress').spec;
}

function policyError(props: Partial<DestinationPolicyProps>): string {
  return errorOf(() => new DestinationPolicy(meshChart(), 'policy', { host: 'api.example.com', ...props }));
}

describe('DestinationPolicy', () => {
  test('TLS origination and session affinity, host-level and per subset', () => {
    const spec = specOf({
      tls: ClientTls.simple({ credentialName: 'api-ca', sni: 'api.example.com' }),
      loadBalancer: LoadBalancer.consistentHashCookie({ name: 'session', ttl: Duration.hours(1), path: '/' }),
      subsets: [{ subset: Subset.fromLabels('eu', { region: 'eu' }), loadBalancer: LoadBalancer.leastRequest() }],
    });
    expect(spec).toStrictEqual({
      host: 'api.example.com',
      trafficPolicy: {
        loadBalancer: { consistentHash: { httpCookie: { name: 'session', path: '/', ttl: '3600s' } } },
        tls: { mode: 'SIMPLE', credentialName: 'api-ca', sni: 'api.example.com' },
      },
      subsets: [{ name: 'eu', labels: { region: 'eu' }, trafficPolicy: { loadBalancer: { simple: 'LEAST_REQUEST' } } }],
    });
  });

  test.each([
    [LoadBalancer.roundRobin(), { simple: 'ROUND_ROBIN' }],
    [LoadBalancer.random(), { simple: 'RANDOM' }],
    [LoadBalancer.passthrough(), { simple: 'PASSTHROUGH' }],
    [LoadBalancer.consistentHashHeader('x-user'), { consistentHash: { httpHeaderName: 'x-user' } }],
    [LoadBalancer.consistentHashQueryParameter('user'), { consistentHash: { httpQueryParameterName: 'user' } }],
    [LoadBalancer.consistentHashSourceIp({ maglevTableSize: 65537 }), { consistentHash: { useSourceIp: true, maglev: { tableSize: 65537 } } }],
  ])('load balancer %#', (loadBalancer, expected) => {
    expect(specOf({ loadBalancer }).trafficPolicy.loadBalancer).toStrictEqual(expected);
  });

  test.each([
    [ClientTls.disable(), { mode: 'DISABLE' }],
    [ClientTls.istioMutual(), { mode: 'ISTIO_MUTUAL' }],
    [ClientTls.mutual({ clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem' }),
      { mode: 'MUTUAL', clientCertificate: '/etc/certs/client.pem', privateKey: '/etc/certs/key.pem', caCertificates: '/etc/certs/ca.pem' }],
    [ClientTls.mutual({ credentialName: 'api-client' }), { mode: 'MUTUAL', credentialName: 'api-client' }],
    [ClientTls.simple({ insecureSkipVerify: true }), { mode: 'SIMPLE', insecureSkipVerify: true }],
    [ClientTls.simple({ sni: 'api.example.com' }), { mode: 'SIMPLE', sni: 'api.example.com' }],
  ])('client TLS %#', (tls, expected) => {
    expect(specOf({ tls }).trafficPolicy.tls).toStrictEqual(expected);
  });
});

describe('DestinationPolicy rejects', () => {
  test('D6: MUTUAL without credentialName needs clientCertificate and privateKey', () => {
    expect(policyError({ tls: ClientTls.mutual({ clientCertificate: '/c.pem', caCertificates: '/ca.pem' }) }))
      .toContain('[prod/policy] tls.privateKey: undefined is missing: MUTUAL TLS without credentialName needs clientCertificate and privateKey (D6)');
  });

  test('a credentialName that is no Secret name, and a header or cookie name that is no HTTP token', () => {
    expect(policyError({ tls: ClientTls.simple({ credentialName: 'Api_CA' }) }))
      .toContain('[prod/policy] tls.credentialName: "Api_CA" is not a Kubernetes Secret name');
    expect(policyError({ loadBalancer: LoadBalancer.consistentHashHeader('X-User') }))
      .toContain('[prod/policy] loadBalancer.consistentHash.httpHeaderName: "X-User" is not a lowercase HTTP header name');
    expect(policyError({ loadBalancer: LoadBalancer.consistentHashCookie({ name: 'my session' }) }))
      .toContain('[prod/policy] loadBalancer.consistentHash.httpCookie.name: "my session" is not a cookie name');
  });

  test('D6: credentialName excludes inline certificates', () => {
    expect(policyError({ tls: ClientTls.mutual({ credentialName: 'client', clientCertificate: '/c.pem' }) }))
      .toContain('[prod/policy] tls.clientCertificate: "/c.pem" is set together with credentialName, which istiod rejects (D6)');
  });

  test('insecureSkipVerify with a CA', () => {
    expect(policyError({ tls: ClientTls.simple({ insecureSkipVerify: true, caCertificates: '/ca.pem' }) }))
      .toContain('[prod/policy] tls.insecureSkipVerify: true is set together with a CA or subjectAltNames');
  });

  test('D5: a consistent-hash cookie needs a name', () => {
    expect(policyError({ loadBalancer: LoadBalancer.consistentHashCookie({ name: '' }) }))
      .toContain('[prod/policy] loadBalancer.consistentHash.httpCookie.name: "" is not a cookie name (a consistent-hash cookie needs one, D5)');
  });

  test.each([65536, 5000011, 0])('D5: maglev table size %p', (size) => {
    expect(policyError({ loadBalancer: LoadBalancer.consistentHashHeader('x-user', { maglevTableSize: size }) }))
      .toContain(`[prod/policy] loadBalancer.consistentHash.maglev.tableSize: ${size} is not a prime below 5000011 (D5)`);
  });

  test('D1: a policy that sets nothing', () => {
    expect(policyError({})).toContain('[prod/policy] props: ["host"] set no policy (ISTIO-RULES D1)');
    expect(policyError({ subsets: [{ subset: Subset.named('a') }] }))
      .toContain('[prod/policy] subsets[0].subset: "a" is a reference (Subset.named) without policy, so this entry defines nothing');
    expect(policyError({ connectionPool: {} })).toContain('[prod/policy] connectionPool: {} sets no field');
    expect(policyError({ outlierDetection: {} })).toContain('[prod/policy] outlierDetection: {} sets no field');
  });
});
