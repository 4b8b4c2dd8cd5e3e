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
    addSecurity(chart, env, controlPlane);
  }
  return app;
}

if (require.main === module) {
  buildApp().synth();
}
