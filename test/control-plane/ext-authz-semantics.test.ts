import { Duration } from 'cdk8s';
import {
  AuthorizationAction, AuthorizationPolicy, Environment, ExtAuthzProvider, MeshChart, MeshControlPlane, MeshControlPlaneProps, Tracing, WorkloadSelector,
} from '../../lib';
import { errorOf, find, findingsOf, meshApp, synthValid } from '../support/charts';

const productpage = WorkloadSelector.labels({ app: 'productpage' });

function prodChart(): MeshChart {
  return new MeshChart(meshApp(), 'prod', { environment: Environment.PROD });
}

/** GIVEN a control plane with `props` WHEN synthesized (schema-checked) THEN its meshConfig. */
function meshConfigOf(props: MeshControlPlaneProps): any {
  const chart = prodChart();
  new MeshControlPlane(chart, 'cp', props);
  return find(synthValid(chart), 'IstioOperator', 'control-plane').spec.meshConfig;
}

function customPolicy(chart: MeshChart, provider: string): AuthorizationPolicy {
  return new AuthorizationPolicy(chart, 'ext', {
    namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.CUSTOM, provider, rules: [{ to: [{ paths: ['/admin/*'] }] }],
  });
}

describe('ext-authz providers in meshConfig', () => {
  test('HTTP and gRPC providers render as envoyExtAuthzHttp / envoyExtAuthzGrpc next to the tracing provider', () => {
    const mc = meshConfigOf({
      meshConfig: {
        tracing: Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 4317 }),
        extAuthzProviders: [
          ExtAuthzProvider.http({
            name: 'oauth2-proxy',
            service: 'oauth2-proxy.auth.svc.cluster.local',
            port: 4180,
            pathPrefix: '/oauth2/auth',
            includeRequestHeadersInCheck: ['cookie', 'x-forwarded-*'],
            includeAdditionalHeadersInCheck: { 'x-ext-authz': 'true' },
            headersToUpstreamOnAllow: ['x-auth-request-user'],
            headersToDownstreamOnDeny: ['location', 'set-cookie'],
            timeout: Duration.millis(500),
            statusOnError: 503,
          }),
          ExtAuthzProvider.grpc({
            name: 'opa', service: 'auth/opa.auth.svc.cluster.local', port: 9191, failOpen: false,
            includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true },
          }),
        ],
      },
    });
    expect(mc.extensionProviders).toStrictEqual([
      { name: 'otel', opentelemetry: { service: 'otel.observability.svc.cluster.local', port: 4317 } },
      {
        name: 'oauth2-proxy',
        envoyExtAuthzHttp: {
          service: 'oauth2-proxy.auth.svc.cluster.local',
          port: 4180,
          timeout: '500ms',
          statusOnError: '503',
          pathPrefix: '/oauth2/auth',
          includeRequestHeadersInCheck: ['cookie', 'x-forwarded-*'],
          includeAdditionalHeadersInCheck: { 'x-ext-authz': 'true' },
          headersToUpstreamOnAllow: ['x-auth-request-user'],
          headersToDownstreamOnDeny: ['location', 'set-cookie'],
        },
      },
      {
        name: 'opa',
        envoyExtAuthzGrpc: { service: 'auth/opa.auth.svc.cluster.local', port: 9191, failOpen: false, includeRequestBodyInCheck: { maxRequestBytes: 8192, allowPartialMessage: true } },
      },
    ]);
    // The tracing default stays the tracing provider only.
    expect(mc.defaultProviders).toStrictEqual({ tracing: ['otel'] });
  });

  test('without tracing the ext-authz provider is the only extension provider, and no defaultProviders is written', () => {
    const mc = meshConfigOf({ meshConfig: { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'ext-authz', service: 'ext-authz.auth.svc.cluster.local', port: 9000 })] } });
    expect(mc.extensionProviders).toStrictEqual([{ name: 'ext-authz', envoyExtAuthzGrpc: { service: 'ext-authz.auth.svc.cluster.local', port: 9000 } }]);
    expect(mc.defaultProviders).toBeUndefined();
  });

  test('the control plane lists its ext-authz provider names (not the tracing provider)', () => {
    const chart = prodChart();
    const cp = new MeshControlPlane(chart, 'cp', {
      meshConfig: {
        tracing: Tracing.zipkinProvider({ service: 'zipkin.istio-system.svc.cluster.local', port: 9411 }),
        extAuthzProviders: [ExtAuthzProvider.http({ name: 'ext-authz', service: 'ext-authz.auth.svc.cluster.local', port: 8000 })],
      },
    });
    expect(cp.extAuthzProviderNames).toStrictEqual(['ext-authz']);
  });

  test.each([
    ['a name shared with the tracing provider',
      { tracing: Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 4317 }), extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'otel', service: 'a.b.svc.cluster.local', port: 1 })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].name: "otel" is also the name of the tracing provider (istiod requires unique extension provider names). Fix: give every extension provider its own name'],
    ['two ext-authz providers of one name',
      { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'authz', service: 'a.b.svc.cluster.local', port: 1 }), ExtAuthzProvider.http({ name: 'authz', service: 'c.d.svc.cluster.local', port: 2 })] },
      '[prod/cp] meshConfig.extAuthzProviders[1].name: "authz" is also the name of the ext-authz provider (istiod requires unique extension provider names). Fix: give every extension provider its own name'],
    ['a wildcard service',
      { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'authz', service: '*.auth.svc.cluster.local', port: 9000 })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].service: "*.auth.svc.cluster.local" is not one service (istiod skips wildcard hosts). Fix: give the authorizer\'s fully qualified host, e.g. "ext-authz.auth.svc.cluster.local", optionally as "<namespace>/<host>"'],
    ['a port out of range',
      { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 0 })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].port: 0 is not a port number 1–65535. Fix: give the authorizer\'s service port, e.g. 9000'],
    ['a status code Envoy does not know',
      { extAuthzProviders: [ExtAuthzProvider.http({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 80, statusOnError: 499 })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].statusOnError: 499 is not an HTTP status code Envoy knows (istiod rejects the provider). Fix: use e.g. 403 or 503'],
    ['a path prefix without a leading slash',
      { extAuthzProviders: [ExtAuthzProvider.http({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 80, pathPrefix: 'check' })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].pathPrefix: "check" does not start with "/" or is not a path (istiod rejects it). Fix: give a path such as "/authz"'],
    ['an HTTP-only option on a gRPC provider',
      { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 80, headersToUpstreamOnAllow: ['x-user'] } as any)] },
      '[prod/cp] meshConfig.extAuthzProviders[0].headersToUpstreamOnAllow: ["x-user"] is an option of HTTP authorizers only. Fix: use ExtAuthzProvider.http(...), or drop the option'],
    ['an empty header list',
      { extAuthzProviders: [ExtAuthzProvider.http({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 80, includeRequestHeadersInCheck: [] })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].includeRequestHeadersInCheck: [] is an empty list. Fix: name at least one header or leave includeRequestHeadersInCheck out'],
    ['a header that is not a name',
      { extAuthzProviders: [ExtAuthzProvider.http({ name: 'authz', service: 'authz.auth.svc.cluster.local', port: 80, headersToDownstreamOnDeny: ['bad header'] })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].headersToDownstreamOnDeny[0]: "bad header" is not a header name or prefix / suffix match. Fix: give e.g. "x-user-id" or "x-auth-*"'],
    ['a provider name with capitals',
      { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'ExtAuthz', service: 'authz.auth.svc.cluster.local', port: 80 })] },
      '[prod/cp] meshConfig.extAuthzProviders[0].name: "ExtAuthz" is not a valid provider name. Fix: use lowercase letters, digits, "." and "-", e.g. "ext-authz"'],
  ])('rejects %s', (_name, meshConfig, message) => {
    expect(errorOf(() => new MeshControlPlane(prodChart(), 'cp', { meshConfig }))).toBe(message);
  });
});

