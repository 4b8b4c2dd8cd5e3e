/**
 * How a pod joins the mesh, as the checks that need it read it offline: namespace labels (with the
 * `kubernetes.io/metadata.name` label Kubernetes adds), the control planes of the output with their
 * revisions and tags, and the sidecar injector's webhooks (those of the output's
 * MutatingWebhookConfigurations, and those istiod's chart installs for each control plane).
 * Computed once per analysis.
 */
import { isRecord } from '../core/records';
import { AnalysisContext, MeshConfigSource } from './context';
import { LabelSelector, PodInfo, readLabelSelector, selectorMatches } from './pods';
import { istiodChartRelease } from './helm-values';
import { describe, GK, Resource } from './resources';

/** The namespace label that turns on injection by the default revision. */
export const INJECTION_LABEL = 'istio-injection';
/** The label that names a revision (on namespaces, pods, webhooks, config objects). */
export const REVISION_LABEL = 'istio.io/rev';
/** The label that puts a namespace (or pod) into ambient mode. */
export const DATAPLANE_MODE_LABEL = 'istio.io/dataplane-mode';
/** The pod label (and deprecated annotation) that asks for or refuses a sidecar. */
export const SIDECAR_INJECT = 'sidecar.istio.io/inject';
/** The label Kubernetes puts on every namespace. */
export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

/** A control plane of the output (or declared), as the injector and discovery see it. */
export interface ControlPlane {
  readonly source: MeshConfigSource;
  /** Its revision (`default` when none) and its revision tags: the values `istio.io/rev` may name it by. */
  readonly names: readonly string[];
  /** Whether it serves the default revision (no revision, or the `default` tag): `istio-injection=enabled`. */
  readonly isDefault: boolean;
  /** `sidecarInjectorWebhook.enableNamespacesByDefault`: namespaces without labels are injected too. */
  readonly enableNamespacesByDefault: boolean;
  /** Whether it runs istiod (and so the injector): false when `components.pilot.enabled` is false. */
  readonly runsIstiod: boolean;
}

/** One mutating webhook that injects sidecars: where it applies. */
export interface InjectionWebhook {
  /** `undefined`: every namespace. */
  readonly namespaceSelector?: LabelSelector;
  /** `undefined`: every pod. */
  readonly objectSelector?: LabelSelector;
}

interface Membership {
  readonly namespaceLabels: Map<string, Record<string, string>>;
  readonly controlPlanes: ControlPlane[];
  readonly webhooks: InjectionWebhook[];
}

const CACHE = new WeakMap<AnalysisContext, Membership>();

function membership(ctx: AnalysisContext): Membership {
  let m = CACHE.get(ctx);
  if (m === undefined) {
    const controlPlanes = readControlPlanes(ctx);
    m = { namespaceLabels: readNamespaceLabels(ctx), controlPlanes, webhooks: readWebhooks(ctx, controlPlanes) };
    CACHE.set(ctx, m);
  }
  return m;
}

/** The labels of namespace `name` as the cluster would have them (its object's, output or declared, plus `kubernetes.io/metadata.name`). */
export function namespaceLabels(ctx: AnalysisContext, name: string): Record<string, string> {
  return membership(ctx).namespaceLabels.get(name) ?? { [NAMESPACE_NAME_LABEL]: name };
}

/** The Namespace object named `name` (the output's first, else a declared one). */
export function namespaceObject(ctx: AnalysisContext, name: string): Resource | undefined {
  const found = ctx.find(GK.Namespace, undefined, name);
  return found.find((r) => !r.external) ?? found[0];
}

/** The control planes of the output and the declared ones. */
export function controlPlanes(ctx: AnalysisContext): readonly ControlPlane[] {
  return membership(ctx).controlPlanes;
}

/** The injection webhooks: the output's (and declared) Istio MutatingWebhookConfigurations', and those of each control plane. */
export function injectionWebhooks(ctx: AnalysisContext): readonly InjectionWebhook[] {
  return membership(ctx).webhooks;
}

/** `IstioOperator istio-system/control-plane (revision 1-30-3)`: a control plane as findings name it. */
export function describeControlPlane(cp: ControlPlane): string {
  const revision = cp.source.revision === 'default' ? '' : ` (revision ${cp.source.revision})`;
  return `${describe(cp.source.resource)}${revision}`;
}

/**
 * Whether a namespace is in ambient mode, as Istio decides it: `istio.io/dataplane-mode=ambient` and
 * neither `istio-injection=enabled` nor an `istio.io/rev` label (those make it a sidecar namespace).
 */
export function namespaceInAmbientMode(labels: Readonly<Record<string, string>>): boolean {
  if (labels[INJECTION_LABEL] === 'enabled') return false;
  if ((labels[REVISION_LABEL] ?? '') !== '') return false;
  return labels[DATAPLANE_MODE_LABEL] === 'ambient';
}

