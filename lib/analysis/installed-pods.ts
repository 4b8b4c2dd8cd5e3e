/**
 * Pods no manifest of the output templates but that the control plane will run: the gateways an
 * IstioOperator installs (`components.ingressGateways` / `egressGateways`, or its profile's), the
 * gateway pods istiod deploys for each Kubernetes Gateway (`gateway.networking.k8s.io`) of an Istio
 * class, and the pods of each release of Istio's `gateway` Helm chart (a Flux HelmRelease or an Argo CD
 * Application). The context adds them to its pod index once, so every check that reads pods sees them.
 *
 * Each is a proxy (its template has the `istio-proxy` container) and is owned by the object that makes
 * it: the IstioOperator, the Gateway, the HelmRelease or the Application.
 */
import { isRecord } from '../core/records';
import { arr, labelsOf, specOf } from './check';
import type { AnalysisContext } from './context';
import { CLUSTER_DOMAIN, ServiceInfo, ServicePort } from './hosts';
import type { PodInfo } from './pods';
import { GK, Resource } from './resources';

/** The label istiod puts on the pods of a Kubernetes Gateway. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
const GATEWAY_CLASS_LABEL = 'gateway.networking.k8s.io/gateway-class-name';
/** Gateway classes whose Gateways istiod deploys itself. */
const ISTIO_CLASSES = ['istio', 'istio-waypoint', 'istio-east-west'];
const ISTIO_CONTROLLER = 'istio.io/gateway-controller';
/** Classes whose deployments istiod names after the Gateway alone (its ClassInfo `DisableNameSuffix`). */
const NO_NAME_SUFFIX = new Set(['istio-waypoint', 'istio-east-west']);
/** Profiles that install `istio-ingressgateway` (and `demo` also `istio-egressgateway`) unless components say otherwise. */
const INGRESS_PROFILES = new Set(['', 'default', 'demo', 'preview', 'openshift']);

/** A pod template that already has its proxy (the image is the control plane's; no injection needed). */
const PROXY_SPEC = { containers: [{ name: 'istio-proxy', image: 'proxyv2' }] };

function pod(owner: Resource, namespace: string, labels: Record<string, string>, serviceAccount: string): PodInfo {
  return { namespace, labels, annotations: {}, serviceAccount, ports: [], owner, spec: PROXY_SPEC };
}

/** Every pod the control planes and Kubernetes Gateways of the output (or declared) will run. */
export function installedPods(ctx: AnalysisContext): PodInfo[] {
  return [...operatorGatewayPods(ctx), ...kubernetesGatewayPods(ctx), ...gatewayChartPods(ctx)];
}

/** The group/kinds of the objects that install a Helm chart release. */
export const CHART_RELEASE_KINDS = ['helm.toolkit.fluxcd.io/HelmRelease', 'argoproj.io/Application'];

/**
 * The pods of each release of Istio's `gateway` chart, labelled as the chart labels them: `app` and
 * `istio` from `values.labels` or the gateway name (`values.name`, else the release name; `istio`
 * without an `istio-` prefix), the other `values.labels`, `sidecar.istio.io/inject: "true"` and
 * `istio.io/rev` from `values.revision`; in the release namespace, as the ServiceAccount of
 * `values.serviceAccount` (the gateway name by default). A Flux HelmRelease installs into
 * `spec.targetNamespace` or its own namespace, named `spec.releaseName`, else its name (prefixed with
 * `<targetNamespace>-` when that is set); an Argo CD Application into `spec.destination.namespace`,
 * named `helm.releaseName`, else the Application's name.
 */
function gatewayChartPods(ctx: AnalysisContext): PodInfo[] {
  return gatewayChartReleases(ctx).map((r) => chartPod(r.owner, r.namespace, r.release, r.values));
}

/** A release of Istio's `gateway` chart: what installs it, where, its release name and values. */
interface GatewayChartRelease {
  readonly owner: Resource;
  readonly namespace: string;
  readonly release: string;
  readonly values: Record<string, unknown>;
}

