/**
 * ExternalService (ServiceEntry) rules no other test reaches: empty and duplicate hosts, addresses and
 * ports, port names, target ports, endpoints (address, wildcard, weight) and exportTo.
 */
import { Environment, ExternalService, ExternalServiceProps, ServiceProtocol, ServiceResolution } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

const STRIPE: ExternalServiceProps = { namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] };

function entryError(props: Partial<ExternalServiceProps>): string {
  return errorOf(() => new ExternalService(meshChart(Environment.PROD), 'ext', { ...STRIPE, ...props }));
}

function entrySpec(props: Partial<ExternalServiceProps>) {
  const chart = meshChart(Environment.PROD);
  new ExternalService(chart, 'ext', { ...STRIPE, ...props });
  return find(synthValid(chart), 'ServiceEntry', 'ext', 'istio-system').spec;
}

describe('hosts and addresses', () => {
  test('no hosts is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ hosts: [] })).toBe('[prod/ext] hosts: [] is empty. Fix: list the external hosts, e.g. ["api.stripe.com"]');
  });

  test('a host listed twice (in any case) is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ hosts: ['api.stripe.com', 'API.stripe.com'] })).toBe('[prod/ext] hosts: "API.stripe.com" is listed twice. Fix: list each host once');
  });

  test('an empty addresses list is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ addresses: [] })).toBe('[prod/ext] addresses: [] is empty. Fix: drop it or list at least one address');
  });
});

describe('ports', () => {
  test('a target port is written on its port', () => {
    // GIVEN / WHEN
    const spec = entrySpec({ ports: [{ number: 443, protocol: ServiceProtocol.TLS, targetPort: 8443 }] });
    // THEN
    expect(spec.ports).toStrictEqual([{ number: 443, protocol: 'TLS', name: 'tls-443', targetPort: 8443 }]);
  });

  test('no ports is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ ports: [] })).toBe('[prod/ext] ports: [] is empty. Fix: list the ports, e.g. [{ number: 443, protocol: ServiceProtocol.TLS }]');
  });

  test('a port name that is not a DNS label is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ ports: [{ number: 443, protocol: ServiceProtocol.TLS, name: 'TLS_443' }] }))
      .toBe('[prod/ext] ports[0].name: "TLS_443" is not a port name (a DNS label). Fix: use e.g. "tls-443"');
  });

  test('two ports of one name are an error naming the second', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ ports: [{ number: 443, protocol: ServiceProtocol.TLS, name: 'api' }, { number: 8443, protocol: ServiceProtocol.TLS, name: 'api' }] }))
      .toBe('[prod/ext] ports[1].name: "api" is already the name of another port. Fix: give each port its own name');
  });

  test.each([0, 65536])('target port %d is an error', (targetPort) => {
    // GIVEN / WHEN / THEN
    expect(entryError({ ports: [{ number: 443, protocol: ServiceProtocol.TLS, targetPort }] }))
      .toBe(`[prod/ext] ports[0].targetPort: ${targetPort} is not a port number 1–65535. Fix: use e.g. 8443, or drop it`);
  });
});

describe('endpoints', () => {
  test('DNS endpoints with weights are written as given', () => {
    // GIVEN / WHEN
    const spec = entrySpec({ endpoints: [{ address: 'eu.api.stripe.com', weight: 3 }, { address: 'us.api.stripe.com', weight: 1 }] });
    // THEN
    expect(spec.endpoints).toStrictEqual([{ address: 'eu.api.stripe.com', weight: 3 }, { address: 'us.api.stripe.com', weight: 1 }]);
  });

  test('an empty endpoints list is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ endpoints: [] })).toBe('[prod/ext] endpoints: [] is empty. Fix: drop it or list at least one endpoint');
  });

  test('an endpoint with an empty address is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ endpoints: [{ address: 'eu.api.stripe.com' }, { address: '' }] }))
      .toBe('[prod/ext] endpoints[1].address: "" is empty. Fix: give an IP address or DNS name');
  });

  test('a wildcard endpoint address is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ endpoints: [{ address: '*.api.stripe.com' }] }))
      .toBe('[prod/ext] endpoints[0].address: "*.api.stripe.com" is a wildcard host, which is not allowed here. Fix: name the host exactly');
  });

  test.each([0, 1.5])('endpoint weight %d is an error', (weight) => {
    // GIVEN / WHEN / THEN
    expect(entryError({ resolution: ServiceResolution.STATIC, endpoints: [{ address: '203.0.113.10', weight }] }))
      .toBe(`[prod/ext] endpoints[0].weight: ${weight} is not a whole number from 1 to 4294967295. Fix: use e.g. 10, or drop it for equal weights`);
  });
});

describe('exportTo', () => {
  test('"." and another namespace are written as given', () => {
    // GIVEN / WHEN / THEN
    expect(entrySpec({ exportTo: ['.', 'payments'] }).exportTo).toStrictEqual(['.', 'payments']);
  });

  test('an empty list is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ exportTo: [] })).toBe('[prod/ext] exportTo: [] is empty. Fix: drop it (all namespaces) or list namespaces, "." or "*"');
  });

  test('an entry that is not a namespace is an error', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ exportTo: ['Payments'] })).toBe('[prod/ext] exportTo[0]: "Payments" is not a namespace, ".", "*" or "~". Fix: use e.g. "." or "bookinfo"');
  });

  test('"." and the entry\'s own namespace are one namespace listed twice', () => {
    // GIVEN / WHEN / THEN
    expect(entryError({ exportTo: ['.', 'istio-system'] })).toBe('[prod/ext] exportTo[1]: "istio-system" is listed twice. Fix: list each namespace once');
  });
});
