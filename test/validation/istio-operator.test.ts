import { type ManifestIssue } from '../../lib/validation';
import { validateIstioOperator, validateManifest } from '../../lib/validation/manifest';
import { istioOperator } from './fixtures';

const where = (issues: ManifestIssue[]) => issues.map((i) => `${i.path}: ${i.message}`);

describe('IstioOperator', () => {
  it('a valid IstioOperator passes (directly and through validateManifest)', () => {
    expect(where(validateIstioOperator(istioOperator()))).toEqual([]);
    expect(validateManifest(istioOperator())).toEqual([]);
  });

  it('reports an unknown meshConfig field', () => {
    const io = istioOperator();
    (io.spec.meshConfig as Record<string, unknown>).accessLogFormatt = '%START_TIME%';
    expect(validateManifest(io)).toEqual([
      { kind: 'IstioOperator', name: 'control-plane', namespace: 'istio-system', path: 'spec.meshConfig.accessLogFormatt', message: 'unknown field (did you mean "accessLogFormat"?)' },
    ]);
  });

  it('reports a wrong-type value', () => {
    const io = istioOperator();
    (io.spec.values as { pilot: Record<string, unknown> }).pilot.autoscaleMin = 'two';
    expect(where(validateManifest(io))).toEqual(['spec.values.pilot.autoscaleMin: must be integer, got "two"']);
  });

  it('reports unknown fields in spec, values and components', () => {
    const io = istioOperator();
    io.spec.meshconfig = {};
    (io.spec.values as Record<string, unknown>).globals = {};
    (io.spec.components as { pilot: { k8s: Record<string, unknown> } }).pilot.k8s.replicas = 2;
    expect(where(validateManifest(io))).toEqual([
      'spec.components.pilot.k8s.replicas: unknown field',
      'spec.meshconfig: unknown field (did you mean "meshConfig"?)',
      'spec.values.globals: unknown field (did you mean "global"?)',
    ]);
  });

  it('evaluates the CEL rules of the mesh config schema', () => {
    const io = istioOperator();
    (io.spec.meshConfig as { extensionProviders: unknown[] }).extensionProviders = [
      { name: 'both', zipkin: { service: 'zipkin.istio-system.svc', port: 9411 }, opentelemetry: { service: 'otel', port: 4317 } },
    ];
    const issues = validateManifest(io);
    expect(issues.map((i) => i.path)).toEqual(['spec.meshConfig.extensionProviders[0]']);
    expect(issues[0].rule).toMatch(/has\(self\.zipkin\)/);
  });

  it('rejects objects that are not IstioOperators', () => {
    expect(where(validateIstioOperator({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }))).toEqual([
      ': not an install.istio.io/v1alpha1 IstioOperator',
    ]);
  });
});
