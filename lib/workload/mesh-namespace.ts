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
    const userLabels = props.labels === undefined ? {} : checkLabels(this, 'labels', props.labels);
    for (const key of Object.keys(userLabels)) {
      if (key in meshLabels || key === 'istio-injection' || key === 'istio.io/rev' || key === 'istio.io/dataplane-mode') {
        throw invalidInput(this, 'labels', key, 'is the mesh label this construct sets from `mode` and `controlPlane`', 'drop it from labels and choose the mode instead');
      }
    }
    const labels = { ...userLabels, ...meshLabels };
    this.resource = new kplus.Namespace(this, 'Resource', {
      metadata: { name: this.name, labels: sortedRecord(labels) },
    });
  }
}
