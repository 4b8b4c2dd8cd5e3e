import { arr, Check, labelsOf, specOf } from '../check';
import {
  ControlPlane, controlPlanes, DATAPLANE_MODE_LABEL, describeControlPlane, INJECTION_LABEL, namespaceLabels, namespaceObject, REVISION_LABEL,
} from '../injection';
import { LabelSelector, PodInfo, readLabelSelector, selectorMatches } from '../pods';
import { describe, GK, Resource } from '../resources';

/** API groups whose namespaced objects istiod reads as mesh configuration. */
const CONFIG_GROUPS = new Set([
  'networking.istio.io', 'security.istio.io', 'telemetry.istio.io', 'extensions.istio.io',
  'gateway.networking.k8s.io', 'gateway.networking.x-k8s.io',
]);
const OPERATORS = new Set(['In', 'NotIn', 'Exists', 'DoesNotExist']);

/** Why a namespace matters to the mesh. */
interface Candidate {
  /** A mesh label (`istio.io/rev=1-30-3`) and the revision it names (undefined: any control plane). */
  label?: { readonly text: string; readonly revision?: string };
  readonly config: Resource[];
  readonly gateways: PodInfo[];
  /** The first object of the output in the namespace (where to report when the Namespace is not the output's). */
  first?: Resource;
}

/**
 * Namespaces that a control plane's `meshConfig.discoverySelectors` leave out although they matter to
 * the mesh (ours, CDK8S-ISTIO-005): labelled for it (`istio-injection=enabled`, `istio.io/rev`,
 * `istio.io/dataplane-mode=ambient`), holding Istio configuration (networking, security, telemetry,
 * extensions, Gateway API objects) or running gateway workloads. istiod ignores every object of such
 * a namespace, its own and the root namespace included: proxies there get no configuration, policies
 * there do not apply. The selectors are ORed Kubernetes label selectors over the namespace's labels
 * (with `kubernetes.io/metadata.name`). A namespace labelled for a revision (`istio-injection=enabled`:
 * the default one) matters to that revision's control plane only, and so do its objects and gateway
 * pods unless their own `istio.io/rev` names another; the others matter to every control plane with
 * discoverySelectors (control planes that split the mesh by namespace are not reported on each other's). Reported on the Namespace, or, when the output does not create it, on the first
 * object of the output in it.
 */
export const discoverySelectors: Check = {
  name: 'mesh.discoveryselectors',
  codes: ['CDK8S-ISTIO-005'],
  description: 'namespaces labelled for the mesh or holding Istio objects or gateways that discoverySelectors leave out',
  run(ctx) {
    const selecting = controlPlanes(ctx).map((cp) => ({ cp, selectors: selectorsOf(cp) })).filter((s): s is { cp: ControlPlane; selectors: LabelSelector[] } => s.selectors !== undefined);
    if (selecting.length === 0) return;

    const candidates = new Map<string, Candidate>();
    const candidate = (ns: string): Candidate => {
      let c = candidates.get(ns);
      if (c === undefined) {
        c = { config: [], gateways: [] };
        candidates.set(ns, c);
      }
      return c;
    };
    for (const r of ctx.resources) {
      if (r.external || r.namespace === undefined) continue;
      const c = candidate(r.namespace);
      c.first ??= r;
      if (CONFIG_GROUPS.has(r.group)) c.config.push(r);
    }
    for (const ns of ctx.all(GK.Namespace)) {
      const label = meshLabel(namespaceLabels(ctx, ns.name));
      if (label) candidate(ns.name).label = label;
    }
    for (const pod of gatewayPods(ctx)) candidate(pod.namespace).gateways.push(pod);

    for (const [ns, c] of candidates) {
      const target = namespaceObject(ctx, ns);
      const reportOn = target && !target.external ? target : c.config[0] ?? c.gateways[0]?.owner ?? c.first;
      if (reportOn === undefined || reportOn.external) continue;
      const labels = namespaceLabels(ctx, ns);
      const nsRevision = c.label?.revision;
      for (const { cp, selectors } of selecting) {
        if (selectors.some((s) => selectorMatches(s, labels))) continue;
        const reasons: string[] = [];
        if (c.label && servedBy(cp, nsRevision)) reasons.push(`is labelled ${c.label.text}`);
        const config = c.config.filter((r) => servedBy(cp, labelsOf(r.raw.metadata?.labels)[REVISION_LABEL] ?? nsRevision));
        if (config.length > 0) reasons.push(config.length === 1 ? `holds ${describe(config[0])}` : `holds ${config.length} Istio objects (${describe(config[0])}, …)`);
        const gateways = c.gateways.filter((p) => servedBy(cp, p.labels[REVISION_LABEL] ?? nsRevision));
        if (gateways.length > 0) reasons.push(`runs the gateway ${describe(gateways[0].owner)}`);
        if (reasons.length === 0) continue;
        const why = reasons.length === 1 ? reasons[0] : `${reasons.slice(0, -1).join(', ')} and ${reasons[reasons.length - 1]}`;
        ctx.report('CDK8S-ISTIO-005', reportOn, reportOn === target ? 'metadata.labels' : 'metadata.namespace', [ns, why, describeControlPlane(cp)],
          `give namespace ${ns} labels that one of the discoverySelectors matches (${selectors.map(showSelector).join(' or ')}), `
          + `or add a selector for it to meshConfig.discoverySelectors (e.g. matchLabels kubernetes.io/metadata.name: ${ns})`);
      }
    }
  },
};

