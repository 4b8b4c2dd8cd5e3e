import * as kplus from 'cdk8s-plus-27';
import { parse } from 'yaml';
import {
  AntiAffinityMode, AuthorizationPolicy, AutoscalingSetting, DataPlaneMode, DisruptionBudgetSetting, Environment, HttpMethod, InstallProfile, ManifestValidator,
  MeshControlPlane, MeshNamespace, PolicyTargetRef, Principal, Waypoint, WaypointTraffic,
} from '../../lib';
import { analyzed, errorOf, find, meshChart, Obj, synthValid } from '../support/charts';

/** The objects istiod would deploy for a waypoint with the ConfigMap's overlays merged in (a plain deep merge: the overlays only add). */
function merged(base: Record<string, any>, overlay: Record<string, any>): Record<string, any> {
  const out: Record<string, any> = { ...base };
  for (const [k, v] of Object.entries(overlay)) {
    out[k] = typeof v === 'object' && v !== null && !Array.isArray(v) && typeof base[k] === 'object' ? merged(base[k], v) : v;
  }
  return out;
}

describe('Waypoint', () => {
  test('PROD: a Gateway of class istio-waypoint with the HBONE listener, sized through its parameters ConfigMap', () => {
    // GIVEN an ambient namespace in PROD
    const chart = meshChart(Environment.PROD);
    new MeshControlPlane(chart, 'control-plane', { profile: InstallProfile.AMBIENT });
    // WHEN a waypoint is created and the namespace uses it
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: 'shop' });
    new MeshNamespace(chart, 'shop', { mode: DataPlaneMode.AMBIENT, useWaypoint: waypoint });
    const objs = synthValid(chart);

    // THEN the Gateway is Istio's waypoint shape
    expect(find(objs, 'Gateway', 'waypoint', 'shop')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'waypoint', namespace: 'shop', labels: { 'istio.io/waypoint-for': 'service' } },
      spec: {
        gatewayClassName: 'istio-waypoint',
        listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }],
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'waypoint-parameters' } },
      },
    });
    // AND the namespace is ambient and uses it
    expect(find(objs, 'Namespace', 'shop').metadata.labels).toStrictEqual({ 'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'waypoint' });
    // AND the ConfigMap carries PROD's waypoint sizing as istiod's overlays
    const cm = find(objs, 'ConfigMap', 'waypoint-parameters', 'shop');
    expect(Object.keys(cm.data).sort()).toStrictEqual(['deployment', 'horizontalPodAutoscaler', 'podDisruptionBudget']);
    expect(parse(cm.data.deployment)).toStrictEqual({
      spec: {
        template: {
          spec: {
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [{
                  weight: 100,
                  podAffinityTerm: { labelSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } }, topologyKey: 'topology.kubernetes.io/zone' },
                }],
              },
            },
            containers: [{ name: 'istio-proxy', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } } }],
          },
        },
      },
    });
    expect(parse(cm.data.horizontalPodAutoscaler)).toStrictEqual({
      spec: { minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] },
    });
    expect(parse(cm.data.podDisruptionBudget)).toStrictEqual({ spec: { minAvailable: 1 } });
    // AND the analyzer finds nothing
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('DEV: one replica, no HPA or PDB; overlays that merge into valid Kubernetes objects', () => {
    // GIVEN DEV, and sizing overrides
    const chart = meshChart(Environment.DEV);
    new MeshControlPlane(chart, 'control-plane', { profile: InstallProfile.AMBIENT });
    // WHEN a waypoint for all traffic is created with its own sizing
    new Waypoint(chart, 'shop-waypoint', {
      namespace: 'shop', trafficType: WaypointTraffic.ALL,
      sizing: { replicas: 2, autoscaling: AutoscalingSetting.NONE, podDisruptionBudget: DisruptionBudgetSetting.minAvailable(1) },
    });
    new MeshNamespace(chart, 'shop', { mode: DataPlaneMode.AMBIENT });
    const objs = synthValid(chart);
    // THEN the label says all, and the ConfigMap has the deployment and PDB overlays only
    expect(find(objs, 'Gateway', 'shop-waypoint', 'shop').metadata.labels).toStrictEqual({ 'istio.io/waypoint-for': 'all' });
    const cm = find(objs, 'ConfigMap', 'shop-waypoint-parameters', 'shop');
    expect(parse(cm.data.deployment)).toStrictEqual({
      spec: { replicas: 2, template: { spec: { containers: [{ name: 'istio-proxy', resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } } }] } } },
    });
    expect(Object.keys(cm.data).sort()).toStrictEqual(['deployment', 'podDisruptionBudget']);
    // AND each overlay, merged into the object istiod's template makes, passes the Kubernetes schema
    const meta = { name: 'shop-waypoint', namespace: 'shop' };
    const selector = { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'shop-waypoint' } };
    const deployment = merged({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta,
      spec: { selector, template: { metadata: { labels: selector.matchLabels }, spec: { serviceAccountName: 'shop-waypoint' } } },
    }, parse(cm.data.deployment));
    deployment.spec.template.spec.containers[0].image = 'auto';
    const pdb = merged({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: meta, spec: { selector } }, parse(cm.data.podDisruptionBudget));
    expect(ManifestValidator.validateAll([deployment, pdb])).toStrictEqual([]);
  });

  test('PROD HPA overlay merges into a valid HorizontalPodAutoscaler', () => {
    const chart = meshChart(Environment.PROD);
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: 'shop' });
    const hpa = merged({
      apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'waypoint', namespace: 'shop' },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'waypoint' }, maxReplicas: 1 },
    }, parse(synthValid(chart).find((o: Obj) => o.kind === 'ConfigMap')!.data.horizontalPodAutoscaler));
    expect(hpa.spec.minReplicas).toBe(waypoint.sizing.autoscaling!.minReplicas);
    expect(ManifestValidator.validateAll([hpa])).toStrictEqual([]);
  });

  test('a namespace elsewhere that uses the waypoint is admitted by name, and a Service is labelled', () => {
    // GIVEN a waypoint in a shared namespace
    const chart = meshChart(Environment.STAGING);
    new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3', profile: InstallProfile.AMBIENT });
    const waypoint = new Waypoint(chart, 'shared', { namespace: 'mesh-waypoints' });
    new MeshNamespace(chart, 'mesh-waypoints', { mode: DataPlaneMode.AMBIENT });
    // WHEN a namespace and a Service of a third namespace use it
    new MeshNamespace(chart, 'shop', { mode: DataPlaneMode.AMBIENT, useWaypoint: waypoint });
    new MeshNamespace(chart, 'cart', { mode: DataPlaneMode.AMBIENT });
    const svc = new kplus.Service(chart, 'cart-svc', { metadata: { name: 'cart', namespace: 'cart' }, ports: [{ name: 'http', port: 8080 }] });
    waypoint.useForService(svc);
    const objs = synthValid(chart);
    // THEN the listener admits exactly those namespaces
    expect(find(objs, 'Gateway', 'shared', 'mesh-waypoints').spec.listeners).toStrictEqual([{
      name: 'mesh', port: 15008, protocol: 'HBONE',
      allowedRoutes: { namespaces: { from: 'Selector', selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['mesh-waypoints', 'cart', 'shop'] }] } } },
    }]);
    expect(find(objs, 'Namespace', 'shop').metadata.labels).toStrictEqual({
      'istio.io/dataplane-mode': 'ambient', 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'mesh-waypoints',
    });
    expect(find(objs, 'Service', 'cart', 'cart').metadata.labels).toStrictEqual({ 'istio.io/use-waypoint': 'shared', 'istio.io/use-waypoint-namespace': 'mesh-waypoints' });
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('an L7 AuthorizationPolicy targets the waypoint and lands in its namespace', () => {
    // GIVEN an ambient namespace with a waypoint
    const chart = meshChart(Environment.PROD);
    new MeshControlPlane(chart, 'control-plane', { profile: InstallProfile.AMBIENT });
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: 'shop' });
    new MeshNamespace(chart, 'shop', { mode: DataPlaneMode.AMBIENT, useWaypoint: waypoint });
    // WHEN a policy targets it
    new AuthorizationPolicy(chart, 'api-get', {
      targetRefs: [PolicyTargetRef.waypoint(waypoint)],
      rules: [{ from: [{ principals: [Principal.of('shop', 'web')] }], to: [{ methods: [HttpMethod.GET], paths: ['/api/*'] }] }],
    });
    // THEN it names the Gateway and sits in the waypoint's namespace
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'api-get')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'api-get', namespace: 'shop' },
      spec: {
        action: 'ALLOW',
        targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
        rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'], paths: ['/api/*'] } }] }],
      },
    });
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('refusals: a sidecar namespace, a waypoint for no traffic, a policy elsewhere, a Service that is none', () => {
    const chart = meshChart(Environment.PROD);
    const waypoint = new Waypoint(chart, 'waypoint', { namespace: 'shop' });
    expect(errorOf(() => new MeshNamespace(chart, 'sidecars', { useWaypoint: waypoint })))
      .toBe('[prod/sidecars] useWaypoint: "prod/waypoint" is set on a namespace in sidecar mode; waypoints serve ambient workloads only (sidecars do their own L7). Fix: set mode: DataPlaneMode.AMBIENT, or drop useWaypoint');
    const idle = new Waypoint(chart, 'idle', { namespace: 'shop', trafficType: WaypointTraffic.NONE });
    expect(errorOf(() => new MeshNamespace(chart, 'amb', { mode: DataPlaneMode.AMBIENT, useWaypoint: idle })))
      .toBe('[prod/amb] useWaypoint: "prod/idle" is a waypoint for no traffic (WaypointTraffic.NONE), so using it changes nothing. Fix: create the waypoint with trafficType SERVICE, WORKLOAD or ALL');
    expect(errorOf(() => new AuthorizationPolicy(chart, 'elsewhere', {
      namespace: 'cart', targetRefs: [PolicyTargetRef.waypoint(waypoint)], rules: [{ to: [{ methods: [HttpMethod.GET] }] }],
    }))).toBe('[prod/elsewhere] namespace: "cart" differs from the namespace of the target waypoint ("shop"); Istio applies it in its own namespace only. Fix: leave namespace out or set it to "shop"');
    const cm = new kplus.ConfigMap(chart, 'cm', { metadata: { namespace: 'shop' } });
    expect(errorOf(() => waypoint.useForService(cm)))
      .toBe('[prod/waypoint] useForService(service): "prod/cm" is a cdk8s-plus-27 ConfigMap, not a cdk8s-plus Service. Fix: pass a cdk8s-plus Service (any 2x version); namespaces use a waypoint with MeshNamespace\'s useWaypoint');
    expect(errorOf(() => new Waypoint(chart, 'none', { namespace: 'shop' })))
      .toBe('[prod/none] name: "none" is the word Istio reserves in istio.io/use-waypoint for "no waypoint". Fix: name the waypoint with lowercase letters, digits and "-", starting with a letter, e.g. "waypoint"');
    expect(errorOf(() => PolicyTargetRef.waypoint(cm as any)))
      .toBe('PolicyTargetRef.waypoint(waypoint): "prod/cm" is not a Waypoint. Fix: pass the Waypoint construct, or PolicyTargetRef.gateway("name") for a waypoint this program does not define');
  });

  test('required anti-affinity without an HPA: replicas, one-at-a-time rollouts and a required term, still a valid Deployment', () => {
    // GIVEN sizing overrides with required node anti-affinity and three fixed replicas
    const chart = meshChart(Environment.PROD);
    new Waypoint(chart, 'waypoint', {
      namespace: 'shop',
      sizing: { replicas: 3, autoscaling: AutoscalingSetting.NONE, antiAffinity: { mode: AntiAffinityMode.REQUIRED, topologyKey: 'kubernetes.io/hostname' } },
    });
    // WHEN synthesized
    const cm = find(synthValid(chart), 'ConfigMap', 'waypoint-parameters', 'shop');
    // THEN no HPA overlay, and the deployment overlay pins the replicas and replaces pods one at a time
    expect(Object.keys(cm.data).sort()).toStrictEqual(['deployment', 'podDisruptionBudget']);
    const overlay = parse(cm.data.deployment);
    expect(overlay.spec.replicas).toBe(3);
    expect(overlay.spec.strategy).toStrictEqual({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(overlay.spec.template.spec.affinity).toStrictEqual({
      podAntiAffinity: {
        requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } }, topologyKey: 'kubernetes.io/hostname' }],
      },
    });
    const selector = { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } };
    const deployment = merged({
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'waypoint', namespace: 'shop' },
      spec: { selector, template: { metadata: { labels: selector.matchLabels }, spec: {} } },
    }, overlay);
    deployment.spec.template.spec.containers[0].image = 'auto';
    expect(ManifestValidator.validateAll([deployment])).toStrictEqual([]);
  });

  test('sizing that breaks the rules is refused under the construct path', () => {
    const chart = meshChart(Environment.PROD);
    expect(errorOf(() => new Waypoint(chart, 'waypoint', { namespace: 'shop', sizing: { podDisruptionBudget: DisruptionBudgetSetting.minAvailable(2) } })))
      .toBe('[prod/waypoint] sizing.podDisruptionBudget.minAvailable: 2 is not below the HPA minimum (2), so no pod could ever be evicted and node drains would hang. '
        + 'Fix: set minAvailable below 2, raise the replicas, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });
});
