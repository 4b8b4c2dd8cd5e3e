/**
 * The chart-wide StrictMtls / DestinationRule DISABLE check in two cases no other test reaches: a
 * workload policy that is STRICT on one port only, and a DestinationRule host that covers every
 * namespace.
 */
import * as net from '../../imports/networking.istio.io';
import { Environment, MtlsMode, MtlsScope, PortMtls, StrictMtls, WorkloadSelector } from '../../lib';
import { meshChart, synthError } from '../support/charts';

const tlsOff = { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } };

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
    expect(synthError(chart)).toContain('[prod] DestinationRule prod/reviews-dr spec.trafficPolicy.tls.mode: "DISABLE" sends plaintext to host "reviews" (namespace bookinfo), '
      + 'but StrictMtls prod/reviews-mtls (for workloads {"app":"reviews"} in bookinfo) makes those workloads accept mutual TLS only, so every request fails. '
      + 'Fix: drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or move prod/reviews-mtls to MtlsMode.PERMISSIVE while the plaintext clients remain');
  });

  test.each(['*', '*.svc.cluster.local'])('a DISABLE for host %s meets a STRICT policy of any namespace', (host) => {
    // GIVEN only namespace bookinfo is STRICT
    const chart = meshChart(Environment.PROD);
    new StrictMtls(chart, 'bookinfo-mtls', { scope: MtlsScope.namespace('bookinfo') });
    // WHEN a DestinationRule in another namespace disables TLS for every host
    new net.DestinationRule(chart, 'all-dr', { metadata: { name: 'all', namespace: 'legacy' }, spec: { host, trafficPolicy: tlsOff } });
    // THEN
    expect(synthError(chart)).toContain(`[prod] DestinationRule prod/all-dr spec.trafficPolicy.tls.mode: "DISABLE" sends plaintext to host ${JSON.stringify(host)} (every namespace), `
      + 'but StrictMtls prod/bookinfo-mtls (for namespace bookinfo) makes those workloads accept mutual TLS only, so every request fails. '
      + 'Fix: drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or move prod/bookinfo-mtls to MtlsMode.PERMISSIVE while the plaintext clients remain');
  });
});
