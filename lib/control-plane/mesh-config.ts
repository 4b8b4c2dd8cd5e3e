import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { checkRegex } from '../core/regex';
import { checkNamespacedHost } from '../core/hostnames';
import { isEnvVarName, isHeaderName } from '../core/names';
import { checkPort } from '../core/ports';
import { isIstioStringMatch } from '../security/common';
import { sortedRecord } from '../core/records';
import { checkSelectorLabels } from '../core/labels';
import { MAX_INT32 } from '../traffic/checks';
import { ExtAuthzBodyJson, ExtensionProviderJson, LabelSelectorJson, MeshConfigJson, ProxyConfigJson } from './istio-operator';

/** What the access log rendering contributes to `meshConfig`. */
interface AccessLogJson {
  readonly accessLogFile?: string;
  readonly accessLogEncoding?: 'TEXT' | 'JSON';
  readonly accessLogFormat?: string;
}

/** Options of a JSON access log. */
export interface JsonAccessLogOptions {
  /**
   * Where Envoy writes the log.
   * @default "/dev/stdout"
   */
  readonly file?: string;
  /**
   * The JSON fields to log, each mapped to an Envoy command operator such as `%RESPONSE_CODE%`.
   * @default Envoy's default JSON format
   */
  readonly fields?: { readonly [field: string]: string };
}

/** Options of a text access log. */
export interface TextAccessLogOptions {
  /**
   * Where Envoy writes the log.
   * @default "/dev/stdout"
   */
  readonly file?: string;
  /**
   * An Envoy format string, e.g. `[%START_TIME%] "%REQ(:METHOD)%" %RESPONSE_CODE%\n`.
   * @default Envoy's default text format
   */
  readonly format?: string;
}

/** The sidecars' access log: JSON, text, or none. */
export class AccessLog {
  /** Structured JSON lines, what log pipelines want. */
  public static json(options: JsonAccessLogOptions = {}): AccessLog {
    const fields = options.fields;
    return new AccessLog({
      accessLogFile: options.file ?? '/dev/stdout',
      accessLogEncoding: 'JSON',
      // A JSON format must be a JSON object of field → command operator; keys are sorted for stable output.
      accessLogFormat: fields ? JSON.stringify(sortedRecord(fields)) : undefined,
    }, options.file, fields ? Object.keys(fields).length === 0 : false);
  }

  /** Envoy's text format, or one of your own. */
  public static text(options: TextAccessLogOptions = {}): AccessLog {
    return new AccessLog({ accessLogFile: options.file ?? '/dev/stdout', accessLogEncoding: 'TEXT', accessLogFormat: options.format }, options.file, false);
  }

  /** No access log (Istio's own default). */
  public static disabled(): AccessLog {
    return new AccessLog({}, undefined, false);
  }

  private constructor(private readonly json: AccessLogJson, private readonly file: string | undefined, private readonly emptyFields: boolean) {}

  /** @internal */
  public _render(scope: IConstruct): AccessLogJson {
    if (this.file !== undefined && !/^\/\S+$/.test(this.file)) {
      throw invalidInput(scope, 'meshConfig.accessLog.file', this.file, 'is not an absolute path', 'use "/dev/stdout" or an absolute file path');
    }
    if (this.emptyFields) {
      throw invalidInput(scope, 'meshConfig.accessLog.fields', {}, 'names no field', 'list at least one field, or leave `fields` out for the default format');
    }
    return this.json;
  }
}

/** Options common to every tracing choice. */
export interface TracingSamplingOptions {
  /**
   * Percent of requests traced, 0–100 (0.01 steps are fine).
   * @default 1
   */
  readonly samplingPercent?: number;
}

/** Options of the built-in Zipkin tracer. */
export interface ZipkinTracingOptions extends TracingSamplingOptions {
  /** The collector, `host:port`, e.g. `zipkin.istio-system:9411`. */
  readonly address: string;
}

