/** The API boundary of SidecarScope: our error or valid output, never a TypeError or a silent drop. */
import { SidecarScope, SidecarScopeProps } from '../../lib';
import { errorOf, meshChart } from './support';

function scopeError(props: unknown): string {
  return errorOf(() => new SidecarScope(meshChart(), 'scope', props as SidecarScopeProps));
}

describe('SidecarScope at the API boundary', () => {
  test('missing props are our error (they were a TypeError)', () => {
    expect(scopeError(undefined)).toBe('[prod/scope] namespace: undefined is not set, so the object would land in whatever namespace kubectl or the GitOps tool defaults to. '
      + 'Fix: give the namespace, e.g. namespace: "bookinfo" (or set it on the chart or the workload)');
    expect(scopeError({ namespace: 'shop' })).toBe('[prod/scope] egress: undefined is empty: the Sidecar would configure nothing. Fix: give hosts, e.g. ["./*", "istio-system/*"]');
  });

  test('outboundTrafficPolicy given as a string is an error, never a weaker default', () => {
    expect(scopeError({ namespace: 'shop', hosts: ['./*'], outboundTrafficPolicy: 'REGISTRY_ONLY' }))
      .toBe('[prod/scope] outboundTrafficPolicy: "REGISTRY_ONLY" is a string, not an OutboundTraffic. Fix: use OutboundTraffic.REGISTRY_ONLY or OutboundTraffic.ALLOW_ANY');
  });

  test('egress listeners: a list of objects with known keys, ports with a known protocol', () => {
    expect(scopeError({ namespace: 'shop', egress: { hosts: ['./*'] } }))
      .toBe('[prod/scope] egress: {"hosts":["./*"]} is an object, not a list. Fix: give at least one egress listener, e.g. [{ hosts: ["./*", "istio-system/*"] }]');
    expect(scopeError({ namespace: 'shop', egress: [null] })).toBe('[prod/scope] egress[0]: null is not an EgressListener object. Fix: give an object such as { hosts, ... }');
    expect(scopeError({ namespace: 'shop', egress: [{ hosts: ['./*'], bind: '0.0.0.0' }] }))
      .toBe('[prod/scope] egress[0]: "bind" is not a field of EgressListener. Fix: drop it; EgressListener has hosts, port');
    expect(scopeError({ namespace: 'shop', egress: [{ hosts: ['./*'], port: { number: 443, protocol: 'tls' } }] }))
      .toBe('[prod/scope] egress[0].port.protocol: "tls" is not a ServiceProtocol. Fix: use one of ServiceProtocol.HTTP, ServiceProtocol.HTTP2, ServiceProtocol.HTTPS, '
        + 'ServiceProtocol.GRPC, ServiceProtocol.TLS, ServiceProtocol.TCP, ServiceProtocol.MONGO, ServiceProtocol.MYSQL, ServiceProtocol.REDIS');
    expect(scopeError({ namespace: 'shop', hosts: './*' })).toBe('[prod/scope] hosts: "./*" is a string, not a list. Fix: add hosts such as "./*" or "istio-system/*"');
  });
});
