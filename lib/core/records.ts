/** A copy of `record` with its keys in sorted order, so synthesized YAML is the same on every run. */
export function sortedRecord<T>(record: { readonly [key: string]: T }): { [key: string]: T } {
  return Object.fromEntries(Object.keys(record).sort().map((k) => [k, record[k]]));
}
