/**
 * The renderers of a control plane model into the objects of each install target (Helm through Flux
 * or Argo CD, Sail). The istioctl renderer lives in mesh-control-plane.ts next to the IstioOperator.
 * Internal: nothing here is exported from the package.
 */
import { ApiObject, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Application } from '../../imports/argoproj.io';
import { HelmRelease } from '../../imports/helm.toolkit.fluxcd.io';
import { Istio, IstioCni, IstioRevisionTag, ZTunnel } from '../../imports/sailoperator.io';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';
import { ExternalResources } from '../analysis/external';
import { invalidInput } from '../core/errors';
import { markInstallObject } from '../core/install-objects';
import { sortedRecord } from '../core/records';
import { RUNTIME_DEFAULT_SECCOMP } from '../core/scheduling';
import { disruptionBudgetSpec } from '../core/sizing';
import { ComponentSizing, ResourceRequirements } from '../environment';
import { GitOpsTool, ResolvedTarget, SailUpdateStrategy } from './install-target';
import { AffinityJson, MeshConfigJson, TolerationJson } from './istio-operator';

/** One control plane, whatever installs it. */
export interface ControlPlaneModel {
  readonly namespace: string;
  /** The revision as the user gave it (istioctl, Helm), undefined for the default revision. */
  readonly revision: string | undefined;
  /** The revision tag namespaces and gateways point at, if any. */
  readonly revisionTag: string | undefined;
  /** Istio version (image tag), e.g. `1.30.3`. */
  readonly version: string;
  readonly hub: string;
  readonly ambient: boolean;
  readonly cni: boolean;
  readonly sizing: ComponentSizing;
  readonly affinity: AffinityJson | undefined;
  readonly rollout: { maxSurge: number; maxUnavailable: number } | undefined;
  readonly nodeSelector: { [key: string]: string } | undefined;
  readonly tolerations: TolerationJson[] | undefined;
  readonly env: { [key: string]: string } | undefined;
  readonly priorityClassName: string | undefined;
  readonly topologySpreadConstraints: { [key: string]: unknown }[] | undefined;
  readonly sidecarResources: ResourceRequirements;
  readonly meshConfig: MeshConfigJson;
  readonly traceSampling: number | undefined;
}


/**
 * istiod's chart values at the level of the istiod chart (Helm's top level, Sail's and istioctl's
 * `values.pilot`): replicas or HPA, resources, anti-affinity, rollout, scheduling, env, seccomp.
 * The deprecated keys of istioctl's values API are written only by the Helm and Sail renderers, where
 * they are the chart's own (and only) knobs.
 */
export function istiodChartValues(m: ControlPlaneModel): Record<string, unknown> {
  const hpa = m.sizing.autoscaling;
  return {
    autoscaleEnabled: hpa !== undefined,
    ...(hpa ? { autoscaleMin: hpa.minReplicas, autoscaleMax: hpa.maxReplicas, cpu: { targetAverageUtilization: hpa.targetCpuUtilizationPercent } } : { replicaCount: m.sizing.replicas }),
    resources: m.sizing.resources,
    ...(m.affinity ? { affinity: m.affinity } : {}),
    ...(m.rollout ? { rollingMaxSurge: m.rollout.maxSurge, rollingMaxUnavailable: m.rollout.maxUnavailable } : {}),
    ...(m.nodeSelector ? { nodeSelector: m.nodeSelector } : {}),
    ...(m.tolerations ? { tolerations: m.tolerations } : {}),
    ...(m.env ? { env: m.env } : {}),
    ...(m.topologySpreadConstraints ? { topologySpreadConstraints: m.topologySpreadConstraints } : {}),
    seccompProfile: RUNTIME_DEFAULT_SECCOMP,
    ...(m.traceSampling !== undefined ? { traceSampling: m.traceSampling } : {}),
  };
}

