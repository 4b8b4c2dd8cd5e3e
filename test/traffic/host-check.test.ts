/**
 * One host check for every traffic construct (lib/traffic/checks.ts `checkServiceHost`): the rules
 * routes had (no all-digit last label, Service names starting with a letter) hold for
 * CircuitBreaker, DestinationPolicy and ExternalService too.
 */
import { CircuitBreaker, DestinationPolicy, Environment, ExternalService, HostRoutes, LoadBalancer, ServiceProtocol } from '../../lib';
import { errorOf, meshChart } from './support';

const ALL_DIGITS = (host: string, last: string) => `host: "${host}" is not a host name: its last label "${last}" is all digits (no top-level domain is; an IP address is no host a route can name). `
  + 'Fix: name the service, e.g. "reviews.bookinfo.svc.cluster.local" or "api.example.com"';
const DIGIT_SERVICE = 'host: "0ratings.bookinfo.svc.cluster.local" names the Kubernetes Service "0ratings", which does not start with a letter (Service names are DNS-1035 labels). '
  + 'Fix: name the Service as Kubernetes has it, e.g. "reviews"';

describe('the shared host check', () => {
  const build: Array<[string, (host: string) => void]> = [
    ['HostRoutes', (host) => new HostRoutes(meshChart(Environment.DEV), 'c', { host, routes: [{}] })],
    ['CircuitBreaker', (host) => new CircuitBreaker(meshChart(Environment.DEV), 'c', { host })],
    ['DestinationPolicy', (host) => new DestinationPolicy(meshChart(Environment.DEV), 'c', { host, loadBalancer: LoadBalancer.random() })],
  ];

  test.each(build)('%s refuses an all-digit last label and a Service name that starts with a digit', (_name, make) => {
    expect(errorOf(() => make('api.example.10'))).toBe(`[dev/c] ${ALL_DIGITS('api.example.10', '10')}`);
    expect(errorOf(() => make('0ratings.bookinfo.svc.cluster.local'))).toBe(`[dev/c] ${DIGIT_SERVICE}`);
  });

  test('ExternalService refuses an all-digit last label in its hosts', () => {
    expect(errorOf(() => new ExternalService(meshChart(Environment.DEV), 'c', {
      namespace: 'istio-system', hosts: ['api.stripe.com', '10.0.0.1'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }],
    }))).toBe(`[dev/c] ${ALL_DIGITS('10.0.0.1', '1').replace('host:', 'hosts[1]:')}`);
  });
});
