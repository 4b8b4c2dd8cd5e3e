/**
 * The mTLS conflict (CDK8S-ISTIO-003) through the constructs, in two cases no other test reaches: a
 * workload policy that is STRICT on one port only, and a DestinationRule host that covers every
 * namespace.
 */
import * as net from '../../imports/networking.istio.io';
import { Environment, MtlsMode, MtlsScope, PortMtls, StrictMtls, WorkloadSelector } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const tlsOff = { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } };
const FIX = (pa: string) => `Fix: drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or make PeerAuthentication ${pa} PERMISSIVE `
  + '(StrictMtls mode: MtlsMode.PERMISSIVE) while plaintext clients remain';

describe('StrictMtls vs DestinationRule DISABLE', () => {
  test('a PERMISSIVE workload policy with one STRICT port conflicts with a DISABLE for every port of its service', () => {
    // GIVEN reviews is PERMISSIVE except port 9080, which is STRICT
    const chart = meshChart(Environment.PROD);
    new StrictMtls(chart, 'reviews-mtls', {
      scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ app: 'reviews' })), mode: MtlsMode.PERMISSIVE, portLevelMtls: [PortMtls.strict(9080)],
    });
    // WHEN a DestinationRule turns TLS off for all of reviews' ports
    new net.DestinationRule(chart, 'reviews-dr', { metadata: { name: 'reviews', namespace: 'bookinfo' }, spec: { host: 'reviews', trafficPolicy: tlsOff } });
    // THEN
    expect(findingsOf(chart, 'CDK8S-ISTIO-003')).toStrictEqual(['Error [CDK8S-ISTIO-003] (DestinationRule bookinfo/reviews) DestinationRule sends plaintext (tls.mode DISABLE) '
      + 'to host "reviews" (namespace bookinfo), but PeerAuthentication bookinfo/reviews-mtls (STRICT on port 9080 for workloads app=reviews) makes those workloads accept mutual TLS only, '
      + `so every request fails (spec.trafficPolicy.tls.mode). ${FIX('bookinfo/reviews-mtls')} [construct prod/reviews-dr]`]);
  });

  test.each(['*', '*.svc.cluster.local'])('a DISABLE for host %s meets a STRICT policy of any namespace', (host) => {
    // GIVEN only namespace bookinfo is STRICT
    const chart = meshChart(Environment.PROD);
    new StrictMtls(chart, 'bookinfo-mtls', { scope: MtlsScope.namespace('bookinfo') });
    // WHEN a DestinationRule in another namespace disables TLS for every host
    new net.DestinationRule(chart, 'all-dr', { metadata: { name: 'all', namespace: 'legacy' }, spec: { host, trafficPolicy: tlsOff } });
    // THEN
    expect(findingsOf(chart, 'CDK8S-ISTIO-003')).toStrictEqual([`Error [CDK8S-ISTIO-003] (DestinationRule legacy/all) DestinationRule sends plaintext (tls.mode DISABLE) to host ${JSON.stringify(host)} (every namespace), `
      + 'but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo) makes those workloads accept mutual TLS only, so every request fails (spec.trafficPolicy.tls.mode). '
      + `${FIX('bookinfo/default')} [construct prod/all-dr]`]);
  });
});
