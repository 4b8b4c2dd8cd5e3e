/**
 * Host resolution and the indexed service registry the checks look hosts up in.
 */
import * as fc from 'fast-check';
import { hostCoveredBy as hostMatches } from '../../lib/core/hostnames';
import { resolveHost, ServiceRegistry, visibleFrom } from '../../lib/analysis/hosts';
import { toResource } from '../../lib/analysis/resources';

function entry(host: string, namespace = 'shop', exportTo: string[] = ['*']) {
  const resource = toResource({ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: host.replace(/\*/g, 'w'), namespace } }, 0, 'default', false);
  return { host, namespace, exportTo, ports: [], resource };
}

describe('resolveHost', () => {
  test('a short name is a Service of the namespace; a dotted name is taken as written, lowercase', () => {
    expect(resolveHost('reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(resolveHost('Reviews', 'bookinfo')).toBe('reviews.bookinfo.svc.cluster.local');
    expect(resolveHost('reviews.bookinfo', 'shop')).toBe('reviews.bookinfo');
    expect(resolveHost('API.example.com', 'shop')).toBe('api.example.com');
    expect(resolveHost('*', 'shop')).toBe('*');
    expect(resolveHost('10.0.0.1', 'shop')).toBe('10.0.0.1');
  });
});

describe('hostMatches / visibleFrom', () => {
  test('wildcards cover subdomains only', () => {
    expect(hostMatches('a.example.com', '*.example.com')).toBe(true);
    expect(hostMatches('a.b.example.com', '*.example.com')).toBe(true);
    expect(hostMatches('example.com', '*.example.com')).toBe(false);
    expect(hostMatches('anything', '*')).toBe(true);
  });

  test('exportTo: * everyone, . the own namespace, ~ nobody, names those namespaces', () => {
    expect(visibleFrom(['*'], 'a', 'b')).toBe(true);
    expect(visibleFrom(['.'], 'a', 'a')).toBe(true);
    expect(visibleFrom(['.'], 'a', 'b')).toBe(false);
    expect(visibleFrom(['~'], 'a', 'a')).toBe(false);
    expect(visibleFrom(['b', 'c'], 'a', 'c')).toBe(true);
  });
});

describe('ServiceRegistry', () => {
  test('exact, wildcard entries covering a host, and concrete hosts covered by a wildcard query', () => {
    // GIVEN entries
    const reg = new ServiceRegistry();
    const api = entry('api.example.com');
    const wild = entry('*.example.com');
    const other = entry('api.example.org');
    const deep = entry('x.api.example.com');
    [api, wild, other, deep].forEach((e) => reg.add(e));
    // WHEN / THEN
    expect(reg.lookup('api.example.com')).toStrictEqual([api, wild]);
    expect(reg.lookup('www.example.com')).toStrictEqual([wild]);
    expect(reg.lookup('example.com')).toStrictEqual([]);
    expect(reg.lookup('*.example.com')).toStrictEqual([wild, api, deep]);
    expect(reg.lookup('*.api.example.com')).toStrictEqual([wild, deep]);
  });

  test('visibility by exportTo from the asking namespace', () => {
    // GIVEN an entry exported to its own namespace only
    const reg = new ServiceRegistry();
    const own = entry('db.internal', 'data', ['.']);
    reg.add(own);
    // WHEN / THEN
    expect(reg.lookup('db.internal', 'data')).toStrictEqual([own]);
    expect(reg.lookup('db.internal', 'shop')).toStrictEqual([]);
    expect(reg.lookup('db.internal')).toStrictEqual([own]);
  });

  test('property: lookup equals a linear scan with hostMatches, for concrete and wildcard queries', () => {
    const label = fc.constantFrom('a', 'b', 'c', 'example', 'com');
    const concrete = fc.array(label, { minLength: 1, maxLength: 4 }).map((ls) => ls.join('.'));
    const host = fc.oneof(concrete, concrete.map((h) => `*.${h}`), fc.constant('*'));
    fc.assert(fc.property(fc.uniqueArray(host, { maxLength: 12 }), host, (hosts, query) => {
      const reg = new ServiceRegistry();
      const entries = hosts.map((h) => entry(h));
      entries.forEach((e) => reg.add(e));
      const expected = entries.filter((e) => hostMatches(query, e.host) || hostMatches(e.host, query)).map((e) => e.host).sort();
      expect(reg.lookup(query).map((e) => e.host).sort()).toStrictEqual(expected);
    }), { numRuns: 300 });
  });
});
