import { ManifestValidator } from '../../lib';

const release = (chart: string, values: unknown, source = 'istio') => ({
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: chart, namespace: 'flux-system' },
  spec: { interval: '10m', chart: { spec: { chart, version: '1.30.3', sourceRef: { kind: 'HelmRepository', name: source } } }, values },
});
const application = (chart: string, valuesObject: unknown, repoURL = 'https://istio-release.storage.googleapis.com/charts') => ({
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: chart, namespace: 'argocd' },
  spec: {
    project: 'default',
    source: { repoURL, chart, targetRevision: '1.30.3', helm: { valuesObject } },
    destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-system' },
  },
});
const problems = (obj: unknown) => ManifestValidator.validateAll([obj]).map((i) => `${i.path}: ${i.message}`);

describe('values of Istio charts in HelmReleases and Applications are checked against the charts\' schemas', () => {
  test('istiod: the chart top level is Sail\'s pilot section; global, meshConfig and pdb are checked too', () => {
    // GIVEN values with a misspelt chart key, a misspelt mesh config key and a bad pdb
    const values = { autoscaleMinn: 2, meshConfig: { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, acessLogFile: '/dev/stdout' }, pdb: { minAvailible: 1 }, global: { hub: 'docker.io/istio' } };
    // THEN each is reported at its path in the object
    expect(problems(release('istiod', values))).toStrictEqual([
      'spec.values.autoscaleMinn: unknown field (did you mean "autoscaleMin"?)',
      'spec.values.meshConfig.acessLogFile: unknown field (did you mean "accessLogFile"?)',
      'spec.values.pdb.minAvailible: unknown field (did you mean "minAvailable"?)',
    ].sort());
    expect(problems(application('istiod', values))).toStrictEqual([
      'spec.source.helm.valuesObject.autoscaleMinn: unknown field (did you mean "autoscaleMin"?)',
      'spec.source.helm.valuesObject.meshConfig.acessLogFile: unknown field (did you mean "accessLogFile"?)',
      'spec.source.helm.valuesObject.pdb.minAvailible: unknown field (did you mean "minAvailable"?)',
    ].sort());
  });

  test('gateway: the chart\'s values.schema.json', () => {
    expect(problems(release('gateway', { replicaCount: 'three', servce: {} }))).toStrictEqual([
      'spec.values.replicaCount: must be integer or null, got "three"',
      'spec.values.servce: unknown field (did you mean "service"?)',
    ]);
    expect(problems(release('gateway', { replicaCount: 3, service: { type: 'LoadBalancer' } }))).toStrictEqual([]);
  });

  test('cni and ztunnel: the values of Sail\'s IstioCNI and ZTunnel', () => {
    expect(problems(release('cni', { profile: 'ambient', seccompProfile: { type: 'RuntimeDefault' }, chaned: true }))).toStrictEqual(['spec.values.chaned: unknown field (did you mean "chained"?)']);
    expect(problems(release('ztunnel', { profile: 'ambient', hub: 'docker.io/istio', logLevl: 'info' }))).toStrictEqual(['spec.values.logLevl: unknown field (did you mean "logLevel"?)']);
  });

  test('charts from other sources are left alone', () => {
    expect(problems(release('gateway', { anything: true }, 'my-charts'))).toStrictEqual([]);
    expect(problems(application('gateway', { anything: true }, 'https://charts.example.com'))).toStrictEqual([]);
  });
});
