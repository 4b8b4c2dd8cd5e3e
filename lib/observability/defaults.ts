import { Duration, Size } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkInstance, checkInteger, checkNumber, checkOptions, describeType } from '../core/input';
import { parseQuantity } from '../core/quantity';
import { Environment, EnvironmentProfile } from '../environment';

/** A percentage, 0–100 (a share of requests, a ratio of errors). */
export class Percentage {
  /** `percent` %, e.g. `Percentage.of(5)` for 5 %. Checked (0–100) by the construct that uses it. */
  public static of(percent: number): Percentage {
    return new Percentage(percent);
  }

  private constructor(
    /** The value in percent, 0–100. */
    public readonly percent: number,
  ) {}

  /** The value as a fraction, 0–1 (what ratio queries compare with). */
  public get fraction(): number {
    return this.percent / 100;
  }

  /** @internal Checks the value (0–100) under `field` and returns it in percent. */
  public _check(scope: IConstruct, field: string, options: { exclusiveZero?: boolean } = {}): number {
    const p = checkNumber(scope, field, this.percent, { minimum: 0, maximum: 100, fix: 'give a percentage from 0 to 100, e.g. Percentage.of(5)' });
    if (options.exclusiveZero && p === 0) {
      throw invalidInput(scope, field, 'Percentage.of(0)', 'would fire on every request', 'give a percentage above 0, e.g. Percentage.of(5)');
    }
    return p;
  }
}

/** Checks a `Percentage` instance (not a plain number or object) and returns its percent. */
export function checkPercentage(scope: IConstruct, field: string, value: unknown, options: { exclusiveZero?: boolean } = {}): number {
  return checkInstance(scope, field, value, Percentage, 'use Percentage.of(n) with n from 0 to 100')._check(scope, field, options);
}

/** Checks a cdk8s `Duration` of whole seconds within bounds, and returns it in milliseconds. */
export function checkSeconds(scope: IConstruct, field: string, value: unknown, minSeconds: number, maxSeconds: number): number {
  if (!(value instanceof Duration)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a cdk8s Duration`, 'use Duration.seconds(), Duration.minutes() or Duration.days() from cdk8s');
  }
  let ms: number;
  try {
    ms = value.toMilliseconds();
  } catch {
    throw invalidInput(scope, field, value, 'is not a whole number of milliseconds', 'use e.g. Duration.seconds(10)');
  }
  if (!Number.isInteger(ms) || ms % 1000 !== 0 || ms < minSeconds * 1000 || ms > maxSeconds * 1000) {
    throw invalidInput(scope, field, value, `is not a whole number of seconds from ${minSeconds} to ${maxSeconds}`, `use e.g. Duration.seconds(${Math.max(minSeconds, 1)})`);
  }
  return ms;
}

/** Checks a cdk8s `Size` (a memory amount) of at least 1 MiB and returns it in bytes. */
export function checkMemory(scope: IConstruct, field: string, value: unknown): number {
  if (!(value instanceof Size)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a cdk8s Size`, 'use Size.mebibytes() or Size.gibibytes() from cdk8s');
  }
  const kib = value.toKibibytes();
  if (!Number.isFinite(kib) || kib < 1024) {
    throw invalidInput(scope, field, value, 'is below 1 MiB', 'use e.g. Size.gibibytes(4)');
  }
  return Math.round(kib * 1024);
}

/**
 * Thresholds of the mesh alerts ({@link MeshAlerts}). Each field left out takes the environment's
 * default ({@link ObservabilityDefaults.alertThresholds}).
 */
