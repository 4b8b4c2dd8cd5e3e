/**
 * Constructs of a few kinds, registered with every chart above them when they are created, so that a
 * construct can find the others of a kind in its chart without walking the chart's whole tree (which,
 * done once per construct, makes synthesis quadratic in the size of the chart).
 */
import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';

/** The kinds that are indexed. */
export const IndexedKind = {
  MESH_NAMESPACE: Symbol('cdk8s-istio.MeshNamespace'),
  MESH_CONTROL_PLANE: Symbol('cdk8s-istio.MeshControlPlane'),
} as const;

const INDEX = new WeakMap<IConstruct, Map<symbol, IConstruct[]>>();

/** Registers `construct` as one of `kind` with every chart it is in (a nested chart and the ones above it). */
export function indexInCharts(construct: IConstruct, kind: symbol): void {
  for (let scope = construct.node.scope; scope; scope = scope.node.scope) {
    if (!Chart.isChart(scope)) continue;
    let byKind = INDEX.get(scope);
    if (!byKind) {
      byKind = new Map();
      INDEX.set(scope, byKind);
    }
    const list = byKind.get(kind);
    if (list) list.push(construct);
    else byKind.set(kind, [construct]);
  }
}

/**
 * The constructs of `kind` in `chart`'s tree (nested charts included), as `chart.node.findAll()` would
 * find them but in the order they were created; one removed from the tree since is left out.
 */
export function indexedIn<T extends IConstruct>(chart: Chart, kind: symbol): T[] {
  return (INDEX.get(chart)?.get(kind) ?? []).filter((c) => isIn(c, chart)) as T[];
}

/** Whether `construct` is (still) in `ancestor`'s tree: every scope on the way up still has it as a child. */
function isIn(construct: IConstruct, ancestor: IConstruct): boolean {
  for (let c = construct; c !== ancestor;) {
    const parent = c.node.scope;
    if (!parent || parent.node.tryFindChild(c.node.id) !== c) return false;
    c = parent;
  }
  return true;
}
