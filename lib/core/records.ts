/** True for plain JSON objects (not arrays, not null). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A copy of `record` with its keys in sorted order, so synthesized YAML is the same on every run. */
export function sortedRecord<T>(record: { readonly [key: string]: T }): { [key: string]: T } {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}

/**
 * A frozen copy of `items`, typed as a plain array for the public API (jsii has no read-only arrays):
 * later changes to the caller's array change nothing, and writes to the copy throw in strict mode.
 */
export function frozenCopy<T>(items: readonly T[]): T[] {
  return Object.freeze([...items]) as T[];
}
