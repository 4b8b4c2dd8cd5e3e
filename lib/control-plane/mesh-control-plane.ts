import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IndexedKind, indexInCharts } from '../core/chart-index';
import { checkEnvironmentShape } from '../core/environment-shape';
import { formatInputError, invalidInput } from '../core/errors';
import {
  checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkOneOf, checkOptions, checkProps, checkString, checkStringMap, copyOptions,
} from '../core/input';
import { checkLabels, checkSelectorLabels, isLabelKey, isLabelValue } from '../core/labels';
import { checkDnsLabel, isEnvVarName } from '../core/names';
import { frozenCopy, sortedRecord } from '../core/records';
import { RUNTIME_DEFAULT_SECCOMP } from '../core/scheduling';
import { checkResources, disruptionBudgetSpec, podAntiAffinity, resolveSizing, SizingOverrides } from '../core/sizing';
import { AntiAffinityMode, ComponentSizing, EnvironmentProfile, ResourceRequirements } from '../environment';
import { MeshApp } from '../mesh-app';
import { MeshChart } from '../mesh-chart';
import {
  ComponentJson, GatewayComponentJson, IstioOperatorSpecJson, KubernetesResourcesJson, MeshConfigJson, ProxyConfigJson, TolerationJson, ValuesJson,
} from './istio-operator';
import { InstallTarget, MeshDataplaneMode, ResolvedTarget } from './install-target';
import { checkProxyStatsMatcher, MeshConfigOptions, ProxyStatsMatcher, renderMeshConfig } from './mesh-config';
import {
  ControlPlaneModel, renderIstiodRelease, renderSail, renderTagWebhook, sailRevision, SharedInstall,
} from './renderers';

/** istioctl's built-in installation profiles (Istio 1.30). */
export enum InstallProfile {
  /** Production: istiod and an ingress gateway. */
  DEFAULT = 'default',
  /** Everything on, for trying features; not for production. */
  DEMO = 'demo',
  /** istiod only: gateways are installed separately (what `IngressGateway` does). */
  MINIMAL = 'minimal',
  /** Nothing; build the install from components. */
  EMPTY = 'empty',
  /** A remote cluster whose control plane runs elsewhere. */
  REMOTE = 'remote',
  /** Experimental features of the release. */
  PREVIEW = 'preview',
  /** Only features at the Stable maturity level. */
  STABLE = 'stable',
  /** Ambient mode: istiod, istio-cni and ztunnel, no sidecars. */
  AMBIENT = 'ambient',
  /** The default profile adjusted for OpenShift. */
  OPENSHIFT = 'openshift',
  /** Ambient mode on OpenShift. */
  OPENSHIFT_AMBIENT = 'openshift-ambient',
}

/** Default sidecar resources for the mesh. */
export class SidecarResources {
  /** The environment's sidecar defaults (PROD: 100m/128Mi requests, 2 CPU/1Gi limits). */
  public static readonly ENVIRONMENT = new SidecarResources('environment', undefined);
  /** The environment's `optimized` preset (50m/64Mi requests, 500m/256Mi limits) for low-traffic meshes. */
  public static readonly OPTIMIZED = new SidecarResources('optimized', undefined);
  /** Requests and limits of your own. */
  public static custom(resources: ResourceRequirements): SidecarResources {
    return new SidecarResources('custom', copyOptions(resources));
  }

  private constructor(private readonly choice: 'environment' | 'optimized' | 'custom', private readonly resources: ResourceRequirements | undefined) {}

  /** @internal The resources to check and use; `custom` ones as given, whatever they are. */
  public _pick(env: EnvironmentProfile): ResourceRequirements {
    if (this.choice === 'custom') return this.resources as ResourceRequirements;
    return this.choice === 'optimized' ? env.sidecar.optimized : env.sidecar.resources;
  }
}

/** A node taint that istiod tolerates. */
export interface Toleration {
  /**
   * Taint key; required with `Equal`. Left out with `Exists`, every taint is tolerated.
   * @default none (only with operator `Exists`)
   */
  readonly key?: string;
  /**
   * `Equal` compares the value, `Exists` ignores it.
   * @default "Equal"
   */
  readonly operator?: 'Equal' | 'Exists';
  /**
   * Taint value, for `Equal`.
   * @default "" (an empty value)
   */
  readonly value?: string;
  /**
   * Taint effect to tolerate.
   * @default every effect
   */
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  /**
   * For `NoExecute`: how long the pod stays after the taint appears.
   * @default forever
   */
  readonly tolerationSeconds?: number;
}

