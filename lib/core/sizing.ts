import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { crdLimits } from './crd-limits';
import { checkOptions } from './input';
import { isLabelKey } from './labels';
import { checkQuantity, parseQuantity } from './quantity';
import { sortedRecord } from './records';
import type { AffinityJson } from '../control-plane/istio-operator';
import { AntiAffinity, AntiAffinityMode, Autoscaling, ComponentSizing, DisruptionBudget, ResourceRequirements } from '../environment';

/** Whether a component gets a HorizontalPodAutoscaler: {@link AutoscalingSetting.hpa} or {@link AutoscalingSetting.NONE}. */
export class AutoscalingSetting {
  /** No HPA, even where the environment has one: the Deployment runs `replicas` replicas. */
  public static readonly NONE: AutoscalingSetting = new AutoscalingSetting(undefined);

  /** An HPA on CPU utilisation, replacing the environment's. */
  public static hpa(autoscaling: Autoscaling): AutoscalingSetting {
    return new AutoscalingSetting(autoscaling && typeof autoscaling === 'object' ? { ...autoscaling } : autoscaling);
  }

  private constructor(
    /** The HPA, or undefined for none. */
    public readonly autoscaling: Autoscaling | undefined,
  ) {}
}

/** Whether a component gets a PodDisruptionBudget: {@link DisruptionBudgetSetting.minAvailable} or {@link DisruptionBudgetSetting.NONE}. */
export class DisruptionBudgetSetting {
  /** No PodDisruptionBudget, even where the environment has one. */
  public static readonly NONE: DisruptionBudgetSetting = new DisruptionBudgetSetting(undefined);

  /** A PodDisruptionBudget keeping `pods` replicas available during voluntary disruptions (node drains). */
  public static minAvailable(pods: number): DisruptionBudgetSetting {
    return new DisruptionBudgetSetting({ minAvailable: pods });
  }

  private constructor(
    /** The budget, or undefined for none. */
    public readonly budget: DisruptionBudget | undefined,
  ) {}
}

/**
 * Per-construct overrides of a {@link ComponentSizing}: every field optional; `AutoscalingSetting.NONE`
 * and `DisruptionBudgetSetting.NONE` turn the HPA or the PodDisruptionBudget off where the environment
 * has one.
 */
export interface SizingOverrides {
  /**
   * Replicas when no HPA manages the Deployment (with an HPA, its minimum and maximum decide).
   * @default the environment's
   */
  readonly replicas?: number;
  /**
   * Requests and limits.
   * @default the environment's
   */
  readonly resources?: ResourceRequirements;
  /**
   * An HPA (`AutoscalingSetting.hpa({...})`), or none (`AutoscalingSetting.NONE`).
   * @default the environment's
   */
  readonly autoscaling?: AutoscalingSetting;
  /**
   * Anti-affinity between replicas.
   * @default the environment's
   */
  readonly antiAffinity?: AntiAffinity;
  /**
   * A PodDisruptionBudget (`DisruptionBudgetSetting.minAvailable(n)`), or none (`DisruptionBudgetSetting.NONE`).
   * @default the environment's
   */
  readonly podDisruptionBudget?: DisruptionBudgetSetting;
}

/** The value, if it is an instance of `type`; else an error naming the field and the factories to use. */
function settingOf<T>(scope: IConstruct, field: string, value: unknown, type: Function & { readonly prototype: T }, fix: string): T {
  if (!(value instanceof type)) {
    throw invalidInput(scope, field, value, `is not ${/^[AEIOU]/.test(type.name) ? 'an' : 'a'} ${type.name}`, `give ${fix}`);
  }
  return value as T;
}

function isWholeAtLeast(value: unknown, min: number): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= min;
}

/**
 * Replica counts and budgets are int32 in Kubernetes (`spec.replicas` of a Deployment, the HPA's
 * `maxReplicas`): a larger one is refused at construction with the schema's own maximum.
 */
function checkReplicaCount(scope: IConstruct, field: string, value: number): void {
  const max = crdLimits('apps/v1/Deployment', 'spec.replicas').maximum!;
  if (value > max) {
    throw invalidInput(scope, field, value, `is above ${max}, the most replicas Kubernetes holds (int32)`, 'give a realistic number of replicas');
  }
}

/** Checks requests and limits: valid quantities, and no request above its limit. */
export function checkResources(scope: IConstruct, field: string, resources: ResourceRequirements): ResourceRequirements {
  checkOptions(scope, field, resources, 'ResourceRequirements');
  for (const side of ['requests', 'limits'] as const) {
    checkOptions(scope, `${field}.${side}`, resources[side], 'ResourceAmounts');
    checkQuantity(scope, `${field}.${side}.cpu`, resources[side]?.cpu, 'cpu');
    checkQuantity(scope, `${field}.${side}.memory`, resources[side]?.memory, 'memory');
  }
  for (const kind of ['cpu', 'memory'] as const) {
    const request = parseQuantity(resources.requests[kind])!;
    const limit = parseQuantity(resources.limits[kind])!;
    if (request > limit) {
      throw invalidInput(scope, `${field}.requests.${kind}`, resources.requests[kind], `is above the limit ${resources.limits[kind]} (Kubernetes rejects the pod)`,
        `lower the request or raise ${field}.limits.${kind}`);
    }
  }
  return resources;
}

/**
 * Merges overrides into an environment's sizing and checks the result. Every error names the
 * construct path and the field under `field` (e.g. `pilot.replicas`).
 */
