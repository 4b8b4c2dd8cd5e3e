/**
 * The pods istiod deploys for Kubernetes Gateways: names and labels as istiod 1.30 gives them.
 */
import { AnalysisContext } from '../../lib/analysis/context';
import { installedPods } from '../../lib/analysis/installed-pods';

const gateway = (name: string, gatewayClassName: string) => ({
  apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name, namespace: 'pay' },
  spec: { gatewayClassName, listeners: [{ name: 'mesh', port: 15008, protocol: 'HBONE' }] },
});

describe('installed pods of Kubernetes Gateways', () => {
  test('a waypoint runs under its own name (no class suffix) with the mesh controller label; an istio Gateway with the suffix', () => {
    const ctx = new AnalysisContext({ objects: [{ object: gateway('waypoint', 'istio-waypoint') }, { object: gateway('edge', 'istio') }], external: [], defaultNamespace: 'default' });
    expect(installedPods(ctx).map((p) => ({ sa: p.serviceAccount, labels: p.labels }))).toStrictEqual([
      {
        sa: 'waypoint',
        labels: {
          'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': 'waypoint', 'service.istio.io/canonical-revision': 'latest',
          'gateway.networking.k8s.io/gateway-name': 'waypoint', 'gateway.networking.k8s.io/gateway-class-name': 'istio-waypoint', 'gateway.istio.io/managed': 'istio.io-mesh-controller',
        },
      },
      {
        sa: 'edge-istio',
        labels: {
          'sidecar.istio.io/inject': 'false', 'service.istio.io/canonical-name': 'edge-istio', 'service.istio.io/canonical-revision': 'latest',
          'gateway.networking.k8s.io/gateway-name': 'edge', 'gateway.networking.k8s.io/gateway-class-name': 'istio', 'gateway.istio.io/managed': 'istio.io-gateway-controller',
        },
      },
    ]);
  });
});
