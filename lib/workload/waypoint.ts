import { ApiObject, Chart, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { Gateway } from '../../imports/gateway.networking.k8s.io';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { checkEnvironmentShape } from '../core/environment-shape';
import { invalidInput } from '../core/errors';
import { checkEnum, checkInstance, checkOptions, checkProps, checkString } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { sortedRecord } from '../core/records';
import { disruptionBudgetSpec, podAntiAffinity, resolveSizing, SizingOverrides } from '../core/sizing';
import { AntiAffinityMode, ComponentSizing, EnvironmentProfile } from '../environment';
import { MeshChart } from '../mesh-chart';
import { GatewayApiCrds } from '../gateway/gateway-api';
import { GATEWAY_API_CRD_VERSION, GATEWAY_API_PREREQUISITE } from './gateway-api';
import { describeConstruct } from './plus-objects';

/** Which traffic a waypoint handles (its `istio.io/waypoint-for` label). */
export enum WaypointTraffic {
  /** Traffic addressed to the Services that use the waypoint (Istio's default). */
  SERVICE = 'service',
  /** Traffic addressed to the pods (workload addresses) that use the waypoint. */
  WORKLOAD = 'workload',
  /** Both. */
  ALL = 'all',
  /** Neither: the waypoint is deployed but nothing is sent through it. */
  NONE = 'none',
}

/** Props of a {@link Waypoint}. */
export interface WaypointProps {
  /**
   * The name of the Gateway (and of the Deployment, Service and ServiceAccount istiod creates for it).
   * @default the construct id
   */
  readonly name?: string;
  /**
   * The namespace the waypoint runs in; namespaces and Services elsewhere may use it too (the
   * waypoint's listener then admits their namespaces, see {@link Waypoint.useForService}).
   * @default the chart's namespace (one is required)
   */
  readonly namespace?: string;
  /**
   * Which traffic it handles.
   * @default WaypointTraffic.SERVICE
   */
  readonly trafficType?: WaypointTraffic;
  /**
   * The control plane (revision) that deploys and configures the waypoint: with a revision, the
   * Gateway carries `istio.io/rev`.
   * @default the default revision
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * The environment whose `waypoint` sizing applies.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
  /**
   * Per-waypoint sizing overrides (replicas, resources, HPA, anti-affinity, PDB).
   * @default the environment's `waypoint` sizing
   */
  readonly sizing?: SizingOverrides;
}

/** The class of Istio's waypoints. */
const WAYPOINT_CLASS = GatewayApiCrds.ISTIO_WAYPOINT_CLASS;
/** The label istiod puts on a Gateway's pods (and selects them by). */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** The label Kubernetes puts on every namespace. */
const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';
/** The labels that bind a namespace, Service or pod to a waypoint. */
export const USE_WAYPOINT_LABEL = 'istio.io/use-waypoint';
/** The namespace of the waypoint `istio.io/use-waypoint` names, when it is not the labelled object's. */
export const USE_WAYPOINT_NAMESPACE_LABEL = 'istio.io/use-waypoint-namespace';
/** The label that says which traffic a waypoint handles. */
export const WAYPOINT_FOR_LABEL = 'istio.io/waypoint-for';

interface PlusService {
  readonly metadata?: { readonly namespace?: string; addLabel?(key: string, value: string): void; getLabel?(key: string): string | undefined };
}

/**
 * An ambient-mode waypoint: the L7 proxy of the namespaces, Services or pods that use it. It is a
 * Gateway API `Gateway` (gateway.networking.k8s.io/v1) of class `istio-waypoint` with the HBONE
 * listener `mesh` on 15008, from which istiod deploys a Deployment, Service and ServiceAccount of
 * the same name in the waypoint's namespace.
 *
 * Sizing and availability come from the environment (`waypoint`: replicas or an HPA, requests and
 * limits, anti-affinity, a PodDisruptionBudget) and reach istiod through the Gateway's
 * `infrastructure.parametersRef`: a ConfigMap `<name>-parameters` with the overlays istiod applies to
 * what it deploys (`deployment`, `horizontalPodAutoscaler`, `podDisruptionBudget`; istiod creates the
 * HPA and the PDB only when the ConfigMap has their key).
 *
 * What uses it: `MeshNamespace`'s `useWaypoint` (every Service and pod of an ambient namespace), or
 * {@link Waypoint.useForService}. Policies that the waypoint enforces attach to it with
 * `PolicyTargetRef.waypoint(...)`.
 *
 * The cluster needs the Gateway API CRDs first: {@link Waypoint.PREREQUISITE}.
 */
export class Waypoint extends Construct {
  /** The Gateway API release whose standard-channel CRDs the cluster needs for waypoints (Istio 1.30.3 is built against it). */
  public static readonly GATEWAY_API_CRD_VERSION: string = GATEWAY_API_CRD_VERSION;
  /** What the cluster needs before it receives a waypoint: the Gateway API CRDs, and how to install them. */
  public static readonly PREREQUISITE: string = GATEWAY_API_PREREQUISITE;

  /** The Gateway's name. */
  public readonly name: string;
  /** Its namespace. */
  public readonly namespace: string;
  /** Which traffic it handles. */
  public readonly trafficType: WaypointTraffic;
  /** The sizing written to its parameters ConfigMap (the environment's, with the overrides). */
  public readonly sizing: ComponentSizing;
  /** The Gateway API Gateway. */
  public readonly resource: Gateway;
  /** The ConfigMap istiod reads the Deployment, HPA and PodDisruptionBudget overlays from. */
  public readonly parameters: kplus.ConfigMap;

  /** Namespaces other than its own whose namespaces or Services use it. */
  private readonly usedFrom = new Set<string>();

  constructor(scope: Construct, id: string, props: WaypointProps = {}) {
    super(scope, id);
    props = checkProps(this, props, 'WaypointProps');
    const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkEnvironmentShape(this, 'environment', props.environment, 'profile');
    const nameFix = 'name the waypoint with lowercase letters, digits and "-", starting with a letter, e.g. "waypoint"';
    this.name = checkDnsLabel(this, 'name', props.name === undefined ? id : checkString(this, 'name', props.name, { fix: nameFix }), nameFix);
    if (!/^[a-z]/.test(this.name)) {
      throw invalidInput(this, 'name', this.name, 'does not start with a letter, which the name of its Service must (a DNS-1035 label)', nameFix);
    }
    if (this.name === 'none') {
      throw invalidInput(this, 'name', this.name, `is the word Istio reserves in ${USE_WAYPOINT_LABEL} for "no waypoint"`, nameFix);
    }
    this.namespace = resolveNamespace(this, { given: props.namespace === undefined ? undefined : checkString(this, 'namespace', props.namespace) });
    this.trafficType = props.trafficType === undefined ? WaypointTraffic.SERVICE : checkEnum(this, 'trafficType', props.trafficType, WaypointTraffic, 'WaypointTraffic');
    const controlPlane = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'pass the MeshControlPlane construct whose istiod deploys the waypoint');
    const overrides = props.sizing === undefined ? {} : checkOptions(this, 'sizing', props.sizing, 'SizingOverrides');
    this.sizing = resolveSizing(this, 'sizing', env.waypoint, overrides);

    this.parameters = new kplus.ConfigMap(this, 'Parameters', {
      metadata: { name: `${this.name}-parameters`, namespace: this.namespace, labels: { [GATEWAY_NAME_LABEL]: this.name } },
      data: waypointOverlays(this.name, this.sizing),
    });

    const labels: { [key: string]: string } = { [WAYPOINT_FOR_LABEL]: this.trafficType };
    if (controlPlane?.injectionRevision) labels['istio.io/rev'] = controlPlane.injectionRevision;
    this.resource = new Gateway(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, labels: sortedRecord(labels) },
      spec: Lazy.any({ produce: () => this.toSpec() }) as any,
    });
  }

  /**
   * Sends the traffic of a Service through this waypoint: the Service gets `istio.io/use-waypoint`
   * (and `istio.io/use-waypoint-namespace` when it lives in another namespace, which the waypoint's
   * listener then admits). The Service's pods must run in ambient mode.
   *
   * @param service a cdk8s-plus Service of any 2x version (cdk8s-plus-27 … cdk8s-plus-33)
   */
  public useForService(service: IConstruct): void {
    const field = 'useForService(service)';
    const fix = 'pass a cdk8s-plus Service (any 2x version); namespaces use a waypoint with MeshNamespace\'s useWaypoint';
    if (!Construct.isConstruct(service) || ApiObject.isApiObject(service) || !ApiObject.isApiObject(service.node.defaultChild)
      || (service.node.defaultChild as ApiObject).kind !== 'Service') {
      throw invalidInput(this, field, Construct.isConstruct(service) ? service.node.path : service,
        `is ${Construct.isConstruct(service) ? describeConstruct(service) : 'not a construct'}, not a cdk8s-plus Service`, fix);
    }
    const metadata = (service as unknown as PlusService).metadata;
    if (typeof metadata?.addLabel !== 'function') {
      throw invalidInput(this, field, service.node.path, 'is a Service construct without cdk8s-plus metadata', fix);
    }
    if (this.trafficType === WaypointTraffic.WORKLOAD || this.trafficType === WaypointTraffic.NONE) {
      throw invalidInput(this, field, service.node.path, `names a waypoint for ${this.trafficType} traffic, which Service traffic bypasses`,
        'create the waypoint with trafficType: WaypointTraffic.SERVICE (or ALL)');
    }
    const namespace = metadata.namespace ?? Chart.of(service).namespace;
    if (namespace === undefined) {
      throw invalidInput(this, field, service.node.path, 'has no namespace, so whether it shares the waypoint\'s cannot be told',
        'give the Service metadata.namespace');
    }
    const existing = metadata.getLabel?.(USE_WAYPOINT_LABEL);
    if (existing !== undefined && existing !== this.name) {
      throw invalidInput(this, field, service.node.path, `already uses waypoint ${JSON.stringify(existing)}`, 'send a Service through one waypoint only');
    }
    metadata.addLabel(USE_WAYPOINT_LABEL, this.name);
    if (namespace !== this.namespace) {
      metadata.addLabel(USE_WAYPOINT_NAMESPACE_LABEL, this.namespace);
      this._admitNamespace(namespace);
    }
  }

  /**
   * Admits a namespace other than the waypoint's to use it (its listener's `allowedRoutes`).
   * @internal
   */
  public _admitNamespace(namespace: string): void {
    if (namespace !== this.namespace) this.usedFrom.add(namespace);
  }

  private toSpec(): any {
    const others = [...this.usedFrom].sort();
    return {
      gatewayClassName: WAYPOINT_CLASS,
      listeners: [{
        name: 'mesh',
        port: 15008,
        protocol: 'HBONE',
        // Same namespace only (the Gateway API default) unless namespaces elsewhere use the waypoint:
        // then exactly those, by the name label Kubernetes sets on every namespace.
        ...(others.length === 0 ? {} : {
          allowedRoutes: {
            namespaces: {
              from: 'Selector',
              selector: { matchExpressions: [{ key: NAMESPACE_NAME_LABEL, operator: 'In', values: [this.namespace, ...others] }] },
            },
          },
        }),
      }],
      infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: this.parameters.name } },
    };
  }
}

