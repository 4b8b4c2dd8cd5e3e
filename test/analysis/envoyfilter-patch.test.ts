/**
 * envoyfilter.envoypatch: relative operations without a priority (IST0151, IST0155), REPLACE where it
 * does not work (IST0152), ADD and REMOVE on routes (IST0153, IST0154).
 */
import { MeshAnalyzer } from '../../lib';

function filter(name: string, configPatches: any[], extra: any = {}): any {
  return {
    apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name, namespace: 'bookinfo' },
    spec: { workloadSelector: { labels: { app: 'reviews' } }, ...extra, configPatches },
  };
}

function patch(applyTo: string, operation: string, valueName?: string, proxyVersion?: string): any {
  return {
    applyTo,
    match: {
      context: 'SIDECAR_INBOUND',
      ...(proxyVersion ? { proxy: { proxyVersion } } : {}),
      listener: { portNumber: 8080, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
    },
    patch: { operation, ...(valueName !== undefined ? { value: { name: valueName } } : {}) },
  };
}

const WORLD = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } },
  { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'reviews', namespace: 'bookinfo', labels: { app: 'reviews' } } },
];

function lines(objs: any[]): string[] {
  return MeshAnalyzer.analyze([...WORLD, ...objs]).findings.map((f) => MeshAnalyzer.format([f]));
}

const RELATIVE = 'This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not to be applied. '
  + 'Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly';
const RELATIVE_FIX = 'Fix: set spec.priority (e.g. 10) so that this EnvoyFilter applies after what it patches, or use INSERT_FIRST or ADD';
const VERSIONED = 'This EnvoyFilter does not have a priority and has a relative patch operation (NSTERT_BEFORE/AFTER, REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. '
  + 'Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly';
const VERSIONED_FIX = 'Fix: set spec.priority (e.g. 10), or use INSERT_FIRST or ADD; patches of one filter that differ by proxyVersion then keep their order through an upgrade';