/** istiod (the `pilot` component). Sizing fields default to the environment's. */
export interface PilotOptions extends SizingOverrides {
  /**
   * Node labels istiod pods must be scheduled on.
   * @default none
   */
  readonly nodeSelector?: { readonly [key: string]: string };
  /**
   * Taints istiod tolerates.
   * @default none
   */
  readonly tolerations?: Toleration[];
  /**
   * Extra environment variables of istiod (feature flags such as `PILOT_ENABLE_ALPHA_GATEWAY_API`).
   * @default none
   */
  readonly env?: { readonly [name: string]: string };
  /**
   * PriorityClass of istiod pods; `system-cluster-critical` keeps them from being preempted. With
   * Helm and Sail it is the chart's `global.priorityClassName` (istiod is the only pod of the chart).
   * @default "system-cluster-critical" in a production environment (PROD), none elsewhere
   */
  readonly priorityClassName?: string;
  /**
   * Spread istiod replicas across zones (`topologySpreadConstraints` on `topology.kubernetes.io/zone`,
   * maxSkew 1, `ScheduleAnyway`: a cluster with one zone, or a zone without room, still schedules),
   * on top of the anti-affinity across hosts.
   * @default true in a production environment (PROD), false elsewhere
   */
  readonly spreadAcrossZones?: boolean;
}

/** An ingress or egress gateway installed by istioctl itself (the `IngressGateway` construct is the GitOps way). */
export interface GatewayComponentOptions extends SizingOverrides {
  /** Component name, e.g. `istio-ingressgateway`. */
  readonly name: string;
  /**
   * Namespace of the gateway.
   * @default the control plane namespace
   */
  readonly namespace?: string;
  /**
   * Labels of the gateway pods (Gateway resources select on them).
   * @default `istio: <name without the istio- prefix>`
   */
  readonly labels?: { readonly [key: string]: string };
}

/** Props of a {@link MeshControlPlane}. */
export interface MeshControlPlaneProps {
  /**
   * The environment whose sizing applies.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
  /**
   * istioctl installation profile.
   * @default InstallProfile.MINIMAL: istiod only; gateways come from `IngressGateway`, so GitOps owns them
   */
  readonly profile?: InstallProfile;
  /**
   * Image registry.
   * @default "docker.io/istio"
   */
  readonly hub?: string;
  /**
   * Image tag; pin it, never `latest`.
   * @default "1.30.3"
   */
  readonly tag?: string;
  /**
   * Control plane revision for canary upgrades, a DNS label such as `1-30-3` (no dots).
   * @default none (the default revision)
   */
  readonly revision?: string;
  /**
   * Namespace of the control plane.
   * @default "istio-system"
   */
  readonly namespace?: string;
  /**
   * Name of the IstioOperator object.
   * @default "control-plane", or "control-plane-<revision>" with a revision
   */
  readonly name?: string;
  /**
   * istiod sizing and scheduling.
   * @default the environment's
   */
  readonly pilot?: PilotOptions;
  /**
   * Mesh-wide configuration.
   * @default see MeshConfigOptions: REGISTRY_ONLY egress, holdApplicationUntilProxyStarts, Prometheus merge
   */
  readonly meshConfig?: MeshConfigOptions;
  /**
   * Default resources of every injected sidecar.
   * @default SidecarResources.ENVIRONMENT
   */
  readonly sidecarResources?: SidecarResources;
  /**
   * Ingress gateways for istioctl to install.
   * @default none
   */
  readonly ingressGateways?: GatewayComponentOptions[];
  /**
   * Egress gateways for istioctl to install.
   * @default none
   */
  readonly egressGateways?: GatewayComponentOptions[];
  /**
   * How the control plane is installed: istioctl, Istio's Helm charts through Flux or Argo CD, or the
   * Sail Operator. Every target installs the same sizing, HA, mesh config, components and revision.
   * @default InstallTarget.ISTIOCTL
   */
  readonly target?: InstallTarget;
  /**
   * A revision tag (e.g. `prod-stable`) that points at this control plane's revision. Namespaces and
   * gateways given this control plane are labelled with the tag (`injectionRevision`), never with the
   * revision, so an upgrade moves the tag instead of relabelling them. istioctl and Helm: a
   * MutatingWebhookConfiguration `istio-revision-tag-<tag>` written outside any istiod release; Sail: an
   * `IstioRevisionTag` that targets the `Istio` (it follows the Istio to each new revision).
   * @default none: namespaces point at the revision itself
   */
  readonly revisionTag?: string;
  /**
   * Sidecars only, or ambient mode as well: ambient adds the istio-cni and ztunnel node agents in every
   * target (istioctl: the ambient profile; Helm: the `cni` and `ztunnel` charts; Sail: `IstioCNI` and
   * `ZTunnel`).
   * @default MeshDataplaneMode.SIDECAR, or AMBIENT with an ambient profile
   */
  readonly dataplaneMode?: MeshDataplaneMode;
  /**
   * Install the istio-cni node agent (pods need no NET_ADMIN init container).
   * @default true for the ambient profiles (they require it), false otherwise
   */
  readonly cni?: boolean;
}

const DEFAULT_TAG = '1.30.3';


