/**
 * policy.ineffective: IST0167, Sidecars for workloads in ambient mode (as istioctl's sidecar analyzer)
 * and PeerAuthentications with a selector in the root namespace.
 */
import { Environment, FindingLevel, MeshAnalyzer, MtlsScope, StrictMtls, WorkloadSelector } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const ns = (name: string, labels: Record<string, string> = {}) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const pod = (namespace: string, name: string, labels: Record<string, string>, annotations: Record<string, string> = {}) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels, annotations }, spec: { containers: [{ name, image: 'x:1' }] },
});
const sidecar = (namespace: string, name: string, labels?: Record<string, string>) => ({
  apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name, namespace },
  spec: { ...(labels ? { workloadSelector: { labels } } : {}), egress: [{ hosts: ['./*'] }] },
});

function findings(objects: unknown[]) {
  return MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'IST0167');
}

const AMBIENT = { 'istio.io/dataplane-mode': 'ambient' };

describe('IST0167 IneffectivePolicy', () => {
  test('a Sidecar selecting a pod in ambient mode (the CNI annotation, as istioctl reads it)', () => {
    const objects = [ns('istio-system'), ns('test-ambient', AMBIENT), pod('test-ambient', 'sleep', { app: 'sleep' }, { 'ambient.istio.io/redirection': 'enabled' }),
      sidecar('test-ambient', 'sleep', { app: 'sleep' })];
    expect(findings(objects)).toStrictEqual([{
      code: 'IST0167', messageName: 'IneffectivePolicy', level: FindingLevel.WARNING,
      apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', namespace: 'test-ambient', name: 'sleep', field: 'spec.workloadSelector.labels',
      message: 'The policy has no impact: selected workload is in ambient mode, the policy has no impact (spec.workloadSelector.labels). '
        + 'Fix: delete the Sidecar (ztunnel and waypoints do not read it), or take the workload out of ambient mode (istio.io/dataplane-mode: none) if it needs a sidecar',
    }]);
  });

  test('offline, a pod of an ambient namespace is in ambient mode; one opted out or injected is not', () => {
    const objects = [ns('istio-system'), ns('amb', AMBIENT),
      pod('amb', 'a', { app: 'a' }), sidecar('amb', 'a', { app: 'a' }),
      pod('amb', 'b', { 'app': 'b', 'istio.io/dataplane-mode': 'none' }), sidecar('amb', 'b', { app: 'b' }),
      pod('amb', 'c', { 'app': 'c', 'sidecar.istio.io/inject': 'true' }), sidecar('amb', 'c', { app: 'c' })];
    expect(findings(objects).map((f) => f.name)).toStrictEqual(['a']);
  });

  test('a Sidecar without selector in an ambient namespace', () => {
    const objects = [ns('istio-system'), ns('amb', AMBIENT), sidecar('amb', 'default')];
    expect(MeshAnalyzer.format(findings(objects))).toBe('Warning [IST0167] (Sidecar amb/default) The policy has no impact: namespace is in ambient mode, the policy has no impact. '
      + 'Fix: delete the Sidecar (ztunnel and waypoints do not read it), or label namespace "amb" for sidecar injection if its workloads need sidecars');
  });

  test('sidecar injection labels win over the ambient label; sidecar namespaces are clean', () => {
    const objects = [ns('istio-system'), ns('both', { ...AMBIENT, 'istio-injection': 'enabled' }), ns('rev', { ...AMBIENT, 'istio.io/rev': 'canary' }), ns('plain', { 'istio-injection': 'enabled' }),
      sidecar('both', 'default'), sidecar('rev', 'default'), sidecar('plain', 'default'), pod('plain', 'web', { app: 'web' }), sidecar('plain', 'web', { app: 'web' })];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('a PeerAuthentication with a selector in the root namespace', () => {
    const objects = [ns('istio-system'), { apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'gw', namespace: 'istio-system' },
      spec: { selector: { matchLabels: { istio: 'ingressgateway' } }, mtls: { mode: 'PERMISSIVE' } } }];
    expect(MeshAnalyzer.format(findings(objects))).toBe('Warning [IST0167] (PeerAuthentication istio-system/gw) '
      + 'The policy has no impact: istiod ignores a PeerAuthentication with a workload selector in the root namespace "istio-system" (spec.selector). '
      + 'Fix: move it to the namespace of the workloads it selects, or drop the selector to make it the mesh-wide policy');
  });

  test('through the constructs: StrictMtls for workloads of the root namespace', () => {
    const chart = meshChart(Environment.PROD);
    new StrictMtls(chart, 'gw-mtls', { scope: MtlsScope.workload('istio-system', WorkloadSelector.labels({ istio: 'ingressgateway' })) });
    expect(findingsOf(chart, 'IST0167')).toStrictEqual(['Warning [IST0167] (PeerAuthentication istio-system/gw-mtls) '
      + 'The policy has no impact: istiod ignores a PeerAuthentication with a workload selector in the root namespace "istio-system" (spec.selector). '
      + 'Fix: move it to the namespace of the workloads it selects, or drop the selector to make it the mesh-wide policy [construct prod/gw-mtls]']);
  });

  test('malformed Sidecars do not throw', () => {
    const objects = [ns('istio-system'), ns('amb', AMBIENT), { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'x', namespace: 'amb' }, spec: { workloadSelector: 'app=x' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'y', namespace: 'amb' } }];
    expect(findings(objects).map((f) => f.name)).toStrictEqual(['x', 'y']);
  });
});
