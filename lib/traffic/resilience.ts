import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/duration';
import { crdLimits } from '../core/crd-limits';
import { invalidInput } from '../core/errors';
import { plainChartNote } from '../core/plain-chart';
import { checkArray, checkBoolean, checkInstance, checkInteger, checkOptions, copyOptions, describeType } from '../core/input';
import { EnvironmentProfile } from '../environment';
import { VirtualServiceSpecHttpFault, VirtualServiceSpecHttpRetries } from '../../imports/networking.istio.io';
import { checkFractionPercent } from './checks';

/** The retry policies istiod 1.30 accepts in `retryOn` besides HTTP status codes (ISTIO-RULES V3). */
const RETRY_ON_POLICIES: ReadonlySet<string> = new Set([
  '5xx', 'gateway-error', 'reset', 'reset-before-request', 'connect-failure', 'retriable-4xx', 'refused-stream',
  'retriable-status-codes', 'retriable-headers', 'envoy-ratelimited', 'http3-post-connect-failure',
  'cancelled', 'deadline-exceeded', 'internal', 'resource-exhausted', 'unavailable',
]);

/** Status codes istiod recognises in `retryOn` (those Go's net/http has a status text for). */
const HTTP_STATUS_CODES: ReadonlySet<number> = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424,
  425, 426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);

/**
 * A condition under which Envoy retries a request (a token of `retries.retryOn`).
 * The constants are Envoy's `x-envoy-retry-on` and `x-envoy-retry-grpc-on` policies that istiod accepts.
 */
export class RetryOn {
  /** Any 5xx response, or no response at all (disconnect, reset, timeout). */
  public static readonly FIVE_XX = new RetryOn('5xx');
  /** 502, 503 or 504 responses. */
  public static readonly GATEWAY_ERROR = new RetryOn('gateway-error');
  /** No response: disconnect, reset or read timeout. */
  public static readonly RESET = new RetryOn('reset');
  /** A reset before the request was sent upstream (safe for non-idempotent requests). */
  public static readonly RESET_BEFORE_REQUEST = new RetryOn('reset-before-request');
  /** The connection to the upstream failed (connect timeout included). */
  public static readonly CONNECT_FAILURE = new RetryOn('connect-failure');
  /** Retriable 4xx responses (currently 409). */
  public static readonly RETRIABLE_4XX = new RetryOn('retriable-4xx');
  /** The upstream reset the stream with REFUSED_STREAM. */
  public static readonly REFUSED_STREAM = new RetryOn('refused-stream');
  /** The status codes listed with {@link statusCode}; Istio adds this token itself when codes are listed. */
  public static readonly RETRIABLE_STATUS_CODES = new RetryOn('retriable-status-codes');
  /** Responses that carry a retriable header. */
  public static readonly RETRIABLE_HEADERS = new RetryOn('retriable-headers');
  /** Envoy's own rate limiter answered 429. */
  public static readonly ENVOY_RATELIMITED = new RetryOn('envoy-ratelimited');
  /** An HTTP/3 connection failed after it was established. */
  public static readonly HTTP3_POST_CONNECT_FAILURE = new RetryOn('http3-post-connect-failure');
  /** gRPC status CANCELLED. */
  public static readonly CANCELLED = new RetryOn('cancelled');
  /** gRPC status DEADLINE_EXCEEDED. */
  public static readonly DEADLINE_EXCEEDED = new RetryOn('deadline-exceeded');
  /** gRPC status INTERNAL. */
  public static readonly INTERNAL = new RetryOn('internal');
  /** gRPC status RESOURCE_EXHAUSTED. */
  public static readonly RESOURCE_EXHAUSTED = new RetryOn('resource-exhausted');
  /** gRPC status UNAVAILABLE. */
  public static readonly UNAVAILABLE = new RetryOn('unavailable');

  /** Retry on one HTTP status code, e.g. 503. Checked when a construct uses it (must be a known code). */
  public static statusCode(code: number): RetryOn {
    return new RetryOn(String(code), { code });
  }

  /** A token given as text, e.g. from configuration: a policy name above or a status code. Checked on use. */
  public static of(token: string): RetryOn {
    return new RetryOn(String(token), { token });
  }

  private constructor(
    /** The `retryOn` token. */
    public readonly token: string,
    /** What the factory was given, checked on use (`of` takes a string, `statusCode` a number). */
    private readonly given?: { readonly code: unknown } | { readonly token: unknown },
  ) {}

