/**
 * PromQL syntax check for tests: parses with Prometheus's own grammar (@prometheus-io/lezer-promql,
 * the parser of the Prometheus UI) and lists the error nodes with their position.
 */
import { parser } from '@prometheus-io/lezer-promql';

/** The syntax errors of `expr` (empty when it parses), each as `at <offset>: <text around>`. */
export function promqlErrors(expr: string): string[] {
  const errors: string[] = [];
  parser.parse(expr).iterate({
    enter: (node) => {
      if (node.type.isError) errors.push(`at ${node.from}: ${JSON.stringify(expr.slice(Math.max(0, node.from - 10), node.to + 10))}`);
    },
  });
  return errors;
}

/** Fails with every expression that does not parse, naming it. */
export function expectPromql(expressions: readonly { readonly name: string; readonly expression: string }[]): void {
  if (expressions.length === 0) throw new Error('no PromQL expression to check');
  const bad = expressions.map((e) => ({ ...e, errors: promqlErrors(e.expression) })).filter((e) => e.errors.length > 0);
  if (bad.length > 0) {
    throw new Error(bad.map((b) => `${b.name}: ${b.expression}\n  ${b.errors.join('\n  ')}`).join('\n'));
  }
}
