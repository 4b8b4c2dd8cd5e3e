/**
 * virtualservice.gateways: the Gateways a VirtualService binds to exist (IST0101), are not internal
 * (IST0165), serve its hosts (IST0132) with servers its routes fit (CDK8S-ISTIO-010).
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { namespaces, vsFindingObjects, vsFindings } from './virtualservice-support';

const CODES = ['IST0101', 'IST0165', 'IST0132', 'CDK8S-ISTIO-010'];

/** Every destination host declared existing, so that only gateway references are reported as missing. */
const ANY_HOST = { apiVersion: 'cdk8s-istio.io/v1', kind: 'ExternalHost', hosts: ['*'] };

/** The findings of this check on `objects`, as printed. */
function findings(objects: any[], external: any[] = []): string[] {
  return vsFindings(objects, CODES, { external: [ANY_HOST, ...external] });
}

/** A Gateway in `namespace` with one server per entry: `[protocol, hosts, tls mode?]`. */
function gateway(namespace: string, name: string, servers: Array<[string, string[], string?]>): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'Gateway',
    metadata: { name, namespace },
    spec: {
      selector: { istio: 'ingressgateway' },
      servers: servers.map(([protocol, hosts, mode], i) => ({
        port: { number: 80 + i, name: `p${i}`, protocol },
        hosts,
        ...(mode ? { tls: { mode, ...(mode === 'PASSTHROUGH' ? {} : { credentialName: 'cert' }) } } : {}),
      })),
    },
  };
}

/** A VirtualService in `namespace` with `hosts`, `gateways` and one http route (or the given spec). */
function vs(namespace: string, name: string, hosts: string[], gateways: string[] | undefined, extra: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: { hosts, ...(gateways ? { gateways } : {}), http: [{ route: [{ destination: { host: 'ratings' } }] }], ...extra },
  };
}

describe('virtualservice.gateways: references (IST0101)', () => {
  test('a gateway that does not exist is reported; a short name, a namespace/name and mesh resolve', () => {
    // GIVEN Istio's gateways case: one Gateway in default, one in another namespace
    const objects = [
      ...namespaces('default', 'another'),
      gateway('default', 'httpbin-gateway', [['HTTP', ['*']]]),
      gateway('another', 'crossnamespace-gw', [['HTTP', ['*']]]),
      vs('default', 'httpbin', ['*'], ['httpbin-gateway']),
      vs('default', 'httpbin-bogus', ['*'], ['httpbin-gateway-bogus']),
      vs('default', 'httpbin-mesh', ['httpbin'], ['mesh']),
      vs('default', 'cross-test', ['*'], ['another/crossnamespace-gw']),
    ];
    // WHEN
    const found = vsFindingObjects(objects, CODES, { external: [ANY_HOST] });
    // THEN only the missing Gateway is reported, with its field and what to do
    expect(found).toStrictEqual([{
      code: 'IST0101',
      messageName: 'ReferencedResourceNotFound',
      level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'default',
      name: 'httpbin-bogus',
      field: 'spec.gateways[0]',
      message: 'Referenced gateway not found: "httpbin-gateway-bogus" (spec.gateways[0]). Fix: create the Gateway default/httpbin-gateway-bogus (networking.istio.io), '
        + 'declare it existing (ExternalResources gateways), or fix the reference (namespace/name; a short name is in the VirtualService\'s namespace)',
    }]);
  });

  test('a gateway in a match is checked too', () => {
    // GIVEN a VirtualService whose second rule names a gateway only in its match
    const objects = [
      ...namespaces('shop'),
      gateway('shop', 'edge', [['HTTP', ['shop.example.com']]]),
      vs('shop', 'shop', ['shop.example.com'], ['edge', 'mesh'], {
        http: [
          { match: [{ gateways: ['edge'] }], route: [{ destination: { host: 'ratings' } }] },
          { match: [{ gateways: ['mesh', 'other/edge'] }], route: [{ destination: { host: 'ratings' } }] },
        ],
      }),
    ];
    // WHEN / THEN
    expect(findings(objects)).toStrictEqual([
      'Error [IST0101] (VirtualService shop/shop) Referenced gateway not found: "other/edge" (spec.http[1].match[0].gateways[1]). Fix: create the Gateway other/edge '
        + '(networking.istio.io), declare it existing (ExternalResources gateways), or fix the reference (namespace/name; a short name is in the VirtualService\'s namespace)',
    ]);
  });

  test('a declared Gateway satisfies the reference; its hosts are not checked when its servers are not given', () => {
    // GIVEN a VirtualService bound to a Gateway installed outside the output
    const objects = [...namespaces('shop'), vs('shop', 'shop', ['shop.example.com'], ['istio-ingress/public'])];
    const external = [{ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'istio-ingress' } }];
    // WHEN / THEN
    expect(findings(objects, external)).toStrictEqual([]);
    // AND without the declaration it is not found
    expect(findings(objects)).toHaveLength(1);
  });

  test('a declared Gateway with servers is checked like one of the output', () => {
    const objects = [...namespaces('shop'), vs('shop', 'shop', ['shop.example.com'], ['istio-ingress/public'])];
    const external = [gateway('istio-ingress', 'public', [['HTTP', ['api.example.com']]])];
    expect(findings(objects, external)).toStrictEqual([
      'Warning [IST0132] (VirtualService shop/shop) one or more host [shop.example.com] defined in VirtualService shop/shop not found in Gateway istio-ingress/public '
        + '(spec.gateways[0]). Fix: add a server for the host to istio-ingress/public, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-ingress/public: ["api.example.com"])',
    ]);
  });
});

