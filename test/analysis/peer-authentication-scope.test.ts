/**
 * security.peerauthenticationscope: CDK8S-ISTIO-030, more than one selector-less PeerAuthentication in
 * one namespace (istiod keeps the oldest).
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const peer = (namespace: string, name: string, spec: Record<string, unknown> = { mtls: { mode: 'STRICT' } }) => ({
  apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec,
});

function findings(objects: unknown[], external: unknown[] = []) {
  return MeshAnalyzer.analyze(objects, { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-030');
}

describe('CDK8S-ISTIO-030 MultipleNamespacePeerAuthentications', () => {
  test('two namespace-wide policies: both are reported, naming each other', () => {
    const objects = [ns('istio-system'), ns('bookinfo'), peer('bookinfo', 'default'), peer('bookinfo', 'second', { mtls: { mode: 'PERMISSIVE' } })];
    const fix = 'Fix: keep one namespace-wide PeerAuthentication in namespace "bookinfo" (merge their modes into one), or give the others a selector';
    expect(findings(objects)).toStrictEqual(['default', 'second'].map((name) => ({
      code: 'CDK8S-ISTIO-030', messageName: 'MultipleNamespacePeerAuthentications', level: FindingLevel.ERROR,
      apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', namespace: 'bookinfo', name,
      message: 'The PeerAuthentications [default second] in namespace "bookinfo" have no workload selector: istiod applies only the oldest as the namespace-wide policy and ignores the others. ' + fix,
    })));
  });

  test('two in the root namespace are two mesh-wide policies', () => {
    const objects = [ns('istio-system'), peer('istio-system', 'default'), peer('istio-system', 'other', { selector: { matchLabels: {} } })];
    expect(MeshAnalyzer.format(findings(objects)).split('\n')[0]).toBe('Error [CDK8S-ISTIO-030] (PeerAuthentication istio-system/default) '
      + 'The PeerAuthentications [default other] in namespace "istio-system" have no workload selector: istiod applies only the oldest as the mesh-wide policy and ignores the others. '
      + 'Fix: keep one mesh-wide PeerAuthentication in namespace "istio-system" (merge their modes into one), or give the others a selector');
  });

  test('a declared policy in the cluster counts, but only the output\'s are reported', () => {
    const objects = [ns('istio-system'), ns('shop'), peer('shop', 'mine')];
    expect(findings(objects, [peer('shop', 'theirs')]).map((f) => f.name)).toStrictEqual(['mine']);
  });

  test('clean: one per namespace, workload policies beside it, a declared object the output takes over, one object written twice', () => {
    const objects = [ns('istio-system'), ns('a'), ns('b'), peer('istio-system', 'default'), peer('a', 'default'), peer('b', 'default'),
      peer('a', 'web', { selector: { matchLabels: { app: 'web' } } }), peer('b', 'default')];
    expect(findings(objects, [peer('a', 'default')])).toStrictEqual([]);
  });
});
