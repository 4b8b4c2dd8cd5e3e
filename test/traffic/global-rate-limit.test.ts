import { Duration } from 'cdk8s';
import {
  Environment, GatewayServer, GlobalRateLimit, GlobalRateLimitProps, IngressGateway, MeshAnalyzer, MeshChart, MeshControlPlane, MeshNamespace,
  RateLimitAction, RateLimitContext, RateLimitDescriptor, RateLimitQuota, RateLimitRedis, RateLimitService, RateLimitServiceProps, RateLimitUnit,
  WorkloadSelector,
} from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

/** Istio's task: 1 request a minute to /productpage, 100 a minute to any other path. */
const PATH_DESCRIPTORS: RateLimitDescriptor[] = [
  { key: 'PATH', value: '/productpage', limit: RateLimitQuota.of(1, RateLimitUnit.MINUTE) },
  { key: 'PATH', limit: RateLimitQuota.of(100, RateLimitUnit.MINUTE) },
];

const HARDENED = { allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } };

/** GIVEN a PROD chart with a control plane, the ratelimit namespace in the mesh and an ingress gateway. */
function taskChart(env = Environment.PROD): { chart: MeshChart; ingress: IngressGateway } {
  const chart = meshChart(env);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  new MeshNamespace(chart, 'ratelimit-namespace', { name: 'ratelimit', controlPlane });
  const ingress = new IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', controlPlane, servers: [GatewayServer.http({ hosts: ['bookinfo.example.com'] })] });
  return { chart, ingress };
}

