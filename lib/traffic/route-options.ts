import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/duration';
import { checkInstance } from '../core/input';
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
  const retryPolicy = options.retries === undefined ? undefined
    : checkInstance(scope, `${prefix}retries`, options.retries, RetryPolicy, 'use RetryPolicy.of() or RetryPolicy.disabled()');
  const faultInjection = options.fault === undefined ? undefined
    : checkInstance(scope, `${prefix}fault`, options.fault, FaultInjection, 'use FaultInjection.delay(), FaultInjection.abort() or FaultInjection.delayAndAbort()');
  const retries = retryPolicy?._render(scope, `${prefix}retries`, timeout === undefined ? undefined : options.timeout!.toMilliseconds());
  const fault = faultInjection?._render(scope, `${prefix}fault`, env);
  return {
    ...(timeout ? { timeout } : {}),
    ...(retries ? { retries } : {}),
    ...(fault ? { fault } : {}),
  };
}