/**
 * Whether a pod runs in ambient mode: the CNI marks it (`ambient.istio.io/redirection: enabled`) when its
 * namespace is ambient and the pod neither opts out (`istio.io/dataplane-mode=none`) nor asks for a
 * sidecar (`sidecar.istio.io/inject=true`, or an `istio-proxy` container).
 */
export function podInAmbientMode(ctx: AnalysisContext, pod: PodInfo): boolean {
  if (pod.annotations['ambient.istio.io/redirection'] === 'enabled') return true;
  if (pod.labels[DATAPLANE_MODE_LABEL] === 'none' || pod.labels[SIDECAR_INJECT] === 'true' || hasProxyContainer(pod)) return false;
  return pod.labels[DATAPLANE_MODE_LABEL] === 'ambient' || namespaceInAmbientMode(namespaceLabels(ctx, pod.namespace));
}

/**
 * Whether the pod template already has an `istio-proxy` container with an image (injected by hand, or
 * `image: auto`), among its containers or, as a native sidecar, its init containers.
 */
export function hasProxyContainer(pod: PodInfo): boolean {
  const init = Array.isArray(pod.spec.initContainers) ? pod.spec.initContainers.filter(isRecord) : [];
  return [...containersOf(pod), ...init].some((c) => c.name === 'istio-proxy' && typeof c.image === 'string' && c.image !== '');
}

/** The containers of a pod template that are records. */
export function containersOf(pod: PodInfo): Record<string, any>[] {
  return Array.isArray(pod.spec.containers) ? pod.spec.containers.filter(isRecord) : [];
}

/**
 * Whether the pod gets a sidecar, the way Istio's analyzers decide it (`util.DeploymentInMesh`): an
 * `istio-proxy` container, else the pod's `sidecar.istio.io/inject` label or annotation (`"true"`),
 * else its namespace's `istio-injection=enabled`. Revision injection counts too, which Istio's
 * `DeploymentInMesh` leaves out: an `istio.io/rev` label on the namespace (without `istio-injection`) or on the pod.
 */
export function podInMesh(ctx: AnalysisContext, pod: PodInfo): boolean {
  if (hasProxyContainer(pod)) return true;
  if (pod.labels[SIDECAR_INJECT] !== undefined) return pod.labels[SIDECAR_INJECT] === 'true';
  if (pod.annotations[SIDECAR_INJECT] !== undefined) return pod.annotations[SIDECAR_INJECT] === 'true';
  const ns = namespaceLabels(ctx, pod.namespace);
  if (ns[INJECTION_LABEL] !== undefined) return ns[INJECTION_LABEL] === 'enabled';
  return (ns[REVISION_LABEL] ?? '') !== '' || (pod.labels[REVISION_LABEL] ?? '') !== '';
}

/**
 * Whether one of the injection webhooks selects the pod (namespace and object selectors), and istiod's
 * injection policy then injects it (not `sidecar.istio.io/inject: "false"` as an annotation, not on the
 * host network).
 */
export function injectedByWebhook(ctx: AnalysisContext, pod: PodInfo): boolean {
  if (pod.annotations[SIDECAR_INJECT] === 'false' || pod.spec.hostNetwork === true) return false;
  const ns = namespaceLabels(ctx, pod.namespace);
  return injectionWebhooks(ctx).some((w) => matchesOrAll(w.namespaceSelector, ns) && matchesOrAll(w.objectSelector, pod.labels));
}

/** Whether an optional webhook selector (none: everything) selects `labels`. */
export function matchesOrAll(selector: LabelSelector | undefined, labels: Readonly<Record<string, string>>): boolean {
  return selector === undefined || selectorMatches(selector, labels);
}

function readNamespaceLabels(ctx: AnalysisContext): Map<string, Record<string, string>> {
  const out = new Map<string, Record<string, string>>();
  for (const r of ctx.all(GK.Namespace)) {
    if (out.has(r.name) && r.external) continue; // the output's object wins over a declaration
    const labels: Record<string, string> = {};
    const raw = isRecord(r.raw.metadata) ? r.raw.metadata.labels : undefined;
    if (isRecord(raw)) for (const [k, v] of Object.entries(raw)) if (typeof v === 'string') labels[k] = v;
    labels[NAMESPACE_NAME_LABEL] = r.name;
    out.set(r.name, labels);
  }
  return out;
}

