import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  EnvoyFilter, EnvoyFilterSpec, EnvoyFilterSpecConfigPatchesApplyTo, EnvoyFilterSpecConfigPatchesMatchContext,
  EnvoyFilterSpecConfigPatchesPatchOperation,
} from '../../imports/networking.istio.io';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { checkDnsLabel, isHeaderName } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { refuseInAmbientNamespace } from '../workload/ambient-guard';
import { WorkloadSelector } from '../workload/workload-selector';
import { renderSelector } from './selector';
import { crdLimits } from '../core/crd-limits';
import { checkEnum, checkInteger, checkOptions, checkProps, UINT32_MAX } from '../core/input';

const ENVOY_FILTER = 'networking.istio.io/v1alpha3/EnvoyFilter';

/** Which proxies' listeners the rate limit is inserted into. */
export enum RateLimitContext {
  /** Inbound listeners of sidecars: limits requests a workload receives. */
  SIDECAR_INBOUND = 'SIDECAR_INBOUND',
  /** Listeners of gateways: limits requests entering through an ingress gateway. */
  GATEWAY = 'GATEWAY',
}

/** A response header added to requests that were rate limited. */
export interface RateLimitHeader {
  /** Header name. */
  readonly name: string;
  /** Header value. */
  readonly value: string;
}

/** Props of a {@link LocalRateLimit}. */
export interface LocalRateLimitProps {
  /**
   * Namespace of the EnvoyFilter: the namespace of the selected workloads (or of the gateway).
   * @default the selected workload's namespace, else the chart's (an error when neither is known)
   */
  readonly namespace?: string;
  /**
   * Name of the EnvoyFilter.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * The pods whose proxies enforce the limit, e.g. `WorkloadSelector.fromWorkload(productpage)` or
   * `WorkloadSelector.labels(ingressGateway.selectorLabels)` (required: an unscoped filter would hit
   * every proxy of the namespace).
   */
  readonly selector: WorkloadSelector;
  /**
   * Sidecars' inbound listeners or gateway listeners.
   * @default RateLimitContext.SIDECAR_INBOUND
   */
  readonly context?: RateLimitContext;
  /**
   * Bucket size: the most requests admitted in a burst, at least 1 — per filter chain of each replica
   * (every inbound port, and mTLS and plaintext separately under PERMISSIVE; see {@link LocalRateLimit}).
   */
  readonly maxTokens: number;
  /**
   * Tokens added per fill, 1 to maxTokens (to each bucket: per filter chain of each replica).
   * @default maxTokens (the bucket refills completely each interval)
   */
  readonly tokensPerFill?: number;
  /** How often tokens are added; Envoy refuses intervals under 50 ms. */
  readonly fillInterval: Duration;
  /**
   * Header set on 429 responses.
   * @default x-local-rate-limit: true
   */
  readonly responseHeader?: RateLimitHeader;
  /**
   * Prefix of the filter's Envoy stats (`local_rate_limit.<prefix>.rate_limited`, ...).
   * @default "http_local_rate_limiter"
   */
  readonly statPrefix?: string;
}

/** The Envoy `LocalRateLimit` filter and its typed struct, as Istio 1.30's Envoy reads them. */
const FILTER_NAME = 'envoy.filters.http.local_ratelimit';
const TYPED_STRUCT = 'type.googleapis.com/udpa.type.v1.TypedStruct';
const LOCAL_RATE_LIMIT = 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit';
/** Envoy rejects a token bucket that fills faster (`local rate limit token bucket fill timer must be >= 50ms`). */
const MIN_FILL_MS = 50;
const STAT_PREFIX = /^[a-z0-9_]+$/;
/** The EnvoyFilter priority of the relative patch (see the class doc: IST0151). */
const RELATIVE_PATCH_PRIORITY = 10;

/**
 * Local (per-proxy) rate limiting with Envoy's `local_ratelimit` HTTP filter, as a
 * `networking.istio.io/v1alpha3` EnvoyFilter: a token bucket of `maxTokens` refilled with `tokensPerFill`
 * every `fillInterval`, enforced on 100 % of requests, answering 429 with a marker header. The filter is
 * inserted before the router of every HTTP connection manager of the selected proxies, in the chosen
 * context.
 *
 * The limit is not "per replica" but per filter chain of each replica. Envoy keeps one bucket per
 * filter instance (shared by the proxy's worker threads), and this filter is inserted into every HTTP
 * connection manager the context matches, each with its own bucket:
 * - `SIDECAR_INBOUND`: the inbound listener has a filter chain (and HTTP connection manager) per
 *   inbound port, so a workload serving two HTTP ports admits `maxTokens` on each. Under PERMISSIVE
 *   mTLS each port has separate mTLS and plaintext chains, each with a bucket, so mTLS and plaintext
 *   clients are limited separately; ports the Service does not declare go through the passthrough
 *   chains, which have their own buckets too.
 * - `GATEWAY`: a bucket per server filter chain: the HTTP servers of one port share one, while each
 *   HTTPS server (its own certificate or SNI hosts) has its own.
 *
 * So the most requests a workload admits per `fillInterval` is about `tokensPerFill` × replicas ×
 * matching filter chains (plus up to `maxTokens` at once per chain). A bucket also starts full again
 * whenever the listener is rebuilt by a config change. For one exact, shared limit use a global rate
 * limit service instead.
 *
 * The EnvoyFilter has `priority: 10`: its patch is relative (INSERT_BEFORE the router), and Istio applies
 * EnvoyFilters without a priority in creation order, so an unordered relative patch may run before a
 * filter it depends on (`istioctl analyze` IST0151). A positive priority applies it after the
 * EnvoyFilters of default priority 0.
 */
