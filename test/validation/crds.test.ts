/**
 * Strict checks, CEL rules included, of the vendored CRDs other than Istio's: Gateway API, cert-manager,
 * Flux, Argo CD, Sail Operator, Prometheus Operator and Flagger. For each family: a valid object, an
 * unknown field, and a failing CEL rule where the CRD has rules.
 */
import { type ManifestIssue } from '../../lib/validation';
import { validateManifest, validateManifestsDetailed } from '../../lib/validation/manifest';

/** Summarises issues as `path: message` for compact assertions. */
const where = (issues: ManifestIssue[]) => issues.map((i) => `${i.path}: ${i.message}`);

/** Returns a deep copy of `obj` with `change` applied to it. */
function changed<T>(obj: T, change: (copy: T) => void): T {
  const copy = structuredClone(obj);
  change(copy);
  return copy;
}

const meta = { name: 'bookinfo', namespace: 'bookinfo' };

const httpRoute = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'HTTPRoute',
  metadata: meta,
  spec: {
    parentRefs: [{ name: 'ingress', namespace: 'istio-ingress' }],
    hostnames: ['bookinfo.example.com'],
    rules: [{
      matches: [{ path: { type: 'PathPrefix', value: '/reviews' } }],
      // group and kind are left to their defaults ("" and Service), which the CEL rules read
      backendRefs: [{ name: 'reviews', port: 9080, weight: 90 }, { name: 'reviews-v2', port: 9080, weight: 10 }],
    }],
  },
};

const gateway = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  metadata: { name: 'ingress', namespace: 'istio-ingress' },
  spec: {
    gatewayClassName: 'istio',
    listeners: [
      { name: 'http', port: 80, protocol: 'HTTP', allowedRoutes: { namespaces: { from: 'All' } } },
      { name: 'https', port: 443, protocol: 'HTTPS', hostname: 'bookinfo.example.com', tls: { certificateRefs: [{ name: 'bookinfo-cert' }] } },
    ],
  },
};

const certificate = {
  apiVersion: 'cert-manager.io/v1',
  kind: 'Certificate',
  metadata: { name: 'bookinfo-cert', namespace: 'istio-ingress' },
  spec: {
    secretName: 'bookinfo-cert',
    dnsNames: ['bookinfo.example.com'],
    duration: '2160h',
    renewBefore: '360h',
    privateKey: { algorithm: 'ECDSA', size: 256, rotationPolicy: 'Always' },
    issuerRef: { name: 'letsencrypt', kind: 'ClusterIssuer', group: 'cert-manager.io' },
  },
};

const helmRelease = {
  apiVersion: 'helm.toolkit.fluxcd.io/v2',
  kind: 'HelmRelease',
  metadata: { name: 'istiod', namespace: 'istio-system' },
  spec: {
    interval: '10m',
    chart: { spec: { chart: 'istiod', version: '1.30.3', sourceRef: { kind: 'HelmRepository', name: 'istio' } } },
    // the istiod chart's values (flat), checked against Istio's values schema (lib/validation/helm-values.ts)
    values: { autoscaleMin: 2, global: { hub: 'docker.io/istio' } },
  },
};

const helmRepository = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'HelmRepository',
  metadata: { name: 'istio', namespace: 'istio-system' },
  spec: { url: 'https://istio-release.storage.googleapis.com/charts', interval: '1h' },
};

const ociRepository = {
  apiVersion: 'source.toolkit.fluxcd.io/v1',
  kind: 'OCIRepository',
  metadata: { name: 'mesh', namespace: 'flux-system' },
  spec: { url: 'oci://ghcr.io/example/mesh', interval: '5m', ref: { tag: 'v1.0.0' } },
};

const application = {
  apiVersion: 'argoproj.io/v1alpha1',
  kind: 'Application',
  metadata: { name: 'mesh-prod', namespace: 'argocd' },
  spec: {
    project: 'default',
    source: { repoURL: 'https://github.com/example/mesh.git', path: 'dist/prod/gitops', targetRevision: 'main' },
    destination: { server: 'https://kubernetes.default.svc' },
    syncPolicy: { automated: { prune: true, selfHeal: true }, syncOptions: ['ServerSideApply=true'] },
  },
};

