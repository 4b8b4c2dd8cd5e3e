/**
 * virtualservice.destinationhosts: route and mirror destination hosts exist (IST0101), with the port
 * they name or one port (IST0112); ingress routes that bypass a mesh VirtualService's subsets (IST0140).
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { docs, namespaces, vsFindingObjects, vsFindings } from './virtualservice-support';

const CODES = ['IST0101', 'IST0112', 'IST0140'];

/** Istio's destination hosts case, translated: Services, ServiceEntries and exportTo. */
const REGISTRY = docs(`
apiVersion: v1
kind: Service
metadata: { name: reviews, namespace: default }
spec:
  ports: [{ port: 42, name: tcp-test, protocol: TCP }]
---
apiVersion: v1
kind: Service
metadata: { name: reviews-2port, namespace: default }
spec:
  ports:
  - { port: 80, name: http-test, protocol: TCP }
  - { port: 443, name: https-test, protocol: TCP }
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: external-reviews, namespace: default }
spec:
  hosts: [external-reviews.org]
  ports: [{ number: 443, name: tls, protocol: TLS }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: eu-wildcard, namespace: default }
spec:
  hosts: ["*.eu.bookinfo.com"]
  ports: [{ number: 80, name: http, protocol: HTTP }]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: service-entry-ignore, namespace: default-ignore }
spec:
  exportTo: ["."]
  hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: service-entry-other, namespace: other }
spec:
  exportTo: ["."]
  hosts: [other.bookinfo.com]
---
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: service-entry-exported, namespace: other }
spec:
  exportTo: [default]
  hosts: [abc.bookinfo.com]
---
apiVersion: v1
kind: Service
metadata:
  name: details
  namespace: default
  annotations: { networking.istio.io/exportTo: banana }
spec:
  ports: [{ port: 9080, name: http }]
---
apiVersion: v1
kind: Service
metadata:
  name: hello
  namespace: hello
  annotations: { networking.istio.io/exportTo: "hello1,hello2,." }
spec:
  ports: [{ port: 9080, name: http }]
`);

const NAMESPACES = namespaces('default', 'default-ignore', 'other', 'istio-system', 'banana', 'hello', 'hello1', 'hello2');

/** A VirtualService in `namespace` with one http rule `rule` (and more spec). */
function vs(namespace: string, name: string, rule: Record<string, unknown>, extra: Record<string, unknown> = {}): any {
  return { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace }, spec: { hosts: [name], http: [rule], ...extra } };
}

const to = (host: string, more: Record<string, unknown> = {}) => ({ route: [{ destination: { host, ...more } }] });

