/**
 * The API boundary of Environment.override, MeshChart and MeshApp: what callers without TypeScript's
 * checks may pass (JavaScript, profiles read from JSON or YAML, the jsii languages) gives our error,
 * never a crash or a key silently ignored at any depth.
 */
import { Environment, EnvironmentOverrides, EnvironmentProfile, MeshApp, MeshAppProps, MeshChart, MeshChartProps } from '../lib';
import { errorOf, meshApp } from './support/charts';

function overrideError(overrides: unknown, base: unknown = Environment.PROD): string {
  return errorOf(() => Environment.override(base as EnvironmentProfile, overrides as EnvironmentOverrides));
}

function chartError(props: unknown): string {
  return errorOf(() => new MeshChart(meshApp(), 'x', props as MeshChartProps));
}

describe('Environment.override at the API boundary', () => {
  test('an unknown key is an error at any depth, naming the closest known key (it was merged in and ignored)', () => {
    expect(overrideError({ istiod: { replica: 3 } }))
      .toBe('[Environment.override] overrides.istiod: "replica" is not a field of ComponentSizingOverrides (did you mean "replicas"?). Fix: rename it to "replicas"');
    expect(overrideError({ istiod: { resources: { request: { cpu: '1' } } } }))
      .toBe('[Environment.override] overrides.istiod.resources: "request" is not a field of ResourceRequirementsOverrides (did you mean "requests"?). Fix: rename it to "requests"');
    expect(overrideError({ canary: { initalPercent: 5 } }))
      .toBe('[Environment.override] overrides.canary: "initalPercent" is not a field of CanaryDefaultsOverrides (did you mean "initialPercent"?). Fix: rename it to "initialPercent"');
  });

  test('wrong types, null and non-finite numbers are errors', () => {
    expect(overrideError({ production: 'yes' })).toBe('[Environment.override] overrides.production: "yes" is a string, not a boolean. Fix: give true or false');
    expect(overrideError({ istiod: null })).toBe('[Environment.override] overrides.istiod: null is null. Fix: leave istiod out for its default or give a value');
    expect(overrideError({ ingressGateway: { antiAffinity: { topologyKey: 5 } } }))
      .toBe('[Environment.override] overrides.ingressGateway.antiAffinity.topologyKey: 5 is a number, not a string. Fix: give a string');
    expect(overrideError({ istiod: { replicas: Infinity } })).toBe('[Environment.override] overrides.istiod.replicas: Infinity is not a finite number. Fix: give a number');
    expect(overrideError({ canary: { stages: ['10', 100] } })).toBe('[Environment.override] overrides.canary.stages[0]: "10" is a string, not a number. Fix: give a number');
    expect(overrideError({ ingressGateway: { antiAffinity: { mode: 'soft' } } }))
      .toBe('[Environment.override] overrides.ingressGateway.antiAffinity.mode: "soft" is not an AntiAffinityMode. Fix: use one of AntiAffinityMode.NONE, AntiAffinityMode.PREFERRED, AntiAffinityMode.REQUIRED');
  });

  test('the base must be a whole profile, and the overrides an object', () => {
    expect(errorOf(() => Environment.override(undefined as never, {})))
      .toBe('[Environment.override] base: undefined is not an EnvironmentProfile object. Fix: give an object such as { name, production, istiod, sidecar, ingressGateway, egressGateway, waypoint, canary }');
    expect(overrideError('prod-eu')).toBe('[Environment.override] overrides: "prod-eu" is a string, not an EnvironmentOverrides object. Fix: give an object such as { name, ... }');
  });

  test('a circular overrides object is our error, not a stack overflow', () => {
    const overrides: Record<string, unknown> = { name: 'prod-eu' };
    overrides.istiod = { resources: overrides };
    expect(overrideError(overrides))
      .toBe('[Environment.override] overrides.istiod.resources: {"name":"prod-eu","istiod":{"resources":[Circular]}} refers back to overrides (a circular structure). '
        + 'Fix: pass plain data without cycles');
  });
});

