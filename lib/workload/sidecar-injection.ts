import { Chart, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { MeshControlPlane, SidecarResources } from '../control-plane/mesh-control-plane';
import { indexedIn, IndexedKind } from '../core/chart-index';
import { checkEnvironmentShape } from '../core/environment-shape';
import { formatInputError, invalidInput } from '../core/errors';
import { checkBoolean, checkInstance, checkInteger, checkOptions, checkProps } from '../core/input';
import { istioDuration } from '../core/duration';
import { sortedRecord } from '../core/records';
import { checkResources } from '../core/sizing';
import { EnvironmentProfile } from '../environment';
import { MeshChart } from '../mesh-chart';
import { DataPlaneMode, MeshNamespace } from './mesh-namespace';
import { PLUS_WORKLOAD_KINDS, PlusWorkload } from './plus-objects';

/**
 * The fields of Istio's `ProxyConfig` a pod may set for its own sidecar, through the
 * `proxy.istio.io/config` annotation (they override the mesh's `defaultConfig` for that pod).
 */
export interface PodProxyConfig {
  /**
   * Start the application containers only once the proxy is ready, so the application never sends a
   * request before the mesh can carry it (the start-up race of sidecars).
   * @default the mesh's (`meshConfig.defaultConfig.holdApplicationUntilProxyStarts`, false in Istio)
   */
  readonly holdApplicationUntilProxyStarts?: boolean;
  /**
   * Worker threads of the proxy, 0 for one per CPU core of the node; 1–64 otherwise.
   * @default the mesh's (Istio: 2)
   */
  readonly concurrency?: number;
  /**
   * How long the proxy keeps serving in-flight connections after the pod is asked to stop.
   * @default the mesh's (Istio: 5s)
   */
  readonly terminationDrainDuration?: Duration;
}

/** Props of a {@link SidecarInjection}. */
export interface SidecarInjectionProps {
  /**
   * The workload whose pods get (or are refused) a sidecar: a Deployment, StatefulSet, DaemonSet, Job,
   * CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33).
   */
  readonly workload: IConstruct;
  /**
   * Whether its pods get a sidecar: the pod label `sidecar.istio.io/inject` (`"true"` or `"false"`).
   * `false` keeps them out of sidecar injection (in an ambient namespace they stay in ambient mode),
   * and excludes every other option.
   * @default true
   */
  readonly inject?: boolean;
  /**
   * The control plane (revision) that injects the pods: they get `istio.io/rev=<revision>`. Their
   * namespace, when this program labels it (a `MeshNamespace`), must not name another revision.
   * @default the namespace's revision (or the default revision)
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * Requests and limits of this workload's sidecar, as the pod annotations
   * `sidecar.istio.io/proxyCPU`, `proxyMemory`, `proxyCPULimit` and `proxyMemoryLimit`:
   * `SidecarResources.ENVIRONMENT` (the environment's sidecar preset), `SidecarResources.OPTIMIZED`
   * (its optimized preset, 50m/64Mi requests, 500m/256Mi limits) or `SidecarResources.custom(...)`.
   * @default none: the mesh-wide sidecar resources of the control plane apply
   */
  readonly resources?: SidecarResources;
  /**
   * Proxy settings of this workload's sidecar (`proxy.istio.io/config`).
   * @default none: the mesh's defaultConfig applies
   */
  readonly proxyConfig?: PodProxyConfig;
  /**
   * The environment whose sidecar presets `resources` picks from.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
}

/** The pod label (Istio 1.30 reads the label; the annotation is deprecated) that asks for or refuses a sidecar. */
const INJECT_LABEL = 'sidecar.istio.io/inject';
const REVISION_LABEL = 'istio.io/rev';
const PROXY_CONFIG_ANNOTATION = 'proxy.istio.io/config';
const RESOURCE_ANNOTATIONS = {
  requestsCpu: 'sidecar.istio.io/proxyCPU',
  requestsMemory: 'sidecar.istio.io/proxyMemory',
  limitsCpu: 'sidecar.istio.io/proxyCPULimit',
  limitsMemory: 'sidecar.istio.io/proxyMemoryLimit',
} as const;

/**
 * Puts the pods of a cdk8s-plus workload into the mesh with a sidecar (or keeps them out of sidecar
 * injection), on the pod template where Istio's injector reads it: the label
 * `sidecar.istio.io/inject`, the revision label `istio.io/rev`, the sidecar's requests and limits
 * (`sidecar.istio.io/proxyCPU|proxyMemory|proxyCPULimit|proxyMemoryLimit`) from the environment's
 * presets, and `proxy.istio.io/config` (e.g. `holdApplicationUntilProxyStarts`).
 *
 * Contradictions are refused: proxy settings on a workload without a sidecar at construction; at
 * synth, against the `MeshNamespace` of the workload's namespace in the same chart, a sidecar asked
 * for in a namespace labelled `istio-injection=disabled` (the injector skips it), or a revision other
 * than the namespace's (`istio.io/rev`), or any revision in an `istio-injection=enabled` namespace
 * (the default revision injects it there whatever the pod says). Namespaces the chart does not label
 * are the analyzer's to judge.
 *
 * @example
 * new SidecarInjection(chart, 'reviews-sidecar', {
 *   workload: reviews,
 *   resources: SidecarResources.OPTIMIZED,
 *   proxyConfig: { holdApplicationUntilProxyStarts: true },
 * });
 */
export class SidecarInjection extends Construct {
  /** Whether the pods get a sidecar. */
  public readonly inject: boolean;
  /** The revision the pods name, if any. */
  public readonly revision?: string;

  private readonly workload: PlusWorkload;

  constructor(scope: Construct, id: string, props: SidecarInjectionProps) {
    super(scope, id);
    props = checkProps(this, props, 'SidecarInjectionProps');
    this.workload = PlusWorkload.read(props.workload, {
      where: this.node.path,
      field: 'workload',
      fix: `pass ${PLUS_WORKLOAD_KINDS}`,
    });
    if (!this.workload.podMetadataWritable) {
      throw invalidInput(this, 'workload', this.workload.path, 'has pod metadata that takes no labels or annotations', `pass ${PLUS_WORKLOAD_KINDS}`);
    }
    this.inject = props.inject === undefined ? true : checkBoolean(this, 'inject', props.inject);
    if (!this.inject) {
      for (const field of ['controlPlane', 'resources', 'proxyConfig'] as const) {
        if (props[field] !== undefined) {
          throw invalidInput(this, field, props[field] instanceof Construct ? (props[field] as Construct).node.path : props[field],
            'configures a sidecar, but inject is false, so the pods get none', `drop ${field}, or leave inject out to give the pods a sidecar`);
        }
      }
    }
    const controlPlane = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'pass the MeshControlPlane construct whose revision injects the pods');
    this.revision = controlPlane?.injectionRevision || undefined;

    const podLabels = this.workload.podLabels();
    const podAnnotations = this.workload.podAnnotations();
    for (const [key, mine] of [[INJECT_LABEL, String(this.inject)], [REVISION_LABEL, this.revision]] as const) {
      if (mine !== undefined && podLabels[key] !== undefined && podLabels[key] !== mine) {
        throw invalidInput(this, 'workload', this.workload.path, `already has the pod label ${key}=${podLabels[key]}, which this would set to ${mine}`,
          `drop ${key} from the workload's podMetadata and let SidecarInjection set it`);
      }
    }

    const annotations: { [key: string]: string } = {};
    if (props.resources !== undefined) {
      const choice = checkInstance(this, 'resources', props.resources, SidecarResources,
        'use SidecarResources.ENVIRONMENT, SidecarResources.OPTIMIZED or SidecarResources.custom({ requests, limits })');
      const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkEnvironmentShape(this, 'environment', props.environment, 'profile');
      const resources = checkResources(this, 'resources', choice._pick(env));
      annotations[RESOURCE_ANNOTATIONS.requestsCpu] = resources.requests.cpu;
      annotations[RESOURCE_ANNOTATIONS.requestsMemory] = resources.requests.memory;
      annotations[RESOURCE_ANNOTATIONS.limitsCpu] = resources.limits.cpu;
      annotations[RESOURCE_ANNOTATIONS.limitsMemory] = resources.limits.memory;
    } else if (props.environment !== undefined) {
      throw invalidInput(this, 'environment', (props.environment as EnvironmentProfile)?.name ?? props.environment,
        'only picks the sidecar preset of `resources`, which is not set', 'drop environment, or set resources: SidecarResources.ENVIRONMENT');
    }
    if (props.proxyConfig !== undefined) {
      annotations[PROXY_CONFIG_ANNOTATION] = JSON.stringify(this.renderProxyConfig(props.proxyConfig));
    }
    for (const key of Object.keys(annotations)) {
      if (podAnnotations[key] !== undefined && podAnnotations[key] !== annotations[key]) {
        throw invalidInput(this, 'workload', this.workload.path, `already has the pod annotation ${key}=${podAnnotations[key]}`,
          `drop ${key} from the workload's podMetadata and let SidecarInjection set it`);
      }
    }

    this.workload.addPodLabel(INJECT_LABEL, String(this.inject));
    if (this.revision !== undefined) this.workload.addPodLabel(REVISION_LABEL, this.revision);
    for (const [key, value] of Object.entries(sortedRecord(annotations))) this.workload.addPodAnnotation(key, value);

    this.node.addValidation({ validate: () => this.namespaceConflicts() });
  }

  private renderProxyConfig(value: PodProxyConfig): Record<string, unknown> {
    const config = checkOptions(this, 'proxyConfig', value, 'PodProxyConfig');
    const out: Record<string, unknown> = {};
    if (config.concurrency !== undefined) {
      out.concurrency = checkInteger(this, 'proxyConfig.concurrency', config.concurrency, { minimum: 0, maximum: 64, fix: 'give 0 (one worker per core) or 1–64, e.g. 2' });
    }
    if (config.holdApplicationUntilProxyStarts !== undefined) {
      out.holdApplicationUntilProxyStarts = checkBoolean(this, 'proxyConfig.holdApplicationUntilProxyStarts', config.holdApplicationUntilProxyStarts);
    }
    if (config.terminationDrainDuration !== undefined) {
      out.terminationDrainDuration = istioDuration(this, 'proxyConfig.terminationDrainDuration', config.terminationDrainDuration);
    }
    if (Object.keys(out).length === 0) {
      throw invalidInput(this, 'proxyConfig', value, 'sets no field', 'set holdApplicationUntilProxyStarts, concurrency or terminationDrainDuration, or drop proxyConfig');
    }
    return out;
  }

  /** Contradictions with the MeshNamespace that labels the workload's namespace in this chart. */
  private namespaceConflicts(): string[] {
    const namespace = this.workload.namespace ?? Chart.of(this.workload.construct).namespace;
    if (namespace === undefined) return [];
    const ns = indexedIn<MeshNamespace>(Chart.of(this), IndexedKind.MESH_NAMESPACE).find((n) => n.name === namespace);
    if (ns === undefined) return [];
    const labels = ns.meshLabels;
    const where = `namespace ${JSON.stringify(namespace)} (${ns.node.path})`;
    if (this.inject && ns.mode === DataPlaneMode.NONE) {
      return [formatInputError('', 'inject', true, `asks for a sidecar in ${where}, which is labelled istio-injection=disabled: the injector skips its pods`,
        'make the namespace a sidecar or ambient MeshNamespace, or set inject: false')];
    }
    if (this.revision !== undefined && labels['istio-injection'] === 'enabled') {
      return [formatInputError('', 'controlPlane', this.revision, `names a revision in ${where}, which is labelled istio-injection=enabled: the default revision injects its pods, whatever the pod says`,
        'give the namespace the same control plane, or drop controlPlane here')];
    }
    const nsRevision = labels['istio.io/rev'];
    if (this.revision !== undefined && nsRevision !== undefined && nsRevision !== this.revision) {
      return [formatInputError('', 'controlPlane', this.revision, `differs from the revision of ${where} (istio.io/rev=${nsRevision}), so two control planes would claim the pods`,
        `drop controlPlane here (the namespace's revision ${nsRevision} injects the pods), or move the namespace to revision ${this.revision}`)];
    }
    return [];
  }
}
