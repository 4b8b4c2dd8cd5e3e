import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import * as net from '../../imports/networking.istio.io';
import {
  Environment, MeshChart, MeshControlPlane, MtlsMode, MtlsScope, PeerMtlsMode, PortMtls, StrictMtls, WorkloadSelector,
} from '../../lib';
import { expectValidManifests } from '../support/validate';
import { findingsOf, meshApp } from '../support/charts';
import { errorOf, find, Obj, prodChart, synthError } from './support';

const reviews = WorkloadSelector.labels({ app: 'reviews' });

describe('StrictMtls output', () => {
  test('defaults to a mesh-wide STRICT policy named "default" in istio-system, without selector (P2)', () => {
    // GIVEN
    const chart = prodChart();
    // WHEN
    new StrictMtls(chart, 'mtls');
    // THEN
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'PeerAuthentication', 'default')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'default', namespace: 'istio-system' },
      spec: { mtls: { mode: 'STRICT' } },
    });
  });

  test('mesh scope follows the control plane namespace', () => {
    const chart = prodChart();
    const cp = new MeshControlPlane(chart, 'control-plane', { namespace: 'mesh-system' });
    new StrictMtls(chart, 'mtls', { scope: MtlsScope.mesh({ controlPlane: cp }) });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'PeerAuthentication', 'default').metadata.namespace).toBe('mesh-system');
  });

  test('namespace scope and PERMISSIVE migration stage', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'legacy', { scope: MtlsScope.namespace('legacy'), mode: MtlsMode.PERMISSIVE });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    const pa = find(objects, 'PeerAuthentication', 'default');
    expect(pa.metadata.namespace).toBe('legacy');
    expect(pa.spec).toStrictEqual({ mtls: { mode: 'PERMISSIVE' } });
  });

  test('workload scope from a cdk8s-plus Deployment, with port-level exceptions sorted by port', () => {
    const chart = prodChart();
    const deployment = new kplus.Deployment(chart, 'reviews', {
      metadata: { namespace: 'bookinfo' },
      select: false,
      podMetadata: { labels: { app: 'reviews' } },
      containers: [{ image: 'reviews:1', portNumber: 9080 }],
    });
    deployment.select(kplus.LabelSelector.of({ labels: { app: 'reviews' } }));
    new StrictMtls(chart, 'reviews-mtls', {
      scope: MtlsScope.fromWorkload(deployment),
      portLevelMtls: [PortMtls.permissive(15090), PortMtls.insecureDisable(9443)],
    });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'PeerAuthentication', 'reviews-mtls')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'reviews-mtls', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'reviews' } },
        mtls: { mode: 'STRICT' },
        portLevelMtls: { 9443: { mode: 'DISABLE' }, 15090: { mode: 'PERMISSIVE' } },
      },
    });
  });

  test('workload scope from a cdk8s-plus-33 StatefulSet, labels read when the policy is made', () => {
    // GIVEN a StatefulSet of cdk8s-plus-33 (what `cdk8s init` installs) whose version label comes after the scope
    const chart = prodChart();
    const db = new kplus33.StatefulSet(chart, 'db', {
      metadata: { namespace: 'data' }, podMetadata: { labels: { app: 'db' } }, containers: [{ image: 'postgres:17', portNumber: 5432 }],
    });
    const scope = MtlsScope.fromWorkload(db);
    db.podMetadata.addLabel('version', 'v17');
    // WHEN
    new StrictMtls(chart, 'db-mtls', { scope, portLevelMtls: [PortMtls.permissive(9187)] });
    // THEN
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'PeerAuthentication', 'db-mtls')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'PeerAuthentication',
      metadata: { name: 'db-mtls', namespace: 'data' },
      spec: { selector: { matchLabels: { app: 'db', version: 'v17' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 9187: { mode: 'PERMISSIVE' } } },
    });
  });

  test('workload scope from a Service or a plain ConfigMap is an error naming it, the parameter and the fix', () => {
    // GIVEN
    const chart = prodChart();
    const service = new kplus33.Service(chart, 'db-svc', { ports: [{ port: 5432 }] });
    const settings = new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    const fix = 'Fix: pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33), '
      + 'or use MtlsScope.workload(namespace, WorkloadSelector.labels({ app: "..." }))';
    // WHEN / THEN
    expect(errorOf(() => MtlsScope.fromWorkload(service)))
      .toBe(`[prod/db-svc] MtlsScope.fromWorkload(workload): "prod/db-svc" is a cdk8s-plus-33 Service, not a cdk8s-plus workload that runs pods. ${fix}`);
    expect(errorOf(() => MtlsScope.fromWorkload(settings)))
      .toBe(`[prod/settings] MtlsScope.fromWorkload(workload): "prod/settings" is an ApiObject of kind ConfigMap, not a cdk8s-plus workload that runs pods. ${fix}`);
  });

  test('mode is what the policy renders: STRICT by default, PERMISSIVE on request, DISABLE through insecureDisableMtls', () => {
    const chart = prodChart();
    const modes = [
      new StrictMtls(chart, 'strict', { scope: MtlsScope.namespace('a') }),
      new StrictMtls(chart, 'permissive', { scope: MtlsScope.namespace('b'), mode: MtlsMode.PERMISSIVE }),
      new StrictMtls(chart, 'off', { scope: MtlsScope.namespace('c'), insecureDisableMtls: true }),
    ].map((m) => m.mode);
    expect(modes).toStrictEqual([PeerMtlsMode.STRICT, PeerMtlsMode.PERMISSIVE, PeerMtlsMode.DISABLE]);
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(['a', 'b', 'c'].map((ns) => find(objects, 'PeerAuthentication', 'default', ns).spec)).toStrictEqual(modes.map((mode) => ({ mtls: { mode } })));
  });

  test('DISABLE only through insecureDisableMtls', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'off', { scope: MtlsScope.namespace('legacy'), insecureDisableMtls: true });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'PeerAuthentication', 'default').spec.mtls.mode).toBe('DISABLE');
    expect(errorOf(() => new StrictMtls(prodChart(), 'm', { mode: MtlsMode.STRICT, insecureDisableMtls: true })))
      .toBe('[prod/m] mode: "STRICT" is set together with insecureDisableMtls. Fix: choose one: a mode, or insecureDisableMtls: true');
    expect(errorOf(() => new StrictMtls(prodChart(), 'm', { mode: 'DISABLE' as MtlsMode })))
      .toMatch(/^\[prod\/m\] mode: "DISABLE" is not an mTLS mode\. Fix: .*insecureDisableMtls: true/);
  });
});

