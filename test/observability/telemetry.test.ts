/**
 * MeshTelemetry: Istio's Telemetry API v1 for the mesh, a namespace, workloads or targets.
 */
import * as istio from '../../lib';
import { errorOf, find, findingsOf, meshChart, synthError, synthValid } from '../support/charts';

function meshWith(env: istio.EnvironmentProfile = istio.Environment.PROD) {
  const chart = meshChart(env);
  const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', {
    meshConfig: { tracing: istio.Tracing.openTelemetry({ service: 'otel-collector.observability.svc.cluster.local', port: 4317 }) },
  });
  new istio.MeshNamespace(chart, 'shop', { controlPlane });
  return { chart, controlPlane };
}

describe('MeshTelemetry', () => {
  test.each([
    [istio.Environment.DEV, 100],
    [istio.Environment.STAGING, 10],
    [istio.Environment.PROD, 1],
  ])('mesh scope in %s: tracing sampled at the environment\'s percentage, in the root namespace', (env, percent) => {
    // GIVEN a mesh with an OpenTelemetry provider
    const { chart, controlPlane } = meshWith(env);

    // WHEN a mesh-wide Telemetry names the provider
    const telemetry = new istio.MeshTelemetry(chart, 'telemetry', {
      scope: istio.TelemetryScope.mesh({ controlPlane }),
      tracing: { providers: ['otel'] },
    });

    // THEN it samples at the environment's percentage, and the output is valid
    const objs = synthValid(chart);
    expect(find(objs, 'Telemetry', 'mesh-default', 'istio-system').spec).toStrictEqual({
      tracing: [{ providers: [{ name: 'otel' }], randomSamplingPercentage: percent }],
    });
    expect(telemetry.samplingPercentage).toBe(percent);
    expect(findingsOf(chart, 'IST0160')).toStrictEqual([]);
  });

  test('every tracing, metrics and access-logging field', () => {
    // GIVEN
    const { chart, controlPlane } = meshWith();

    // WHEN
    new istio.MeshTelemetry(chart, 'telemetry', {
      scope: istio.TelemetryScope.mesh({ controlPlane }),
      tracing: {
        providers: ['otel'],
        samplingPercentage: 0.5,
        customTags: [
          istio.CustomTag.header('user-agent', 'user-agent', 'unknown'),
          istio.CustomTag.literal('cluster', 'eu-1'),
          istio.CustomTag.environment('pod-namespace', 'POD_NAMESPACE'),
        ],
        disableSpanReporting: false,
      },
      metrics: {
        providers: ['prometheus'],
        overrides: [
          istio.MetricOverride.tags(istio.IstioMetric.REQUEST_COUNT, [istio.TagOverride.upsert('request_host', 'request.host'), istio.TagOverride.remove('request_protocol')]),
          istio.MetricOverride.disable(istio.IstioMetric.REQUEST_SIZE, { mode: istio.TelemetryMode.CLIENT }),
        ],
      },
      accessLogging: { filter: 'response.code >= 400', mode: istio.TelemetryMode.SERVER },
    });

    // THEN
    expect(find(synthValid(chart), 'Telemetry', 'mesh-default').spec).toStrictEqual({
      tracing: [{
        providers: [{ name: 'otel' }],
        randomSamplingPercentage: 0.5,
        customTags: {
          'cluster': { literal: { value: 'eu-1' } },
          'pod-namespace': { environment: { name: 'POD_NAMESPACE' } },
          'user-agent': { header: { name: 'user-agent', defaultValue: 'unknown' } },
        },
        disableSpanReporting: false,
      }],
      metrics: [{
        providers: [{ name: 'prometheus' }],
        overrides: [
          {
            match: { metric: 'REQUEST_COUNT', mode: 'CLIENT_AND_SERVER' },
            tagOverrides: { request_host: { operation: 'UPSERT', value: 'request.host' }, request_protocol: { operation: 'REMOVE' } },
          },
          { match: { metric: 'REQUEST_SIZE', mode: 'CLIENT' }, disabled: true },
        ],
      }],
      accessLogging: [{ providers: [{ name: 'envoy' }], match: { mode: 'SERVER' }, filter: { expression: 'response.code >= 400' } }],
    });
  });

  test('namespace, workload and target scopes inherit tracing unless they set it', () => {
    // GIVEN
    const { chart } = meshWith();

    // WHEN
    new istio.MeshTelemetry(chart, 'shop-logs', { scope: istio.TelemetryScope.namespace('shop'), accessLogging: { disabled: true } });
    new istio.MeshTelemetry(chart, 'cart-traces', {
      scope: istio.TelemetryScope.workload('shop', istio.WorkloadSelector.labels({ app: 'cart' })),
      tracing: { samplingPercentage: 100 },
    });
    new istio.MeshTelemetry(chart, 'waypoint', {
      scope: istio.TelemetryScope.targets('shop', [istio.TelemetryTarget.gateway('waypoint')]),
      accessLogging: {},
    });
    new istio.ExternalResources(chart, 'pods', { workloads: [{ namespace: 'shop', labels: { app: 'cart' } }] });

    // THEN
    const objs = synthValid(chart);
    expect(find(objs, 'Telemetry', 'default', 'shop').spec).toStrictEqual({ accessLogging: [{ providers: [{ name: 'envoy' }], disabled: true }] });
    expect(find(objs, 'Telemetry', 'cart-traces', 'shop').spec).toStrictEqual({
      selector: { matchLabels: { app: 'cart' } },
      tracing: [{ randomSamplingPercentage: 100 }],
    });
    expect(find(objs, 'Telemetry', 'waypoint', 'shop').spec).toStrictEqual({
      targetRefs: [{ group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'waypoint' }],
      accessLogging: [{ providers: [{ name: 'envoy' }] }],
    });
  });

  test('two mesh-wide Telemetries fail the analyzer (IST0160)', () => {
    // GIVEN a mesh-wide Telemetry
    const { chart, controlPlane } = meshWith();
    new istio.MeshTelemetry(chart, 'telemetry', { scope: istio.TelemetryScope.mesh({ controlPlane }) });

    // WHEN a second one is added under another name
    new istio.MeshTelemetry(chart, 'logs', { scope: istio.TelemetryScope.mesh({ controlPlane }), name: 'mesh-logs', accessLogging: {} });

    // THEN both are reported
    expect(findingsOf(chart, 'IST0160')).toStrictEqual([['mesh-default', 'telemetry'], ['mesh-logs', 'logs']].map(([name, id]) =>
      `Error [IST0160] (Telemetry istio-system/${name}) The Telemetries [mesh-default mesh-logs] in namespace "istio-system" have no workload selector, which can lead to undefined behavior. `
      + `Fix: merge them into one Telemetry for the mesh (root namespace), or give all but one a selector [construct prod/${id}]`));
  });

  test('bad input names the field, the value and the fix', () => {
    const { chart } = meshWith();
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'a', { accessLogging: { filter: 'response.code >= ' } })))
      .toBe('[prod/a] accessLogging.filter: "response.code >= " is not a CEL expression (at 1:15: found > but expecting end of input). Fix: write a CEL expression, e.g. "response.code >= 400"');
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'b', { tracing: { samplingPercentage: 101 } })))
      .toBe('[prod/b] tracing.samplingPercentage: 101 is not a finite number from 0 to 100. Fix: give a percentage such as 1 (PROD) or 100 (DEV)');
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'c', { tracing: { providers: ['otel', 'zipkin'] } })))
      .toBe('[prod/c] tracing.providers: ["otel","zipkin"] has 2 items, more than the 1 allowed. Fix: give at most 1 items');
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'd', { tracing: { customTags: [istio.CustomTag.header('ua', 'user agent')] } })))
      .toBe('[prod/d] tracing.customTags[0].header: "user agent" is not an HTTP header name. Fix: use a header name such as "x-request-id"');
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'e', {
      metrics: { overrides: [istio.MetricOverride.tags(istio.IstioMetric.REQUEST_COUNT, [istio.TagOverride.upsert('host', 'request.host ==')])] },
    }))).toMatch(/^\[prod\/e\] metrics\.overrides\[0\]\.tags\[0\]\.valueExpression: "request\.host ==" is not a CEL expression/);
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'f', { scope: istio.TelemetryScope.namespace('shop'), tracing: { sampling: 1 } as any })))
      .toBe('[prod/f] tracing: "sampling" is not a field of TelemetryTracingOptions. Fix: drop it; TelemetryTracingOptions has providers, samplingPercentage, customTags, disableSpanReporting');
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'g', { accessLogging: { disabled: true, filter: 'true' } })))
      .toBe('[prod/g] accessLogging.filter: "true" is set while logging is disabled. Fix: drop the filter, or disabled');
    expect(errorOf(() => new istio.MeshTelemetry(chart, 'h', { scope: istio.TelemetryScope.namespace('shop'), tracing: {} })))
      .toBe('[prod/h] tracing: {} sets nothing. Fix: give providers, samplingPercentage, customTags or disableSpanReporting, or leave tracing out');
  });

  test('a provider no control plane of the chart defines fails the synth, naming the field', () => {
    // GIVEN a mesh whose only extension provider is "otel"
    const { chart } = meshWith();

    // WHEN a Telemetry names "zipkin"
    new istio.MeshTelemetry(chart, 'telemetry', { tracing: { providers: ['zipkin'] } });

    // THEN
    expect(synthError(chart)).toBe('Validation failed with the following errors:\n  [prod/telemetry] tracing.providers[0]: "zipkin" is not an extension provider of control plane prod/control-plane '
      + '(istiod would skip it). Fix: name one of envoy, otel, prometheus, stackdriver, or declare it in the control plane\'s meshConfig');
  });

  test('the environment can be given per construct', () => {
    const { chart } = meshWith(istio.Environment.PROD);
    const t = new istio.MeshTelemetry(chart, 'telemetry', { environment: istio.Environment.DEV, tracing: { disableSpanReporting: true } });
    expect(t.samplingPercentage).toBe(100);
  });
});
