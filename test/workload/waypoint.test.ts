import * as kplus from 'cdk8s-plus-27';
import { parse } from 'yaml';
import {
  AuthorizationPolicy, AutoscalingSetting, DataPlaneMode, DisruptionBudgetSetting, Environment, HttpMethod, InstallProfile, ManifestValidator,
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
});