  /** @internal */
  public _check(scope: IConstruct, field: string): string {
    if (this.given !== undefined && 'code' in this.given && typeof this.given.code !== 'number') {
      throw invalidInput(scope, field, this.given.code, `is ${describeType(this.given.code)}, not a number (RetryOn.statusCode takes an HTTP status code)`,
        'use e.g. RetryOn.statusCode(503), or RetryOn.of("503") for a code given as text');
    }
    if (this.given !== undefined && 'code' in this.given && !HTTP_STATUS_CODES.has(this.given.code as number)) {
      throw invalidInput(scope, field, this.given.code, 'is not an HTTP status code istiod knows (V3)', 'use a code such as 503 or 429');
    }
    if (this.given !== undefined && 'token' in this.given && typeof this.given.token !== 'string') {
      throw invalidInput(scope, field, this.given.token, `is ${describeType(this.given.token)}, not a string (RetryOn.of takes a token as text)`,
        'use e.g. RetryOn.of("5xx") or RetryOn.of("503"), or RetryOn.statusCode(503) for a number');
    }
    const token = this.token;
    if (/^[0-9]+$/.test(token)) {
      if (!HTTP_STATUS_CODES.has(Number(token))) {
        throw invalidInput(scope, field, token, 'is not an HTTP status code istiod knows (V3)', 'use a code such as 503 or 429');
      }
      return String(Number(token));
    }
    if (!RETRY_ON_POLICIES.has(token)) {
      throw invalidInput(scope, field, token, 'is not a retryOn policy istiod accepts (V3)',
        `use an HTTP status code or one of ${[...RETRY_ON_POLICIES].join(', ')} (RetryOn.*)`);
    }
    return token;
  }
}

/** Options of {@link RetryPolicy.of}. */
export interface RetryPolicyOptions {
  /** How many times a failed request is retried (not counting the first try), at least 1. */
  readonly attempts: number;
  /**
   * Timeout of each try, the first included; must be shorter than the route's `timeout`.
   * @default the route timeout applies to all tries together
   */
  readonly perTryTimeout?: Duration;
  /**
   * When to retry.
   * @default Istio's default: connect-failure, refused-stream, unavailable, cancelled, retriable-status-codes
   */
  readonly retryOn?: RetryOn[];
  /**
   * Minimum wait between tries (Envoy adds jitter and backs off exponentially from it).
   * @default Envoy's 25ms
   */
  readonly backoff?: Duration;
  /**
   * Retry to endpoints in other localities when locality load balancing is on.
   * @default Istio's default (false)
   */
  readonly retryRemoteLocalities?: boolean;
}

/**
 * The retry policy of a route (`http[].retries`). Without one, Istio retries twice on connection
 * failures; {@link RetryPolicy.disabled} turns retries off.
 */
export class RetryPolicy {
  /** Retry up to `attempts` times. */
  public static of(options: RetryPolicyOptions): RetryPolicy {
    return new RetryPolicy(copyOptions(options));
  }

  /** No retries at all (`attempts: 0`), e.g. for non-idempotent endpoints. */
  public static disabled(): RetryPolicy {
    return new RetryPolicy({ attempts: 0 });
  }

  private constructor(private readonly options: RetryPolicyOptions) {}

  /**
   * @internal Checks the policy (ISTIO-RULES V2, V3) and renders it.
   * @param timeoutMs the route timeout in milliseconds, if any
   */
  public _render(scope: IConstruct, field: string, timeoutMs?: number): VirtualServiceSpecHttpRetries {
    const o = checkOptions(scope, field, this.options, 'RetryPolicyOptions');
    // The schema's int32 range, from 0 (retries off).
    const attempts = checkInteger(scope, `${field}.attempts`, o.attempts, {
      ...crdLimits('networking.istio.io/v1/VirtualService', 'spec.http[].retries.attempts'), minimum: 0, fix: 'use a whole number of at least 0',
    });
    if (attempts === 0) {
      const extra = (['perTryTimeout', 'retryOn', 'retryRemoteLocalities', 'backoff'] as const).find((k) => o[k] !== undefined);
      if (extra) {
        const value = o[extra];
        const shown = value instanceof Duration ? `${value.toMilliseconds({ integral: false })}ms` : Array.isArray(value) ? value.map((r) => r.token) : value;
        throw invalidInput(scope, `${field}.${extra}`, shown,
          'is set while attempts is 0 (retries disabled), which istiod rejects (V3)', `set attempts to at least 1, or drop ${extra}`);
      }
      return { attempts: 0 };
    }
    const perTryTimeout = o.perTryTimeout === undefined ? undefined : istioDuration(scope, `${field}.perTryTimeout`, o.perTryTimeout);
    if (o.perTryTimeout !== undefined && timeoutMs !== undefined && o.perTryTimeout.toMilliseconds() >= timeoutMs) {
      throw invalidInput(scope, `${field}.perTryTimeout`, perTryTimeout, `is not shorter than the route timeout of ${timeoutMs}ms, so no retry could ever start`,
        'make perTryTimeout shorter than timeout, e.g. timeout / (attempts + 1)');
    }
    let retryOn: string | undefined;
    if (o.retryOn !== undefined) {
      const tokens = checkArray(scope, `${field}.retryOn`, o.retryOn,
        (r, f) => checkInstance(scope, f, r, RetryOn, 'use RetryOn.FIVE_XX, RetryOn.statusCode(503) and the like')._check(scope, f),
        { minItems: 1, fix: 'list at least one condition, or leave retryOn out for Istio\'s default' });
      retryOn = [...new Set(tokens)].join(',');
    }
    const backoff = o.backoff === undefined ? undefined : istioDuration(scope, `${field}.backoff`, o.backoff);
    const remote = o.retryRemoteLocalities === undefined ? undefined : checkBoolean(scope, `${field}.retryRemoteLocalities`, o.retryRemoteLocalities);
    return {
      attempts,
      ...(perTryTimeout ? { perTryTimeout } : {}),
      ...(retryOn ? { retryOn } : {}),
      ...(backoff !== undefined ? { backoff } : {}),
      ...(remote !== undefined ? { retryRemoteLocalities: remote } : {}),
    };
  }
}

