/**
 * The chart-wide mTLS checks of {@link StrictMtls}:
 *
 * 1. at most one mesh-wide policy, and at most one namespace-wide policy per namespace (Istio would
 *    silently keep the oldest);
 * 2. no DestinationRule in the chart sends plaintext (`tls.mode: DISABLE`, at the top level, in a
 *    `portLevelSettings` entry or in a subset) to a host whose workloads a STRICT policy makes accept
 *    mutual TLS only. `istioctl analyze` stopped reporting this (IST0113 was removed in 2024); the
 *    symptom in a cluster is a connection reset on every request.
 *
 * DestinationRules are found as synthesized objects (any `ApiObject` with apiVersion
 * `networking.istio.io/*` and kind `DestinationRule`), so rules made by any construct count, and are
 * resolved with `toJson()` inside the validation, after every construct has been added.
 *
 * How a DestinationRule host maps to workloads (Istio's own resolution, read by `parseServiceHost`,
 * which assumes the cluster domain `cluster.local`):
 * - a short name (`reviews`) is a Service in the DestinationRule's namespace;
 * - `<svc>.<ns>.svc[.cluster.local]` is Service `<svc>` in `<ns>`; `*.<ns>.svc.cluster.local` every Service in `<ns>`;
 * - `*`, `*.svc.cluster.local`, `*.cluster.local`, `*.local` are every namespace;
 * - any other host is outside the mesh, where PeerAuthentication has no say, so DISABLE is fine there.
 *
 * Which policies decide (as in Istio, the most specific wins, pod by pod): the workload-scoped policies
 * whose selector can match the Service's pods (found from a `v1` Service of that name in the chart, else
 * by the `app` / `app.kubernetes.io/name` label equal to the Service name), plus the namespace-wide
 * policy (else the mesh-wide one) unless one of those workload policies covers every pod of the
 * Service (its labels are a subset of the Service selector): a policy for `{app: web, version: v2}`
 * leaves the v1 pods to the namespace policy. A conflict with any deciding policy is reported.
 *
 * Ports: port-level exceptions of a PeerAuthentication name the workload (container) port, while
 * DestinationRule `portLevelSettings` name the Service port. With the chart's Service of the host, a
 * Service port is mapped to its `targetPort` (a named one through the container ports of the pods the
 * Service selects; if that fails, the policy counts as STRICT when it is STRICT on any port). Without
 * the Service, the two are taken to be equal.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { formatInputError } from '../core/errors';
import { parseServiceHost, ServiceHost } from '../core/hostnames';
import { labelsCover, selectorsOverlap } from '../core/labels';
import { isRecord } from '../core/records';
import { MtlsScopeKind, PeerMtlsMode } from './mtls-modes';

const REGISTERED = Symbol.for('cdk8s-istio.mtlsConflictCheck');

/** What the conflict check needs to know of a StrictMtls. */
export interface MtlsPolicyView {
  readonly construct: IConstruct;
  readonly scope: MtlsScopeKind;
  readonly namespace: string;
  readonly selector?: { readonly [key: string]: string };
  readonly mode: PeerMtlsMode;
  readonly ports: ReadonlyMap<number, PeerMtlsMode>;
}

interface DisableSite {
  /** Where in the DestinationRule, e.g. `spec.subsets[0].trafficPolicy.tls.mode`. */
  readonly field: string;
  /** The port of a port-level setting; undefined for every port. */
  readonly port?: number;
}

interface DestinationRuleView {
  readonly path: string;
  readonly namespace: string;
  readonly host: string;
  readonly sites: DisableSite[];
}

type Json = { [key: string]: unknown };

function tlsDisabled(policy: unknown): boolean {
  return isRecord(policy) && isRecord(policy.tls) && policy.tls.mode === 'DISABLE';
}