/** `global` values shared by the Helm and Sail renderers. */
function globalValues(m: ControlPlaneModel, pdbFromChart: boolean): Record<string, unknown> {
  return {
    hub: m.hub,
    tag: m.version,
    istioNamespace: m.namespace,
    proxy: { resources: m.sidecarResources, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
    defaultPodDisruptionBudget: { enabled: pdbFromChart && m.sizing.podDisruptionBudget !== undefined },
    ...(m.priorityClassName ? { priorityClassName: m.priorityClassName } : {}),
  };
}

/** The Helm values of the istiod chart (flat: the chart reads `autoscaleMin`, not `pilot.autoscaleMin`). */
export function istiodHelmValues(m: ControlPlaneModel): Record<string, unknown> {
  const pdb = m.sizing.podDisruptionBudget;
  return {
    ...(m.revision ? { revision: m.revision } : {}),
    ...(m.ambient ? { profile: 'ambient' } : {}),
    global: globalValues(m, true),
    ...istiodChartValues(m),
    ...(pdb ? { pdb: disruptionBudgetSpec(pdb) } : {}),
    meshConfig: m.meshConfig,
  };
}

/** The name of istiod's Deployment and Service: `istiod` or `istiod-<revision>`. */
export function istiodName(revision: string | undefined): string {
  return revision && revision !== 'default' ? `istiod-${revision}` : 'istiod';
}

/** The webhook paths istiod rewrites at run time, which a GitOps tool must not treat as drift. */
export const WEBHOOK_RUNTIME_FIELDS = {
  /** istiod writes its CA into every injection webhook of its revision. */
  mutating: ['caBundle'],
  /** istiod writes its CA and turns `failurePolicy` from Ignore to Fail once it serves validation. */
  validating: ['caBundle', 'failurePolicy'],
};

const CHART_ORDER = ['base', 'istiod', 'cni', 'ztunnel'] as const;
type ChartName = typeof CHART_ORDER[number];

interface Release {
  readonly chart: ChartName;
  readonly name: string;
  readonly version: () => string;
  readonly values: () => Record<string, unknown>;
  readonly dependsOn: string[];
  /** How many webhooks of each kind the release renders (for Flux's JSON-pointer drift ignores). */
  readonly webhooks: { mutating: number; validating: number };
}

/** Sync wave of each chart's Application: base first, then istiod, then the node agents. */
const ARGO_WAVES: Record<ChartName, number> = { base: 0, istiod: 1, cni: 2, ztunnel: 2 };

/**
 * The objects one chart's control planes share: the Helm repository, the `base` release (CRDs and the
 * default validator), the node agents (`cni`, `ztunnel`) and the control plane namespace. Created by the
 * first control plane of a chart; each later one registers its version (base and the node agents run
 * the newest, as Istio's canary upgrade asks: CRDs first) and its revision.
 * @internal
 */
export class SharedInstall extends Construct {
  /** The shared objects of `chart`, created on first use. */
  public static of(chart: Construct, target: ResolvedTarget, owner: IConstruct): SharedInstall {
    const found = chart.node.tryFindChild(SHARED_ID) as SharedInstall | undefined;
    if (found) {
      if (found.target.kind !== target.kind || found.target.helm?.tool !== target.helm?.tool) {
        throw invalidInput(owner, 'target', target.kind, `differs from the install target of another control plane of this chart (${found.target.kind}${found.target.helm ? ` with ${found.target.helm.tool}` : ''})`,
          'install every control plane of a chart with the same target');
      }
      return found;
    }
    return new SharedInstall(chart, target);
  }

  private readonly planes: ControlPlaneModel[] = [];

  private constructor(scope: Construct, public readonly target: ResolvedTarget) {
    super(scope, SHARED_ID);
  }

  /** Registers a control plane; the first one creates the shared objects. */
  public add(owner: Construct, m: ControlPlaneModel): void {
    const first = this.planes.length === 0;
    if (!first && this.planes[0].namespace !== m.namespace) {
      throw invalidInput(owner, 'namespace', m.namespace, `differs from ${this.planes[0].namespace}, the namespace of another control plane of this chart`, 'run every revision in one namespace');
    }
    if (!first && this.planes[0].ambient !== m.ambient) {
      throw invalidInput(owner, 'dataplaneMode', m.ambient ? 'ambient' : 'sidecar', 'differs from another control plane of this chart (the node agents are shared)', 'give every revision the same dataplaneMode');
    }
    this.planes.push(m);
    if (!first) return;
    markInstallObject(new ApiObject(this, 'Namespace', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: m.namespace } }));
    if (this.target.kind === 'helm') this.renderHelmShared(m);
    if (this.target.kind === 'sail' && m.ambient) this.renderSailShared(m);
  }

  /** The newest version of the registered control planes. */
  public newestVersion(): string {
    return this.planes.map((p) => p.version).sort(compareVersions).reverse()[0];
  }

  /** The revision the `base` chart's default validator calls: the one the first revision tag points at, else the newest. */
  private defaultRevision(): string {
    const tagged = this.planes.find((p) => p.revisionTag !== undefined);
    const pick = tagged ?? this.planes.find((p) => p.version === this.newestVersion())!;
    return pick.revision ?? 'default';
  }

  private renderHelmShared(m: ControlPlaneModel): void {
    const helm = this.target.helm!;
    // Flux or Argo CD runs in its namespace: it exists wherever these objects can be applied.
    new ExternalResources(this, 'GitOpsToolNamespace', { namespaces: [helm.toolNamespace] });
    if (helm.tool === GitOpsTool.FLUX) {
      markInstallObject(new HelmRepository(this, 'HelmRepository', {
        metadata: { name: 'istio', namespace: helm.toolNamespace },
        spec: { url: helm.repositoryUrl, interval: '1h' },
      }));
    }
    renderRelease(this, this.target, m.namespace, {
      chart: 'base',
      name: 'istio-base',
      version: () => this.newestVersion(),
      values: () => ({ defaultRevision: this.defaultRevision(), global: { istioNamespace: m.namespace } }),
      dependsOn: [],
      webhooks: { mutating: 0, validating: 1 },
    });
    if (m.ambient) {
      renderRelease(this, this.target, m.namespace, {
        chart: 'cni',
        name: 'istio-cni',
        version: () => this.newestVersion(),
        values: () => ({ profile: 'ambient', global: { hub: m.hub, tag: this.newestVersion() }, seccompProfile: RUNTIME_DEFAULT_SECCOMP }),
        dependsOn: ['istio-base'],
        webhooks: { mutating: 0, validating: 0 },
      });
      renderRelease(this, this.target, m.namespace, {
        chart: 'ztunnel',
        name: 'ztunnel',
        version: () => this.newestVersion(),
        values: () => ({ profile: 'ambient', hub: m.hub, tag: this.newestVersion(), istioNamespace: m.namespace }),
        dependsOn: ['istio-cni'],
        webhooks: { mutating: 0, validating: 0 },
      });
    }
  }

  private renderSailShared(m: ControlPlaneModel): void {
    const version = Lazy.any({ produce: () => `v${this.newestVersion()}` });
    markInstallObject(new IstioCni(this, 'IstioCNI', {
      metadata: { name: 'default' },
      spec: { version, namespace: m.namespace, profile: 'ambient', values: { cni: { seccompProfile: RUNTIME_DEFAULT_SECCOMP } } } as any,
    }));
    markInstallObject(new ZTunnel(this, 'ZTunnel', {
      metadata: { name: 'default' },
      spec: { version, namespace: m.namespace } as any,
    }));
  }
}