describe('RateLimitService and GlobalRateLimit: Istio\'s global rate-limit task for the ingress gateway', () => {
  // WHEN the service and the gateway's filter are added as in the task
  const { chart, ingress } = taskChart();
  const service = new RateLimitService(chart, 'ratelimit', { namespace: 'ratelimit', domain: 'ratelimit', descriptors: PATH_DESCRIPTORS });
  new GlobalRateLimit(chart, 'filter-ratelimit', {
    service,
    selector: WorkloadSelector.labels(ingress.selectorLabels),
    namespace: 'istio-ingress',
    actions: [RateLimitAction.requestHeader(':path', 'PATH')],
    routes: [{ routeName: 'productpage', virtualHost: 'bookinfo.example.com:80', actions: [RateLimitAction.requestHeader(':path', 'PATH')] }],
    failureModeDeny: true,
    timeout: Duration.seconds(10),
  });
  const objects = synthValid(chart);

  test('the descriptor configuration: domain and PATH descriptors, as the service reads it', () => {
    expect(find(objects, 'ConfigMap', 'ratelimit-config', 'ratelimit')).toStrictEqual({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'ratelimit-config', namespace: 'ratelimit', labels: { app: 'ratelimit' } },
      immutable: false,
      data: {
        'config.yaml': [
          'domain: ratelimit',
          'descriptors:',
          '  - key: PATH',
          '    value: /productpage',
          '    rate_limit:',
          '      unit: minute',
          '      requests_per_unit: 1',
          '  - key: PATH',
          '    rate_limit:',
          '      unit: minute',
          '      requests_per_unit: 100',
          '',
        ].join('\n'),
      },
    });
  });

  test('the rate limit service: pinned image, the task\'s environment, two replicas in PROD, hardened, config mounted read-only', () => {
    const deployment = find(objects, 'Deployment', 'ratelimit', 'ratelimit');
    expect(deployment.spec).toStrictEqual({
      replicas: 2,
      minReadySeconds: 0,
      progressDeadlineSeconds: 600,
      selector: { matchLabels: { app: 'ratelimit' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
      template: {
        metadata: { labels: { app: 'ratelimit' } },
        spec: {
          automountServiceAccountToken: false,
          dnsPolicy: 'ClusterFirst',
          hostNetwork: false,
          restartPolicy: 'Always',
          serviceAccountName: 'ratelimit',
          setHostnameAsFQDN: false,
          terminationGracePeriodSeconds: 30,
          securityContext: { fsGroupChangePolicy: 'Always', runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534, seccompProfile: { type: 'RuntimeDefault' } },
          containers: [{
            name: 'ratelimit',
            image: 'docker.io/envoyproxy/ratelimit:30a4ce1a',
            imagePullPolicy: 'IfNotPresent',
            command: ['/bin/ratelimit'],
            env: [
              { name: 'LOG_LEVEL', value: 'info' },
              { name: 'REDIS_SOCKET_TYPE', value: 'tcp' },
              { name: 'REDIS_URL', value: 'ratelimit-redis.ratelimit.svc.cluster.local:6379' },
              { name: 'USE_STATSD', value: 'false' },
              { name: 'RUNTIME_ROOT', value: '/data' },
              { name: 'RUNTIME_SUBDIRECTORY', value: 'ratelimit' },
              { name: 'RUNTIME_WATCH_ROOT', value: 'false' },
              { name: 'RUNTIME_IGNOREDOTFILES', value: 'true' },
            ],
            ports: [{ containerPort: 8080, name: 'http' }, { containerPort: 8081, name: 'grpc' }],
            readinessProbe: { failureThreshold: 3, httpGet: { path: '/healthcheck', port: 8080, scheme: 'HTTP' } },
            resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
            securityContext: { ...HARDENED, runAsNonRoot: true, runAsUser: 65534, runAsGroup: 65534 },
            volumeMounts: [{ mountPath: '/data/ratelimit/config', name: 'config', readOnly: true }],
          }],
          volumes: [{ name: 'config', configMap: { name: 'ratelimit-config' } }],
        },
      },
    });
    expect(find(objects, 'Service', 'ratelimit', 'ratelimit').spec).toStrictEqual({
      type: 'ClusterIP', externalIPs: [], selector: { app: 'ratelimit' },
      ports: [{ name: 'http', port: 8080, targetPort: 8080, protocol: 'TCP' }, { name: 'grpc', port: 8081, targetPort: 8081, protocol: 'TCP' }],
    });
    expect(find(objects, 'PodDisruptionBudget', 'ratelimit', 'ratelimit').spec).toStrictEqual({ minAvailable: 1, selector: { matchLabels: { app: 'ratelimit' } } });
  });

  test('the Redis it needs: pinned, no persistence, non-root with a writable emptyDir, plain TCP port for Istio', () => {
    const redis = find(objects, 'Deployment', 'ratelimit-redis', 'ratelimit').spec.template.spec;
    expect(redis.securityContext).toStrictEqual({ fsGroupChangePolicy: 'Always', runAsNonRoot: true, runAsUser: 999, runAsGroup: 999, seccompProfile: { type: 'RuntimeDefault' } });
    expect(redis.containers).toStrictEqual([{
      name: 'redis',
      image: 'docker.io/library/redis:7.4.2-alpine',
      imagePullPolicy: 'IfNotPresent',
      args: ['--save', '', '--appendonly', 'no'],
      ports: [{ containerPort: 6379, name: 'tcp-redis' }],
      readinessProbe: { failureThreshold: 3, tcpSocket: { port: 6379 } },
      resources: { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } },
      securityContext: { ...HARDENED, runAsNonRoot: true, runAsUser: 999, runAsGroup: 999 },
      volumeMounts: [{ mountPath: '/data', name: 'data' }],
    }]);
    expect(redis.volumes).toStrictEqual([{ name: 'data', emptyDir: {} }]);
    expect(find(objects, 'Service', 'ratelimit-redis', 'ratelimit').spec.ports).toStrictEqual([{ name: 'tcp-redis', port: 6379, targetPort: 6379, protocol: 'TCP' }]);
  });

  test('the gateway\'s EnvoyFilter: the ratelimit filter before the router, the PATH action on every virtual host and on one route', () => {
    expect(find(objects, 'EnvoyFilter', 'filter-ratelimit', 'istio-ingress').spec).toStrictEqual({
      workloadSelector: { labels: { app: 'ingress', istio: 'ingress' } },
      priority: 10,
      configPatches: [
        {
          applyTo: 'HTTP_FILTER',
          match: { context: 'GATEWAY', listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } } },
          patch: {
            operation: 'INSERT_BEFORE',
            value: {
              name: 'envoy.filters.http.ratelimit',
              typed_config: {
                '@type': 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit',
                'domain': 'ratelimit',
                'failure_mode_deny': true,
                'timeout': '10s',
                'rate_limit_service': {
                  grpc_service: { envoy_grpc: { cluster_name: 'outbound|8081||ratelimit.ratelimit.svc.cluster.local', authority: 'ratelimit.ratelimit.svc.cluster.local' } },
                  transport_api_version: 'V3',
                },
              },
            },
          },
        },
        {
          applyTo: 'VIRTUAL_HOST',
          match: { context: 'GATEWAY', routeConfiguration: {} },
          patch: { operation: 'MERGE', value: { rate_limits: [{ actions: [{ request_headers: { header_name: ':path', descriptor_key: 'PATH' } }] }] } },
        },
        {
          applyTo: 'HTTP_ROUTE',
          match: { context: 'GATEWAY', routeConfiguration: { vhost: { name: 'bookinfo.example.com:80', route: { name: 'productpage' } } } },
          patch: { operation: 'MERGE', value: { route: { rate_limits: [{ actions: [{ request_headers: { header_name: ':path', descriptor_key: 'PATH' } }] }] } } },
        },
      ],
    });
  });

  test('every object passes its schema (above) and the analyzer finds no error', () => {
    expect(MeshAnalyzer.analyzeChart(chart).findings.map((f) => MeshAnalyzer.format([f]))).toStrictEqual([]);
  });
});