/**
 * The rolling-update limits of a component whose replicas must not share a node (REQUIRED
 * anti-affinity) and that runs at least two of them: replace one pod at a time (`maxSurge 0`,
 * `maxUnavailable 1`) instead of the charts' `maxSurge 100%` / `maxUnavailable 25%`. With the chart
 * defaults and 2–3 replicas, 25% rounds down to 0, so a rollout can only surge; a surge pod needs a
 * node without a replica, and when every node already has one it stays Pending and the rollout never
 * finishes. With one replica there is no such override: taking the only pod down first would be an
 * outage (no injection, no config push), while a stalled surge leaves the old pod serving.
 *
 * Returns undefined when the defaults are fine.
 */
function requiredSpreadRollout(sizing: ComponentSizing): { maxSurge: number; maxUnavailable: number } | undefined {
  const floor = sizing.autoscaling ? sizing.autoscaling.minReplicas : sizing.replicas;
  return sizing.antiAffinity.mode === AntiAffinityMode.REQUIRED && floor >= 2 ? { maxSurge: 0, maxUnavailable: 1 } : undefined;
}

/**
 * The `k8s` block of a component from its sizing.
 *
 * With an HPA, `replicaCount` is left out: istioctl patches `spec.replicas` on every install, which
 * would fight the HPA (istioctl warns "components.pilot.k8s.replicaCount should not be set when
 * values.pilot.autoscaleEnabled is true").
 *
 * The HPA (`hpaSpec`, which istioctl overlays on the HPA the chart renders from
 * `values.pilot.autoscaleEnabled/Min/Max`) and the rollout limits (`strategy`) are written here, the
 * one place istioctl 1.30 does not deprecate: `values.pilot.cpu`, `rollingMaxSurge` and
 * `rollingMaxUnavailable` are deprecated in its values API.
 */
function kubernetesSettings(sizing: ComponentSizing, selector: { [key: string]: string }): KubernetesResourcesJson {
  const hpa = sizing.autoscaling;
  const affinity = podAntiAffinity(sizing, selector);
  const rollout = requiredSpreadRollout(sizing);
  return {
    ...(hpa ? {} : { replicaCount: sizing.replicas }),
    resources: sizing.resources,
    ...(hpa ? {
      hpaSpec: {
        minReplicas: hpa.minReplicas,
        maxReplicas: hpa.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpa.targetCpuUtilizationPercent } } }],
      },
    } : {}),
    ...(rollout ? { strategy: { rollingUpdate: rollout } } : {}),
    ...(affinity ? { affinity } : {}),
    ...(sizing.podDisruptionBudget ? { podDisruptionBudget: disruptionBudgetSpec(sizing.podDisruptionBudget) } : {}),
  };
}

/**
 * The Istio control plane: one model of istiod's sizing, HA, mesh config, components and revision,
 * rendered for the chosen install target (`target`):
 *
 * - `InstallTarget.ISTIOCTL` (default): the IstioOperator that `istioctl install -f` reads. It has no
 *   CRD: `MeshApp.synth` writes it under `dist/<env>/istioctl/`, apart from the manifests GitOps
 *   applies, and synthesis under any other App fails, since that App would write it among them.
 * - `InstallTarget.helm({ tool })`: Istio's charts `base` and `istiod` (and `cni`, `ztunnel` in
 *   ambient mode) as Flux HelmReleases (`dependsOn` base → istiod) or Argo CD Applications (sync waves
 *   0, 1, 2), with drift rules for the webhook fields istiod rewrites at run time. `base`, the node
 *   agents, the Helm repository and the namespace are shared by the control planes of a chart.
 * - `InstallTarget.sail()`: a Sail Operator `Istio` (`IstioCNI` and `ZTunnel` in ambient mode).
 *
 * Sizing, HPA, anti-affinity and the PodDisruptionBudget of istiod come from the environment and can be
 * overridden field by field; in a production environment istiod also spreads across zones and runs as
 * `system-cluster-critical`. Every pod the control plane defines (istiod, sidecars, the CNI agent) runs
 * with `seccompProfile: RuntimeDefault`.
 *
 * Two Istio defaults are overridden on purpose, because their silent effect surprises: with no HPA in
 * the environment, `autoscaleEnabled` is set false (Istio would otherwise add an HPA of 1–5), and with
 * no PodDisruptionBudget, `global.defaultPodDisruptionBudget.enabled` is false (Istio's minAvailable-1
 * budget on a single replica blocks node drains). Where a target has no knob for a setting, the object
 * is written next to it: Sail's values have no istiod PodDisruptionBudget settings, so with Sail the
 * chart's budget is off and a PodDisruptionBudget `istiod-<revision>` is written.
 *
 * With an HPA no replica count is written: the HPA owns `spec.replicas`, which istioctl would otherwise
 * reset on every install. With REQUIRED anti-affinity and at least two replicas, rollouts replace one
 * pod at a time (maxSurge 0, maxUnavailable 1) so that they never wait for a free node.
 *
 * Revision tags and canary upgrades: with `revisionTag`, namespaces and gateways point at the tag
 * (`injectionRevision`). Two control planes of different revisions may run side by side in one chart;
 * the tag is set on one of them, so moving it (and rolling back) is one value.
 */
