/**
 * Environment profiles: the sizing and high-availability defaults every construct of this library
 * reads when a prop is left out. A profile is plain, read-only data: derive your own with
 * {@link Environment.override} (or an object spread), then hand it to a `MeshChart`.
 *
 * The numbers follow the production guide this project was seeded with: a PROD istiod with an HPA
 * from 2 to 5 at 80 % CPU (3 replicas when the HPA is turned off), 500m/2Gi requests and 4 CPU/8Gi limits, required anti-affinity
 * across nodes and a PodDisruptionBudget; sidecars at 100m/128Mi requests and 2 CPU/1Gi limits, with
 * an `optimized` preset of 50m/64Mi and 500m/256Mi; DEV a single small istiod with no HPA; STAGING in
 * between.
 */
import { entryPoint } from './core/entry-point';
import { checkEnvironmentShape } from './core/environment-shape';
import { isRecord } from './core/records';

/** CPU and memory amounts, as Kubernetes quantities (`"500m"`, `"2"`, `"128Mi"`, `"2Gi"`). */
export interface ResourceAmounts {
  /** CPU quantity, e.g. `"500m"` or `"2"`. */
  readonly cpu: string;
  /** Memory quantity, e.g. `"512Mi"` or `"2Gi"`. */
  readonly memory: string;
}

/** Requests and limits of one container. */
export interface ResourceRequirements {
  /** What the scheduler reserves. */
  readonly requests: ResourceAmounts;
  /** The ceiling the kubelet enforces. */
  readonly limits: ResourceAmounts;
}

/** A HorizontalPodAutoscaler on CPU utilisation. */
export interface Autoscaling {
  /** Fewest replicas, at least 1. */
  readonly minReplicas: number;
  /** Most replicas, at least `minReplicas`. */
  readonly maxReplicas: number;
  /** Average CPU utilisation (percent of requests) the HPA keeps, 1–100. */
  readonly targetCpuUtilizationPercent: number;
}

/** How strongly replicas of one component are kept apart. */
export enum AntiAffinityMode {
  /** No anti-affinity: replicas may share a node or zone. */
  NONE = 'none',
  /** The scheduler tries to spread replicas (preferredDuringScheduling). */
  PREFERRED = 'preferred',
  /** Replicas never share a topology domain (requiredDuringScheduling): a pod stays Pending instead. */
  REQUIRED = 'required',
}

/** Pod anti-affinity between replicas of one component. */
export interface AntiAffinity {
  /** Required, preferred or none. */
  readonly mode: AntiAffinityMode;
  /** The node label that names a domain: `kubernetes.io/hostname` for nodes, `topology.kubernetes.io/zone` for zones. */
  readonly topologyKey: string;
  /**
   * Weight of a preferred term, 1–100. Ignored for other modes.
   * @default 100
   */
  readonly weight?: number;
}

/**
 * A PodDisruptionBudget for voluntary disruptions (node drains): exactly one of `minAvailable`,
 * `maxUnavailable` and `maxUnavailablePercent`. Under an HPA, `maxUnavailable` scales with the replica
 * count (a drain may take one pod of 3 or of 10), where a fixed `minAvailable` protects fewer and fewer
 * of the pods as the HPA scales out.
 */
export interface DisruptionBudget {
  /**
   * Pods that must stay available, at least 1 and below the replica floor.
   * @default none: give maxUnavailable or maxUnavailablePercent instead
   */
  readonly minAvailable?: number;
  /**
   * Pods a drain may take down at once, at least 1 and below the replica floor.
   * @default none: give minAvailable or maxUnavailablePercent instead
   */
  readonly maxUnavailable?: number;
  /**
   * Share of the pods a drain may take down at once, in percent (1–99; Kubernetes rounds up, so at
   * least one pod).
   * @default none: give minAvailable or maxUnavailable instead
   */
  readonly maxUnavailablePercent?: number;
}

