import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as istio from '../lib';
import { addSecurity } from './security';

/** The reviews service of Bookinfo, fully qualified so that every object names it the same way. */
const REVIEWS_HOST = 'reviews.bookinfo.svc.cluster.local';

/** The OpenTelemetry collector the sidecars send spans to. */
const OTEL_COLLECTOR = 'otel-collector.observability.svc.cluster.local';

const REVIEWS_REPLICAS: Record<string, number> = { dev: 1, staging: 2, prod: 3 };

/**
 * One version of the Bookinfo reviews workload. The image is built on Open Liberty, which writes its
 * work area under /opt/ol/wlp/output and logs under LOG_DIR: both get an emptyDir, since cdk8s-plus
 * makes the root filesystem read-only. The Deployment selects its pods by `app` and `version`, not by
 * cdk8s-plus's construct-path label, because a Deployment selector can never change after creation.
 */
function reviewsDeployment(scope: Construct, version: string, env: istio.EnvironmentProfile, serviceAccount: kplus.IServiceAccount): kplus.Deployment {
  const tmp = kplus.Volume.fromEmptyDir(scope, `reviews-${version}-tmp`, 'tmp');
  const wlpOutput = kplus.Volume.fromEmptyDir(scope, `reviews-${version}-wlp-output`, 'wlp-output');
  const deployment = new kplus.Deployment(scope, `reviews-${version}`, {
    metadata: { name: `reviews-${version}`, namespace: 'bookinfo', labels: { app: 'reviews', version } },
    podMetadata: { labels: { app: 'reviews', version } },
    select: false,
    serviceAccount,
    replicas: REVIEWS_REPLICAS[env.name] ?? 1,
    containers: [{
      name: 'reviews',
      image: `docker.io/istio/examples-bookinfo-reviews-${version}:1.20.2`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      portNumber: 9080,
      // Liberty takes tens of seconds to start: allow up to 2 minutes before the kubelet restarts it.
      startup: kplus.Probe.fromTcpSocket({ port: 9080, periodSeconds: Duration.seconds(5), failureThreshold: 24 }),
      readiness: kplus.Probe.fromTcpSocket({ port: 9080, periodSeconds: Duration.seconds(10) }),
      envVariables: { LOG_DIR: kplus.EnvValue.fromValue('/tmp/logs') },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) },
        memory: { request: Size.mebibytes(256), limit: Size.mebibytes(512) },
      },
      volumeMounts: [{ path: '/tmp', volume: tmp }, { path: '/opt/ol/wlp/output', volume: wlpOutput }],
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { app: 'reviews', version } }));
  return deployment;
}

/**
 * Bookinfo's reviews service: v1 stable, v2 as a canary at the environment's initial share (PROD 10 %),
 * with a circuit breaker, timeouts and retries. Both constructs write to one DestinationRule.
 */
function reviewsApp(chart: istio.MeshChart): kplus.ServiceAccount {
  const serviceAccount = new kplus.ServiceAccount(chart, 'reviews-sa', { metadata: { name: 'bookinfo-reviews', namespace: 'bookinfo' } });
  const v1 = reviewsDeployment(chart, 'v1', chart.environment, serviceAccount);
  const v2 = reviewsDeployment(chart, 'v2', chart.environment, serviceAccount);
  const service = new kplus.Service(chart, 'reviews', {
    metadata: { name: 'reviews', namespace: 'bookinfo', labels: { app: 'reviews', service: 'reviews' } },
    ports: [{ name: 'http', port: 9080, targetPort: 9080 }],
  });
  service.selectLabel('app', 'reviews');
  new istio.CircuitBreaker(chart, 'reviews-circuit-breaker', {
    host: REVIEWS_HOST,
    namespace: 'bookinfo',
    connectionPool: { tcp: { maxConnections: 200 }, http: { http1MaxPendingRequests: 100, http2MaxRequests: 400, maxRetries: 20 } },
    outlierDetection: { consecutive5xxErrors: 3, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 60 },
  });
  new istio.CanaryRelease(chart, 'reviews-canary', {
    host: REVIEWS_HOST,
    namespace: 'bookinfo',
    stable: istio.Subset.fromWorkload('v1', v1),
    canary: istio.Subset.fromWorkload('v2', v2),
    // productpage forwards the cookie header to reviews (but not custom headers such as x-canary), so
    // testers opt into the canary with a cookie.
    routeToCanaryWhen: [istio.HttpMatch.cookieRegex('^(.*?;)?(test-user=true)(;.*)?$')],
    timeout: Duration.seconds(5),
    retries: istio.RetryPolicy.of({
      attempts: 2,
      perTryTimeout: Duration.seconds(2),
      retryOn: [istio.RetryOn.GATEWAY_ERROR, istio.RetryOn.CONNECT_FAILURE, istio.RetryOn.REFUSED_STREAM],
    }),
  });
  return serviceAccount;
}

