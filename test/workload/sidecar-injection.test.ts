import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { DataPlaneMode, Environment, MeshControlPlane, MeshNamespace, SidecarInjection, SidecarResources } from '../../lib';
import { analyzed, errorOf, find, meshChart, synthError, synthValid } from '../support/charts';

const deployment = (chart: any, id: string, namespace = 'shop') => new kplus.Deployment(chart, id, {
  metadata: { name: id, namespace },
  podMetadata: { labels: { app: id } },
  containers: [{ image: `registry.example.com/${id}:1`, portNumber: 8080 }],
});

describe('SidecarInjection', () => {
  test('labels and annotations land on the pod template, with the environment\'s optimized preset', () => {
    // GIVEN a revisioned control plane and its namespace in PROD
    const chart = meshChart(Environment.PROD);
    const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
    new MeshNamespace(chart, 'shop', { controlPlane });
    const reviews = deployment(chart, 'reviews');
    // WHEN the workload is put in the mesh with the optimized preset and a held start
    new SidecarInjection(chart, 'reviews-sidecar', {
      workload: reviews,
      controlPlane,
      resources: SidecarResources.OPTIMIZED,
      proxyConfig: { holdApplicationUntilProxyStarts: true, concurrency: 2, terminationDrainDuration: Duration.seconds(20) },
    });
    const objs = synthValid(chart);
    // THEN the pod template carries them, the Deployment's own metadata does not
    const d = find(objs, 'Deployment', 'reviews', 'shop');
    expect(d.metadata.labels).toBeUndefined();
    expect(d.metadata.annotations).toBeUndefined();
    expect(d.spec.template.metadata.labels).toStrictEqual({
      'app': 'reviews', 'cdk8s.io/metadata.addr': 'prod-reviews-c8c855f4', 'istio.io/rev': '1-30-3', 'sidecar.istio.io/inject': 'true',
    });
    expect(d.spec.template.metadata.annotations).toStrictEqual({
      'proxy.istio.io/config': '{"concurrency":2,"holdApplicationUntilProxyStarts":true,"terminationDrainDuration":"20s"}',
      'sidecar.istio.io/proxyCPU': '50m',
      'sidecar.istio.io/proxyCPULimit': '500m',
      'sidecar.istio.io/proxyMemory': '64Mi',
      'sidecar.istio.io/proxyMemoryLimit': '256Mi',
    });
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('SidecarResources.ENVIRONMENT takes the environment\'s default preset (STAGING)', () => {
    const chart = meshChart(Environment.STAGING);
    new MeshControlPlane(chart, 'control-plane', {});
    new MeshNamespace(chart, 'shop', {});
    const api = deployment(chart, 'api');
    new SidecarInjection(chart, 'api-sidecar', { workload: api, resources: SidecarResources.ENVIRONMENT });
    const template = find(synthValid(chart), 'Deployment', 'api', 'shop').spec.template.metadata;
    expect(template.annotations).toStrictEqual({
      'sidecar.istio.io/proxyCPU': '100m', 'sidecar.istio.io/proxyCPULimit': '1', 'sidecar.istio.io/proxyMemory': '128Mi', 'sidecar.istio.io/proxyMemoryLimit': '512Mi',
    });
    expect(template.labels['sidecar.istio.io/inject']).toBe('true');
  });

  test('inject: false opts a pod out; with proxy settings it is refused', () => {
    const chart = meshChart(Environment.DEV);
    new MeshControlPlane(chart, 'control-plane', {});
    new MeshNamespace(chart, 'shop', {});
    const job = deployment(chart, 'migrate');
    new SidecarInjection(chart, 'migrate-out', { workload: job, inject: false });
    expect(find(synthValid(chart), 'Deployment', 'migrate', 'shop').spec.template.metadata.labels['sidecar.istio.io/inject']).toBe('false');
    expect(errorOf(() => new SidecarInjection(chart, 'bad', { workload: deployment(chart, 'other'), inject: false, resources: SidecarResources.OPTIMIZED })))
      .toBe('[dev/bad] resources: SidecarResources {"choice":"optimized"} configures a sidecar, but inject is false, so the pods get none. Fix: drop resources, or leave inject out to give the pods a sidecar');
  });

  test('contradictions with the namespace are refused at synth', () => {
    // GIVEN namespaces of another revision, of the default revision, and one with injection disabled
    const chart = meshChart(Environment.PROD);
    const old = new MeshControlPlane(chart, 'old', { revision: '1-29-0' });
    const next = new MeshControlPlane(chart, 'next', { revision: '1-30-3' });
    new MeshNamespace(chart, 'shop', { controlPlane: old });
    new SidecarInjection(chart, 'wrong-rev', { workload: deployment(chart, 'a'), controlPlane: next });
    expect(synthError(chart)).toContain('[prod/wrong-rev] controlPlane: "1-30-3" differs from the revision of namespace "shop" (prod/shop) (istio.io/rev=1-29-0), so two control planes would claim the pods. '
      + 'Fix: drop controlPlane here (the namespace\'s revision 1-29-0 injects the pods), or move the namespace to revision 1-30-3');

    const chart2 = meshChart(Environment.PROD);
    new MeshNamespace(chart2, 'off', { mode: DataPlaneMode.NONE });
    new SidecarInjection(chart2, 'in-off', { workload: deployment(chart2, 'b', 'off') });
    expect(synthError(chart2)).toContain('[prod/in-off] inject: true asks for a sidecar in namespace "off" (prod/off), which is labelled istio-injection=disabled: the injector skips its pods. '
      + 'Fix: make the namespace a sidecar or ambient MeshNamespace, or set inject: false');

    const chart3 = meshChart(Environment.PROD);
    const cp = new MeshControlPlane(chart3, 'cp', { revision: '1-30-3' });
    new MeshNamespace(chart3, 'default-rev', {});
    new SidecarInjection(chart3, 'rev-in-default', { workload: deployment(chart3, 'c', 'default-rev'), controlPlane: cp });
    expect(synthError(chart3)).toContain('[prod/rev-in-default] controlPlane: "1-30-3" names a revision in namespace "default-rev" (prod/default-rev), which is labelled istio-injection=enabled');
  });

  test('a label the workload already sets differently, and anything that is no workload, are refused', () => {
    const chart = meshChart(Environment.PROD);
    const d = new kplus.Deployment(chart, 'x', { metadata: { namespace: 'shop' }, podMetadata: { labels: { 'sidecar.istio.io/inject': 'false' } }, containers: [{ image: 'x:1' }] });
    expect(errorOf(() => new SidecarInjection(chart, 'x-in', { workload: d })))
      .toBe('[prod/x-in] workload: "prod/x" already has the pod label sidecar.istio.io/inject=false, which this would set to true. Fix: drop sidecar.istio.io/inject from the workload\'s podMetadata and let SidecarInjection set it');
    const svc = new kplus.Service(chart, 'svc', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] });
    expect(errorOf(() => new SidecarInjection(chart, 'svc-in', { workload: svc })))
      .toMatch(/^\[prod\/svc-in\] workload: "prod\/svc" is a cdk8s-plus-27 Service, not a cdk8s-plus workload that runs pods\. Fix: pass a Deployment/);
    expect(errorOf(() => new SidecarInjection(chart, 'empty', { workload: deployment(chart, 'y'), proxyConfig: {} })))
      .toBe('[prod/empty] proxyConfig: {} sets no field. Fix: set holdApplicationUntilProxyStarts, concurrency or terminationDrainDuration, or drop proxyConfig');
  });
});