function readControlPlanes(ctx: AnalysisContext): ControlPlane[] {
  const tagsByTarget = new Map<string, string[]>();
  for (const tag of ctx.all('sailoperator.io/IstioRevisionTag')) {
    const target = isRecord(tag.raw.spec) && isRecord(tag.raw.spec.targetRef) ? tag.raw.spec.targetRef.name : undefined;
    if (typeof target === 'string') tagsByTarget.set(target, [...(tagsByTarget.get(target) ?? []), tag.name]);
  }
  // Revision tags written as their own webhook configuration (`istio.io/tag` and `istio.io/rev` labels).
  const tagsByRevision = new Map<string, string[]>();
  for (const r of ctx.all(GK.MutatingWebhook)) {
    const labels = isRecord(r.raw.metadata) && isRecord(r.raw.metadata.labels) ? r.raw.metadata.labels : {};
    if (typeof labels['istio.io/tag'] === 'string' && typeof labels[REVISION_LABEL] === 'string') {
      tagsByRevision.set(labels[REVISION_LABEL], [...(tagsByRevision.get(labels[REVISION_LABEL]) ?? []), labels['istio.io/tag']]);
    }
  }
  return ctx.meshConfigs.map((source) => {
    const spec = isRecord(source.resource.raw.spec) ? source.resource.raw.spec : {};
    const release = istiodChartRelease(source.resource);
    const values = release ? release.values : isRecord(spec.values) ? spec.values : {};
    const injector = isRecord(values.sidecarInjectorWebhook) ? values.sidecarInjectorWebhook : {};
    const components = isRecord(spec.components) ? spec.components : {};
    const pilot = isRecord(components.pilot) ? components.pilot : {};
    const tags = [
      ...(Array.isArray(values.revisionTags) ? values.revisionTags.filter((t): t is string => typeof t === 'string' && t !== '') : []),
      ...(source.resource.groupKind === GK.SailIstio ? tagsByTarget.get(source.resource.name) ?? [] : []),
      ...(tagsByRevision.get(source.revision) ?? []),
    ];
    const names = [...new Set([source.revision, ...tags])];
    return {
      source,
      names,
      isDefault: names.includes('default'),
      enableNamespacesByDefault: injector.enableNamespacesByDefault === true,
      runsIstiod: source.resource.groupKind !== GK.IstioOperator || pilot.enabled !== false,
    };
  });
}

function expr(key: string, operator: string, values: string[] = []): { key: string; operator: string; values: string[] } {
  return { key, operator, values };
}

/** The webhooks istiod's chart installs for a control plane (`mutatingwebhook.yaml`, `revision-tags-mwc.yaml`). */
function chartWebhooks(cp: ControlPlane): InjectionWebhook[] {
  if (!cp.runsIstiod) return [];
  const notDisabled = expr(SIDECAR_INJECT, 'NotIn', ['false']);
  const out: InjectionWebhook[] = [];
  for (const name of cp.names) {
    out.push({ namespaceSelector: { matchExpressions: [expr(REVISION_LABEL, 'In', [name]), expr(INJECTION_LABEL, 'DoesNotExist')] }, objectSelector: { matchExpressions: [notDisabled] } });
    out.push({
      namespaceSelector: { matchExpressions: [expr(REVISION_LABEL, 'DoesNotExist'), expr(INJECTION_LABEL, 'DoesNotExist')] },
      objectSelector: { matchExpressions: [notDisabled, expr(REVISION_LABEL, 'In', [name])] },
    });
  }
  if (cp.isDefault) {
    out.push({ namespaceSelector: { matchExpressions: [expr(INJECTION_LABEL, 'In', ['enabled'])] }, objectSelector: { matchExpressions: [notDisabled] } });
    out.push({
      namespaceSelector: { matchExpressions: [expr(INJECTION_LABEL, 'DoesNotExist'), expr(REVISION_LABEL, 'DoesNotExist')] },
      objectSelector: { matchExpressions: [expr(SIDECAR_INJECT, 'In', ['true']), expr(REVISION_LABEL, 'DoesNotExist')] },
    });
    if (cp.enableNamespacesByDefault) {
      out.push({
        namespaceSelector: {
          matchExpressions: [expr(INJECTION_LABEL, 'DoesNotExist'), expr(REVISION_LABEL, 'DoesNotExist'),
            expr(NAMESPACE_NAME_LABEL, 'NotIn', ['kube-system', 'kube-public', 'kube-node-lease', 'local-path-storage'])],
        },
        objectSelector: { matchExpressions: [expr(SIDECAR_INJECT, 'DoesNotExist'), expr(REVISION_LABEL, 'DoesNotExist')] },
      });
    }
  }
  return out;
}

function readWebhooks(ctx: AnalysisContext, cps: readonly ControlPlane[]): InjectionWebhook[] {
  const out: InjectionWebhook[] = cps.flatMap(chartWebhooks);
  for (const r of ctx.all(GK.MutatingWebhook)) {
    for (const w of Array.isArray(r.raw.webhooks) ? r.raw.webhooks : []) {
      if (!isRecord(w) || typeof w.name !== 'string' || !w.name.endsWith('istio.io')) continue;
      out.push({
        ...(w.namespaceSelector !== undefined && w.namespaceSelector !== null ? { namespaceSelector: readLabelSelector(w.namespaceSelector) ?? NOTHING } : {}),
        ...(w.objectSelector !== undefined && w.objectSelector !== null ? { objectSelector: readLabelSelector(w.objectSelector) ?? NOTHING } : {}),
      });
    }
  }
  return out;
}

/** A selector no labels satisfy (what an unreadable selector amounts to: Kubernetes rejects it). */
const NOTHING: LabelSelector = { matchExpressions: [{ key: '', operator: 'Invalid' }] };