/**
 * The per-environment composition of the mesh: one MeshChart for each of DEV, STAGING and PROD,
 * written by `npm run synth` to `dist/<env>/`.
 */
export function buildApp(app: istio.MeshApp = new istio.MeshApp()): istio.MeshApp {
  for (const env of istio.Environment.ALL) {
    const chart = new istio.MeshChart(app, env.name, { environment: env });
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', {
      revision: '1-30-3',
      meshConfig: {
        accessLog: istio.AccessLog.json(),
        outboundTrafficPolicy: istio.OutboundTraffic.REGISTRY_ONLY,
        tracing: istio.Tracing.openTelemetry({
          service: OTEL_COLLECTOR,
          port: 4317,
          samplingPercent: env === istio.Environment.PROD ? 1 : 100,
        }),
        // istiod watches mesh namespaces, its own, and the collector's: a tracing provider whose Service
        // istiod does not see is dropped with only a warning in istiod's log.
        discoverySelectors: [
          { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] },
          { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
          { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        ],
        dnsCapture: true,
      },
    });
    new istio.MeshNamespace(chart, 'bookinfo', { controlPlane });
    const reviewsServiceAccount = reviewsApp(chart);

    // North-south: the ingress gateway in its own namespace, injected by the control plane's revision.
    const ingress = new istio.IngressGateway(chart, 'ingress-gateway', {
      namespace: 'istio-ingress',
      controlPlane,
      servers: [istio.GatewayServer.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-tls', redirectHttp: true })],
    });
    ingress.addRoute('bookinfo', {
      namespace: 'bookinfo',
      hosts: ['bookinfo.example.com'],
      destination: { host: 'productpage.bookinfo.svc.cluster.local', port: 9080 },
    });
    // productpage is deployed outside this app: declared, so the analyzer takes the route's host as existing.
    new istio.ExternalResources(chart, 'outside', { services: [{ namespace: 'bookinfo', name: 'productpage', ports: [9080] }] });
    if (env === istio.Environment.PROD) {
      // Envoy keeps one bucket per filter chain: each replica has one for the HTTP redirect server on
      // port 80 and one for the HTTPS server, so HTTPS clients get about 100 requests per second per
      // replica, bursts of 200.
      new istio.LocalRateLimit(chart, 'ingress-rate-limit', {
        namespace: ingress.namespace,
        selector: istio.WorkloadSelector.labels(ingress.selectorLabels),
        context: istio.RateLimitContext.GATEWAY,
        maxTokens: 200,
        tokensPerFill: 100,
        fillInterval: Duration.seconds(1),
      });
    }

    // Egress: with REGISTRY_ONLY, bookinfo reaches its own namespace, the control plane, the ingress
    // gateway and the one external API it pays with.
    new istio.ExternalService(chart, 'stripe-api', {
      namespace: 'istio-system',
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: istio.ServiceProtocol.TLS }],
      resolution: istio.ServiceResolution.DNS,
    });
    new istio.SidecarScope(chart, 'bookinfo-sidecar', {
      namespace: 'bookinfo',
      hosts: ['./*', 'istio-system/*', 'istio-ingress/*', '*/api.stripe.com', `observability/${OTEL_COLLECTOR}`],
    });

    addSecurity(chart, env, controlPlane, ingress, reviewsServiceAccount);
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
