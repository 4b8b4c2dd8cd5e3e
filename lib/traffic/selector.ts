import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { WorkloadSelector } from '../workload/workload-selector';

/**
 * Checks that `selector` is a {@link WorkloadSelector} and renders its labels (sorted, checked).
 * @internal
 */
export function renderSelector(scope: IConstruct, field: string, selector: unknown): { [key: string]: string } {
  if (!(selector instanceof WorkloadSelector)) {
    throw invalidInput(scope, field, selector, 'is not a WorkloadSelector', 'use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)');
  }
  return selector._render(scope, field);
}
