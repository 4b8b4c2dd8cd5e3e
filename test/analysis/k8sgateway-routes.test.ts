import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['istio-ingress', 'bookinfo'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

/** The findings with `codes` on the objects of `yaml`, as istioctl prints them, sorted (compare with a sorted list). */
function findings(yaml: string, codes: string[]): string[] {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
  return MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings.filter((f) => codes.includes(f.code)).map((f) => MeshAnalyzer.format([f])).sort();
}

const GATEWAY = `
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bookinfo-gateway, namespace: istio-ingress }
spec:
  gatewayClassName: istio
  listeners: [{ name: http, port: 80, protocol: HTTP, hostname: bookinfo.example.com }]
---
apiVersion: v1
kind: Service
metadata: { name: productpage, namespace: bookinfo }
spec: { selector: { app: productpage }, ports: [{ name: http, port: 9080 }] }
---`;

describe('k8sgateway.routereferences', () => {
  test('GIVEN a route to a Gateway, listener, Service and port that exist, granted THEN nothing', () => {
    expect(findings(`${GATEWAY}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: bookinfo, namespace: istio-ingress }
spec:
  parentRefs: [{ name: bookinfo-gateway, sectionName: http }]
  hostnames: [bookinfo.example.com]
  rules: [{ backendRefs: [{ name: productpage, namespace: bookinfo, port: 9080 }] }]
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: ReferenceGrant
metadata: { name: httproutes-from-istio-ingress, namespace: bookinfo }
spec:
  from: [{ group: gateway.networking.k8s.io, kind: HTTPRoute, namespace: istio-ingress }]
  to: [{ group: "", kind: Service, name: productpage }]
`, ['IST0101', 'CDK8S-ISTIO-070'])).toStrictEqual([]);
  });

  test('GIVEN dangling parents, listeners, backends and ports, and no grant THEN each is reported', () => {
    expect(findings(`${GATEWAY}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: bookinfo, namespace: istio-ingress }
spec:
  parentRefs: [{ name: bookinfo-gateway, sectionName: https }, { name: missing-gateway }]
  hostnames: [bookinfo.example.com]
  rules:
  - backendRefs: [{ name: productpage, namespace: bookinfo, port: 8080 }, { name: reviews, port: 9080 }]
    filters: [{ type: RequestMirror, requestMirror: { backendRef: { name: mirror, port: 80 } } }]
`, ['IST0101', 'CDK8S-ISTIO-070'])).toStrictEqual([
      'Error [IST0101] (HTTPRoute istio-ingress/bookinfo) Referenced Gateway listener not found: "istio-ingress/bookinfo-gateway/https" (spec.parentRefs[0].sectionName). Fix: name a listener of the Gateway (http)',
      'Error [IST0101] (HTTPRoute istio-ingress/bookinfo) Referenced Gateway not found: "istio-ingress/missing-gateway" (spec.parentRefs[1]). Fix: create the Gateway, declare it with ExternalResources, or fix the parentRef',
      'Error [IST0101] (HTTPRoute istio-ingress/bookinfo) Referenced Service port not found: "bookinfo/productpage:8080" (spec.rules[0].backendRefs[0].port). Fix: use a port of the Service (9080)',
      'Error [CDK8S-ISTIO-070] (HTTPRoute istio-ingress/bookinfo) HTTPRoute istio-ingress/bookinfo refers to Service productpage in namespace "bookinfo", which no ReferenceGrant in that namespace allows: the reference is refused and its traffic fails (spec.rules[0].backendRefs[0]). '
      + 'Fix: add a ReferenceGrant in bookinfo from HTTPRoutes of istio-ingress to the Service (GatewayApiIngress routes get one)',
      'Error [IST0101] (HTTPRoute istio-ingress/bookinfo) Referenced Service not found: "istio-ingress/reviews" (spec.rules[0].backendRefs[1]). Fix: create the Service, declare it with ExternalResources, or fix the backendRef',
      'Error [IST0101] (HTTPRoute istio-ingress/bookinfo) Referenced Service not found: "istio-ingress/mirror" (spec.rules[0].filters[0].requestMirror.backendRef). Fix: create the Service, declare it with ExternalResources, or fix the backendRef',
    ].sort());
  });
});

describe('k8sgateway.conflictinghosts', () => {
  test('GIVEN a host routed by a VirtualService and by an HTTPRoute THEN an error; a mesh route to a Service parent counts too', () => {
    expect(findings(`${GATEWAY}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: bookinfo, namespace: istio-ingress }
spec:
  parentRefs: [{ name: bookinfo-gateway }]
  hostnames: ["*.example.com"]
  rules: [{ backendRefs: [{ name: productpage, namespace: bookinfo, port: 9080 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: productpage-mesh, namespace: bookinfo }
spec:
  parentRefs: [{ group: "", kind: Service, name: productpage }]
  rules: [{ backendRefs: [{ name: productpage, port: 9080 }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: bookinfo, namespace: istio-ingress }
spec:
  hosts: [bookinfo.example.com]
  gateways: [istio-ingress/legacy]
  http: [{ route: [{ destination: { host: productpage.bookinfo.svc.cluster.local, port: { number: 9080 } } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: productpage, namespace: bookinfo }
spec:
  hosts: [productpage]
  http: [{ route: [{ destination: { host: productpage } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: other, namespace: bookinfo }
spec:
  hosts: [other.example.org]
  http: [{ route: [{ destination: { host: productpage } }] }]
`, ['CDK8S-ISTIO-071'])).toStrictEqual([
      'Error [CDK8S-ISTIO-071] (VirtualService istio-ingress/bookinfo) Host bookinfo.example.com is routed by both VirtualService istio-ingress/bookinfo and HTTPRoute istio-ingress/bookinfo: Istio merges the two APIs\' routes for one host unpredictably; route each host with one API (spec.hosts[0]). '
      + 'Fix: route bookinfo.example.com either with the VirtualService (TrafficApi.ISTIO) or with the HTTPRoute (TrafficApi.GATEWAY_API), not both',
      'Error [CDK8S-ISTIO-071] (VirtualService bookinfo/productpage) Host productpage.bookinfo.svc.cluster.local is routed by both VirtualService bookinfo/productpage and HTTPRoute bookinfo/productpage-mesh: Istio merges the two APIs\' routes for one host unpredictably; route each host with one API (spec.hosts[0]). '
      + 'Fix: route productpage.bookinfo.svc.cluster.local either with the VirtualService (TrafficApi.ISTIO) or with the HTTPRoute (TrafficApi.GATEWAY_API), not both',
    ].sort());
  });
});

describe('flagger.canaries', () => {
  const CANARY = `
apiVersion: apps/v1
kind: Deployment
metadata: { name: reviews, namespace: bookinfo }
spec:
  selector: { matchLabels: { app: reviews } }
  template:
    metadata: { labels: { app: reviews, version: v2 } }
    spec: { containers: [{ name: reviews, image: reviews:v2, ports: [{ containerPort: 9080 }] }] }
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: reviews, namespace: bookinfo }
spec:
  provider: istio
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: reviews }
  service: { port: 9080 }
  analysis: { interval: 1m, threshold: 5, stepWeights: [10, 50] }
---`;

  test('GIVEN routes to the Services Flagger creates THEN they are not dangling', () => {
    expect(findings(`${CANARY}
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings-mirror, namespace: bookinfo }
spec:
  hosts: [ratings]
  http: [{ route: [{ destination: { host: ratings } }], mirror: { host: reviews-canary, port: { number: 9080 } } }]
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: bookinfo }
spec: { selector: { app: ratings }, ports: [{ name: http, port: 9080 }] }
`, ['IST0101', 'CDK8S-ISTIO-072'])).toStrictEqual([]);
  });

  test('GIVEN a user DestinationRule for the host and a Canary without its Deployment THEN both are reported', () => {
    expect(findings(`${CANARY}
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: bookinfo }
spec: { host: reviews, trafficPolicy: { connectionPool: { tcp: { maxConnections: 100 } } } }
---
apiVersion: flagger.app/v1beta1
kind: Canary
metadata: { name: details, namespace: bookinfo }
spec:
  targetRef: { apiVersion: apps/v1, kind: Deployment, name: details }
  service: { port: 9080 }
  analysis: { interval: 1m }
`, ['IST0101', 'CDK8S-ISTIO-072'])).toStrictEqual([
      'Error [IST0101] (Canary bookinfo/details) Referenced Deployment not found: "bookinfo/details" (spec.targetRef). Fix: create the Deployment in the Canary\'s namespace, or fix targetRef.name',
      'Error [CDK8S-ISTIO-072] (DestinationRule bookinfo/reviews) DestinationRule bookinfo/reviews configures host reviews.bookinfo.svc.cluster.local, which Flagger Canary bookinfo/reviews owns: Flagger writes that host\'s routes and DestinationRules at run time and this object conflicts with them (spec.host). '
      + 'Fix: remove this object (Flagger writes the host\'s routes and DestinationRules), or roll the host out without Flagger',
    ].sort());
  });

  test('GIVEN a policy selecting the primary too (version) THEN no CDK8S-ISTIO-073; the primary\'s pods count as workloads', () => {
    expect(findings(`${CANARY}
apiVersion: security.istio.io/v1
kind: AuthorizationPolicy
metadata: { name: reviews-primary, namespace: bookinfo }
spec: { selector: { matchLabels: { app: reviews-primary } }, rules: [{ from: [{ source: { principals: [cluster.local/ns/bookinfo/sa/productpage] } }] }] }
`, ['CDK8S-ISTIO-073', 'IST0127'])).toStrictEqual([]);
  });
});

describe('k8sgateway.gatewayreferences', () => {
  test('GIVEN a Gateway whose certificate Secret, cross-namespace grant and parameters are missing THEN each is reported', () => {
    expect(findings(`
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata: { name: bookinfo-gateway, namespace: istio-ingress }
spec:
  gatewayClassName: istio
  infrastructure: { parametersRef: { group: "", kind: ConfigMap, name: bookinfo-gateway-options } }
  listeners:
  - { name: https, port: 443, protocol: HTTPS, hostname: bookinfo.example.com, tls: { mode: Terminate, certificateRefs: [{ kind: Secret, name: bookinfo-tls }] } }
  - { name: https-2, port: 8443, protocol: HTTPS, hostname: bookinfo.example.com, tls: { mode: Terminate, certificateRefs: [{ kind: Secret, name: shared-tls, namespace: bookinfo }] } }
---
apiVersion: v1
kind: Secret
metadata: { name: shared-tls, namespace: bookinfo }
type: kubernetes.io/tls
data: { tls.crt: "", tls.key: "" }
`, ['IST0101', 'CDK8S-ISTIO-070'])).toStrictEqual([
      'Error [IST0101] (Gateway istio-ingress/bookinfo-gateway) Referenced Secret not found: "istio-ingress/bookinfo-tls" (spec.listeners[0].tls.certificateRefs[0]). Fix: create the TLS Secret (or declare it with ExternalResources when it is issued outside the output)',
      'Error [CDK8S-ISTIO-070] (Gateway istio-ingress/bookinfo-gateway) Gateway istio-ingress/bookinfo-gateway refers to Secret shared-tls in namespace "bookinfo", which no ReferenceGrant in that namespace allows: the reference is refused and its traffic fails (spec.listeners[1].tls.certificateRefs[0]). '
      + 'Fix: add a ReferenceGrant in bookinfo from Gateways of istio-ingress to the Secret',
      'Error [IST0101] (Gateway istio-ingress/bookinfo-gateway) Referenced ConfigMap not found: "istio-ingress/bookinfo-gateway-options" (spec.infrastructure.parametersRef). Fix: create the ConfigMap in the Gateway\'s namespace, or drop the parametersRef',
    ].sort());
  });
});

describe('k8sgateway.meshroutebypass', () => {
  test('GIVEN a gateway route to a Service a mesh canary splits THEN a warning; to the version Services THEN none', () => {
    expect(findings(`${GATEWAY}
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: productpage-canary, namespace: bookinfo }
spec:
  parentRefs: [{ group: "", kind: Service, name: productpage, port: 9080 }]
  rules: [{ backendRefs: [{ name: productpage-v1, port: 9080, weight: 90 }, { name: productpage-v2, port: 9080, weight: 10 }] }]
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata: { name: bookinfo, namespace: bookinfo }
spec:
  parentRefs: [{ name: bookinfo-gateway, namespace: istio-ingress }]
  hostnames: [bookinfo.example.com]
  rules:
  - backendRefs: [{ name: productpage, port: 9080 }]
  - matches: [{ path: { type: PathPrefix, value: /v2 } }]
    backendRefs: [{ name: productpage-v2, port: 9080 }]
`, ['CDK8S-ISTIO-074'])).toStrictEqual([
      'Warning [CDK8S-ISTIO-074] (HTTPRoute bookinfo/bookinfo) HTTPRoute bookinfo/bookinfo sends gateway traffic to productpage.bookinfo.svc.cluster.local, whose mesh route HTTPRoute bookinfo/productpage-canary the gateway does not apply: '
      + 'that traffic reaches every pod of the Service, whatever the mesh route\'s weights and matches (spec.rules[0].backendRefs[0]). '
      + 'Fix: route the gateway\'s traffic to the versions\' Services with weights of its own (as the mesh route does), or point the backend at one version',
    ]);
  });
});
