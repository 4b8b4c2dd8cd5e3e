import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkInstance } from '../core/input';
import { WorkloadSelector } from '../workload/workload-selector';

/** The fix of a selector that is not a WorkloadSelector. */
export const SELECTOR_FIX = 'use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)';

/**
 * Checks that `selector` is a {@link WorkloadSelector} and renders its labels (sorted, checked).
 * @param maxProperties most labels the emitted object's CRD allows (`crdLimits(...).maxProperties`)
 * @internal
 */
export function renderSelector(scope: IConstruct, field: string, selector: unknown, maxProperties?: number): { [key: string]: string } {
  const labels = checkInstance(scope, field, selector, WorkloadSelector, SELECTOR_FIX)._render(scope, field);
  const count = Object.keys(labels).length;
  if (maxProperties !== undefined && count > maxProperties) {
    throw invalidInput(scope, field, labels, `has ${count} labels, more than the ${maxProperties} the CRD allows`, `select with at most ${maxProperties} labels`);
  }
  return labels;
}