/** The control plane's discovery selectors, or undefined when it has none (every namespace) or one istiod could not read. */
function selectorsOf(cp: ControlPlane): LabelSelector[] | undefined {
  const list = cp.source.meshConfig.discoverySelectors;
  if (!Array.isArray(list) || list.length === 0) return undefined;
  const out: LabelSelector[] = [];
  for (const raw of list) {
    const s = readLabelSelector(raw);
    // istiod refuses selectors it cannot read and keeps discovering every namespace.
    if (s === undefined || (s.matchExpressions ?? []).some((e) => !OPERATORS.has(e.operator))) return undefined;
    out.push(s);
  }
  return out;
}

/** The label that puts a namespace into the mesh, and the revision it names. */
function meshLabel(labels: Readonly<Record<string, string>>): Candidate['label'] {
  if (labels[INJECTION_LABEL] === 'enabled') return { text: `${INJECTION_LABEL}=enabled`, revision: 'default' };
  if (labels[INJECTION_LABEL] === undefined && (labels[REVISION_LABEL] ?? '') !== '') return { text: `${REVISION_LABEL}=${labels[REVISION_LABEL]}`, revision: labels[REVISION_LABEL] };
  if (labels[DATAPLANE_MODE_LABEL] === 'ambient') return { text: `${DATAPLANE_MODE_LABEL}=ambient` };
  return undefined;
}

/** Whether `cp` reads an object (namespace, pod) labelled with `revision` (undefined: every control plane does). */
function servedBy(cp: ControlPlane, revision: string | undefined): boolean {
  return revision === undefined || revision === '' || cp.names.includes(revision);
}

/**
 * The output's gateway pods: injected with the gateway template, managed by a Gateway API controller,
 * or selected by an Istio Gateway of the input.
 */
function gatewayPods(ctx: Parameters<Check['run']>[0]): PodInfo[] {
  const out = new Set<PodInfo>();
  for (const pod of ctx.pods.pods()) {
    const templates = pod.annotations['inject.istio.io/templates'];
    if (typeof templates === 'string' && templates.split(',').map((t) => t.trim()).includes('gateway')) out.add(pod);
    else if (pod.labels['gateway.istio.io/managed'] !== undefined || pod.labels['gateway.networking.k8s.io/gateway-name'] !== undefined) out.add(pod);
  }
  for (const gw of ctx.all(GK.Gateway)) {
    const selector = labelsOf(specOf(gw.raw).selector);
    if (Object.keys(selector).length === 0) continue;
    for (const pod of ctx.pods.matching(undefined, selector)) out.add(pod);
  }
  return [...out].filter((p) => !p.owner.external);
}

/** `{kubernetes.io/metadata.name=istio-system}`, `{istio.io/rev exists}`: a selector, short. */
function showSelector(s: LabelSelector): string {
  const parts = Object.entries(s.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of s.matchExpressions ?? []) {
    const values = arr(e.values).join(',');
    if (e.operator === 'Exists') parts.push(`${e.key} exists`);
    else if (e.operator === 'DoesNotExist') parts.push(`no ${e.key}`);
    else parts.push(`${e.key} ${e.operator === 'In' ? 'in' : 'not in'} (${values})`);
  }
  return `{${parts.join(', ')}}`;
}

