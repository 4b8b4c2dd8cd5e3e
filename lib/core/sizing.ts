import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { crdLimits } from './crd-limits';
import { plainChartNote } from './plain-chart';
import { checkInteger, checkOptions, checkString, INT32_MAX } from './input';
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

/**
 * Whether a component gets a PodDisruptionBudget: {@link DisruptionBudgetSetting.maxUnavailable},
 * {@link DisruptionBudgetSetting.maxUnavailablePercent}, {@link DisruptionBudgetSetting.minAvailable} or
 * {@link DisruptionBudgetSetting.NONE}.
 */
export class DisruptionBudgetSetting {
  /** No PodDisruptionBudget, even where the environment has one. */
  public static readonly NONE: DisruptionBudgetSetting = new DisruptionBudgetSetting(undefined);

  /**
   * A PodDisruptionBudget keeping `pods` replicas available during voluntary disruptions (node drains).
   * Under an HPA it protects a fixed number of pods, however far the HPA has scaled out.
   */
  public static minAvailable(pods: number): DisruptionBudgetSetting {
    return new DisruptionBudgetSetting({ minAvailable: pods });
  }

  /** A PodDisruptionBudget letting a drain take at most `pods` replicas at once: it scales with the HPA. */
  public static maxUnavailable(pods: number): DisruptionBudgetSetting {
    return new DisruptionBudgetSetting({ maxUnavailable: pods });
  }

