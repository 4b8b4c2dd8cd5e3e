/**
 * The API boundary of ExternalService (ServiceEntry): our error or valid output, and the CRD's own
 * limits (from schemas/) at construction instead of a ServiceEntry the apiserver rejects.
 */
import { ExternalService, ExternalServiceProps, ServiceProtocol, ServiceResolution } from '../../lib';
import { errorOf, meshChart, one, synthValid } from './support';

function entryError(props: unknown): string {
  return errorOf(() => new ExternalService(meshChart(), 'ext', props as ExternalServiceProps));
}

const TLS = { number: 443, protocol: ServiceProtocol.TLS };

describe('ExternalService at the API boundary', () => {
  test('missing props, a null port and a string where a list belongs are our errors, not TypeErrors', () => {
    expect(entryError(undefined)).toBe('[prod/ext] props: undefined are missing. Fix: give an object such as { hosts, ports, ... }');
    expect(entryError({ namespace: 'shop', hosts: ['api.stripe.com'], ports: [null] }))
      .toBe('[prod/ext] ports[0]: null is not an ExternalServicePort object. Fix: give an object such as { number, protocol, ... }');
    expect(entryError({ namespace: 'shop', hosts: 'api.stripe.com', ports: [TLS] }))
      .toBe('[prod/ext] hosts: "api.stripe.com" is a string, not a list. Fix: list the external hosts, e.g. ["api.stripe.com"]');
    expect(entryError({ namespace: 'shop', hosts: ['api.stripe.com'] }))
      .toBe('[prod/ext] ports: undefined is missing (ExternalServiceProps requires it). Fix: give ports');
  });

  test('unknown keys are errors, in the props and in a port or an endpoint', () => {
    expect(entryError({ namespace: 'shop', hosts: ['api.stripe.com'], ports: [{ ...TLS, targetport: 8443 }] }))
      .toBe('[prod/ext] ports[0]: "targetport" is not a field of ExternalServicePort (did you mean "targetPort"?). Fix: rename it to "targetPort"');
    expect(entryError({ namespace: 'shop', hosts: ['api.stripe.com'], ports: [TLS], resolution: ServiceResolution.STATIC, endpoints: [{ address: '203.0.113.1', network: 'n1' }] }))
      .toBe('[prod/ext] endpoints[0]: "network" is not a field of ExternalServiceEndpoint. Fix: drop it; ExternalServiceEndpoint has address, ports, labels, weight');
  });

  test('more hosts than the CRD\'s maxItems (256) is an error at construction', () => {
    // GIVEN 300 hosts WHEN constructed THEN the CRD's limit, read from its schema
    const hosts = Array.from({ length: 300 }, (_, i) => `h${i}.example.com`);
    expect(entryError({ namespace: 'shop', hosts, ports: [TLS], resolution: ServiceResolution.NONE }))
      .toBe('[prod/ext] hosts: ["h0.example.com","h1.example.com","h2.example.com","h3.example.com","h4.example.com","h5.example.com","h6.example.com"… '
        + 'has 300 items, more than the 256 allowed. Fix: give at most 256 items');
    // AND 256 is fine
    const chart = meshChart();
    new ExternalService(chart, 'ext', { namespace: 'shop', hosts: hosts.slice(0, 256), ports: [TLS], resolution: ServiceResolution.NONE });
    expect(one(synthValid(chart), 'ServiceEntry', 'ext').spec.hosts).toHaveLength(256);
  });

  test('an endpoint weight above uint32 is an error (the CRD\'s maximum 4294967295)', () => {
    expect(entryError({ namespace: 'shop', hosts: ['api.stripe.com'], ports: [TLS], resolution: ServiceResolution.STATIC, endpoints: [{ address: '203.0.113.1', weight: 2 ** 32 }] }))
      .toBe('[prod/ext] endpoints[0].weight: 4294967296 is not a whole number from 1 to 4294967295. Fix: use e.g. 10, or drop it for equal weights');
  });

  test('a 63-character port name an endpoint maps is an error (the CRD\'s endpoint port keys are shorter than 63)', () => {
    // GIVEN a port named with a 63-character DNS label and an endpoint that maps it
    const name = `tls-${'a'.repeat(59)}`;
    expect(entryError({
      namespace: 'shop', hosts: ['api.stripe.com'], ports: [{ ...TLS, name }], resolution: ServiceResolution.STATIC,
      endpoints: [{ address: '203.0.113.1', ports: { [name]: 8443 } }],
    })).toBe(`[prod/ext] endpoints[0].ports: "${name}" is 63 characters long, but the CRD allows endpoint port names of at most 62. Fix: give the port a shorter name (ports[].name)`);
  });

  test('label values and port numbers of the wrong type are errors', () => {
    const base = { namespace: 'shop', hosts: ['api.stripe.com'], ports: [TLS], resolution: ServiceResolution.STATIC };
    expect(entryError({ ...base, endpoints: [{ address: '203.0.113.1', labels: { version: 2 } }] }))
      .toBe('[prod/ext] endpoints[0].labels.version: 2 is a number, not a string. Fix: give label values as strings, e.g. "v1"');
    expect(entryError({ ...base, endpoints: [{ address: '203.0.113.1', ports: { 'tls-443': '8443' } }] }))
      .toBe('[prod/ext] endpoints[0].ports["tls-443"]: "8443" is not a port number 1–65535. Fix: use e.g. 8443');
    expect(entryError({ ...base, location: 'OUTSIDE' }))
      .toBe('[prod/ext] location: "OUTSIDE" is not a ServiceLocation. Fix: use one of ServiceLocation.MESH_EXTERNAL, ServiceLocation.MESH_INTERNAL');
  });
});