describe('StrictMtls rules', () => {
  test('P1: port-level mTLS needs a workload selector', () => {
    const msg = errorOf(() => new StrictMtls(prodChart(), 'ns', { scope: MtlsScope.namespace('bookinfo'), portLevelMtls: [PortMtls.permissive(8080)] }));
    expect(msg).toBe('[prod/ns] portLevelMtls: [8080] is only allowed with a workload selector, not with namespace scope (Istio rejects port-level mTLS on mesh- and namespace-wide policies). ' +
      'Fix: use scope: MtlsScope.workload(namespace, selector) for the workloads whose ports need an exception');
    expect(errorOf(() => new StrictMtls(prodChart(), 'mesh', { portLevelMtls: [PortMtls.permissive(8080)] })))
      .toMatch(/^\[prod\/mesh\] portLevelMtls: \[8080\] is only allowed with a workload selector, not with mesh scope/);
  });

  test('workload scope: a workload without namespace takes the chart\'s, else fails naming the namespace', () => {
    const deploymentIn = (chart: Chart) => new kplus.Deployment(chart, 'reviews', { podMetadata: { labels: { app: 'reviews' } }, containers: [{ image: 'reviews:1' }] });
    // GIVEN a chart without a namespace and a Deployment without one
    const bare = prodChart();
    // THEN the error says the namespace is missing and how to give it (not "undefined is not a DNS label")
    expect(errorOf(() => new StrictMtls(bare, 'w', { scope: MtlsScope.fromWorkload(deploymentIn(bare)) })))
      .toBe('[prod/w] namespace: undefined is not set, so the object would land in whatever namespace kubectl or the GitOps tool defaults to. ' +
        'Fix: give the namespace, e.g. namespace: "bookinfo" (or set it on the chart or the workload)');
    // GIVEN a chart with a namespace THEN the policy lands there
    const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD, namespace: 'bookinfo' });
    new StrictMtls(chart, 'w', { scope: MtlsScope.fromWorkload(deploymentIn(chart)) });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(find(objects, 'PeerAuthentication', 'w', 'bookinfo').spec).toStrictEqual({ selector: { matchLabels: { app: 'reviews' } }, mtls: { mode: 'STRICT' } });
  });

  test('workload scope: a namespace that differs from the selected workload\'s is an error', () => {
    const chart = prodChart();
    const deployment = new kplus.Deployment(chart, 'reviews', { metadata: { namespace: 'bookinfo' }, podMetadata: { labels: { app: 'reviews' } }, containers: [{ image: 'reviews:1' }] });
    expect(errorOf(() => new StrictMtls(chart, 'w', { scope: MtlsScope.workload('other', WorkloadSelector.fromWorkload(deployment)) })))
      .toMatch(/^\[prod\/w\] namespace: "other" differs from the namespace of the selected workload \("bookinfo"\)/);
  });

  test.each([0, 65536, 80.5])('P1: port %p is rejected', (port) => {
    const msg = errorOf(() => new StrictMtls(prodChart(), 'w', { scope: MtlsScope.workload('bookinfo', reviews), portLevelMtls: [PortMtls.strict(port)] }));
    expect(msg).toBe(`[prod/w] portLevelMtls[0].port: ${port} is not a port number 1–65535. Fix: give the workload (container) port, e.g. 8080`);
  });

  test('P1: duplicate and empty port lists', () => {
    expect(errorOf(() => new StrictMtls(prodChart(), 'w', { scope: MtlsScope.workload('bookinfo', reviews), portLevelMtls: [PortMtls.strict(80), PortMtls.permissive(80)] })))
      .toBe('[prod/w] portLevelMtls[1].port: 80 appears twice. Fix: give each port one mode');
    expect(errorOf(() => new StrictMtls(prodChart(), 'w', { scope: MtlsScope.workload('bookinfo', reviews), portLevelMtls: [] })))
      .toMatch(/^\[prod\/w\] portLevelMtls: \[\] is empty/);
  });

  test('P2: the mesh-wide policy must sit in the control plane\'s root namespace', () => {
    const chart = prodChart();
    new MeshControlPlane(chart, 'control-plane');
    new StrictMtls(chart, 'mtls', { scope: MtlsScope.mesh({ rootNamespace: 'istio-config' }) });
    expect(synthError(chart)).toContain('[prod/mtls] scope: "mesh (istio-config)" is not the root namespace of control plane prod/control-plane ("istio-system"), ' +
      'so this policy would only cover namespace "istio-config". Fix: use MtlsScope.mesh({ controlPlane }) so the policy follows the control plane');
  });

  test('P2: with several control planes, the error names the first one in the construct tree', () => {
    // GIVEN a control plane inside a construct added first, and one at the chart's root created before it
    const chart = prodChart();
    const platform = new Construct(chart, 'platform');
    new MeshControlPlane(chart, 'control-plane');
    new MeshControlPlane(platform, 'canary', { namespace: 'istio-canary', revision: 'canary' });
    // WHEN
    new StrictMtls(chart, 'mtls', { scope: MtlsScope.mesh({ rootNamespace: 'istio-config' }) });
    // THEN
    expect(synthError(chart)).toContain('[prod/mtls] scope: "mesh (istio-config)" is not the root namespace of control plane prod/platform/canary ("istio-canary"), ');
  });

  test('P2: rootNamespace that contradicts the given control plane fails at once', () => {
    const chart = prodChart();
    const cp = new MeshControlPlane(chart, 'control-plane');
    expect(errorOf(() => new StrictMtls(chart, 'mtls', { scope: MtlsScope.mesh({ controlPlane: cp, rootNamespace: 'other' }) })))
      .toMatch(/^\[prod\/mtls\] scope\.rootNamespace: "other" is not the root namespace of control plane prod\/control-plane \("istio-system"\)/);
  });

  test('P2: a namespace-wide policy in the root namespace is really mesh-wide, and must say so', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'mtls', { scope: MtlsScope.namespace('istio-system') });
    expect(synthError(chart)).toContain('[prod/mtls] scope: "namespace istio-system" is the mesh root namespace, where a policy without selector applies to the whole mesh. Fix: use MtlsScope.mesh() to say so');
  });

  test('A4: workload selector labels are checked', () => {
    expect(errorOf(() => new StrictMtls(prodChart(), 'w', { scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ app: '*' })) })))
      .toBe('[prod/w] scope.selector: {"app":"*"} has an empty key or a wildcard (Istio selectors match exact labels). Fix: use exact label keys and values');
  });

  test('two mesh-wide or two namespace-wide policies conflict (CDK8S-ISTIO-030)', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'a');
    new StrictMtls(chart, 'b', { name: 'other' });
    new StrictMtls(chart, 'c', { scope: MtlsScope.namespace('bookinfo') });
    new StrictMtls(chart, 'd', { scope: MtlsScope.namespace('bookinfo'), name: 'second' });
    expect(findingsOf(chart, 'CDK8S-ISTIO-030')).toStrictEqual([
      ...['c:default', 'd:second'].map((x) => x.split(':')).map(([id, name]) => 'Error [CDK8S-ISTIO-030] (PeerAuthentication bookinfo/' + name + ') '
        + 'The PeerAuthentications [default second] in namespace "bookinfo" have no workload selector: istiod applies only the oldest as the namespace-wide policy and ignores the others. '
        + 'Fix: keep one namespace-wide PeerAuthentication in namespace "bookinfo" (merge their modes into one), or give the others a selector [construct prod/' + id + ']'),
      ...['a:default', 'b:other'].map((x) => x.split(':')).map(([id, name]) => 'Error [CDK8S-ISTIO-030] (PeerAuthentication istio-system/' + name + ') '
        + 'The PeerAuthentications [default other] in namespace "istio-system" have no workload selector: istiod applies only the oldest as the mesh-wide policy and ignores the others. '
        + 'Fix: keep one mesh-wide PeerAuthentication in namespace "istio-system" (merge their modes into one), or give the others a selector [construct prod/' + id + ']'),
    ]);
  });
});