/** Sizing and availability of one Deployment-shaped component (istiod, a gateway). */
export interface ComponentSizing {
  /**
   * Replicas when no HPA manages the Deployment. With `autoscaling` set this is not written at all:
   * the HPA owns the replica count (between its `minReplicas` and `maxReplicas`), and writing it too
   * would make every `istioctl install` reset the Deployment and fight the HPA.
   */
  readonly replicas: number;
  /** Requests and limits of the main container. */
  readonly resources: ResourceRequirements;
  /** An HPA, or `undefined` for none. */
  readonly autoscaling?: Autoscaling;
  /** Anti-affinity between replicas. */
  readonly antiAffinity: AntiAffinity;
  /** A PodDisruptionBudget, or `undefined` for none. */
  readonly podDisruptionBudget?: DisruptionBudget;
}

/** Default sidecar (istio-proxy) resources for the mesh. */
export interface SidecarSizing {
  /** Requests and limits every injected sidecar gets unless its pod says otherwise. */
  readonly resources: ResourceRequirements;
  /** A leaner preset for workloads with little traffic, chosen explicitly with `SidecarResources.OPTIMIZED`. */
  readonly optimized: ResourceRequirements;
}

/** Progressive-delivery defaults. */
export interface CanaryDefaults {
  /** Canary weights, in percent, a release walks through; the last is 100. */
  readonly stages: number[];
  /** The canary weight a new release starts at. */
  readonly initialPercent: number;
}

/** Everything an environment decides for the constructs placed in it. */
export interface EnvironmentProfile {
  /** Short name, used as the chart id and the dist/ folder: `dev`, `staging`, `prod`. */
  readonly name: string;
  /**
   * Serves real users. Test-only features (fault injection) are refused in a production environment
   * unless a construct opts in explicitly. Environments derived from PROD keep it.
   */
  readonly production: boolean;
  /** The istiod Deployment. */
  readonly istiod: ComponentSizing;
  /** Injected sidecars. */
  readonly sidecar: SidecarSizing;
  /** Ingress gateway Deployments. */
  readonly ingressGateway: ComponentSizing;
  /** Egress gateway Deployments. */
  readonly egressGateway: ComponentSizing;
  /**
   * Ambient-mode waypoint proxies (`Waypoint`): the Deployment, HPA and PodDisruptionBudget istiod
   * deploys for each waypoint, written to the waypoint's parameters ConfigMap.
   */
  readonly waypoint: ComponentSizing;
  /** Canary releases. */
  readonly canary: CanaryDefaults;
}

/** Overrides of {@link ResourceAmounts}: the fields given replace the base's. */
export interface ResourceAmountsOverrides {
  /** @default the base's */
  readonly cpu?: string;
  /** @default the base's */
  readonly memory?: string;
}

/** Overrides of {@link ResourceRequirements}, at any depth. */
export interface ResourceRequirementsOverrides {
  /** @default the base's */
  readonly requests?: ResourceAmountsOverrides;
  /** @default the base's */
  readonly limits?: ResourceAmountsOverrides;
}

/** Overrides of {@link Autoscaling}. */
export interface AutoscalingOverrides {
  /** @default the base's */
  readonly minReplicas?: number;
  /** @default the base's */
  readonly maxReplicas?: number;
  /** @default the base's */
  readonly targetCpuUtilizationPercent?: number;
}

/** Overrides of {@link AntiAffinity}. */
export interface AntiAffinityOverrides {
  /** @default the base's */
  readonly mode?: AntiAffinityMode;
  /** @default the base's */
  readonly topologyKey?: string;
  /** @default the base's */
  readonly weight?: number;
}

/** Overrides of {@link DisruptionBudget} (the merged budget must still set exactly one field). */
export interface DisruptionBudgetOverrides {
  /** @default the base's */
  readonly minAvailable?: number;
  /** @default the base's */
  readonly maxUnavailable?: number;
  /** @default the base's */
  readonly maxUnavailablePercent?: number;
}

/** Overrides of {@link ComponentSizing}, at any depth. */
export interface ComponentSizingOverrides {
  /** @default the base's */
  readonly replicas?: number;
  /** @default the base's */
  readonly resources?: ResourceRequirementsOverrides;
  /** @default the base's */
  readonly autoscaling?: AutoscalingOverrides;
  /** @default the base's */
  readonly antiAffinity?: AntiAffinityOverrides;
  /** @default the base's */
  readonly podDisruptionBudget?: DisruptionBudgetOverrides;
}

