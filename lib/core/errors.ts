import { IConstruct } from 'constructs';

/**
 * Renders a value for an error message: strings quoted, objects as compact JSON.
 */
export function show(value: unknown): string {
  if (value === undefined) {
    return 'undefined';
  }
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  try {
    return JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? v.toString() : v)) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * The one shape of every input error this library raises:
 * `[<construct path>] <field>: <value> <problem>. <fix>`
 *
 * The construct path tells the user which object of which chart is wrong, the field and value say
 * what, and the fix says how to mend it.
 */
export function invalidInput(scope: IConstruct, field: string, value: unknown, problem: string, fix: string): Error {
  return new Error(formatInputError(scope.node.path, field, value, problem, fix));
}

/** The text of {@link invalidInput}, for `node.addValidation` producers that return strings. */
export function formatInputError(path: string, field: string, value: unknown, problem: string, fix: string): string {
  const where = path === '' ? '' : `[${path}] `;
  return `${where}${field}: ${show(value)} ${problem}. Fix: ${fix}`;
}
