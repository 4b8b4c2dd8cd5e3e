import { EgressGateway, Environment, ExternalService, MeshControlPlane, ServiceProtocol, ServiceResolution } from '../../lib';
import { all, find, findingsOf, meshChart, synthValid, errorOf } from '../support/charts';

function setup() {
  const chart = meshChart(Environment.PROD);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  const egress = new EgressGateway(chart, 'egress-gateway', { controlPlane });
  return { chart, egress };
}

describe('EgressRoute: services the gateway can forward to', () => {
  test('resolution NONE is refused: the gateway would forward to itself', () => {
    const { chart, egress } = setup();
    const svc = new ExternalService(chart, 'api', {
      namespace: 'istio-system', hosts: ['api.example.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }], resolution: ServiceResolution.NONE,
    });
    expect(errorOf(() => egress.routeExternalHost('api', { service: svc }))).toBe(
      '[prod/egress-gateway/api] service: "prod/api" resolves api.example.com with NONE: the gateway would forward each connection to its original destination, '
      + 'which is the gateway itself, in a loop (Istio\'s Egress Gateways task). Fix: give the ExternalService resolution: ServiceResolution.DNS (or STATIC with endpoints)');
    // Nothing was added to the gateway: no server, no subset.
    const objects = synthValid(chart);
    expect(all(objects, 'Gateway')).toStrictEqual([]);
    expect(all(objects, 'VirtualService')).toStrictEqual([]);
  });

  test('STATIC with endpoints and DNS_ROUND_ROBIN are accepted', () => {
    const { chart, egress } = setup();
    const fixed = new ExternalService(chart, 'fixed', {
      namespace: 'istio-system', hosts: ['fixed.example.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }],
      resolution: ServiceResolution.STATIC, endpoints: [{ address: '203.0.113.7' }],
    });
    const cdn = new ExternalService(chart, 'cdn', {
      namespace: 'istio-system', hosts: ['cdn.example.com'], ports: [{ number: 80, protocol: ServiceProtocol.HTTP }], resolution: ServiceResolution.DNS_ROUND_ROBIN,
    });
    egress.routeExternalHost('fixed', { service: fixed });
    egress.routeExternalHost('cdn', { service: cdn });
    const objects = synthValid(chart);
    expect(find(objects, 'VirtualService', 'fixed', 'istio-egress').spec.hosts).toStrictEqual(['fixed.example.com']);
    expect(find(objects, 'VirtualService', 'cdn', 'istio-egress').spec.hosts).toStrictEqual(['cdn.example.com']);
  });

  test.each([
    [['.'], 'istio-system'],
    [['bookinfo'], 'istio-system'],
    [['~'], 'istio-system'],
  ])('exportTo %j of a ServiceEntry in %s hides it from the gateway namespace: refused', (exportTo, namespace) => {
    const { chart, egress } = setup();
    const svc = new ExternalService(chart, 'api', {
      namespace, hosts: ['api.example.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }], exportTo,
    });
    expect(errorOf(() => egress.routeExternalHost('api', { service: svc }))).toBe(
      `[prod/egress-gateway/api] service: "prod/api" has exportTo ${JSON.stringify(exportTo)} (ServiceEntry in namespace ${namespace}), which hides api.example.com `
      + 'from the gateway\'s namespace istio-egress, so the gateway cannot route to it. '
      + 'Fix: add "istio-egress" (or "*") to the ExternalService\'s exportTo, or leave exportTo out');
  });

  test.each([
    [['*'], 'istio-system'],
    [['istio-egress', 'bookinfo'], 'istio-system'],
    [['.'], 'istio-egress'],
    [['.', 'bookinfo'], 'istio-egress'],
  ])('exportTo %j of a ServiceEntry in %s lets the gateway see it: accepted', (exportTo, namespace) => {
    const { chart, egress } = setup();
    const svc = new ExternalService(chart, 'api', {
      namespace, hosts: ['api.example.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }], exportTo,
    });
    egress.routeExternalHost('api', { service: svc });
    const objects = synthValid(chart);
    expect(find(objects, 'ServiceEntry', 'api', namespace).spec.exportTo).toStrictEqual(exportTo);
    expect(find(objects, 'VirtualService', 'api', 'istio-egress').spec.gateways).toStrictEqual(['mesh', 'istio-egress/egress-gateway']);
  });
});

describe('EgressRoute: HTTP 80 and TLS 443 of one host', () => {
  function cnn() {
    const { chart, egress } = setup();
    const service = new ExternalService(chart, 'cnn', {
      namespace: 'istio-system', hosts: ['edition.cnn.com'],
      ports: [{ number: 80, protocol: ServiceProtocol.HTTP }, { number: 443, protocol: ServiceProtocol.TLS }],
    });
    return { chart, egress, service };
  }

  test('one VirtualService per host with an http and a tls section; a subset per route; no IST0109', () => {
    const { chart, egress, service } = cnn();
    const http = egress.routeExternalHost('cnn-http', { service, port: 80 });
    const tls = egress.routeExternalHost('cnn-tls', { service, port: 443 });
    expect(tls.virtualService).toBe(http.virtualService);
    const objects = synthValid(chart);
    expect(all(objects, 'VirtualService')).toHaveLength(1);
    const gw = 'istio-egress/egress-gateway';
    const gwHost = 'egress-gateway.istio-egress.svc.cluster.local';
    expect(find(objects, 'VirtualService', 'cnn-http', 'istio-egress').spec).toStrictEqual({
      hosts: ['edition.cnn.com'],
      gateways: ['mesh', gw],
      http: [
        { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: gwHost, subset: 'cnn-http', port: { number: 80 } } }] },
        { match: [{ gateways: [gw], port: 80 }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 80 } } }] },
      ],
      tls: [
        { match: [{ gateways: ['mesh'], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: gwHost, subset: 'cnn-tls', port: { number: 443 } } }] },
        { match: [{ gateways: [gw], port: 443, sniHosts: ['edition.cnn.com'] }], route: [{ destination: { host: 'edition.cnn.com', port: { number: 443 } } }] },
      ],
    });
    expect(find(objects, 'DestinationRule', 'egress-gateway', 'istio-egress').spec.subsets).toStrictEqual([{ name: 'cnn-http' }, { name: 'cnn-tls' }]);
    expect(find(objects, 'Gateway', 'egress-gateway', 'istio-egress').spec.servers.map((s: any) => [s.port.number, s.hosts]))
      .toStrictEqual([[80, ['edition.cnn.com']], [443, ['edition.cnn.com']]]);
    expect(findingsOf(chart, 'IST0109')).toStrictEqual([]);
    // The VirtualService's hosts are served by the gateway, with the route kinds its servers take.
    expect([...findingsOf(chart, 'IST0132'), ...findingsOf(chart, 'CDK8S-ISTIO-010')]).toStrictEqual([]);
  });

  test('the same host through two egress gateways is still two mesh VirtualServices (IST0109)', () => {
    const { chart, egress, service } = cnn();
    const other = new EgressGateway(chart, 'egress-b', { namespace: 'istio-egress-b' });
    egress.routeExternalHost('cnn-http', { service, port: 80 });
    other.routeExternalHost('cnn-tls', { service, port: 443 });
    expect(findingsOf(chart, 'IST0109')).toStrictEqual([
      'Error [IST0109] (VirtualService istio-egress/cnn-http) The VirtualServices istio-egress-b/cnn-tls,istio-egress/cnn-http associated with mesh gateway '
        + 'define the same host */edition.cnn.com which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a '
        + 'single resource (spec.hosts[0]). Fix: route edition.cnn.com from one VirtualService (merge the rules of istio-egress-b/cnn-tls into it), or bind all '
        + 'but one to gateways or give them exportTo that do not overlap [construct prod/egress-gateway/cnn-http]',
      'Error [IST0109] (VirtualService istio-egress-b/cnn-tls) The VirtualServices istio-egress-b/cnn-tls,istio-egress/cnn-http associated with mesh gateway '
        + 'define the same host */edition.cnn.com which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a '
        + 'single resource (spec.hosts[0]). Fix: route edition.cnn.com from one VirtualService (merge the rules of istio-egress/cnn-http into it), or bind all '
        + 'but one to gateways or give them exportTo that do not overlap [construct prod/egress-b/cnn-tls]',
    ]);
  });
});
