/**
 * True for Istio's string-match syntax: exact, `*`, a prefix match `abc*` or a suffix match `*abc`
 * (one `*`, at one end).
 * @internal
 */
export function isIstioStringMatch(value: string): boolean {
  if (value === '*') {
    return true;
  }
  const stars = value.split('*').length - 1;
  if (stars === 0) {
    return true;
  }
  return stars === 1 && (value.startsWith('*') || value.endsWith('*'));
}

/**
 * The parts of an MtlsScope as given to its factory, checked by the StrictMtls that uses it (so errors
 * name the StrictMtls path and its `scope.*` field).
 * @internal
 */
export interface MtlsScopeParts {
  /** `mesh(options)`: the options as given. */
  readonly options?: unknown;
  /** `namespace(ns)` / `workload(ns, ...)`: the namespace as given; `fromWorkload`: the workload's, if any. */
  readonly namespace?: unknown;
  /** True when the factory takes a namespace argument (so it must be set). */
  readonly namespaceGiven?: boolean;
  /** The selector as given. */
  readonly selector?: unknown;
  /** True for the workload scopes, whose selector must be set. */
  readonly selectorGiven?: boolean;
}
