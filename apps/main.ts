import { Duration } from 'cdk8s';
import * as istio from '../lib';
import { addSecurity } from './security';

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
          service: 'otel-collector.observability.svc.cluster.local',
          port: 4317,
          samplingPercent: env === istio.Environment.PROD ? 1 : 100,
        }),
        discoverySelectors: [{ matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] }, { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } }],
        dnsCapture: true,
      },
    });
    new istio.MeshNamespace(chart, 'bookinfo', { controlPlane });

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
    if (env === istio.Environment.PROD) {
      // About 100 requests per second per gateway replica, bursts of 200.
      new istio.LocalRateLimit(chart, 'ingress-rate-limit', {
        namespace: ingress.namespace,
        selector: ingress.selectorLabels,
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
      hosts: ['./*', 'istio-system/*', 'istio-ingress/*', '*/api.stripe.com'],
    });

    addSecurity(chart, env, controlPlane, ingress);
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
