import { Duration } from 'cdk8s';
import { DataPlaneMode, Environment, LocalRateLimit, MeshNamespace, RateLimitContext, SidecarScope, WorkloadSelector } from '../../lib';
import { meshChart, synthError, synthValid } from '../support/charts';

describe('sidecar-only constructs in an ambient namespace', () => {
  test('a SidecarScope is refused at synth, whichever was created first', () => {
    // GIVEN a SidecarScope created before the ambient namespace it lands in
    const chart = meshChart(Environment.PROD);
    new SidecarScope(chart, 'scope', { namespace: 'pay', hosts: ['./*', 'istio-system/*'] });
    new MeshNamespace(chart, 'pay', { mode: DataPlaneMode.AMBIENT });
    // THEN synthesis fails naming both
    expect(synthError(chart)).toContain('[prod/scope] namespace: "pay" is in ambient mode (prod/pay), where pods have no sidecar: a Sidecar is read by sidecars only, so it would change nothing. '
      + 'Fix: drop it (ztunnel and waypoints need no egress scoping), or run the workloads that need sidecars in a sidecar namespace');
  });

  test('a LocalRateLimit on SIDECAR_INBOUND is refused; one on GATEWAY, and one in a sidecar namespace, are written', () => {
    const limit = { maxTokens: 100, tokensPerFill: 100, fillInterval: Duration.seconds(1) };
    const chart = meshChart(Environment.PROD);
    new MeshNamespace(chart, 'pay', { mode: DataPlaneMode.AMBIENT });
    new LocalRateLimit(chart, 'inbound', { namespace: 'pay', selector: WorkloadSelector.labels({ app: 'ledger' }), ...limit });
    expect(synthError(chart)).toContain('[prod/inbound] namespace: "pay" is in ambient mode (prod/pay), where pods have no sidecar: an EnvoyFilter patching the SIDECAR_INBOUND context is read by sidecars only, so it would change nothing. '
      + 'Fix: rate-limit at the waypoint or the gateway instead (context: RateLimitContext.GATEWAY on gateway pods), or run the workload with a sidecar in a sidecar namespace');

    const ok = meshChart(Environment.PROD);
    new MeshNamespace(ok, 'pay', { mode: DataPlaneMode.AMBIENT });
    new MeshNamespace(ok, 'shop', {});
    new LocalRateLimit(ok, 'edge', { namespace: 'pay', selector: WorkloadSelector.labels({ istio: 'ingressgateway' }), context: RateLimitContext.GATEWAY, ...limit });
    new LocalRateLimit(ok, 'inbound', { namespace: 'shop', selector: WorkloadSelector.labels({ app: 'web' }), ...limit });
    new SidecarScope(ok, 'scope', { namespace: 'shop', hosts: ['./*'] });
    expect(synthValid(ok).filter((o) => o.kind === 'EnvoyFilter' || o.kind === 'Sidecar').map((o) => `${o.kind} ${o.metadata.namespace}/${o.metadata.name}`).sort())
      .toStrictEqual(['EnvoyFilter pay/edge', 'EnvoyFilter shop/inbound', 'Sidecar shop/default']);
  });
});
