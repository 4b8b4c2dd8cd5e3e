/**
 * virtualservice.unreachablerules: rules no request reaches (IST0130) and matches an earlier rule takes
 * (IST0131), in http, tcp and tls routes.
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { docs, namespaces, vsFindingObjects, vsFindings } from './virtualservice-support';

const CODES = ['IST0130', 'IST0131'];

/** The findings, as printed without the fix. */
function unreachable(objects: any[]): string[] {
  return vsFindings(objects, CODES).map((f) => f.slice(0, f.indexOf(' Fix:')));
}

describe('virtualservice.unreachablerules: duplicate matches (Istio\'s case)', () => {
  const objects = [
    ...namespaces('foo', 'default', 'none'),
    ...docs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: sample-foo-cluster01, namespace: foo }
spec:
  hosts: [sample.foo.svc.cluster.local]
  http:
  - fault: { delay: { fixedDelay: 5s, percentage: { value: 100 } } }
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
  - mirror: { host: sample.bar.svc.cluster.local }
    route: [{ destination: { host: sample.bar.svc.cluster.local, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: duplicate-match }
spec:
  hosts: [sample.baz.svc.cluster.local]
  http:
  - name: send /api/v1/products to sample.foo
    match: [{ name: prefix /api/v1/products, uri: { prefix: /api/v1/products } }]
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
  - name: send /api/v1/products to sample.bar
    match: [{ uri: { prefix: /api/v1/products } }]
    route: [{ destination: { host: sample.bar.svc.cluster.local, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: almost-duplicate-match }
spec:
  hosts: [sample.bar.svc.cluster.local]
  http:
  - match: [{ uri: { prefix: /api/v1/products } }]
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
  - name: send /api/v1/products and /potato to sample.bar
    match:
    - { name: prefix /api/v1/products, uri: { prefix: /api/v1/products } }
    - { name: prefix /potato, uri: { prefix: /potato } }
    route: [{ destination: { host: sample.bar.svc.cluster.local, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: duplicate-tcp-match }
spec:
  hosts: ["*"]
  gateways: [tcp-echo-gateway]
  tcp:
  - match: [{ port: 31400 }]
    route: [{ destination: { host: tcp-echo, port: { number: 9000 }, subset: v1 } }]
  - match: [{ port: 31400 }]
    route: [{ destination: { host: tcp-echo, port: { number: 9000 }, subset: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: duplicate-empty-tcp }
spec:
  hosts: ["*"]
  gateways: [tcp-echo-gateway]
  tcp:
  - route: [{ destination: { host: tcp-echo, port: { number: 9000 }, subset: v1 } }]
  - route: [{ destination: { host: tcp-echo, port: { number: 9000 }, subset: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: almost-duplicate-tcp-match }
spec:
  hosts: ["*"]
  gateways: [tcp-echo-gateway]
  tcp:
  - match: [{ port: 31400 }]
    route: [{ destination: { host: tcp-echo, port: { number: 9000 }, subset: v1 } }]
  - match: [{ port: 31400 }, { port: 31401 }]
    route: [{ destination: { host: tcp-echo, port: { number: 9000 }, subset: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: tls-routing, namespace: none }
spec:
  hosts: [www1.googleapis.com, api1.facebook.com]
  tls:
  - match: [{ port: 2443, sniHosts: [www1.googleapis.com] }]
    route: [{ destination: { host: www1.googleapis.com } }]
  - match: [{ port: 2443, sniHosts: [www1.googleapis.com] }]
    route: [{ destination: { host: api1.facebook.com } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: tls-routing-almostmatch, namespace: none }
spec:
  hosts: [www1.example.com]
  tls:
  - match: [{ port: 2443, sniHosts: [www1.example.com] }]
    route: [{ destination: { host: www1.googleapis.com } }]
  - match:
    - { port: 2443, sniHosts: [www1.example.com] }
    - { port: 8443, sniHosts: [www1.example.com] }
    route: [{ destination: { host: api1.facebook.com } }]
`),
  ];

  test('the rules and matches istioctl reports, with rule and match names', () => {
    expect(unreachable(objects)).toStrictEqual([
      'Warning [IST0130] (VirtualService default/duplicate-empty-tcp) VirtualService rule #1 not used (only the last rule can have no matches) (spec.tcp[1]).',
      'Warning [IST0130] (VirtualService default/duplicate-match) VirtualService rule "send /api/v1/products to sample.bar" not used (all matches used by prior rules) (spec.http[1]).',
      'Warning [IST0130] (VirtualService default/duplicate-tcp-match) VirtualService rule #1 not used (all matches used by prior rules) (spec.tcp[1]).',
      'Warning [IST0130] (VirtualService foo/sample-foo-cluster01) VirtualService rule #1 not used (only the last rule can have no matches) (spec.http[1]).',
      'Warning [IST0130] (VirtualService none/tls-routing) VirtualService rule #1 not used (all matches used by prior rules) (spec.tls[1]).',
      'Info [IST0131] (VirtualService default/almost-duplicate-match) VirtualService rule "send /api/v1/products and /potato to sample.bar" match "prefix /api/v1/products" is not used (duplicate/overlapping match in rule #0) (spec.http[1].match[0]).',
      'Info [IST0131] (VirtualService default/almost-duplicate-tcp-match) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0) (spec.tcp[1].match[0]).',
      'Info [IST0131] (VirtualService default/duplicate-match) VirtualService rule "send /api/v1/products to sample.bar" match #0 is not used (duplicate/overlapping match in rule "send /api/v1/products to sample.foo") (spec.http[1].match[0]).',
      'Info [IST0131] (VirtualService default/duplicate-tcp-match) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0) (spec.tcp[1].match[0]).',
      'Info [IST0131] (VirtualService none/tls-routing) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0) (spec.tls[1].match[0]).',
      'Info [IST0131] (VirtualService none/tls-routing-almostmatch) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0) (spec.tls[1].match[0]).',
    ]);
  });

  test('the finding names the object, field, level and what to do', () => {
    expect(vsFindingObjects(objects, CODES).find((f) => f.name === 'sample-foo-cluster01')).toStrictEqual({
      code: 'IST0130',
      messageName: 'VirtualServiceUnreachableRule',
      level: FindingLevel.WARNING,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'foo',
      name: 'sample-foo-cluster01',
      field: 'spec.http[1]',
      message: 'VirtualService rule #1 not used (only the last rule can have no matches) (spec.http[1]). Fix: give it a match, or merge it into #0: the first '
        + 'rule without matches takes every request',
    });
  });
});

describe('virtualservice.unreachablerules: overlapping URI prefixes (Istio\'s case)', () => {
  test('an earlier prefix with the same other conditions covers a longer one; a method or an exact URI does not', () => {
    const objects = [
      ...namespaces('default'),
      ...docs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: non-method-get }
spec:
  hosts: [sample.baz.svc.cluster.local]
  http:
  - name: send product to sample.foo
    match:
    - uri: { prefix: /api/v1/product }
    - uri: { prefix: /api/v1/products }
      method: { exact: GET }
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: uri-with-prefix-exact }
spec:
  hosts: [sample.baz.svc.cluster.local]
  http:
  - name: send product to sample.foo
    match:
    - uri: { prefix: / }
    - uri: { exact: / }
      method: { exact: GET }
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: overlapping-in-two-matches }
spec:
  hosts: [sample.baz.svc.cluster.local]
  http:
  - name: send product to sample.foo
    match: [{ uri: { prefix: /api/v1/product }, method: { exact: GET } }]
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
  - name: send products to sample.bar
    match: [{ uri: { prefix: /api/v1/products }, method: { exact: GET } }]
    route: [{ destination: { host: sample.bar.svc.cluster.local, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: overlapping-mathes-with-different-methods }
spec:
  hosts: [sample.baz.svc.cluster.local]
  http:
  - name: send product to sample.foo
    match: [{ uri: { prefix: /api/v1/prod }, method: { exact: GET } }]
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
  - name: send products to sample.bar
    match:
    - uri: { prefix: /api/v1/product }
      method: { exact: GET }
    - uri: { prefix: /api/v1/products }
      method: { exact: POST }
    route: [{ destination: { host: sample.bar.svc.cluster.local, subset: v1 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: headers-differ }
spec:
  hosts: [sample.baz.svc.cluster.local]
  http:
  - match: [{ uri: { prefix: /api }, headers: { x-canary: { exact: "true" } } }]
    route: [{ destination: { host: sample.foo.svc.cluster.local } }]
  - match: [{ uri: { prefix: /api/v2 } }]
    route: [{ destination: { host: sample.bar.svc.cluster.local } }]
`),
    ];
    expect(unreachable(objects)).toStrictEqual([
      'Info [IST0131] (VirtualService default/non-method-get) VirtualService rule "send product to sample.foo" match #1 of prefix /api/v1/products is not used '
        + '(duplicate/overlapping match in rule #0 of prefix /api/v1/product on "send product to sample.foo") (spec.http[0].match[1]).',
      'Info [IST0131] (VirtualService default/overlapping-in-two-matches) VirtualService rule "send products to sample.bar" match #0 of prefix /api/v1/products '
        + 'is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/product on "send product to sample.foo") (spec.http[1].match[0]).',
      'Info [IST0131] (VirtualService default/overlapping-mathes-with-different-methods) VirtualService rule "send products to sample.bar" match #0 of prefix '
        + '/api/v1/product is not used (duplicate/overlapping match in rule #0 of prefix /api/v1/prod on "send product to sample.foo") (spec.http[1].match[0]).',
    ]);
  });
});

describe('virtualservice.unreachablerules: rules after a catch-all', () => {
  test('a rule after a rule without matches is reported once; a match equal but for its name and empty fields is a duplicate; the catch-all last is fine', () => {
    const objects = [
      ...namespaces('shop'),
      ...docs(`
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: early-default, namespace: shop }
spec:
  hosts: [cart]
  http:
  - name: default
    route: [{ destination: { host: cart } }]
  - name: canary
    match: [{ headers: { x-canary: { exact: "true" } } }, { queryParams: { canary: { exact: "1" } } }]
    route: [{ destination: { host: cart, subset: v2 } }]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: { name: ordered, namespace: shop }
spec:
  hosts: [orders]
  http:
  - match: [{ headers: { x-canary: { exact: "true" } } }]
    route: [{ destination: { host: orders, subset: v2 } }]
  - match: [{ headers: { x-canary: { exact: "true" } }, ignoreUriCase: false, name: other-name, withoutHeaders: {} }]
    route: [{ destination: { host: orders, subset: v2 } }]
  - route: [{ destination: { host: orders } }]
`),
    ];
    expect(unreachable(objects)).toStrictEqual([
      'Warning [IST0130] (VirtualService shop/early-default) VirtualService rule "canary" not used (route without matches defined before) (spec.http[1]).',
      'Warning [IST0130] (VirtualService shop/ordered) VirtualService rule #1 not used (all matches used by prior rules) (spec.http[1]).',
      'Info [IST0131] (VirtualService shop/ordered) VirtualService rule #1 match "other-name" is not used (duplicate/overlapping match in rule #0) (spec.http[1].match[0]).',
    ]);
  });

  test('malformed rules and matches are skipped', () => {
    const objects = [
      ...namespaces('shop'),
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a', namespace: 'shop' },
        spec: { hosts: ['a'], http: [null, 'x', { match: 'y' }, { match: [null, 3, { uri: 'z' }] }, { match: [null] }], tcp: 'no', tls: [{ match: [{}] }, { match: [{}] }] } },
    ];
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
    expect(unreachable(objects)).toStrictEqual([
      'Warning [IST0130] (VirtualService shop/a) VirtualService rule #3 not used (route without matches defined before) (spec.http[3]).',
      'Warning [IST0130] (VirtualService shop/a) VirtualService rule #4 not used (route without matches defined before) (spec.http[4]).',
      'Warning [IST0130] (VirtualService shop/a) VirtualService rule #1 not used (all matches used by prior rules) (spec.tls[1]).',
      'Info [IST0131] (VirtualService shop/a) VirtualService rule #1 match #0 is not used (duplicate/overlapping match in rule #0) (spec.tls[1].match[0]).',
    ]);
  });
});