export interface AlertThresholds {
  /**
   * istiod memory (working set of the `discovery` container) above which `IstiodHighMemory` fires.
   * @default half of the environment's istiod memory limit (PROD 4Gi of 8Gi, the production guide's figure)
   */
  readonly istiodMemory?: Size;
  /**
   * xDS send errors (`pilot_xds_pushes{type=~".*_senderr"}`) per istiod in 5 minutes above which
   * `IstiodXdsPushErrors` fires.
   * @default DEV 10, STAGING 0, PROD 0 (any error)
   */
  readonly xdsSendErrors?: number;
  /**
   * xDS responses rejected by proxies (`pilot_total_xds_rejects`) per istiod in 10 minutes above which
   * `IstiodXdsRejects` fires.
   * @default DEV 10, STAGING 0, PROD 0 (any rejection)
   */
  readonly xdsRejects?: number;
  /**
   * P99 of the proxy convergence time (`pilot_proxy_convergence_time`) above which
   * `IstioProxyConvergenceSlow` fires.
   * @default DEV 30s, STAGING 10s, PROD 10s
   */
  readonly proxyConvergence?: Duration;
  /**
   * Remaining validity of istiod's root certificate or certificate chain below which
   * `IstioRootCertExpiring` / `IstioCertChainExpiring` fire.
   * @default DEV 7 days, STAGING 30 days, PROD 30 days
   */
  readonly certificateValidity?: Duration;
  /**
   * Connection-pool overflows (`envoy_cluster_upstream_cx_overflow`,
   * `envoy_cluster_upstream_rq_pending_overflow`) per upstream cluster of one proxy in 5 minutes above
   * which `EnvoyUpstreamConnectionOverflow` / `EnvoyUpstreamPendingOverflow` fire.
   * @default DEV 100, STAGING 10, PROD 0 (any overflow: each is a request failed with 503 UO)
   */
  readonly connectionPoolOverflows?: number;
  /**
   * Share of a destination service's requests answered with 5xx above which `IstioServiceErrorRate`
   * fires (and of a gateway's, `IstioGatewayErrorRate`).
   * @default DEV 10 %, STAGING 5 %, PROD 2 %
   */
  readonly errorRatio?: Percentage;
  /**
   * P99 request duration of a destination service above which `IstioServiceLatencyP99` fires.
   * @default DEV 5s, STAGING 2s, PROD 1s
   */
  readonly p99Latency?: Duration;
  /**
   * Requests per second a service (or gateway) must receive for its error-rate and latency alerts to
   * fire: below it, one failed request of three is not an incident.
   * @default DEV 1, STAGING 0.5, PROD 0.1
   */
  readonly minRequestRate?: number;
}

/** Every threshold, resolved (internal: not exported from the package). */
export interface ResolvedThresholds {
  readonly istiodMemoryBytes: number;
  readonly xdsSendErrors: number;
  readonly xdsRejects: number;
  readonly proxyConvergenceMs: number;
  readonly certificateValidityMs: number;
  readonly connectionPoolOverflows: number;
  readonly errorRatioPercent: number;
  readonly p99LatencyMs: number;
  readonly minRequestRate: number;
}

/** Which column of the defaults an environment takes. */
enum Tier { DEV = 'dev', STAGING = 'staging', PROD = 'prod' }

function tierOf(env: EnvironmentProfile): Tier {
  if (env.production) return Tier.PROD;
  return env === Environment.DEV || env.name === 'dev' ? Tier.DEV : Tier.STAGING;
}

/**
 * The observability defaults of an environment: PROD for any environment with `production: true`,
 * DEV for `Environment.DEV` (or one named `dev`), STAGING for any other.
 *
 * | setting | DEV | STAGING | PROD |
 * | --- | --- | --- | --- |
 * | tracing sampling | 100 % | 10 % | 1 % |
 * | istiod memory | ½ istiod memory limit | ½ limit | ½ limit (4Gi) |
 * | xDS send errors / 5m | 10 | 0 | 0 |
 * | xDS rejects / 10m | 10 | 0 | 0 |
 * | proxy convergence P99 | 30s | 10s | 10s |
 * | certificate validity left | 7 days | 30 days | 30 days |
 * | pool overflows / 5m | 100 | 10 | 0 |
 * | 5xx ratio | 10 % | 5 % | 2 % |
 * | P99 latency | 5s | 2s | 1s |
 * | minimum request rate | 1/s | 0.5/s | 0.1/s |
 *
 * STAGING samples 10 % of traces: enough to see every code path of a test run without PROD's volume.
 */
