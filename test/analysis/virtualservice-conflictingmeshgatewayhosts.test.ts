/**
 * virtualservice.conflictingmeshgatewayhosts: two VirtualServices bound to the mesh that define one
 * host for the same namespaces (IST0109), reported on each of them.
 */
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { namespaces, vsFindingObjects, vsFindings } from './virtualservice-support';

/** A VirtualService in `namespace` for `hosts` (with `gateways` and `exportTo` when given). */
function vs(namespace: string, name: string, hosts: string[], gateways?: string[], exportTo?: string[]): any {
  return {
    apiVersion: 'networking.istio.io/v1',
    kind: 'VirtualService',
    metadata: { name, namespace },
    spec: { hosts, ...(gateways ? { gateways } : {}), ...(exportTo ? { exportTo } : {}), http: [{ route: [{ destination: { host: hosts[0] } }] }] },
  };
}

/** The IST0109 findings, as printed without the fix. */
function conflicts(objects: any[]): string[] {
  return vsFindings(objects, ['IST0109']).map((f) => f.slice(0, f.indexOf(' Fix:')));
}

const SUFFIX = 'which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource';

describe('virtualservice.conflictingmeshgatewayhosts (IST0109)', () => {
  test('Istio\'s case: gateways, mesh, short and qualified hosts, exportTo', () => {
    // GIVEN the VirtualServices of Istio's conflicting hosts case
    const objects = [
      ...namespaces('foo', 'bar', 'team1', 'team2', 'team3', 'team4'),
      vs('foo', 'productpage', ['productpage']),
      vs('foo', 'bogus-productpage', ['productpage']),
      vs('foo', 'reviews', ['reviews']),
      vs('bar', 'reviews', ['reviews.foo.svc.cluster.local'], ['istio-ingressgateway']),
      vs('foo', 'ratings', ['ratings'], ['mesh']),
      vs('bar', 'ratings', ['ratings.foo.svc.cluster.local', 'google.com'], ['istio-ingressgateway', 'mesh']),
      vs('team1', 'ratings', ['ratings'], ['mesh'], ['.']),
      vs('team2', 'ratings', ['ratings.team1.svc.cluster.local', 'google.com'], ['istio-ingressgateway', 'mesh'], ['.']),
      vs('team3', 'ratings', ['ratings'], ['mesh'], ['*']),
      vs('team4', 'ratings', ['ratings.team3.svc.cluster.local'], ['istio-ingressgateway', 'mesh']),
    ];
    // WHEN / THEN the same seven VirtualServices as istioctl's, once per host
    expect(conflicts(objects)).toStrictEqual([
      `Error [IST0109] (VirtualService bar/ratings) The VirtualServices bar/ratings,foo/ratings associated with mesh gateway define the same host */ratings.foo.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService bar/ratings) The VirtualServices bar/ratings,team2/ratings associated with mesh gateway define the same host team2/google.com ${SUFFIX} (spec.hosts[1]).`,
      `Error [IST0109] (VirtualService foo/bogus-productpage) The VirtualServices foo/bogus-productpage,foo/productpage associated with mesh gateway define the same host */productpage.foo.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService foo/productpage) The VirtualServices foo/bogus-productpage,foo/productpage associated with mesh gateway define the same host */productpage.foo.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService foo/ratings) The VirtualServices bar/ratings,foo/ratings associated with mesh gateway define the same host */ratings.foo.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService team2/ratings) The VirtualServices bar/ratings,team2/ratings associated with mesh gateway define the same host team2/google.com ${SUFFIX} (spec.hosts[1]).`,
      `Error [IST0109] (VirtualService team3/ratings) The VirtualServices team3/ratings,team4/ratings associated with mesh gateway define the same host */ratings.team3.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService team4/ratings) The VirtualServices team3/ratings,team4/ratings associated with mesh gateway define the same host */ratings.team3.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
    ]);
  });

  test('the finding names the object, field, level and what to do', () => {
    const objects = [...namespaces('shop'), vs('shop', 'a', ['cart']), vs('shop', 'b', ['cart.shop.svc.cluster.local'])];
    expect(vsFindingObjects(objects, ['IST0109'])[0]).toStrictEqual({
      code: 'IST0109',
      messageName: 'ConflictingMeshGatewayVirtualServiceHosts',
      level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      namespace: 'shop',
      name: 'a',
      field: 'spec.hosts[0]',
      message: `The VirtualServices shop/a,shop/b associated with mesh gateway define the same host */cart.shop.svc.cluster.local ${SUFFIX} (spec.hosts[0]). `
        + 'Fix: route cart.shop.svc.cluster.local from one VirtualService (merge the rules of shop/b into it), or bind all but one to gateways or give them '
        + 'exportTo that do not overlap',
    });
  });

  test('Istio\'s exportTo case: wildcard hosts, scoped and exported to all', () => {
    const objects = [
      ...namespaces('foo', 'bar'),
      vs('foo', 'productpage', ['*.productpage']),
      vs('bar', 'productpage', ['*.productpage']),
      vs('foo', 'productpage-b', ['*.productpage.b'], undefined, ['foo']),
      vs('bar', 'productpage-b', ['*.productpage.b'], undefined, ['.']),
      vs('foo', 'productpage-c', ['*.productpage.c'], undefined, ['foo']),
      vs('bar', 'productpage-c', ['*.productpage.c'], undefined, ['*']),
      vs('foo', 'productpage-d', ['*.productpage.d'], undefined, ['.']),
      vs('bar', 'productpage-d', ['*.d'], undefined, ['*']),
    ];
    expect(conflicts(objects)).toStrictEqual([
      `Error [IST0109] (VirtualService bar/productpage) The VirtualServices bar/productpage,foo/productpage associated with mesh gateway define the same host */*.productpage ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService bar/productpage-c) The VirtualServices bar/productpage-c,foo/productpage-c associated with mesh gateway define the same host foo/*.productpage.c ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService bar/productpage-d) The VirtualServices bar/productpage-d,foo/productpage-d associated with mesh gateway define the same host foo/*.productpage.d ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService foo/productpage) The VirtualServices bar/productpage,foo/productpage associated with mesh gateway define the same host */*.productpage ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService foo/productpage-c) The VirtualServices bar/productpage-c,foo/productpage-c associated with mesh gateway define the same host foo/*.productpage.c ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService foo/productpage-d) The VirtualServices bar/productpage-d,foo/productpage-d associated with mesh gateway define the same host foo/*.productpage.d ${SUFFIX} (spec.hosts[0]).`,
    ]);
  });

  test('a namespace-scoped host conflicts with overlapping hosts exported to all, in both wildcard directions', () => {
    const objects = [
      ...namespaces('a', 'b'),
      vs('a', 'scoped-wild', ['*.example.com'], undefined, ['.']),
      vs('b', 'global-under', ['api.eu.example.com']),
      vs('a', 'scoped-concrete', ['www.example.org'], undefined, ['a']),
      vs('b', 'global-wild', ['*.org']),
      vs('b', 'unrelated', ['api.example.net']),
    ];
    expect(conflicts(objects)).toStrictEqual([
      `Error [IST0109] (VirtualService a/scoped-concrete) The VirtualServices a/scoped-concrete,b/global-wild associated with mesh gateway define the same host a/www.example.org ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService a/scoped-wild) The VirtualServices a/scoped-wild,b/global-under associated with mesh gateway define the same host a/*.example.com ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService b/global-under) The VirtualServices a/scoped-wild,b/global-under associated with mesh gateway define the same host a/*.example.com ${SUFFIX} (spec.hosts[0]).`,
      `Error [IST0109] (VirtualService b/global-wild) The VirtualServices a/scoped-concrete,b/global-wild associated with mesh gateway define the same host a/www.example.org ${SUFFIX} (spec.hosts[0]).`,
    ]);
  });

  test('one VirtualService naming a host in two spellings, and one hidden by exportTo "~", conflict with nothing', () => {
    const objects = [
      ...namespaces('shop'),
      vs('shop', 'cart', ['cart', 'cart.shop.svc.cluster.local']),
      vs('shop', 'hidden', ['cart'], undefined, ['~']),
    ];
    expect(conflicts(objects)).toStrictEqual([]);
  });

  test('a declared VirtualService conflicts with one of the output, which alone is reported', () => {
    const objects = [...namespaces('shop'), vs('shop', 'cart', ['cart'])];
    const external = [vs('shop', 'cart-legacy', ['cart.shop.svc.cluster.local'])];
    expect(vsFindings(objects, ['IST0109'], { external }).map((f) => f.slice(0, f.indexOf(' Fix:')))).toStrictEqual([
      `Error [IST0109] (VirtualService shop/cart) The VirtualServices shop/cart,shop/cart-legacy associated with mesh gateway define the same host */cart.shop.svc.cluster.local ${SUFFIX} (spec.hosts[0]).`,
    ]);
  });

  test('malformed hosts, gateways and exportTo are skipped', () => {
    const objects = [
      ...namespaces('shop'),
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'a', namespace: 'shop' }, spec: { hosts: 'cart', exportTo: 5 } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'b', namespace: 'shop' }, spec: { hosts: [null, 'cart'], gateways: 'mesh', exportTo: [1] } },
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'c', namespace: 'shop' }, spec: { hosts: ['cart'], gateways: [null] } },
    ];
    expect(() => MeshAnalyzer.analyze(objects)).not.toThrow();
    expect(conflicts(objects).map((f) => f.slice(0, f.indexOf(' The')))).toStrictEqual([
      'Error [IST0109] (VirtualService shop/b)',
      'Error [IST0109] (VirtualService shop/c)',
    ]);
  });
});
