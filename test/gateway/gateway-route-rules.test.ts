/**
 * GatewayRoute and EgressRoute rules no other test reaches: empty and invalid hosts, path prefixes,
 * servers limited to the gateway's own namespace ("./host"), route names and hosts of an egress route.
 */
import {
  EgressGateway, Environment, ExternalService, GatewayServer, IngressGateway, ServiceProtocol,
} from '../../lib';
import { errorOf, find, findingsOf, meshChart, synthValid } from '../support/charts';

function ingress(servers = [GatewayServer.http({ hosts: ['bookinfo.example.com'] })]) {
  const chart = meshChart(Environment.PROD);
  const gw = new IngressGateway(chart, 'gw', { servers });
  return { chart, gw };
}

describe('GatewayRoute hosts and path', () => {
  test('no hosts is an error', () => {
    // GIVEN
    const { gw } = ingress();
    // WHEN / THEN
    expect(errorOf(() => gw.addRoute('r', { hosts: [], destination: { host: 'productpage', namespace: 'bookinfo' } })))
      .toBe('[prod/gw/r] hosts: [] is empty. Fix: list the hosts to route, e.g. ["bookinfo.example.com"]');
  });

  test('an empty host is an error', () => {
    // GIVEN
    const { gw } = ingress();
    // WHEN / THEN
    expect(errorOf(() => gw.addRoute('r', { hosts: [''], destination: { host: 'productpage', namespace: 'bookinfo' } })))
      .toBe('[prod/gw/r] hosts[0]: "" is not a host name. Fix: write a DNS name such as "bookinfo.example.com"');
  });

  test('a wildcard that is not the whole first label is an error', () => {
    // GIVEN
    const { gw } = ingress([GatewayServer.http({ hosts: ['*.example.com'] })]);
    // WHEN / THEN
    expect(errorOf(() => gw.addRoute('r', { hosts: ['api*.example.com'], destination: { host: 'productpage', namespace: 'bookinfo' } })))
      .toBe('[prod/gw/r] hosts[0]: "api*.example.com" has an invalid DNS label "api*" (a wildcard may only be the whole first label). '
        + 'Fix: use letters, digits and "-" in each label, e.g. "*.example.com" or "api.example.com"');
  });

  test('a path prefix without a leading "/" is an error', () => {
    // GIVEN
    const { gw } = ingress();
    // WHEN / THEN
    expect(errorOf(() => gw.addRoute('r', { hosts: ['bookinfo.example.com'], destination: { host: 'productpage', namespace: 'bookinfo' }, pathPrefix: 'productpage' })))
      .toBe('[prod/gw/r] pathPrefix: "productpage" is not a path prefix. Fix: start it with "/", e.g. "/productpage"');
  });
});

describe('GatewayRoute and "./host" servers', () => {
  const server = GatewayServer.http({ hosts: ['./bookinfo.example.com'] });

  test('a route in the gateway\'s namespace is served by a "./" server', () => {
    // GIVEN
    const { chart, gw } = ingress([server]);
    // WHEN
    gw.addRoute('r', { hosts: ['bookinfo.example.com'], destination: { host: 'productpage.bookinfo.svc.cluster.local' } });
    // THEN
    expect(find(synthValid(chart), 'VirtualService', 'r', 'istio-ingress').spec.hosts).toStrictEqual(['bookinfo.example.com']);
    expect(findingsOf(chart, 'IST0132')).toStrictEqual([]);
  });

  test('a route in another namespace is not (IST0132)', () => {
    // GIVEN
    const { chart, gw } = ingress([server]);
    // WHEN
    gw.addRoute('r', { hosts: ['bookinfo.example.com'], namespace: 'bookinfo', destination: { host: 'productpage' } });
    // THEN the analyzer warns on the route's VirtualService
    expect(findingsOf(chart, 'IST0132')).toStrictEqual([
      'Warning [IST0132] (VirtualService bookinfo/r) one or more host [bookinfo.example.com] defined in VirtualService bookinfo/r not found in Gateway '
        + 'istio-ingress/gw (spec.gateways[0]). Fix: add a server for the host to istio-ingress/gw, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-ingress/gw: ["istio-ingress/bookinfo.example.com"]; a host with a namespace part is served to VirtualServices of that '
        + 'namespace only, and this one is in bookinfo) [construct prod/gw/r]',
    ]);
  });
});

describe('EgressRoute names and hosts', () => {
  function egressSetup() {
    const chart = meshChart(Environment.PROD);
    const egress = new EgressGateway(chart, 'egress-gateway');
    const stripe = new ExternalService(chart, 'stripe', { namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] });
    const httpbin = new ExternalService(chart, 'httpbin', { namespace: 'istio-system', hosts: ['httpbin.org'], ports: [{ number: 80, protocol: ServiceProtocol.HTTP }] });
    const github = new ExternalService(chart, 'github', {
      namespace: 'istio-system', hosts: ['github.com', 'api.github.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }],
    });
    return { chart, egress, stripe, httpbin, github };
  }

  test('a second route named like the first is an error naming the second', () => {
    // GIVEN
    const { egress, stripe, httpbin } = egressSetup();
    egress.routeExternalHost('stripe', { service: stripe });
    // WHEN / THEN
    expect(errorOf(() => egress.routeExternalHost('httpbin', { service: httpbin, name: 'stripe' })))
      .toBe('[prod/egress-gateway/httpbin] name: "stripe" already names a route of this egress gateway. Fix: give each route its own name');
  });

  test('a service with several hosts needs the host named', () => {
    // GIVEN
    const { egress, github } = egressSetup();
    // WHEN / THEN
    expect(errorOf(() => egress.routeExternalHost('github', { service: github })))
      .toBe('[prod/egress-gateway/github] host: undefined is not one host of prod/github (hosts: github.com, api.github.com). Fix: name one of its hosts');
  });

  test('a host the service does not list is an error', () => {
    // GIVEN
    const { egress, github } = egressSetup();
    // WHEN / THEN
    expect(errorOf(() => egress.routeExternalHost('github', { service: github, host: 'gist.github.com' })))
      .toBe('[prod/egress-gateway/github] host: "gist.github.com" is not one host of prod/github (hosts: github.com, api.github.com). Fix: name one of its hosts');
  });

  test('naming one of the hosts routes it', () => {
    // GIVEN
    const { chart, egress, github } = egressSetup();
    // WHEN
    egress.routeExternalHost('github', { service: github, host: 'api.github.com' });
    // THEN
    expect(find(synthValid(chart), 'VirtualService', 'github', 'istio-egress').spec.hosts).toStrictEqual(['api.github.com']);
  });

  test('a service that is not an ExternalService (untyped code) is an error', () => {
    // GIVEN
    const { egress } = egressSetup();
    // WHEN / THEN
    expect(errorOf(() => egress.routeExternalHost('x', { service: { hosts: ['api.stripe.com'] } as never })))
      .toBe('[prod/egress-gateway/x] service: {"hosts":["api.stripe.com"]} is an object, not an ExternalService. Fix: register the host with new ExternalService(...) and pass it');
  });
});