describe('virtualservice.gateways: internal gateways (IST0165)', () => {
  test('a reference to a Gateway generated for a Kubernetes Gateway listener is a warning, not a missing gateway', () => {
    // GIVEN Istio's internal gateway reference case
    const objects = [...namespaces('default'), vs('default', 'httpbin', ['foo.com'], ['istio-ingress/gateway~istio-autogenerated-k8s-gateway~foo'])];
    // WHEN / THEN
    expect(findings(objects)).toStrictEqual([
      'Warning [IST0165] (VirtualService default/httpbin) Gateway reference in VirtualService default/httpbin is to an implementation-generated internal Gateway: '
        + 'istio-ingress/gateway~istio-autogenerated-k8s-gateway~foo (spec.gateways[0]). Fix: bind to the Kubernetes Gateway with an HTTPRoute (or to an Istio '
        + 'Gateway you define), not to the Gateway Istio generates from it',
    ]);
  });
});

describe('virtualservice.gateways: hosts the gateway serves (IST0132)', () => {
  test('exact and wildcard server hosts; a gateway that serves none of the hosts is reported with all of them', () => {
    // GIVEN Istio's host-not-found case
    const gw = 'istio-system';
    const objects = [
      ...namespaces('default', gw),
      gateway(gw, 'gw1', [['HTTP', ['testing-01.com']]]),
      gateway(gw, 'gw2', [['HTTP', ['*.testing-02.com']]]),
      gateway(gw, 'gw3a', [['HTTP', ['*.api.testing-03.com']]]),
      gateway(gw, 'gw3b', [['HTTP', ['*.homepage.testing-03.com']]]),
      gateway(gw, 'gw4', [['HTTP', ['*.testing-01-04.com']], ['HTTP', ['web.testing-02-04.com']]]),
      vs('default', 'ok-01', ['testing-01.com'], [`${gw}/gw1`]),
      vs('default', 'wrong-01', ['wrong-01.com'], [`${gw}/gw1`]),
      vs('default', 'ok-02', ['web.testing-02.com'], [`${gw}/gw2`]),
      vs('default', 'wrong-02', ['web.wrong.com'], [`${gw}/gw2`]),
      vs('default', 'ok-03', ['user.api.testing-03.com', 'profile.homepage.testing-03.com'], [`${gw}/gw3a`, `${gw}/gw3b`]),
      vs('default', 'wrong-03', ['user.api.testing-03.com'], [`${gw}/gw3a`, `${gw}/gw3b`]),
      vs('default', 'ok-04a', ['web.testing-02-04.com'], [`${gw}/gw4`]),
      vs('default', 'ok-04b', ['profile.user.testing-01-04.com'], [`${gw}/gw4`]),
      vs('default', 'wrong-04', ['user.testing-02-04.com', 'users.testing-02-04.com'], [`${gw}/gw4`]),
    ];
    // WHEN / THEN
    expect(findings(objects)).toStrictEqual([
      'Warning [IST0132] (VirtualService default/wrong-01) one or more host [wrong-01.com] defined in VirtualService default/wrong-01 not found in Gateway '
        + 'istio-system/gw1 (spec.gateways[0]). Fix: add a server for the host to istio-system/gw1, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-system/gw1: ["testing-01.com"])',
      'Warning [IST0132] (VirtualService default/wrong-02) one or more host [web.wrong.com] defined in VirtualService default/wrong-02 not found in Gateway '
        + 'istio-system/gw2 (spec.gateways[0]). Fix: add a server for the host to istio-system/gw2, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-system/gw2: ["*.testing-02.com"])',
      'Warning [IST0132] (VirtualService default/wrong-03) one or more host [user.api.testing-03.com] defined in VirtualService default/wrong-03 not found in Gateway '
        + 'istio-system/gw3b (spec.gateways[1]). Fix: add a server for the host to istio-system/gw3b, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-system/gw3b: ["*.homepage.testing-03.com"])',
      'Warning [IST0132] (VirtualService default/wrong-04) one or more host [user.testing-02-04.com users.testing-02-04.com] defined in VirtualService '
        + 'default/wrong-04 not found in Gateway istio-system/gw4 (spec.gateways[0]). Fix: add a server for the host to istio-system/gw4, or bind the '
        + 'VirtualService to a Gateway that serves it (server hosts of istio-system/gw4: ["*.testing-01-04.com","web.testing-02-04.com"])',
    ]);
  });

  test('the namespace part of a server host: "./" is the Gateway\'s namespace, "*/" and none any, "*/*" every host', () => {
    // GIVEN Istio's namespace-prefix case: the same route from the Gateway's namespace and from another
    const objects = [
      ...namespaces('default', 'istio-system'),
      gateway('istio-system', 'dot', [['HTTP', ['./testing-01.com']]]),
      gateway('istio-system', 'star', [['HTTP', ['*/testing-01.com']]]),
      gateway('istio-system', 'all', [['HTTP', ['*/*']]]),
      gateway('istio-system', 'plain', [['HTTP', ['testing-01.com']]]),
      gateway('istio-system', 'named', [['HTTP', ['default/testing-01.com']]]),
      ...['dot', 'star', 'all', 'plain', 'named'].flatMap((g) => [
        vs('istio-system', `${g}-local`, ['testing-01.com'], [`istio-system/${g}`]),
        vs('default', `${g}-other`, ['testing-01.com'], [`istio-system/${g}`]),
      ]),
    ];
    // WHEN / THEN: "./" serves only the Gateway's namespace, "default/" only default
    expect(findings(objects)).toStrictEqual([
      'Warning [IST0132] (VirtualService default/dot-other) one or more host [testing-01.com] defined in VirtualService default/dot-other not found in Gateway '
        + 'istio-system/dot (spec.gateways[0]). Fix: add a server for the host to istio-system/dot, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-system/dot: ["istio-system/testing-01.com"]; a host with a namespace part is served to VirtualServices of that namespace only, '
        + 'and this one is in default)',
      'Warning [IST0132] (VirtualService istio-system/named-local) one or more host [testing-01.com] defined in VirtualService istio-system/named-local not found '
        + 'in Gateway istio-system/named (spec.gateways[0]). Fix: add a server for the host to istio-system/named, or bind the VirtualService to a Gateway that '
        + 'serves it (server hosts of istio-system/named: ["default/testing-01.com"]; a host with a namespace part is served to VirtualServices of that '
        + 'namespace only, and this one is in istio-system)',
    ]);
  });

  test('a host no gateway serves, while another host is served, when the VirtualService is bound to gateways only', () => {
    // GIVEN a VirtualService for two hosts on a Gateway that serves one of them
    const objects = [
      ...namespaces('shop', 'istio-ingress'),
      gateway('istio-ingress', 'edge', [['HTTP', ['*.shop.example.com']]]),
      vs('shop', 'gateway-only', ['www.shop.example.com', 'shop.example.org'], ['istio-ingress/edge']),
      vs('shop', 'with-mesh', ['www.shop.example.com', 'cart'], ['istio-ingress/edge', 'mesh']),
    ];
    // WHEN / THEN: the host of the mesh-bound one may be for sidecars
    expect(findings(objects)).toStrictEqual([
      'Warning [IST0132] (VirtualService shop/gateway-only) one or more host [shop.example.org] defined in VirtualService shop/gateway-only not found in Gateway '
        + 'istio-ingress/edge (spec.hosts[1]). Fix: add a server for shop.example.org to the Gateway, or route only the hosts it serves',
    ]);
  });

  test('a gateway without servers serves nothing', () => {
    const objects = [
      ...namespaces('shop'),
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'empty', namespace: 'shop' }, spec: { selector: { istio: 'ingressgateway' } } },
      vs('shop', 'shop', ['shop.example.com'], ['empty']),
    ];
    expect(findings(objects)).toStrictEqual([
      'Warning [IST0132] (VirtualService shop/shop) one or more host [shop.example.com] defined in VirtualService shop/shop not found in Gateway shop/empty '
        + '(spec.gateways[0]). Fix: add a server for the host to shop/empty, or bind the VirtualService to a Gateway that serves it (server hosts of shop/empty: [])',
    ]);
  });
});