/** Overrides of {@link SidecarSizing}, at any depth. */
export interface SidecarSizingOverrides {
  /** @default the base's */
  readonly resources?: ResourceRequirementsOverrides;
  /** @default the base's */
  readonly optimized?: ResourceRequirementsOverrides;
}

/** Overrides of {@link CanaryDefaults}. */
export interface CanaryDefaultsOverrides {
  /** Replaces the base's list as a whole. @default the base's */
  readonly stages?: number[];
  /** @default the base's */
  readonly initialPercent?: number;
}

/** A partial copy of an {@link EnvironmentProfile} for {@link Environment.override}: every field optional, at any depth. */
export interface EnvironmentOverrides {
  /** @default the base's */
  readonly name?: string;
  /** @default the base's */
  readonly production?: boolean;
  /** @default the base's */
  readonly istiod?: ComponentSizingOverrides;
  /** @default the base's */
  readonly sidecar?: SidecarSizingOverrides;
  /** @default the base's */
  readonly ingressGateway?: ComponentSizingOverrides;
  /** @default the base's */
  readonly egressGateway?: ComponentSizingOverrides;
  /** @default the base's */
  readonly waypoint?: ComponentSizingOverrides;
  /** @default the base's */
  readonly canary?: CanaryDefaultsOverrides;
}

const HOSTNAME = 'kubernetes.io/hostname';
const ZONE = 'topology.kubernetes.io/zone';
const OPTIMIZED_SIDECAR: ResourceRequirements = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '500m', memory: '256Mi' },
};
/** Istio 1.30's own waypoint default (`global.waypoint.resources` of the istiod chart). */
const WAYPOINT_RESOURCES: ResourceRequirements = {
  requests: { cpu: '100m', memory: '128Mi' },
  limits: { cpu: '2', memory: '1Gi' },
};
const STAGES = [10, 25, 50, 75, 100];


/**
 * A deep copy of a profile (plain JSON data), sharing nothing with the profiles it came from.
 * @internal
 */
export function copyOf(profile: EnvironmentProfile): EnvironmentProfile {
  return JSON.parse(JSON.stringify(profile));
}

function merge(base: unknown, patch: unknown): unknown {
  if (patch === undefined) {
    return base;
  }
  if (!isRecord(base) || !isRecord(patch)) {
    return patch;
  }
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(patch)) {
    out[k] = merge(base[k], v);
  }
  return out;
}

/**
 * The three stock environments. Treat them as read-only (their types are): derive your own with
 * {@link Environment.override} or an object spread. They are not frozen, because jsii has to tag the
 * objects it hands to other languages.
 */