describe('StrictMtls vs DestinationRule tls DISABLE (the analyzer, CDK8S-ISTIO-003)', () => {
  function disablingRule(chart: ReturnType<typeof prodChart>, id: string, spec: net.DestinationRuleSpec, namespace = 'bookinfo'): net.DestinationRule {
    return new net.DestinationRule(chart, id, { metadata: { name: id, namespace }, spec });
  }

  test('mesh STRICT + DestinationRule DISABLE for a short host: names both paths, the host and the fix', () => {
    // GIVEN
    const chart = prodChart();
    new StrictMtls(chart, 'mtls');
    // WHEN
    disablingRule(chart, 'reviews-dr', { host: 'reviews', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } } });
    // THEN
    expect(findingsOf(chart, 'CDK8S-ISTIO-003')).toStrictEqual(['Error [CDK8S-ISTIO-003] (DestinationRule bookinfo/reviews-dr) '
      + 'DestinationRule sends plaintext (tls.mode DISABLE) to host "reviews" (namespace bookinfo), but PeerAuthentication istio-system/default (mesh-wide STRICT, root namespace istio-system) '
      + 'makes those workloads accept mutual TLS only, so every request fails (spec.trafficPolicy.tls.mode). '
      + 'Fix: drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or make PeerAuthentication istio-system/default PERMISSIVE '
      + '(StrictMtls mode: MtlsMode.PERMISSIVE) while plaintext clients remain [construct prod/reviews-dr]']);
  });

  test('port-level and subset DISABLE are found too, with FQDN hosts', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'bookinfo-mtls', { scope: MtlsScope.namespace('bookinfo') });
    disablingRule(chart, 'ratings-dr', {
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, tls: { mode: net.DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.DISABLE } }] },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: { tls: { mode: net.DestinationRuleSpecSubsetsTrafficPolicyTlsMode.DISABLE } } }],
    }, 'frontend');
    const found = findingsOf(chart, 'CDK8S-ISTIO-003');
    expect(found).toHaveLength(2);
    expect(found[0]).toContain('(DestinationRule frontend/ratings-dr) DestinationRule sends plaintext (tls.mode DISABLE) to host "ratings.bookinfo.svc.cluster.local" (namespace bookinfo), '
      + 'but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo) makes those workloads accept mutual TLS only, so every request fails (spec.subsets[0].trafficPolicy.tls.mode).');
    expect(found[1]).toContain('to host "ratings.bookinfo.svc.cluster.local" (namespace bookinfo, port 9080), but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo) '
      + 'makes those workloads accept mutual TLS only, so every request fails (spec.trafficPolicy.portLevelSettings[0].tls.mode).');
  });

  test('a DestinationRule made by any construct (plain ApiObject) is checked', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'mtls');
    new ApiObject(chart, 'raw-dr', {
      apiVersion: 'networking.istio.io/v1beta1', kind: 'DestinationRule', metadata: { name: 'all', namespace: 'bookinfo' },
      spec: { host: '*.bookinfo.svc.cluster.local', trafficPolicy: { tls: { mode: 'DISABLE' } } },
    } as never);
    expect(findingsOf(chart, 'CDK8S-ISTIO-003')).toStrictEqual([expect.stringContaining('(DestinationRule bookinfo/all) DestinationRule sends plaintext (tls.mode DISABLE) '
      + 'to host "*.bookinfo.svc.cluster.local" (namespace bookinfo), but PeerAuthentication istio-system/default (mesh-wide STRICT, root namespace istio-system)')]);
  });

  test('no conflict: PERMISSIVE, a more specific non-STRICT policy, a port exception, or a host outside the mesh', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'mtls');
    new StrictMtls(chart, 'legacy', { scope: MtlsScope.namespace('legacy'), mode: MtlsMode.PERMISSIVE });
    new StrictMtls(chart, 'reviews', { scope: MtlsScope.workload('bookinfo', reviews), mode: MtlsMode.PERMISSIVE });
    new StrictMtls(chart, 'ratings', { scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ app: 'ratings' })), portLevelMtls: [PortMtls.permissive(9080)] });
    const tlsOff = { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } };
    disablingRule(chart, 'legacy-dr', { host: 'app', trafficPolicy: tlsOff }, 'legacy');
    disablingRule(chart, 'reviews-dr', { host: 'reviews', trafficPolicy: tlsOff });
    disablingRule(chart, 'ratings-dr', {
      host: 'ratings',
      trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, tls: { mode: net.DestinationRuleSpecTrafficPolicyPortLevelSettingsTlsMode.DISABLE } }] },
    });
    disablingRule(chart, 'external-dr', { host: 'api.example.com', trafficPolicy: tlsOff });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    expect(objects.filter((o) => o.kind === 'DestinationRule')).toHaveLength(4);
    expect(findingsOf(chart, 'CDK8S-ISTIO-003')).toStrictEqual([]);
  });

  test('a STRICT workload policy still conflicts under a PERMISSIVE mesh, matched through the chart\'s Service', () => {
    const chart = prodChart();
    new StrictMtls(chart, 'mtls', { mode: MtlsMode.PERMISSIVE });
    new StrictMtls(chart, 'details', { scope: MtlsScope.workload('bookinfo', WorkloadSelector.labels({ component: 'details', tier: 'backend' })) });
    new kplus.Service(chart, 'details-svc', {
      metadata: { name: 'details', namespace: 'bookinfo' },
      selector: kplus.Pods.select(chart, 'details-pods', { labels: { component: 'details' } }),
      ports: [{ port: 9080 }],
    });
    disablingRule(chart, 'details-dr', { host: 'details', trafficPolicy: { tls: { mode: net.DestinationRuleSpecTrafficPolicyTlsMode.DISABLE } } });
    expect(findingsOf(chart, 'CDK8S-ISTIO-003')).toStrictEqual([expect.stringContaining('(DestinationRule bookinfo/details-dr) DestinationRule sends plaintext (tls.mode DISABLE) to host "details" (namespace bookinfo), '
      + 'but PeerAuthentication bookinfo/details (STRICT for workloads component=details,tier=backend)')]);
  });
});
