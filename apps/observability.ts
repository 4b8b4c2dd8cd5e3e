import { Duration } from 'cdk8s';
import * as istio from '../lib';
import { BOOKINFO_NAMESPACE } from './bookinfo';

/** Where the cluster's observability stack (Prometheus, Grafana, the collector, Jaeger) runs. */
export const OBSERVABILITY_NAMESPACE = 'observability';

/**
 * Observability of one environment:
 *
 * 1. the mesh-wide Telemetry: traces to the OpenTelemetry provider that `main.ts` declares in
 *    meshConfig, sampled at the environment's rate (DEV 100 %, STAGING 10 %, PROD 1 %); the sampling
 *    lives here, not in istiod's values;
 * 2. Bookinfo logs failed requests only (`response.code >= 400`), with the built-in `envoy` provider,
 *    which writes in the format of the mesh config (JSON);
 * 3. Prometheus Operator monitors for istiod and every proxy, and the federation recording rules;
 * 4. Grafana dashboards (control plane, data plane, the ingress gateway) for the Grafana sidecar;
 * 5. Kiali's view of Prometheus, Grafana and Jaeger;
 * 6. in STAGING and PROD, the alerts (PROD's thresholds are the strictest), with reviews' latency
 *    held to 500 ms.
 */
export function addObservability(chart: istio.MeshChart, env: istio.EnvironmentProfile, controlPlane: istio.MeshControlPlane, ingress: istio.IngressGateway): void {
  new istio.MeshTelemetry(chart, 'mesh-telemetry', {
    scope: istio.TelemetryScope.mesh({ controlPlane }),
    tracing: { providers: ['otel'], customTags: [istio.CustomTag.environment('cluster', 'ISTIO_META_CLUSTER_ID', 'unknown')] },
  });
  new istio.MeshTelemetry(chart, 'bookinfo-telemetry', {
    scope: istio.TelemetryScope.namespace(BOOKINFO_NAMESPACE),
    accessLogging: { providers: ['envoy'], filter: 'response.code >= 400' },
  });
  const labels = { release: 'prometheus' };
  new istio.MeshScraping(chart, 'scraping', { controlPlane, labels });
  new istio.MeshDashboards(chart, 'dashboards', { controlPlane, gateways: [ingress], namespace: OBSERVABILITY_NAMESPACE });
  new istio.KialiConfig(chart, 'kiali', {
    controlPlane,
    prometheusUrl: `http://prometheus.${OBSERVABILITY_NAMESPACE}:9090`,
    grafana: { internalUrl: `http://grafana.${OBSERVABILITY_NAMESPACE}:3000`, externalUrl: `https://grafana.${env.name}.example.com` },
    tracing: { internalUrl: `http://jaeger-query.${OBSERVABILITY_NAMESPACE}:16685/jaeger`, externalUrl: `https://jaeger.${env.name}.example.com`, useGrpc: true },
  });
  if (env !== istio.Environment.DEV) {
    new istio.MeshAlerts(chart, 'alerts', {
      controlPlane,
      labels,
      gateways: [ingress],
      serviceOverrides: [{ host: `reviews.${BOOKINFO_NAMESPACE}.svc.cluster.local`, p99Latency: Duration.millis(500) }],
    });
  }
}
