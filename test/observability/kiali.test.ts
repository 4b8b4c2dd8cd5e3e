/**
 * KialiConfig: the kiali ConfigMap's external_services.
 */
import * as YAML from 'yaml';
import * as istio from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

describe('KialiConfig', () => {
  test('Prometheus, Grafana and tracing with in-cluster and external URLs', () => {
    // GIVEN
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });

    // WHEN
    new istio.KialiConfig(chart, 'kiali', {
      controlPlane,
      prometheusUrl: 'http://prometheus.monitoring:9090',
      grafana: { internalUrl: 'http://grafana.monitoring:3000', externalUrl: 'https://grafana.example.com' },
      tracing: { internalUrl: 'http://tracing.observability:16685/jaeger', externalUrl: 'https://jaeger.example.com', useGrpc: true },
    });

    // THEN
    const cm = find(synthValid(chart), 'ConfigMap', 'kiali', 'istio-system');
    expect(cm.metadata.labels).toStrictEqual({ 'app': 'kiali', 'app.kubernetes.io/name': 'kiali' });
    expect(YAML.parse(cm.data['config.yaml'])).toStrictEqual({
      istio_namespace: 'istio-system',
      external_services: {
        istio: { root_namespace: 'istio-system', istiod_deployment_name: 'istiod-1-30-3' },
        prometheus: { url: 'http://prometheus.monitoring:9090' },
        grafana: { enabled: true, internal_url: 'http://grafana.monitoring:3000', external_url: 'https://grafana.example.com' },
        tracing: { enabled: true, provider: 'jaeger', internal_url: 'http://tracing.observability:16685/jaeger', external_url: 'https://jaeger.example.com', use_grpc: true },
      },
    });
  });

  test('without Grafana and tracing they are disabled; bad URLs are refused', () => {
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'control-plane');
    new istio.KialiConfig(chart, 'kiali', { controlPlane, prometheusUrl: 'http://prometheus.monitoring:9090' });
    const config = YAML.parse(find(synthValid(chart), 'ConfigMap', 'kiali').data['config.yaml']);
    expect(config.external_services.grafana).toStrictEqual({ enabled: false });
    expect(config.external_services.tracing).toStrictEqual({ enabled: false });
    expect(errorOf(() => new istio.KialiConfig(chart, 'bad', { controlPlane, prometheusUrl: 'prometheus:9090' })))
      .toBe('[prod/bad] prometheusUrl: "prometheus:9090" is not an http(s) URL. Fix: give a URL such as "http://prometheus.monitoring:9090"');
    expect(errorOf(() => new istio.KialiConfig(chart, 'tempo', {
      controlPlane, prometheusUrl: 'http://p:9090', tracing: { provider: istio.KialiTracingProvider.TEMPO, internalUrl: 'http://tempo:3200', useGrpc: true },
    }))).toBe('[prod/tempo] tracing.useGrpc: true is set with the Tempo provider, which Kiali queries over HTTP. Fix: leave useGrpc out with Tempo');
  });
});
