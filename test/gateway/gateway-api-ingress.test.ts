import { Duration } from 'cdk8s';
import {
  Environment, ExternalResources, GatewayApiIngress, GatewayServer, HttpMatch, IngressGateway, MeshChart, MeshControlPlane, TrafficApi,
} from '../../lib';
import { errorOf, find, findingsOf, meshApp, meshChart, Obj, synthValid } from '../support/charts';

/** Bookinfo's Services, declared: the routes name them. */
function declareBookinfo(chart: MeshChart): void {
  new ExternalResources(chart, 'bookinfo', {
    namespaces: ['bookinfo'],
    services: [
      { namespace: 'bookinfo', name: 'productpage', ports: [9080] },
      { namespace: 'bookinfo', name: 'reviews-v1', ports: [9080] },
      { namespace: 'bookinfo', name: 'reviews-v2', ports: [9080] },
    ],
    secrets: [{ namespace: 'istio-ingress', name: 'bookinfo-tls' }],
  });
}

/** GIVEN a PROD chart WHEN Bookinfo's ingress is written with Gateway API THEN its objects. */
function bookinfoIngress(env = Environment.PROD): Obj[] {
  const chart = meshChart(env);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  declareBookinfo(chart);
  const gateway = new GatewayApiIngress(chart, 'bookinfo-gateway', {
    controlPlane,
    servers: [GatewayServer.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-tls', redirectHttp: true })],
  });
  gateway.addRoute('bookinfo', {
    hosts: ['bookinfo.example.com'],
    rules: [
      {
        name: 'pages',
        matches: [HttpMatch.uriExact('/productpage'), HttpMatch.uriPrefix('/static'), HttpMatch.uriExact('/login'), HttpMatch.uriPrefix('/api/v1/products')],
        backends: [{ host: 'productpage.bookinfo.svc.cluster.local', port: 9080 }],
        timeout: Duration.seconds(10),
      },
      {
        name: 'reviews-testers',
        matches: [HttpMatch.uriPrefix('/reviews').and(HttpMatch.header('end-user', 'jason'))],
        backends: [{ host: 'reviews-v2.bookinfo.svc.cluster.local', port: 9080 }],
      },
      {
        name: 'reviews-canary',
        matches: [HttpMatch.uriPrefix('/reviews')],
        backends: [
          { host: 'reviews-v1.bookinfo.svc.cluster.local', port: 9080, weight: 90 },
          { host: 'reviews-v2.bookinfo.svc.cluster.local', port: 9080, weight: 10 },
        ],
      },
    ],
  });
  const objects = synthValid(chart);
  expect(findingsOf(chart, 'IST0101')).toStrictEqual([]);
  return objects;
}

describe('GatewayApiIngress: Bookinfo', () => {
  const objects = bookinfoIngress();

  test('the Gateway: class istio, a TLS listener terminating with the credential Secret, the redirecting HTTP listener, parameters', () => {
    expect(find(objects, 'Gateway', 'bookinfo-gateway', 'istio-ingress')).toStrictEqual({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway', namespace: 'istio-ingress', labels: { 'istio.io/rev': '1-30-3' } },
      spec: {
        gatewayClassName: 'istio',
        infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: 'bookinfo-gateway-options' } },
        listeners: [
          {
            name: 'https-443', port: 443, protocol: 'HTTPS', hostname: 'bookinfo.example.com',
            tls: { mode: 'Terminate', certificateRefs: [{ kind: 'Secret', name: 'bookinfo-tls' }] },
            allowedRoutes: { namespaces: { from: 'Same' } },
          },
          { name: 'http-80', port: 80, protocol: 'HTTP', hostname: 'bookinfo.example.com', allowedRoutes: { namespaces: { from: 'Same' } } },
        ],
      },
    });
  });

  test('PROD sizing through the parametersRef ConfigMap in Istio\'s overlay keys', () => {
    expect(find(objects, 'ConfigMap', 'bookinfo-gateway-options', 'istio-ingress').data).toStrictEqual({
      deployment: [
        'spec:',
        '  template:',
        '    spec:',
        '      affinity:',
        '        podAntiAffinity:',
        '          preferredDuringSchedulingIgnoredDuringExecution:',
        '            - weight: 100',
        '              podAffinityTerm:',
        '                labelSelector:',
        '                  matchLabels:',
        '                    gateway.networking.k8s.io/gateway-name: bookinfo-gateway',
        '                topologyKey: topology.kubernetes.io/zone',
        '      containers:',
        '        - name: istio-proxy',
        '          resources:',
        '            requests:',
        '              cpu: 200m',
        '              memory: 256Mi',
        '            limits:',
        '              cpu: "2"',
        '              memory: 2Gi',
        '',
      ].join('\n'),
      service: 'spec:\n  type: LoadBalancer\n',
      horizontalPodAutoscaler: [
        'spec:', '  minReplicas: 3', '  maxReplicas: 10', '  metrics:', '    - type: Resource', '      resource:', '        name: cpu',
        '        target:', '          type: Utilization', '          averageUtilization: 60', '',
      ].join('\n'),
      podDisruptionBudget: 'spec:\n  maxUnavailable: 1\n',
    });
  });

  test('the HTTPRoute: matches, a header match for testers and a weighted canary (relative weights), in the gateway namespace', () => {
    expect(find(objects, 'HTTPRoute', 'bookinfo', 'istio-ingress').spec).toStrictEqual({
      parentRefs: [{ name: 'bookinfo-gateway', sectionName: 'https-443' }],
      hostnames: ['bookinfo.example.com'],
      rules: [
        {
          name: 'pages',
          matches: [
            { path: { type: 'Exact', value: '/productpage' } },
            { path: { type: 'PathPrefix', value: '/static' } },
            { path: { type: 'Exact', value: '/login' } },
            { path: { type: 'PathPrefix', value: '/api/v1/products' } },
          ],
          backendRefs: [{ name: 'productpage', namespace: 'bookinfo', port: 9080 }],
          timeouts: { request: '10s' },
        },
        {
          name: 'reviews-testers',
          matches: [{ path: { type: 'PathPrefix', value: '/reviews' }, headers: [{ name: 'end-user', value: 'jason' }] }],
          backendRefs: [{ name: 'reviews-v2', namespace: 'bookinfo', port: 9080 }],
        },
        {
          name: 'reviews-canary',
          matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }],
          backendRefs: [
            { name: 'reviews-v1', namespace: 'bookinfo', port: 9080, weight: 90 },
            { name: 'reviews-v2', namespace: 'bookinfo', port: 9080, weight: 10 },
          ],
        },
      ],
    });
  });

  test('the HTTP listener redirects to HTTPS with an HTTPRoute of its own', () => {
    expect(find(objects, 'HTTPRoute', 'bookinfo-gateway-http-80-redirect', 'istio-ingress').spec).toStrictEqual({
      parentRefs: [{ name: 'bookinfo-gateway', sectionName: 'http-80' }],
      rules: [{ filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', statusCode: 301 } }] }],
    });
  });

  test('a ReferenceGrant in the backends\' namespace lets the route use exactly the Services it names', () => {
    expect(find(objects, 'ReferenceGrant', 'httproutes-from-istio-ingress', 'bookinfo').spec).toStrictEqual({
      from: [{ group: 'gateway.networking.k8s.io', kind: 'HTTPRoute', namespace: 'istio-ingress' }],
      to: [
        { group: '', kind: 'Service', name: 'productpage' },
        { group: '', kind: 'Service', name: 'reviews-v1' },
        { group: '', kind: 'Service', name: 'reviews-v2' },
      ],
    });
  });

  test('no Istio networking objects and no gateway Deployment: istiod deploys it', () => {
    expect(objects.filter((o) => o.apiVersion.startsWith('networking.istio.io') || o.kind === 'Deployment')).toStrictEqual([]);
  });

  test('DEV: one replica, no HPA or PDB keys', () => {
    const dev = bookinfoIngress(Environment.DEV);
    const data = find(dev, 'ConfigMap', 'bookinfo-gateway-options').data;
    expect(Object.keys(data).sort()).toStrictEqual(['deployment', 'service']);
    expect(data.deployment).toContain('replicas: 1\n');
  });
});

