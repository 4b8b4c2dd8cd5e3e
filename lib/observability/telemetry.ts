import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import * as l1 from '../../imports/telemetry.istio.io';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { IndexedKind, indexedIn } from '../core/chart-index';
import { crdLimits } from '../core/crd-limits';
import { formatInputError, invalidInput } from '../core/errors';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkNumber, checkOptions, checkProps, checkString, copyOptions } from '../core/input';
import { checkDnsLabel, isEnvVarName, isHeaderName } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { EnvironmentProfile } from '../environment';
import { MeshChart } from '../mesh-chart';
import { renderSelector } from '../traffic/selector';
import { WorkloadSelector } from '../workload/workload-selector';
import { ObservabilityDefaults } from './defaults';

const TELEMETRY = 'telemetry.istio.io/v1/Telemetry';

/** Which side of a connection a tracing, metric or access-log setting applies to. */
export enum TelemetryMode {
  /** The proxy acting as a client (outbound traffic). */
  CLIENT = 'CLIENT',
  /** The proxy acting as a server (inbound traffic). */
  SERVER = 'SERVER',
  /** Both sides. */
  CLIENT_AND_SERVER = 'CLIENT_AND_SERVER',
}

/** Istio's standard metrics, as a Telemetry override names them. */
export enum IstioMetric {
  /** Every metric below. */
  ALL_METRICS = 'ALL_METRICS',
  /** `istio_requests_total`. */
  REQUEST_COUNT = 'REQUEST_COUNT',
  /** `istio_request_duration_milliseconds`. */
  REQUEST_DURATION = 'REQUEST_DURATION',
  /** `istio_request_bytes`. */
  REQUEST_SIZE = 'REQUEST_SIZE',
  /** `istio_response_bytes`. */
  RESPONSE_SIZE = 'RESPONSE_SIZE',
  /** `istio_tcp_connections_opened_total`. */
  TCP_OPENED_CONNECTIONS = 'TCP_OPENED_CONNECTIONS',
  /** `istio_tcp_connections_closed_total`. */
  TCP_CLOSED_CONNECTIONS = 'TCP_CLOSED_CONNECTIONS',
  /** `istio_tcp_sent_bytes_total`. */
  TCP_SENT_BYTES = 'TCP_SENT_BYTES',
  /** `istio_tcp_received_bytes_total`. */
  TCP_RECEIVED_BYTES = 'TCP_RECEIVED_BYTES',
  /** `istio_request_messages_total` (gRPC). */
  GRPC_REQUEST_MESSAGES = 'GRPC_REQUEST_MESSAGES',
  /** `istio_response_messages_total` (gRPC). */
  GRPC_RESPONSE_MESSAGES = 'GRPC_RESPONSE_MESSAGES',
}

/** Options of a mesh-wide Telemetry scope. */
export interface TelemetryMeshOptions {
  /**
   * The control plane whose namespace is the mesh root namespace.
   * @default none: the root namespace is `rootNamespace`
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * The mesh root namespace.
   * @default the control plane's namespace, else "istio-system"
   */
  readonly rootNamespace?: string;
}

/** A resource a Telemetry targets (`targetRefs`): a Kubernetes Gateway, a Service, a ServiceEntry. */
export class TelemetryTarget {
  /** A Gateway API `Gateway` (e.g. a waypoint or an ingress Gateway) by name. */
  public static gateway(name: string): TelemetryTarget {
    return new TelemetryTarget('gateway.networking.k8s.io', 'Gateway', name);
  }
  /** A Kubernetes `Service` by name (its waypoint applies the settings). */
  public static service(name: string): TelemetryTarget {
    return new TelemetryTarget('', 'Service', name);
  }
  /** An Istio `ServiceEntry` by name. */
  public static serviceEntry(name: string): TelemetryTarget {
    return new TelemetryTarget('networking.istio.io', 'ServiceEntry', name);
  }
  private constructor(
    /** API group ("" for core). */
    public readonly group: string,
    /** Kind. */
    public readonly kind: string,
    /** Name, in the Telemetry's namespace. */
    public readonly name: string,
  ) {}
}