export class ObservabilityDefaults {
  /** The tracing sampling percentage of `env`: DEV 100, STAGING 10, PROD 1. */
  public static tracingSamplingPercent(env: EnvironmentProfile): number {
    return { [Tier.DEV]: 100, [Tier.STAGING]: 10, [Tier.PROD]: 1 }[tierOf(env)];
  }

  /** Every alert threshold of `env`, as the alerts use them when none is given. */
  public static alertThresholds(env: EnvironmentProfile): AlertThresholds {
    const tier = tierOf(env);
    const pick = <T>(dev: T, staging: T, prod: T): T => (tier === Tier.DEV ? dev : tier === Tier.STAGING ? staging : prod);
    const limit = parseQuantity(env.istiod.resources.limits.memory) ?? 8 * 2 ** 30;
    return {
      istiodMemory: Size.mebibytes(Math.max(1, Math.floor(limit / 2 / 2 ** 20))),
      xdsSendErrors: pick(10, 0, 0),
      xdsRejects: pick(10, 0, 0),
      proxyConvergence: Duration.seconds(pick(30, 10, 10)),
      certificateValidity: Duration.days(pick(7, 30, 30)),
      connectionPoolOverflows: pick(100, 10, 0),
      errorRatio: Percentage.of(pick(10, 5, 2)),
      p99Latency: Duration.seconds(pick(5, 2, 1)),
      minRequestRate: pick(1, 0.5, 0.1),
    };
  }

  private constructor() {}
}

/** Checks the given thresholds and fills the rest from `env` (internal). */
export function resolveThresholds(scope: IConstruct, field: string, given: AlertThresholds | undefined, env: EnvironmentProfile): ResolvedThresholds {
  const t = given === undefined ? {} : checkOptions(scope, field, given, 'AlertThresholds');
  const d = ObservabilityDefaults.alertThresholds(env);
  const count = (k: 'xdsSendErrors' | 'xdsRejects' | 'connectionPoolOverflows') =>
    checkInteger(scope, `${field}.${k}`, t[k] ?? d[k], { minimum: 0, maximum: 1_000_000, fix: 'give a count, 0 to fire on any' });
  return {
    istiodMemoryBytes: checkMemory(scope, `${field}.istiodMemory`, t.istiodMemory ?? d.istiodMemory),
    xdsSendErrors: count('xdsSendErrors'),
    xdsRejects: count('xdsRejects'),
    proxyConvergenceMs: checkSeconds(scope, `${field}.proxyConvergence`, t.proxyConvergence ?? d.proxyConvergence, 1, 3600),
    certificateValidityMs: checkSeconds(scope, `${field}.certificateValidity`, t.certificateValidity ?? d.certificateValidity, 3600, 10 * 365 * 86400),
    connectionPoolOverflows: count('connectionPoolOverflows'),
    errorRatioPercent: checkPercentage(scope, `${field}.errorRatio`, t.errorRatio ?? d.errorRatio, { exclusiveZero: true }),
    p99LatencyMs: checkLatency(scope, `${field}.p99Latency`, t.p99Latency ?? d.p99Latency!),
    minRequestRate: checkNumber(scope, `${field}.minRequestRate`, t.minRequestRate ?? d.minRequestRate, { minimum: 0, maximum: 1e9, fix: 'give requests per second, e.g. 0.1' }),
  };
}

function checkLatency(scope: IConstruct, field: string, value: unknown): number {
  if (!(value instanceof Duration)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a cdk8s Duration`, 'use Duration.millis() or Duration.seconds() from cdk8s');
  }
  const ms = value.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1 || ms > 3_600_000) {
    throw invalidInput(scope, field, value, 'is not a whole number of milliseconds from 1 to 3600000', 'use e.g. Duration.millis(500)');
  }
  return ms;
}
