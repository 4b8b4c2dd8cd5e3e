import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

/** Bounds of a duration field. */
export interface DurationBounds {
  /**
   * Smallest allowed value in milliseconds.
   * @default 1 (Istio rejects durations under 1 ms)
   */
  readonly minMs?: number;
  /**
   * Only whole seconds are allowed (e.g. `corsPolicy.maxAge`).
   * @default false
   */
  readonly wholeSeconds?: boolean;
}

/**
 * Converts a cdk8s `Duration` to Istio's protobuf duration string (`"1.5s"`, `"250ms"`), checking
 * what istiod's webhook checks: millisecond precision and at least 1 ms (ISTIO-RULES V2, D2, D3, R1).
 * Throws an error naming the construct path, the field and the value.
 */
export function istioDuration(scope: IConstruct, field: string, value: Duration, bounds: DurationBounds = {}): string {
  if (!(value instanceof Duration)) {
    throw invalidInput(scope, field, value, 'is not a cdk8s Duration', 'use Duration.millis(), Duration.seconds() or Duration.minutes() from cdk8s');
  }
  const ms = value.toMilliseconds({ integral: false });
  const minMs = bounds.minMs ?? 1;
  if (!Number.isFinite(ms) || !Number.isInteger(ms)) {
    throw invalidInput(scope, field, `${ms}ms`, 'is not a whole number of milliseconds (Istio has millisecond precision)', 'round it to whole milliseconds');
  }
  if (ms < minMs) {
    throw invalidInput(scope, field, `${ms}ms`, `is below ${minMs}ms`, `use at least Duration.millis(${minMs})`);
  }
  if (bounds.wholeSeconds) {
    if (ms % 1000 !== 0) {
      throw invalidInput(scope, field, `${ms}ms`, 'is not a whole number of seconds', 'use Duration.seconds() with a whole number');
    }
    return `${ms / 1000}s`;
  }
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}