export class LocalRateLimit extends Construct {
  /** The EnvoyFilter. */
  public readonly resource: EnvoyFilter;
  /** Name of the EnvoyFilter. */
  public readonly name: string;
  /** Namespace of the EnvoyFilter. */
  public readonly namespace: string;

  private readonly spec: EnvoyFilterSpec;

  constructor(scope: Construct, id: string, props: LocalRateLimitProps) {
    super(scope, id);
    props = checkProps(this, props, 'LocalRateLimitProps');
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use e.g. "productpage-rate-limit"');
    const selector = renderSelector(this, 'selector', props.selector, crdLimits(ENVOY_FILTER, 'spec.workloadSelector.labels').maxProperties);
    this.namespace = resolveNamespace(this, { given: props.namespace, target: props.selector.namespace, targetName: 'the selected workload' });
    const context = props.context === undefined ? RateLimitContext.SIDECAR_INBOUND : checkEnum(this, 'context', props.context, RateLimitContext, 'RateLimitContext');
    if (context === RateLimitContext.SIDECAR_INBOUND) {
      refuseInAmbientNamespace(this, this.namespace, 'an EnvoyFilter patching the SIDECAR_INBOUND context',
        'rate-limit at the waypoint or the gateway instead (context: RateLimitContext.GATEWAY on gateway pods), or run the workload with a sidecar in a sidecar namespace');
    }
    const maxTokens = props.maxTokens;
    if (typeof maxTokens !== 'number' || !Number.isInteger(maxTokens) || maxTokens < 1 || maxTokens > UINT32_MAX) {
      throw invalidInput(this, 'maxTokens', maxTokens, `is not a whole number from 1 to ${UINT32_MAX} (Envoy requires a non-empty bucket)`, 'use e.g. 100');
    }
    const tokensPerFill = props.tokensPerFill === undefined ? maxTokens
      : checkInteger(this, 'tokensPerFill', props.tokensPerFill, { minimum: 1, maximum: UINT32_MAX, fix: 'use e.g. 10, or leave it out to refill the whole bucket' });
    if (tokensPerFill > maxTokens) {
      throw invalidInput(this, 'tokensPerFill', tokensPerFill, `is above maxTokens (${maxTokens}); the bucket never holds more than maxTokens`,
        `use at most ${maxTokens}, or raise maxTokens`);
    }
    if (props.fillInterval instanceof Duration && props.fillInterval.toMilliseconds({ integral: false }) < MIN_FILL_MS) {
      throw invalidInput(this, 'fillInterval', `${props.fillInterval.toMilliseconds({ integral: false })}ms`,
        `is below ${MIN_FILL_MS}ms, which Envoy rejects ("local rate limit token bucket fill timer must be >= 50ms") and the listener would not load`,
        `use at least Duration.millis(${MIN_FILL_MS})`);
    }
    const fillInterval = istioDuration(this, 'fillInterval', props.fillInterval);
    const header = props.responseHeader === undefined ? { name: 'x-local-rate-limit', value: 'true' }
      : checkOptions(this, 'responseHeader', props.responseHeader, 'RateLimitHeader');
    if (!isHeaderName(header.name) || header.name !== header.name.toLowerCase()) {
      throw invalidInput(this, 'responseHeader.name', header.name, 'is not a lowercase HTTP header name', 'use e.g. "x-local-rate-limit"');
    }
    if (typeof header.value !== 'string' || /[\r\n\0]/.test(header.value)) {
      throw invalidInput(this, 'responseHeader.value', header.value, 'is not a header value', 'use a single-line string, e.g. "true"');
    }
    const statPrefix = props.statPrefix ?? 'http_local_rate_limiter';
    if (typeof statPrefix !== 'string' || !STAT_PREFIX.test(statPrefix)) {
      throw invalidInput(this, 'statPrefix', statPrefix, 'is not a stat prefix (lowercase letters, digits and "_")', 'use e.g. "http_local_rate_limiter"');
    }

    const percent = (runtimeKey: string) => ({ runtime_key: runtimeKey, default_value: { numerator: 100, denominator: 'HUNDRED' } });
    this.spec = {
      workloadSelector: { labels: selector },
      priority: RELATIVE_PATCH_PRIORITY,
      configPatches: [{
        applyTo: EnvoyFilterSpecConfigPatchesApplyTo.HTTP_UNDERSCORE_FILTER,
        match: {
          context: context as unknown as EnvoyFilterSpecConfigPatchesMatchContext,
          listener: {
            filterChain: {
              filter: {
                name: 'envoy.filters.network.http_connection_manager',
                subFilter: { name: 'envoy.filters.http.router' },
              },
            },
          },
        },
        patch: {
          operation: EnvoyFilterSpecConfigPatchesPatchOperation.INSERT_UNDERSCORE_BEFORE,
          value: {
            name: FILTER_NAME,
            typed_config: {
              '@type': TYPED_STRUCT,
              'type_url': LOCAL_RATE_LIMIT,
              'value': {
                stat_prefix: statPrefix,
                token_bucket: { max_tokens: maxTokens, tokens_per_fill: tokensPerFill, fill_interval: fillInterval },
                filter_enabled: percent('local_rate_limit_enabled'),
                filter_enforced: percent('local_rate_limit_enforced'),
                status: { code: 'TooManyRequests' },
                response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: header.name, value: header.value } }],
              },
            },
          },
        },
      }],
    };
    this.resource = new EnvoyFilter(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as EnvoyFilterSpec,
    });
  }

  /** The EnvoyFilter spec (a copy). */
  public toSpec(): EnvoyFilterSpec {
    return JSON.parse(JSON.stringify(this.spec));
  }
}