describe('virtualservice.gateways: route kinds of the servers (CDK8S-ISTIO-010)', () => {
  const gw = gateway('istio-ingress', 'edge', [
    ['HTTPS', ['web.example.com'], 'SIMPLE'],
    ['TLS', ['db.example.com'], 'PASSTHROUGH'],
    ['TLS', ['mq.example.com'], 'SIMPLE'],
    ['HTTPS', ['legacy.example.com'], 'PASSTHROUGH'],
  ]);
  const base = [...namespaces('apps', 'istio-ingress'), gw];
  const tlsRoute = { tls: [{ match: [{ sniHosts: ['db.example.com'] }], route: [{ destination: { host: 'db' } }] }] };
  const tcpRoute = { tcp: [{ route: [{ destination: { host: 'mq' } }] }] };

  test('routes of the kind the servers take are used', () => {
    const objects = [
      ...base,
      vs('apps', 'web', ['web.example.com'], ['istio-ingress/edge']),
      { ...vs('apps', 'db', ['db.example.com', 'legacy.example.com'], ['istio-ingress/edge']), spec: { hosts: ['db.example.com', 'legacy.example.com'], gateways: ['istio-ingress/edge'], ...tlsRoute } },
      { ...vs('apps', 'mq', ['mq.example.com'], ['istio-ingress/edge']), spec: { hosts: ['mq.example.com'], gateways: ['istio-ingress/edge'], ...tcpRoute } },
    ];
    expect(findings(objects)).toStrictEqual([]);
  });

  test('http routes for a passthrough host, tls routes for a terminating HTTPS host, http routes for a terminating TLS host', () => {
    const objects = [
      ...base,
      vs('apps', 'db', ['db.example.com'], ['istio-ingress/edge']),
      { ...vs('apps', 'web', [], undefined), spec: { hosts: ['web.example.com'], gateways: ['istio-ingress/edge'], ...tlsRoute } },
      vs('apps', 'mq', ['mq.example.com'], ['istio-ingress/edge']),
    ];
    expect(findings(objects)).toStrictEqual([
      'Warning [CDK8S-ISTIO-010] (VirtualService apps/db) Gateway istio-ingress/edge serves host db.example.com with TLS passthrough servers only, but the '
        + 'VirtualService has no tls routes: that traffic matches none of its rules (spec.hosts[0]). Fix: add tls routes for db.example.com, or serve the host '
        + 'with a server of the kind the routes are for (e.g. HTTPS with TLS termination for http routes)',
      'Warning [CDK8S-ISTIO-010] (VirtualService apps/mq) Gateway istio-ingress/edge serves host mq.example.com with TCP and TLS-terminating TLS servers only, '
        + 'but the VirtualService has no tcp routes: that traffic matches none of its rules (spec.hosts[0]). Fix: add tcp routes for mq.example.com, or serve '
        + 'the host with a server of the kind the routes are for (e.g. HTTPS with TLS termination for http routes)',
      'Warning [CDK8S-ISTIO-010] (VirtualService apps/web) Gateway istio-ingress/edge serves host web.example.com with HTTP and TLS-terminating HTTPS servers '
        + 'only, but the VirtualService has no http routes: that traffic matches none of its rules (spec.hosts[0]). Fix: add http routes for web.example.com, '
        + 'or serve the host with a server of the kind the routes are for (e.g. HTTPS with TLS termination for http routes)',
    ]);
  });

  test('a host served by servers of two kinds needs routes of one of them', () => {
    const objects = [
      ...namespaces('apps'),
      gateway('apps', 'both', [['HTTP', ['*']], ['TLS', ['*'], 'PASSTHROUGH']]),
      vs('apps', 'web', ['web.example.com'], ['both']),
    ];
    expect(findings(objects)).toStrictEqual([]);
  });
});

describe('virtualservice.gateways: any input', () => {
  test('malformed gateways, servers and hosts are skipped, never thrown on', () => {
    const objects = [
      ...namespaces('apps'),
      { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'odd', namespace: 'apps' }, spec: { servers: ['x', { hosts: 'a' }, { port: 'p', hosts: [1, 'web.example.com'] }] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a', namespace: 'apps' }, spec: { hosts: 'web', gateways: 'odd' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'b', namespace: 'apps' }, spec: { hosts: [7, 'web.example.com'], gateways: [3, 'odd'], http: 'x' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'c', namespace: 'apps' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'd', namespace: 'apps' }, spec: { http: [null, { match: [null, { gateways: [null] }] }] } },
    ];
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
    // The server with an unknown protocol serves the host, with a route kind that is not known: not reported.
    expect(findings(objects)).toStrictEqual([]);
  });
});