describe('CUSTOM AuthorizationPolicy provider vs the control plane (the analyzer: CDK8S-ISTIO-007, CDK8S-ISTIO-031)', () => {
  const FIX = 'Fix: add an extension provider named "ext-authz" with envoyExtAuthzHttp or envoyExtAuthzGrpc to meshConfig.extensionProviders '
    + '(MeshControlPlane meshConfig.extAuthzProviders: ExtAuthzProvider.http / .grpc), or name a defined one: istiod denies every request a CUSTOM policy with an unknown provider matches';

  test('a provider no MeshControlPlane declares is an error naming both', () => {
    const chart = prodChart();
    new MeshControlPlane(chart, 'cp', { meshConfig: { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'opa', service: 'opa.auth.svc.cluster.local', port: 9191 })] } });
    customPolicy(chart, 'ext-authz');
    expect(findingsOf(chart, 'CDK8S-ISTIO-007')).toStrictEqual(['Error [CDK8S-ISTIO-007] (AuthorizationPolicy bookinfo/ext) CUSTOM action names the extension provider "ext-authz", '
      + 'which no meshConfig in the output or declared defines as an authorizer (IstioOperator istio-system/control-plane defines "opa") (spec.provider.name). ' + FIX + ' [construct prod/ext]']);
  });

  test('a tracing provider is no authorizer', () => {
    const chart = prodChart();
    new MeshControlPlane(chart, 'cp', { meshConfig: { tracing: Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 4317 }) } });
    customPolicy(chart, 'otel');
    expect(findingsOf(chart, 'CDK8S-ISTIO-007')).toStrictEqual([expect.stringContaining('CUSTOM action names the extension provider "otel", which no meshConfig in the output or declared defines as an authorizer '
      + '(IstioOperator istio-system/control-plane defines no ext-authz provider, and its "otel" is not an ext-authz provider)')]);
  });

  test('a declared provider passes; without any control plane the name cannot be checked: a warning', () => {
    const chart = prodChart();
    new MeshControlPlane(chart, 'cp', { meshConfig: { extAuthzProviders: [ExtAuthzProvider.http({ name: 'ext-authz', service: 'ext-authz.auth.svc.cluster.local', port: 8000 })] } });
    customPolicy(chart, 'ext-authz');
    const objects = synthValid(chart);
    expect(find(objects, 'AuthorizationPolicy', 'ext').spec.provider).toStrictEqual({ name: 'ext-authz' });
    expect([...findingsOf(chart, 'CDK8S-ISTIO-007'), ...findingsOf(chart, 'CDK8S-ISTIO-031')]).toStrictEqual([]);

    const elsewhere = prodChart();
    customPolicy(elsewhere, 'ext-authz');
    expect(find(synthValid(elsewhere), 'AuthorizationPolicy', 'ext').spec.action).toBe('CUSTOM');
    expect(findingsOf(elsewhere, 'CDK8S-ISTIO-031')).toStrictEqual(['Warning [CDK8S-ISTIO-031] (AuthorizationPolicy bookinfo/ext) CUSTOM action names the extension provider "ext-authz", '
      + 'but no meshConfig is in the output or declared, so whether istiod knows it cannot be checked (spec.provider.name). '
      + 'Fix: declare the mesh config of the control plane that serves this namespace (ExternalResources objects: its IstioOperator, or the istio ConfigMap, with meshConfig.extensionProviders) '
      + 'so the name is checked: istiod denies every request a CUSTOM policy with an unknown provider matches [construct prod/ext]']);
  });

  test('with two control planes (revisions), either may declare the provider', () => {
    const chart = prodChart();
    new MeshControlPlane(chart, 'cp', {});
    new MeshControlPlane(chart, 'canary', { revision: '1-30-3', meshConfig: { extAuthzProviders: [ExtAuthzProvider.grpc({ name: 'opa', service: 'opa.auth.svc.cluster.local', port: 9191 })] } });
    customPolicy(chart, 'opa');
    expect(synthValid(chart).filter((o) => o.kind === 'IstioOperator')).toHaveLength(2);
    expect(findingsOf(chart, 'CDK8S-ISTIO-007')).toStrictEqual([]);
  });
});