describe('RateLimitService options', () => {
  test('nested descriptors, shadow mode, unlimited, an external Redis and one replica in DEV', () => {
    const { chart } = taskChart(Environment.DEV);
    new RateLimitService(chart, 'rl', {
      namespace: 'ratelimit', domain: 'api', redis: RateLimitRedis.external('redis.cache.svc.cluster.local:6379'),
      descriptors: [{
        key: 'remote_address',
        limit: RateLimitQuota.of(10, RateLimitUnit.SECOND),
        shadowMode: true,
        descriptors: [{ key: 'PATH', value: '/health', limit: RateLimitQuota.unlimited() }],
      }],
    });
    const objects = synthValid(chart);
    expect(find(objects, 'ConfigMap', 'ratelimit-config', 'ratelimit').data['config.yaml']).toBe([
      'domain: api',
      'descriptors:',
      '  - key: remote_address',
      '    rate_limit:',
      '      unit: second',
      '      requests_per_unit: 10',
      '    shadow_mode: true',
      '    descriptors:',
      '      - key: PATH',
      '        value: /health',
      '        unlimited: true',
      '',
    ].join('\n'));
    const deployment = find(objects, 'Deployment', 'ratelimit', 'ratelimit');
    expect(deployment.spec.replicas).toBe(1);
    expect(deployment.spec.template.spec.containers[0].env).toContainEqual({ name: 'REDIS_URL', value: 'redis.cache.svc.cluster.local:6379' });
    expect(objects.filter((o) => o.metadata.name === 'ratelimit-redis')).toStrictEqual([]);
    expect(objects.filter((o) => o.kind === 'PodDisruptionBudget' && o.metadata.namespace === 'ratelimit')).toStrictEqual([]);
  });

  const BASE: RateLimitServiceProps = { namespace: 'ratelimit', domain: 'ratelimit', descriptors: PATH_DESCRIPTORS };
  test.each([
    [{ descriptors: [] }, '[prod/rl] descriptors: [] is empty. Fix: give at least one descriptor'],
    [{ descriptors: [{ key: 'PATH' }] }, '[prod/rl] descriptors[0].limit: undefined is missing and there are no nested descriptors, so this descriptor limits nothing. Fix: give limit: RateLimitQuota.of(100, RateLimitUnit.MINUTE), or nested descriptors'],
    [{ descriptors: [PATH_DESCRIPTORS[1], PATH_DESCRIPTORS[1]] }, '[prod/rl] descriptors[1]: "PATH" repeats a descriptor of the same level, which the rate limit service refuses to load. Fix: merge the two descriptors, or give them different keys or values'],
    [{ descriptors: [{ key: 'PATH', limit: RateLimitQuota.of(-1, RateLimitUnit.MINUTE) }] }, '[prod/rl] descriptors[0].limit.requestsPerUnit: -1 is not a whole number from 0 to 4294967295. Fix: use e.g. 100'],
    [{ descriptors: [{ key: 'PATH', limit: RateLimitQuota.unlimited(), shadowMode: true }] }, '[prod/rl] descriptors[0].shadowMode: true is set on a descriptor without a limit, where there is nothing to try out. Fix: give a limit, or drop shadowMode'],
    [{ redis: RateLimitRedis.external('redis') }, '[prod/rl] redis: "redis" is not a Redis address as "host:port". Fix: use e.g. RateLimitRedis.external("redis.cache.svc.cluster.local:6379")'],
    [{ domain: '' }, '[prod/rl] domain: "" is empty. Fix: use e.g. "ratelimit"'],
  ])('rejects %j', (props, message) => {
    expect(errorOf(() => new RateLimitService(meshChart(), 'rl', { ...BASE, ...props } as RateLimitServiceProps))).toBe(message);
  });
});