export class Environment {
  /** One small istiod, no HPA, no PDB, no anti-affinity; lean sidecars. */
  public static readonly DEV: EnvironmentProfile = {
    name: 'dev',
    production: false,
    istiod: {
      replicas: 1,
      resources: { requests: { cpu: '100m', memory: '256Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      antiAffinity: { mode: AntiAffinityMode.NONE, topologyKey: HOSTNAME },
    },
    sidecar: { resources: OPTIMIZED_SIDECAR, optimized: OPTIMIZED_SIDECAR },
    ingressGateway: {
      replicas: 1,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      antiAffinity: { mode: AntiAffinityMode.NONE, topologyKey: ZONE },
    },
    egressGateway: {
      replicas: 1,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      antiAffinity: { mode: AntiAffinityMode.NONE, topologyKey: ZONE },
    },
    waypoint: {
      replicas: 1,
      resources: WAYPOINT_RESOURCES,
      antiAffinity: { mode: AntiAffinityMode.NONE, topologyKey: ZONE },
    },
    canary: { stages: STAGES, initialPercent: 50 },
  };

  /** Two istiod replicas with a small HPA, preferred spreading, PDBs: close to PROD at lower cost. */
  public static readonly STAGING: EnvironmentProfile = {
    name: 'staging',
    production: false,
    istiod: {
      replicas: 2,
      resources: { requests: { cpu: '250m', memory: '1Gi' }, limits: { cpu: '2', memory: '4Gi' } },
      autoscaling: { minReplicas: 2, maxReplicas: 3, targetCpuUtilizationPercent: 80 },
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: HOSTNAME, weight: 100 },
      podDisruptionBudget: { minAvailable: 1 },
    },
    sidecar: {
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } },
      optimized: OPTIMIZED_SIDECAR,
    },
    ingressGateway: {
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      autoscaling: { minReplicas: 2, maxReplicas: 4, targetCpuUtilizationPercent: 70 },
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: ZONE, weight: 100 },
      // One pod at a time, whatever the HPA has scaled to (a fixed minAvailable would let a drain take all but it).
      podDisruptionBudget: { maxUnavailable: 1 },
    },
    egressGateway: {
      replicas: 2,
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: ZONE, weight: 100 },
      // One pod at a time, whatever the HPA has scaled to (a fixed minAvailable would let a drain take all but it).
      podDisruptionBudget: { maxUnavailable: 1 },
    },
    waypoint: {
      replicas: 2,
      resources: WAYPOINT_RESOURCES,
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: ZONE, weight: 100 },
      podDisruptionBudget: { minAvailable: 1 },
    },
    canary: { stages: STAGES, initialPercent: 25 },
  };

  /** The production guide: istiod HPA 2–5 at 80 % CPU (3 replicas without it), required node anti-affinity, PDBs. */
  public static readonly PROD: EnvironmentProfile = {
    name: 'prod',
    production: true,
    istiod: {
      replicas: 3,
      resources: { requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } },
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 80 },
      antiAffinity: { mode: AntiAffinityMode.REQUIRED, topologyKey: HOSTNAME },
      // minAvailable 1 (not 2): with the HPA at its floor of 2, a budget of 2 would block every node drain.
      podDisruptionBudget: { minAvailable: 1 },
    },
    sidecar: {
      resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      optimized: OPTIMIZED_SIDECAR,
    },
    ingressGateway: {
      replicas: 3,
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '2Gi' } },
      autoscaling: { minReplicas: 3, maxReplicas: 10, targetCpuUtilizationPercent: 60 },
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: ZONE, weight: 100 },
      // One pod at a time, whatever the HPA has scaled to (a fixed minAvailable would let a drain take all but it).
      podDisruptionBudget: { maxUnavailable: 1 },
    },
    egressGateway: {
      replicas: 2,
      resources: { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '1Gi' } },
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 60 },
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: ZONE, weight: 100 },
      // One pod at a time, whatever the HPA has scaled to (a fixed minAvailable would let a drain take all but it).
      podDisruptionBudget: { maxUnavailable: 1 },
    },
    // Every L7 request of the namespaces a waypoint serves passes through it: never a single replica.
    waypoint: {
      replicas: 2,
      resources: WAYPOINT_RESOURCES,
      autoscaling: { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 80 },
      antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: ZONE, weight: 100 },
      podDisruptionBudget: { minAvailable: 1 },
    },
    canary: { stages: STAGES, initialPercent: 10 },
  };

  /** DEV, STAGING and PROD, in promotion order. */
  public static readonly ALL: EnvironmentProfile[] = [Environment.DEV, Environment.STAGING, Environment.PROD];

  /**
   * A copy of `base` with `overrides` merged in at any depth (arrays are replaced, not merged).
   *
   * Both are checked first, whatever the caller passes (JavaScript, JSON or YAML, the jsii languages):
   * `base` must be a whole profile and `overrides` an {@link EnvironmentOverrides}; a key neither
   * declares is an error at any depth (naming the closest known key), and so is a value of the wrong
   * type, `null` or a cycle. Ranges and relations (replicas of at least 1, requests within limits) are
   * checked where the profile takes effect: by the constructs of a `MeshChart` given the result.
   *
   * @example Environment.override(Environment.PROD, { name: 'prod-eu', istiod: { replicas: 5 } })
   */
  public static override(base: EnvironmentProfile, overrides: EnvironmentOverrides): EnvironmentProfile {
    const where = entryPoint('Environment.override');
    checkEnvironmentShape(where, 'base', base, 'profile');
    checkEnvironmentShape(where, 'overrides', overrides, 'overrides');
    return copyOf(merge(base, overrides) as EnvironmentProfile);
  }

  private constructor() {}
}