/** Every place a traffic policy turns TLS off. */
function disableSites(policy: unknown, at: string): DisableSite[] {
  if (!isRecord(policy)) {
    return [];
  }
  const sites: DisableSite[] = [];
  if (tlsDisabled(policy)) {
    sites.push({ field: `${at}.tls.mode` });
  }
  const portLevel = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
  portLevel.forEach((setting: unknown, i: number) => {
    if (tlsDisabled(setting) && isRecord(setting) && isRecord(setting.port) && typeof setting.port.number === 'number') {
      sites.push({ field: `${at}.portLevelSettings[${i}].tls.mode`, port: setting.port.number });
    }
  });
  return sites;
}

function destinationRules(chart: Chart): DestinationRuleView[] {
  const views: DestinationRuleView[] = [];
  for (const c of chart.node.findAll()) {
    if (!(c instanceof ApiObject) || c.kind !== 'DestinationRule' || !c.apiVersion.startsWith('networking.istio.io/')) {
      continue;
    }
    const json = c.toJson() as Json;
    const spec = isRecord(json.spec) ? json.spec : {};
    const metadata = isRecord(json.metadata) ? json.metadata : {};
    if (typeof spec.host !== 'string') {
      continue;
    }
    const sites = disableSites(spec.trafficPolicy, 'spec.trafficPolicy');
    const subsets = Array.isArray(spec.subsets) ? spec.subsets : [];
    subsets.forEach((subset: unknown, i: number) => {
      if (isRecord(subset)) {
        sites.push(...disableSites(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
      }
    });
    if (sites.length) {
      views.push({ path: c.node.path, namespace: namespaceOf(metadata), host: spec.host, sites });
    }
  }
  return views;
}

/** What the check needs of a `v1` Service in the chart. */
interface ServiceView {
  readonly selector: { readonly [key: string]: string };
  readonly ports: readonly { readonly port: number; readonly targetPort?: number | string }[];
}

/** The pod template of a workload object in the chart: its labels and its named container ports. */
interface PodView {
  readonly namespace: string;
  readonly labels: { readonly [key: string]: string };
  readonly ports: readonly { readonly name?: string; readonly containerPort: number }[];
}

type Labels = { readonly [key: string]: string };

function namespaceOf(metadata: Json): string {
  return typeof metadata.namespace === 'string' ? metadata.namespace : 'default';
}

/** `v1` Services in the chart, by `<namespace>/<name>`. */
function serviceViews(chart: Chart): Map<string, ServiceView> {
  const out = new Map<string, ServiceView>();
  for (const c of chart.node.findAll()) {
    if (c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1') {
      const json = c.toJson() as Json;
      const metadata = isRecord(json.metadata) ? json.metadata : {};
      const spec = isRecord(json.spec) ? json.spec : {};
      if (typeof metadata.name === 'string' && isRecord(spec.selector)) {
        const ports = (Array.isArray(spec.ports) ? spec.ports : []).filter(isRecord).filter((p) => typeof p.port === 'number')
          .map((p) => ({ port: p.port as number, targetPort: typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? p.targetPort : undefined }));
        out.set(`${namespaceOf(metadata)}/${metadata.name}`, { selector: spec.selector as Labels, ports });
      }
    }
  }
  return out;
}

const POD_TEMPLATE_KINDS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job']);

/** Pod templates (and bare Pods) in the chart, for resolving a Service's named targetPort. */
function podViews(chart: Chart): PodView[] {
  const out: PodView[] = [];
  for (const c of chart.node.findAll()) {
    if (!(c instanceof ApiObject) || !(c.kind === 'Pod' || POD_TEMPLATE_KINDS.has(c.kind))) {
      continue;
    }
    const json = c.toJson() as Json;
    const metadata = isRecord(json.metadata) ? json.metadata : {};
    const spec = isRecord(json.spec) ? json.spec : {};
    const template = c.kind === 'Pod' ? json : isRecord(spec.template) ? spec.template : {};
    const podMeta = isRecord(template.metadata) ? template.metadata : {};
    const podSpec = isRecord(template.spec) ? template.spec : {};
    const containers = (Array.isArray(podSpec.containers) ? podSpec.containers : []).filter(isRecord);
    const ports = containers.flatMap((k) => (Array.isArray(k.ports) ? k.ports : []).filter(isRecord))
      .filter((p) => typeof p.containerPort === 'number')
      .map((p) => ({ name: typeof p.name === 'string' ? p.name : undefined, containerPort: p.containerPort as number }));
    out.push({ namespace: namespaceOf(metadata), labels: isRecord(podMeta.labels) ? podMeta.labels as Labels : {}, ports });
  }
  return out;
}

/** A workload (endpoint) port, or `unknown` when a named targetPort cannot be resolved. */
type EndpointPort = number | 'unknown';

/**
 * The workload ports a DestinationRule setting reaches: PeerAuthentication port exceptions name
 * workload (container) ports, DestinationRule `portLevelSettings` name Service ports. With the
 * chart's Service of the host, a Service port maps to its `targetPort` (the port itself when unset;
 * a named one is looked up in the container ports of the pods the Service selects); a top-level
 * setting reaches every target port. Without the Service, the Service port is taken as the workload
 * port, and a top-level setting reaches `all` ports.
 */
function endpointPorts(service: ServiceView | undefined, namespace: string, port: number | undefined, pods: PodView[]): EndpointPort[] | 'all' {
  if (!service) {
    return port === undefined ? 'all' : [port];
  }
  const entries = port === undefined ? service.ports : service.ports.filter((p) => p.port === port);
  if (entries.length === 0) {
    return port === undefined ? 'all' : [port];
  }
  return entries.flatMap((e): EndpointPort[] => {
    if (e.targetPort === undefined) {
      return [e.port];
    }
    if (typeof e.targetPort === 'number') {
      return [e.targetPort];
    }
    const named = pods.filter((p) => p.namespace === namespace && labelsCover(service.selector, p.labels))
      .flatMap((p) => p.ports.filter((q) => q.name === e.targetPort).map((q) => q.containerPort));
    return named.length > 0 ? [...new Set(named)] : ['unknown'];
  });
}

/** Whether `view` makes any of `ports` accept mutual TLS only (`all` / `unknown`: if it is STRICT anywhere). */
function strictOn(view: MtlsPolicyView, ports: EndpointPort[] | 'all'): boolean {
  const anywhere = view.mode === PeerMtlsMode.STRICT || [...view.ports.values()].some((m) => m === PeerMtlsMode.STRICT);
  if (ports === 'all') {
    return anywhere;
  }
  return ports.some((p) => (p === 'unknown' ? anywhere : (view.ports.get(p) ?? view.mode) === PeerMtlsMode.STRICT));
}

/**
 * The policies that decide the mTLS mode of `target`'s pods, most specific first. A workload-scoped
 * policy only replaces the namespace- or mesh-wide one for the pods it selects: unless one of them
 * covers every pod of the Service (its labels are a subset of the Service selector), the broader
 * policy still decides for the Service's other pods and stays in the set.
 */
function decidingPolicies(target: ServiceHost, policies: MtlsPolicyView[], service: ServiceView | undefined): MtlsPolicyView[] {
  if (target.namespace === '*') {
    return policies;
  }
  const inNamespace = policies.filter((p) => p.scope === MtlsScopeKind.WORKLOAD && p.namespace === target.namespace);
  const nsWide = policies.find((p) => p.scope === MtlsScopeKind.NAMESPACE && p.namespace === target.namespace) ?? policies.find((p) => p.scope === MtlsScopeKind.MESH);
  if (target.service === '*') {
    return [...inNamespace, ...(nsWide ? [nsWide] : [])];
  }
  // Without the Service in the chart, its pods are taken to be those labelled app (or
  // app.kubernetes.io/name) = the Service name.
  const implied = (p: MtlsPolicyView): Labels => (p.selector!.app === target.service ? { app: target.service } : { 'app.kubernetes.io/name': target.service });
  const matching = inNamespace.filter((p) => p.selector && (service
    ? selectorsOverlap(service.selector, p.selector)
    : p.selector.app === target.service || p.selector['app.kubernetes.io/name'] === target.service));
  const coversAll = matching.some((p) => labelsCover(p.selector!, service ? service.selector : implied(p)));
  return [...matching, ...(!coversAll && nsWide ? [nsWide] : [])];
}

function describe(view: MtlsPolicyView): string {
  return view.scope === MtlsScopeKind.MESH ? `mesh-wide (root namespace ${view.namespace})`
    : view.scope === MtlsScopeKind.NAMESPACE ? `for namespace ${view.namespace}`
      : `for workloads ${JSON.stringify(view.selector)} in ${view.namespace}`;
}

function check(chart: Chart, collect: (chart: Chart) => MtlsPolicyView[]): string[] {
  const policies = collect(chart);
  if (policies.length === 0) {
    return [];
  }
  const errors: string[] = [];
  const meshWide = policies.filter((p) => p.scope === MtlsScopeKind.MESH);
  if (meshWide.length > 1) {
    errors.push(formatInputError('', 'StrictMtls', meshWide.map((p) => p.construct.node.path), 'are two mesh-wide policies; Istio applies only the oldest one',
      'keep one MtlsScope.mesh() policy per mesh'));
  }
  const byNamespace = new Map<string, IConstruct[]>();
  for (const p of policies.filter((q) => q.scope === MtlsScopeKind.NAMESPACE)) {
    byNamespace.set(p.namespace, [...(byNamespace.get(p.namespace) ?? []), p.construct]);
  }
  for (const [ns, list] of byNamespace) {
    if (list.length > 1) {
      errors.push(formatInputError('', 'StrictMtls', list.map((c) => c.node.path), `are two namespace-wide policies for ${JSON.stringify(ns)}; Istio applies only the oldest one`,
        'keep one MtlsScope.namespace() policy per namespace'));
    }
  }

  const services = serviceViews(chart);
  const pods = podViews(chart);
  for (const rule of destinationRules(chart)) {
    const target = parseServiceHost(rule.host, rule.namespace);
    if (!target) {
      continue;
    }
    const service = target.namespace === '*' || target.service === '*' ? undefined : services.get(`${target.namespace}/${target.service}`);
    const deciding = decidingPolicies(target, policies, service);
    for (const site of rule.sites) {
      const ports = endpointPorts(service, target.namespace, site.port, pods);
      const strict = deciding.find((p) => strictOn(p, ports));
      if (!strict) {
        continue;
      }
      const scopeText = target.namespace === '*' ? 'every namespace' : `namespace ${target.namespace}`;
      const mapped = site.port !== undefined && ports !== 'all' && ports.some((p) => p !== site.port) ? ` → workload port ${ports.join('/')}` : '';
      errors.push(formatInputError('', `DestinationRule ${rule.path} ${site.field}`, 'DISABLE',
        `sends plaintext to host ${JSON.stringify(rule.host)} (${scopeText}${site.port !== undefined ? `, port ${site.port}${mapped}` : ''}), ` +
        `but StrictMtls ${strict.construct.node.path} (${describe(strict)}) makes those workloads accept mutual TLS only, so every request fails`,
        `drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or move ${strict.construct.node.path} to MtlsMode.PERMISSIVE while the plaintext clients remain`));
    }
  }
  return errors;
}

/**
 * Adds the chart-wide mTLS validation to `chart`, once.
 * @internal
 */
export function registerMtlsConflictCheck(chart: Chart, collect: (chart: Chart) => MtlsPolicyView[]): void {
  const marker = chart as unknown as Record<symbol, unknown>;
  if (marker[REGISTERED]) {
    return;
  }
  Object.defineProperty(chart, REGISTERED, { value: true });
  chart.node.addValidation({ validate: () => check(chart, collect) });
}