describe('virtualservice.destinationhosts: hosts (IST0101)', () => {
  test('Services by short name and FQDN, ServiceEntry hosts and wildcards, exportTo of either side', () => {
    // GIVEN the VirtualServices of Istio's case
    const objects = [
      ...NAMESPACES, ...REGISTRY,
      vs('default', 'reviews', to('reviews', { port: { number: 42 } })),
      vs('default', 'reviews-bogushost', { route: [{}, { destination: { host: 'reviews-bogus' } }] }),
      vs('default', 'reviews-fqdn', to('reviews.default.svc.cluster.local')),
      vs('default', 'reviews-external', to('external-reviews.org')),
      vs('default', 'reviews-bookinfo-eu', to('reviews.eu.bookinfo.com')),
      vs('default', 'reviews-bookinfo-eu-wildcard', to('*.eu.bookinfo.com')),
      vs('default', 'reviews-bookinfo-other', to('other.bookinfo.com')),
      vs('default', 'reviews-mirror', { ...to('reviews'), mirror: { host: 'reviews' } }),
      vs('default', 'reviews-mirror-bogushost', { ...to('reviews'), mirror: { host: 'reviews-bogus' } }),
      vs('istio-system', 'cross-namespace', to('reviews.default.svc.cluster.local')),
      vs('istio-system', 'cross-namespace-details', to('details.default.svc.cluster.local')),
      vs('banana', 'banana-details', to('details.default.svc.cluster.local')),
      vs('hello1', 'hello', to('hello.hello.svc.cluster.local')),
      vs('hello2', 'hello', to('hello.hello.svc.cluster.local')),
      vs('hello', 'hello', to('hello.hello.svc.cluster.local')),
      vs('hello', 'hello-export-to-bogus', to('hello.hello.svc.cluster.local'), { exportTo: ['bogus'] }),
      vs('default', 'vs-to-exported-serviceentry', to('abc.bookinfo.com')),
    ];
    // WHEN / THEN
    expect(vsFindings(objects, CODES)).toStrictEqual([
      'Error [IST0101] (VirtualService default/reviews-bogushost) Referenced host not found: "reviews-bogus" (spec.http[0].route[1].destination.host). '
        + 'Fix: create a Service or ServiceEntry for reviews-bogus.default.svc.cluster.local that namespace default sees (mind exportTo; a short name is a '
        + 'Service of the VirtualService\'s namespace), declare it existing (ExternalResources services or hosts), or fix the host',
      'Error [IST0101] (VirtualService default/reviews-bookinfo-other) Referenced host not found: "other.bookinfo.com" (spec.http[0].route[0].destination.host). '
        + 'Fix: create a Service or ServiceEntry for other.bookinfo.com that namespace default sees (mind exportTo; a short name is a Service of the '
        + 'VirtualService\'s namespace), declare it existing (ExternalResources services or hosts), or fix the host',
      'Error [IST0101] (VirtualService default/reviews-mirror-bogushost) Referenced mirror host not found: "reviews-bogus" (spec.http[0].mirror.host). '
        + 'Fix: create a Service or ServiceEntry for reviews-bogus.default.svc.cluster.local that namespace default sees (mind exportTo; a short name is a '
        + 'Service of the VirtualService\'s namespace), declare it existing (ExternalResources services or hosts), or fix the host',
      'Error [IST0101] (VirtualService hello/hello-export-to-bogus) Referenced host not found: "hello.hello.svc.cluster.local" '
        + '(spec.http[0].route[0].destination.host). Fix: create a Service or ServiceEntry for hello.hello.svc.cluster.local that namespace bogus sees (mind '
        + 'exportTo; a short name is a Service of the VirtualService\'s namespace), declare it existing (ExternalResources services or hosts), or fix the host',
      'Error [IST0101] (VirtualService istio-system/cross-namespace-details) Referenced host not found: "details.default.svc.cluster.local" '
        + '(spec.http[0].route[0].destination.host). Fix: create a Service or ServiceEntry for details.default.svc.cluster.local that namespace istio-system '
        + 'sees (mind exportTo; a short name is a Service of the VirtualService\'s namespace), declare it existing (ExternalResources services or hosts), or '
        + 'fix the host',
    ]);
  });

  test('the finding names the object, field and level', () => {
    const objects = [...namespaces('shop'), vs('shop', 'cart', { mirrors: [{ destination: { host: 'shadow' } }], ...to('cart') }),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'cart', namespace: 'shop' }, spec: { ports: [{ port: 80 }] } }];
    expect(vsFindingObjects(objects, CODES)).toStrictEqual([{
      code: 'IST0101',
      messageName: 'ReferencedResourceNotFound',
      level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'shop',
      name: 'cart',
      field: 'spec.http[0].mirrors[0].destination.host',
      message: 'Referenced mirror host not found: "shadow" (spec.http[0].mirrors[0].destination.host). Fix: create a Service or ServiceEntry for '
        + 'shadow.shop.svc.cluster.local that namespace shop sees (mind exportTo; a short name is a Service of the VirtualService\'s namespace), declare it '
        + 'existing (ExternalResources services or hosts), or fix the host',
    }]);
  });

  test('tcp and tls destinations; declared hosts and services satisfy the reference', () => {
    // GIVEN routes to a database and an API that live outside the output
    const objects = [
      ...namespaces('apps'),
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'edge', namespace: 'apps' },
        spec: { hosts: ['edge'], tcp: [{ route: [{ destination: { host: 'db.data.svc.cluster.local', port: { number: 5432 } } }] }],
          tls: [{ match: [{ sniHosts: ['edge'] }], route: [{ destination: { host: 'api.partner.com' } }] }] } },
    ];
    // WHEN nothing is declared THEN both are missing
    expect(vsFindings(objects, CODES).map((f) => f.slice(0, f.indexOf(' Fix:')))).toStrictEqual([
      'Error [IST0101] (VirtualService apps/edge) Referenced host not found: "db.data.svc.cluster.local" (spec.tcp[0].route[0].destination.host).',
      'Error [IST0101] (VirtualService apps/edge) Referenced host not found: "api.partner.com" (spec.tls[0].route[0].destination.host).',
    ]);
    // WHEN the Service is declared (ports unknown) and the host too THEN nothing is reported
    const external = [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'db', namespace: 'data' } },
      { apiVersion: 'cdk8s-istio.io/v1', kind: 'ExternalHost', hosts: ['*.partner.com'] },
    ];
    expect(vsFindings(objects, CODES, { external })).toStrictEqual([]);
  });
});

