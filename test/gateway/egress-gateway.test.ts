import { Duration } from 'cdk8s';
import { EgressGateway, EgressRoute, Environment, ExternalService, HostRoutes, MeshControlPlane, ServiceProtocol } from '../../lib';
import { expectValidManifests } from '../support/validate';
import { find, meshChart, synth, thrown } from './support';
import { findingsOf } from '../support/charts';

function setup(env = Environment.PROD) {
  const chart = meshChart(env);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  const egress = new EgressGateway(chart, 'egress-gateway', { controlPlane });
  const stripe = new ExternalService(chart, 'stripe', { namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] });
  const httpbin = new ExternalService(chart, 'httpbin', { namespace: 'istio-system', hosts: ['httpbin.org'], ports: [{ number: 80, protocol: ServiceProtocol.HTTP }] });
  return { chart, egress, stripe, httpbin };
}

describe('EgressGateway', () => {
  test('workload: ClusterIP Service, environment egress sizing, no Gateway until a host is routed', () => {
    const { chart } = setup();
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'Service', 'egress-gateway', 'istio-egress').spec.type).toBe('ClusterIP');
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'egress-gateway', 'istio-egress');
    expect([hpa.spec.minReplicas, hpa.spec.maxReplicas]).toStrictEqual([2, 5]);
    expect(find(objects, 'Deployment', 'egress-gateway').spec.template.spec.containers[0].resources)
      .toStrictEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(find(objects, 'PodDisruptionBudget', 'egress-gateway').spec).toStrictEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'egress-gateway', istio: 'egress-gateway' } } });
    expect(objects.filter((o) => o.kind === 'Gateway')).toStrictEqual([]);
  });

  test('TLS host: passthrough server on 443, DestinationRule subset, VirtualService mesh -> gateway -> host (the egress gateway task)', () => {
    const { chart, egress, stripe } = setup();
    egress.routeExternalHost('stripe', { service: stripe });
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'Gateway', 'egress-gateway', 'istio-egress').spec).toStrictEqual({
      selector: { app: 'egress-gateway', istio: 'egress-gateway' },
      servers: [{ hosts: ['api.stripe.com'], port: { name: 'tls-443', number: 443, protocol: 'TLS' }, tls: { mode: 'PASSTHROUGH' } }],
    });
    expect(find(objects, 'DestinationRule', 'egress-gateway', 'istio-egress').spec)
      .toStrictEqual({ host: 'egress-gateway.istio-egress.svc.cluster.local', subsets: [{ name: 'stripe' }] });
    expect(find(objects, 'VirtualService', 'stripe', 'istio-egress').spec).toStrictEqual({
      hosts: ['api.stripe.com'],
      gateways: ['mesh', 'istio-egress/egress-gateway'],
      tls: [
        {
          match: [{ gateways: ['mesh'], port: 443, sniHosts: ['api.stripe.com'] }],
          route: [{ destination: { host: 'egress-gateway.istio-egress.svc.cluster.local', subset: 'stripe', port: { number: 443 } } }],
        },
        {
          match: [{ gateways: ['istio-egress/egress-gateway'], port: 443, sniHosts: ['api.stripe.com'] }],
          route: [{ destination: { host: 'api.stripe.com', port: { number: 443 } } }],
        },
      ],
    });
    expect(find(objects, 'Service', 'egress-gateway').spec.ports.map((p: any) => p.port)).toStrictEqual([15021, 443]);
  });

  test('HTTP host: server on 80 and http routes; two routes share the Gateway and DestinationRule', () => {
    const { chart, egress, stripe, httpbin } = setup();
    egress.routeExternalHost('stripe', { service: stripe });
    egress.routeExternalHost('httpbin', { service: httpbin });
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'Gateway', 'egress-gateway').spec.servers.map((s: any) => s.port)).toStrictEqual([
      { name: 'tls-443', number: 443, protocol: 'TLS' }, { name: 'http-80', number: 80, protocol: 'HTTP' },
    ]);
    expect(find(objects, 'DestinationRule', 'egress-gateway').spec.subsets).toStrictEqual([{ name: 'stripe' }, { name: 'httpbin' }]);
    expect(find(objects, 'VirtualService', 'httpbin').spec.http).toStrictEqual([
      { match: [{ gateways: ['mesh'], port: 80 }], route: [{ destination: { host: 'egress-gateway.istio-egress.svc.cluster.local', subset: 'httpbin', port: { number: 80 } } }] },
      { match: [{ gateways: ['istio-egress/egress-gateway'], port: 80 }], route: [{ destination: { host: 'httpbin.org', port: { number: 80 } } }] },
    ]);
  });

  test('routeExternalHost returns an EgressRoute construct; its VirtualService counts for IST0109 like any mesh route', () => {
    const { chart, egress, stripe } = setup();
    const route = egress.routeExternalHost('stripe', { service: stripe });
    expect(route).toBeInstanceOf(EgressRoute);
    expect([route.host, route.port, route.gatewayPort, route.name, route.namespace]).toStrictEqual(['api.stripe.com', 443, 443, 'stripe', 'istio-egress']);
    expect(route.virtualService.name).toBe('stripe');
    new HostRoutes(chart, 'stripe-timeouts', { host: 'api.stripe.com', namespace: 'payments', routes: [{ timeout: Duration.seconds(3) }] });
    expect(findingsOf(chart, 'IST0109')).toStrictEqual([
      'Error [IST0109] (VirtualService istio-egress/stripe) The VirtualServices istio-egress/stripe,payments/api-stripe-com associated with mesh gateway '
        + 'define the same host */api.stripe.com which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a '
        + 'single resource (spec.hosts[0]). Fix: route api.stripe.com from one VirtualService (merge the rules of payments/api-stripe-com into it), or bind all '
        + 'but one to gateways or give them exportTo that do not overlap [construct prod/egress-gateway/stripe]',
      'Error [IST0109] (VirtualService payments/api-stripe-com) The VirtualServices istio-egress/stripe,payments/api-stripe-com associated with mesh gateway '
        + 'define the same host */api.stripe.com which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a '
        + 'single resource (spec.hosts[0]). Fix: route api.stripe.com from one VirtualService (merge the rules of istio-egress/stripe into it), or bind all but '
        + 'one to gateways or give them exportTo that do not overlap [construct prod/stripe-timeouts]',
    ]);
  });

  test('rejects a host routed twice, an unknown port, an opaque TCP port and a wildcard host', () => {
    const { chart, egress, stripe } = setup();
    egress.routeExternalHost('stripe', { service: stripe });
    expect(thrown(() => egress.routeExternalHost('stripe-again', { service: stripe })))
      .toBe('[prod/egress-gateway] servers[1].hosts: "api.stripe.com" is already served on port 443 by server "tls-443". Fix: serve each host once per port');
    expect(thrown(() => egress.routeExternalHost('p', { service: stripe, port: 8443 })))
      .toBe('[prod/egress-gateway/p] port: 8443 is not one port of prod/stripe (ports: 443). Fix: name one of its port numbers');
    const db = new ExternalService(chart, 'db', { namespace: 'istio-system', hosts: ['db.example.com'], addresses: ['203.0.113.5'], ports: [{ number: 5432, protocol: ServiceProtocol.TCP }] });
    expect(thrown(() => egress.routeExternalHost('db', { service: db })))
      .toBe('[prod/egress-gateway/db] port: 5432 speaks TCP; an egress gateway route needs HTTP or TLS/HTTPS (the gateway routes on Host or SNI). Fix: route an HTTP or TLS port');
    const wiki = new ExternalService(chart, 'wiki', { namespace: 'istio-system', hosts: ['*.wikipedia.org'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] });
    expect(thrown(() => egress.routeExternalHost('wiki', { service: wiki })))
      .toBe('[prod/egress-gateway/wiki] host: "*.wikipedia.org" is a wildcard; an egress gateway forwards to one named host. Fix: route each concrete host, e.g. "en.wikipedia.org"');
  });
});
