import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IndexedKind, indexInCharts } from '../core/chart-index';
import { invalidInput } from '../core/errors';
import { checkEnum, checkInstance, checkProps } from '../core/input';
import { checkLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { sortedRecord } from '../core/records';
import { NamespaceSelector } from '../control-plane/mesh-config';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { USE_WAYPOINT_LABEL, USE_WAYPOINT_NAMESPACE_LABEL, Waypoint, WaypointTraffic } from './waypoint';

/** How pods of a namespace join the mesh. */
export enum DataPlaneMode {
  /** An injected sidecar per pod. */
  SIDECAR = 'sidecar',
  /** Ambient mode: ztunnel on each node, waypoints for L7; no sidecars. */
  AMBIENT = 'ambient',
  /** Not in the mesh: the namespace is labelled so that no injection happens. */
  NONE = 'none',
}

/** Props of a {@link MeshNamespace}. */
export interface MeshNamespaceProps {
  /**
   * The namespace name.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * How its pods join the mesh.
   * @default DataPlaneMode.SIDECAR
   */
  readonly mode?: DataPlaneMode;
  /**
   * The control plane whose revision injects the sidecars: the namespace gets
   * `istio.io/rev=<controlPlane.injectionRevision>`, its revision tag when it has one (what an upgrade
   * moves), else its revision (moving one namespace first: give it the new revision's control plane);
   * with neither, `istio-injection=enabled`.
   * @default `istio-injection=enabled` (the default revision)
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * More labels.
   * @default none
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * The waypoint that handles the L7 traffic of the namespace's Services (and, for a waypoint of
   * `WaypointTraffic.WORKLOAD` or `ALL`, of its pods): the namespace gets `istio.io/use-waypoint`,
   * plus `istio.io/use-waypoint-namespace` when the waypoint runs in another namespace (whose
   * listener then admits this one). Only with `DataPlaneMode.AMBIENT`: sidecars do their own L7.
   * @default none: L4 only (ztunnel)
   */
  readonly useWaypoint?: Waypoint;
}

/**
 * What makes a namespace a mesh namespace, as label selectors (any one matching is enough): an
 * `istio.io/rev` label (a revision or a revision tag, whatever its value, so that a namespace being
 * moved between revisions stays in), `istio-injection=enabled` (the default revision) or
 * `istio.io/dataplane-mode=ambient`. These are the labels {@link MeshNamespace} writes; `istiod`'s
 * `discoverySelectors` and the `IstiodNetworkPolicy` are both derived from this one list, so istiod
 * watches exactly the namespaces whose proxies the NetworkPolicy lets in. The public form is
 * `MeshNamespace.discoverySelectors()`.
 * @internal
 */
export function meshNamespaceSelectors(): { matchLabels?: { [key: string]: string }; matchExpressions?: { key: string; operator: string }[] }[] {
  return [
    { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] },
    { matchLabels: { 'istio-injection': 'enabled' } },
    { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } },
  ];
}

/**
 * A namespace whose pods join the mesh, with the label Istio reads for that: `istio-injection`,
 * `istio.io/rev` or `istio.io/dataplane-mode`.
 */
export class MeshNamespace extends Construct {
  /** The namespace name. */
  public readonly name: string;
  /** The cdk8s-plus Namespace object (named `resource` like the object of every construct here; `name` is its name). */
  public readonly resource: kplus.Namespace;
  /** How its pods join the mesh. */
  public readonly mode: DataPlaneMode;
  /** The labels that decide how its pods join the mesh (injection, revision, dataplane mode, waypoint), as written. */
  public readonly meshLabels: { [key: string]: string };
  /** The waypoint it uses, if any. */
  public readonly waypoint?: Waypoint;

  /**
   * The selectors of every mesh namespace (`istio.io/rev` set, `istio-injection=enabled`,
   * `istio.io/dataplane-mode=ambient`), for `meshConfig.discoverySelectors`: add your own (istiod's
   * namespace, namespaces of services the mesh calls) next to them.
   */
  public static discoverySelectors(): NamespaceSelector[] {
    return meshNamespaceSelectors() as NamespaceSelector[];
  }

  constructor(scope: Construct, id: string, props: MeshNamespaceProps = {}) {
    super(scope, id);
    props = checkProps(this, props, 'MeshNamespaceProps');
    indexInCharts(this, IndexedKind.MESH_NAMESPACE);
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use a namespace name such as "bookinfo"');
    const mode = props.mode === undefined ? DataPlaneMode.SIDECAR : checkEnum(this, 'mode', props.mode, DataPlaneMode, 'DataPlaneMode');
    const controlPlane = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'pass the MeshControlPlane construct whose revision injects the sidecars');
    const meshLabels: Record<string, string> = {};
    if (mode === DataPlaneMode.AMBIENT) {
      meshLabels['istio.io/dataplane-mode'] = 'ambient';
    } else if (mode === DataPlaneMode.NONE) {
      meshLabels['istio-injection'] = 'disabled';
    } else if (controlPlane?.injectionRevision) {
      meshLabels['istio.io/rev'] = controlPlane.injectionRevision;
    } else {
      meshLabels['istio-injection'] = 'enabled';
    }
    if (props.useWaypoint !== undefined) {
      const waypoint = checkInstance(this, 'useWaypoint', props.useWaypoint, Waypoint, 'pass the Waypoint construct the namespace\'s traffic goes through');
      if (mode !== DataPlaneMode.AMBIENT) {
        throw invalidInput(this, 'useWaypoint', waypoint.node.path, `is set on a namespace in ${mode} mode; waypoints serve ambient workloads only (sidecars do their own L7)`,
          'set mode: DataPlaneMode.AMBIENT, or drop useWaypoint');
      }
      if (waypoint.trafficType === WaypointTraffic.NONE) {
        throw invalidInput(this, 'useWaypoint', waypoint.node.path, 'is a waypoint for no traffic (WaypointTraffic.NONE), so using it changes nothing',
          'create the waypoint with trafficType SERVICE, WORKLOAD or ALL');
      }
      meshLabels[USE_WAYPOINT_LABEL] = waypoint.name;
      if (waypoint.namespace !== this.name) {
        meshLabels[USE_WAYPOINT_NAMESPACE_LABEL] = waypoint.namespace;
        waypoint._admitNamespace(this.name);
      }
      this.waypoint = waypoint;
    }
    const userLabels = props.labels === undefined ? {} : checkLabels(this, 'labels', props.labels);
    for (const key of Object.keys(userLabels)) {
      if (key === USE_WAYPOINT_LABEL || key === USE_WAYPOINT_NAMESPACE_LABEL) {
        throw invalidInput(this, 'labels', key, 'is the waypoint label this construct sets from `useWaypoint`', 'drop it from labels and pass the Waypoint as useWaypoint');
      }
      if (key in meshLabels || key === 'istio-injection' || key === 'istio.io/rev' || key === 'istio.io/dataplane-mode') {
        throw invalidInput(this, 'labels', key, 'is the mesh label this construct sets from `mode` and `controlPlane`', 'drop it from labels and choose the mode instead');
      }
    }
    this.mode = mode;
    this.meshLabels = sortedRecord(meshLabels);
    const labels = { ...userLabels, ...meshLabels };
    this.resource = new kplus.Namespace(this, 'Resource', {
      metadata: { name: this.name, labels: sortedRecord(labels) },
    });
  }
}