function gatewayChartReleases(ctx: AnalysisContext): GatewayChartRelease[] {
  const out: GatewayChartRelease[] = [];
  for (const r of ctx.all(CHART_RELEASE_KINDS[0])) {
    const spec = specOf(r.raw);
    const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : {};
    if (chart.chart !== 'gateway') continue;
    const target = typeof spec.targetNamespace === 'string' && spec.targetNamespace !== '' ? spec.targetNamespace : undefined;
    const namespace = target ?? r.namespace;
    const release = typeof spec.releaseName === 'string' && spec.releaseName !== '' ? spec.releaseName : target ? `${target}-${r.name}` : r.name;
    if (namespace !== undefined) out.push({ owner: r, namespace, release, values: isRecord(spec.values) ? spec.values : {} });
  }
  for (const r of ctx.all(CHART_RELEASE_KINDS[1])) {
    const spec = specOf(r.raw);
    const destination = isRecord(spec.destination) ? spec.destination : {};
    const namespace = typeof destination.namespace === 'string' && destination.namespace !== '' ? destination.namespace : undefined;
    for (const source of [spec.source, ...arr(spec.sources)]) {
      if (!isRecord(source) || source.chart !== 'gateway' || namespace === undefined) continue;
      const helm = isRecord(source.helm) ? source.helm : {};
      const release = typeof helm.releaseName === 'string' && helm.releaseName !== '' ? helm.releaseName : r.name;
      out.push({ owner: r, namespace, release, values: isRecord(helm.valuesObject) ? helm.valuesObject : {} });
    }
  }
  return out;
}

/** The gateway chart's default Service ports (values.yaml of Istio 1.30.3). */
const CHART_DEFAULT_PORTS: ServicePort[] = [
  { number: 15021, name: 'status-port', protocol: 'TCP', targetPort: 15021 },
  { number: 80, name: 'http2', protocol: 'TCP', targetPort: 80 },
  { number: 443, name: 'https', protocol: 'TCP', targetPort: 443 },
];

/**
 * The Services the releases of Istio's `gateway` chart create (`values.service.type` not `None`): named
 * after the gateway in the release namespace, with `values.service.ports` (the chart's 15021, 80 and
 * 443 by default), owned by the HelmRelease or Application.
 */
export function installedServices(ctx: AnalysisContext): ServiceInfo[] {
  const out: ServiceInfo[] = [];
  for (const { owner, namespace, release, values } of gatewayChartReleases(ctx)) {
    const service = isRecord(values.service) ? values.service : {};
    if (service.type === 'None') continue;
    const name = typeof values.name === 'string' && values.name !== '' ? values.name : release;
    const ports = Array.isArray(service.ports) ? service.ports.flatMap((p): ServicePort[] => (isRecord(p) && typeof p.port === 'number'
      ? [{
        number: p.port,
        ...(typeof p.name === 'string' ? { name: p.name } : {}),
        ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}),
        ...(typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? { targetPort: p.targetPort } : {}),
      }] : [])) : CHART_DEFAULT_PORTS;
    out.push({ host: `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`.toLowerCase(), namespace, exportTo: ['*'], ports, resource: owner });
  }
  return out;
}

function chartPod(owner: Resource, namespace: string, release: string, rawValues: unknown): PodInfo {
  const values = isRecord(rawValues) ? rawValues : {};
  const name = typeof values.name === 'string' && values.name !== '' ? values.name : release;
  const labels = labelsOf(values.labels);
  const account = isRecord(values.serviceAccount) ? values.serviceAccount : {};
  const serviceAccount = typeof account.name === 'string' && account.name !== '' ? account.name : account.create === false ? 'default' : name;
  return pod(owner, namespace, {
    ...labels,
    'sidecar.istio.io/inject': 'true',
    ...(typeof values.revision === 'string' && values.revision !== '' ? { 'istio.io/rev': values.revision } : {}),
    'app': labels.app ?? name,
    'istio': labels.istio ?? name.replace(/^istio-/, ''),
    'app.kubernetes.io/name': name,
  }, serviceAccount);
}