/** Where a {@link MeshTelemetry} applies: the mesh, one namespace, or selected workloads. */
export class TelemetryScope {
  /** The whole mesh: a Telemetry without selector in the root namespace. */
  public static mesh(options: TelemetryMeshOptions = {}): TelemetryScope {
    return new TelemetryScope('mesh', { mesh: copyOptions(options) });
  }
  /** Every workload of `namespace`. */
  public static namespace(namespace: string): TelemetryScope {
    return new TelemetryScope('namespace', { namespace });
  }
  /** The pods `selector` picks in `namespace`. */
  public static workload(namespace: string, selector: WorkloadSelector): TelemetryScope {
    return new TelemetryScope('workload', { namespace, selector });
  }
  /** The resources `targets` name in `namespace` (waypoints and gateways: Istio applies targetRefs there). */
  public static targets(namespace: string, targets: TelemetryTarget[]): TelemetryScope {
    return new TelemetryScope('targets', { namespace, targets });
  }

  private constructor(
    /** mesh, namespace, workload or targets. */
    public readonly kind: string,
    private readonly parts: { mesh?: TelemetryMeshOptions; namespace?: string; selector?: WorkloadSelector; targets?: TelemetryTarget[] },
  ) {}

  /** @internal */
  public get _parts() {
    return this.parts;
  }
}

type TagKind = 'header' | 'literal' | 'environment';