  /** A PodDisruptionBudget letting a drain take at most `percent` % of the replicas at once (1–99, rounded up to whole pods by Kubernetes). */
  public static maxUnavailablePercent(percent: number): DisruptionBudgetSetting {
    return new DisruptionBudgetSetting({ maxUnavailablePercent: percent });
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

/**
 * A whole number from `min` to `max` ({@link checkInteger}, explained): a value of another type is reported as
 * such (`"3" is a string, not a number`), a number outside the range with `problem`, one above the schema's
 * int32 range as such.
 */
function wholeNumber(scope: IConstruct, field: string, value: unknown, min: number, max: number, problem: string, fix: string, notWhole = problem): number {
  return checkInteger(scope, field, value, { minimum: min, maximum: max, problem, notWhole, fix, explain: true });
}

/** The largest replica count a Deployment can hold: the schema's int32. */
function maxReplicas(): number {
  return crdLimits('apps/v1/Deployment', 'spec.replicas').maximum ?? INT32_MAX;
}

/** The largest `minReplicas` / `maxReplicas` of a HorizontalPodAutoscaler: the schema's int32. */
function maxHpaReplicas(field: 'minReplicas' | 'maxReplicas'): number {
  return crdLimits('autoscaling/v2/HorizontalPodAutoscaler', `spec.${field}`).maximum ?? INT32_MAX;
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
 * Checks anti-affinity options (`AntiAffinity`): no unknown key, a mode of {@link AntiAffinityMode},
 * a node label key as `topologyKey` (a string: a number is an error, not written as it is) and a
 * weight from 1 to 100.
 */
export function checkAntiAffinity(scope: IConstruct, field: string, value: unknown): AntiAffinity {
  const aa = checkOptions(scope, field, value as AntiAffinity, 'AntiAffinity');
  if (!Object.values(AntiAffinityMode).includes(aa.mode)) {
    throw invalidInput(scope, `${field}.mode`, aa.mode, 'is not an anti-affinity mode', `use one of ${Object.values(AntiAffinityMode).join(', ')}`);
  }
  const keyFix = 'use "kubernetes.io/hostname" or "topology.kubernetes.io/zone"';
  checkString(scope, `${field}.topologyKey`, aa.topologyKey, { fix: keyFix });
  if (!isLabelKey(aa.topologyKey)) {
    throw invalidInput(scope, `${field}.topologyKey`, aa.topologyKey, 'is not a node label key', keyFix);
  }
  if (aa.weight !== undefined) {
    wholeNumber(scope, `${field}.weight`, aa.weight, 1, 100, 'is not a whole number 1–100', 'use 100 for the strongest preference');
  }
  return aa;
}

/**
 * Merges overrides into an environment's sizing and checks the result. Every error names the
 * construct path and the field under `field` (e.g. `pilot.replicas`). The caller checks the keys of
 * `overrides` (they are often part of a larger options object).
 */
export function resolveSizing(scope: IConstruct, field: string, base: ComponentSizing, overrides: SizingOverrides = {}): ComponentSizing {
  if (overrides.antiAffinity !== undefined) checkAntiAffinity(scope, `${field}.antiAffinity`, overrides.antiAffinity);
  const sizing: ComponentSizing = {
    replicas: overrides.replicas ?? base.replicas,
    resources: overrides.resources ?? base.resources,
    autoscaling: overrides.autoscaling === undefined ? base.autoscaling
      : settingOf(scope, `${field}.autoscaling`, overrides.autoscaling, AutoscalingSetting, 'AutoscalingSetting.hpa({ minReplicas, maxReplicas, targetCpuUtilizationPercent }) or AutoscalingSetting.NONE').autoscaling,
    antiAffinity: overrides.antiAffinity ?? base.antiAffinity,
    podDisruptionBudget: overrides.podDisruptionBudget === undefined ? base.podDisruptionBudget
      : settingOf(scope, `${field}.podDisruptionBudget`, overrides.podDisruptionBudget, DisruptionBudgetSetting,
        'DisruptionBudgetSetting.maxUnavailable(n), .maxUnavailablePercent(p), .minAvailable(n) or DisruptionBudgetSetting.NONE').budget,
  };
  const replicaLimit = maxReplicas();
  wholeNumber(scope, `${field}.replicas`, sizing.replicas, 1, replicaLimit, 'is not a whole number of at least 1', 'give 1 or more replicas (PROD runs 3)');
  checkResources(scope, `${field}.resources`, sizing.resources);

  const hpa = sizing.autoscaling;
  if (hpa !== undefined) {
    checkOptions(scope, `${field}.autoscaling`, hpa, 'Autoscaling');
    wholeNumber(scope, `${field}.autoscaling.minReplicas`, hpa.minReplicas, 1, maxHpaReplicas('minReplicas'), 'is not a whole number of at least 1', 'set minReplicas to 1 or more (2 for HA)');
    wholeNumber(scope, `${field}.autoscaling.maxReplicas`, hpa.maxReplicas, hpa.minReplicas, maxHpaReplicas('maxReplicas'), `is below minReplicas (${hpa.minReplicas})${plainChartNote(scope)}`, 'set maxReplicas to at least minReplicas',
      'is not a whole number');
    wholeNumber(scope, `${field}.autoscaling.targetCpuUtilizationPercent`, hpa.targetCpuUtilizationPercent, 1, 100, 'is not a whole percentage 1–100', 'use e.g. 80');
  }

  checkAntiAffinity(scope, `${field}.antiAffinity`, sizing.antiAffinity);

  const pdb = sizing.podDisruptionBudget;
  if (pdb !== undefined) {
    checkOptions(scope, `${field}.podDisruptionBudget`, pdb, 'DisruptionBudget');
    checkDisruptionBudget(scope, `${field}.podDisruptionBudget`, pdb, hpa ? hpa.minReplicas : sizing.replicas, hpa !== undefined, replicaLimit);
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

/**
 * Checks a budget: exactly one of its fields, a whole number of pods from 1 to below `floor` (the HPA
 * minimum or the replica count: a budget at the floor could block every drain, or let a drain take
 * every pod), or a percentage from 1 to 99.
 */
function checkDisruptionBudget(scope: IConstruct, field: string, pdb: DisruptionBudget, floor: number, hpa: boolean, replicaLimit: number): void {
  const given = (['minAvailable', 'maxUnavailable', 'maxUnavailablePercent'] as const).filter((k) => pdb[k] !== undefined);
  const none = 'set podDisruptionBudget: DisruptionBudgetSetting.NONE';
  if (given.length !== 1) {
    throw invalidInput(scope, field, pdb, given.length === 0 ? 'sets none of minAvailable, maxUnavailable, maxUnavailablePercent' : `sets ${given.join(' and ')}; a budget has one of them`,
      `give one, e.g. DisruptionBudgetSetting.maxUnavailable(1), or ${none}`);
  }
  const floorName = hpa ? 'HPA minimum' : 'replica count';
  if (pdb.minAvailable !== undefined) {
    wholeNumber(scope, `${field}.minAvailable`, pdb.minAvailable, 1, replicaLimit, 'is not a whole number of at least 1', `keep at least 1 pod available, or ${none}`);
    if (pdb.minAvailable >= floor) {
      throw invalidInput(scope, `${field}.minAvailable`, pdb.minAvailable,
        `is not below the ${floorName} (${floor}), so no pod could ever be evicted and node drains would hang${plainChartNote(scope)}`,
        `set minAvailable below ${floor}, raise the replicas, or ${none}`);
    }
  } else if (pdb.maxUnavailable !== undefined) {
    wholeNumber(scope, `${field}.maxUnavailable`, pdb.maxUnavailable, 1, replicaLimit, 'is not a whole number of at least 1', `let a drain take at least 1 pod, or ${none}`);
    if (pdb.maxUnavailable >= floor) {
      throw invalidInput(scope, `${field}.maxUnavailable`, pdb.maxUnavailable,
        `is not below the ${floorName} (${floor}), so a drain could take every pod at once${plainChartNote(scope)}`,
        `set maxUnavailable below ${floor} (1 takes one pod at a time), raise the replicas, or ${none}`);
    }
  } else {
    wholeNumber(scope, `${field}.maxUnavailablePercent`, pdb.maxUnavailablePercent, 1, 99, 'is not a whole percentage 1–99',
      `give e.g. 25 (100 would let a drain take every pod), or ${none}`);
    if (floor < 2) {
      throw invalidInput(scope, `${field}.maxUnavailablePercent`, pdb.maxUnavailablePercent,
        `is a budget for a single pod (${floorName} 1), which Kubernetes rounds up to that pod: it protects nothing`, `raise the replicas to 2 or more, or ${none}`);
    }
  }
}

/** The `spec` fields of the PodDisruptionBudget (and the chart values) of a checked budget: `minAvailable` or `maxUnavailable`. */
export function disruptionBudgetSpec(pdb: DisruptionBudget): { minAvailable?: number; maxUnavailable?: number | string } {
  if (pdb.minAvailable !== undefined) return { minAvailable: pdb.minAvailable };
  if (pdb.maxUnavailable !== undefined) return { maxUnavailable: pdb.maxUnavailable };
  return { maxUnavailable: `${pdb.maxUnavailablePercent}%` };
}
