import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { describeType, isObject } from '../core/input';
import { checkSelectorLabels } from '../core/labels';
import { PLUS_WORKLOAD_KINDS, PlusWorkload } from './plus-objects';

/**
 * Which workloads (pods) an Istio object applies to, by their labels: the `selector` /
 * `workloadSelector` of policies, Sidecars, EnvoyFilters and ServiceEntries. Istio selects pods in the
 * object's own namespace only.
 *
 * Built from labels, or from a cdk8s-plus workload, whose pod labels are used (see
 * `fromWorkload`), so the object follows the pods the workload runs.
 */
export class WorkloadSelector {
  /**
   * Pods carrying all of these labels, e.g. `{ app: 'reviews' }`.
   *
   * The labels are checked (a map of Kubernetes labels, string values, no wildcard, at least one) by
   * the construct that uses the selector, so errors name its path and field.
   */
  public static labels(labels: { readonly [key: string]: string }): WorkloadSelector {
    // A copy of a plain map (later changes to the caller's object change nothing); anything else as it
    // is, so the construct using the selector reports it (a Map would copy to an empty, select-all map).
    return new WorkloadSelector(isPlainMap(labels) ? { ...labels } : labels, undefined, undefined);
  }

  /**
   * The pods of a cdk8s-plus workload: a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of
   * any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33). The parameter is typed `IConstruct`,
   * which every version shares, and checked when called: another construct is an error naming it.
   *
   * The labels are read when a construct uses the selector, so labels added to the workload after
   * this call count: the pod labels you gave it (`podMetadata.labels`); when you gave none, its own
   * selector (`matchLabels`, by default cdk8s-plus's `cdk8s.io/metadata.addr` label) for a
   * Deployment, StatefulSet or DaemonSet, else the address label cdk8s-plus puts on the pods of a Job,
   * CronJob or Pod. The selector carries the workload's namespace when it sets one.
   *
   * @param workload a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod
   */
  public static fromWorkload(workload: IConstruct): WorkloadSelector {
    return WorkloadSelector._fromPlus(PlusWorkload.read(workload, {
      field: 'WorkloadSelector.fromWorkload(workload)',
      fix: `pass ${PLUS_WORKLOAD_KINDS}, or use WorkloadSelector.labels({ app: "..." })`,
    }));
  }

  /** @internal A selector of the pods of a checked cdk8s-plus workload. */
  public static _fromPlus(workload: PlusWorkload): WorkloadSelector {
    return new WorkloadSelector(undefined, workload, workload.namespace);
  }

  private constructor(
    /** The labels as given to `labels(...)` (a shallow copy of an object), checked when rendered. */
    private readonly _labels: { [key: string]: string } | undefined,
    private readonly _workload: PlusWorkload | undefined,
    /** The namespace of the workload this selector came from, when known. */
    public readonly namespace: string | undefined,
  ) {}

  /**
   * The checked labels (ISTIO-RULES A4: no wildcard, no empty key, values of at most 63 characters),
   * sorted by key.
   * @internal
   */
  public _render(scope: IConstruct, field: string): { [key: string]: string } {
    if (this._workload) {
      const labels = this._workload.selectorLabels();
      if (Object.keys(labels).length === 0) {
        throw invalidInput(scope, field, this._workload.path, 'is a workload without pod selector labels, so it cannot be selected',
          'give its pods labels (podMetadata: { labels: { app: "..." } }), or create it with select: true (the cdk8s-plus default) or call workload.select(...)');
      }
      return checkSelectorLabels(scope, field, labels);
    }
    const labels: unknown = this._labels;
    if (!isPlainMap(labels)) {
      throw invalidInput(scope, field, labels, `is ${describeType(labels)}, not a map of labels`,
        'give WorkloadSelector.labels a map of label keys to values, e.g. WorkloadSelector.labels({ app: "reviews" })');
    }
    return checkSelectorLabels(scope, field, labels as { [key: string]: string });
  }
}

/** True for a plain object (`{ app: 'reviews' }`, or one without prototype): what a label map is. */
function isPlainMap(value: unknown): value is { [key: string]: string } {
  if (!isObject(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
