import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import * as YAML from 'yaml';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { invalidInput } from '../core/errors';
import { checkBoolean, checkEnum, checkInstance, checkOptions, checkProps, checkString } from '../core/input';
import { checkDnsLabel } from '../core/names';

/** The tracing backend Kiali reads traces from. */
export enum KialiTracingProvider {
  /** Jaeger's query API. */
  JAEGER = 'jaeger',
  /** Grafana Tempo. */
  TEMPO = 'tempo',
}

/** Where Kiali finds Grafana. */
export interface KialiGrafanaOptions {
  /** The URL Kiali's server calls, in the cluster, e.g. `http://grafana.monitoring:3000`. */
  readonly internalUrl: string;
  /**
   * The URL users' browsers open from Kiali's links, e.g. `https://grafana.example.com`.
   * @default none: Kiali shows no Grafana links
   */
  readonly externalUrl?: string;
}

/** Where Kiali finds traces. */
export interface KialiTracingOptions {
  /**
   * The backend.
   * @default KialiTracingProvider.JAEGER
   */
  readonly provider?: KialiTracingProvider;
  /** The URL Kiali's server calls, e.g. `http://tracing.observability:16685/jaeger` (gRPC) or the HTTP query URL. */
  readonly internalUrl: string;
  /**
   * The URL users' browsers open, e.g. `https://jaeger.example.com`.
   * @default none: no links to the tracing UI
   */
  readonly externalUrl?: string;
  /**
   * Query traces over gRPC (Jaeger's 16685) instead of HTTP.
   * @default false
   */
  readonly useGrpc?: boolean;
}

/** Props of {@link KialiConfig}. */
export interface KialiConfigProps {
  /** The control plane: the mesh root namespace and istiod's revision. */
  readonly controlPlane: MeshControlPlane;
  /** The Prometheus Kiali queries, in the cluster, e.g. `http://prometheus.monitoring:9090`. */
  readonly prometheusUrl: string;
  /**
   * Grafana, for links from Kiali's graphs to the dashboards.
   * @default Grafana disabled in Kiali
   */
  readonly grafana?: KialiGrafanaOptions;
  /**
   * The tracing backend.
   * @default tracing disabled in Kiali
   */
  readonly tracing?: KialiTracingOptions;
  /**
   * Namespace Kiali runs in (its ConfigMap lives there).
   * @default the control plane's namespace
   */
  readonly namespace?: string;
}

/** An http(s) URL, host and optional port and path, no spaces. */
const URL = /^https?:\/\/[A-Za-z0-9.-]+(:[0-9]{1,5})?(\/[^\s]*)?$/;

function checkUrl(scope: IConstruct, field: string, value: unknown, example: string): string {
  return checkString(scope, field, value, { pattern: URL, what: 'an http(s) URL', fix: `give a URL such as "${example}"` });
}

/**
 * Kiali's view of the observability stack: the `kiali` ConfigMap (`config.yaml`) with
 * `external_services` (Prometheus, Grafana and tracing, each with the URL Kiali's server calls in the
 * cluster and, for Grafana and tracing, the URL users' browsers open) and the mesh root namespace.
 *
 * Kiali reads this ConfigMap when it starts (restart it after a change). It is the file Kiali's server
 * Helm chart and Istio's Kiali addon write: install Kiali without its own ConfigMap (or let this one
 * replace it), not both. With the Kiali operator, put the same settings in the Kiali CR instead.
 */
export class KialiConfig extends Construct {
  /** The ConfigMap. */
  public readonly configMap: kplus.ConfigMap;

  constructor(scope: Construct, id: string, props: KialiConfigProps) {
    super(scope, id);
    props = checkProps(this, props, 'KialiConfigProps');
    const cp = checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'give the MeshControlPlane of the mesh');
    const namespace = checkDnsLabel(this, 'namespace', props.namespace ?? cp.namespace, 'use the namespace Kiali runs in, e.g. "istio-system"');
    const prometheus = checkUrl(this, 'prometheusUrl', props.prometheusUrl, 'http://prometheus.monitoring:9090');
    const external: { [key: string]: unknown } = {
      istio: { root_namespace: cp.namespace, ...(cp.revision ? { istiod_deployment_name: `istiod-${cp.revision}` } : {}) },
      prometheus: { url: prometheus },
    };
    if (props.grafana !== undefined) {
      const g = checkOptions(this, 'grafana', props.grafana, 'KialiGrafanaOptions');
      external.grafana = {
        enabled: true,
        internal_url: checkUrl(this, 'grafana.internalUrl', g.internalUrl, 'http://grafana.monitoring:3000'),
        ...(g.externalUrl !== undefined ? { external_url: checkUrl(this, 'grafana.externalUrl', g.externalUrl, 'https://grafana.example.com') } : {}),
      };
    } else {
      external.grafana = { enabled: false };
    }
    if (props.tracing !== undefined) {
      const t = checkOptions(this, 'tracing', props.tracing, 'KialiTracingOptions');
      const provider = t.provider === undefined ? KialiTracingProvider.JAEGER : checkEnum(this, 'tracing.provider', t.provider, KialiTracingProvider, 'KialiTracingProvider');
      const grpc = t.useGrpc === undefined ? false : checkBoolean(this, 'tracing.useGrpc', t.useGrpc);
      if (grpc && provider === KialiTracingProvider.TEMPO) {
        throw invalidInput(this, 'tracing.useGrpc', true, 'is set with the Tempo provider, which Kiali queries over HTTP', 'leave useGrpc out with Tempo');
      }
      external.tracing = {
        enabled: true,
        provider,
        internal_url: checkUrl(this, 'tracing.internalUrl', t.internalUrl, 'http://tracing.observability:16685/jaeger'),
        ...(t.externalUrl !== undefined ? { external_url: checkUrl(this, 'tracing.externalUrl', t.externalUrl, 'https://jaeger.example.com') } : {}),
        use_grpc: grpc,
      };
    } else {
      external.tracing = { enabled: false };
    }
    const config = { external_services: external, istio_namespace: cp.namespace };
    this.configMap = new kplus.ConfigMap(this, 'Resource', {
      metadata: { name: 'kiali', namespace, labels: { 'app': 'kiali', 'app.kubernetes.io/name': 'kiali' } },
      data: { 'config.yaml': YAML.stringify(config, { lineWidth: 0 }) },
    });
  }
}
