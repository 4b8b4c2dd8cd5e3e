import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { parseServiceHost } from '../core/hostnames';
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

/**
 * What a route's host must be beyond the DNS syntax (`checkServiceHost`, `checkHostname`): no name whose
 * last label is all digits (`0.0`, `10.1`: no top-level domain is, and an IP address is no host a route
 * can name), and for a cluster service host a Service name that starts with a letter (Kubernetes
 * Service names are DNS-1035 labels: `0.bookinfo.svc.cluster.local` can exist nowhere).
 * @internal
 */
export function checkRouteHost(scope: IConstruct, field: string, host: string): string {
  const labels = host.split('.');
  const last = labels[labels.length - 1];
  if (labels.length > 1 && /^[0-9]+$/.test(last)) {
    throw invalidInput(scope, field, host, `is not a host name: its last label "${last}" is all digits (no top-level domain is; an IP address is no host a route can name)`,
      'name the service, e.g. "reviews.bookinfo.svc.cluster.local" or "api.example.com"');
  }
  const service = parseServiceHost(host, 'default');
  if (service && service.service !== '*' && !/^[a-z]/.test(service.service)) {
    throw invalidInput(scope, field, host, `names the Kubernetes Service ${JSON.stringify(service.service)}, which does not start with a letter (Service names are DNS-1035 labels)`,
      'name the Service as Kubernetes has it, e.g. "reviews"');
  }
  return host;
}