/**
 * The gateway pods of each IstioOperator: each enabled entry of `components.ingressGateways` /
 * `egressGateways`, or the profile's gateways when the list is not given, with the gateway chart's labels
 * (`app: istio-ingressgateway, istio: ingressgateway`, or the egress ones) and the component's `label` over them.
 */
function operatorGatewayPods(ctx: AnalysisContext): PodInfo[] {
  const out: PodInfo[] = [];
  for (const r of ctx.all(GK.IstioOperator)) {
    const spec = specOf(r.raw);
    const components = isRecord(spec.components) ? spec.components : {};
    const profile = typeof spec.profile === 'string' ? spec.profile : '';
    const revision = typeof spec.revision === 'string' && spec.revision !== '' ? spec.revision : 'default';
    const istioNamespace = typeof spec.namespace === 'string' && spec.namespace !== '' ? spec.namespace : 'istio-system';
    for (const [list, kind, inProfile] of [
      ['ingressGateways', 'ingress', INGRESS_PROFILES.has(profile)],
      ['egressGateways', 'egress', profile === 'demo'],
    ] as const) {
      const given = components[list];
      const entries: unknown[] = Array.isArray(given) ? given : inProfile ? [{ name: `istio-${kind}gateway` }] : [];
      for (const entry of entries) {
        if (!isRecord(entry) || entry.enabled === false) continue;
        const name = typeof entry.name === 'string' && entry.name !== '' ? entry.name : `istio-${kind}gateway`;
        const namespace = typeof entry.namespace === 'string' && entry.namespace !== '' ? entry.namespace : istioNamespace;
        out.push(pod(r, namespace, {
          'app': `istio-${kind}gateway`,
          'istio': `${kind}gateway`,
          'app.kubernetes.io/name': `istio-${kind}gateway`,
          'istio.io/rev': revision,
          'operator.istio.io/component': kind === 'ingress' ? 'IngressGateways' : 'EgressGateways',
          'service.istio.io/canonical-name': name,
          'sidecar.istio.io/inject': 'false',
          ...labelsOf(entry.label),
        }, `${name}-service-account`));
      }
    }
  }
  return out;
}

/**
 * The pods istiod deploys for each Kubernetes Gateway of an Istio class (the built-in ones, or a
 * GatewayClass whose controller is istiod), labelled with the Gateway's name, class and
 * `infrastructure.labels`. A Gateway that names the address of a gateway deployed by hand gets none.
 */
function kubernetesGatewayPods(ctx: AnalysisContext): PodInfo[] {
  const classes = new Set(ISTIO_CLASSES);
  for (const c of ctx.all('gateway.networking.k8s.io/GatewayClass')) {
    if (specOf(c.raw).controllerName === ISTIO_CONTROLLER) classes.add(c.name);
  }
  const out: PodInfo[] = [];
  for (const g of ctx.all(GK.K8sGateway)) {
    const spec = specOf(g.raw);
    const gatewayClass = spec.gatewayClassName;
    if (g.namespace === undefined || typeof gatewayClass !== 'string' || !classes.has(gatewayClass)) continue;
    if (arr(spec.addresses).some((a) => isRecord(a) && a.type === 'Hostname')) continue;
    const infrastructure = isRecord(spec.infrastructure) ? labelsOf(spec.infrastructure.labels) : {};
    const override = g.raw.metadata?.annotations?.['gateway.istio.io/name-override'];
    // Waypoints (and east-west gateways) are deployed under the Gateway's own name, other classes with the class as suffix.
    const suffixless = NO_NAME_SUFFIX.has(gatewayClass);
    const name = typeof override === 'string' && override !== '' ? override : suffixless ? g.name : `${g.name}-${gatewayClass}`;
    out.push(pod(g, g.namespace, {
      'sidecar.istio.io/inject': 'false',
      'service.istio.io/canonical-name': name,
      'service.istio.io/canonical-revision': 'latest',
      ...infrastructure,
      [GATEWAY_NAME_LABEL]: g.name,
      [GATEWAY_CLASS_LABEL]: gatewayClass,
      'gateway.istio.io/managed': gatewayClass === 'istio-waypoint' ? 'istio.io-mesh-controller' : 'istio.io-gateway-controller',
    }, name));
  }
  return out;
}