export class MeshControlPlane extends Construct {
  /** The control plane namespace. */
  public readonly namespace: string;
  /**
   * The revision, or undefined for the default revision. With Sail it is the revision Sail creates:
   * `<name>-v1-30-3` under RevisionBased, the `Istio`'s name under InPlace.
   */
  public readonly revision: string | undefined;
  /** The revision tag that points at this control plane, if any. */
  public readonly revisionTag: string | undefined;
  /**
   * The value of `istio.io/rev` that namespaces and gateways of this control plane carry: the revision
   * tag when one is set, else the revision (undefined: the default revision, `istio-injection=enabled`).
   */
  public readonly injectionRevision: string | undefined;
  /** The install target. */
  public readonly target: InstallTarget;
  /** How pods join this mesh: sidecars, or ambient mode (ztunnel and the CNI agent installed). */
  public readonly dataplaneMode: MeshDataplaneMode;
  /** The Istio version installed, e.g. `1.30.3`. */
  public readonly version: string;
  /** The resolved istiod sizing. */
  public readonly pilotSizing: ComponentSizing;
  /**
   * The object that installs istiod: the IstioOperator (istioctl), the istiod HelmRelease or Argo CD
   * Application (Helm), or the Sail `Istio`.
   */
  public readonly resource: ApiObject;
  /** Names of the ext-authz providers in `meshConfig.extAuthzProviders`, which CUSTOM policies may name. */
  public readonly extAuthzProviderNames: string[];

  private readonly spec: IstioOperatorSpecJson | undefined;
  private readonly resolvedTarget: ResolvedTarget;
  /** The mesh config every target writes (one object, shared by the renderers, read at synth). */
  private readonly meshConfigJson: MeshConfigJson;
  /** `meshConfig.defaultConfig.proxyStatsMatcher` as the props set it, before {@link addProxyStats}. */
  private readonly baseStats: ProxyStatsMatcher | undefined;
  /** Stats added with {@link addProxyStats}. */
  private readonly addedStats: ProxyStatsMatcher[] = [];

