/**
 * The API boundary of DestinationPolicy (and the LoadBalancer / ClientTls value classes it takes):
 * our error or valid output, never a crash or a silent drop; findings name the user's construct.
 */
import { ClientTls, DestinationPolicy, DestinationPolicyProps, LoadBalancer, StrictMtls, Subset } from '../../lib';
import { errorOf, meshChart } from './support';
import { findingsOf } from '../support/charts';

function policyError(props: unknown): string {
  return errorOf(() => new DestinationPolicy(meshChart(), 'dp', props as DestinationPolicyProps));
}

describe('DestinationPolicy at the API boundary', () => {
  test('a plain object where a LoadBalancer or ClientTls belongs is our error naming the factories', () => {
    expect(policyError({ host: 'reviews', loadBalancer: { simple: 'ROUND_ROBIN' } }))
      .toBe('[prod/dp] loadBalancer: {"simple":"ROUND_ROBIN"} is an object, not a LoadBalancer. Fix: use LoadBalancer.roundRobin(), LoadBalancer.consistentHashCookie() and the like');
    expect(policyError({ host: 'reviews', tls: 'ISTIO_MUTUAL' }))
      .toBe('[prod/dp] tls: "ISTIO_MUTUAL" is a string, not a ClientTls. Fix: use ClientTls.istioMutual(), ClientTls.simple() and the like');
  });

  test('the options of the value classes are checked where the construct renders them, under its path', () => {
    expect(policyError({ host: 'reviews', tls: ClientTls.simple(undefined as never) }))
      .toBe('[prod/dp] tls: undefined is not a SimpleTlsOptions object. Fix: give an object such as { credentialName, ... }');
    expect(policyError({ host: 'reviews', tls: ClientTls.simple({ caCertificate: '/ca.pem' } as never) }))
      .toBe('[prod/dp] tls: "caCertificate" is not a field of SimpleTlsOptions (did you mean "caCertificates"?). Fix: rename it to "caCertificates"');
    expect(policyError({ host: 'reviews', tls: ClientTls.simple({ caCertificates: 42 } as never) }))
      .toBe('[prod/dp] tls.caCertificates: 42 is a number, not a string. Fix: give caCertificates as a non-empty string, or leave it out');
    expect(policyError({ host: 'reviews', loadBalancer: LoadBalancer.consistentHashCookie({ name: 'session', ttl: 60 } as never) }))
      .toBe('[prod/dp] loadBalancer.consistentHash.httpCookie.ttl: 60 is a number, not a cdk8s Duration. Fix: use Duration.millis(), Duration.seconds() or Duration.minutes() from cdk8s');
    expect(policyError({ host: 'reviews', loadBalancer: LoadBalancer.consistentHashSourceIp({ maglevTableSize: '65537' } as never) }))
      .toBe('[prod/dp] loadBalancer.consistentHash.maglev.tableSize: "65537" is not a prime below 5000011 (D5). Fix: use a prime such as 65537');
  });

  test('unknown keys in the props and in a subset entry', () => {
    expect(policyError({ host: 'reviews', loadbalancer: LoadBalancer.random() }))
      .toBe('[prod/dp] props: "loadbalancer" is not a field of DestinationPolicyProps (did you mean "loadBalancer"?). Fix: rename it to "loadBalancer"');
    expect(policyError({ host: 'reviews', subsets: [{ subset: Subset.fromLabels('v1', { version: 'v1' }), tsl: ClientTls.istioMutual() }] }))
      .toBe('[prod/dp] subsets[0]: "tsl" is not a field of SubsetDestinationPolicy (did you mean "tls"?). Fix: rename it to "tls"');
  });

  test('an mTLS conflict it causes is reported on the user\'s construct, not on the shared host\'s internal path', () => {
    // GIVEN mesh-wide STRICT mTLS and a DestinationPolicy that sends plaintext to reviews
    const chart = meshChart();
    new StrictMtls(chart, 'mtls');
    new DestinationPolicy(chart, 'dp', { host: 'reviews', namespace: 'bookinfo', tls: ClientTls.disable() });
    // WHEN analyzed THEN the finding names prod/dp (it named prod/traffic-host-bookinfo-reviews.bookinfo.svc.cluster.local/DestinationRule)
    const findings = findingsOf(chart, 'CDK8S-ISTIO-003');
    expect(findings).toHaveLength(1);
    expect(findings[0].endsWith('(StrictMtls mode: MtlsMode.PERMISSIVE) while plaintext clients remain [construct prod/dp]')).toBe(true);
  });
});
