import {
  EnvoyApplyTo, EnvoyConfigPatch, EnvoyFilter, EnvoyFilterProps, EnvoyFilterTarget, EnvoyFilterTargetKind, EnvoyObjectMatch, EnvoyPatchContext,
  EnvoyPatchOperation, EnvoyRouteAction, EnvoyTransportProtocol, ExternalResources, FindingLevel, MeshAnalyzer, WorkloadSelector,
} from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

const HCM = 'envoy.filters.network.http_connection_manager';
const LUA = {
  name: 'envoy.filters.http.lua',
  typed_config: {
    '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua',
    'default_source_code': { inline_string: 'function envoy_on_request(h) h:headers():add("x-lua", "1") end' },
  },
};
const INSERT_LUA: EnvoyConfigPatch = {
  applyTo: EnvoyApplyTo.HTTP_FILTER,
  context: EnvoyPatchContext.SIDECAR_INBOUND,
  match: EnvoyObjectMatch.listener({ portNumber: 9080, filterChain: { filter: HCM, subFilter: 'envoy.filters.http.router' } }),
  proxyVersion: '^1\\.30.*',
  operation: EnvoyPatchOperation.INSERT_BEFORE,
  value: LUA,
};
const BASE: EnvoyFilterProps = { namespace: 'bookinfo', target: EnvoyFilterTarget.workloads(WorkloadSelector.labels({ app: 'reviews' })), patches: [INSERT_LUA], priority: 10 };

function errorFor(props: Partial<EnvoyFilterProps>): string {
  return errorOf(() => new EnvoyFilter(meshChart(), 'ef', { ...BASE, ...props } as EnvoyFilterProps));
}
function patchError(patch: Partial<EnvoyConfigPatch>): string {
  return errorFor({ patches: [{ ...INSERT_LUA, ...patch } as EnvoyConfigPatch] });
}

