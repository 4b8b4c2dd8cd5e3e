import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { ManifestValidator } from '../../lib';
import { toHttpRouteRules } from '../../lib/gateway/http-route';
import { errorOf } from '../support/charts';

const scope = Testing.chart();
const T = { namespace: 'bookinfo', alternative: 'keep this host on TrafficApi.ISTIO' };

describe('Istio http[] routes as Gateway API HTTPRoute rules', () => {
  test('matches, header manipulation, rewrite, mirror with a percentage, weighted destinations, timeout', () => {
    // GIVEN a VirtualService http[] entry using most of what Gateway API can say
    const rules = toHttpRouteRules(scope, 'http', [{
      name: 'reviews-v2',
      match: [
        { uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' }, 'x-trace': { regex: '^[0-9a-f]+$' } }, queryParams: { debug: { exact: 'true' } }, method: { exact: 'GET' } },
        { uri: { prefix: '/api/reviews' } },
      ],
      rewrite: { uri: '/', authority: 'reviews.internal' },
      headers: { request: { set: { 'x-env': 'prod' }, add: { 'x-via': 'gateway' }, remove: ['x-debug'] }, response: { remove: ['server'] } },
      mirror: { host: 'reviews-shadow.bookinfo.svc.cluster.local', port: { number: 9080 } },
      mirrorPercentage: { value: 12.5 },
      route: [
        { destination: { host: 'reviews', subset: 'v1', port: { number: 9080 } }, weight: 75 },
        { destination: { host: 'reviews.bookinfo.svc.cluster.local', subset: 'v2', port: { number: 9080 } }, weight: 25, headers: { response: { set: { 'x-version': 'v2' } } } },
      ],
      timeout: '2.5s',
    }], { ...T, subsetServices: { 'reviews.bookinfo.svc.cluster.local/v1': 'reviews-v1', 'reviews.bookinfo.svc.cluster.local/v2': 'reviews-v2' } });
    // THEN the whole rule
    expect(rules).toStrictEqual([{
      name: 'reviews-v2',
      matches: [
        {
          path: { type: 'PathPrefix', value: '/reviews' },
          headers: [{ name: 'end-user', value: 'jason' }, { name: 'x-trace', value: '^[0-9a-f]+$', type: 'RegularExpression' }],
          queryParams: [{ name: 'debug', value: 'true' }],
          method: 'GET',
        },
        { path: { type: 'PathPrefix', value: '/api/reviews' } },
      ],
      filters: [
        { type: 'RequestHeaderModifier', requestHeaderModifier: { set: [{ name: 'x-env', value: 'prod' }], add: [{ name: 'x-via', value: 'gateway' }], remove: ['x-debug'] } },
        { type: 'ResponseHeaderModifier', responseHeaderModifier: { remove: ['server'] } },
        { type: 'URLRewrite', urlRewrite: { hostname: 'reviews.internal', path: { type: 'ReplacePrefixMatch', replacePrefixMatch: '/' } } },
        { type: 'RequestMirror', requestMirror: { backendRef: { name: 'reviews-shadow', port: 9080 }, fraction: { numerator: 125000, denominator: 1000000 } } },
      ],
      backendRefs: [
        { name: 'reviews-v1', port: 9080, weight: 75 },
        { name: 'reviews-v2', port: 9080, weight: 25, filters: [{ type: 'ResponseHeaderModifier', responseHeaderModifier: { set: [{ name: 'x-version', value: 'v2' }] } }] },
      ],
      timeouts: { request: '2500ms' },
    }]);
  });

  test('a redirect, an exact-path rewrite and a ServiceEntry host', () => {
    expect(toHttpRouteRules(scope, 'http', [
      { match: [{ uri: { exact: '/old' } }], redirect: { uri: '/new', authority: 'shop.example.com', redirectCode: 302, scheme: 'https' } },
      { match: [{ uri: { exact: '/v1/ratings' } }], rewrite: { uri: '/ratings' }, route: [{ destination: { host: 'api.example.com', port: { number: 443 } } }] },
    ], T)).toStrictEqual([
      {
        matches: [{ path: { type: 'Exact', value: '/old' } }],
        filters: [{ type: 'RequestRedirect', requestRedirect: { scheme: 'https', hostname: 'shop.example.com', path: { type: 'ReplaceFullPath', replaceFullPath: '/new' }, statusCode: 302 } }],
      },
      {
        matches: [{ path: { type: 'Exact', value: '/v1/ratings' } }],
        filters: [{ type: 'URLRewrite', urlRewrite: { path: { type: 'ReplaceFullPath', replaceFullPath: '/ratings' } } }],
        backendRefs: [{ group: 'networking.istio.io', kind: 'Hostname', name: 'api.example.com', port: 443 }],
      },
    ]);
  });

  test.each([
    [{ route: [{ destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } } }] }, 'http[0].route[0].destination.subset: "v2" cannot be written as a Gateway API HTTPRoute: Gateway API routes to Services, not to subsets of one; '
      + 'the "v2" version of reviews.bookinfo.svc.cluster.local needs a Service of its own that selects only its pods. Fix: create a Service per version (e.g. "reviews-v2") and route to it, or keep this host on TrafficApi.ISTIO'],
    [{ route: [{ destination: { host: 'reviews' } }] }, 'http[0].route[0].destination.port: undefined cannot be written as a Gateway API HTTPRoute: Gateway API requires the port of a Service backend (reviews). '
      + 'Fix: give the destination port, e.g. destination: { host, port: 9080 }'],
    [{ retries: { attempts: 3 }, route: [] }, 'http[0].retries: {"attempts":3} cannot be written as a Gateway API HTTPRoute: HTTPRoute retries are in Gateway API\'s experimental channel only, '
      + 'which the standard CRDs Istio 1.30 is installed with do not have. Fix: keep this host on TrafficApi.ISTIO'],
    [{ fault: { abort: { httpStatus: 500 } }, route: [] }, 'http[0].fault: {"abort":{"httpStatus":500}} cannot be written as a Gateway API HTTPRoute: Gateway API has no fault injection. Fix: keep this host on TrafficApi.ISTIO'],
    [{ match: [{ port: 9080 }], route: [] }, 'http[0].match[0].port: 9080 cannot be written as a Gateway API HTTPRoute: a Gateway API rule cannot match a port; bind the route to one listener with a parentRef port or sectionName. Fix: keep this host on TrafficApi.ISTIO'],
    [{ match: [{ sourceLabels: { app: 'web' } }], route: [] }, 'http[0].match[0].sourceLabels: {"app":"web"} cannot be written as a Gateway API HTTPRoute: Gateway API has no match on the client\'s labels. Fix: keep this host on TrafficApi.ISTIO'],
    [{ match: [{ uri: { regex: '/a.*' } }], rewrite: { uri: '/' }, route: [] }, 'http[0].rewrite.uri: "/" cannot be written as a Gateway API HTTPRoute: Gateway API rewrites the matched prefix only when every match of the rule is a path prefix, '
      + 'and the whole path only for exact matches. Fix: split the route so that its matches are all prefixes or all exact paths, or keep this host on TrafficApi.ISTIO'],
    [{ redirect: { uri: '/x', derivePort: 'FROM_PROTOCOL_DEFAULT' } }, 'http[0].redirect.derivePort: "FROM_PROTOCOL_DEFAULT" cannot be written as a Gateway API HTTPRoute: Gateway API derives the redirect port from the scheme only. Fix: keep this host on TrafficApi.ISTIO'],
    [{ directResponse: { status: 503 } }, 'http[0].directResponse: {"status":503} cannot be written as a Gateway API HTTPRoute: Gateway API has no direct response. Fix: keep this host on TrafficApi.ISTIO'],
    [{ route: [{ destination: { host: 'reviews.bookinfo', port: { number: 9080 } } }] }, 'http[0].route[0].destination.host: "reviews.bookinfo" cannot be written as a Gateway API HTTPRoute: "reviews.bookinfo" is neither a Service (name.namespace.svc.cluster.local) nor a DNS host of a ServiceEntry. '
      + 'Fix: name the Service fully qualified, e.g. "reviews.bookinfo.svc.cluster.local"'],
  ])('refused: %j', (route, message) => {
    expect(errorOf(() => toHttpRouteRules(scope, 'http', [route], T))).toBe(`[${scope.node.path}] ${message}`);
  });

  test('property: any route of the supported features translates to an HTTPRoute that passes the schema and CEL rules', () => {
    const segment = fc.stringMatching(/^[a-z0-9]{1,8}$/);
    const path = fc.array(segment, { minLength: 1, maxLength: 3 }).map((s) => `/${s.join('/')}`);
    const header = fc.stringMatching(/^x-[a-z]{1,8}$/);
    const match = fc.record({
      uri: fc.option(fc.oneof(path.map((p) => ({ exact: p })), path.map((p) => ({ prefix: p }))), { nil: undefined }),
      headers: fc.option(fc.dictionary(header, fc.oneof(segment.map((v) => ({ exact: v })), segment.map((v) => ({ regex: `^${v}.*` }))), { maxKeys: 3 }), { nil: undefined }),
      method: fc.option(fc.constantFrom('GET', 'POST', 'PUT').map((m) => ({ exact: m })), { nil: undefined }),
    }, { requiredKeys: [] });
    const destination = fc.record({
      host: fc.constantFrom('reviews', 'ratings.bookinfo.svc.cluster.local', 'details.other.svc.cluster.local'),
      port: fc.integer({ min: 1, max: 65535 }).map((n) => ({ number: n })),
    });
    const route = fc.record({
      match: fc.option(fc.array(match, { minLength: 1, maxLength: 4 }), { nil: undefined }),
      route: fc.array(fc.record({ destination, weight: fc.integer({ min: 1, max: 100 }) }), { minLength: 1, maxLength: 4 }),
      timeout: fc.option(fc.integer({ min: 1, max: 99999 }).map((ms) => `${ms}ms`), { nil: undefined }),
      headers: fc.option(fc.record({ request: fc.record({ set: fc.dictionary(header, segment, { minKeys: 1, maxKeys: 2 }) }) }), { nil: undefined }),
    }, { requiredKeys: ['route'] });
    fc.assert(fc.property(fc.array(route, { minLength: 1, maxLength: 5 }), (http) => {
      const clean = JSON.parse(JSON.stringify(http));
      const rules = toHttpRouteRules(scope, 'http', clean, T);
      const issues = ManifestValidator.validate({
        apiVersion: 'gateway.networking.k8s.io/v1',
        kind: 'HTTPRoute',
        metadata: { name: 'r', namespace: 'bookinfo' },
        spec: { parentRefs: [{ name: 'gw', namespace: 'istio-ingress' }], hostnames: ['bookinfo.example.com'], rules },
      });
      expect(issues).toStrictEqual([]);
      expect(rules.map((r) => (r.backendRefs ?? []).length)).toStrictEqual(clean.map((r: any) => r.route.length));
    }), { numRuns: 60 });
  });
});
