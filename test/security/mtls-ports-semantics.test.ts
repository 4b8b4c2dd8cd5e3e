import { ApiObject } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as net from '../../imports/networking.istio.io';
import { MeshChart, MtlsMode, MtlsScope, PortMtls, StrictMtls, WorkloadSelector } from '../../lib';
import { findingsOf, synthValid } from '../support/charts';
import { prodChart } from './support';

const web = WorkloadSelector.labels({ app: 'web' });
const PORT_DISABLE = net.DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.DISABLE;

/** A v1 Service `web` in bookinfo selecting app=web, with the given ports. */
function webService(chart: MeshChart, ports: { port: number; targetPort?: number | string }[], selector: Record<string, string> = { app: 'web' }): void {
  new ApiObject(chart, 'web-svc', { apiVersion: 'v1', kind: 'Service', metadata: { name: 'web', namespace: 'bookinfo' }, spec: { selector, ports } });
}

/** A DestinationRule for `web` that turns TLS off on Service port 80 only. */
/** The CDK8S-ISTIO-003 findings of `chart`, which must synthesize and pass the schemas. */
function conflicts(chart: MeshChart): string[] {
  synthValid(chart);
  return findingsOf(chart, 'CDK8S-ISTIO-003');
}

function disablePort80(chart: MeshChart): void {
  new net.DestinationRule(chart, 'web-dr', {
    metadata: { name: 'web', namespace: 'bookinfo' },
    spec: { host: 'web', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, tls: { mode: PORT_DISABLE } }] } },
  });
}

describe('mTLS conflicts: PeerAuthentication ports are workload ports, DestinationRule ports are Service ports', () => {
  test('PERMISSIVE with workload port 8080 STRICT conflicts with DISABLE on Service port 80 → 8080', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'web-mtls', { scope: MtlsScope.workload('bookinfo', web), mode: MtlsMode.PERMISSIVE, portLevelMtls: [PortMtls.strict(8080)] });
    webService(chart, [{ port: 80, targetPort: 8080 }]);
    disablePort80(chart);
    expect(conflicts(chart)).toStrictEqual(['Error [CDK8S-ISTIO-003] (DestinationRule bookinfo/web) DestinationRule sends plaintext (tls.mode DISABLE) to host "web" '
      + '(namespace bookinfo, port 80 → workload port 8080), but PeerAuthentication bookinfo/web-mtls (STRICT on port 8080 for workloads app=web) makes those workloads accept mutual TLS only, '
      + 'so every request fails (spec.trafficPolicy.portLevelSettings[0].tls.mode). Fix: drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), '
      + 'or make PeerAuthentication bookinfo/web-mtls PERMISSIVE (StrictMtls mode: MtlsMode.PERMISSIVE) while plaintext clients remain [construct prod/web-dr]']);
  });

  test('STRICT with workload port 8080 PERMISSIVE does not conflict with DISABLE on Service port 80 → 8080 (also at the top level)', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'mesh');
    new StrictMtls(chart, 'web-mtls', { scope: MtlsScope.workload('bookinfo', web), portLevelMtls: [PortMtls.permissive(8080)] });
    webService(chart, [{ port: 80, targetPort: 8080 }]);
    disablePort80(chart);
    new net.DestinationRule(chart, 'web-legacy-dr', {
      metadata: { name: 'web-legacy', namespace: 'legacy' },
      spec: { host: 'web.bookinfo.svc.cluster.local', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } } },
    });
    expect(conflicts(chart)).toStrictEqual([]);
  });

  test('without targetPort the Service port is the workload port', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'web-mtls', { scope: MtlsScope.workload('bookinfo', web), portLevelMtls: [PortMtls.permissive(8080)] });
    webService(chart, [{ port: 80 }]);
    disablePort80(chart);
    expect(conflicts(chart)).toStrictEqual([expect.stringContaining('to host "web" (namespace bookinfo, port 80), but PeerAuthentication bookinfo/web-mtls (STRICT for workloads app=web)')]);
  });

  test('a named targetPort is resolved through the container ports of the selected pods', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'web-mtls', { scope: MtlsScope.workload('bookinfo', web), portLevelMtls: [PortMtls.permissive(8080)] });
    new kplus.Deployment(chart, 'web', {
      metadata: { name: 'web', namespace: 'bookinfo' },
      podMetadata: { labels: { app: 'web' } },
      select: false,
      containers: [{ image: 'example/web:1.0', ports: [{ number: 8080, name: 'http' }], securityContext: { ensureNonRoot: false } }],
    }).select(kplus.LabelSelector.of({ labels: { app: 'web' } }));
    webService(chart, [{ port: 80, targetPort: 'http' }]);
    disablePort80(chart);
    expect(conflicts(chart)).toStrictEqual([]);
  });

  test('an unresolvable named targetPort is compared conservatively: STRICT anywhere conflicts', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'web-mtls', { scope: MtlsScope.workload('bookinfo', web), portLevelMtls: [PortMtls.permissive(8080)] });
    webService(chart, [{ port: 80, targetPort: 'http' }]);
    disablePort80(chart);
    expect(conflicts(chart)).toStrictEqual([expect.stringContaining('(namespace bookinfo, port 80 → workload port unknown), but PeerAuthentication bookinfo/web-mtls (STRICT for workloads app=web)')]);
  });
});

