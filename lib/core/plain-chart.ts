/**
 * Constructs outside a MeshChart (in a plain cdk8s Chart) take the PROD environment's defaults, the
 * strictest. Every message a check gives because of those defaults says so, so that a refusal such as
 * `"prod" is a production environment` in a chart that names no environment is no riddle.
 *
 * ```ts
 * const env = MeshChart.environmentOf(this);     // records `this` when it gets the plain-Chart default
 * throw invalidInput(this, field, value, `is ... ${plainChartNote(this)}`, fix);
 * ```
 */
import { IConstruct } from 'constructs';

/** The constructs that took the PROD default because no MeshChart encloses them. */
const TOOK_PLAIN_CHART_DEFAULT = new WeakSet<IConstruct>();

/** Records that `scope` takes the PROD defaults of a plain Chart (called by `MeshChart.environmentOf`). */
export function recordPlainChartDefault(scope: IConstruct): void {
  TOOK_PLAIN_CHART_DEFAULT.add(scope);
}

/**
 * The note to append to a message that an environment default caused, when `scope` took the plain-Chart
 * PROD default; else the empty string.
 */
export function plainChartNote(scope: IConstruct): string {
  return TOOK_PLAIN_CHART_DEFAULT.has(scope)
    ? ' (this construct is in a plain cdk8s Chart, not a MeshChart, so it takes the PROD environment\'s defaults; '
      + 'put it in a MeshChart with the environment you mean, e.g. { environment: Environment.DEV }, to take that one\'s)'
    : '';
}
