/**
 * Mesh config rules no other test reaches: access log fields, tracing extension providers, discovery
 * selector expressions and proxy stats regexes. Each error names the control plane's path, the
 * meshConfig field and the value.
 */
import { AccessLog, Environment, MeshControlPlane, MeshControlPlaneProps, Tracing } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

/** The error a PROD control plane with `props` throws. */
function errorFor(props: MeshControlPlaneProps): string {
  return errorOf(() => new MeshControlPlane(meshChart(Environment.PROD), 'cp', props));
}

/** The meshConfig of a valid PROD control plane with `props`. */
function meshConfigOf(props: MeshControlPlaneProps) {
  const chart = meshChart(Environment.PROD);
  new MeshControlPlane(chart, 'cp', props);
  return find(synthValid(chart), 'IstioOperator', 'control-plane').spec.meshConfig;
}

describe('meshConfig.accessLog', () => {
  test('a JSON log with an empty field map is an error (no format would be written)', () => {
    // GIVEN / WHEN
    const error = errorFor({ meshConfig: { accessLog: AccessLog.json({ fields: {} }) } });
    // THEN
    expect(error).toBe('[prod/cp] meshConfig.accessLog.fields: {} names no field. Fix: list at least one field, or leave `fields` out for the default format');
  });
});

describe('meshConfig.tracing extension providers', () => {
  test('a Zipkin-API provider becomes the default tracing provider', () => {
    // GIVEN / WHEN
    const mc = meshConfigOf({ meshConfig: { tracing: Tracing.zipkinProvider({ service: 'zipkin.istio-system.svc.cluster.local', port: 9411 }) } });
    // THEN
    expect(mc.extensionProviders).toStrictEqual([{ name: 'zipkin', zipkin: { service: 'zipkin.istio-system.svc.cluster.local', port: 9411 } }]);
    expect(mc.defaultProviders).toStrictEqual({ tracing: ['zipkin'] });
  });

  test.each([
    ['a collector service that is not a host name', Tracing.openTelemetry({ service: 'OTel_Collector', port: 4317 }),
      '[prod/cp] meshConfig.tracing.service: "OTel_Collector" is not a service host name. Fix: name the collector service, e.g. "otel-collector.observability.svc.cluster.local"'],
    ['an empty collector service', Tracing.zipkinProvider({ service: '', port: 9411 }),
      '[prod/cp] meshConfig.tracing.service: "" is not a service host name. Fix: name the collector service, e.g. "otel-collector.observability.svc.cluster.local"'],
    ['port 0', Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 0 }),
      '[prod/cp] meshConfig.tracing.port: 0 is not a port 1–65535. Fix: use the collector port, e.g. 4317 for OTLP/gRPC'],
    ['a port above 65535', Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 65536 }),
      '[prod/cp] meshConfig.tracing.port: 65536 is not a port 1–65535. Fix: use the collector port, e.g. 4317 for OTLP/gRPC'],
    ['a provider name with capitals', Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 4317, name: 'OTel' }),
      '[prod/cp] meshConfig.tracing.name: "OTel" is not a valid provider name. Fix: use lowercase letters, digits and dashes'],
  ])('%s is an error', (_case, tracing, message) => {
    // GIVEN / WHEN / THEN
    expect(errorFor({ meshConfig: { tracing } })).toBe(message);
  });
});

describe('meshConfig.discoverySelectors matchExpressions', () => {
  test('In / Exists expressions are written as given', () => {
    // GIVEN / WHEN
    const mc = meshConfigOf({
      meshConfig: {
        discoverySelectors: [{
          matchLabels: { mesh: 'on' },
          matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }, { key: 'istio.io/rev', operator: 'Exists' }],
        }],
      },
    });
    // THEN
    expect(mc.discoverySelectors).toStrictEqual([{
      matchLabels: { mesh: 'on' },
      matchExpressions: [{ key: 'team', operator: 'In', values: ['a', 'b'] }, { key: 'istio.io/rev', operator: 'Exists' }],
    }]);
  });

  test.each([
    ['In without values', { key: 'team', operator: 'In' as const },
      '[prod/cp] meshConfig.discoverySelectors[0].matchExpressions[0]: {"key":"team","operator":"In"} needs values. '
      + 'Fix: In/NotIn take a non-empty values list; Exists/DoesNotExist take none'],
    ['NotIn with an empty values list', { key: 'team', operator: 'NotIn' as const, values: [] },
      '[prod/cp] meshConfig.discoverySelectors[0].matchExpressions[0]: {"key":"team","operator":"NotIn","values":[]} needs values. '
      + 'Fix: In/NotIn take a non-empty values list; Exists/DoesNotExist take none'],
    ['Exists with values', { key: 'istio.io/rev', operator: 'Exists' as const, values: ['stable'] },
      '[prod/cp] meshConfig.discoverySelectors[0].matchExpressions[0]: {"key":"istio.io/rev","operator":"Exists","values":["stable"]} must not carry values. '
      + 'Fix: In/NotIn take a non-empty values list; Exists/DoesNotExist take none'],
  ])('%s is an error', (_case, expression, message) => {
    // GIVEN / WHEN / THEN
    expect(errorFor({ meshConfig: { discoverySelectors: [{ matchExpressions: [expression] }] } })).toBe(message);
  });
});

describe('meshConfig.proxyStatsMatcher', () => {
  test('a regex that does not compile is an error naming it', () => {
    // GIVEN / WHEN
    const error = errorFor({ meshConfig: { proxyStatsMatcher: { inclusionRegexps: ['.*outlier_detection.*', '(unclosed'] } } });
    // THEN
    expect(error).toMatch(/^\[prod\/cp\] meshConfig\.proxyStatsMatcher\.inclusionRegexps\[1\]: "\(unclosed" is not a valid regex .*\. Fix: fix the pattern/);
  });

  test('a JavaScript-only regex (look-ahead) is refused: Envoy compiles stats matchers with RE2', () => {
    const error = errorFor({ meshConfig: { proxyStatsMatcher: { inclusionRegexps: ['cluster(?=\\.outbound)'] } } });
    expect(error).toMatch(/^\[prod\/cp\] meshConfig\.proxyStatsMatcher\.inclusionRegexps\[0\]: "cluster\(\?=\\\\\.outbound\)" .*RE2/);
  });
});