const SHARED_ID = 'IstioInstall';

/** Orders `1.29.4` before `1.30.3` (numerically, part by part). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((x) => parseInt(x, 10));
  const pb = b.split(/[.-]/).map((x) => parseInt(x, 10));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (Number.isNaN(pa[i]) ? -1 : pa[i] ?? -1) - (Number.isNaN(pb[i]) ? -1 : pb[i] ?? -1);
    if (d !== 0) return d;
  }
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A Flux HelmRelease or an Argo CD Application for one chart. */
export function renderRelease(scope: Construct, target: ResolvedTarget, namespace: string, r: Release): ApiObject {
  const helm = target.helm!;
  if (helm.tool === GitOpsTool.FLUX) {
    const ignore = [
      ...(r.webhooks.mutating > 0 ? [{
        paths: range(r.webhooks.mutating).flatMap((i) => WEBHOOK_RUNTIME_FIELDS.mutating.map((f) => `/webhooks/${i}/clientConfig/${f}`)),
        target: { group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration' },
      }] : []),
      ...(r.webhooks.validating > 0 ? [{
        paths: range(r.webhooks.validating).flatMap((i) => WEBHOOK_RUNTIME_FIELDS.validating.map((f) => (f === 'caBundle' ? `/webhooks/${i}/clientConfig/caBundle` : `/webhooks/${i}/${f}`))),
        target: { group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration' },
      }] : []),
    ];
    return markInstallObject(new HelmRelease(scope, `HelmRelease-${r.name}`, {
      metadata: { name: r.name, namespace: helm.toolNamespace },
      spec: {
        interval: '10m',
        releaseName: r.name,
        targetNamespace: namespace,
        // Helm keeps the release's history in the namespace of what it installs, not in Flux's.
        storageNamespace: namespace,
        chart: { spec: { chart: r.chart, version: Lazy.any({ produce: () => r.version() }), sourceRef: { kind: 'HelmRepository', name: 'istio' } } },
        ...(r.dependsOn.length ? { dependsOn: r.dependsOn.map((name) => ({ name })) } : {}),
        // base installs the CRDs: Flux creates them on install and updates them on upgrade.
        ...(r.chart === 'base' ? { install: { crds: 'Create' }, upgrade: { crds: 'CreateReplace' } } : {}),
        driftDetection: { mode: 'enabled', ...(ignore.length ? { ignore } : {}) },
        values: Lazy.any({ produce: () => r.values() }),
      } as any,
    }));
  }
  return markInstallObject(new Application(scope, `Application-${r.name}`, {
    metadata: {
      name: r.name,
      namespace: helm.toolNamespace,
      annotations: { 'argocd.argoproj.io/sync-wave': String(ARGO_WAVES[r.chart]) },
    },
    spec: {
      project: helm.argoCdProject,
      source: {
        repoUrl: helm.repositoryUrl,
        chart: r.chart,
        targetRevision: Lazy.any({ produce: () => r.version() }),
        helm: { releaseName: r.name, valuesObject: Lazy.any({ produce: () => r.values() }) },
      },
      destination: { server: 'https://kubernetes.default.svc', namespace },
      syncPolicy: {
        automated: { prune: true, selfHeal: true },
        // Waves order these Applications only where Argo CD assesses Application health (see the
        // README); without it, a release synced before `base` installed the CRDs fails and is retried.
        retry: { limit: 10, backoff: { duration: '30s', factor: 2, maxDuration: '10m' } },
        // RespectIgnoreDifferences: a sync leaves the ignored fields as istiod wrote them.
        syncOptions: ['RespectIgnoreDifferences=true', ...(r.chart === 'base' ? ['ServerSideApply=true'] : [])],
      },
      ignoreDifferences: [
        ...(r.webhooks.mutating > 0 ? [{
          group: 'admissionregistration.k8s.io', kind: 'MutatingWebhookConfiguration',
          jqPathExpressions: WEBHOOK_RUNTIME_FIELDS.mutating.map((f) => `.webhooks[]?.clientConfig.${f}`),
        }] : []),
        ...(r.webhooks.validating > 0 ? [{
          group: 'admissionregistration.k8s.io', kind: 'ValidatingWebhookConfiguration',
          jqPathExpressions: WEBHOOK_RUNTIME_FIELDS.validating.map((f) => (f === 'caBundle' ? '.webhooks[]?.clientConfig.caBundle' : `.webhooks[]?.${f}`)),
        }] : []),
      ],
    } as any,
  }));
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The istiod release of one control plane (its revision's injection and validation webhooks). */
export function renderIstiodRelease(scope: Construct, target: ResolvedTarget, m: ControlPlaneModel): ApiObject {
  return renderRelease(scope, target, m.namespace, {
    chart: 'istiod',
    name: istiodName(m.revision),
    version: () => m.version,
    values: () => istiodHelmValues(m),
    dependsOn: ['istio-base'],
    // rev.namespace / rev.object (2), or 4 for the default revision; one validator.
    webhooks: { mutating: m.revision ? 2 : 4, validating: 1 },
  });
}

/** The revision Sail names for an `Istio` of `name` at `version`. */
export function sailRevision(name: string, strategy: SailUpdateStrategy, version: string): string {
  return strategy === SailUpdateStrategy.REVISION_BASED ? `${name}-v${version.replace(/\./g, '-')}` : name;
}

/** The Sail `Istio` of one control plane, with its tag and the PodDisruptionBudget Sail's values have no knob for. */
export function renderSail(scope: Construct, target: ResolvedTarget, m: ControlPlaneModel, revision: string): ApiObject[] {
  const sail = target.sail!;
  const out: ApiObject[] = [];
  out.push(markInstallObject(new Istio(scope, 'Istio', {
    metadata: { name: sail.name },
    spec: {
      version: `v${m.version}`,
      namespace: m.namespace,
      ...(m.ambient ? { profile: 'ambient' } : {}),
      updateStrategy: {
        type: sail.updateStrategy,
        ...(sail.gracePeriodSeconds !== undefined ? { inactiveRevisionDeletionGracePeriodSeconds: sail.gracePeriodSeconds } : {}),
      },
      values: {
        global: globalValues(m, false),
        pilot: istiodChartValues(m),
        meshConfig: m.meshConfig,
      },
    } as any,
  })));
  const pdb = m.sizing.podDisruptionBudget;
  if (pdb) {
    // Sail's values carry no istiod PodDisruptionBudget settings (the chart's `pdb` is not in its
    // API), so the chart's fixed budget is turned off and this one is written instead.
    out.push(markInstallObject(new ApiObject(scope, 'PodDisruptionBudget', {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: istiodName(revision), namespace: m.namespace },
      spec: { ...disruptionBudgetSpec(pdb), selector: { matchLabels: sortedRecord({ 'app': 'istiod', 'istio.io/rev': revision }) } },
    })));
  }
  if (m.revisionTag) {
    out.push(markInstallObject(new IstioRevisionTag(scope, 'IstioRevisionTag', {
      metadata: { name: m.revisionTag },
      spec: { targetRef: { kind: 'Istio', name: sail.name } } as any,
    })));
  }
  return out;
}

/**
 * The injection webhooks of a revision tag, outside any istiod release: `istio-revision-tag-<tag>`,
 * the same webhooks istiod's chart renders for `revisionTags` (namespaces labelled `istio.io/rev=<tag>`,
 * or pods so labelled in unlabelled namespaces), calling the istiod of the revision the tag points at.
 * Labelled `istio.io/rev=<revision>`, so that istiod writes its CA into `caBundle`. Moving the tag
 * rewrites this one object; no istiod release owns it, so two releases never fight over it.
 */
export function renderTagWebhook(scope: Construct, m: ControlPlaneModel): ApiObject {
  const tag = m.revisionTag!;
  const name = m.namespace === 'istio-system' ? `istio-revision-tag-${tag}` : `istio-revision-tag-${tag}-${m.namespace}`;
  const hook = (prefix: string, namespaceSelector: unknown, objectSelector: unknown) => ({
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: { service: { name: istiodName(m.revision), namespace: m.namespace, path: '/inject', port: 443 } },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1'],
    namespaceSelector,
    objectSelector,
  });
  const notDisabled = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
  return markInstallObject(new ApiObject(scope, 'RevisionTagWebhook', {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name,
      labels: sortedRecord({ 'app': 'sidecar-injector', 'istio.io/rev': m.revision ?? 'default', 'istio.io/tag': tag }),
    },
    webhooks: [
      hook('rev.namespace.',
        { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [tag] }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
        { matchExpressions: [notDisabled] }),
      hook('rev.object.',
        { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
        { matchExpressions: [notDisabled, { key: 'istio.io/rev', operator: 'In', values: [tag] }] }),
    ],
  }));
}