/** What every fault shares. */
export interface FaultOptionsBase {
  /**
   * Percentage of requests affected: 0, or 0.0001 to 100 (ISTIO-RULES V5).
   */
  readonly percent: number;
  /**
   * Fault injection breaks requests on purpose and belongs in test environments: in a production
   * environment (a MeshChart whose environment has `production: true`, or outside any MeshChart) it
   * is refused unless this is true.
   * @default false
   */
  readonly allowInProduction?: boolean;
}

/** Options of {@link FaultInjection.delay}. */
export interface FaultDelayOptions extends FaultOptionsBase {
  /** How long the affected requests wait before being forwarded, at least 1ms. */
  readonly fixedDelay: Duration;
}

/** Options of {@link FaultInjection.abort}. */
export interface FaultAbortOptions extends FaultOptionsBase {
  /** The status the affected requests get, 200–599. */
  readonly httpStatus: number;
}

/**
 * Faults a route injects on the client side (`http[].fault`): delays, aborts, or both. For chaos
 * tests in DEV and STAGING; see {@link FaultOptionsBase.allowInProduction}.
 */
export class FaultInjection {
  /** Delay `percent` % of requests by `fixedDelay`. */
  public static delay(options: FaultDelayOptions): FaultInjection {
    return new FaultInjection(copyOptions(options), undefined);
  }

  /** Answer `percent` % of requests with `httpStatus` without forwarding them. */
  public static abort(options: FaultAbortOptions): FaultInjection {
    return new FaultInjection(undefined, copyOptions(options));
  }

  /** Both a delay and an abort; each picks its own share of requests, so a request may be delayed and then aborted. */
  public static delayAndAbort(delay: FaultDelayOptions, abort: FaultAbortOptions): FaultInjection {
    return new FaultInjection(copyOptions(delay), copyOptions(abort));
  }

  private constructor(private readonly delayOptions: FaultDelayOptions | undefined, private readonly abortOptions: FaultAbortOptions | undefined) {}

  /** @internal Checks the fault (ISTIO-RULES V2, V5 and the production guard) and renders it. */
  public _render(scope: IConstruct, field: string, env: EnvironmentProfile): VirtualServiceSpecHttpFault {
    const fault: { delay?: VirtualServiceSpecHttpFault['delay']; abort?: VirtualServiceSpecHttpFault['abort'] } = {};
    const guard = (part: 'delay' | 'abort', o: FaultOptionsBase) => {
      const allowed = o.allowInProduction === undefined ? false : checkBoolean(scope, `${field}.${part}.allowInProduction`, o.allowInProduction);
      if (env.production && !allowed) {
        throw invalidInput(scope, `${field}.${part}`, env.name, `is a production environment, where fault injection would break real requests${plainChartNote(scope)}`,
          'inject faults in DEV or STAGING, or set allowInProduction: true for a deliberate production chaos test');
      }
    };
    if (this.delayOptions !== undefined) {
      const d = checkOptions(scope, `${field}.delay`, this.delayOptions, 'FaultDelayOptions');
      guard('delay', d);
      fault.delay = {
        fixedDelay: istioDuration(scope, `${field}.delay.fixedDelay`, d.fixedDelay),
        percentage: { value: percent(scope, `${field}.delay.percent`, d.percent) },
      };
    }
    if (this.abortOptions !== undefined) {
      const a = checkOptions(scope, `${field}.abort`, this.abortOptions, 'FaultAbortOptions');
      guard('abort', a);
      if (typeof a.httpStatus !== 'number' || !Number.isInteger(a.httpStatus) || a.httpStatus < 200 || a.httpStatus > 599) {
        throw invalidInput(scope, `${field}.abort.httpStatus`, a.httpStatus,
          typeof a.httpStatus !== 'number' ? `is ${describeType(a.httpStatus)}, not a number` : 'is not an HTTP status from 200 to 599 (V5)', 'use e.g. 503');
      }
      fault.abort = {
        httpStatus: a.httpStatus,
        percentage: { value: percent(scope, `${field}.abort.percent`, a.percent) },
      };
    }
    return fault;
  }
}

/** A fault's percentage: a number (another type is reported as such), 0 or 0.0001 to 100 (V5). */
function percent(scope: IConstruct, field: string, value: unknown): number {
  if (typeof value !== 'number') {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a number`, 'use 0, or a value from 0.0001 to 100');
  }
  return checkFractionPercent(scope, field, value) === 0 ? 0 : value;
}
