import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { EnvironmentProfile } from '../environment';
import { HostHttpRoute } from './traffic-host';
import { FaultInjection, RetryPolicy } from './resilience';

/** Resilience settings of an HTTP route. */
export interface RouteResilience {
  /**
   * Timeout of the whole request, retries included; at least 1ms (ISTIO-RULES V2).
   * @default none (Istio's default: no timeout)
   */
  readonly timeout?: Duration;
  /**
   * Retries.
   * @default Istio's default: 2 attempts on connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes
   */
  readonly retries?: RetryPolicy;
  /**
   * Faults to inject, for tests; refused in production unless the fault allows it.
   * @default none
   */
  readonly fault?: FaultInjection;
}

/**
 * Checks and renders the resilience part of a route.
 * @internal
 */
export function renderResilience(scope: IConstruct, field: string, options: RouteResilience, env: EnvironmentProfile):
Pick<HostHttpRoute, 'timeout' | 'retries' | 'fault'> {
  const prefix = field ? `${field}.` : '';
  const timeout = options.timeout === undefined ? undefined : istioDuration(scope, `${prefix}timeout`, options.timeout);
  if (options.retries !== undefined && !(options.retries instanceof RetryPolicy)) {
    throw invalidInput(scope, `${prefix}retries`, options.retries, 'is not a RetryPolicy', 'use RetryPolicy.of() or RetryPolicy.disabled()');
  }
  if (options.fault !== undefined && !(options.fault instanceof FaultInjection)) {
    throw invalidInput(scope, `${prefix}fault`, options.fault, 'is not a FaultInjection', 'use FaultInjection.delay() or FaultInjection.abort()');
  }
  const retries = options.retries?._render(scope, `${prefix}retries`, options.timeout?.toMilliseconds());
  const fault = options.fault?._render(scope, `${prefix}fault`, env);
  return {
    ...(timeout ? { timeout } : {}),
    ...(retries ? { retries } : {}),
    ...(fault ? { fault } : {}),
  };
}