/** A custom tag on every span: a request header, a literal, or an environment variable of the proxy. */
export class CustomTag {
  /** The value of request header `header` (`defaultValue` when it is missing). */
  public static header(tag: string, header: string, defaultValue?: string): CustomTag {
    return new CustomTag('header', tag, header, defaultValue);
  }
  /** A fixed value, e.g. the cluster name. */
  public static literal(tag: string, value: string): CustomTag {
    return new CustomTag('literal', tag, value, undefined);
  }
  /** The value of the proxy's environment variable `variable` (`defaultValue` when it is unset). */
  public static environment(tag: string, variable: string, defaultValue?: string): CustomTag {
    return new CustomTag('environment', tag, variable, defaultValue);
  }
  private constructor(
    private readonly kind: TagKind,
    /** The span tag name. */
    public readonly tag: string,
    private readonly source: string,
    private readonly defaultValue: string | undefined,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.TelemetrySpecTracingCustomTags {
    checkString(scope, `${field}.tag`, this.tag, { minLength: 1, maxLength: 256, fix: 'name the span tag, e.g. "user-agent"' });
    const dflt = this.defaultValue === undefined ? {} : { defaultValue: checkString(scope, `${field}.defaultValue`, this.defaultValue) };
    switch (this.kind) {
      case 'header':
        if (!isHeaderName(this.source)) throw invalidInput(scope, `${field}.header`, this.source, 'is not an HTTP header name', 'use a header name such as "x-request-id"');
        return { header: { name: this.source, ...dflt } };
      case 'environment':
        if (!isEnvVarName(this.source)) throw invalidInput(scope, `${field}.environment`, this.source, 'is not an environment variable name', 'use letters, digits and underscores, e.g. "POD_NAMESPACE"');
        return { environment: { name: this.source, ...dflt } };
      default:
        return { literal: { value: checkString(scope, `${field}.literal`, this.source, { minLength: 1, fix: 'give the tag a value' }) } };
    }
  }
}

/** A change to one tag (label) of a standard metric. */
export class TagOverride {
  /** Add or replace `tag` with the value of a CEL expression over Istio's attributes, e.g. `request.host`. */
  public static upsert(tag: string, valueExpression: string): TagOverride {
    return new TagOverride(tag, 'UPSERT', valueExpression);
  }
  /** Drop `tag` from the metric (fewer series: e.g. `request_protocol`). */
  public static remove(tag: string): TagOverride {
    return new TagOverride(tag, 'REMOVE', undefined);
  }
  private constructor(
    /** The metric tag (a Prometheus label name). */
    public readonly tag: string,
    /** UPSERT or REMOVE. */
    public readonly operation: string,
    /** The CEL value of an UPSERT. */
    public readonly valueExpression: string | undefined,
  ) {}
}

/** Options of a metric override. */
export interface MetricOverrideOptions {
  /**
   * The proxy side whose metric changes.
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
}

/** A change to a standard metric: its tags, or turning it off. */
export class MetricOverride {
  /** Change tags of `metric`. */
  public static tags(metric: IstioMetric, tags: TagOverride[], options: MetricOverrideOptions = {}): MetricOverride {
    return new MetricOverride(metric, Array.isArray(tags) ? [...tags] : tags, false, copyOptions(options));
  }
  /** Stop reporting `metric` (on `mode`'s side). */
  public static disable(metric: IstioMetric, options: MetricOverrideOptions = {}): MetricOverride {
    return new MetricOverride(metric, [], true, copyOptions(options));
  }
  private constructor(
    private readonly metric: IstioMetric,
    private readonly tagList: TagOverride[],
    private readonly disabled: boolean,
    private readonly options: MetricOverrideOptions,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): l1.TelemetrySpecMetricsOverrides {
    const metric = checkEnum(scope, `${field}.metric`, this.metric, IstioMetric, 'IstioMetric');
    const o = checkOptions(scope, `${field}.options`, this.options, 'MetricOverrideOptions');
    const mode = o.mode === undefined ? TelemetryMode.CLIENT_AND_SERVER : checkEnum(scope, `${field}.mode`, o.mode, TelemetryMode, 'TelemetryMode');
    const match = { metric: metric as unknown as l1.TelemetrySpecMetricsOverridesMatchMetric, mode: mode as unknown as l1.TelemetrySpecMetricsOverridesMatchMode };
    if (this.disabled) return { match, disabled: true };
    const tagOverrides: { [tag: string]: l1.TelemetrySpecMetricsOverridesTagOverrides } = {};
    checkArray(scope, `${field}.tags`, this.tagList, (t, f) => {
      const tag = checkInstance(scope, f, t, TagOverride, 'use TagOverride.upsert(tag, expression) or TagOverride.remove(tag)');
      checkString(scope, `${f}.tag`, tag.tag, { pattern: /^[a-zA-Z_][a-zA-Z0-9_]*$/, what: 'a metric tag name (letters, digits, underscores)', fix: 'use e.g. "request_host"' });
      if (tagOverrides[tag.tag] !== undefined) throw invalidInput(scope, `${f}.tag`, tag.tag, 'is changed twice', 'give each tag one override');
      if (tag.operation === 'UPSERT') {
        const value = checkCel(scope, `${f}.valueExpression`, tag.valueExpression, 'e.g. "request.host" or "string(response.code)"');
        tagOverrides[tag.tag] = { operation: l1.TelemetrySpecMetricsOverridesTagOverridesOperation.UPSERT, value };
      } else {
        tagOverrides[tag.tag] = { operation: l1.TelemetrySpecMetricsOverridesTagOverridesOperation.REMOVE };
      }
    }, { minItems: 1, fix: 'give at least one TagOverride, or use MetricOverride.disable(metric)' });
    return { match, tagOverrides: Object.fromEntries(Object.keys(tagOverrides).sort().map((k) => [k, tagOverrides[k]])) };
  }
}

/**
 * Checks a CEL expression (Istio's attribute expressions: access-log filters, tag values) by parsing
 * it with the CEL parser the validator uses; the attributes it names are istiod's to check.
 */
function checkCel(scope: IConstruct, field: string, value: unknown, example: string): string {
  const text = checkString(scope, field, value, { minLength: 1, fix: `give a CEL expression, ${example}` });
  const cel = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
  try {
    cel.parse(text);
  } catch (e) {
    const detail = (e as Error).message.split('\n')[0].replace(/^<input>:/, 'at ');
    throw invalidInput(scope, field, text, `is not a CEL expression (${detail})`, `write a CEL expression, ${example}`);
  }
  return text;
}

/** Tracing settings of a Telemetry. */
export interface TelemetryTracingOptions {
  /**
   * Tracing providers (names of `meshConfig.extensionProviders`, e.g. the one `Tracing.openTelemetry`
   * declares).
   * @default the mesh's default tracing provider
   */
  readonly providers?: string[];
  /**
   * Percent of requests traced, 0–100.
   * @default the environment's: DEV 100, STAGING 10, PROD 1 (mesh scope); inherited from the mesh elsewhere
   */
  readonly samplingPercentage?: number;
  /**
   * Tags added to every span.
   * @default none
   */
  readonly customTags?: CustomTag[];
  /**
   * Keep propagating trace context but report no spans.
   * @default false
   */
  readonly disableSpanReporting?: boolean;
}

/** Metric settings of a Telemetry. */
export interface TelemetryMetricsOptions {
  /**
   * Metrics providers.
   * @default the mesh's default (Prometheus)
   */
  readonly providers?: string[];
  /**
   * Tag changes and disabled metrics.
   * @default none
   */
  readonly overrides?: MetricOverride[];
}

/** Access-log settings of a Telemetry. */
export interface TelemetryAccessLoggingOptions {
  /**
   * Access-log providers (`envoy` is Istio's built-in stdout logger).
   * @default ["envoy"]
   */
  readonly providers?: string[];
  /**
   * Log only requests for which this CEL expression is true, e.g. `response.code >= 400`.
   * @default every request
   */
  readonly filter?: string;
  /**
   * The proxy side that logs.
   * @default TelemetryMode.CLIENT_AND_SERVER
   */
  readonly mode?: TelemetryMode;
  /**
   * Turn access logging off for the scope (e.g. a noisy namespace under a mesh-wide log).
   * @default false
   */
  readonly disabled?: boolean;
}

/** Props of a {@link MeshTelemetry}. */
export interface MeshTelemetryProps {
  /**
   * Where it applies.
   * @default TelemetryScope.mesh(): every workload, from the root namespace
   */
  readonly scope?: TelemetryScope;
  /**
   * Tracing. At mesh scope tracing is always written, with the environment's sampling when none is
   * given: the Telemetry, not istiod's `pilot.traceSampling`, is where sampling is set.
   * @default mesh scope: the mesh's default provider at the environment's sampling; elsewhere: inherited
   */
  readonly tracing?: TelemetryTracingOptions;
  /**
   * Metrics.
   * @default inherited (Prometheus with Istio's standard metrics)
   */
  readonly metrics?: TelemetryMetricsOptions;
  /**
   * Access logging.
   * @default inherited
   */
  readonly accessLogging?: TelemetryAccessLoggingOptions;
  /**
   * The environment whose defaults apply.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
  /**
   * Name of the Telemetry object.
   * @default "mesh-default" for mesh scope, "default" for a namespace, the construct id otherwise
   */
  readonly name?: string;
}

/**
 * Istio's Telemetry API (`telemetry.istio.io/v1` Telemetry): tracing, metrics and access logging for
 * the mesh, a namespace or selected workloads. Istio recommends it over `meshConfig` for these
 * settings: `meshConfig` declares the providers (`extensionProviders`), the Telemetry chooses them and
 * sets sampling, tags, metric overrides and log filters, and a narrower Telemetry overrides a wider
 * one field by field.
 *
 * At mesh scope the tracing sampling defaults to the environment's (DEV 100 %, STAGING 10 %, PROD
 * 1 %); it overrides istiod's `pilot.traceSampling`. The analyzer refuses a second mesh-wide or
 * namespace-wide Telemetry in one namespace (IST0160), workload selectors that overlap (IST0159) or
 * select nothing (IST0101), and provider names no mesh config defines (CDK8S-ISTIO-040). Access-log
 * filters and tag values are parsed as CEL at construction.
 */
export class MeshTelemetry extends Construct {
  /** The Telemetry's namespace. */
  public readonly namespace: string;
  /** The Telemetry object. */
  public readonly resource: l1.Telemetry;
  /** The tracing sampling percentage written, when tracing is set. */
  public readonly samplingPercentage?: number;