export function resolveSizing(scope: IConstruct, field: string, base: ComponentSizing, overrides: SizingOverrides = {}): ComponentSizing {
  if (overrides.antiAffinity !== undefined) checkOptions(scope, `${field}.antiAffinity`, overrides.antiAffinity, 'AntiAffinity');
  const sizing: ComponentSizing = {
    replicas: overrides.replicas ?? base.replicas,
    resources: overrides.resources ?? base.resources,
    autoscaling: overrides.autoscaling === undefined ? base.autoscaling
      : settingOf(scope, `${field}.autoscaling`, overrides.autoscaling, AutoscalingSetting, 'AutoscalingSetting.hpa({ minReplicas, maxReplicas, targetCpuUtilizationPercent }) or AutoscalingSetting.NONE').autoscaling,
    antiAffinity: overrides.antiAffinity ?? base.antiAffinity,
    podDisruptionBudget: overrides.podDisruptionBudget === undefined ? base.podDisruptionBudget
      : settingOf(scope, `${field}.podDisruptionBudget`, overrides.podDisruptionBudget, DisruptionBudgetSetting, 'DisruptionBudgetSetting.minAvailable(n) or DisruptionBudgetSetting.NONE').budget,
  };
  if (!isWholeAtLeast(sizing.replicas, 1)) {
    throw invalidInput(scope, `${field}.replicas`, sizing.replicas, 'is not a whole number of at least 1', 'give 1 or more replicas (PROD runs 3)');
  }
  checkReplicaCount(scope, `${field}.replicas`, sizing.replicas);
  checkResources(scope, `${field}.resources`, sizing.resources);

  const hpa = sizing.autoscaling;
  if (hpa !== undefined) {
    checkOptions(scope, `${field}.autoscaling`, hpa, 'Autoscaling');
    if (!isWholeAtLeast(hpa.minReplicas, 1)) {
      throw invalidInput(scope, `${field}.autoscaling.minReplicas`, hpa.minReplicas, 'is not a whole number of at least 1', 'set minReplicas to 1 or more (2 for HA)');
    }
    if (!isWholeAtLeast(hpa.maxReplicas, 1) || hpa.maxReplicas < hpa.minReplicas) {
      throw invalidInput(scope, `${field}.autoscaling.maxReplicas`, hpa.maxReplicas, `is below minReplicas (${hpa.minReplicas})`, 'set maxReplicas to at least minReplicas');
    }
    checkReplicaCount(scope, `${field}.autoscaling.maxReplicas`, hpa.maxReplicas);
    if (!isWholeAtLeast(hpa.targetCpuUtilizationPercent, 1) || hpa.targetCpuUtilizationPercent > 100) {
      throw invalidInput(scope, `${field}.autoscaling.targetCpuUtilizationPercent`, hpa.targetCpuUtilizationPercent, 'is not a whole percentage 1–100', 'use e.g. 80');
    }
  }

  const aa = checkOptions(scope, `${field}.antiAffinity`, sizing.antiAffinity, 'AntiAffinity');
  if (!Object.values(AntiAffinityMode).includes(aa.mode)) {
    throw invalidInput(scope, `${field}.antiAffinity.mode`, aa.mode, 'is not an anti-affinity mode', `use one of ${Object.values(AntiAffinityMode).join(', ')}`);
  }
  if (!isLabelKey(aa.topologyKey)) {
    throw invalidInput(scope, `${field}.antiAffinity.topologyKey`, aa.topologyKey, 'is not a node label key', 'use "kubernetes.io/hostname" or "topology.kubernetes.io/zone"');
  }
  if (aa.weight !== undefined && (!isWholeAtLeast(aa.weight, 1) || aa.weight > 100)) {
    throw invalidInput(scope, `${field}.antiAffinity.weight`, aa.weight, 'is not a whole number 1–100', 'use 100 for the strongest preference');
  }

  const pdb = sizing.podDisruptionBudget;
  if (pdb !== undefined) {
    checkOptions(scope, `${field}.podDisruptionBudget`, pdb, 'DisruptionBudget');
    const floor = hpa ? hpa.minReplicas : sizing.replicas;
    if (!isWholeAtLeast(pdb.minAvailable, 1)) {
      throw invalidInput(scope, `${field}.podDisruptionBudget.minAvailable`, pdb.minAvailable, 'is not a whole number of at least 1', 'keep at least 1 pod available, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
    }
    if (pdb.minAvailable >= floor) {
      throw invalidInput(scope, `${field}.podDisruptionBudget.minAvailable`, pdb.minAvailable,
        `is not below the ${hpa ? 'HPA minimum' : 'replica count'} (${floor}), so no pod could ever be evicted and node drains would hang`,
        `set minAvailable below ${floor}, raise the replicas, or set podDisruptionBudget: DisruptionBudgetSetting.NONE`);
    }
  }
  return sizing;
}

/**
 * The pod anti-affinity of a component's sizing, keeping replicas selected by `selector` apart, or
 * undefined for AntiAffinityMode.NONE.
 */
export function podAntiAffinity(sizing: ComponentSizing, selector: { readonly [key: string]: string }): AffinityJson | undefined {
  const aa = sizing.antiAffinity;
  const term = { labelSelector: { matchLabels: sortedRecord(selector) }, topologyKey: aa.topologyKey };
  switch (aa.mode) {
    case AntiAffinityMode.REQUIRED:
      return { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term] } };
    case AntiAffinityMode.PREFERRED:
      return { podAntiAffinity: { preferredDuringSchedulingIgnoredDuringExecution: [{ weight: aa.weight ?? 100, podAffinityTerm: term }] } };
    default:
      return undefined;
  }
}
