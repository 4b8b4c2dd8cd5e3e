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
import { checkSelectorLabels, isLabelKey, isLabelValue } from '../core/labels';
import {
  checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkOptions, checkString, checkStringMap, copyOptions, isObject,
} from '../core/input';
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
    return new AccessLog('JSON', copyOptions(options));
  }

  /** Envoy's text format, or one of your own. */
  public static text(options: TextAccessLogOptions = {}): AccessLog {
    return new AccessLog('TEXT', copyOptions(options));
  }

  /** No access log (Istio's own default). */
  public static disabled(): AccessLog {
    return new AccessLog(undefined, {});
  }

  private constructor(private readonly encoding: 'JSON' | 'TEXT' | undefined, private readonly options: JsonAccessLogOptions & TextAccessLogOptions) {}

  /** @internal Checks the options (under `meshConfig.accessLog`) and renders the mesh config fields. */
  public _render(scope: IConstruct): AccessLogJson {
    const field = 'meshConfig.accessLog';
    if (this.encoding === undefined) {
      return {};
    }
    const o = checkOptions(scope, field, this.options, this.encoding === 'JSON' ? 'JsonAccessLogOptions' : 'TextAccessLogOptions');
    if (o.file !== undefined && (typeof o.file !== 'string' || !/^\/\S+$/.test(o.file))) {
      throw invalidInput(scope, `${field}.file`, o.file, 'is not an absolute path', 'use "/dev/stdout" or an absolute file path');
    }
    let format: string | undefined;
    if (this.encoding === 'JSON' && o.fields !== undefined) {
      // A JSON format must be a JSON object of field → command operator; keys are sorted for stable output.
      const fields = checkStringMap(scope, `${field}.fields`, o.fields, { fix: 'map log fields to Envoy command operators, e.g. { status: "%RESPONSE_CODE%" }' });
      if (Object.keys(fields).length === 0) {
        throw invalidInput(scope, `${field}.fields`, {}, 'names no field', 'list at least one field, or leave `fields` out for the default format');
      }
      format = JSON.stringify(fields);
    } else if (this.encoding === 'TEXT' && o.format !== undefined) {
      format = checkString(scope, `${field}.format`, o.format, { minLength: 1, fix: 'give an Envoy format string, or leave format out for the default' });
    }
    return { accessLogFile: o.file ?? '/dev/stdout', accessLogEncoding: this.encoding, ...(format !== undefined ? { accessLogFormat: format } : {}) };
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
    return new Tracing('none', {});
  }

  /** The proxy's built-in Zipkin tracer (`defaultConfig.tracing.zipkin`). */
  public static zipkin(options: ZipkinTracingOptions): Tracing {
    return new Tracing('zipkin', copyOptions(options));
  }

  /** An OpenTelemetry extension provider, made the mesh default for tracing. */
  public static openTelemetry(options: TracingProviderOptions): Tracing {
    return new Tracing('otel-provider', copyOptions(options));
  }

  /** A Zipkin-API extension provider, made the mesh default for tracing. */
  public static zipkinProvider(options: TracingProviderOptions): Tracing {
    return new Tracing('zipkin-provider', copyOptions(options));
  }

  private constructor(
    private readonly kind: TracingKind,
    /** The factory's options as given, checked when a control plane renders them. */
    private readonly options: Partial<ZipkinTracingOptions & TracingProviderOptions>,
  ) {}

  /** The sampling percentage in force (default 1), or undefined when tracing is off. */
  public get samplingPercent(): number | undefined {
    if (this.kind === 'none') return undefined;
    return (isObject(this.options) ? this.options.samplingPercent : undefined) ?? 1;
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
    const o = checkOptions(scope, 'meshConfig.tracing', this.options, this.kind === 'zipkin' ? 'ZipkinTracingOptions' : 'TracingProviderOptions');
    const sampling = this.samplingPercent!;
    if (typeof sampling !== 'number' || !Number.isFinite(sampling) || sampling < 0 || sampling > 100) {
      throw invalidInput(scope, 'meshConfig.tracing.samplingPercent', o.samplingPercent, 'is outside 0–100', 'give a percentage such as 1 (PROD) or 100 (DEV)');
    }
    if (this.kind === 'zipkin') {
      if (typeof o.address !== 'string' || !/^[a-z0-9.-]+:[0-9]{1,5}$/.test(o.address)) {
        throw invalidInput(scope, 'meshConfig.tracing.address', o.address, 'is not host:port', 'write the collector as "zipkin.istio-system:9411"');
      }
      return { enableTracing: true, proxyTracing: { sampling, zipkin: { address: o.address } } };
    }
    const name = o.name ?? (this.kind === 'otel-provider' ? 'otel' : 'zipkin');
    if (typeof o.service !== 'string' || !/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(o.service)) {
      throw invalidInput(scope, 'meshConfig.tracing.service', o.service, 'is not a service host name', 'name the collector service, e.g. "otel-collector.observability.svc.cluster.local"');
    }
    if (typeof o.port !== 'number' || !Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
      throw invalidInput(scope, 'meshConfig.tracing.port', o.port, 'is not a port 1–65535', 'use the collector port, e.g. 4317 for OTLP/gRPC');
    }
    if (typeof name !== 'string' || !PROVIDER_NAME.test(name)) {
      throw invalidInput(scope, 'meshConfig.tracing.name', name, 'is not a valid provider name', 'use lowercase letters, digits and dashes');
    }
    const endpoint = { service: o.service, port: o.port };
    const provider: ExtensionProviderJson = this.kind === 'otel-provider'
      ? { name, opentelemetry: endpoint }
      : { name, zipkin: endpoint };
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
    return new ExtAuthzProvider('envoyExtAuthzHttp', copyOptions(options));
  }

  /** An authorizer speaking Envoy's gRPC ext_authz protocol (HTTP and TCP traffic). */
  public static grpc(options: ExtAuthzGrpcProviderOptions): ExtAuthzProvider {
    return new ExtAuthzProvider('envoyExtAuthzGrpc', copyOptions(options));
  }

  /** The provider name CUSTOM policies refer to. */
  public readonly name: string;

  private constructor(
    /** The meshConfig provider kind. */
    private readonly kind: 'envoyExtAuthzHttp' | 'envoyExtAuthzGrpc',
    private readonly options: ExtAuthzHttpProviderOptions,
  ) {
    // The options are checked when a control plane renders them; until then a name that is not a string reads as "".
    this.name = isObject(options) && typeof options.name === 'string' ? options.name : '';
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): ExtensionProviderJson {
    const o = this.options;
    const iface = this.kind === 'envoyExtAuthzGrpc' ? 'ExtAuthzGrpcProviderOptions' : 'ExtAuthzHttpProviderOptions';
    if (!isObject(o)) checkOptions(scope, field, o, iface);
    if (this.kind === 'envoyExtAuthzGrpc') {
      const httpOnly = (['pathPrefix', 'includeRequestHeadersInCheck', 'includeAdditionalHeadersInCheck', 'headersToUpstreamOnAllow',
        'headersToDownstreamOnAllow', 'headersToDownstreamOnDeny'] as const).find((f) => o[f] !== undefined);
      if (httpOnly) {
        throw invalidInput(scope, `${field}.${httpOnly}`, o[httpOnly], 'is an option of HTTP authorizers only', 'use ExtAuthzProvider.http(...), or drop the option');
      }
    }
    checkOptions(scope, field, o, iface);
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
    const body = o.includeRequestBodyInCheck === undefined ? undefined
      : checkOptions(scope, `${field}.includeRequestBodyInCheck`, o.includeRequestBodyInCheck, 'ExtAuthzRequestBody');
    if (body !== undefined) {
      checkInteger(scope, `${field}.includeRequestBodyInCheck.maxRequestBytes`, body.maxRequestBytes, { minimum: 1, maximum: MAX_INT32, fix: 'give the buffer size, e.g. 8192' });
      for (const flag of ['allowPartialMessage', 'packAsBytes'] as const) {
        if (body[flag] !== undefined) checkBoolean(scope, `${field}.includeRequestBodyInCheck.${flag}`, body[flag]);
      }
    }
    for (const flag of ['failOpen', 'clearRouteCache'] as const) {
      if (o[flag] !== undefined) checkBoolean(scope, `${field}.${flag}`, o[flag]);
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
    const additional = o.includeAdditionalHeadersInCheck === undefined ? undefined
      : checkStringMap(scope, `${field}.includeAdditionalHeadersInCheck`, o.includeAdditionalHeadersInCheck, {
        key: (name) => {
          if (!isHeaderName(name)) {
            throw invalidInput(scope, `${field}.includeAdditionalHeadersInCheck`, name, 'is not a header name', 'use letters, digits and "-", e.g. "x-ext-authz"');
          }
        },
        value: (value, f) => {
          if (/[\r\n\0]/.test(value)) throw invalidInput(scope, f, value, 'is not a header value', 'use a single-line string');
        },
      });
    return {
      name: o.name,
      envoyExtAuthzHttp: {
        ...common,
        ...(o.pathPrefix !== undefined ? { pathPrefix: o.pathPrefix } : {}),
        ...headers('includeRequestHeadersInCheck'),
        ...(additional !== undefined && Object.keys(additional).length > 0 ? { includeAdditionalHeadersInCheck: additional } : {}),
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

function checkSelectors(scope: IConstruct, selectors: unknown): LabelSelectorJson[] {
  return checkArray(scope, 'meshConfig.discoverySelectors', selectors, (item, field) => {
    const s = checkOptions(scope, field, item as NamespaceSelector, 'NamespaceSelector');
    const matchLabels = s.matchLabels === undefined ? undefined : checkSelectorLabels(scope, `${field}.matchLabels`, s.matchLabels, true);
    const expressions = s.matchExpressions === undefined ? [] : checkArray(scope, `${field}.matchExpressions`, s.matchExpressions, (e, f) => {
      const r = checkOptions(scope, f, e as NamespaceSelectorRequirement, 'NamespaceSelectorRequirement');
      if (!isLabelKey(r.key)) {
        throw invalidInput(scope, `${f}.key`, r.key, 'is not a label key', 'use a namespace label key such as "istio.io/rev"');
      }
      if (!SELECTOR_OPERATORS.includes(r.operator)) {
        throw invalidInput(scope, `${f}.operator`, r.operator, `is not one of ${SELECTOR_OPERATORS.join(', ')}`, `use one of ${SELECTOR_OPERATORS.map((o) => `"${o}"`).join(', ')}`);
      }
      const values = r.values === undefined ? undefined : checkArray(scope, `${f}.values`, r.values, (v, vf) => {
        if (!isLabelValue(v)) throw invalidInput(scope, vf, v, 'is not a label value', 'give label values as strings, e.g. "enabled"');
        return v;
      });
      const needsValues = r.operator === 'In' || r.operator === 'NotIn';
      if (needsValues !== ((values?.length ?? 0) > 0)) {
        throw invalidInput(scope, f, r, needsValues ? 'needs values' : 'must not carry values',
          'In/NotIn take a non-empty values list; Exists/DoesNotExist take none');
      }
      return { key: r.key, operator: r.operator, ...(values ? { values } : {}) };
    });
    if (Object.keys(matchLabels ?? {}).length === 0 && expressions.length === 0) {
      throw invalidInput(scope, field, s, 'selects every namespace', 'give matchLabels or matchExpressions, or leave discoverySelectors out');
    }
    return {
      ...(matchLabels && Object.keys(matchLabels).length > 0 ? { matchLabels } : {}),
      ...(expressions.length > 0 ? { matchExpressions: expressions } : {}),
    };
  });
}

const SELECTOR_OPERATORS: readonly string[] = ['In', 'NotIn', 'Exists', 'DoesNotExist'];

/** A list of strings (stat name prefixes and the like), each checked by `check`. */
function stringList(scope: IConstruct, field: string, value: unknown, check: (item: string, field: string) => void = () => undefined): string[] {
  return checkArray(scope, field, value, (item, f) => {
    const text = checkString(scope, f, item, { minLength: 1 });
    check(text, f);
    return text;
  }, { minItems: 1, fix: `list at least one string, or leave ${field.slice(field.lastIndexOf('.') + 1)} out` });
}

/**
 * Checks a {@link ProxyStatsMatcher} under `field` and returns a copy of its lists.
 * @internal
 */
export function checkProxyStatsMatcher(scope: IConstruct, f: string, matcher: ProxyStatsMatcher): ProxyStatsMatcher {
  const m = checkOptions(scope, f, matcher, 'ProxyStatsMatcher');
  return {
    ...(m.inclusionPrefixes !== undefined ? { inclusionPrefixes: stringList(scope, `${f}.inclusionPrefixes`, m.inclusionPrefixes) } : {}),
    ...(m.inclusionSuffixes !== undefined ? { inclusionSuffixes: stringList(scope, `${f}.inclusionSuffixes`, m.inclusionSuffixes) } : {}),
    ...(m.inclusionRegexps !== undefined ? { inclusionRegexps: stringList(scope, `${f}.inclusionRegexps`, m.inclusionRegexps, (re, rf) => checkRegex(scope, rf, re)) } : {}),
  };
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
  checkOptions(scope, 'meshConfig', options, 'MeshConfigOptions');
  const concurrency = options.concurrency === undefined ? 2
    : checkInteger(scope, 'meshConfig.concurrency', options.concurrency, { minimum: 0, maximum: 64, fix: 'give the Envoy worker count, e.g. 2, or 0 for one per CPU' });
  const flag = (k: 'enablePrometheusMerge' | 'holdApplicationUntilProxyStarts' | 'dnsCapture' | 'dnsAutoAllocate') =>
    (options[k] === undefined ? undefined : checkBoolean(scope, `meshConfig.${k}`, options[k]));
  const dnsCapture = flag('dnsCapture');
  const dnsAutoAllocate = flag('dnsAutoAllocate');
  if (dnsAutoAllocate && !dnsCapture) {
    throw invalidInput(scope, 'meshConfig.dnsAutoAllocate', true, 'has no effect without DNS capture', 'set dnsCapture: true as well');
  }
  const stats = options.proxyStatsMatcher === undefined ? undefined : checkProxyStatsMatcher(scope, 'meshConfig.proxyStatsMatcher', options.proxyStatsMatcher);
  const proxyMetadata: { [key: string]: string } = options.proxyMetadata === undefined ? {}
    : checkStringMap(scope, 'meshConfig.proxyMetadata', options.proxyMetadata, {
      key: (key) => {
        if (!isEnvVarName(key)) {
          throw invalidInput(scope, 'meshConfig.proxyMetadata', key, 'is not an environment variable name', 'use letters, digits and underscores, e.g. ISTIO_META_DNS_CAPTURE');
        }
      },
    });
  if (dnsCapture) {
    proxyMetadata.ISTIO_META_DNS_CAPTURE = 'true';
  }
  if (dnsAutoAllocate) {
    proxyMetadata.ISTIO_META_DNS_AUTO_ALLOCATE = 'true';
  }

  const accessLog = options.accessLog === undefined ? AccessLog.disabled()
    : checkInstance(scope, 'meshConfig.accessLog', options.accessLog, AccessLog, 'use AccessLog.json(), AccessLog.text() or AccessLog.disabled()');
  const log = accessLog._render(scope);
  const tracing = options.tracing === undefined ? Tracing.disabled()
    : checkInstance(scope, 'meshConfig.tracing', options.tracing, Tracing, 'use Tracing.disabled(), Tracing.zipkin({...}), Tracing.openTelemetry({...}) or Tracing.zipkinProvider({...})');
  const trace = tracing._render(scope);
  const providers: ExtensionProviderJson[] = trace.provider ? [trace.provider] : [];
  if (options.extAuthzProviders !== undefined) {
    checkArray(scope, 'meshConfig.extAuthzProviders', options.extAuthzProviders, (p, field) => {
      const provider = checkInstance(scope, field, p, ExtAuthzProvider, 'use ExtAuthzProvider.http({...}) or ExtAuthzProvider.grpc({...})');
      const rendered = provider._render(scope, field);
      const clash = providers.find((q) => q.name === rendered.name);
      if (clash) {
        throw invalidInput(scope, `${field}.name`, rendered.name, `is also the name of the ${clash.envoyExtAuthzHttp || clash.envoyExtAuthzGrpc ? 'ext-authz' : 'tracing'} provider (istiod requires unique extension provider names)`,
          'give every extension provider its own name');
      }
      providers.push(rendered);
    });
  }
  const pathNormalization = options.pathNormalization === undefined ? PathNormalization.DECODE_AND_MERGE_SLASHES
    : checkEnum(scope, 'meshConfig.pathNormalization', options.pathNormalization, PathNormalization, 'PathNormalization');
  const outbound = options.outboundTrafficPolicy === undefined ? OutboundTraffic.REGISTRY_ONLY
    : checkInstance(scope, 'meshConfig.outboundTrafficPolicy', options.outboundTrafficPolicy, OutboundTraffic, 'use OutboundTraffic.REGISTRY_ONLY or OutboundTraffic.ALLOW_ANY');
  const defaultConfig: ProxyConfigJson = {
    holdApplicationUntilProxyStarts: flag('holdApplicationUntilProxyStarts') ?? true,
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
    outboundTrafficPolicy: { mode: outbound.mode },
    ...(options.discoverySelectors !== undefined ? { discoverySelectors: checkSelectors(scope, options.discoverySelectors) } : {}),
    enablePrometheusMerge: flag('enablePrometheusMerge') ?? true,
    defaultConfig,
  };
  return {
    meshConfig,
    providerSamplingPercent: tracing.usesProvider ? tracing.samplingPercent : undefined,
    extAuthzProviderNames: providers.filter((p) => p.envoyExtAuthzHttp || p.envoyExtAuthzGrpc).map((p) => p.name),
  };
}