describe('GatewayApiIngress: what Gateway API cannot say', () => {
  function gateway(): GatewayApiIngress {
    return new GatewayApiIngress(meshChart(), 'gw', { servers: [GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' })] });
  }

  test('a header prefix match names the field and the regex alternative', () => {
    expect(errorOf(() => gateway().addRoute('r', {
      hosts: ['shop.example.com'],
      rules: [{ matches: [HttpMatch.headerPrefix('x-user', 'test')], backends: [{ host: 'cart.shop.svc.cluster.local', port: 8080 }] }],
    }))).toBe('[prod/gw/r] rules[0].match[0].headers.x-user.prefix: "test" cannot be written as a Gateway API HTTPRoute: Gateway API matches headers, query parameters and methods exactly or by regex, not by prefix. '
      + 'Fix: match a regex instead, e.g. HttpMatch.headerRegex(name, "^test.*"), or route this host through an IngressGateway (Istio\'s API)');
  });

  test('a host no listener serves', () => {
    expect(errorOf(() => gateway().addRoute('r', { hosts: ['other.example.com'], rules: [{ backends: [{ host: 'cart.shop.svc.cluster.local', port: 8080 }] }] })))
      .toBe('[prod/gw/r] hosts: "other.example.com" is not served by a listener of gateway istio-ingress/gw (https-443: shop.example.com). Fix: add a server for the host to the gateway, or route a host it serves');
  });

  test('TLS passthrough and mutual TLS have no standard-channel form', () => {
    expect(errorOf(() => new GatewayApiIngress(meshChart(), 'gw', { servers: [GatewayServer.tlsPassthrough({ hosts: ['db.example.com'] })] })))
      .toBe('[prod/gw] servers[0]: "tlsPassthrough" cannot be written as a Gateway API listener: TLS passthrough needs TLSRoute, which is not in the Gateway API v1.5 standard channel. Fix: keep passthrough hosts on an IngressGateway (Istio\'s API)');
  });

  test('an IngressGateway in a Gateway API chart is refused unless it opts out', () => {
    const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD, trafficApi: TrafficApi.GATEWAY_API });
    const servers = [GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' })];
    expect(errorOf(() => new IngressGateway(chart, 'ingress', { servers })))
      .toBe('[prod/ingress] trafficApi: "gateway-api" is the chart\'s traffic API, but an IngressGateway writes Istio\'s Gateway and VirtualServices. Fix: create a GatewayApiIngress for a Gateway API ingress, or give this IngressGateway trafficApi: TrafficApi.ISTIO');
    expect(new IngressGateway(chart, 'ingress-istio', { servers, trafficApi: TrafficApi.ISTIO }).name).toBe('ingress-istio');
  });
});
