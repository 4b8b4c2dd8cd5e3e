/**
 * telemetry.providers: access logging without a provider and without a default one (IST0157), and
 * provider names no control plane defines (CDK8S-ISTIO-040).
 */
import { MeshAnalyzer } from '../../lib';

function lines(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objs, { external }).findings.map((f) => MeshAnalyzer.format([f]));
}

function telemetry(namespace: string, name: string, spec: any): any {
  return { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name, namespace }, spec };
}

function operator(meshConfig: any, revision?: string): any {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: revision ? `cp-${revision}` : 'cp', namespace: 'istio-system' },
    spec: { ...(revision ? { revision } : {}), meshConfig },
  };
}

const NAMESPACES = ['istio-system', 'foo'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

describe('telemetry.providers', () => {
  test('Istio\'s invalid-provider case: an access-logging entry with a filter and no provider (IST0157)', () => {
    // GIVEN mesh-default with one entry naming envoy and one with only a filter, and no mesh config in the input
    const objs = [...NAMESPACES, telemetry('istio-system', 'mesh-default', {
      accessLogging: [{ providers: [{ name: 'envoy' }] }, { filter: { expression: 'response.code >= 400' } }],
    })];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      'Warning [IST0157] (Telemetry istio-system/mesh-default) The Telemetry mesh-default in namespace "istio-system" with empty providers will be ignored (spec.accessLogging[1].providers). '
        + 'Fix: name a provider (e.g. providers: [{ name: envoy }]), or set defaultProviders.accessLogging in the mesh config',
    ]);
  });

  test('Istio\'s disable-provider case: an entry that disables logging needs no provider', () => {
    // GIVEN a mesh-wide entry naming envoy and a namespace entry that disables logging
    const objs = [...NAMESPACES,
      telemetry('istio-system', 'mesh-default', { accessLogging: [{ providers: [{ name: 'envoy' }] }] }),
      telemetry('foo', 'mesh-default', { accessLogging: [{ disabled: true }] })];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });

  test('a default access-logging provider in every mesh config makes an empty provider list fine; one without it is named', () => {
    // GIVEN an entry without providers
    const t = telemetry('foo', 'logs', { accessLogging: [{}] });
    const withDefault = operator({ defaultProviders: { accessLogging: ['envoy'] } });

    // WHEN / THEN with a default: clean; with a second control plane that has none: reported, naming it
    expect(lines([...NAMESPACES, t, withDefault])).toStrictEqual([]);
    expect(lines([...NAMESPACES, t, withDefault, operator({}, 'canary')])).toStrictEqual([
      'Warning [IST0157] (Telemetry foo/logs) The Telemetry logs in namespace "foo" with empty providers will be ignored (spec.accessLogging[0].providers). '
        + 'Fix: name a provider (e.g. providers: [{ name: envoy }]), or set defaultProviders.accessLogging in meshConfig of IstioOperator istio-system/cp-canary',
    ]);
  });

  test('CDK8S-ISTIO-040: a tracing provider the control plane does not define; built-in and case-insensitive names are fine', () => {
    // GIVEN a control plane defining "otel", and a Telemetry naming OTel (case differs), envoy (built-in) and zipkin (unknown)
    const objs = [...NAMESPACES,
      operator({ extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel.observability.svc.cluster.local', port: 4317 } }] }),
      telemetry('foo', 'tracing', {
        tracing: [{ providers: [{ name: 'OTel' }, { name: 'zipkin' }] }],
        accessLogging: [{ providers: [{ name: 'envoy' }] }],
        metrics: [{ providers: [{ name: 'prometheus' }] }],
      })];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      'Error [CDK8S-ISTIO-040] (Telemetry foo/tracing) The provider "zipkin" is not among the extensionProviders of IstioOperator istio-system/cp, '
        + 'so istiod skips it and this telemetry is not sent (spec.tracing[0].providers[1].name). '
        + 'Fix: define it in meshConfig.extensionProviders (e.g. MeshControlPlane meshConfig tracing or access log providers), or name one that exists: envoy, otel, prometheus, stackdriver',
    ]);
  });

  test('a declared control plane counts; without any control plane provider names are not checked', () => {
    // GIVEN a Telemetry naming "otel"
    const objs = [...NAMESPACES, telemetry('foo', 'tracing', { tracing: [{ providers: [{ name: 'otel' }] }] })];
    const declared = operator({ extensionProviders: [{ name: 'otel', opentelemetry: { service: 'otel', port: 4317 } }] });

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
    expect(lines(objs, [declared])).toStrictEqual([]);
    expect(lines(objs, [operator({})]).map((l) => l.split(' is not ')[0])).toStrictEqual(['Error [CDK8S-ISTIO-040] (Telemetry foo/tracing) The provider "otel"']);
  });

  test('the istio ConfigMap\'s mesh config is read', () => {
    // GIVEN the mesh config as istiod's ConfigMap, defining a default access-logging provider
    const cm = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio', namespace: 'istio-system' }, data: { mesh: 'defaultProviders:\n  accessLogging: [envoy]\n' } };

    // WHEN / THEN
    expect(lines([...NAMESPACES, cm, telemetry('foo', 'logs', { accessLogging: [{}] })])).toStrictEqual([]);
  });

  test('malformed input: providers that are not lists, names that are not strings, a string spec', () => {
    // GIVEN odd Telemetries with a control plane present
    const objs = [...NAMESPACES, operator({ defaultProviders: { accessLogging: ['envoy'] } }),
      telemetry('foo', 'a', { tracing: [{ providers: 'otel' }, 'x', { providers: [{ name: 3 }, null] }] }),
      { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry', metadata: { name: 'b', namespace: 'foo' }, spec: 'nope' }];

    // WHEN / THEN no provider finding, nothing throws
    expect(lines(objs).filter((l) => !l.includes('[IST0160]'))).toStrictEqual([]);
  });
});
