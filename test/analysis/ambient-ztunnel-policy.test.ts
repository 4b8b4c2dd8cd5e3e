/**
 * ambient.ztunnelpolicy: CDK8S-ISTIO-058, policies ztunnel enforces on ambient pods with what ztunnel cannot evaluate.
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name, image: 'x:1' }] },
});
const policy = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace }, spec });
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };
const base = [ns('istio-system'), ns('pay', AMBIENT), pod('pay', 'ledger', { app: 'ledger' }), ns('shop', { 'istio-injection': 'enabled' }), pod('shop', 'web', { app: 'web' })];

function findings(objects: unknown[]) {
  return MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'CDK8S-ISTIO-058');
}

describe('CDK8S-ISTIO-058 ZtunnelPolicyUnsupported', () => {
  test('an ALLOW with methods and paths selecting an ambient pod is an error naming what ztunnel drops', () => {
    const objects = [...base, policy('pay', 'reads', {
      selector: { matchLabels: { app: 'ledger' } },
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'], paths: ['/x'] } }] }],
    })];
    expect(findings(objects)).toStrictEqual([{
      code: 'CDK8S-ISTIO-058', messageName: 'ZtunnelPolicyUnsupported', level: FindingLevel.ERROR,
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', namespace: 'pay', name: 'reads', field: 'spec.rules',
      message: 'ztunnel enforces this policy on workloads in ambient mode (Pod pay/ledger) but cannot evaluate HTTP attributes (methods, paths): '
        + 'ztunnel drops the ALLOW rules that use them, so those requests are denied (spec.rules). Fix: attach the policy to the waypoint of those workloads with targetRefs '
        + '(PolicyTargetRef.waypoint(...)), or keep only L4 attributes (principals, namespaces, ipBlocks, ports) for ztunnel',
    }]);
  });

  test('DENY with a request.* condition, namespace-wide; CUSTOM; and the root namespace reaching every ambient pod', () => {
    const objects = [...base,
      policy('pay', 'deny-header', { action: 'DENY', rules: [{ to: [{ operation: { ports: ['8080'] } }], when: [{ key: 'request.headers[x-debug]', values: ['1'] }] }] }),
      policy('pay', 'ext', { action: 'CUSTOM', provider: { name: 'authz' }, rules: [{}] }),
      policy('istio-system', 'global-jwt', { rules: [{ from: [{ source: { requestPrincipals: ['*'] } }] }] }),
    ];
    const fix = ' Fix: attach the policy to the waypoint of those workloads with targetRefs (PolicyTargetRef.waypoint(...)), '
      + 'or keep only L4 attributes (principals, namespaces, ipBlocks, ports) for ztunnel';
    const prefix = 'ztunnel enforces this policy on workloads in ambient mode (Pod pay/ledger) but cannot evaluate ';
    expect(findings(objects).map((f) => [f.name, f.message])).toStrictEqual([
      ['global-jwt', `${prefix}HTTP attributes (requestPrincipals): ztunnel drops the ALLOW rules that use them, so those requests are denied (spec.rules).${fix}`],
      ['deny-header', `${prefix}HTTP attributes (request.headers[x-debug]): ztunnel enforces the DENY rules without them, so they match more connections than written (spec.rules).${fix}`],
      ['ext', `${prefix}the CUSTOM action, which ztunnel does not support: istiod does not send the policy to ztunnel at all (spec.action).${fix}`],
    ]);
  });

  test('L4-only policies, waypoint policies (targetRefs), and sidecar pods are fine', () => {
    const objects = [...base,
      policy('pay', 'l4', { selector: { matchLabels: { app: 'ledger' } }, rules: [{ from: [{ source: { principals: ['a/ns/b/sa/c'] } }], to: [{ operation: { ports: ['8080'] } }], when: [{ key: 'source.ip', values: ['10.0.0.1'] }] }] }),
      policy('pay', 'waypoint', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }], rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
      policy('shop', 'sidecar-l7', { selector: { matchLabels: { app: 'web' } }, rules: [{ to: [{ operation: { methods: ['GET'] } }] }] }),
    ];
    expect(findings(objects)).toStrictEqual([]);
  });
});