/** Options of a tracing extension provider (OpenTelemetry or Zipkin API). */
export interface TracingProviderOptions extends TracingSamplingOptions {
  /**
   * Provider name, referenced by Telemetry resources.
   * @default "otel" for OpenTelemetry, "zipkin" for Zipkin
   */
  readonly name?: string;
  /** The collector's service, fully qualified (`otel-collector.observability.svc.cluster.local`). */
  readonly service: string;
  /** The collector's port (4317 for OTLP/gRPC, 9411 for Zipkin). */
  readonly port: number;
}

type TracingKind = 'none' | 'zipkin' | 'otel-provider' | 'zipkin-provider';

/** An extension provider name: lowercase letters, digits, "." and "-". */
const PROVIDER_NAME = /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/;

/** Distributed tracing: none, the legacy Zipkin tracer, or a mesh-wide extension provider. */
export class Tracing {
  /** No tracing. */
  public static disabled(): Tracing {
    return new Tracing('none', undefined, undefined, undefined, undefined);
  }

  /** The proxy's built-in Zipkin tracer (`defaultConfig.tracing.zipkin`). */
  public static zipkin(options: ZipkinTracingOptions): Tracing {
    return new Tracing('zipkin', options.samplingPercent, options.address, undefined, undefined);
  }

  /** An OpenTelemetry extension provider, made the mesh default for tracing. */
  public static openTelemetry(options: TracingProviderOptions): Tracing {
    return new Tracing('otel-provider', options.samplingPercent, options.service, options.port, options.name ?? 'otel');
  }

  /** A Zipkin-API extension provider, made the mesh default for tracing. */
  public static zipkinProvider(options: TracingProviderOptions): Tracing {
    return new Tracing('zipkin-provider', options.samplingPercent, options.service, options.port, options.name ?? 'zipkin');
  }

  private constructor(
    private readonly kind: TracingKind,
    private readonly sampling: number | undefined,
    private readonly target: string | undefined,
    private readonly port: number | undefined,
    private readonly providerName: string | undefined,
  ) {}

  /** The sampling percentage in force (default 1), or undefined when tracing is off. */
  public get samplingPercent(): number | undefined {
    return this.kind === 'none' ? undefined : this.sampling ?? 1;
  }

  /** True for an extension provider, whose sampling is istiod's `pilot.traceSampling`. */
  public get usesProvider(): boolean {
    return this.kind === 'otel-provider' || this.kind === 'zipkin-provider';
  }

  /** @internal */
  public _render(scope: IConstruct): { enableTracing: boolean; provider?: ExtensionProviderJson; proxyTracing?: ProxyConfigJson['tracing'] } {
    if (this.kind === 'none') {
      return { enableTracing: false };
    }
    const sampling = this.samplingPercent!;
    if (!Number.isFinite(sampling) || sampling < 0 || sampling > 100) {
      throw invalidInput(scope, 'meshConfig.tracing.samplingPercent', this.sampling, 'is outside 0–100', 'give a percentage such as 1 (PROD) or 100 (DEV)');
    }
    if (this.kind === 'zipkin') {
      if (!this.target || !/^[a-z0-9.-]+:[0-9]{1,5}$/.test(this.target)) {
        throw invalidInput(scope, 'meshConfig.tracing.address', this.target, 'is not host:port', 'write the collector as "zipkin.istio-system:9411"');
      }
      return { enableTracing: true, proxyTracing: { sampling, zipkin: { address: this.target } } };
    }
    if (!this.target || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(this.target)) {
      throw invalidInput(scope, 'meshConfig.tracing.service', this.target, 'is not a service host name', 'name the collector service, e.g. "otel-collector.observability.svc.cluster.local"');
    }
    if (!Number.isInteger(this.port) || this.port! < 1 || this.port! > 65535) {
      throw invalidInput(scope, 'meshConfig.tracing.port', this.port, 'is not a port 1–65535', 'use the collector port, e.g. 4317 for OTLP/gRPC');
    }
    if (!PROVIDER_NAME.test(this.providerName!)) {
      throw invalidInput(scope, 'meshConfig.tracing.name', this.providerName, 'is not a valid provider name', 'use lowercase letters, digits and dashes');
    }
    const endpoint = { service: this.target, port: this.port! };
    const provider: ExtensionProviderJson = this.kind === 'otel-provider'
      ? { name: this.providerName!, opentelemetry: endpoint }
      : { name: this.providerName!, zipkin: endpoint };
    return { enableTracing: true, provider };
  }
}

