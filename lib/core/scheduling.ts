import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { checkInteger } from './input';
import { isSecretName } from './secrets';

/**
 * The PriorityClass of a component's pods: {@link PodPriorityClass.SYSTEM_CLUSTER_CRITICAL},
 * {@link PodPriorityClass.named} or {@link PodPriorityClass.NONE}.
 *
 * A critical class lets the scheduler evict lower-priority pods to place a gateway when nodes are
 * full, so traffic is not the first thing lost to a busy cluster. Some platforms (GKE among them)
 * admit pods of the two `system-*` classes outside `kube-system` only where a ResourceQuota with a
 * `PriorityClass` scope allows them: create one in the gateway namespace, or name a class of your own.
 */
export class PodPriorityClass {
  /** Kubernetes' built-in `system-cluster-critical` class (priority 2000000000). */
  public static readonly SYSTEM_CLUSTER_CRITICAL: PodPriorityClass = new PodPriorityClass('system-cluster-critical');
  /** No priority class: the pods get the cluster's default priority. */
  public static readonly NONE: PodPriorityClass = new PodPriorityClass(undefined);

  /** A PriorityClass of the cluster, by name (created elsewhere, e.g. `gateway-critical`). */
  public static named(name: string): PodPriorityClass {
    return new PodPriorityClass(name);
  }

  private constructor(private readonly name: string | undefined) {}

  /**
   * The checked class name, or undefined for NONE.
   * @internal
   */
  public _name(scope: IConstruct, field: string): string | undefined {
    if (this.name === undefined) return undefined;
    if (!isSecretName(this.name)) {
      throw invalidInput(scope, field, this.name, 'is not a PriorityClass name (a DNS subdomain: lowercase letters, digits, "-" and ".", at most 253 characters)',
        'name a PriorityClass, e.g. "system-cluster-critical"');
    }
    return this.name;
  }
}

/** What the scheduler does when zones cannot be kept even. */
export enum ZoneSpreadMode {
  /** Spread as well as possible, but schedule a pod anyway (a zone outage does not stop scaling). */
  PREFERRED = 'ScheduleAnyway',
  /** Never exceed the skew: a pod stays Pending instead (a zone outage can block scaling). */
  REQUIRED = 'DoNotSchedule',
}

/**
 * Spreading of a component's replicas across zones (`topologySpreadConstraints` on
 * `topology.kubernetes.io/zone`): {@link ZoneSpreading.across} or {@link ZoneSpreading.NONE}.
 */
export class ZoneSpreading {
  /** No topology spread constraint. */
  public static readonly NONE: ZoneSpreading = new ZoneSpreading(undefined, 1);

  /**
   * At most `maxSkew` more replicas in one zone than in another.
   * @param mode PREFERRED (ScheduleAnyway) or REQUIRED (DoNotSchedule)
   * @param maxSkew the largest difference allowed, 1 or more (default 1)
   */
  public static across(mode: ZoneSpreadMode, maxSkew?: number): ZoneSpreading {
    return new ZoneSpreading(mode, maxSkew ?? 1);
  }

  private constructor(private readonly mode: ZoneSpreadMode | undefined, private readonly maxSkew: number) {}

  /**
   * The `topologySpreadConstraints` for pods with `selector`, or undefined for NONE. `matchLabelKeys:
   * [pod-template-hash]` counts only the pods of one ReplicaSet, so a rolling update is spread too.
   * @internal
   */
  public _render(scope: IConstruct, field: string, selector: { readonly [key: string]: string }): TopologySpreadJson[] | undefined {
    if (this.mode === undefined) return undefined;
    if (!Object.values(ZoneSpreadMode).includes(this.mode)) {
      throw invalidInput(scope, `${field}.mode`, this.mode, 'is not a ZoneSpreadMode', 'use ZoneSpreadMode.PREFERRED or ZoneSpreadMode.REQUIRED');
    }
    const maxSkew = checkInteger(scope, `${field}.maxSkew`, this.maxSkew, { minimum: 1, fix: 'give 1 (even spreading) or more' });
    return [{
      maxSkew,
      topologyKey: 'topology.kubernetes.io/zone',
      whenUnsatisfiable: this.mode,
      labelSelector: { matchLabels: Object.fromEntries(Object.entries(selector).sort(([a], [b]) => (a < b ? -1 : 1))) },
      matchLabelKeys: ['pod-template-hash'],
    }];
  }
}

/** A rendered topology spread constraint. @internal */
export interface TopologySpreadJson {
  readonly maxSkew: number;
  readonly topologyKey: string;
  readonly whenUnsatisfiable: string;
  readonly labelSelector: { readonly matchLabels: { readonly [key: string]: string } };
  readonly matchLabelKeys: string[];
}

/**
 * The seccomp profile of every pod the constructs define (the container runtime's default filter).
 * @internal
 */
export const RUNTIME_DEFAULT_SECCOMP = { type: 'RuntimeDefault' };