describe('MeshChart at the API boundary', () => {
  test('unknown keys of the props and, at any depth, of the environment are errors', () => {
    expect(chartError({ environment: Environment.PROD, namepsace: 'x' }))
      .toBe('[x] props: "namepsace" is not a field of MeshChartProps (did you mean "namespace"?). Fix: rename it to "namespace"');
    expect(chartError({ environment: { ...Environment.PROD, istiod: { ...Environment.PROD.istiod, replica: 3 } } }))
      .toBe('[x] environment.istiod: "replica" is not a field of ComponentSizing (did you mean "replicas"?). Fix: rename it to "replicas"');
  });

  test('the environment\'s values are of their types: NaN and a numeric topologyKey are errors', () => {
    expect(chartError({ environment: { ...Environment.PROD, istiod: { ...Environment.PROD.istiod, replicas: NaN } } }))
      .toBe('[x] environment.istiod.replicas: NaN is not a finite number. Fix: give a number');
    expect(chartError({ environment: { ...Environment.PROD, ingressGateway: { ...Environment.PROD.ingressGateway, antiAffinity: { mode: 'preferred', topologyKey: 5 } } } }))
      .toBe('[x] environment.ingressGateway.antiAffinity.topologyKey: 5 is a number, not a string. Fix: give a string');
  });

  test('props that are no object, labels that are no strings', () => {
    expect(chartError('prod')).toBe('[x] props: "prod" is a string, not a MeshChartProps object. Fix: give an object such as { environment, ... }');
    expect(chartError(undefined)).toBe('[x] props: undefined are missing. Fix: give an object such as { environment, ... }');
    expect(chartError({ environment: Environment.PROD, labels: { team: 1 } }))
      .toBe('[x] labels.team: 1 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
    expect(chartError({ environment: Environment.PROD, disableResourceNameHashes: 'yes' }))
      .toBe('[x] disableResourceNameHashes: "yes" is a string, not a boolean. Fix: give true or false');
  });
});

describe('MeshApp at the API boundary', () => {
  function appError(props: unknown): string {
    return errorOf(() => new MeshApp(props as MeshAppProps));
  }

  test('unknown keys and wrong types are errors naming MeshApp (the root of the tree has no path)', () => {
    expect(appError({ outDir: 'dist' })).toBe('[MeshApp] props: "outDir" is not a field of MeshAppProps (did you mean "outdir"?). Fix: rename it to "outdir"');
    expect(appError({ validateOutput: 'no' })).toBe('[MeshApp] validateOutput: "no" is a string, not a boolean. Fix: give true or false');
    expect(appError({ printSummary: 0 })).toBe('[MeshApp] printSummary: 0 is a number, not a boolean. Fix: give true or false');
    expect(appError({ outdir: 5 })).toBe('[MeshApp] outdir: 5 is a number, not a string. Fix: give the output directory, e.g. "dist"');
    expect(appError('dist')).toBe('[MeshApp] props: "dist" is a string, not a MeshAppProps object. Fix: give an object such as { validateOutput, ... }');
    expect(appError({ outputFileExtension: '.yml' }))
      .toBe('[MeshApp] outputFileExtension: ".yml" is not supported: MeshApp writes its own file names (<outdir>/<chart>/gitops/manifests.yaml, istioctl/<name>.yaml, '
        + 'external/declared.yaml). Fix: leave outputFileExtension out, or use a plain cdk8s App');
    expect(appError({ recordConstructMetadata: true }))
      .toBe('[MeshApp] recordConstructMetadata: true is not supported: MeshApp writes no construct metadata file. Fix: leave recordConstructMetadata out, or use a plain cdk8s App');
    expect(appError({ resolvers: [{}] }))
      .toBe('[MeshApp] resolvers[0]: {} is an object, not a cdk8s resolver (an object with a resolve method). Fix: pass resolvers such as new LazyResolver()');
  });
});