  private readonly spec: l1.TelemetrySpec;

  constructor(scope: Construct, id: string, props: MeshTelemetryProps = {}) {
    super(scope, id);
    props = checkProps(this, props, 'MeshTelemetryProps');
    const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkOptions(this, 'environment', props.environment, 'EnvironmentProfile');
    const telemetryScope = props.scope === undefined ? TelemetryScope.mesh()
      : checkInstance(this, 'scope', props.scope, TelemetryScope, 'use TelemetryScope.mesh(), .namespace(ns), .workload(ns, selector) or .targets(ns, [...])');
    const parts = telemetryScope._parts;
    const isMesh = telemetryScope.kind === 'mesh';
    let selector: { [key: string]: string } | undefined;
    let targetRefs: l1.TelemetrySpecTargetRefs[] | undefined;
    if (isMesh) {
      const o = checkOptions(this, 'scope', parts.mesh!, 'TelemetryMeshOptions');
      const cp = o.controlPlane === undefined ? undefined
        : checkInstance(this, 'scope.controlPlane', o.controlPlane, MeshControlPlane, 'give the MeshControlPlane of the mesh, or leave controlPlane out');
      if (cp && o.rootNamespace !== undefined && o.rootNamespace !== cp.namespace) {
        throw invalidInput(this, 'scope.rootNamespace', o.rootNamespace, `is not the root namespace of control plane ${cp.node.path} (${JSON.stringify(cp.namespace)})`, 'leave rootNamespace out when you give controlPlane');
      }
      this.namespace = checkDnsLabel(this, 'scope.rootNamespace', o.rootNamespace ?? cp?.namespace ?? 'istio-system', 'use the mesh root namespace, e.g. "istio-system"');
    } else {
      if (parts.namespace === undefined) {
        throw invalidInput(this, 'scope.namespace', undefined, 'is missing', 'name the namespace, e.g. TelemetryScope.namespace("bookinfo")');
      }
      this.namespace = resolveNamespace(this, { given: checkDnsLabel(this, 'scope.namespace', parts.namespace, 'use a namespace name such as "bookinfo"') });
      if (telemetryScope.kind === 'workload') {
        selector = renderSelector(this, 'scope.selector', parts.selector, crdLimits(TELEMETRY, 'spec.selector.matchLabels').maxProperties);
      } else if (telemetryScope.kind === 'targets') {
        targetRefs = checkArray(this, 'scope.targets', parts.targets, (t, f) => {
          const target = checkInstance(this, f, t, TelemetryTarget, 'use TelemetryTarget.gateway(name), .service(name) or .serviceEntry(name)');
          const name = checkDnsLabel(this, `${f}.name`, target.name, 'name the target, e.g. "waypoint"');
          return { group: target.group, kind: target.kind, name };
        }, { minItems: 1, maxItems: 16, fix: 'name at least one target' });
      }
    }
    const tracing = props.tracing === undefined ? (isMesh ? {} : undefined) : checkOptions(this, 'tracing', props.tracing, 'TelemetryTracingOptions');
    const spec: { -readonly [K in keyof l1.TelemetrySpec]: l1.TelemetrySpec[K] } = {};
    if (selector) spec.selector = { matchLabels: selector };
    if (targetRefs) spec.targetRefs = targetRefs;
    if (tracing) {
      const sampling = tracing.samplingPercentage === undefined ? (isMesh ? ObservabilityDefaults.tracingSamplingPercent(env) : undefined)
        : checkNumber(this, 'tracing.samplingPercentage', tracing.samplingPercentage, { minimum: 0, maximum: 100, fix: 'give a percentage such as 1 (PROD) or 100 (DEV)' });
      this.samplingPercentage = sampling;
      const tags: { [tag: string]: l1.TelemetrySpecTracingCustomTags } = {};
      if (tracing.customTags !== undefined) {
        checkArray(this, 'tracing.customTags', tracing.customTags, (t, f) => {
          const tag = checkInstance(this, f, t, CustomTag, 'use CustomTag.header(...), CustomTag.literal(...) or CustomTag.environment(...)');
          const rendered = tag._render(this, f);
          if (tags[tag.tag] !== undefined) throw invalidInput(this, `${f}.tag`, tag.tag, 'is defined twice', 'give each span tag one source');
          tags[tag.tag] = rendered;
        });
      }
      const entry: l1.TelemetrySpecTracing = {
        ...(tracing.providers !== undefined ? { providers: providerList(this, 'tracing.providers', tracing.providers, 1) } : {}),
        ...(sampling !== undefined ? { randomSamplingPercentage: sampling } : {}),
        ...(Object.keys(tags).length > 0 ? { customTags: Object.fromEntries(Object.keys(tags).sort().map((k) => [k, tags[k]])) } : {}),
        ...(tracing.disableSpanReporting !== undefined ? { disableSpanReporting: checkBoolean(this, 'tracing.disableSpanReporting', tracing.disableSpanReporting) } : {}),
      };
      if (Object.keys(entry).length === 0) {
        throw invalidInput(this, 'tracing', {}, 'sets nothing', 'give providers, samplingPercentage, customTags or disableSpanReporting, or leave tracing out');
      }
      spec.tracing = [entry];
    }
    if (props.metrics !== undefined) {
      const m = checkOptions(this, 'metrics', props.metrics, 'TelemetryMetricsOptions');
      const entry: l1.TelemetrySpecMetrics = {
        ...(m.providers !== undefined ? { providers: providerList(this, 'metrics.providers', m.providers) } : {}),
        ...(m.overrides !== undefined ? {
          overrides: checkArray(this, 'metrics.overrides', m.overrides, (o, f) =>
            checkInstance(this, f, o, MetricOverride, 'use MetricOverride.tags(...) or MetricOverride.disable(...)')._render(this, f), { minItems: 1 }),
        } : {}),
      };
      if (Object.keys(entry).length === 0) {
        throw invalidInput(this, 'metrics', {}, 'sets nothing', 'give providers or overrides, or leave metrics out');
      }
      spec.metrics = [entry];
    }
    if (props.accessLogging !== undefined) {
      const a = checkOptions(this, 'accessLogging', props.accessLogging, 'TelemetryAccessLoggingOptions');
      const disabled = a.disabled === undefined ? false : checkBoolean(this, 'accessLogging.disabled', a.disabled);
      if (disabled && a.filter !== undefined) {
        throw invalidInput(this, 'accessLogging.filter', a.filter, 'is set while logging is disabled', 'drop the filter, or disabled');
      }
      const mode = a.mode === undefined ? undefined : checkEnum(this, 'accessLogging.mode', a.mode, TelemetryMode, 'TelemetryMode');
      spec.accessLogging = [{
        providers: providerList(this, 'accessLogging.providers', a.providers ?? ['envoy']),
        ...(mode !== undefined ? { match: { mode: mode as unknown as l1.TelemetrySpecAccessLoggingMatchMode } } : {}),
        ...(a.filter !== undefined ? { filter: { expression: checkCel(this, 'accessLogging.filter', a.filter, 'e.g. "response.code >= 400"') } } : {}),
        ...(disabled ? { disabled: true } : {}),
      }];
    }
    this.spec = spec;
    const name = checkDnsLabel(this, 'name', props.name ?? (isMesh ? 'mesh-default' : telemetryScope.kind === 'namespace' ? 'default' : id), 'use a DNS label, e.g. "mesh-default"');
    this.resource = new l1.Telemetry(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as l1.TelemetrySpec,
    });
    this.node.addValidation({ validate: () => this.validateProviders() });
  }

