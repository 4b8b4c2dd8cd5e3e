/**
 * SidecarScope rules no other test reaches: hosts next to egress, duplicate and malformed egress hosts,
 * listener port names, and an outbound traffic policy that is not an OutboundTraffic.
 */
import { Environment, ServiceProtocol, SidecarScope, SidecarScopeProps } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

function scopeError(props: Partial<SidecarScopeProps>): string {
  return errorOf(() => new SidecarScope(meshChart(Environment.PROD), 'scope', { namespace: 'bookinfo', ...props }));
}

describe('SidecarScope egress', () => {
  test('hosts given together with egress is an error', () => {
    // GIVEN / WHEN / THEN
    expect(scopeError({ hosts: ['./*'], egress: [{ hosts: ['istio-system/*'] }] }))
      .toBe('[prod/scope] hosts: ["./*"] is given together with egress. Fix: put the hosts into an egress listener, or drop egress');
  });

  test('a host listed twice in a listener is an error', () => {
    // GIVEN / WHEN / THEN
    expect(scopeError({ hosts: ['./*', 'istio-system/*', './*'] })).toBe('[prod/scope] hosts: "./*" is listed twice. Fix: list each host once');
  });

  test('an empty host is an error that says how to write one', () => {
    // GIVEN / WHEN / THEN
    expect(scopeError({ hosts: [''] })).toBe('[prod/scope] hosts[0]: "" is not a host. Fix: write "namespace/dnsName", e.g. "./*" or "istio-system/*"');
  });

  test('a host with two "/" is an error', () => {
    // GIVEN / WHEN / THEN
    expect(scopeError({ hosts: ['istio-system/stripe/api.stripe.com'] }))
      .toBe('[prod/scope] hosts[0]: "istio-system/stripe/api.stripe.com" has more than one "/". Fix: write "namespace/dnsName"');
  });

  test('a listener port name that is not a DNS label is an error', () => {
    // GIVEN / WHEN / THEN
    expect(scopeError({ egress: [{ port: { number: 443, protocol: ServiceProtocol.TLS, name: 'TLS_443' }, hosts: ['istio-system/*'] }, { hosts: ['./*'] }] }))
      .toBe('[prod/scope] egress[0].port.name: "TLS_443" is not a port name (a DNS label). Fix: use e.g. "tls-443"');
  });

  test('an outbound traffic policy written as a plain object (untyped code) is an error', () => {
    // GIVEN / WHEN / THEN
    expect(scopeError({ hosts: ['./*'], outboundTrafficPolicy: { mode: 'ALLOW_ANY' } as never }))
      .toBe('[prod/scope] outboundTrafficPolicy: {"mode":"ALLOW_ANY"} is an object, not an OutboundTraffic. Fix: use OutboundTraffic.REGISTRY_ONLY or OutboundTraffic.ALLOW_ANY');
  });
});