/** How much of the request body an external authorizer receives (`includeRequestBodyInCheck`). */
export interface ExtAuthzRequestBody {
  /** The most body bytes buffered and sent; larger bodies get HTTP 413 unless `allowPartialMessage`. */
  readonly maxRequestBytes: number;
  /**
   * Send the first `maxRequestBytes` of a larger body instead of rejecting it with 413.
   * @default false
   */
  readonly allowPartialMessage?: boolean;
  /**
   * Send the body as raw bytes (gRPC `raw_body`) instead of a UTF-8 string.
   * @default false
   */
  readonly packAsBytes?: boolean;
}

/** Options every external authorizer (gRPC or HTTP) has. */
export interface ExtAuthzProviderOptions {
  /** The provider name that CUSTOM AuthorizationPolicies give as `provider`, e.g. `"ext-authz"`. */
  readonly name: string;
  /**
   * The authorizer's service, `[<namespace>/]<host>`: a fully qualified Service or ServiceEntry host,
   * e.g. `ext-authz.auth.svc.cluster.local` (the namespace part only when the host is ambiguous).
   */
  readonly service: string;
  /** The authorizer's port, 1–65535. */
  readonly port: number;
  /**
   * How long the sidecar waits for the authorizer's answer.
   * @default Istio's default (10 minutes; set a DestinationRule timeout or this)
   */
  readonly timeout?: Duration;
  /**
   * Admit the request when the authorizer cannot be reached or fails (HTTP 5xx). Fail-closed
   * (`false`) keeps an outage of the authorizer from opening every protected endpoint.
   * @default false (requests are denied when the authorizer fails)
   */
  readonly failOpen?: boolean;
  /**
   * HTTP status returned to the caller when the authorizer fails (and `failOpen` is false).
   * @default 403 (Envoy's default)
   */
  readonly statusOnError?: number;
  /**
   * Send (part of) the request body to the authorizer.
   * @default the body is not sent
   */
  readonly includeRequestBodyInCheck?: ExtAuthzRequestBody;
  /**
   * Recompute the route after the authorizer changed request headers.
   * @default false
   */
  readonly clearRouteCache?: boolean;
}

/** Options of an HTTP external authorizer (`envoyExtAuthzHttp`). Header lists take exact names or Istio prefix / suffix matches (`x-auth-*`). */
export interface ExtAuthzHttpProviderOptions extends ExtAuthzProviderOptions {
  /**
   * Prefix of the check request's path, starting with `/`, e.g. `/authz`.
   * @default none (the original path)
   */
  readonly pathPrefix?: string;
  /**
   * Request headers forwarded to the authorizer besides Envoy's defaults (`Host`, `Method`, `Path`,
   * `Content-Length`, `Authorization`), e.g. `["cookie", "x-api-key"]`.
   * @default Envoy's defaults only
   */
  readonly includeRequestHeadersInCheck?: string[];
  /**
   * Fixed headers added to every check request, name → value.
   * @default none
   */
  readonly includeAdditionalHeadersInCheck?: { readonly [name: string]: string };
  /**
   * Headers of the authorizer's OK response copied to the request forwarded to the workload,
   * e.g. `["x-user-id"]`.
   * @default none
   */
  readonly headersToUpstreamOnAllow?: string[];
  /**
   * Headers of the authorizer's OK response copied to the response to the caller.
   * @default none
   */
  readonly headersToDownstreamOnAllow?: string[];
  /**
   * Headers of the authorizer's deny response copied to the response to the caller, e.g. `["location"]`
   * for a login redirect.
   * @default Envoy's (all of the authorizer's response headers)
   */
  readonly headersToDownstreamOnDeny?: string[];
}