  /**
   * Provider names against the extension providers of the chart's control planes (and Istio's
   * built-in `envoy`, `prometheus` and `stackdriver`): istiod skips an unknown provider without a
   * word. The analyzer checks the same on any Telemetry (CDK8S-ISTIO-040); here the error names this
   * construct and the field.
   */
  private validateProviders(): string[] {
    const planes = indexedIn<MeshControlPlane>(Chart.of(this), IndexedKind.MESH_CONTROL_PLANE);
    if (planes.length === 0) return [];
    const errors: string[] = [];
    for (const plane of planes) {
      const defined = new Set(['envoy', 'prometheus', 'stackdriver']);
      for (const p of plane.toMeshConfig().extensionProviders ?? []) {
        if (typeof p?.name === 'string') defined.add(p.name.toLowerCase());
      }
      for (const section of ['tracing', 'metrics', 'accessLogging'] as const) {
        (this.spec[section] ?? []).forEach((entry) => (entry.providers ?? []).forEach((p, j) => {
          if (!defined.has(p.name.toLowerCase())) {
            errors.push(formatInputError('', `${section}.providers[${j}]`, p.name, `is not an extension provider of control plane ${plane.node.path} (istiod would skip it)`,
              `name one of ${[...defined].sort().join(', ')}, or declare it in the control plane's meshConfig`));
          }
        }));
      }
    }
    return errors;
  }

  /** The Telemetry spec (a copy). */
  public toSpec(): l1.TelemetrySpec {
    return JSON.parse(JSON.stringify(this.spec));
  }
}

const PROVIDER_NAME = /^[a-zA-Z0-9]([a-zA-Z0-9._-]*[a-zA-Z0-9])?$/;

/** A provider list; tracing takes one provider (Istio uses only the first). */
function providerList(scope: IConstruct, field: string, value: unknown, maxItems?: number): { name: string }[] {
  const names = checkArray(scope, field, value, (p, f) =>
    checkString(scope, f, p, { pattern: PROVIDER_NAME, what: 'a provider name', fix: 'name a meshConfig extension provider, e.g. "otel", or a built-in one: "envoy", "prometheus"' }),
  { minItems: 1, maxItems, fix: maxItems === 1 ? 'name one tracing provider (Istio supports one), or leave providers out for the mesh default' : 'name at least one provider, or leave providers out for the default' });
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup !== undefined) throw invalidInput(scope, field, dup, 'is named twice', 'name each provider once');
  return names.map((name) => ({ name }));
}

