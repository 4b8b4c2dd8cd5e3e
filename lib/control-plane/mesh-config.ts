import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { sortedRecord } from '../core/records';
import { checkSelectorLabels } from '../core/labels';
import { isEnvVarName } from '../core/names';
import { ExtensionProviderJson, LabelSelectorJson, MeshConfigJson, ProxyConfigJson } from './istio-operator';

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
    if (!/^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(this.providerName!)) {
      throw invalidInput(scope, 'meshConfig.tracing.name', this.providerName, 'is not a valid provider name', 'use lowercase letters, digits and dashes');
    }
    const endpoint = { service: this.target, port: this.port! };
    const provider: ExtensionProviderJson = this.kind === 'otel-provider'
      ? { name: this.providerName!, opentelemetry: endpoint }
      : { name: this.providerName!, zipkin: endpoint };
    return { enableTracing: true, provider };
  }
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
  readonly inclusionPrefixes?: readonly string[];
  /**
   * Stat name suffixes, e.g. `upstream_rq_timeout`.
   * @default none
   */
  readonly inclusionSuffixes?: readonly string[];
  /**
   * Stat name regexes (RE2), e.g. `.*outlier_detection.*`.
   * @default none
   */
  readonly inclusionRegexps?: readonly string[];
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
  readonly values?: readonly string[];
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
  readonly matchExpressions?: readonly NamespaceSelectorRequirement[];
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
   * Traffic to hosts outside the service registry.
   * @default OutboundTraffic.REGISTRY_ONLY
   */
  readonly outboundTrafficPolicy?: OutboundTraffic;
  /**
   * Namespaces istiod watches; a namespace matching any selector is in the mesh. Cuts istiod's memory in
   * large clusters.
   * @default every namespace
   */
  readonly discoverySelectors?: readonly NamespaceSelector[];
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
  for (const re of stats?.inclusionRegexps ?? []) {
    try {
      new RegExp(re);
    } catch {
      throw invalidInput(scope, 'meshConfig.proxyStatsMatcher.inclusionRegexps', re, 'is not a valid regular expression', 'fix the pattern (RE2 syntax)');
    }
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
    ...(trace.provider ? { extensionProviders: [trace.provider], defaultProviders: { tracing: [trace.provider.name] } } : {}),
    outboundTrafficPolicy: { mode: (options.outboundTrafficPolicy ?? OutboundTraffic.REGISTRY_ONLY).mode },
    ...(options.discoverySelectors ? { discoverySelectors: checkSelectors(scope, options.discoverySelectors) } : {}),
    enablePrometheusMerge: options.enablePrometheusMerge ?? true,
    defaultConfig,
  };
  return { meshConfig, providerSamplingPercent: tracing.usesProvider ? tracing.samplingPercent : undefined };
}