/** Options of a gRPC external authorizer (`envoyExtAuthzGrpc`, Envoy's `envoy.service.auth.v3.Authorization`). */
export interface ExtAuthzGrpcProviderOptions extends ExtAuthzProviderOptions {}

/** The HTTP status codes Envoy's `StatusCode` enum knows (istiod rejects any other `statusOnError`). */
const ENVOY_STATUS_CODES = new Set([100, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308,
  400, 401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 426, 428, 429, 431,
  500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511]);

/**
 * An external authorizer (Envoy ext_authz) that CUSTOM AuthorizationPolicies delegate to: one
 * `meshConfig.extensionProviders` entry (`envoyExtAuthzHttp` or `envoyExtAuthzGrpc`).
 *
 * istiod looks the provider of a CUSTOM policy up by name among the mesh's extension providers; when
 * none has that name it logs "failed to process CUSTOM action" and configures the selected workloads
 * to deny every request the policy matches. Declare the provider here and the chart check of
 * `AuthorizationPolicy` makes sure every CUSTOM policy names one.
 */
export class ExtAuthzProvider {
  /** An authorizer speaking Envoy's HTTP ext_authz protocol (HTTP traffic only). */
  public static http(options: ExtAuthzHttpProviderOptions): ExtAuthzProvider {
    return new ExtAuthzProvider('envoyExtAuthzHttp', options);
  }

  /** An authorizer speaking Envoy's gRPC ext_authz protocol (HTTP and TCP traffic). */
  public static grpc(options: ExtAuthzGrpcProviderOptions): ExtAuthzProvider {
    return new ExtAuthzProvider('envoyExtAuthzGrpc', options);
  }

  /** The provider name CUSTOM policies refer to. */
  public readonly name: string;

