/**
 * The API boundary of MeshControlPlane and the value classes of its mesh config (AccessLog, Tracing,
 * ExtAuthzProvider, SidecarResources): our error or a valid IstioOperator, never a TypeError, never a
 * weaker default.
 */
import {
  AccessLog, AntiAffinityMode, AutoscalingSetting, ExtAuthzProvider, MeshControlPlane, MeshControlPlaneProps, SidecarResources, Tracing,
} from '../../lib';
import { errorOf, meshChart } from '../support/charts';

function cpError(props: unknown): string {
  return errorOf(() => new MeshControlPlane(meshChart(), 'cp', props as MeshControlPlaneProps));
}

describe('MeshControlPlane at the API boundary', () => {
  test('outboundTrafficPolicy given as a string is an error, never {} (which Istio reads as ALLOW_ANY)', () => {
    expect(cpError({ meshConfig: { outboundTrafficPolicy: 'REGISTRY_ONLY' } }))
      .toBe('[prod/cp] meshConfig.outboundTrafficPolicy: "REGISTRY_ONLY" is a string, not an OutboundTraffic. Fix: use OutboundTraffic.REGISTRY_ONLY or OutboundTraffic.ALLOW_ANY');
  });

  test('meshConfig values of the wrong kind are our errors (they were TypeErrors)', () => {
    expect(cpError({ meshConfig: { accessLog: 'json' } }))
      .toBe('[prod/cp] meshConfig.accessLog: "json" is a string, not an AccessLog. Fix: use AccessLog.json(), AccessLog.text() or AccessLog.disabled()');
    expect(cpError({ meshConfig: { discoverySelectors: [null] } }))
      .toBe('[prod/cp] meshConfig.discoverySelectors[0]: null is not a NamespaceSelector object. Fix: give an object such as { matchLabels, ... }');
    expect(cpError({ meshConfig: { proxyStatsMatcher: { inclusionRegexps: 'abc' } } }))
      .toBe('[prod/cp] meshConfig.proxyStatsMatcher.inclusionRegexps: "abc" is a string, not a list. Fix: list at least one string, or leave inclusionRegexps out');
    expect(cpError({ meshConfig: { extAuthzProviders: ExtAuthzProvider.grpc({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 9000 }) } }))
      .toMatch(/^\[prod\/cp\] meshConfig\.extAuthzProviders: ExtAuthzProvider \{.* is an ExtAuthzProvider, not a list\. Fix: give a list \(an array\)$/);
    expect(cpError({ meshConfig: { holdApplicationUntilProxyStarts: 'false' } }))
      .toBe('[prod/cp] meshConfig.holdApplicationUntilProxyStarts: "false" is a string, not a boolean. Fix: give true or false');
    expect(cpError({ meshConfig: { discoverySelectors: [{ matchExpressions: [{ key: 'istio.io/rev', operator: 'exists' }] }] } }))
      .toBe('[prod/cp] meshConfig.discoverySelectors[0].matchExpressions[0].operator: "exists" is not one of In, NotIn, Exists, DoesNotExist. Fix: use one of "In", "NotIn", "Exists", "DoesNotExist"');
  });

  test('factories given no options fail with our error at the control plane, not a TypeError in the factory', () => {
    expect(cpError({ meshConfig: { tracing: Tracing.zipkin(undefined as never) } }))
      .toBe('[prod/cp] meshConfig.tracing: undefined is not a ZipkinTracingOptions object. Fix: give an object such as { address, ... }');
    expect(cpError({ meshConfig: { accessLog: AccessLog.json(null as never) } }))
      .toBe('[prod/cp] meshConfig.accessLog: null is not a JsonAccessLogOptions object. Fix: give an object such as { file, ... }');
    expect(cpError({ meshConfig: { extAuthzProviders: [ExtAuthzProvider.http(undefined as never)] } }))
      .toBe('[prod/cp] meshConfig.extAuthzProviders[0]: undefined is not an ExtAuthzHttpProviderOptions object. Fix: give an object such as { name, service, port, ... }');
    expect(cpError({ meshConfig: { accessLog: AccessLog.json({ fields: { status: 200 } } as never) } }))
      .toBe('[prod/cp] meshConfig.accessLog.fields.status: 200 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
  });

  test('istiod tolerations and nodeSelector keys are checked', () => {
    expect(cpError({ pilot: { nodeSelector: { 'bad key!': 'x' } } }))
      .toBe('[prod/cp] pilot.nodeSelector: "bad key!" is not a valid label key. Fix: use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    expect(cpError({ pilot: { tolerations: [{ key: 'dedicated', operator: 'Maybe' }] } }))
      .toBe('[prod/cp] pilot.tolerations[0].operator: "Maybe" is not one of "Equal", "Exists". Fix: use one of "Equal", "Exists"');
    expect(cpError({ pilot: { tolerations: [{ key: 'bad key!', value: 'x' }] } }))
      .toBe('[prod/cp] pilot.tolerations[0].key: "bad key!" is not a taint key (a label key: an optional DNS prefix and a name of at most 63 characters). '
        + 'Fix: use e.g. "dedicated" or "node-role.kubernetes.io/control-plane"');
    expect(cpError({ pilot: { tolerations: { key: 'dedicated' } } }))
      .toBe('[prod/cp] pilot.tolerations: {"key":"dedicated"} is an object, not a list. Fix: give a list (an array)');
    expect(cpError({ pilot: { tolerations: [{ key: 'dedicated', effect: 'NoExecute', tolerationSeconds: -1 }] } }))
      .toBe(`[prod/cp] pilot.tolerations[0].tolerationSeconds: -1 is not a whole number from 0 to ${Number.MAX_SAFE_INTEGER}. Fix: give whole seconds, e.g. 300`);
  });

  test('a numeric topologyKey is an error, not written into the output', () => {
    expect(cpError({ pilot: { antiAffinity: { mode: AntiAffinityMode.REQUIRED, topologyKey: 5 } } }))
      .toBe('[prod/cp] pilot.antiAffinity.topologyKey: 5 is a number, not a string. Fix: use "kubernetes.io/hostname" or "topology.kubernetes.io/zone"');
  });

  test('unknown keys, hub and tag of the wrong type, and a plain object for sidecarResources are errors', () => {
    expect(cpError({ meshConfig: { outboundTraficPolicy: {} } }))
      .toBe('[prod/cp] meshConfig: "outboundTraficPolicy" is not a field of MeshConfigOptions (did you mean "outboundTrafficPolicy"?). Fix: rename it to "outboundTrafficPolicy"');
    expect(cpError({ pilot: { replica: 2 } }))
      .toBe('[prod/cp] pilot: "replica" is not a field of PilotOptions (did you mean "replicas"?). Fix: rename it to "replicas"');
    expect(cpError({ hub: 42 })).toBe('[prod/cp] hub: 42 is a number, not a string. Fix: use e.g. "docker.io/istio" or "registry.example.com/istio"');
    expect(cpError({ sidecarResources: { requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } } }))
      .toMatch(/^\[prod\/cp\] sidecarResources: \{"requests".* is an object, not a SidecarResources\. Fix: use SidecarResources\.ENVIRONMENT, SidecarResources\.OPTIMIZED or SidecarResources\.custom/);
    expect(cpError({ cni: 'true' })).toBe('[prod/cp] cni: "true" is a string, not a boolean. Fix: give true or false');
  });
});

describe('MeshControlPlane sizing at the API boundary', () => {
  test('replicas beyond int32 (the Deployment schema\'s maximum) are an error at construction', () => {
    expect(cpError({ pilot: { replicas: 3e9, autoscaling: AutoscalingSetting.NONE } }))
      .toBe('[prod/cp] pilot.replicas: 3000000000 is above 2147483647, the largest number the Kubernetes schema admits here (int32). Fix: give at most 2147483647; give 1 or more replicas (PROD runs 3)');
    expect(cpError({ pilot: { autoscaling: AutoscalingSetting.hpa({ minReplicas: 2, maxReplicas: 2 ** 31, targetCpuUtilizationPercent: 80 }) } }))
      .toBe('[prod/cp] pilot.autoscaling.maxReplicas: 2147483648 is above 2147483647, the largest number the Kubernetes schema admits here (int32). Fix: give at most 2147483647; set maxReplicas to at least minReplicas');
    expect(cpError({ pilot: { autoscaling: AutoscalingSetting.hpa({ minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 80, extra: 1 } as never) } }))
      .toBe('[prod/cp] pilot.autoscaling: "extra" is not a field of Autoscaling. Fix: drop it; Autoscaling has minReplicas, maxReplicas, targetCpuUtilizationPercent');
  });
});

describe('SidecarResources at the API boundary', () => {
  test('custom resources that are not there are an error, never the environment\'s defaults', () => {
    // GIVEN SidecarResources.custom(null), as JSON with a null would give
    // WHEN / THEN our error (it silently fell back to the environment's sidecar resources)
    expect(cpError({ sidecarResources: SidecarResources.custom(null as never) }))
      .toBe('[prod/cp] sidecarResources: null is not a ResourceRequirements object. Fix: give an object such as { requests, limits }');
    expect(cpError({ sidecarResources: SidecarResources.custom({ requests: { cpu: '100m', memory: '128Mi' } } as never) }))
      .toBe('[prod/cp] sidecarResources.limits: undefined is missing (ResourceRequirements requires it). Fix: give limits');
  });
});