/**
 * The overlays istiod 1.30 applies (as strategic merge patches) to the objects it deploys for a
 * Gateway, by the keys its deployment controller reads from the `parametersRef` ConfigMap: `deployment`,
 * `horizontalPodAutoscaler`, `podDisruptionBudget` (it also reads `service` and `serviceAccount`,
 * which sizing does not touch). HPA and PDB exist only when their key is present.
 * @internal
 */
export function waypointOverlays(name: string, sizing: ComponentSizing): { [key: string]: string } {
  const affinity = podAntiAffinity(sizing, { [GATEWAY_NAME_LABEL]: name });
  const hpa = sizing.autoscaling;
  // Under required anti-affinity, surging a pod first needs a node without a replica; replace one at a time.
  const oneAtATime = sizing.antiAffinity.mode === AntiAffinityMode.REQUIRED && (hpa ? hpa.minReplicas : sizing.replicas) >= 2;
  const deployment = {
    spec: {
      ...(hpa ? {} : { replicas: sizing.replicas }),
      ...(oneAtATime ? { strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } } } : {}),
      template: {
        spec: {
          ...(affinity ? { affinity } : {}),
          containers: [{
            name: 'istio-proxy',
            resources: {
              requests: { cpu: sizing.resources.requests.cpu, memory: sizing.resources.requests.memory },
              limits: { cpu: sizing.resources.limits.cpu, memory: sizing.resources.limits.memory },
            },
          }],
        },
      },
    },
  };
  const data: { [key: string]: string } = { deployment: stringify(deployment) };
  if (hpa) {
    data.horizontalPodAutoscaler = stringify({
      spec: {
        minReplicas: hpa.minReplicas,
        maxReplicas: hpa.maxReplicas,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: hpa.targetCpuUtilizationPercent } } }],
      },
    });
  }
  if (sizing.podDisruptionBudget) {
    data.podDisruptionBudget = stringify({ spec: disruptionBudgetSpec(sizing.podDisruptionBudget) });
  }
  return data;
}
