import {
  AuthorizationPolicy, CertificateIssuer, DisruptionBudgetSetting, EgressGateway, Environment, ExternalResources, ExternalTrafficPolicy, GatewayServer, GatewayTarget,
  ExternalService, GitOpsTool, IngressGateway, InstallProfile, ManifestValidator, MeshControlPlane, ServiceProtocol, WorkloadSelector,
} from '../../lib';
import { analyzed } from '../support/charts';
import { find, meshChart, Obj, synthValid, thrown } from './support';

const SERVERS = [GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls', redirectHttp: true })];
const SELECTOR = { app: 'ingress', istio: 'ingress' };
const kinds = (objs: Obj[]) => objs.filter((o) => o.kind !== 'IstioOperator').map((o) => `${o.kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}`);

/** The values the PROD sizing gives Istio's gateway chart for the ingress gateway of SERVERS. */
const PROD_VALUES = {
  affinity: {
    podAntiAffinity: {
      preferredDuringSchedulingIgnoredDuringExecution: [{ podAffinityTerm: { labelSelector: { matchLabels: SELECTOR }, topologyKey: 'topology.kubernetes.io/zone' }, weight: 100 }],
    },
  },
  autoscaling: { enabled: true, maxReplicas: 10, minReplicas: 3, targetCPUUtilizationPercentage: 60 },
  name: 'ingress',
  podDisruptionBudget: { maxUnavailable: 1 },
  priorityClassName: 'system-cluster-critical',
  rbac: { enabled: true },
  resources: { limits: { cpu: '2', memory: '2Gi' }, requests: { cpu: '200m', memory: '256Mi' } },
  revision: '1-30-3',
  securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' }, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] },
  service: {
    ports: [
      { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 },
      { name: 'https-443', port: 443, protocol: 'TCP', targetPort: 443 },
      { name: 'http-80', port: 80, protocol: 'TCP', targetPort: 80 },
    ],
    type: 'LoadBalancer',
  },
  serviceAccount: { create: true, name: 'ingress' },
  topologySpreadConstraints: [{
    labelSelector: { matchLabels: SELECTOR }, matchLabelKeys: ['pod-template-hash'], maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway',
  }],
};

/** GIVEN a PROD chart with a control plane (revision 1-30-3) and an ingress gateway with `target`, its certificate issued by cert-manager. */
function helmSetup(target: GatewayTarget, env = Environment.PROD) {
  const chart = meshChart(env);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  const ingress = new IngressGateway(chart, 'ingress', { controlPlane, target, servers: SERVERS });
  ingress.issueCertificate('certificate', { credentialName: 'shop-tls', issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') });
  return { chart, ingress };
}

describe('GatewayTarget.helmChart: Istio\'s gateway chart through Flux', () => {
  const { chart, ingress } = helmSetup(GatewayTarget.helmChart({ tool: GitOpsTool.FLUX, dependsOn: [{ name: 'istiod', namespace: 'istio-system' }] }));
  const objs = synthValid(chart);

  test('no workload objects of ours: the Namespace, the HelmRepository and HelmRelease, the Gateway, the Certificate', () => {
    expect(kinds(objs)).toStrictEqual([
      'Namespace /istio-ingress', 'HelmRepository istio-ingress/istio', 'HelmRelease istio-ingress/ingress', 'Gateway istio-ingress/ingress', 'Certificate istio-ingress/shop-tls',
    ]);
    expect([ingress.deployment, ingress.service, ingress.role, ingress.autoscaler, ingress.podDisruptionBudget]).toStrictEqual([undefined, undefined, undefined, undefined, undefined]);
  });

  test('the whole HelmRepository and HelmRelease: chart gateway 1.30.3, waits for istiod, values from the PROD sizing', () => {
    expect(find(objs, 'HelmRepository', 'istio', 'istio-ingress').spec).toStrictEqual({ interval: '1h', url: 'https://istio-release.storage.googleapis.com/charts' });
    expect(find(objs, 'HelmRelease', 'ingress', 'istio-ingress').spec).toStrictEqual({
      chart: { spec: { chart: 'gateway', sourceRef: { kind: 'HelmRepository', name: 'istio', namespace: 'istio-ingress' }, version: '1.30.3' } },
      dependsOn: [{ name: 'istiod', namespace: 'istio-system' }],
      install: { remediation: { retries: 3 } },
      interval: '10m',
      releaseName: 'ingress',
      upgrade: { remediation: { retries: 3 } },
      values: PROD_VALUES,
    });
    expect(ingress.helmChartValues()).toStrictEqual(PROD_VALUES);
  });

  test('the Gateway selects the labels the chart gives its pods; the analyzer sees the chart\'s pods, and the Certificate as the Secret', () => {
    expect(find(objs, 'Gateway', 'ingress', 'istio-ingress').spec.selector).toStrictEqual(SELECTOR);
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('the ServiceAccount is the chart\'s, named after the release: AuthorizationPolicies name it', () => {
    const c = helmSetup(GatewayTarget.helmChart({ tool: GitOpsTool.FLUX }));
    AuthorizationPolicy.allowFrom(c.chart, 'from-ingress', { namespace: 'istio-ingress', from: [c.ingress.serviceAccount], to: WorkloadSelector.labels(SELECTOR) });
    expect(find(synthValid(c.chart), 'AuthorizationPolicy', 'from-ingress').spec.rules).toStrictEqual([{ from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/ingress'] } }] }]);
  });
});

test('two chart releases in one namespace share one HelmRepository; one in another namespace gets its own', () => {
  // GIVEN / WHEN three Flux gateway releases, two in istio-ingress
  const chart = meshChart();
  const target = GatewayTarget.helmChart({ tool: GitOpsTool.FLUX });
  new IngressGateway(chart, 'public', { target, servers: [GatewayServer.http({ hosts: ['shop.example.com'] })] });
  new IngressGateway(chart, 'partners', { target, servers: [GatewayServer.http({ hosts: ['partners.example.com'] })] });
  new EgressGateway(chart, 'egress', { target });
  // THEN
  expect(kinds(synthValid(chart)).filter((k) => k.startsWith('Helm')).sort()).toStrictEqual([
    'HelmRelease istio-egress/egress', 'HelmRelease istio-ingress/partners', 'HelmRelease istio-ingress/public', 'HelmRepository istio-egress/istio', 'HelmRepository istio-ingress/istio',
  ]);
  expect(analyzed(chart)).toStrictEqual([]);
});

test('an egress gateway as a chart release: the routes go to the Service the chart makes, which the analyzer knows from the release', () => {
  // GIVEN an egress gateway installed by Flux, routing one external TLS host
  const chart = meshChart();
  const egress = new EgressGateway(chart, 'egress', { target: GatewayTarget.helmChart({ tool: GitOpsTool.FLUX }) });
  const stripe = new ExternalService(chart, 'stripe', { namespace: 'istio-egress', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] });
  egress.routeExternalHost('stripe', { service: stripe });
  // WHEN
  const objs = synthValid(chart);
  // THEN the chart's Service carries the passthrough port, and the mesh route to it resolves
  expect(find(objs, 'HelmRelease', 'egress', 'istio-egress').spec.values.service).toStrictEqual({
    ports: [{ name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021 }, { name: 'tls-443', port: 443, protocol: 'TCP', targetPort: 443 }],
    type: 'ClusterIP',
  });
  expect(find(objs, 'VirtualService', 'stripe', 'istio-egress').spec.tls[0].route[0].destination).toStrictEqual({
    host: 'egress.istio-egress.svc.cluster.local', port: { number: 443 }, subset: 'stripe',
  });
  expect(analyzed(chart)).toStrictEqual([]);
});

describe('GatewayTarget.helmChart: Istio\'s gateway chart through Argo CD', () => {
  test('the whole Application: Helm source, values inline, sync wave, in the Argo CD namespace (declared existing)', () => {
    const { chart } = helmSetup(GatewayTarget.helmChart({ tool: GitOpsTool.ARGO_CD, syncWave: 2, argoCdNamespace: 'gitops', argoCdProject: 'platform' }));
    new ExternalResources(chart, 'outside', { namespaces: ['gitops'] });
    const objs = synthValid(chart);
    expect(kinds(objs)).toStrictEqual(['Namespace /istio-ingress', 'Application gitops/istio-ingress-ingress', 'Gateway istio-ingress/ingress', 'Certificate istio-ingress/shop-tls']);
    expect(find(objs, 'Application', 'istio-ingress-ingress', 'gitops')).toStrictEqual({
      apiVersion: 'argoproj.io/v1alpha1',
      kind: 'Application',
      metadata: { annotations: { 'argocd.argoproj.io/sync-wave': '2' }, name: 'istio-ingress-ingress', namespace: 'gitops' },
      spec: {
        destination: { namespace: 'istio-ingress', server: 'https://kubernetes.default.svc' },
        project: 'platform',
        source: { chart: 'gateway', helm: { releaseName: 'ingress', valuesObject: PROD_VALUES }, repoURL: 'https://istio-release.storage.googleapis.com/charts', targetRevision: '1.30.3' },
        syncPolicy: { automated: { prune: true, selfHeal: true } },
      },
    });
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('DEV values: one replica without an HPA, no budget, no priority class or spreading; LOCAL traffic policy and a percentage budget in STAGING', () => {
    const dev = helmSetup(GatewayTarget.helmChart({ tool: GitOpsTool.FLUX }), Environment.DEV).ingress.helmChartValues()!;
    expect([dev.autoscaling, dev.replicaCount, dev.podDisruptionBudget, dev.priorityClassName, dev.topologySpreadConstraints, dev.affinity])
      .toStrictEqual([{ enabled: false }, 1, undefined, undefined, undefined, undefined]);
    const chart = meshChart(Environment.STAGING);
    const staging = new IngressGateway(chart, 'ingress', {
      target: GatewayTarget.helmChart({ tool: GitOpsTool.FLUX }), servers: SERVERS, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      sizing: { podDisruptionBudget: DisruptionBudgetSetting.maxUnavailablePercent(50) }, serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
    });
    const values = staging.helmChartValues()!;
    expect([values.service.externalTrafficPolicy, values.service.annotations, values.podDisruptionBudget, values.revision])
      .toStrictEqual(['Local', { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' }, { maxUnavailable: '50%' }, undefined]);
    ingressExternal(chart);
    expect(analyzed(chart)).toStrictEqual([]);
  });
});

/** Declares the gateway's Secret, for charts whose certificate comes from elsewhere. */
function ingressExternal(chart: ReturnType<typeof meshChart>) {
  new ExternalResources(chart, 'secrets', { secrets: [{ namespace: 'istio-ingress', name: 'shop-tls' }] });
}

describe('the gateway chart values are checked against the chart\'s values.schema.json (Istio 1.30.3)', () => {
  const release = (values: object, version = '1.30.3') => ({
    apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease', metadata: { name: 'gw', namespace: 'istio-ingress' },
    spec: { interval: '10m', chart: { spec: { chart: 'gateway', version, sourceRef: { kind: 'HelmRepository', name: 'istio' } } }, values },
  });

  test('a misspelt value, a wrong type or a value out of the enum is a problem at its path, in a HelmRelease or an Argo CD Application', () => {
    expect(ManifestValidator.validate(release({ replicas: 3, service: { type: 'LoadBalancer', ports: [{ port: '80' }] }, imagePullPolicy: 'Sometimes' })).map((i) => `${i.path}: ${i.message}`))
      .toStrictEqual([
        'spec.values.imagePullPolicy: "Sometimes" is not one of "", "Always", "IfNotPresent", "Never"',
        'spec.values.replicas: unknown field',
        'spec.values.service.ports[0].port: must be integer, got "80"',
      ]);
    const application = {
      apiVersion: 'argoproj.io/v1alpha1', kind: 'Application', metadata: { name: 'gw', namespace: 'argocd' },
      spec: {
        project: 'default', destination: { server: 'https://kubernetes.default.svc', namespace: 'istio-ingress' },
        source: { repoURL: 'https://istio-release.storage.googleapis.com/charts', chart: 'gateway', targetRevision: '1.30.3', helm: { valuesObject: { autoscaling: { enabled: 'yes' } } } },
      },
    };
    expect(ManifestValidator.validate(application).map((i) => `${i.path}: ${i.message}`))
      .toStrictEqual(['spec.source.helm.valuesObject.autoscaling.enabled: must be boolean, got "yes"']);
  });

  test('every value this library writes passes; another chart or another version is not checked', () => {
    expect(ManifestValidator.validate(release(PROD_VALUES))).toStrictEqual([]);
    expect(ManifestValidator.validate(release({ replicas: 3 }, '1.31.0'))).toStrictEqual([]);
  });
});

describe('GatewayTarget.existing: a Gateway for a gateway installed elsewhere', () => {
  test('istioctl\'s istio-ingressgateway (default profile): only the Gateway, no Namespace, no workload, no name clash; the analyzer sees the IstioOperator\'s pods', () => {
    // GIVEN a control plane whose default profile installs istio-ingressgateway in istio-system
    const chart = meshChart();
    const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3', profile: InstallProfile.DEFAULT });
    // WHEN
    const ingress = new IngressGateway(chart, 'shop-gateway', {
      namespace: 'istio-system',
      controlPlane,
      target: GatewayTarget.existing({ selector: { istio: 'ingressgateway' }, serviceAccount: 'istio-ingressgateway-service-account', serviceName: 'istio-ingressgateway' }),
      servers: SERVERS,
    });
    ingress.issueCertificate('certificate', { credentialName: 'shop-tls', issuer: CertificateIssuer.clusterIssuer('letsencrypt-prod') });
    // THEN
    const objs = synthValid(chart);
    expect(kinds(objs)).toStrictEqual(['Gateway istio-system/shop-gateway', 'Certificate istio-system/shop-tls']);
    expect(find(objs, 'Gateway', 'shop-gateway', 'istio-system').spec.selector).toStrictEqual({ istio: 'ingressgateway' });
    expect([ingress.serviceHost, ingress.helmChartValues(), ingress.deployment]).toStrictEqual(['istio-ingressgateway.istio-system.svc.cluster.local', undefined, undefined]);
    expect(ingress.serviceAccount.name).toBe('istio-ingressgateway-service-account');
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('pods that neither the output nor a declaration runs: the analyzer reports the Gateway (IST0101); declared, they are found', () => {
    const chart = meshChart();
    const target = GatewayTarget.existing({ selector: { app: 'edge' }, serviceAccount: 'edge' });
    new IngressGateway(chart, 'edge', { namespace: 'edge', target, servers: [GatewayServer.http({ hosts: ['shop.example.com'] })] });
    new ExternalResources(chart, 'ns', { namespaces: ['edge'] });
    expect(analyzed(chart).map((f) => f.slice(0, f.indexOf(' Fix:')))).toStrictEqual(['Error [IST0101] (Gateway edge/edge) Referenced selector not found: "app=edge" (spec.selector).']);
    new ExternalResources(chart, 'edge-pods', { workloads: [{ namespace: 'edge', labels: { app: 'edge' } }] });
    expect(analyzed(chart)).toStrictEqual([]);
  });

  test('an egress gateway routes to the existing gateway\'s Service', () => {
    const chart = meshChart();
    const egress = new EgressGateway(chart, 'egress', {
      namespace: 'istio-system',
      target: GatewayTarget.existing({ selector: { istio: 'egressgateway' }, serviceAccount: 'istio-egressgateway-service-account', serviceName: 'istio-egressgateway' }),
    });
    const stripe = new ExternalService(chart, 'stripe', { namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }] });
    egress.routeExternalHost('stripe', { service: stripe });
    const objs = synthValid(chart);
    expect(kinds(objs).sort()).toStrictEqual(['DestinationRule istio-system/egress', 'Gateway istio-system/egress', 'ServiceEntry istio-system/stripe', 'VirtualService istio-system/stripe']);
    expect(find(objs, 'DestinationRule', 'egress', 'istio-system').spec).toStrictEqual({ host: 'istio-egressgateway.istio-system.svc.cluster.local', subsets: [{ name: 'stripe' }] });
    expect(find(objs, 'Gateway', 'egress', 'istio-system').spec.selector).toStrictEqual({ istio: 'egressgateway' });
  });

  test('workload settings and bad options are refused with the field, the value and the fix', () => {
    const existing = GatewayTarget.existing({ selector: { istio: 'ingressgateway' }, serviceAccount: 'istio-ingressgateway-service-account' });
    expect(thrown(() => new IngressGateway(meshChart(), 'gw', { target: existing, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL })))
      .toBe('[prod/gw] externalTrafficPolicy: "Local" configures the gateway workload, which GatewayTarget.existing leaves to whoever installed it. Fix: drop it, or set it where that gateway is installed');
    expect(thrown(() => new IngressGateway(meshChart(), 'gw', { target: GatewayTarget.existing({ selector: {}, serviceAccount: 'x' }) })))
      .toContain('[prod/gw] target.selector: {} ');
    expect(thrown(() => new IngressGateway(meshChart(), 'gw', { target: GatewayTarget.existing({ selector: { istio: 'x' }, serviceAccount: 'Bad_Name' }) })))
      .toBe('[prod/gw] target.serviceAccount: "Bad_Name" is not a Kubernetes Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".", at most 253 characters). '
        + 'Fix: name the ServiceAccount of the existing gateway pods, e.g. "istio-ingressgateway-service-account"');
    expect(thrown(() => new IngressGateway(meshChart(), 'gw', { target: GatewayTarget.helmChart({ tool: GitOpsTool.FLUX, syncWave: 1 }) })))
      .toBe('[prod/gw] target: "flux" is Flux, and syncWave, argoCdNamespace and argoCdProject are Argo CD settings. Fix: drop them, or use GitOpsTool.ARGO_CD');
    expect(thrown(() => new IngressGateway(meshChart(), 'gw', { target: GatewayTarget.helmChart({ tool: GitOpsTool.ARGO_CD, dependsOn: [{ name: 'istiod' }] }) })))
      .toBe('[prod/gw] target.dependsOn: [{"name":"istiod"}] is a Flux setting, and the tool is Argo CD. Fix: order Argo CD Applications with syncWave, or use GitOpsTool.FLUX');
    expect(thrown(() => new IngressGateway(meshChart(), 'gw', { target: 'helm' as never })))
      .toBe('[prod/gw] target: "helm" is a string, not a GatewayTarget. Fix: use GatewayTarget.WORKLOAD, GatewayTarget.helmChart({ tool }) or GatewayTarget.existing({ selector, serviceAccount })');
  });
});
