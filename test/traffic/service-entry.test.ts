import * as fc from 'fast-check';
import {
  Environment, ExternalService, ExternalServiceProps, MeshControlPlane, ServiceLocation, ServiceProtocol, ServiceResolution, WorkloadSelector,
} from '../../lib';
import { expectValidManifests } from '../support/validate';
import { findingsOf } from '../support/charts';
import { find, meshChart, synth, thrown } from '../gateway/support';

const STRIPE: ExternalServiceProps = { namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] };

function entryFor(props: ExternalServiceProps) {
  const chart = meshChart(Environment.DEV);
  new ExternalService(chart, 'ext', props);
  const objects = synth(chart);
  expectValidManifests(objects);
  return find(objects, 'ServiceEntry', props.name ?? 'ext', props.namespace);
}

function errorFor(props: Partial<ExternalServiceProps>): string {
  return thrown(() => new ExternalService(meshChart(), 'ext', { ...STRIPE, ...props } as ExternalServiceProps));
}

describe('ExternalService', () => {
  test('defaults: DNS resolution, MESH_EXTERNAL, port named after protocol and number', () => {
    const se = entryFor(STRIPE);
    expect(se.apiVersion).toBe('networking.istio.io/v1');
    expect(se.spec).toStrictEqual({
      hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: 'TLS', name: 'tls-443' }], location: 'MESH_EXTERNAL', resolution: 'DNS',
    });
  });

  test('wildcard hosts default to NONE; STATIC endpoints, CIDR addresses, exportTo and MESH_INTERNAL selectors render', () => {
    expect(entryFor({ ...STRIPE, hosts: ['*.stripe.com'] }).spec.resolution).toBe('NONE');
    const stat = entryFor({
      namespace: 'ops', hosts: ['db.internal.example.com'], resolution: ServiceResolution.STATIC, addresses: ['10.20.0.0/16'],
      ports: [{ number: 5432, protocol: ServiceProtocol.TCP, name: 'postgres' }],
      endpoints: [{ address: '10.20.0.5', labels: { role: 'primary' }, ports: { postgres: 6432 }, weight: 3 }], exportTo: ['.'],
    });
    expect(stat.spec.endpoints).toStrictEqual([{ address: '10.20.0.5', labels: { role: 'primary' }, ports: { postgres: 6432 }, weight: 3 }]);
    expect(stat.spec.exportTo).toStrictEqual(['.']);
    const internal = entryFor({
      namespace: 'vms', hosts: ['legacy.vms.svc.cluster.local'], location: ServiceLocation.MESH_INTERNAL, resolution: ServiceResolution.STATIC,
      workloadSelector: WorkloadSelector.labels({ app: 'legacy' }), ports: [{ number: 8080, protocol: ServiceProtocol.HTTP }],
    });
    expect(internal.spec.workloadSelector).toStrictEqual({ labels: { app: 'legacy' } });
  });

  test.each([
    ['S1: host "*"', { hosts: ['*'] }, '[prod/ext] hosts[0]: "*" matches every host, which a ServiceEntry may not (ISTIO-RULES S1). Fix: name the hosts, e.g. "api.stripe.com" or "*.stripe.com"'],
    ['S1: duplicate port numbers', { ports: [{ number: 443, protocol: ServiceProtocol.TLS }, { number: 443, protocol: ServiceProtocol.HTTPS }] },
      '[prod/ext] ports[1].number: 443 is already a port of this service (port numbers must be unique; ISTIO-RULES S1). Fix: list each port once'],
    ['S1: port 0', { ports: [{ number: 0, protocol: ServiceProtocol.TLS }] }, '[prod/ext] ports[0].number: 0 is not a port number 1–65535. Fix: use e.g. 443 (ISTIO-RULES S1)'],
    ['S1: port 65536', { ports: [{ number: 65536, protocol: ServiceProtocol.TLS }] }, '[prod/ext] ports[0].number: 65536 is not a port number 1–65535. Fix: use e.g. 443 (ISTIO-RULES S1)'],
    ['S1: endpoints with NONE', { resolution: ServiceResolution.NONE, endpoints: [{ address: '203.0.113.1' }] },
      '[prod/ext] endpoints: ["203.0.113.1"] are given with resolution NONE, which forwards to the original destination and takes no endpoints (ISTIO-RULES S1). Fix: drop the endpoints, or use STATIC or DNS resolution'],
    ['S1: two endpoints with DNS_ROUND_ROBIN', { resolution: ServiceResolution.DNS_ROUND_ROBIN, endpoints: [{ address: 'a.example.com' }, { address: 'b.example.com' }] },
      '[prod/ext] endpoints: ["a.example.com","b.example.com"] has more than one endpoint with DNS_ROUND_ROBIN resolution (ISTIO-RULES S1). Fix: give one endpoint, or use DNS resolution to balance across several'],
    ['an IPv6 address with two "::"', { addresses: ['2001:db8::1::2'] },
      '[prod/ext] addresses[0]: "2001:db8::1::2" is not an IP address or CIDR range. Fix: use e.g. "203.0.113.10" or "203.0.113.0/24"'],
    ['a CIDR of colons only', { resolution: ServiceResolution.NONE, addresses: [':::/64'] },
      '[prod/ext] addresses[0]: ":::/64" is not an IP address or CIDR range. Fix: use e.g. "203.0.113.10" or "203.0.113.0/24"'],
    ['S1: CIDR with DNS', { addresses: ['203.0.113.0/24'] },
      '[prod/ext] addresses[0]: "203.0.113.0/24" is a CIDR range, which DNS resolution does not allow (CIDR addresses only with NONE or STATIC; ISTIO-RULES S1). Fix: give single IP addresses, or use resolution NONE / STATIC'],
    ['S1: workloadSelector with endpoints', { location: ServiceLocation.MESH_INTERNAL, workloadSelector: WorkloadSelector.labels({ app: 'x' }), endpoints: [{ address: '203.0.113.1' }] },
      '[prod/ext] workloadSelector: {"app":"x"} is given together with endpoints (only one of them; ISTIO-RULES S1). Fix: keep either the selector or the endpoints'],
    ['a workloadSelector on MESH_EXTERNAL', { workloadSelector: WorkloadSelector.labels({ app: 'x' }) },
      '[prod/ext] workloadSelector: {"app":"x"} only applies to MESH_INTERNAL services. Fix: set location: ServiceLocation.MESH_INTERNAL or list endpoints'],
    ['STATIC without endpoints', { resolution: ServiceResolution.STATIC },
      '[prod/ext] endpoints: undefined is empty with STATIC resolution (there would be nowhere to send traffic). Fix: list endpoints with IP addresses, or use DNS resolution'],
    ['a STATIC endpoint that is a name', { resolution: ServiceResolution.STATIC, endpoints: [{ address: 'db.example.com' }] },
      '[prod/ext] endpoints[0].address: "db.example.com" is not an IP address, which STATIC resolution needs. Fix: give an IP address, or use DNS resolution for names'],
    ['DNS for a wildcard host', { hosts: ['*.stripe.com'], resolution: ServiceResolution.DNS },
      '[prod/ext] hosts: "*.stripe.com" is a wildcard, which DNS resolution without endpoints cannot resolve. Fix: use resolution NONE for wildcard hosts, or list endpoints'],
    ['several hosts on a TCP port', { hosts: ['a.example.com', 'b.example.com'], addresses: ['203.0.113.1'], ports: [{ number: 5432, protocol: ServiceProtocol.TCP }] },
      '[prod/ext] hosts: ["a.example.com","b.example.com"] are several hosts on the TCP port 5432, where the proxy cannot tell them apart (no Host header or SNI). Fix: make one ExternalService per host, or use resolution NONE'],
    ['an endpoint port that is not a service port', { endpoints: [{ address: '203.0.113.1', ports: { https: 8443 } }] },
      '[prod/ext] endpoints[0].ports: "https" is not the name of a port of this service. Fix: use one of tls-443'],
    ['exportTo mixing "*"', { exportTo: ['*', 'bookinfo'] },
      '[prod/ext] exportTo: ["*","bookinfo"] mixes "*" or "~" with other entries. Fix: use "*" alone for all namespaces, "~" alone for none'],
  ])('rejects %s', (_what, props, message) => {
    expect(errorFor(props as Partial<ExternalServiceProps>)).toBe(message);
  });

  test('IST0134: the analyzer warns about a TCP port without addresses unless the mesh auto-allocates addresses', () => {
    // GIVEN a TCP ExternalService without addresses
    const tcp: ExternalServiceProps = { namespace: 'istio-system', hosts: ['db.example.com'], ports: [{ number: 5432, protocol: ServiceProtocol.TCP }] };
    const chart = meshChart();
    new ExternalService(chart, 'db', tcp);
    // WHEN synthesized and analyzed THEN it synthesizes, and the analyzer warns
    expectValidManifests(synth(chart));
    expect(findingsOf(chart, 'IST0134')).toStrictEqual([
      'Warning [IST0134] (ServiceEntry istio-system/db) ServiceEntry addresses are required for this protocol (spec.ports[0]). Fix: give the entry addresses '
      + '(the IPs or CIDRs its hosts resolve to), or let the mesh allocate addresses: meshConfig.defaultConfig.proxyMetadata ISTIO_META_DNS_CAPTURE and '
      + 'ISTIO_META_DNS_AUTO_ALLOCATE "true" (MeshControlPlane meshConfig dnsCapture and dnsAutoAllocate) [construct prod/db]',
    ]);

    // GIVEN a control plane that captures DNS and allocates addresses THEN no warning
    const allocating = meshChart();
    new MeshControlPlane(allocating, 'control-plane', { meshConfig: { dnsCapture: true, dnsAutoAllocate: true } });
    new ExternalService(allocating, 'db', tcp);
    expectValidManifests(synth(allocating));
    expect(findingsOf(allocating, 'IST0134')).toStrictEqual([]);
  });

  test('property: unique port numbers in range always validate', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: 65535 }), { minLength: 1, maxLength: 5 }), (numbers) => {
      const se = entryFor({ ...STRIPE, ports: numbers.map((n) => ({ number: n, protocol: ServiceProtocol.HTTPS })) });
      expect(se.spec.ports.map((p: any) => p.number)).toStrictEqual(numbers);
    }), { numRuns: 25 });
  });
});
