/**
 * DestinationPolicy rules no other test reaches: client TLS SANs and insecureSkipVerify outside
 * SIMPLE/MUTUAL, Maglev table sizes, empty query parameter hash keys, subsets of workloads without labels, and a construct id that
 * blocks the host's TrafficHost.
 */
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { ClientTls, DestinationPolicy, DestinationPolicyProps, Environment, LoadBalancer, Subset } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

function policyError(props: Partial<DestinationPolicyProps>): string {
  return errorOf(() => new DestinationPolicy(meshChart(Environment.PROD), 'policy', { host: 'reviews', namespace: 'bookinfo', ...props }));
}

describe('client TLS', () => {
  test('ISTIO_MUTUAL with SANs is written with them', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    // WHEN
    new DestinationPolicy(chart, 'policy', { host: 'reviews', namespace: 'bookinfo', tls: ClientTls.istioMutual({ subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'] }) });
    // THEN
    expect(find(synthValid(chart), 'DestinationRule', 'reviews', 'bookinfo').spec.trafficPolicy.tls)
      .toStrictEqual({ mode: 'ISTIO_MUTUAL', subjectAltNames: ['spiffe://cluster.local/ns/bookinfo/sa/reviews'] });
  });

  test.each([
    ['an empty list', [] as string[], '[]'],
    ['an empty name', [''], '[""]'],
  ])('SANs with %s are an error', (_case, subjectAltNames, shown) => {
    // GIVEN / WHEN / THEN
    expect(policyError({ tls: ClientTls.istioMutual({ subjectAltNames }) }))
      .toBe(`[prod/policy] tls.subjectAltNames: ${shown} is empty or has an empty name. Fix: list the names, or leave subjectAltNames out`);
  });

  test('insecureSkipVerify on ISTIO_MUTUAL (untyped code) is an error: IstioMutualTlsOptions has no such field', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ tls: ClientTls.istioMutual({ insecureSkipVerify: true } as never) }))
      .toBe('[prod/policy] tls: "insecureSkipVerify" is not a field of IstioMutualTlsOptions. Fix: drop it; IstioMutualTlsOptions has sni, subjectAltNames');
  });
});

describe('Maglev table size', () => {
  test.each([65536, 5000011])('%d is an error', (maglevTableSize) => {
    // GIVEN / WHEN / THEN
    expect(policyError({ loadBalancer: LoadBalancer.consistentHashHeader('x-user', { maglevTableSize }) }))
      .toBe(`[prod/policy] loadBalancer.consistentHash.maglev.tableSize: ${maglevTableSize} is not a prime below 5000011 (D5). Fix: use a prime such as 65537`);
  });
});

describe('consistent hash keys', () => {
  test('an empty query parameter name is an error', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ loadBalancer: LoadBalancer.consistentHashQueryParameter('') }))
      .toBe('[prod/policy] loadBalancer.consistentHash.httpQueryParameterName: "" is empty. Fix: name the query parameter, e.g. "user"');
  });
});

describe('subsets of workloads', () => {
  test('a workload with neither pod labels nor a selector makes an empty subset, which is an error', () => {
    // GIVEN a Deployment that selects nothing and labels its pods with nothing of its own
    const chart = meshChart(Environment.PROD);
    const reviews = new kplus.Deployment(chart, 'reviews-v1', {
      metadata: { namespace: 'bookinfo' }, select: false, containers: [{ image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2', portNumber: 9080 }],
    });
    // WHEN
    const error = errorOf(() => new DestinationPolicy(chart, 'policy', {
      host: 'reviews', subsets: [{ subset: Subset.fromWorkload('v1', reviews), loadBalancer: LoadBalancer.leastRequest() }],
    }));
    // THEN
    expect(error).toBe('[prod/policy] subsets[0].subset.labels: {} are empty: workload prod/reviews-v1 has neither pod labels nor a selector. '
      + 'Fix: give the workload podMetadata labels such as { app: "reviews", version: "v1" }');
  });
});

describe('the TrafficHost of a host', () => {
  test('a construct of the chart holding the TrafficHost\'s id is an error naming the id', () => {
    // GIVEN a chart with a construct whose id is the one the TrafficHost of reviews.bookinfo would take
    const chart = meshChart(Environment.PROD);
    new Construct(chart, 'traffic-host-bookinfo-reviews.bookinfo.svc.cluster.local');
    // WHEN
    const error = errorOf(() => new DestinationPolicy(chart, 'policy', { host: 'reviews', namespace: 'bookinfo', loadBalancer: LoadBalancer.leastRequest() }));
    // THEN
    expect(error).toBe('[prod/policy] host: "reviews" cannot be registered: the chart already has a construct with id "traffic-host-bookinfo-reviews.bookinfo.svc.cluster.local". '
      + 'Fix: rename that construct');
  });
});
