/**
 * virtualservice.destinationrules: every subset a route or mirror names is defined by a DestinationRule
 * of its host that the VirtualService's namespace sees (IST0101 "host+subset in destinationrule").
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { docs, namespaces, vsFindingObjects, vsFindings } from './virtualservice-support';

/** Only this check's findings: IST0101 on a subset. */
function subsetFindings(objects: any[], external: any[] = []): string[] {
  return vsFindings(objects, ['IST0101'], { external }).filter((f) => f.includes('+subset in destinationrule'));
}

/** Istio's destination rules case, translated. */
const ISTIO_CASE = docs(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: default }
spec:
  host: reviews
  subsets: [{ name: v1, labels: { version: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews, namespace: default }
spec:
  hosts: [reviews]
  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-bogussubset, namespace: default }
spec:
  hosts: [reviews-a]
  http: [{ route: [{ destination: { host: reviews, subset: bogus } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-fqdn, namespace: default }
spec:
  hosts: [reviews-b]
  http: [{ route: [{ destination: { host: reviews.default.svc.cluster.local, subset: v1 } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-mirror, namespace: default }
spec:
  hosts: [reviews-c]
  http:
  - route: [{ destination: { host: reviews, subset: v1 } }]
    mirror: { host: reviews, subset: v1 }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: reviews-mirror-bogussubset, namespace: default }
spec:
  hosts: [reviews-d]
  http:
  - route: [{ destination: { host: reviews, subset: v1 } }]
    mirror: { host: reviews, subset: bogus }
`);

describe('virtualservice.destinationrules (IST0101)', () => {
  test('a subset the DestinationRule does not define, in a route and in a mirror; short and fully qualified hosts', () => {
    // GIVEN Istio's case WHEN analyzed THEN the two bogus subsets are reported
    expect(subsetFindings([...namespaces('default'), ...ISTIO_CASE])).toStrictEqual([
      'Error [IST0101] (VirtualService default/reviews-bogussubset) Referenced host+subset in destinationrule not found: "reviews+bogus" '
        + '(spec.http[0].route[0].destination.subset). Fix: add subset "bogus" to the DestinationRule of reviews.default.svc.cluster.local (defined: v1), '
        + 'or route to one it defines',
      'Error [IST0101] (VirtualService default/reviews-mirror-bogussubset) Referenced mirror+subset in destinationrule not found: "reviews+bogus" '
        + '(spec.http[0].mirror.subset). Fix: add subset "bogus" to the DestinationRule of reviews.default.svc.cluster.local (defined: v1), or route to one '
        + 'it defines',
    ]);
  });

  test('the finding names the object, field and level', () => {
    const [finding] = vsFindingObjects([...namespaces('default'), ...ISTIO_CASE], ['IST0101']).filter((f) => f.name === 'reviews-bogussubset' && f.field?.endsWith('.subset'));
    expect(finding).toStrictEqual({
      code: 'IST0101',
      messageName: 'ReferencedResourceNotFound',
      level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'default',
      name: 'reviews-bogussubset',
      field: 'spec.http[0].route[0].destination.subset',
      message: 'Referenced host+subset in destinationrule not found: "reviews+bogus" (spec.http[0].route[0].destination.subset). Fix: add subset "bogus" to '
        + 'the DestinationRule of reviews.default.svc.cluster.local (defined: v1), or route to one it defines',
    });
  });

  test('a short host names the Service of the VirtualService\'s namespace: a DestinationRule of another namespace\'s Service does not count', () => {
    // GIVEN a DestinationRule for reviews in bookinfo, and a route to "reviews" from frontend
    const objects = [
      ...namespaces('bookinfo', 'frontend'),
      ...docs(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: bookinfo }
spec: { host: reviews, subsets: [{ name: v1 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: short, namespace: frontend }
spec:
  hosts: [short]
  tcp: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: qualified, namespace: frontend }
spec:
  hosts: [qualified]
  tls: [{ match: [{ sniHosts: [qualified] }], route: [{ destination: { host: reviews.bookinfo.svc.cluster.local, subset: v1 } }] }]
`),
    ];
    // WHEN / THEN
    expect(subsetFindings(objects)).toStrictEqual([
      'Error [IST0101] (VirtualService frontend/short) Referenced host+subset in destinationrule not found: "reviews+v1" (spec.tcp[0].route[0].destination.subset). '
        + 'Fix: add a DestinationRule for reviews.frontend.svc.cluster.local with subset "v1" (visible from namespace frontend), or route to the whole host '
        + '(no subset)',
    ]);
  });

  test('exportTo of the DestinationRule: one hidden from the VirtualService\'s namespace does not count', () => {
    const objects = [
      ...namespaces('bookinfo', 'frontend'),
      ...docs(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: reviews, namespace: bookinfo }
spec: { host: reviews, exportTo: ["."], subsets: [{ name: v1 }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: local, namespace: bookinfo }
spec:
  hosts: [reviews]
  http: [{ route: [{ destination: { host: reviews, subset: v1 } }] }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: remote, namespace: frontend }
spec:
  hosts: [remote]
  http: [{ route: [{ destination: { host: reviews.bookinfo.svc.cluster.local, subset: v1 } }] }]
`),
    ];
    expect(subsetFindings(objects)).toStrictEqual([
      'Error [IST0101] (VirtualService frontend/remote) Referenced host+subset in destinationrule not found: "reviews.bookinfo.svc.cluster.local+v1" '
        + '(spec.http[0].route[0].destination.subset). Fix: add a DestinationRule for reviews.bookinfo.svc.cluster.local with subset "v1" (visible from '
        + 'namespace frontend), or route to the whole host (no subset)',
    ]);
  });

  test('a wildcard DestinationRule host covers the destination; a declared DestinationRule counts', () => {
    const objects = [
      ...namespaces('egress'),
      ...docs(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: partners, namespace: egress }
spec: { host: "*.partner.com", subsets: [{ name: eu }] }
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: api, namespace: egress }
spec:
  hosts: [api.partner.com]
  http:
  - route: [{ destination: { host: api.partner.com, subset: eu } }]
  - route: [{ destination: { host: api.vendor.com, subset: us } }]
`),
    ];
    expect(subsetFindings(objects).map((f) => f.slice(0, f.indexOf(' Fix:')))).toStrictEqual([
      'Error [IST0101] (VirtualService egress/api) Referenced host+subset in destinationrule not found: "api.vendor.com+us" (spec.http[1].route[0].destination.subset).',
    ]);
    const external = [{ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'vendor', namespace: 'egress' }, spec: { host: 'api.vendor.com', subsets: [{ name: 'us' }] } }];
    expect(subsetFindings(objects, external)).toStrictEqual([]);
  });

  test('malformed DestinationRules and destinations are skipped', () => {
    const objects = [
      ...namespaces('apps'),
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'a', namespace: 'apps' }, spec: { host: 3, subsets: 'x' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'b', namespace: 'apps' }, spec: { host: 'b', subsets: [null, { name: 4 }, { name: 'v1' }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'b', namespace: 'apps' },
        spec: { hosts: ['b'], http: [{ route: [{ destination: { host: 'b', subset: 'v1' } }, { destination: { host: 'b', subset: 7 } }] }] } },
    ];
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
    expect(subsetFindings(objects)).toStrictEqual([]);
  });
});
