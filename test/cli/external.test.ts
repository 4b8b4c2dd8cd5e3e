import { parseReference, readExternal, shorthandApiVersion } from '../../lib/cli/external';

/** The grammar of `--external` references. */
describe('--external references', () => {
  test.each([
    ['Secret/istio-ingress/bookinfo-tls', { apiVersion: 'v1', kind: 'Secret', metadata: { namespace: 'istio-ingress', name: 'bookinfo-tls' } }],
    ['Namespace/observability', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'observability' } }],
    ['Service/observability/otel-collector', { apiVersion: 'v1', kind: 'Service', metadata: { namespace: 'observability', name: 'otel-collector' } }],
    ['Deployment/shop/cart', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { namespace: 'shop', name: 'cart' } }],
    ['Gateway/istio-ingress/public', { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { namespace: 'istio-ingress', name: 'public' } }],
    ['EnvoyFilter/istio-system/stats', { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { namespace: 'istio-system', name: 'stats' } }],
    ['Telemetry/istio-system/mesh-default', { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { namespace: 'istio-system', name: 'mesh-default' } }],
    ['v1/Endpoints/shop/cart', { apiVersion: 'v1', kind: 'Endpoints', metadata: { namespace: 'shop', name: 'cart' } }],
    ['apps/v1/StatefulSet/db/postgres', { apiVersion: 'apps/v1', kind: 'StatefulSet', metadata: { namespace: 'db', name: 'postgres' } }],
    ['gateway.networking.k8s.io/v1/Gateway/infra/public', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { namespace: 'infra', name: 'public' } }],
    ['gateway.networking.k8s.io/v1/GatewayClass/istio', { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'GatewayClass', metadata: { name: 'istio' } }],
    ['example.com/v1beta1/Widget/gadget', { apiVersion: 'example.com/v1beta1', kind: 'Widget', metadata: { name: 'gadget' } }],
  ])('%s', (value, object) => {
    expect(parseReference(value)).toStrictEqual(object);
  });

  test.each([
    ['Secret/bookinfo-tls', 'Secret lives in a namespace: give Secret/<namespace>/<name>'],
    ['Namespace/a/b', 'Namespace has no namespace: give Namespace/<name>'],
    ['gateway.networking.k8s.io/v1/GatewayClass/a/b', 'GatewayClass has no namespace: give gateway.networking.k8s.io/v1/GatewayClass/<name>'],
    ['Widget/shop/gadget', 'Widget is not a kind known without its API group: give group/version/Widget/namespace/name (v1/Widget/… for the core group)'],
    ['v1/secret/a/b', '"secret" is not a kind (a kind starts with a capital letter, e.g. Secret)'],
    ['Secret/a/b/c', 'expected Secret/<namespace>/<name> after the kind, got 3 part(s)'],
    ['Secret//b', 'not an existing file or directory, nor a reference (<file|dir>, Kind/namespace/name, Kind/name, group/version/Kind/[namespace/]name or host:<host>)'],
    ['secrets.yaml', 'not an existing file or directory, nor a reference (<file|dir>, Kind/namespace/name, Kind/name, group/version/Kind/[namespace/]name or host:<host>)'],
    ['some/dir/file.yaml', 'not an existing file or directory, nor a reference (<file|dir>, Kind/namespace/name, Kind/name, group/version/Kind/[namespace/]name or host:<host>)'],
  ])('%s is refused', (value, message) => {
    expect(parseReference(value)).toBe(message);
  });

  test('host:<host> declares hosts outside the registry as one ExternalHost', () => {
    expect(readExternal(['host:api.example.com', 'Namespace/a', 'host:*.example.org'])).toStrictEqual({
      objects: [
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'a' } },
        { apiVersion: 'cdk8s-istio.io/v1', kind: 'ExternalHost', hosts: ['api.example.com', '*.example.org'] },
      ],
      errors: [],
    });
    expect(readExternal(['host:', 'host:a b']).errors).toStrictEqual([
      '--external host:: give a host name, e.g. host:api.example.com or host:*.example.com',
      '--external host:a b: give a host name, e.g. host:api.example.com or host:*.example.com',
    ]);
  });

  test('every Istio kind has a shorthand', () => {
    expect(shorthandApiVersion('AuthorizationPolicy')).toBe('security.istio.io/v1');
    expect(shorthandApiVersion('WasmPlugin')).toBe('extensions.istio.io/v1alpha1');
    expect(shorthandApiVersion('ProxyConfig')).toBe('networking.istio.io/v1beta1');
    expect(shorthandApiVersion('Widget')).toBeUndefined();
    expect(shorthandApiVersion('toString')).toBeUndefined();
  });
});
