import * as kplus from 'cdk8s-plus-27';
import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkSelectorLabels, workloadLabels } from '../core/labels';

/**
 * Which workloads (pods) an Istio object applies to, by their labels: the `selector` /
 * `workloadSelector` of policies, Sidecars, EnvoyFilters and ServiceEntries. Istio selects pods in the
 * object's own namespace only.
 *
 * Built from labels, or from a cdk8s-plus workload, whose pod labels are used (see
 * `workloadLabels`), so the object follows the pods the workload runs.
 */
export class WorkloadSelector {
  /** Pods carrying all of these labels, e.g. `{ app: 'reviews' }`. */
  public static labels(labels: { readonly [key: string]: string }): WorkloadSelector {
    return new WorkloadSelector({ ...labels }, undefined, undefined);
  }

  /**
   * The pods of a cdk8s-plus workload (Deployment, StatefulSet, DaemonSet, Job): the pod labels you gave
   * it (else its pod selector), and its namespace when it sets one.
   */
  public static fromWorkload(workload: kplus.Workload): WorkloadSelector {
    return new WorkloadSelector(undefined, workload, workload.metadata.namespace);
  }

  private constructor(
    private readonly _labels: { [key: string]: string } | undefined,
    private readonly _workload: kplus.Workload | undefined,
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
      const labels = workloadLabels(this._workload);
      if (Object.keys(labels).length === 0) {
        throw invalidInput(scope, field, this._workload.node.path, 'is a workload without pod selector labels, so it cannot be selected',
          'create the workload with select: true (the cdk8s-plus default) or call workload.select(...)');
      }
      return checkSelectorLabels(scope, field, labels);
    }
    return checkSelectorLabels(scope, field, this._labels);
  }
}

