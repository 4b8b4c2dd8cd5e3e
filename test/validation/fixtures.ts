/**
 * Valid example objects of the Istio kinds, used as a base for negative tests.
 * Each factory returns a fresh object so tests can mutate it freely.
 */

const meta = (name: string) => ({ name, namespace: 'bookinfo', labels: { 'app.kubernetes.io/part-of': 'bookinfo' } });

export const virtualService = () => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'VirtualService',
  metadata: meta('reviews'),
  spec: {
    hosts: ['reviews.bookinfo.svc.cluster.local'],
    gateways: ['mesh'],
    http: [
      {
        name: 'jason',
        match: [{ uri: { prefix: '/api' }, headers: { 'end-user': { exact: 'jason' } } }],
        route: [{ destination: { host: 'reviews', subset: 'v2', port: { number: 9080 } }, weight: 100 }],
        timeout: '10s',
        retries: { attempts: 3, perTryTimeout: '2s', retryOn: '5xx,connect-failure' },
      },
    ],
  },
});

export const destinationRule = () => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'DestinationRule',
  metadata: meta('reviews'),
  spec: {
    host: 'reviews.bookinfo.svc.cluster.local',
    trafficPolicy: {
      connectionPool: { tcp: { maxConnections: 100, connectTimeout: '30ms' }, http: { http2MaxRequests: 1000 } },
      loadBalancer: { simple: 'LEAST_REQUEST' },
      outlierDetection: { consecutive5xxErrors: 7, interval: '5m', baseEjectionTime: '15m' },
      tls: { mode: 'ISTIO_MUTUAL' },
    },
    subsets: [{ name: 'v2', labels: { version: 'v2' } }],
  },
});

export const gateway = () => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Gateway',
  metadata: meta('bookinfo-gateway'),
  spec: {
    selector: { istio: 'ingressgateway' },
    servers: [
      {
        port: { number: 443, name: 'https', protocol: 'HTTPS' },
        hosts: ['bookinfo.example.com'],
        tls: { mode: 'SIMPLE', credentialName: 'bookinfo-cert' },
      },
    ],
  },
});

export const serviceEntry = () => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'ServiceEntry',
  metadata: meta('external-api'),
  spec: {
    hosts: ['api.example.com'],
    location: 'MESH_EXTERNAL',
    ports: [{ number: 443, name: 'tls', protocol: 'TLS' }],
    resolution: 'DNS',
  },
});

export const sidecar = () => ({
  apiVersion: 'networking.istio.io/v1',
  kind: 'Sidecar',
  metadata: meta('default'),
  spec: {
    egress: [{ hosts: ['./*', 'istio-system/*'] }],
    outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
  },
});

export const peerAuthentication = () => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'PeerAuthentication',
  metadata: meta('reviews'),
  spec: {
    selector: { matchLabels: { app: 'reviews' } },
    mtls: { mode: 'STRICT' },
    portLevelMtls: { '8080': { mode: 'PERMISSIVE' } },
  } as Record<string, unknown>,
});

export const authorizationPolicy = () => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'AuthorizationPolicy',
  metadata: meta('reviews-viewer'),
  spec: {
    selector: { matchLabels: { app: 'reviews' } },
    action: 'ALLOW',
    rules: [
      {
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/productpage'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'] } }],
        when: [{ key: 'request.auth.claims[iss]', values: ['https://accounts.example.com'] }],
      },
    ],
  } as Record<string, unknown>,
});

export const requestAuthentication = () => ({
  apiVersion: 'security.istio.io/v1',
  kind: 'RequestAuthentication',
  metadata: meta('jwt'),
  spec: {
    selector: { matchLabels: { app: 'productpage' } },
    jwtRules: [{ issuer: 'https://accounts.example.com', jwksUri: 'https://accounts.example.com/.well-known/jwks.json', forwardOriginalToken: true }],
  },
});

export const telemetry = () => ({
  apiVersion: 'telemetry.istio.io/v1',
  kind: 'Telemetry',
  metadata: { name: 'mesh-default', namespace: 'istio-system' },
  spec: {
    accessLogging: [{ providers: [{ name: 'envoy' }] }],
    tracing: [{ providers: [{ name: 'otel' }], randomSamplingPercentage: 10.5, customTags: { env: { literal: { value: 'prod' } } } }],
    metrics: [{ providers: [{ name: 'prometheus' }], overrides: [{ match: { metric: 'REQUEST_COUNT', mode: 'CLIENT_AND_SERVER' }, tagOverrides: { request_host: { operation: 'REMOVE' } } }] }],
  },
});

export const envoyFilter = () => ({
  apiVersion: 'networking.istio.io/v1alpha3',
  kind: 'EnvoyFilter',
  metadata: meta('reviews-lua'),
  spec: {
    workloadSelector: { labels: { app: 'reviews' } },
    priority: 10,
    configPatches: [
      {
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'SIDECAR_INBOUND',
          listener: { portNumber: 9080, filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager' } } },
        },
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'envoy.lua',
            typed_config: { '@type': 'type.googleapis.com/envoy.extensions.filters.http.lua.v3.Lua', inlineCode: 'function envoy_on_request(h) end' },
          },
        },
      },
    ],
  },
});

export const istioOperator = () => ({
  apiVersion: 'install.istio.io/v1alpha1',
  kind: 'IstioOperator',
  metadata: { name: 'control-plane', namespace: 'istio-system' },
  spec: {
    profile: 'minimal',
    hub: 'docker.io/istio',
    tag: '1.30.3',
    revision: '1-30-3',
    meshConfig: {
      accessLogFile: '/dev/stdout',
      accessLogEncoding: 'JSON',
      enableTracing: true,
      defaultConfig: { holdApplicationUntilProxyStarts: true, proxyMetadata: { ISTIO_META_DNS_CAPTURE: 'true' } },
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel-collector.observability.svc.cluster.local', port: 4317 } }],
    } as Record<string, unknown>,
    values: {
      global: { istioNamespace: 'istio-system', logAsJson: true, proxy: { resources: { requests: { cpu: '100m', memory: '128Mi' } } } },
      pilot: { autoscaleEnabled: true, autoscaleMin: 2, env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'true' } } as Record<string, unknown>,
      gateways: { 'istio-ingressgateway': { type: 'LoadBalancer' } },
      cni: { enabled: true },
    },
    components: {
      pilot: { k8s: { replicaCount: 2, resources: { requests: { cpu: '500m' } } } },
      ingressGateways: [{ name: 'istio-ingressgateway', enabled: true, k8s: { service: { type: 'LoadBalancer' } } }],
    },
  } as Record<string, unknown>,
});