describe('mTLS conflicts: a workload policy hides the broader one only for the pods it selects', () => {
  function chartWith(permissiveSelector: WorkloadSelector): MeshChart {
    const chart = prodChart();
    new StrictMtls(chart, 'bookinfo-mtls', { scope: MtlsScope.namespace('bookinfo') });
    new StrictMtls(chart, 'web-permissive', { scope: MtlsScope.workload('bookinfo', permissiveSelector), mode: MtlsMode.PERMISSIVE });
    webService(chart, [{ port: 80, targetPort: 8080 }]);
    new net.DestinationRule(chart, 'web-dr', {
      metadata: { name: 'web', namespace: 'bookinfo' },
      spec: { host: 'web', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } } },
    });
    return chart;
  }

  test('PERMISSIVE for {app: web, version: v2} leaves the other pods of Service web to the namespace STRICT policy', () => {
    expect(conflicts(chartWith(WorkloadSelector.labels({ app: 'web', version: 'v2' }))))
      .toStrictEqual([expect.stringContaining('(DestinationRule bookinfo/web) DestinationRule sends plaintext (tls.mode DISABLE) to host "web" (namespace bookinfo), but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo)')]);
  });

  test('PERMISSIVE for {app: web}, covering every pod the Service selects, decides alone', () => {
    expect(conflicts(chartWith(web))).toStrictEqual([]);
  });

  test('without the Service in the chart, a selector of exactly app=<service> covers it, a narrower one does not', () => {
    const narrow = prodChart();
    new StrictMtls(narrow, 'mesh');
    new StrictMtls(narrow, 'reviews-v2', { scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ app: 'reviews', version: 'v2' })), mode: MtlsMode.PERMISSIVE });
    new net.DestinationRule(narrow, 'reviews-dr', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { host: 'reviews', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } } },
    });
    expect(conflicts(narrow)).toStrictEqual([expect.stringContaining('but PeerAuthentication istio-system/default (mesh-wide STRICT, root namespace istio-system)')]);

    const whole = prodChart();
    new StrictMtls(whole, 'mesh');
    new StrictMtls(whole, 'reviews', { scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ app: 'reviews' })), mode: MtlsMode.PERMISSIVE });
    new net.DestinationRule(whole, 'reviews-dr', {
      metadata: { name: 'reviews', namespace: 'bookinfo' },
      spec: { host: 'reviews', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } } },
    });
    expect(conflicts(whole)).toStrictEqual([]);
  });
});
