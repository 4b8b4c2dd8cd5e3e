import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { CEL_DURATION_MAX_MS } from './crd-limits';
import { invalidInput } from './errors';
import { describeType } from './input';

/** Bounds of a duration field. */
export interface DurationBounds {
  /**
   * Smallest allowed value in milliseconds.
   * @default 1 (Istio rejects durations under 1 ms)
   */
  readonly minMs?: number;
  /**
   * Largest allowed value in milliseconds.
   * @default CEL_DURATION_MAX_MS (about 292 years: the apiserver's CEL rules cannot parse longer durations)
   */
  readonly maxMs?: number;
  /**
   * Only whole seconds are allowed (e.g. `corsPolicy.maxAge`).
   * @default false
   */
  readonly wholeSeconds?: boolean;
}

/**
 * Converts a cdk8s `Duration` to Istio's protobuf duration string (`"1.5s"`, `"250ms"`), checking
 * what istiod's webhook checks: millisecond precision and at least 1 ms (ISTIO-RULES V2, D2, D3, R1), and at
 * most what the CRDs' CEL rules can parse ({@link CEL_DURATION_MAX_MS}).
 * Throws an error naming the construct path, the field and the value.
 */
export function istioDuration(scope: IConstruct, field: string, value: Duration, bounds: DurationBounds = {}): string {
  if (!(value instanceof Duration)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a cdk8s Duration`, 'use Duration.millis(), Duration.seconds() or Duration.minutes() from cdk8s');
  }
  let ms: unknown;
  try {
    ms = value.toMilliseconds({ integral: false });
  } catch {
    ms = undefined;
  }
  const minMs = bounds.minMs ?? 1;
  const maxMs = bounds.maxMs ?? CEL_DURATION_MAX_MS;
  if (typeof ms !== 'number' || !Number.isFinite(ms)) {
    throw invalidInput(scope, field, value, 'is not a finite duration', 'use a whole number of milliseconds, e.g. Duration.seconds(5)');
  }
  if (!Number.isInteger(ms)) {
    throw invalidInput(scope, field, `${ms}ms`, 'is not a whole number of milliseconds (Istio has millisecond precision)', 'round it to whole milliseconds');
  }
  if (ms < minMs) {
    throw invalidInput(scope, field, `${ms}ms`, `is below ${minMs}ms`, `use at least Duration.millis(${minMs})`);
  }
  if (ms > maxMs) {
    throw invalidInput(scope, field, `${ms}ms`, `is above ${maxMs}ms, longer than the CRD's duration rules can parse`, `use at most Duration.millis(${maxMs})`);
  }
  if (bounds.wholeSeconds) {
    if (ms % 1000 !== 0) {
      throw invalidInput(scope, field, `${ms}ms`, 'is not a whole number of seconds', 'use Duration.seconds() with a whole number');
    }
    return `${ms / 1000}s`;
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
