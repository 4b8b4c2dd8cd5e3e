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
 * Which policy decides (as in Istio, the most specific wins): a workload-scoped policy whose selector
 * can match the Service's pods (found from a `v1` Service of that name in the chart, else by the
 * `app` / `app.kubernetes.io/name` label equal to the Service name), else the namespace-wide policy,
 * else the mesh-wide one. For a port-level DISABLE the policy's mode for that port counts; port-level
 * exceptions of a PeerAuthentication name the workload port, which is taken to equal the Service port.
 */
import { ApiObject, Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { formatInputError } from '../core/errors';
import { parseServiceHost, ServiceHost } from '../core/hostnames';
import { selectorsOverlap } from '../core/labels';
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

function isJson(v: unknown): v is Json {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tlsDisabled(policy: unknown): boolean {
  return isJson(policy) && isJson(policy.tls) && policy.tls.mode === 'DISABLE';
}

/** Every place a traffic policy turns TLS off. */
function disableSites(policy: unknown, at: string): DisableSite[] {
  if (!isJson(policy)) {
    return [];
  }
  const sites: DisableSite[] = [];
  if (tlsDisabled(policy)) {
    sites.push({ field: `${at}.tls.mode` });
  }
  const portLevel = Array.isArray(policy.portLevelSettings) ? policy.portLevelSettings : [];
  portLevel.forEach((setting: unknown, i: number) => {
    if (tlsDisabled(setting) && isJson(setting) && isJson(setting.port) && typeof setting.port.number === 'number') {
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
    const spec = isJson(json.spec) ? json.spec : {};
    const metadata = isJson(json.metadata) ? json.metadata : {};
    if (typeof spec.host !== 'string') {
      continue;
    }
    const sites = disableSites(spec.trafficPolicy, 'spec.trafficPolicy');
    const subsets = Array.isArray(spec.subsets) ? spec.subsets : [];
    subsets.forEach((subset: unknown, i: number) => {
      if (isJson(subset)) {
        sites.push(...disableSites(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`));
      }
    });
    if (sites.length) {
      views.push({ path: c.node.path, namespace: typeof metadata.namespace === 'string' ? metadata.namespace : 'default', host: spec.host, sites });
    }
  }
  return views;
}

/** Selectors of `v1` Services in the chart, by `<namespace>/<name>`. */
function serviceSelectors(chart: Chart): Map<string, { [key: string]: string }> {
  const out = new Map<string, { [key: string]: string }>();
  for (const c of chart.node.findAll()) {
    if (c instanceof ApiObject && c.kind === 'Service' && c.apiVersion === 'v1') {
      const json = c.toJson() as Json;
      const metadata = isJson(json.metadata) ? json.metadata : {};
      const spec = isJson(json.spec) ? json.spec : {};
      if (typeof metadata.name === 'string' && isJson(spec.selector)) {
        out.set(`${typeof metadata.namespace === 'string' ? metadata.namespace : 'default'}/${metadata.name}`, spec.selector as { [key: string]: string });
      }
    }
  }
  return out;
}

function strictFor(view: MtlsPolicyView, port: number | undefined): boolean {
  if (port !== undefined) {
    return (view.ports.get(port) ?? view.mode) === PeerMtlsMode.STRICT;
  }
  return view.mode === PeerMtlsMode.STRICT || [...view.ports.values()].some((m) => m === PeerMtlsMode.STRICT);
}

/** The policies that decide the mTLS mode of `target`, most specific first. */
function decidingPolicies(target: ServiceHost, policies: MtlsPolicyView[], services: Map<string, { [key: string]: string }>): MtlsPolicyView[] {
  if (target.namespace === '*') {
    return policies;
  }
  const inNamespace = policies.filter((p) => p.scope === MtlsScopeKind.WORKLOAD && p.namespace === target.namespace);
  const nsWide = policies.find((p) => p.scope === MtlsScopeKind.NAMESPACE && p.namespace === target.namespace) ?? policies.find((p) => p.scope === MtlsScopeKind.MESH);
  if (target.service === '*') {
    return [...inNamespace, ...(nsWide ? [nsWide] : [])];
  }
  const svcSelector = services.get(`${target.namespace}/${target.service}`);
  const matching = inNamespace.filter((p) => p.selector && (svcSelector
    ? selectorsOverlap(svcSelector, p.selector)
    : p.selector.app === target.service || p.selector['app.kubernetes.io/name'] === target.service));
  if (matching.length) {
    return matching;
  }
  return nsWide ? [nsWide] : [];
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

  const services = serviceSelectors(chart);
  for (const rule of destinationRules(chart)) {
    const target = parseServiceHost(rule.host, rule.namespace);
    if (!target) {
      continue;
    }
    const deciding = decidingPolicies(target, policies, services);
    for (const site of rule.sites) {
      const strict = deciding.find((p) => strictFor(p, site.port));
      if (!strict) {
        continue;
      }
      const scopeText = target.namespace === '*' ? 'every namespace' : `namespace ${target.namespace}`;
      errors.push(formatInputError('', `DestinationRule ${rule.path} ${site.field}`, 'DISABLE',
        `sends plaintext to host ${JSON.stringify(rule.host)} (${scopeText}${site.port !== undefined ? `, port ${site.port}` : ''}), ` +
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