  constructor(scope: Construct, id: string, props: MeshControlPlaneProps = {}) {
    super(scope, id);
    props = checkProps(this, props, 'MeshControlPlaneProps');
    indexInCharts(this, IndexedKind.MESH_CONTROL_PLANE);
    const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkEnvironment(this, props.environment);
    this.target = props.target === undefined ? InstallTarget.ISTIOCTL
      : checkInstance(this, 'target', props.target, InstallTarget, 'use InstallTarget.ISTIOCTL, InstallTarget.helm({ tool }) or InstallTarget.sail()');
    this.resolvedTarget = this.target._resolve(this);
    const target = this.resolvedTarget;
    const profile = props.profile === undefined ? undefined : checkEnum(this, 'profile', props.profile, InstallProfile, 'InstallProfile');
    const ambientProfile = profile === InstallProfile.AMBIENT || profile === InstallProfile.OPENSHIFT_AMBIENT;
    const mode = props.dataplaneMode === undefined ? (ambientProfile ? MeshDataplaneMode.AMBIENT : MeshDataplaneMode.SIDECAR)
      : checkEnum(this, 'dataplaneMode', props.dataplaneMode, MeshDataplaneMode, 'MeshDataplaneMode');
    if (ambientProfile && mode !== MeshDataplaneMode.AMBIENT) {
      throw invalidInput(this, 'dataplaneMode', mode, `contradicts the ${profile} profile`, 'use MeshDataplaneMode.AMBIENT, or a sidecar profile');
    }
    const ambient = mode === MeshDataplaneMode.AMBIENT;
    this.dataplaneMode = mode;
    if (profile !== undefined && target.kind !== 'istioctl') {
      throw invalidInput(this, 'profile', profile, `is an istioctl profile, which the ${target.kind} target does not read`, 'drop profile (ambient mode is dataplaneMode: MeshDataplaneMode.AMBIENT)');
    }
    if (props.revision !== undefined) {
      const revision = checkString(this, 'revision', props.revision, { fix: 'name the revision after the version, e.g. "1-30-3"' });
      checkDnsLabel(this, 'revision', revision, `write the version with dashes, e.g. "${revision.toLowerCase().replace(/[^a-z0-9-]/g, '-')}"`);
      if (revision === 'default') {
        throw invalidInput(this, 'revision', revision, 'is the name of the default revision tag', 'leave revision out for the default revision, or name it after the version, e.g. "1-30-3"');
      }
    }
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? 'istio-system', 'use a namespace name such as "istio-system"');
    const tag = props.tag === undefined ? DEFAULT_TAG : checkString(this, 'tag', props.tag, { fix: `pin a release such as "${DEFAULT_TAG}"` });
    if (!/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/.test(tag) || tag === 'latest') {
      throw invalidInput(this, 'tag', tag, tag === 'latest' ? 'is not pinned (every istiod restart could change version)' : 'is not an image tag', `pin a release such as "${DEFAULT_TAG}"`);
    }
    if (target.kind !== 'istioctl' && !/^\d+\.\d+\.\d+$/.test(tag)) {
      throw invalidInput(this, 'tag', tag, `is not a release version, which the ${target.kind} target installs by (chart version / Sail version)`, `give the version, e.g. "${DEFAULT_TAG}"`);
    }
    this.version = tag;
    if (target.kind === 'sail') {
      const sail = target.sail!;
      const computed = sailRevision(sail.name, sail.updateStrategy, tag);
      if (props.revision !== undefined && props.revision !== computed) {
        throw invalidInput(this, 'revision', props.revision, `is not the revision Sail names for Istio "${sail.name}" at ${tag} with ${sail.updateStrategy} (${computed})`,
          `leave revision out (it is "${computed}"), or write "${computed}"`);
      }
      this.revision = computed === 'default' ? undefined : computed;
    } else {
      this.revision = props.revision;
    }
    if (props.revisionTag !== undefined) {
      checkDnsLabel(this, 'revisionTag', props.revisionTag, 'name the tag after its role, e.g. "prod-stable"');
      if (props.revisionTag === 'default') {
        throw invalidInput(this, 'revisionTag', props.revisionTag, 'is the default tag, which also takes over `istio-injection=enabled` namespaces',
          'name the tag after its role, e.g. "prod-stable"');
      }
      if (props.revisionTag === this.revision) {
        throw invalidInput(this, 'revisionTag', props.revisionTag, 'is the name of the revision itself', 'name the tag after its role, e.g. "prod-stable"');
      }
    }
    this.revisionTag = props.revisionTag;
    this.injectionRevision = this.revisionTag ?? this.revision;
    const hub = props.hub === undefined ? 'docker.io/istio' : checkString(this, 'hub', props.hub, { fix: 'use e.g. "docker.io/istio" or "registry.example.com/istio"' });
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]+)?(\/[a-z0-9._-]+)*$/.test(hub)) {
      throw invalidInput(this, 'hub', hub, 'is not an image registry path', 'use e.g. "docker.io/istio" or "registry.example.com/istio"');
    }
    if (props.name !== undefined && target.kind !== 'istioctl') {
      throw invalidInput(this, 'name', props.name, `names the IstioOperator, which the ${target.kind} target does not write`,
        target.kind === 'sail' ? 'name the Istio object with InstallTarget.sail({ name })' : 'drop name: the istiod release is named after the revision');
    }
    const name = checkDnsLabel(this, 'name', props.name ?? (this.revision ? `control-plane-${this.revision}` : 'control-plane'), 'use a DNS label');

    const pilot = props.pilot === undefined ? {} : checkOptions(this, 'pilot', props.pilot, 'PilotOptions');
    this.pilotSizing = resolveSizing(this, 'pilot', env.istiod, pilot);
    const istiodSelector = { 'app': 'istiod', 'istio.io/rev': this.revision ?? 'default' };
    const nodeSelector = pilot.nodeSelector !== undefined ? checkLabels(this, 'pilot.nodeSelector', pilot.nodeSelector) : undefined;
    const tolerations = pilot.tolerations !== undefined ? checkArray(this, 'pilot.tolerations', pilot.tolerations, (t, field) => this.checkToleration(t, field)) : undefined;
    const envVars = pilot.env !== undefined ? this.checkEnv(pilot.env) : undefined;
    const priorityClassName = pilot.priorityClassName !== undefined
      ? checkDnsLabel(this, 'pilot.priorityClassName', pilot.priorityClassName, 'name a PriorityClass, e.g. "system-cluster-critical"')
      : (env.production ? 'system-cluster-critical' : undefined);
    const spread = pilot.spreadAcrossZones === undefined ? env.production : checkBoolean(this, 'pilot.spreadAcrossZones', pilot.spreadAcrossZones);
    const topologySpreadConstraints = spread ? [{
      maxSkew: 1,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: 'ScheduleAnyway',
      labelSelector: { matchLabels: sortedRecord(istiodSelector) },
    }] : undefined;

    const cniGiven = props.cni === undefined ? undefined : checkBoolean(this, 'cni', props.cni);
    if (ambient && cniGiven === false) {
      throw invalidInput(this, 'cni', false, 'cannot be turned off in ambient mode (ztunnel needs the istio-cni node agent)', 'leave cni out or choose the sidecar mode');
    }
    if (cniGiven === true && !ambient && target.kind !== 'istioctl') {
      throw invalidInput(this, 'cni', true, `is an istioctl component setting; the ${target.kind} target installs the CNI agent in ambient mode only`,
        'use dataplaneMode: MeshDataplaneMode.AMBIENT, or the istioctl target');
    }
    const cni = cniGiven ?? ambient;

    const sidecarChoice = props.sidecarResources === undefined ? SidecarResources.ENVIRONMENT
      : checkInstance(this, 'sidecarResources', props.sidecarResources, SidecarResources, 'use SidecarResources.ENVIRONMENT, SidecarResources.OPTIMIZED or SidecarResources.custom({ requests, limits })');
    const sidecarResources = checkResources(this, 'sidecarResources', sidecarChoice._pick(env));
    const mesh = renderMeshConfig(this, props.meshConfig);
    this.meshConfigJson = mesh.meshConfig;
    this.baseStats = mesh.meshConfig.defaultConfig?.proxyStatsMatcher as ProxyStatsMatcher | undefined;
    this.extAuthzProviderNames = frozenCopy(mesh.extAuthzProviderNames);

    const model: ControlPlaneModel = {
      namespace: this.namespace,
      revision: this.revision,
      revisionTag: this.revisionTag,
      version: tag,
      hub,
      ambient,
      cni,
      sizing: this.pilotSizing,
      affinity: podAntiAffinity(this.pilotSizing, istiodSelector),
      rollout: requiredSpreadRollout(this.pilotSizing),
      nodeSelector,
      tolerations,
      env: envVars,
      priorityClassName,
      topologySpreadConstraints,
      sidecarResources,
      meshConfig: mesh.meshConfig,
      traceSampling: mesh.providerSamplingPercent,
    };

    if (target.kind !== 'istioctl') {
      for (const field of ['ingressGateways', 'egressGateways'] as const) {
        if (props[field] !== undefined) {
          throw invalidInput(this, field, props[field], `are installed by istioctl; the ${target.kind} target installs istiod only`,
            'build gateways with the IngressGateway / EgressGateway constructs');
        }
      }
      const chart = Chart.of(this);
      SharedInstall.of(chart, target, this).add(this, model);
      this.spec = undefined;
      if (target.kind === 'helm') {
        this.resource = renderIstiodRelease(this, target, model);
        if (this.revisionTag) renderTagWebhook(this, model);
      } else {
        this.resource = renderSail(this, target, model, this.revision ?? 'default')[0];
      }
      this.node.addValidation({ validate: () => this.validateTagUnique() });
      return;
    }

    const hpa = this.pilotSizing.autoscaling;
    const pilotK8s: KubernetesResourcesJson = {
      ...kubernetesSettings(this.pilotSizing, istiodSelector),
      ...(nodeSelector !== undefined ? { nodeSelector } : {}),
      ...(tolerations !== undefined ? { tolerations } : {}),
      ...(envVars !== undefined ? { env: Object.keys(envVars).map((n) => ({ name: n, value: envVars[n] })) } : {}),
      ...(priorityClassName !== undefined ? { priorityClassName } : {}),
    };
    const gateways = (field: 'ingressGateways' | 'egressGateways', base: ComponentSizing) => (props[field] === undefined ? []
      : checkArray(this, field, props[field], (g, f) => this.gatewayComponent(f, checkOptions(this, f, g as GatewayComponentOptions, 'GatewayComponentOptions'), base)));
    const ingress = gateways('ingressGateways', env.ingressGateway);
    const egress = gateways('egressGateways', env.egressGateway);
    const gatewayValues = {
      ...this.gatewayAutoscaling('ingressGateways', 'istio-ingressgateway', ingress),
      ...this.gatewayAutoscaling('egressGateways', 'istio-egressgateway', egress),
    };
    const values: ValuesJson = {
      global: {
        proxy: { resources: sidecarResources, seccompProfile: RUNTIME_DEFAULT_SECCOMP },
        defaultPodDisruptionBudget: { enabled: this.pilotSizing.podDisruptionBudget !== undefined },
      },
      pilot: {
        autoscaleEnabled: hpa !== undefined,
        ...(hpa ? { autoscaleMin: hpa.minReplicas, autoscaleMax: hpa.maxReplicas } : {}),
        ...(mesh.providerSamplingPercent !== undefined ? { traceSampling: mesh.providerSamplingPercent } : {}),
        ...(topologySpreadConstraints ? { topologySpreadConstraints } : {}),
        seccompProfile: RUNTIME_DEFAULT_SECCOMP,
      },
      ...(cni ? { cni: { seccompProfile: RUNTIME_DEFAULT_SECCOMP } } : {}),
      ...(Object.keys(gatewayValues).length ? { gateways: gatewayValues } : {}),
    };

    const names = [...ingress, ...egress].map((g) => g.name);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup) {
      throw invalidInput(this, 'ingressGateways/egressGateways', dup, 'names two gateway components', 'give every gateway component its own name');
    }
    const components = {
      pilot: { enabled: true, k8s: pilotK8s },
      ...(cni ? { cni: { enabled: true, namespace: this.namespace } as ComponentJson } : {}),
      ...(ambient ? { ztunnel: { enabled: true, namespace: this.namespace } as ComponentJson } : {}),
      ...(ingress.length ? { ingressGateways: ingress } : {}),
      ...(egress.length ? { egressGateways: egress } : {}),
    };

    this.spec = {
      profile: profile ?? (ambient ? InstallProfile.AMBIENT : InstallProfile.MINIMAL),
      hub,
      tag,
      ...(this.revision ? { revision: this.revision } : {}),
      namespace: this.namespace,
      meshConfig: mesh.meshConfig,
      components,
      values,
    };
    const spec = this.spec;
    this.resource = new ApiObject(this, 'Resource', {
      apiVersion: 'install.istio.io/v1alpha1',
      kind: 'IstioOperator',
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => spec }),
    });
    if (this.revisionTag) renderTagWebhook(this, model);
    this.node.addValidation({ validate: () => this.validateApp() });
    this.node.addValidation({ validate: () => this.validateTagUnique() });
  }

  /** A tag names one revision: two control planes of a chart with the same tag would each write its webhook. */
  private validateTagUnique(): string[] {
    if (!this.revisionTag) return [];
    const chart = Chart.of(this);
    const others = chart.node.findAll().filter((c): c is MeshControlPlane => c instanceof MeshControlPlane && c !== this && c.revisionTag === this.revisionTag);
    return others.length ? [formatInputError('', 'revisionTag', this.revisionTag, `is also the tag of ${others[0].node.path}; a tag points at one revision`,
      'set the tag on one control plane only: moving it is changing which one carries it')] : [];
  }

  /**
   * The rendered spec of `resource`, as plain JSON (a copy). With istioctl: `profile`, `hub`, `tag`,
   * `revision`, `namespace`, `meshConfig`, `components` and `values`, as istioctl reads them.
   */
  public toSpec(): { [key: string]: any } {
    return JSON.parse(JSON.stringify(this.spec ?? this.resource.toJson().spec));
  }

  /**
   * The mesh config this control plane installs, as plain JSON (a copy), whichever the install target:
   * the IstioOperator's `meshConfig`, the istiod chart's `meshConfig` value or the Sail `Istio`'s
   * `values.meshConfig`, with the stats of {@link addProxyStats} merged in.
   */
  public toMeshConfig(): { [key: string]: any } {
    return JSON.parse(JSON.stringify(this.meshConfigJson));
  }

  /**
   * Keeps more Envoy stats on every proxy of the mesh: the prefixes, suffixes and regexes are added
   * to `meshConfig.defaultConfig.proxyStatsMatcher` (after those of the props, without duplicates),
   * whichever install target writes the mesh config. Constructs whose alerts or dashboards read stats
   * Envoy does not export by default (e.g. `MeshAlerts`: cluster `upstream_cx_overflow`) call it. Each
   * stat kept costs memory in every proxy and series in Prometheus.
   */
  public addProxyStats(matcher: ProxyStatsMatcher): void {
    this.addedStats.push(checkProxyStatsMatcher(this, 'addProxyStats(matcher)', matcher));
    const merged: { [key: string]: string[] } = {};
    for (const m of [this.baseStats ?? {}, ...this.addedStats]) {
      for (const key of ['inclusionPrefixes', 'inclusionSuffixes', 'inclusionRegexps'] as const) {
        for (const item of m[key] ?? []) {
          const list = merged[key] ?? (merged[key] = []);
          if (!list.includes(item)) list.push(item);
        }
      }
    }
    // The one mesh config object the renderers hold: every target writes the merged matcher at synth.
    const config = this.meshConfigJson as { defaultConfig?: ProxyConfigJson };
    config.defaultConfig = { ...(config.defaultConfig ?? {}), proxyStatsMatcher: merged };
  }

  /**
   * Only a MeshApp keeps the IstioOperator out of the files GitOps applies; a plain cdk8s App would write
   * it into the chart's manifests.
   */
  private validateApp(): string[] {
    const root = this.node.root;
    if (MeshApp.isMeshApp(root)) {
      return [];
    }
    return [formatInputError('', 'app', root.constructor.name, 'is not a MeshApp: a plain cdk8s App writes this IstioOperator (input of istioctl, which no cluster accepts: '
      + 'it has had no CRD since Istio 1.24) into the chart\'s manifests, next to the objects a GitOps tool applies',
    'create the app with `new istio.MeshApp()` instead of `new App()` (a drop-in subclass of cdk8s App), which writes the IstioOperator to '
      + '<outdir>/<chart>/istioctl/ and the rest to <outdir>/<chart>/gitops/; in unit tests too, e.g. `new Chart(new istio.MeshApp(), \'test\')` '
      + 'instead of `Testing.chart()`')];
  }

  private gatewayComponent(field: string, options: GatewayComponentOptions, base: ComponentSizing): GatewayComponentJson {
    const name = checkDnsLabel(this, `${field}.name`, options.name, 'name the gateway, e.g. "istio-ingressgateway"');
    const namespace = checkDnsLabel(this, `${field}.namespace`, options.namespace ?? this.namespace, 'use a namespace name');
    const labels = options.labels === undefined ? { istio: name.replace(/^istio-/, '') } : checkSelectorLabels(this, `${field}.labels`, options.labels);
    const sizing = resolveSizing(this, field, base, options);
    return { name, enabled: true, namespace, label: sortedRecord(labels), k8s: kubernetesSettings(sizing, labels) };
  }

  /**
   * The gateway chart's `autoscaleEnabled` for one kind of gateway component. It defaults to true and is
   * shared by every component of the kind, so a component without an HPA (DEV) would still get the
   * chart's default HPA unless it is written; components of one kind must therefore agree.
   */
  private gatewayAutoscaling(field: string, key: 'istio-ingressgateway' | 'istio-egressgateway', components: GatewayComponentJson[]) {
    if (components.length === 0) {
      return {};
    }
    const withHpa = components.filter((c) => c.k8s?.hpaSpec !== undefined);
    if (withHpa.length !== 0 && withHpa.length !== components.length) {
      const without = components.find((c) => c.k8s?.hpaSpec === undefined)!;
      throw invalidInput(this, `${field}.autoscaling`, without.name, `has no HPA while ${withHpa[0].name} has one, but istioctl switches autoscaling for all ${field} at once (values.gateways.${key}.autoscaleEnabled)`,
        'give every gateway component of this kind an HPA or none, or build gateways with the IngressGateway/EgressGateway constructs, which size each one on its own');
    }
    return { [key]: { autoscaleEnabled: withHpa.length > 0 } };
  }

  private checkToleration(item: unknown, field: string): TolerationJson {
    const t = checkOptions(this, field, item as Toleration, 'Toleration');
    const operator = t.operator === undefined ? undefined : checkOneOf(this, `${field}.operator`, t.operator, ['Equal', 'Exists']);
    const effect = t.effect === undefined ? undefined : checkOneOf(this, `${field}.effect`, t.effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']);
    if (t.key !== undefined && t.key !== '' && !isLabelKey(t.key)) {
      throw invalidInput(this, `${field}.key`, t.key, 'is not a taint key (a label key: an optional DNS prefix and a name of at most 63 characters)', 'use e.g. "dedicated" or "node-role.kubernetes.io/control-plane"');
    }
    if (t.value !== undefined && !isLabelValue(t.value)) {
      throw invalidInput(this, `${field}.value`, t.value, 'is not a taint value (at most 63 letters, digits, "-", "_", ".")', 'use e.g. "istio"');
    }
    if (operator === 'Exists' && t.value !== undefined) {
      throw invalidInput(this, `${field}.value`, t.value, 'is set with operator Exists', 'drop the value, or use operator Equal');
    }
    if (t.tolerationSeconds !== undefined) {
      checkInteger(this, `${field}.tolerationSeconds`, t.tolerationSeconds, { minimum: 0, maximum: Number.MAX_SAFE_INTEGER, fix: 'give whole seconds, e.g. 300' });
      if (effect !== 'NoExecute') {
        throw invalidInput(this, `${field}.tolerationSeconds`, t.tolerationSeconds, 'only applies to the NoExecute effect', 'set effect: "NoExecute" or drop tolerationSeconds');
      }
    }
    if (!t.key && operator !== 'Exists') {
      throw invalidInput(this, `${field}.key`, t.key, 'is empty with operator Equal', 'name the taint key, or use operator Exists to tolerate every taint');
    }
    return { ...t };
  }

  private checkEnv(env: unknown): { [key: string]: string } {
    return checkStringMap(this, 'pilot.env', env, {
      key: (name) => {
        if (!isEnvVarName(name)) {
          throw invalidInput(this, 'pilot.env', name, 'is not an environment variable name', 'use letters, digits and underscores');
        }
      },
    });
  }
}

/**
 * Checks a given environment profile's shape and the parts a control plane reads: the istiod sizing
 * and the sidecar resources, under `environment.*`.
 */
function checkEnvironment(scope: IConstruct, env: EnvironmentProfile): EnvironmentProfile {
  // The shape at any depth (as MeshChart checks it), then the ranges of the parts this construct uses.
  const profile = checkEnvironmentShape(scope, 'environment', env, 'profile');
  resolveSizing(scope, 'environment.istiod', profile.istiod);
  checkResources(scope, 'environment.sidecar.resources', profile.sidecar.resources);
  checkResources(scope, 'environment.sidecar.optimized', profile.sidecar.optimized);
  return profile;
}