describe('EnvoyFilter', () => {
  test('Istio\'s Lua sample and a cluster it calls, plus a gateway route-configuration merge and a removal: the whole object, valid and clean', () => {
    // GIVEN an EnvoyFilter with four patches of different kinds
    const chart = meshChart();
    new ExternalResources(chart, 'outside', { namespaces: ['bookinfo'] });
    new EnvoyFilter(chart, 'reviews-lua', {
      ...BASE,
      patches: [
        INSERT_LUA,
        {
          applyTo: EnvoyApplyTo.CLUSTER,
          context: EnvoyPatchContext.SIDECAR_OUTBOUND,
          operation: EnvoyPatchOperation.ADD,
          value: { name: 'lua_cluster', type: 'STRICT_DNS', connect_timeout: '0.5s', lb_policy: 'ROUND_ROBIN' },
        },
        {
          applyTo: EnvoyApplyTo.HTTP_ROUTE,
          context: EnvoyPatchContext.SIDECAR_INBOUND,
          match: EnvoyObjectMatch.routeConfiguration({ portNumber: 9080, virtualHost: { name: 'inbound|http|9080', routeName: 'default', routeAction: EnvoyRouteAction.ROUTE } }),
          operation: EnvoyPatchOperation.MERGE,
          value: { route: { idle_timeout: '15s' } },
        },
        {
          applyTo: EnvoyApplyTo.NETWORK_FILTER,
          context: EnvoyPatchContext.SIDECAR_INBOUND,
          match: EnvoyObjectMatch.listener({ filterChain: { transportProtocol: EnvoyTransportProtocol.TLS, applicationProtocols: ['h2', 'http/1.1'], filter: 'envoy.filters.network.tcp_proxy' } }),
          proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' },
          operation: EnvoyPatchOperation.REMOVE,
        },
      ],
    });
    // WHEN synthesized
    const objects = synthValid(chart);
    // THEN the whole object
    expect(find(objects, 'EnvoyFilter', 'reviews-lua', 'bookinfo')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1alpha3',
      kind: 'EnvoyFilter',
      metadata: { name: 'reviews-lua', namespace: 'bookinfo' },
      spec: {
        workloadSelector: { labels: { app: 'reviews' } },
        priority: 10,
        configPatches: [
          {
            applyTo: 'HTTP_FILTER',
            match: {
              context: 'SIDECAR_INBOUND', proxy: { proxyVersion: '^1\\.30.*' },
              listener: { portNumber: 9080, filterChain: { filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } } } },
            },
            patch: { operation: 'INSERT_BEFORE', value: LUA },
          },
          {
            applyTo: 'CLUSTER',
            match: { context: 'SIDECAR_OUTBOUND' },
            patch: { operation: 'ADD', value: { name: 'lua_cluster', type: 'STRICT_DNS', connect_timeout: '0.5s', lb_policy: 'ROUND_ROBIN' } },
          },
          {
            applyTo: 'HTTP_ROUTE',
            match: { context: 'SIDECAR_INBOUND', routeConfiguration: { portNumber: 9080, vhost: { name: 'inbound|http|9080', route: { name: 'default', action: 'ROUTE' } } } },
            patch: { operation: 'MERGE', value: { route: { idle_timeout: '15s' } } },
          },
          {
            applyTo: 'NETWORK_FILTER',
            match: {
              context: 'SIDECAR_INBOUND', proxy: { metadata: { ISTIO_META_DNS_CAPTURE: 'true' } },
              listener: { filterChain: { transportProtocol: 'tls', applicationProtocols: 'h2,http/1.1', filter: { name: 'envoy.filters.network.tcp_proxy' } } },
            },
            patch: { operation: 'REMOVE' },
          },
        ],
      },
    });
    // AND the analyzer finds nothing (priority set: no IST0151)
    expect(MeshAnalyzer.analyzeChart(chart).findings.map((f) => MeshAnalyzer.format([f]))).toStrictEqual([]);
  });

  test('targetRefs to a Gateway API Gateway, gateway-only route configuration fields, and a namespace-wide filter', () => {
    const chart = meshChart();
    new EnvoyFilter(chart, 'gw', {
      namespace: 'istio-ingress',
      target: EnvoyFilterTarget.references([{ kind: EnvoyFilterTargetKind.GATEWAY, name: 'bookinfo-gateway' }]),
      patches: [{
        applyTo: EnvoyApplyTo.ROUTE_CONFIGURATION,
        context: EnvoyPatchContext.GATEWAY,
        match: EnvoyObjectMatch.routeConfiguration({ portNumber: 443, portName: 'https', gateway: 'istio-ingress/bookinfo-gateway' }),
        operation: EnvoyPatchOperation.MERGE,
        value: { request_headers_to_remove: ['x-internal'] },
      }],
    });
    new EnvoyFilter(chart, 'all', {
      namespace: 'istio-system',
      target: EnvoyFilterTarget.namespaceWide(),
      patches: [{ applyTo: EnvoyApplyTo.CLUSTER, match: EnvoyObjectMatch.cluster({ name: 'PassthroughCluster' }), operation: EnvoyPatchOperation.MERGE, value: { connect_timeout: '5s' } }],
    });
    const objects = synthValid(chart);
    expect(find(objects, 'EnvoyFilter', 'gw', 'istio-ingress').spec).toStrictEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'bookinfo-gateway' }],
      configPatches: [{
        applyTo: 'ROUTE_CONFIGURATION',
        match: { context: 'GATEWAY', routeConfiguration: { portNumber: 443, portName: 'https', gateway: 'istio-ingress/bookinfo-gateway' } },
        patch: { operation: 'MERGE', value: { request_headers_to_remove: ['x-internal'] } },
      }],
    });
    expect(find(objects, 'EnvoyFilter', 'all', 'istio-system').spec).toStrictEqual({
      configPatches: [{ applyTo: 'CLUSTER', match: { context: 'ANY', cluster: { name: 'PassthroughCluster' } }, patch: { operation: 'MERGE', value: { connect_timeout: '5s' } } }],
    });
  });

  test('a waypoint patch through a Service targetRef', () => {
    const chart = meshChart();
    new EnvoyFilter(chart, 'wp', {
      namespace: 'bookinfo',
      target: EnvoyFilterTarget.references([{ kind: EnvoyFilterTargetKind.SERVICE, name: 'reviews' }]),
      patches: [{
        applyTo: EnvoyApplyTo.HTTP_FILTER, context: EnvoyPatchContext.WAYPOINT, operation: EnvoyPatchOperation.INSERT_FIRST, value: LUA,
        match: EnvoyObjectMatch.waypoint({ portNumber: 9080, filter: HCM, subFilter: 'envoy.filters.http.router', routeName: 'default' }),
      }],
    });
    expect(find(synthValid(chart), 'EnvoyFilter', 'wp', 'bookinfo').spec).toStrictEqual({
      targetRefs: [{ kind: 'Service', name: 'reviews' }],
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { context: 'WAYPOINT', waypoint: { portNumber: 9080, filter: { name: HCM, subFilter: { name: 'envoy.filters.http.router' } }, route: { name: 'default' } } },
        patch: { operation: 'INSERT_FIRST', value: LUA },
      }],
    });
  });

  test.each([
    [{ operation: EnvoyPatchOperation.REMOVE, value: { name: 'envoy.filters.http.lua' } }, '[prod/ef] patches[0].value: {"name":"envoy.filters.http.lua"} is set on a REMOVE, which takes no value (it would be ignored). Fix: drop value'],
    [{ value: undefined }, '[prod/ef] patches[0].value: undefined is missing: INSERT_BEFORE needs the Envoy configuration to apply (istiod rejects a patch without one). Fix: give the configuration as a JSON object, e.g. { name: "envoy.filters.http.lua", typed_config: { "@type": "...", ... } }'],
    [{ value: {} }, '[prod/ef] patches[0].value: {} is empty: INSERT_BEFORE needs the Envoy configuration to apply (istiod rejects a patch without one). Fix: give the configuration as a JSON object, e.g. { name: "envoy.filters.http.lua", typed_config: { "@type": "...", ... } }'],
    [{ value: { name: 'x', n: NaN } }, '[prod/ef] patches[0].value.n: NaN is not a finite number (JSON has no NaN or Infinity). Fix: give a finite number'],
    [{ proxyVersion: '^1\\.30(?!\\.0)' }, '[prod/ef] patches[0].proxyVersion: "^1\\\\.30(?!\\\\.0)" uses a negative look-ahead "(?!", which RE2 (the regex engine of Envoy and istiod) does not support (V7). Fix: rewrite the pattern without it, e.g. match the alternatives explicitly'],
    [{ applyTo: EnvoyApplyTo.ROUTE_CONFIGURATION }, '[prod/ef] patches[0].operation: "INSERT_BEFORE" is not applied by istiod to ROUTE_CONFIGURATION (it takes MERGE). Fix: use one of EnvoyPatchOperation.MERGE'],
    [{ applyTo: EnvoyApplyTo.CLUSTER, operation: EnvoyPatchOperation.REPLACE }, '[prod/ef] patches[0].operation: "REPLACE" is not applied by istiod to CLUSTER (it takes MERGE, ADD, REMOVE). Fix: use one of EnvoyPatchOperation.MERGE, EnvoyPatchOperation.ADD, EnvoyPatchOperation.REMOVE'],
    [{ applyTo: EnvoyApplyTo.CLUSTER, operation: EnvoyPatchOperation.MERGE }, '[prod/ef] patches[0].match: "EnvoyObjectMatch.listener" does not match CLUSTER objects (istiod rejects it). Fix: use EnvoyObjectMatch.cluster(...)'],
    [{ match: EnvoyObjectMatch.listener({ filterChain: { filter: 'envoy.filters.network.tcp_proxy', subFilter: 'envoy.filters.http.router' } }) }, '[prod/ef] patches[0].match.filterChain.filter: "envoy.filters.network.tcp_proxy" is not the HTTP connection manager, which a subFilter match requires (istiod rejects it). Fix: use filter: "envoy.filters.network.http_connection_manager"'],
    [{ match: EnvoyObjectMatch.listener({ filterChain: { subFilter: 'envoy.filters.http.router' } }) }, '[prod/ef] patches[0].match.filterChain.subFilter: "envoy.filters.http.router" is set without filter. Fix: give filter: "envoy.filters.network.http_connection_manager"'],
    [{ applyTo: EnvoyApplyTo.FILTER_CHAIN, operation: EnvoyPatchOperation.MERGE }, '[prod/ef] patches[0].match.filterChain.filter: "envoy.filters.network.http_connection_manager" has no effect with applyTo FILTER_CHAIN (istiod ignores a filter match there). Fix: drop filter, or patch the filter itself (applyTo NETWORK_FILTER or HTTP_FILTER)'],
    [{ context: EnvoyPatchContext.GATEWAY, match: EnvoyObjectMatch.listener({ filterChain: { transportProtocol: EnvoyTransportProtocol.TLS } }) }, '[prod/ef] patches[0].match.filterChain.transportProtocol: "tls" applies only in the SIDECAR_INBOUND context (this patch is GATEWAY). Fix: use context EnvoyPatchContext.SIDECAR_INBOUND, or drop transportProtocol'],
    [{ applyTo: EnvoyApplyTo.VIRTUAL_HOST, operation: EnvoyPatchOperation.MERGE, match: EnvoyObjectMatch.routeConfiguration({ gateway: 'istio-ingress/gw' }) }, '[prod/ef] patches[0].match.gateway: "istio-ingress/gw" applies only in the GATEWAY context (istiod ignores it in SIDECAR_INBOUND). Fix: use context EnvoyPatchContext.GATEWAY, or drop it'],
    [{ applyTo: EnvoyApplyTo.VIRTUAL_HOST, operation: EnvoyPatchOperation.MERGE, match: EnvoyObjectMatch.routeConfiguration({ virtualHost: { routeName: 'default' } }) }, '[prod/ef] patches[0].match.virtualHost.routeName: "default" selects a route, which only applyTo HTTP_ROUTE reads (this patch applies to VIRTUAL_HOST). Fix: use applyTo EnvoyApplyTo.HTTP_ROUTE, or drop routeName'],
    [{ applyTo: EnvoyApplyTo.CLUSTER, operation: EnvoyPatchOperation.MERGE, match: EnvoyObjectMatch.cluster({ name: 'outbound|9080||reviews', portNumber: 9080 }) }, '[prod/ef] patches[0].match.portNumber: 9080 is set together with name; Istio matches a cluster by name only when the other fields are empty. Fix: drop portNumber, or match by service, subset and port without name'],
    [{ match: EnvoyObjectMatch.waypoint({ portNumber: 9080 }) }, '[prod/ef] patches[0].match: "EnvoyObjectMatch.waypoint" is a waypoint match, which the CRD allows only with context WAYPOINT (this patch is SIDECAR_INBOUND). Fix: use context EnvoyPatchContext.WAYPOINT, or another match'],
    [{ context: EnvoyPatchContext.WAYPOINT, match: undefined }, '[prod/ef] patches[0].match: undefined is missing: the CRD requires a waypoint match with context WAYPOINT. Fix: give match: EnvoyObjectMatch.waypoint({...})'],
    [{ applyTo: EnvoyApplyTo.EXTENSION_CONFIG, operation: EnvoyPatchOperation.ADD }, '[prod/ef] patches[0].match: "EnvoyObjectMatch.listener" does not apply to EXTENSION_CONFIG, which istiod matches by context and proxy only. Fix: drop match'],
    [{ match: EnvoyObjectMatch.listener({ portNumber: 0 }) }, '[prod/ef] patches[0].match.portNumber: 0 is not a port number 1–65535. Fix: use a port number such as 80 or 443'],
    [{ applyTo: 'BOOTSTRAP' as EnvoyApplyTo }, '[prod/ef] patches[0].applyTo: "BOOTSTRAP" is not an EnvoyApplyTo. Fix: use one of EnvoyApplyTo.LISTENER, EnvoyApplyTo.FILTER_CHAIN, EnvoyApplyTo.NETWORK_FILTER, EnvoyApplyTo.HTTP_FILTER, EnvoyApplyTo.LISTENER_FILTER, EnvoyApplyTo.ROUTE_CONFIGURATION, EnvoyApplyTo.VIRTUAL_HOST, EnvoyApplyTo.HTTP_ROUTE, EnvoyApplyTo.CLUSTER, EnvoyApplyTo.EXTENSION_CONFIG'],
  ])('rejects patch %j', (patch, message) => {
    expect(patchError(patch as Partial<EnvoyConfigPatch>)).toBe(message);
  });

  test('rejects a target that is none, a Service target outside waypoints, no patches, and a priority beyond int32', () => {
    expect(errorFor({ target: WorkloadSelector.labels({ app: 'reviews' }) as never }))
      .toBe('[prod/ef] target: WorkloadSelector {"_labels":{"app":"reviews"}} is a WorkloadSelector, not an EnvoyFilterTarget. Fix: use EnvoyFilterTarget.workloads(WorkloadSelector.labels({ app: "reviews" })), EnvoyFilterTarget.references([...]) or EnvoyFilterTarget.namespaceWide()');
    expect(errorFor({ target: EnvoyFilterTarget.references([{ kind: EnvoyFilterTargetKind.SERVICE, name: 'reviews' }]) }))
      .toBe('[prod/ef] patches[0].context: "SIDECAR_INBOUND" is not WAYPOINT, but target.refs[0] is a Service, which Istio supports for waypoints only. Fix: give every patch context: EnvoyPatchContext.WAYPOINT, or target a Gateway or ServiceEntry');
    expect(errorFor({ target: EnvoyFilterTarget.references([]) })).toBe('[prod/ef] target.refs: [] is empty. Fix: name 1 to 16 resources');
    expect(errorFor({ patches: [] })).toBe('[prod/ef] patches: [] is empty. Fix: give at least one EnvoyConfigPatch');
    expect(errorFor({ priority: 2 ** 31 })).toBe('[prod/ef] priority: 2147483648 is not a whole number from -2147483648 to 2147483647. Fix: use e.g. 10 (a multiple of 10 leaves room between filters)');
  });

  test('every applyTo × operation: accepted at construction exactly when the analyzer reports no IST0152–IST0154 error', () => {
    // GIVEN every combination, written once through the construct and once as a raw object for the analyzer
    for (const applyTo of Object.values(EnvoyApplyTo)) {
      for (const operation of Object.values(EnvoyPatchOperation)) {
        const value = operation === EnvoyPatchOperation.REMOVE ? undefined : { name: 'x' };
        let accepted = true;
        try {
          new EnvoyFilter(meshChart(), 'ef', { ...BASE, patches: [{ applyTo, operation, context: EnvoyPatchContext.SIDECAR_INBOUND, value }] });
        } catch {
          accepted = false;
        }
        const raw = {
          apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'ef', namespace: 'bookinfo' },
          spec: { workloadSelector: { labels: { app: 'reviews' } }, priority: 10, configPatches: [{ applyTo, match: { context: 'SIDECAR_INBOUND' }, patch: { operation, value } }] },
        };
        const errors = MeshAnalyzer.analyze([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'bookinfo' } }, raw]).findings
          .filter((f) => f.level === FindingLevel.ERROR && /^IST015[234]$/.test(f.code));
        // THEN what the construct refuses is a superset of the analyzer's errors (istiod also ignores more than istioctl reports)
        if (errors.length > 0) expect(`${applyTo} ${operation} ${accepted}`).toBe(`${applyTo} ${operation} false`);
      }
    }
  });
});