  private constructor(
    /** The meshConfig provider kind. */
    private readonly kind: 'envoyExtAuthzHttp' | 'envoyExtAuthzGrpc',
    private readonly options: ExtAuthzHttpProviderOptions,
  ) {
    this.name = options.name;
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): ExtensionProviderJson {
    const o = this.options;
    if (typeof o.name !== 'string' || !PROVIDER_NAME.test(o.name)) {
      throw invalidInput(scope, `${field}.name`, o.name, 'is not a valid provider name', 'use lowercase letters, digits, "." and "-", e.g. "ext-authz"');
    }
    const host = checkNamespacedHost(scope, `${field}.service`, o.service, false);
    if ((host.namespace !== undefined && ['*', '.', '~'].includes(host.namespace)) || host.dnsName.includes('*')) {
      throw invalidInput(scope, `${field}.service`, o.service, 'is not one service (istiod skips wildcard hosts)',
        'give the authorizer\'s fully qualified host, e.g. "ext-authz.auth.svc.cluster.local", optionally as "<namespace>/<host>"');
    }
    checkPort(scope, `${field}.port`, o.port, 'give the authorizer\'s service port, e.g. 9000');
    if (o.statusOnError !== undefined && !ENVOY_STATUS_CODES.has(o.statusOnError)) {
      throw invalidInput(scope, `${field}.statusOnError`, o.statusOnError, 'is not an HTTP status code Envoy knows (istiod rejects the provider)', 'use e.g. 403 or 503');
    }
    const body = o.includeRequestBodyInCheck;
    if (body !== undefined && (!Number.isInteger(body.maxRequestBytes) || body.maxRequestBytes < 1 || body.maxRequestBytes > MAX_INT32)) {
      throw invalidInput(scope, `${field}.includeRequestBodyInCheck.maxRequestBytes`, body.maxRequestBytes, 'is not a positive whole number of bytes', 'give the buffer size, e.g. 8192');
    }
    const common = {
      service: o.service,
      port: o.port,
      ...(o.timeout !== undefined ? { timeout: istioDuration(scope, `${field}.timeout`, o.timeout) } : {}),
      ...(o.failOpen !== undefined ? { failOpen: o.failOpen } : {}),
      ...(o.statusOnError !== undefined ? { statusOnError: String(o.statusOnError) } : {}),
      ...(body !== undefined ? { includeRequestBodyInCheck: renderBody(body) } : {}),
      ...(o.clearRouteCache !== undefined ? { clearRouteCache: o.clearRouteCache } : {}),
    };
    if (this.kind === 'envoyExtAuthzGrpc') {
      const httpOnly = (['pathPrefix', 'includeRequestHeadersInCheck', 'includeAdditionalHeadersInCheck', 'headersToUpstreamOnAllow',
        'headersToDownstreamOnAllow', 'headersToDownstreamOnDeny'] as const).find((f) => o[f] !== undefined);
      if (httpOnly) {
        throw invalidInput(scope, `${field}.${httpOnly}`, o[httpOnly], 'is an option of HTTP authorizers only', 'use ExtAuthzProvider.http(...), or drop the option');
      }
      return { name: o.name, envoyExtAuthzGrpc: common };
    }
    if (o.pathPrefix !== undefined && (typeof o.pathPrefix !== 'string' || !/^\/[^\s?#]*$/.test(o.pathPrefix))) {
      throw invalidInput(scope, `${field}.pathPrefix`, o.pathPrefix, 'does not start with "/" or is not a path (istiod rejects it)', 'give a path such as "/authz"');
    }
    const headers = (f: 'includeRequestHeadersInCheck' | 'headersToUpstreamOnAllow' | 'headersToDownstreamOnAllow' | 'headersToDownstreamOnDeny') => {
      const list = o[f];
      if (list === undefined) {
        return {};
      }
      if (!Array.isArray(list) || list.length === 0) {
        throw invalidInput(scope, `${field}.${f}`, list, 'is an empty list', `name at least one header or leave ${f} out`);
      }
      list.forEach((h, i) => {
        if (typeof h !== 'string' || !isIstioStringMatch(h) || h === '*' || !isHeaderName(h.replace('*', 'x'))) {
          throw invalidInput(scope, `${field}.${f}[${i}]`, h, 'is not a header name or prefix / suffix match', 'give e.g. "x-user-id" or "x-auth-*"');
        }
      });
      return { [f]: [...list] };
    };
    const additional = o.includeAdditionalHeadersInCheck;
    if (additional !== undefined) {
      for (const name of Object.keys(additional)) {
        if (!isHeaderName(name)) {
          throw invalidInput(scope, `${field}.includeAdditionalHeadersInCheck`, name, 'is not a header name', 'use letters, digits and "-", e.g. "x-ext-authz"');
        }
      }
    }
    return {
      name: o.name,
      envoyExtAuthzHttp: {
        ...common,
        ...(o.pathPrefix !== undefined ? { pathPrefix: o.pathPrefix } : {}),
        ...headers('includeRequestHeadersInCheck'),
        ...(additional !== undefined && Object.keys(additional).length > 0 ? { includeAdditionalHeadersInCheck: sortedRecord(additional) } : {}),
        ...headers('headersToUpstreamOnAllow'),
        ...headers('headersToDownstreamOnAllow'),
        ...headers('headersToDownstreamOnDeny'),
      },
    };
  }
}

function renderBody(body: ExtAuthzRequestBody): ExtAuthzBodyJson {
  return {
    maxRequestBytes: body.maxRequestBytes,
    ...(body.allowPartialMessage !== undefined ? { allowPartialMessage: body.allowPartialMessage } : {}),
    ...(body.packAsBytes !== undefined ? { packAsBytes: body.packAsBytes } : {}),
  };
}

/**
 * How sidecars normalize a request path before authorization policies and routes see it
 * (`meshConfig.pathNormalization`). Path-based AuthorizationPolicies match the normalized path, so a
 * weaker normalization lets `//api/secret` or `/api%2Fsecret` slip past a rule on `/api/*`.
 */
export enum PathNormalization {
  /**
   * RFC 3986 normalization only (`/a/../b` → `/b`, percent-encoded unreserved characters decoded): Istio's own
   * default. `//api/x` stays `//api/x` and does not match `/api/*`.
   */
  BASE = 'BASE',
  /** BASE, then merges repeated slashes: `//api//x` → `/api/x`. */
  MERGE_SLASHES = 'MERGE_SLASHES',
  /**
   * BASE, then decodes `%2F` / `%5C` to `/` / `\` and merges slashes: what Istio's security best
   * practices recommend for path-based authorization. The application then sees the normalized path,
   * which can break one that relies on an encoded slash (`/files/a%2Fb`).
   */
  DECODE_AND_MERGE_SLASHES = 'DECODE_AND_MERGE_SLASHES',
  /** No normalization at all: only for applications that normalize and authorize paths themselves. */
  NONE = 'NONE',
}

/** What a sidecar does with traffic to hosts the mesh does not know. */
export class OutboundTraffic {
  /** Only hosts in the service registry (Services, ServiceEntries) are reachable: the secure default. */
  public static readonly REGISTRY_ONLY = new OutboundTraffic('REGISTRY_ONLY');
  /** Any host is reachable: an explicit, insecure choice (data can leave the mesh unseen). */
  public static readonly ALLOW_ANY = new OutboundTraffic('ALLOW_ANY');

  private constructor(
    /** The mesh config `outboundTrafficPolicy.mode`. */
    public readonly mode: 'REGISTRY_ONLY' | 'ALLOW_ANY',
  ) {}
}

/** Envoy stats to keep beyond Istio's default set. */
export interface ProxyStatsMatcher {
  /**
   * Stat name prefixes, e.g. `cluster.outbound`.
   * @default none
   */
  readonly inclusionPrefixes?: string[];
  /**
   * Stat name suffixes, e.g. `upstream_rq_timeout`.
   * @default none
   */
  readonly inclusionSuffixes?: string[];
  /**
   * Stat name regexes (RE2), e.g. `.*outlier_detection.*`.
   * @default none
   */
  readonly inclusionRegexps?: string[];
}

/** One set-based requirement of a {@link NamespaceSelector}. */
export interface NamespaceSelectorRequirement {
  /** The label key, e.g. `istio.io/rev`. */
  readonly key: string;
  /** `In` / `NotIn` compare with `values`; `Exists` / `DoesNotExist` test the key only. */
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  /**
   * The values for `In` / `NotIn` (at least one); none for `Exists` / `DoesNotExist`.
   * @default none
   */
  readonly values?: string[];
}

/**
 * Which namespaces a `discoverySelectors` entry selects, by their labels (a Kubernetes label
 * selector). Give `matchLabels`, `matchExpressions` or both; all of them must match.
 */
export interface NamespaceSelector {
  /**
   * Labels that must all match, e.g. `{ 'istio-injection': 'enabled' }`.
   * @default none (then matchExpressions is required)
   */
  readonly matchLabels?: { readonly [key: string]: string };
  /**
   * Set-based requirements, e.g. `{ key: 'istio.io/rev', operator: 'Exists' }`.
   * @default none (then matchLabels is required)
   */
  readonly matchExpressions?: NamespaceSelectorRequirement[];
}

/** Mesh-wide configuration (`meshConfig`), with production defaults. */
export interface MeshConfigOptions {
  /**
   * Sidecar access logs.
   * @default AccessLog.disabled() (Istio's default; logs cost CPU and storage at every hop)
   */
  readonly accessLog?: AccessLog;
  /**
   * Distributed tracing.
   * @default Tracing.disabled()
   */
  readonly tracing?: Tracing;
  /**
   * External authorizers (Envoy ext_authz) that CUSTOM AuthorizationPolicies name as `provider`,
   * written to `meshConfig.extensionProviders` next to the tracing provider (names must be unique).
   * @default none
   */
  readonly extAuthzProviders?: ExtAuthzProvider[];
  /**
   * How sidecars normalize request paths before authorization and routing. The default here is
   * stricter than Istio's own (`BASE`): it decodes `%2F` and merges slashes, so that
   * `//api/secret` and `/api%2Fsecret` cannot slip past a path rule on `/api/*`; an application that
   * needs encoded slashes kept must opt back into `BASE` and match paths defensively.
   * @default PathNormalization.DECODE_AND_MERGE_SLASHES (Istio's security best practice; Istio's own default is BASE)
   */
  readonly pathNormalization?: PathNormalization;
  /**
   * Traffic to hosts outside the service registry.
   * @default OutboundTraffic.REGISTRY_ONLY
   */
  readonly outboundTrafficPolicy?: OutboundTraffic;
  /**
   * Namespaces istiod watches; a namespace matching any selector is in the mesh. Cuts istiod's memory in
   * large clusters.
   * @default every namespace
   */
  readonly discoverySelectors?: NamespaceSelector[];
  /**
   * Merge application and Envoy metrics on the sidecar's Prometheus endpoint.
   * @default true
   */
  readonly enablePrometheusMerge?: boolean;
  /**
   * Start the application container only once the sidecar is ready, so the app's first requests do
   * not fail.
   * @default true
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /**
   * Envoy worker threads per sidecar; 0 means one per CPU of the limit.
   * @default 2
   */
  readonly concurrency?: number;
  /**
   * Extra Envoy stats to keep.
   * @default Istio's default stats only
   */
  readonly proxyStatsMatcher?: ProxyStatsMatcher;
  /**
   * Let the sidecar answer DNS for mesh hosts (`ISTIO_META_DNS_CAPTURE`), needed for ServiceEntries
   * without addresses and for multicluster.
   * @default false
   */
  readonly dnsCapture?: boolean;
  /**
   * Give ServiceEntries without addresses an automatic virtual IP (`ISTIO_META_DNS_AUTO_ALLOCATE`);
   * requires `dnsCapture`.
   * @default false
   */
  readonly dnsAutoAllocate?: boolean;
  /**
   * More proxy metadata environment variables for every sidecar.
   * @default none
   */
  readonly proxyMetadata?: { readonly [name: string]: string };
}

function checkSelectors(scope: IConstruct, selectors: readonly NamespaceSelector[]): LabelSelectorJson[] {
  return selectors.map((s, i) => {
    const field = `meshConfig.discoverySelectors[${i}]`;
    const expressions = s.matchExpressions ?? [];
    if (Object.keys(s.matchLabels ?? {}).length === 0 && expressions.length === 0) {
      throw invalidInput(scope, field, s, 'selects every namespace', 'give matchLabels or matchExpressions, or leave discoverySelectors out');
    }
    const matchLabels = s.matchLabels ? checkSelectorLabels(scope, `${field}.matchLabels`, s.matchLabels, true) : undefined;
    for (const [j, e] of expressions.entries()) {
      const needsValues = e.operator === 'In' || e.operator === 'NotIn';
      if (needsValues !== ((e.values?.length ?? 0) > 0)) {
        throw invalidInput(scope, `${field}.matchExpressions[${j}]`, e, needsValues ? 'needs values' : 'must not carry values',
          'In/NotIn take a non-empty values list; Exists/DoesNotExist take none');
      }
    }
    return {
      ...(matchLabels && Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      ...(expressions.length > 0 ? { matchExpressions: expressions.map((e) => ({ ...e, ...(e.values ? { values: [...e.values] } : {}) })) } : {}),
    };
  });
}

/**
 * The resolved mesh config plus what istiod's values need to know about it.
 * @internal
 */
export interface RenderedMeshConfig {
  readonly meshConfig: MeshConfigJson;
  /** istiod's default sampling for extension providers, when one is used. */
  readonly providerSamplingPercent?: number;
  /** Names of the ext-authz providers, for the CUSTOM AuthorizationPolicy check. */
  readonly extAuthzProviderNames: readonly string[];
}

/**
 * Checks mesh config options and renders Istio's `meshConfig`.
 * @internal
 */
export function renderMeshConfig(scope: IConstruct, options: MeshConfigOptions = {}): RenderedMeshConfig {
  const concurrency = options.concurrency ?? 2;
  if (!Number.isInteger(concurrency) || concurrency < 0 || concurrency > 64) {
    throw invalidInput(scope, 'meshConfig.concurrency', options.concurrency, 'is not a whole number 0–64', 'give the Envoy worker count, e.g. 2, or 0 for one per CPU');
  }
  if (options.dnsAutoAllocate && !options.dnsCapture) {
    throw invalidInput(scope, 'meshConfig.dnsAutoAllocate', true, 'has no effect without DNS capture', 'set dnsCapture: true as well');
  }
  const stats = options.proxyStatsMatcher;
  for (const [i, re] of (stats?.inclusionRegexps ?? []).entries()) {
    checkRegex(scope, `meshConfig.proxyStatsMatcher.inclusionRegexps[${i}]`, re);
  }
  const proxyMetadata: { [key: string]: string } = { ...(options.proxyMetadata ?? {}) };
  for (const key of Object.keys(proxyMetadata)) {
    if (!isEnvVarName(key)) {
      throw invalidInput(scope, 'meshConfig.proxyMetadata', key, 'is not an environment variable name', 'use letters, digits and underscores, e.g. ISTIO_META_DNS_CAPTURE');
    }
  }
  if (options.dnsCapture) {
    proxyMetadata.ISTIO_META_DNS_CAPTURE = 'true';
  }
  if (options.dnsAutoAllocate) {
    proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE = 'true';
  }

  const log = (options.accessLog ?? AccessLog.disabled())._render(scope);
  const tracing = options.tracing ?? Tracing.disabled();
  const trace = tracing._render(scope);
  const providers: ExtensionProviderJson[] = trace.provider ? [trace.provider] : [];
  (options.extAuthzProviders ?? []).forEach((p, i) => {
    const field = `meshConfig.extAuthzProviders[${i}]`;
    if (!(p instanceof ExtAuthzProvider)) {
      throw invalidInput(scope, field, p, 'is not an ExtAuthzProvider', 'use ExtAuthzProvider.http({...}) or ExtAuthzProvider.grpc({...})');
    }
    const rendered = p._render(scope, field);
    const clash = providers.find((q) => q.name === rendered.name);
    if (clash) {
      throw invalidInput(scope, `${field}.name`, rendered.name, `is also the name of the ${clash.envoyExtAuthzHttp || clash.envoyExtAuthzGrpc ? 'ext-authz' : 'tracing'} provider (istiod requires unique extension provider names)`,
        'give every extension provider its own name');
    }
    providers.push(rendered);
  });
  const pathNormalization = options.pathNormalization ?? PathNormalization.DECODE_AND_MERGE_SLASHES;
  if (!Object.values(PathNormalization).includes(pathNormalization)) {
    throw invalidInput(scope, 'meshConfig.pathNormalization', pathNormalization, 'is not a path normalization', `use PathNormalization.${Object.values(PathNormalization).join(', ')}`);
  }
  const defaultConfig: ProxyConfigJson = {
    holdApplicationUntilProxyStarts: options.holdApplicationUntilProxyStarts ?? true,
    concurrency,
    ...(stats ? { proxyStatsMatcher: stats } : {}),
    ...(Object.keys(proxyMetadata).length > 0 ? { proxyMetadata: sortedRecord(proxyMetadata) } : {}),
    ...(trace.proxyTracing ? { tracing: trace.proxyTracing } : {}),
  };
  const meshConfig: MeshConfigJson = {
    ...log,
    enableTracing: trace.enableTracing,
    ...(providers.length > 0 ? { extensionProviders: providers } : {}),
    ...(trace.provider ? { defaultProviders: { tracing: [trace.provider.name] } } : {}),
    pathNormalization: { normalization: pathNormalization },
    outboundTrafficPolicy: { mode: (options.outboundTrafficPolicy ?? OutboundTraffic.REGISTRY_ONLY).mode },
    ...(options.discoverySelectors ? { discoverySelectors: checkSelectors(scope, options.discoverySelectors) } : {}),
    enablePrometheusMerge: options.enablePrometheusMerge ?? true,
    defaultConfig,
  };
  return {
    meshConfig,
    providerSamplingPercent: tracing.usesProvider ? tracing.samplingPercent : undefined,
    extAuthzProviderNames: providers.filter((p) => p.envoyExtAuthzHttp || p.envoyExtAuthzGrpc).map((p) => p.name),
  };
}
