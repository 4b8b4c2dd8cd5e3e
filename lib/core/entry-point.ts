/**
 * The scope of errors raised by a static entry point that has no construct of its own
 * (`Environment.override`, `TrafficHost.of` given no construct, `MeshApp` before its tree exists):
 * its messages name the entry point where a construct path would stand.
 *
 * ```ts
 * checkOptions(entryPoint('Environment.override'), 'overrides', overrides, 'EnvironmentOverrides');
 * // [Environment.override] overrides: "replica" is not a field of EnvironmentOverrides ... Fix: ...
 * ```
 */
import { IConstruct } from 'constructs';

/** A stand-in scope whose path is `name`, for the checkers of `./input` (they read `node.path` only). */
export function entryPoint(name: string): IConstruct {
  return { node: { path: name } } as unknown as IConstruct;
}