const sailIstio = {
  apiVersion: 'sailoperator.io/v1',
  kind: 'Istio',
  metadata: { name: 'default' },
  spec: {
    version: 'v1.30.3',
    namespace: 'istio-system',
    updateStrategy: { type: 'RevisionBased' },
    values: { global: { istioNamespace: 'istio-system' }, pilot: { autoscaleMin: 2 } },
  },
};

const zTunnel = {
  apiVersion: 'sailoperator.io/v1',
  kind: 'ZTunnel',
  metadata: { name: 'default' },
  spec: { version: 'v1.30.3', namespace: 'ztunnel' },
};

const serviceMonitor = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'ServiceMonitor',
  metadata: { name: 'istiod', namespace: 'istio-system' },
  spec: {
    selector: { matchLabels: { app: 'istiod' } },
    endpoints: [{ port: 'http-monitoring', interval: '15s', path: '/metrics' }],
  },
};

const prometheusRule = {
  apiVersion: 'monitoring.coreos.com/v1',
  kind: 'PrometheusRule',
  metadata: { name: 'mesh', namespace: 'monitoring' },
  spec: {
    groups: [{
      name: 'istio',
      rules: [{ alert: 'HighErrorRate', expr: 'sum(rate(istio_requests_total{response_code=~"5.."}[5m])) > 1', for: '10m', labels: { severity: 'page' } }],
    }],
  },
};

const canary = {
  apiVersion: 'flagger.app/v1beta1',
  kind: 'Canary',
  metadata: { name: 'reviews', namespace: 'bookinfo' },
  spec: {
    targetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'reviews' },
    service: { port: 9080 },
    analysis: {
      interval: '1m',
      threshold: 5,
      maxWeight: 50,
      stepWeight: 10,
      metrics: [{ name: 'request-success-rate', thresholdRange: { min: 99 }, interval: '1m' }],
    },
  },
};

describe('every vendored CRD family: valid objects pass', () => {
  const valid = {
    'Gateway API HTTPRoute': httpRoute,
    'Gateway API Gateway': gateway,
    'cert-manager Certificate': certificate,
    'Flux HelmRelease': helmRelease,
    'Flux HelmRepository': helmRepository,
    'Flux OCIRepository': ociRepository,
    'Argo CD Application': application,
    'Sail Istio': sailIstio,
    'Sail ZTunnel': zTunnel,
    'Prometheus Operator ServiceMonitor': serviceMonitor,
    'Prometheus Operator PrometheusRule': prometheusRule,
    'Flagger Canary': canary,
  };
  it.each(Object.entries(valid))('%s', (_name, obj) => {
    // WHEN
    const report = validateManifestsDetailed([obj]);
    // THEN it was checked, and passed
    expect(report).toStrictEqual({ issues: [], checked: 1, unchecked: 0, uncheckedKinds: [] });
  });
});

describe('unknown fields', () => {
  const cases: Array<[string, object, string]> = [
    ['Gateway API HTTPRoute', changed(httpRoute, (o) => Object.assign(o.spec.rules[0], { backendRef: [] })),
      'spec.rules[0].backendRef: unknown field (did you mean "backendRefs"?)'],
    ['cert-manager Certificate', changed(certificate, (o) => Object.assign(o.spec, { dnsName: 'x.example.com' })),
      'spec.dnsName: unknown field (did you mean "dnsNames"?)'],
    ['Flux HelmRelease', changed(helmRelease, (o) => Object.assign(o.spec.chart.spec, { verison: '1.30.3' })),
      'spec.chart.spec.verison: unknown field (did you mean "version"?)'],
    ['Flux HelmRepository', changed(helmRepository, (o) => Object.assign(o.spec, { intervall: '1h' })),
      'spec.intervall: unknown field (did you mean "interval"?)'],
    ['Argo CD Application', changed(application, (o) => Object.assign(o.spec.source, { targetRevison: 'main' })),
      'spec.source.targetRevison: unknown field (did you mean "targetRevision"?)'],
    ['Sail Istio', changed(sailIstio, (o) => Object.assign(o.spec.values.pilot, { autoscaleMinn: 2 })),
      'spec.values.pilot.autoscaleMinn: unknown field (did you mean "autoscaleMin"?)'],
    ['Prometheus Operator ServiceMonitor', changed(serviceMonitor, (o) => Object.assign(o.spec.endpoints[0], { scrapeInterval: '15s' })),
      'spec.endpoints[0].scrapeInterval: unknown field'],
    ['Flagger Canary', changed(canary, (o) => Object.assign(o.spec.analysis, { stepWeigth: 5 })),
      'spec.analysis.stepWeigth: unknown field (did you mean "stepWeight"?)'],
  ];
  it.each(cases)('%s', (_name, obj, expected) => {
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual([expected]);
  });
});

