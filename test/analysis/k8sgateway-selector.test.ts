import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'other'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

function objectsOf(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
}

/** `Kind ns/name: message` of each IST0166 finding on `yaml`. */
function ineffective(yaml: string, external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objectsOf(yaml), { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0166').map((f) => `${f.kind} ${f.namespace}/${f.name}`);
}

const POLICIES = `
apiVersion: security.istio.io/v1
kind: RequestAuthentication
metadata: { namespace: default, name: ra-ineffective }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: ap-ineffective }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } } }
---
apiVersion: extensions.istio.io/v1alpha1
kind: WasmPlugin
metadata: { name: wasmplugin-ineffective, namespace: default }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } }, url: oci://example/plugin:1 }
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: telemetry-ineffective, namespace: default }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } } }
---
apiVersion: telemetry.istio.io/v1
kind: Telemetry
metadata: { name: telemetry-effective, namespace: default }
spec:
  selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } }
  targetRef: { group: gateway.networking.k8s.io, kind: Gateway, name: bookinfo-gateway }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: ap-target-refs }
spec: { targetRefs: [{ group: gateway.networking.k8s.io, kind: Gateway, name: bookinfo-gateway }], action: DENY, rules: [{}] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: other, name: ap-other-namespace }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } } }
---`;

const EXPECTED = [
  'AuthorizationPolicy default/ap-ineffective', 'RequestAuthentication default/ra-ineffective', 'Telemetry default/telemetry-ineffective',
  'WasmPlugin default/wasmplugin-ineffective',
];

describe('k8sgateway.selector (IST0166)', () => {
  test('policies selecting the pods of a Kubernetes Gateway with a selector (Istio\'s testdata)', () => {
    const pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'bookinfo-gateway-istio-1', namespace: 'default', labels: { 'gateway.networking.k8s.io/gateway-name': 'bookinfo-gateway' } } };
    expect(ineffective(POLICIES, [pod])).toStrictEqual(EXPECTED);
  });

  test('the finding in full', () => {
    const objects = objectsOf(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bookinfo-gateway, namespace: default }
spec: { gatewayClassName: istio, listeners: [{ name: http, port: 80, protocol: HTTP }] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: ap }
spec: { selector: { matchLabels: { gateway.networking.k8s.io/gateway-name: bookinfo-gateway } } }
`);
    expect(MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings.filter((f) => f.code === 'IST0166')).toStrictEqual([{
      code: 'IST0166', messageName: 'IneffectiveSelector', level: 'Warning', apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', namespace: 'default', name: 'ap',
      field: 'spec.selector',
      message: 'Ineffective selector on Kubernetes Gateway bookinfo-gateway. Use the TargetRef field instead (spec.selector). Fix: replace the selector with targetRefs: '
        + '[{ group: gateway.networking.k8s.io, kind: Gateway, name: bookinfo-gateway }]',
    }]);
  });

  test('istiod deploys pods for Gateways of its classes, labelled with the Gateway\'s name, class and infrastructure labels', () => {
    const gateway = (name: string, gatewayClass: string, extra = '') => `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: default }
spec: { gatewayClassName: ${gatewayClass}, listeners: [{ name: http, port: 80, protocol: HTTP }] ${extra} }
---`;
    expect(ineffective(POLICIES + gateway('bookinfo-gateway', 'istio'))).toStrictEqual(EXPECTED);
    // A class of another controller, or a Gateway pointing at a gateway deployed by hand, gets no pods from istiod.
    expect(ineffective(POLICIES + gateway('bookinfo-gateway', 'envoy'))).toStrictEqual([]);
    expect(ineffective(POLICIES + gateway('bookinfo-gateway', 'istio', ', addresses: [{ type: Hostname, value: ingress.default.svc.cluster.local }]'))).toStrictEqual([]);
    // A GatewayClass of istiod's controller, and the infrastructure labels.
    expect(ineffective(`${gateway('edge', 'company', ', infrastructure: { labels: { team: edge } }')}
apiVersion: gateway.networking.k8s.io/v1
kind: GatewayClass
metadata: { name: company }
spec: { controllerName: istio.io/gateway-controller }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: by-team }
spec: { selector: { matchLabels: { team: edge } } }
`)).toStrictEqual(['AuthorizationPolicy default/by-team']);
  });

  test('selectors that pick other pods, and malformed policies, are not reported', () => {
    expect(ineffective(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bookinfo-gateway, namespace: default }
spec: { gatewayClassName: istio }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: reviews }
spec: { selector: { matchLabels: { app: reviews } } }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: odd }
spec: { selector: [1] }
---
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { namespace: default, name: no-spec }
`)).toStrictEqual([]);
  });
});