describe('virtualservice.destinationhosts: ports (IST0101 host:port, IST0112)', () => {
  test('a port the service does not have; no port for a service with several', () => {
    const objects = [
      ...NAMESPACES, ...REGISTRY,
      vs('default', 'reviews-bogusport', to('reviews', { port: { number: 999 } })),
      vs('default', 'reviews-2port-missing', to('reviews-2port')),
      vs('default', 'reviews-2port-present', to('reviews-2port', { port: { number: 80 } })),
      vs('default', 'reviews-one-port', to('reviews')),
      vs('default', 'eu-port', to('a.eu.bookinfo.com', { port: { number: 8080 } })),
    ];
    expect(vsFindings(objects, CODES)).toStrictEqual([
      'Error [IST0101] (VirtualService default/eu-port) Referenced host:port not found: "a.eu.bookinfo.com:8080" (spec.http[0].route[0].destination.port.number). '
        + 'Fix: use a port of ServiceEntry default/eu-wildcard (80), or add port 8080 to it',
      'Error [IST0101] (VirtualService default/reviews-bogusport) Referenced host:port not found: "reviews:999" (spec.http[0].route[0].destination.port.number). '
        + 'Fix: use a port of Service default/reviews (42), or add port 999 to it',
      'Error [IST0112] (VirtualService default/reviews-2port-missing) This VirtualService routes to a service "reviews-2port" that exposes multiple ports '
        + '[80 443]. Specifying a port in the destination is required to disambiguate (spec.http[0].route[0].destination). Fix: add port: { number: <one of 80, '
        + '443> } to the destination',
    ]);
  });
});

describe('virtualservice.destinationhosts: subsets an ingress route bypasses (IST0140)', () => {
  // Istio's case: a mesh VirtualService of ratings routes to subset v1; ingress routes to ratings.
  const base = docs(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: gw, namespace: istio-system }
spec:
  selector: { istio: ingressgateway }
  servers: [{ port: { number: 80, name: http, protocol: HTTP }, hosts: ["*.example.com"] }]
---
apiVersion: v1
kind: Service
metadata: { name: ratings, namespace: default }
spec:
  ports: [{ port: 80, name: http-ratings }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ratings-01, namespace: default }
spec:
  hosts: [ratings]
  http:
  - route: [{ destination: { host: ratings, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ratings, namespace: default }
spec:
  host: ratings
  subsets: [{ name: v1, labels: { version: v1 } }]
`);
  const ingress = (name: string, destination: Record<string, unknown>) => ({
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace: 'default' },
    spec: { hosts: [`${name}.example.com`], gateways: ['istio-system/gw'], http: [{ route: [{ destination }] }] },
  });

  test('an ingress route without a subset is reported, in any spelling of the host; one with a subset is not', () => {
    const objects = [
      ...namespaces('default', 'istio-system'), ...base,
      ingress('no-subset', { host: 'ratings' }),
      ingress('fqdn-no-subset', { host: 'ratings.default.svc.cluster.local' }),
      ingress('with-subset', { host: 'ratings', subset: 'v1' }),
    ];
    expect(vsFindings(objects, CODES)).toStrictEqual([
      'Warning [IST0140] (VirtualService default/fqdn-no-subset) Subset in virtual service default/ratings-01 has no effect on ingress gateway '
        + 'default/fqdn-no-subset requests (spec.http[0].route[0].destination). Fix: give the destination a subset (the version ingress traffic is for), or '
        + 'repeat default/ratings-01\'s subset routes here: a gateway applies only the VirtualServices bound to it, not the mesh one',
      'Warning [IST0140] (VirtualService default/no-subset) Subset in virtual service default/ratings-01 has no effect on ingress gateway default/no-subset '
        + 'requests (spec.http[0].route[0].destination). Fix: give the destination a subset (the version ingress traffic is for), or repeat '
        + 'default/ratings-01\'s subset routes here: a gateway applies only the VirtualServices bound to it, not the mesh one',
    ]);
  });

  test('a mesh VirtualService without subset routes, or one bound to gateways only, is not bypassed', () => {
    const objects = [
      ...namespaces('default', 'istio-system'),
      ...base.map((o) => (o.metadata.name === 'ratings-01' ? { ...o, spec: { ...o.spec, gateways: ['istio-system/gw'], hosts: ['ratings.example.com'] } } : o)),
      ingress('no-subset', { host: 'ratings' }),
    ];
    expect(vsFindings(objects, CODES)).toStrictEqual([]);
  });
});

describe('virtualservice.destinationhosts: any input', () => {
  test('destinations without a host, and malformed routes, are skipped', () => {
    const objects = [
      ...namespaces('apps'),
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a', namespace: 'apps' },
        spec: { hosts: ['a'], http: [{ route: 'x', mirror: 'y', mirrors: [null, { destination: 3 }] }, null, { route: [{ destination: { host: '' } }] }], tcp: {}, tls: [7] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'b', namespace: 'apps' }, spec: 'nothing' },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd', namespace: 'apps' }, spec: { ports: 'none' } },
    ];
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
    expect(vsFindings(objects, CODES)).toStrictEqual([]);
  });
});
