/**
 * ambient.ineffective: IST0167 for sidecar-only EnvoyFilters, CDK8S-ISTIO-059 for DISABLE PeerAuthentications, on ambient workloads.
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, labels: Record<string, string>) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name, image: 'x:1' }] },
});
const filter = (namespace: string, name: string, contexts: string[], labels?: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name, namespace },
  spec: {
    ...(labels ? { workloadSelector: { labels } } : {}),
    configPatches: contexts.map((context) => ({ applyTo: 'HTTP_FILTER', match: { context }, patch: { operation: 'INSERT_FIRST', value: { name: 'x' } } })),
  },
});
const pa = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec });
const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };
const base = [ns('istio-system'), ns('pay', AMBIENT), pod('pay', 'ledger', { app: 'ledger' })];

function findings(objects: unknown[]) {
  return MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'IST0167' || f.code === 'CDK8S-ISTIO-059');
}

describe('IST0167 in ambient mode', () => {
  test('an EnvoyFilter patching SIDECAR_INBOUND of an ambient workload', () => {
    expect(findings([...base, filter('pay', 'limit', ['SIDECAR_INBOUND'], { app: 'ledger' })])).toStrictEqual([{
      code: 'IST0167', messageName: 'IneffectivePolicy', level: FindingLevel.WARNING,
      apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', namespace: 'pay', name: 'limit', field: 'spec.configPatches[].match.context',
      message: 'The policy has no impact: it patches SIDECAR_INBOUND only, and the workloads it applies to (Pod pay/ledger) are in ambient mode, without a sidecar '
        + '(spec.configPatches[].match.context). Fix: delete it, or apply the change at the waypoint (a Gateway-context EnvoyFilter selecting the waypoint pods) or run the workloads with sidecars',
    }]);
  });

  test('a namespace-wide PeerAuthentication DISABLE, and a port-level one, in an ambient namespace act as PERMISSIVE (CDK8S-ISTIO-059)', () => {
    const found = MeshAnalyzer.analyze([...base, pa('pay', 'default', { mtls: { mode: 'DISABLE' } }),
      pa('pay', 'ledger', { selector: { matchLabels: { app: 'ledger' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9090: { mode: 'DISABLE' } } })])
      .findings.filter((f) => f.code === 'CDK8S-ISTIO-059');
    const text = (field: string) => 'mTLS mode DISABLE applies to workloads in ambient mode (Pod pay/ledger), where ztunnel keeps mTLS between mesh workloads and istiod treats DISABLE as PERMISSIVE '
      + `(${field}). Fix: write PERMISSIVE, which is what ambient mode does with DISABLE, or run the workloads with sidecars if mesh clients must reach them in plaintext`;
    expect(found.map((f) => [f.name, f.level, f.field, f.message])).toStrictEqual([
      ['default', FindingLevel.WARNING, 'spec.mtls.mode', text('spec.mtls.mode')],
      ['ledger', FindingLevel.WARNING, 'spec.portLevelMtls[9090].mode', text('spec.portLevelMtls[9090].mode')],
    ]);
  });

  test('not reported: a GATEWAY or ANY patch, a sidecar pod among the selected, STRICT, the root namespace', () => {
    const objects = [...base, pod('pay', 'legacy', { 'app': 'legacy', 'sidecar.istio.io/inject': 'true' }),
      filter('pay', 'gw', ['GATEWAY']), filter('pay', 'any', ['ANY']), filter('pay', 'ns-wide', ['SIDECAR_INBOUND']),
      pa('pay', 'strict', { mtls: { mode: 'STRICT' } }), pa('istio-system', 'mesh', { mtls: { mode: 'DISABLE' } })];
    expect(findings(objects)).toStrictEqual([]);
  });
});
