/** envoyfilter.cluster: an EnvoyFilter calling an outbound cluster no service defines (CDK8S-ISTIO-055). */
import { GlobalRateLimit, MeshAnalyzer, RateLimitAction, RateLimitQuota, RateLimitService, RateLimitUnit, WorkloadSelector } from '../../lib';
import { findingsOf, meshChart } from '../support/charts';

const WORLD = [
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-ingress' } },
  { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ratelimit' } },
];

function filterCalling(cluster: string): any {
  return {
    apiVersion: 'networking.istio.io/v1alpha3', kind: 'EnvoyFilter', metadata: { name: 'filter-ratelimit', namespace: 'istio-ingress' },
    spec: {
      priority: 10,
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: { context: 'GATEWAY', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } } },
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'envoy.filters.http.ratelimit',
            typed_config: {
              '@type': 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit',
              'domain': 'ratelimit',
              'rate_limit_service': { grpc_service: { envoy_grpc: { cluster_name: cluster } }, transport_api_version: 'V3' },
            },
          },
        },
      }],
    },
  };
}

const SERVICE = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'ratelimit', namespace: 'ratelimit' }, spec: { selector: { app: 'ratelimit' }, ports: [{ name: 'grpc', port: 8081 }] } };

function lines(objects: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze([...WORLD, ...objects], { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-055').map((f) => MeshAnalyzer.format([f]));
}

const FIELD = 'spec.configPatches[0].patch.value.typed_config.rate_limit_service.grpc_service.envoy_grpc.cluster_name';

describe('envoyfilter.cluster (CDK8S-ISTIO-055)', () => {
  test('a rate limit filter calling a host no service defines: an error naming the cluster and the field', () => {
    expect(lines([filterCalling('outbound|8081||ratelimit.ratelimt.svc.cluster.local')])).toStrictEqual([
      'Error [CDK8S-ISTIO-055] (EnvoyFilter istio-ingress/filter-ratelimit) The patch calls the cluster "outbound|8081||ratelimit.ratelimt.svc.cluster.local", '
      + 'but no Service, ServiceEntry or declared host visible from namespace istio-ingress defines ratelimit.ratelimt.svc.cluster.local: istiod builds no such cluster '
      + `and Envoy rejects the patched listener (${FIELD}). Fix: create the service (e.g. a RateLimitService), correct the host, or declare it existing (ExternalResources services or hosts)`,
    ]);
  });

  test('a port the service does not have', () => {
    expect(lines([SERVICE, filterCalling('outbound|8080||ratelimit.ratelimit.svc.cluster.local')])).toStrictEqual([
      'Error [CDK8S-ISTIO-055] (EnvoyFilter istio-ingress/filter-ratelimit) The patch calls the cluster "outbound|8080||ratelimit.ratelimit.svc.cluster.local", '
      + `but ratelimit.ratelimit.svc.cluster.local has no port 8080 (it has 8081): istiod builds no such cluster and Envoy rejects the patched listener (${FIELD}). Fix: name a port the service has`,
    ]);
  });

  test('no finding for an existing service and port, a declared host, or a cluster that is not an Istio outbound cluster', () => {
    expect(lines([SERVICE, filterCalling('outbound|8081||ratelimit.ratelimit.svc.cluster.local')])).toStrictEqual([]);
    expect(lines([filterCalling('outbound|8081||ratelimit.shared.example.com')], [{ apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'rl', namespace: 'ratelimit' }, spec: { hosts: ['ratelimit.shared.example.com'], ports: [{ number: 8081, name: 'grpc', protocol: 'GRPC' }] } }])).toStrictEqual([]);
    expect(lines([filterCalling('my_static_cluster')])).toStrictEqual([]);
  });

  test('GlobalRateLimit with its RateLimitService in the chart: no finding', () => {
    const chart = meshChart();
    const service = new RateLimitService(chart, 'ratelimit', { namespace: 'ratelimit', domain: 'rl', descriptors: [{ key: 'PATH', limit: RateLimitQuota.of(10, RateLimitUnit.SECOND) }] });
    new GlobalRateLimit(chart, 'grl', { service, namespace: 'istio-ingress', selector: WorkloadSelector.labels({ istio: 'ingress' }), actions: [RateLimitAction.requestHeader(':path', 'PATH')] });
    expect(findingsOf(chart, 'CDK8S-ISTIO-055')).toStrictEqual([]);
  });
});
