/**
 * virtualservice.jwtclaimroute: routes on JWT claims through a gateway whose pods no
 * RequestAuthentication applies to (IST0149).
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { docs, namespaces, vsFindingObjects, vsFindings } from './virtualservice-support';

/** Istio's JWT claim route case (the gateway in istio-system), with the gateway's Deployment. */
const BASE = docs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: foo, namespace: default }
spec:
  hosts: [foo.com]
  gateways: [istio-system/foo-gateway]
  http:
  - match:
    - uri: { prefix: / }
      headers:
        "@request.auth.claims.foo": { exact: foo }
    route: [{ destination: { host: istiod.istio-system.svc.cluster.local, port: { number: 15010 } } }]
---
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: foo-gateway, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: [foo.com] }]
---
apiVersion: apps/v1
kind: Deployment
metadata: { name: ingressgateway, namespace: istio-ingress }
spec:
  selector: { matchLabels: { istio: ingressgateway } }
  template:
    metadata: { labels: { istio: ingressgateway, app: edge } }
    spec: { containers: [{ name: istio-proxy, image: auto }] }
`);

const NAMESPACES = namespaces('default', 'istio-system', 'istio-ingress');

/** A RequestAuthentication in `namespace` (with `spec`). */
function requestAuthn(namespace: string, spec: Record<string, unknown>): any {
  return { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'jwt', namespace }, spec: { jwtRules: [{ issuer: 'https://issuer.example.com' }], ...spec } };
}

function claims(objects: any[]): string[] {
  return vsFindings(objects, ['IST0149']);
}

describe('virtualservice.jwtclaimroute (IST0149)', () => {
  test('no RequestAuthentication for the gateway pods: reported with the claim key, the gateway and the workload', () => {
    expect(vsFindingObjects([...NAMESPACES, ...BASE], ['IST0149'])).toStrictEqual([{
      code: 'IST0149',
      messageName: 'JwtClaimBasedRoutingWithoutRequestAuthN',
      level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'default',
      name: 'foo',
      field: 'spec.gateways[0]',
      message: 'The virtual service uses the JWT claim based routing (key: @request.auth.claims.foo) but found no request authentication for the gateway '
        + '(istio-system/foo-gateway) pod (ingressgateway). The request authentication must first be applied for the gateway pods to validate the JWT token '
        + 'and make the claims available for routing (spec.gateways[0]). Fix: add a RequestAuthentication (e.g. JwtAuthentication) in namespace istio-ingress '
        + '(or istio-system) whose selector matches the gateway pods of Deployment istio-ingress/ingressgateway, so the gateway validates the token and sets '
        + 'the claims',
    }]);
  });

  test('a RequestAuthentication in the pods\' namespace selecting them, one without selector, or one in the root namespace counts', () => {
    expect(claims([...NAMESPACES, ...BASE, requestAuthn('istio-ingress', { selector: { matchLabels: { istio: 'ingressgateway' } } })])).toStrictEqual([]);
    expect(claims([...NAMESPACES, ...BASE, requestAuthn('istio-ingress', {})])).toStrictEqual([]);
    expect(claims([...NAMESPACES, ...BASE, requestAuthn('istio-system', {})])).toStrictEqual([]);
  });

  test('the root namespace is the mesh config\'s', () => {
    // GIVEN a control plane whose root namespace is mesh-root, and a RequestAuthentication there
    const operator = { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' }, spec: { meshConfig: { rootNamespace: 'mesh-root' } } };
    const objects = [...NAMESPACES, ...namespaces('mesh-root'), operator, ...BASE];
    expect(claims([...objects, requestAuthn('mesh-root', {})])).toStrictEqual([]);
    // AND one in istio-system is then a namespace's own, not the pods'
    expect(claims([...objects, requestAuthn('istio-system', {})])).toHaveLength(1);
  });

  test('one that selects other pods, one in another namespace, or one with targetRefs does not count', () => {
    expect(claims([...NAMESPACES, ...BASE, requestAuthn('istio-ingress', { selector: { matchLabels: { istio: 'egressgateway' } } })])).toHaveLength(1);
    expect(claims([...NAMESPACES, ...BASE, requestAuthn('default', {})])).toHaveLength(1);
    expect(claims([...NAMESPACES, ...BASE, requestAuthn('istio-ingress', { targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'edge' }] })])).toHaveLength(1);
  });

  test('the claim key in brackets, in withoutHeaders; a declared gateway workload counts', () => {
    const vs = BASE[0];
    const bracketed = { ...vs, spec: { ...vs.spec, http: [{ match: [{ withoutHeaders: { '@request.auth.claims[groups]': { exact: 'x' } } }], route: vs.spec.http[0].route }] } };
    const objects = [...NAMESPACES, bracketed, BASE[1]];
    const external = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'edge-0', namespace: 'istio-ingress', labels: { istio: 'ingressgateway' } }, spec: { containers: [] } }];
    expect(vsFindings(objects, ['IST0149'], { external }).map((f) => f.slice(0, f.indexOf(' The request')))).toStrictEqual([
      'Error [IST0149] (VirtualService default/foo) The virtual service uses the JWT claim based routing (key: @request.auth.claims[groups]) but found no '
        + 'request authentication for the gateway (istio-system/foo-gateway) pod (edge-0).',
    ]);
  });

  test('no claim routes, a mesh-only VirtualService, a missing gateway, a gateway without selector or pods: nothing to report', () => {
    const vs = BASE[0];
    const plain = { ...vs, spec: { ...vs.spec, http: [{ match: [{ headers: { '@request.auth.claims': { exact: 'x' }, 'x-user': { exact: 'y' } } }], route: vs.spec.http[0].route }] } };
    expect(claims([...NAMESPACES, plain, ...BASE.slice(1)])).toStrictEqual([]);
    expect(claims([...NAMESPACES, { ...vs, spec: { ...vs.spec, gateways: ['mesh'] } }, ...BASE.slice(1)])).toStrictEqual([]);
    expect(claims([...NAMESPACES, BASE[0], BASE[2]])).toStrictEqual([]);
    expect(claims([...NAMESPACES, BASE[0], { ...BASE[1], spec: { servers: BASE[1].spec.servers } }, BASE[2]])).toStrictEqual([]);
    expect(claims([...NAMESPACES, BASE[0], BASE[1]])).toStrictEqual([]);
  });

  test('malformed input is skipped', () => {
    const objects = [
      ...NAMESPACES,
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'x', namespace: 'default' }, spec: { gateways: ['istio-system/foo-gateway'], http: [{ match: [{ headers: 'h' }, null] }, 'y'] } },
      { apiVersion: 'security.istio.io/v1', kind: 'RequestAuthentication', metadata: { name: 'odd', namespace: 'default' }, spec: { selector: 'all' } },
      ...BASE.slice(1),
    ];
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
    expect(claims(objects)).toStrictEqual([]);
  });
});