describe('GlobalRateLimit checks', () => {
  function errorFor(props: Partial<GlobalRateLimitProps>): string {
    const chart = meshChart();
    const service = new RateLimitService(chart, 'ratelimit', { namespace: 'ratelimit', domain: 'ratelimit', descriptors: PATH_DESCRIPTORS });
    return errorOf(() => new GlobalRateLimit(chart, 'grl', {
      service, namespace: 'istio-ingress', selector: WorkloadSelector.labels({ istio: 'ingress' }), actions: [RateLimitAction.requestHeader(':path', 'PATH')], ...props,
    }));
  }

  test.each([
    [{ actions: [RateLimitAction.requestHeader(':path', 'Path')] }, '[prod/grl] actions[0]: "Path" has no descriptor with this key at the top level of prod/ratelimit (domain "ratelimit"), so the service would never limit these requests (keys there: PATH). Fix: use a configured key, or add the descriptor to the service'],
    [{ actions: [RateLimitAction.requestHeader(':path', 'PATH'), RateLimitAction.remoteAddress()] }, '[prod/grl] actions[1]: "remote_address" has no descriptor with this key below the previous entries of prod/ratelimit (domain "ratelimit"), so the service would never limit these requests (the descriptors there have no children). Fix: use a configured key, or add the descriptor to the service'],
    [{ actions: undefined }, '[prod/grl] actions: undefined is missing and so are routes: without actions the proxy sends no descriptor and nothing is limited. Fix: give actions: [RateLimitAction.requestHeader(":path", "PATH")], or routes'],
    [{ actions: [RateLimitAction.requestHeader('X-Api-Key', 'PATH')] }, '[prod/grl] actions[0].headerName: "X-Api-Key" is not a lowercase HTTP header name (or pseudo-header such as ":path"). Fix: use e.g. ":path" or "x-api-key"'],
    [{ timeout: Duration.millis(0.5) }, '[prod/grl] timeout: "0.5ms" is not a whole number of milliseconds of at least 1. Fix: use e.g. Duration.millis(100)'],
    [{ context: 'SIDECAR_OUTBOUND' as RateLimitContext }, '[prod/grl] context: "SIDECAR_OUTBOUND" is not a RateLimitContext. Fix: use one of RateLimitContext.SIDECAR_INBOUND, RateLimitContext.GATEWAY'],
    [{ routes: [{ routeName: 'reviews', virtualHost: 'reviews', actions: [RateLimitAction.requestHeader(':path', 'PATH')] }] }, '[prod/grl] routes[0].virtualHost: "reviews" is not a virtual host as "host:port". Fix: use e.g. "bookinfo.example.com:80"'],
  ])('rejects %j', (props, message) => {
    expect(errorFor(props as Partial<GlobalRateLimitProps>)).toBe(message);
  });

  test('sidecar inbound context with a generic key matched by value', () => {
    const chart = meshChart();
    const service = new RateLimitService(chart, 'ratelimit', {
      namespace: 'ratelimit', domain: 'reviews', descriptors: [{ key: 'generic_key', value: 'reviews', limit: RateLimitQuota.of(500, RateLimitUnit.SECOND) }],
    });
    const grl = new GlobalRateLimit(chart, 'reviews-limit', {
      service, namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'reviews' }), context: RateLimitContext.SIDECAR_INBOUND, actions: [RateLimitAction.genericKey('reviews')],
    });
    const spec = find(synthValid(chart), 'EnvoyFilter', 'reviews-limit', 'bookinfo').spec;
    expect(grl.envoyFilter.namespace).toBe('bookinfo');
    expect(spec.configPatches.map((p: any) => p.match.context)).toStrictEqual(['SIDECAR_INBOUND', 'SIDECAR_INBOUND']);
    expect(spec.configPatches[0].patch.value.typed_config).toStrictEqual({
      '@type': 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit', 'domain': 'reviews', 'failure_mode_deny': false,
      'rate_limit_service': { grpc_service: { envoy_grpc: { cluster_name: 'outbound|8081||ratelimit.ratelimit.svc.cluster.local', authority: 'ratelimit.ratelimit.svc.cluster.local' } }, transport_api_version: 'V3' },
    });
    expect(spec.configPatches[1].patch.value).toStrictEqual({ rate_limits: [{ actions: [{ generic_key: { descriptor_value: 'reviews', descriptor_key: 'generic_key' } }] }] });
    expect(errorOf(() => new GlobalRateLimit(chart, 'other', {
      service, namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'reviews' }), actions: [RateLimitAction.genericKey('ratings')],
    }))).toContain('[prod/other] actions[0]: "generic_key" has no descriptor with this key at the top level');
  });
});
