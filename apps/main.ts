import { Duration } from 'cdk8s';
import * as istio from '../lib';
import { addAmbient, runsAmbient } from './ambient';
import { BOOKINFO_NAMESPACE, BookinfoService, bookinfoServices } from './bookinfo';
import { addStorefront } from './delivery';
import { bookinfoGraph } from './graph';
import { addObservability } from './observability';
import { bookinfoRoutes } from './routes';
import { revisionProps } from './control-plane';
import { ingressSecretIsExternal, issueIngressCertificate } from './certificates';
import { addSecurity } from './security';

/** The reviews service of Bookinfo, fully qualified so that every object names it the same way. */
const REVIEWS_HOST = `reviews.${BOOKINFO_NAMESPACE}.svc.cluster.local`;

/**
 * The OpenTelemetry collector the sidecars send spans to. It is not part of this output: it runs in
 * the `observability` namespace, installed with the cluster's observability stack.
 */
const OTEL_COLLECTOR = 'otel-collector.observability.svc.cluster.local';

/**
 * Bookinfo's reviews traffic: v1 stable, v2 as a canary at the environment's initial share (PROD 10 %),
 * with a circuit breaker, timeouts and retries. Both constructs write to one DestinationRule. v3 is the
 * next release: deployed and ready, but no route leads to it until it takes the canary's place.
 */
function reviewsTraffic(chart: istio.MeshChart, reviews: BookinfoService): void {
  new istio.CircuitBreaker(chart, 'reviews-circuit-breaker', {
    host: REVIEWS_HOST,
    namespace: BOOKINFO_NAMESPACE,
    connectionPool: { tcp: { maxConnections: 200 }, http: { http1MaxPendingRequests: 100, http2MaxRequests: 400, maxRetries: 20 } },
    outlierDetection: { consecutive5xxErrors: 3, interval: Duration.seconds(10), baseEjectionTime: Duration.seconds(30), maxEjectionPercent: 60 },
  });
  new istio.CanaryRelease(chart, 'reviews-canary', {
    host: REVIEWS_HOST,
    namespace: BOOKINFO_NAMESPACE,
    stable: istio.Subset.fromWorkload('v1', reviews.deployments.v1),
    canary: istio.Subset.fromWorkload('v2', reviews.deployments.v2),
    // productpage forwards the cookie header to reviews (but not custom headers such as x-canary), so
    // testers opt into the canary with a cookie.
    routeToCanaryWhen: [istio.HttpMatch.cookie('test-user', 'true')],
    timeout: Duration.seconds(5),
    retries: istio.RetryPolicy.of({
      attempts: 2,
      perTryTimeout: Duration.seconds(2),
      retryOn: [istio.RetryOn.GATEWAY_ERROR, istio.RetryOn.CONNECT_FAILURE, istio.RetryOn.REFUSED_STREAM],
    }),
  });
}

/**
 * The per-environment composition of the mesh: one MeshChart for each of DEV, STAGING and PROD,
 * written by `npm run synth` to `dist/<env>/`.
 */
export function buildApp(app: istio.MeshApp = new istio.MeshApp()): istio.MeshApp {
  for (const env of istio.Environment.ALL) {
    const chart = new istio.MeshChart(app, env.name, { environment: env });
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', {
      ...revisionProps(env),
      // ztunnel and istio-cni for apps/ambient.ts
      ...(runsAmbient(env) ? { dataplaneMode: istio.MeshDataplaneMode.AMBIENT } : {}),
      // istiod fetches the JWKS of every RequestAuthentication: keep those fetches off the cluster's own
      // and link-local networks, so a jwksUri cannot be turned against internal services (IST0175).
      pilot: { env: { BLOCKED_CIDRS_IN_JWKS_URIS: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16,127.0.0.0/8,169.254.0.0/16,::1/128,fc00::/7,fe80::/10' } },
      meshConfig: {
        accessLog: istio.AccessLog.json(),
        outboundTrafficPolicy: istio.OutboundTraffic.REGISTRY_ONLY,
        // The provider only: sampling is set by the mesh-wide Telemetry (apps/observability.ts).
        tracing: istio.Tracing.openTelemetry({ service: OTEL_COLLECTOR, port: 4317 }),
        // istiod watches mesh namespaces (the one definition IstiodNetworkPolicy admits too), its own,
        // and the collector's: a tracing provider whose Service istiod does not see is dropped with only
        // a warning in istiod's log.
        discoverySelectors: [
          ...istio.MeshNamespace.discoverySelectors(),
          { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } },
          { matchLabels: { 'kubernetes.io/metadata.name': 'observability' } },
        ],
        dnsCapture: true,
      },
    });
    new istio.MeshNamespace(chart, BOOKINFO_NAMESPACE, { controlPlane });
    // What the output references but the cluster's platform stack provides: the analyzer counts these as
    // existing instead of reporting them as dangling references.
    new istio.ExternalResources(chart, 'platform', {
      namespaces: ['observability'],
      services: [{ namespace: 'observability', name: 'otel-collector', ports: [4317] }],
      ...(ingressSecretIsExternal(env) ? { secrets: [{ namespace: 'istio-ingress', name: 'bookinfo-tls' }] } : {}),
    });
    const bookinfo = bookinfoServices(chart);
    reviewsTraffic(chart, bookinfo.reviews);

    // North-south: the ingress gateway in its own namespace, injected by the control plane's revision.
    // The certificate Secret `bookinfo-tls`: in PROD a cert-manager Certificate of this output issues it
    // (apps/certificates.ts); elsewhere the cluster's certificate tooling does, outside this output.
    const ingress = new istio.IngressGateway(chart, 'ingress-gateway', {
      namespace: 'istio-ingress',
      controlPlane,
      servers: [istio.GatewayServer.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-tls', redirectHttp: true })],
    });
    issueIngressCertificate(env, ingress, 'bookinfo-tls');
    bookinfoRoutes(chart, ingress, bookinfo.reviews);
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

    // Least privilege from one declaration: Sidecars, authorization, egress and NetworkPolicies (apps/graph.ts).
    bookinfoGraph(chart, controlPlane, ingress, bookinfo, `observability/${OTEL_COLLECTOR}`);
    addSecurity(chart, env, controlPlane, ingress);
    if (env === istio.Environment.STAGING) {
      addStorefront(chart, controlPlane);
    }
    addObservability(chart, env, controlPlane, ingress);
    addAmbient(chart, env, controlPlane, bookinfo);
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