describe('envoyfilter.envoypatch', () => {
  test('Istio\'s relative-operation case: INSERT_BEFORE / INSERT_AFTER without priority; a second patch of a proxy-versioned name', () => {
    // GIVEN two filters inserting relative to the router, and one whose first patch is limited to a proxy version
    const objs = [
      filter('test-relative-1', [patch('HTTP_FILTER', 'INSERT_BEFORE', 'envoy.lua'), patch('CLUSTER', 'ADD', 'lua_cluster')]),
      filter('test-relative-2', [patch('HTTP_FILTER', 'INSERT_AFTER', 'envoy.lua2'), patch('CLUSTER', 'ADD', 'lua2_cluster')]),
      filter('test-relative-3', [patch('HTTP_FILTER', 'INSERT_AFTER', 'envoy.lua1', '^1\\.11.*'), patch('CLUSTER', 'INSERT_AFTER', 'envoy.lua1')]),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      `Warning [IST0151] (EnvoyFilter bookinfo/test-relative-1) ${RELATIVE} (spec.configPatches[0]). ${RELATIVE_FIX}`,
      `Warning [IST0151] (EnvoyFilter bookinfo/test-relative-2) ${RELATIVE} (spec.configPatches[0]). ${RELATIVE_FIX}`,
      `Warning [IST0151] (EnvoyFilter bookinfo/test-relative-3) ${RELATIVE} (spec.configPatches[0]). ${RELATIVE_FIX}`,
      `Warning [IST0155] (EnvoyFilter bookinfo/test-relative-3) ${VERSIONED} (spec.configPatches[1]). ${VERSIONED_FIX}`,
    ]);
  });

  test('Istio\'s replace case: REPLACE on a cluster is an error; with a priority REPLACE on a filter is fine', () => {
    // GIVEN a REPLACE of a cluster (with priority), of an HTTP filter (with priority), and patches without priority
    const objs = [
      filter('test-replace-1', [patch('CLUSTER', 'REPLACE', 'lua_cluster')], { priority: 10 }),
      filter('test-replace-2', [patch('HTTP_FILTER', 'REPLACE', 'envoy.lua')], { priority: 10 }),
      filter('test-replace-3', [patch('HTTP_FILTER', 'REPLACE', 'envoy.lua', '^1\\.11.*'), patch('HTTP_FILTER', 'REPLACE', 'envoy.lua'), patch('VIRTUAL_HOST', 'REPLACE', 'vh')]),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      'Error [IST0152] (EnvoyFilter bookinfo/test-replace-1) The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER (spec.configPatches[0]). '
        + 'Fix: change the CLUSTER with MERGE, or replace a filter (applyTo HTTP_FILTER or NETWORK_FILTER)',
      `Warning [IST0151] (EnvoyFilter bookinfo/test-replace-3) ${RELATIVE} (spec.configPatches[0]). ${RELATIVE_FIX}`,
      `Warning [IST0151] (EnvoyFilter bookinfo/test-replace-3) ${RELATIVE} (spec.configPatches[2]). ${RELATIVE_FIX}`,
      `Warning [IST0155] (EnvoyFilter bookinfo/test-replace-3) ${VERSIONED} (spec.configPatches[1]). ${VERSIONED_FIX}`,
    ]);
  });

  test('Istio\'s add and remove cases: ADD / REMOVE on ROUTE_CONFIGURATION or HTTP_ROUTE are ignored', () => {
    // GIVEN ADD and REMOVE on route-level objects, REMOVE on a filter without priority, and ADD on a listener
    const objs = [
      filter('test-auth-2', [patch('ROUTE_CONFIGURATION', 'ADD', 'x')]),
      filter('test-auth-3', [patch('HTTP_ROUTE', 'ADD', 'x')]),
      filter('test-remove-1', [patch('HTTP_FILTER', 'REMOVE')]),
      filter('test-remove-2', [patch('ROUTE_CONFIGURATION', 'REMOVE')]),
      filter('test-remove-3', [patch('HTTP_ROUTE', 'REMOVE')], { priority: 5 }),
      filter('test-remove-4', [patch('NETWORK_FILTER', 'REMOVE')], { priority: 5 }),
      filter('test-add', [patch('LISTENER', 'ADD', 'l')]),
    ];

    // WHEN / THEN
    const ignoredAdd = 'The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE (spec.configPatches[0]). '
      + 'Fix: patch the route configuration with MERGE, or add routes with INSERT_FIRST, INSERT_BEFORE or INSERT_AFTER on HTTP_ROUTE';
    const ignoredRemove = 'The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE (spec.configPatches[0]). '
      + 'Fix: change the route configuration with MERGE, or remove the virtual host (applyTo VIRTUAL_HOST)';
    expect(lines(objs)).toStrictEqual([
      `Error [IST0153] (EnvoyFilter bookinfo/test-auth-2) ${ignoredAdd}`,
      `Error [IST0153] (EnvoyFilter bookinfo/test-auth-3) ${ignoredAdd}`,
      `Error [IST0154] (EnvoyFilter bookinfo/test-remove-2) ${ignoredRemove}`,
      `Error [IST0154] (EnvoyFilter bookinfo/test-remove-3) ${ignoredRemove}`,
      `Warning [IST0151] (EnvoyFilter bookinfo/test-remove-1) ${RELATIVE} (spec.configPatches[0]). ${RELATIVE_FIX}`,
    ]);
  });

  test('absolute operations (INSERT_FIRST, ADD, MERGE) and a priority are clean; a proxy version carries to later filters by name order', () => {
    // GIVEN absolute patches, and "a" (proxy-versioned, priority set) before "b" (relative, same filter name)
    const objs = [
      filter('absolute', [patch('HTTP_FILTER', 'INSERT_FIRST', 'f'), patch('CLUSTER', 'ADD', 'c'), patch('HTTP_ROUTE', 'MERGE')]),
      filter('b', [patch('HTTP_FILTER', 'INSERT_BEFORE', 'shared')]),
      filter('a', [patch('HTTP_FILTER', 'INSERT_BEFORE', 'shared', '^1\\.29.*')], { priority: 1 }),
    ];

    // WHEN / THEN only b, and as a proxy-version problem
    expect(lines(objs)).toStrictEqual([`Warning [IST0155] (EnvoyFilter bookinfo/b) ${VERSIONED} (spec.configPatches[0]). ${VERSIONED_FIX}`]);
  });

  test('malformed input: a patch without patch stops reading the filter; odd shapes do not throw', () => {
    // GIVEN a filter whose first patch has no patch section, and filters of odd shapes
    const objs = [
      filter('stops', [{ applyTo: 'HTTP_FILTER' }, patch('HTTP_FILTER', 'INSERT_BEFORE', 'x')]),
      filter('odd', ['x', null, { applyTo: 3, patch: { operation: 'REPLACE', value: 'v' } }], { priority: 'high' }),
      { apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'no-spec', namespace: 'bookinfo' } },
    ];

    // WHEN / THEN "odd" stops at its first entry ("x" has no patch); nothing else
    expect(lines(objs)).toStrictEqual([]);
  });
});