it('patterns are Go regular expressions: a leading (?i) makes them case-insensitive', () => {
  // GIVEN PrometheusRule's partial_response_strategy, pattern ^(?i)(abort|warn)?$
  const withStrategy = (strategy: string) => changed(prometheusRule, (o) => Object.assign(o.spec.groups[0], { partial_response_strategy: strategy }));
  // WHEN / THEN
  expect(validateManifest(withStrategy('WARN'))).toStrictEqual([]);
  expect(where(validateManifest(withStrategy('drop')))).toStrictEqual(['spec.groups[0].partial_response_strategy: must match pattern "^(?i)(abort|warn)?$"']);
});

describe('CEL rules (x-kubernetes-validations) of the CRDs that have them', () => {
  it('Gateway API HTTPRoute: a relative path prefix, and a Service backend without a port', () => {
    // GIVEN
    const obj = changed(httpRoute, (o) => {
      o.spec.rules[0].matches[0].path.value = 'reviews';
      delete (o.spec.rules[0].backendRefs[1] as { port?: number }).port;
    });
    // WHEN
    const issues = validateManifest(obj);
    // THEN
    expect(issues.map(({ path, message, rule }) => ({ path, message, rule }))).toStrictEqual([
      {
        path: 'spec.rules[0].backendRefs[1]',
        message: 'Must have port for Service reference',
        rule: "(size(self.group) == 0 && self.kind == 'Service') ? has(self.port) : true",
      },
      {
        path: 'spec.rules[0].matches[0].path',
        message: "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
        rule: "(self.type in ['Exact','PathPrefix']) ? self.value.startsWith('/') : true",
      },
    ]);
  });

  it('Gateway API Gateway: TLS on an HTTP listener', () => {
    // GIVEN
    const obj = changed(gateway, (o) => Object.assign(o.spec.listeners[0], { tls: { certificateRefs: [{ name: 'c' }] } }));
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual(["spec.listeners: tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']"]);
  });

  it('Flux HelmRelease: neither chart nor chartRef', () => {
    // GIVEN
    const obj = changed(helmRelease, (o) => delete (o.spec as { chart?: unknown }).chart);
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual(['spec: either chart or chartRef must be set']);
  });

  it('Sail Istio: values.global.istioNamespace differs from spec.namespace', () => {
    // GIVEN
    const obj = changed(sailIstio, (o) => { o.spec.values.global.istioNamespace = 'istio'; });
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual(['spec: spec.values.global.istioNamespace must match spec.namespace']);
  });

  it('Sail ZTunnel: a rule on the object itself (metadata.name)', () => {
    // GIVEN
    const obj = changed(zTunnel, (o) => { o.metadata.name = 'ztunnel'; });
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual([": metadata.name must be 'default'"]);
  });

  it('Flagger Canary: a Gateway API mirror backend without a port', () => {
    // GIVEN
    const obj = changed(canary, (o) => Object.assign(o.spec.service, { mirror: [{ backendRef: { name: 'reviews-shadow' } }] }));
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual(['spec.service.mirror[0].backendRef: Must have port for Service reference']);
  });
});
