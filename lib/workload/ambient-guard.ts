import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { indexedIn, IndexedKind } from '../core/chart-index';
import { formatInputError } from '../core/errors';
import { DataPlaneMode, MeshNamespace } from './mesh-namespace';

/**
 * Refuses, at synth, a construct that configures sidecars when the chart's `MeshNamespace` of
 * `namespace` runs in ambient mode: ambient pods have no sidecar, and ztunnel and waypoints do not
 * read what it writes, so it would silently change nothing. At synth (not at construction), so the
 * order in which the namespace and the construct are created does not matter. Objects written
 * otherwise (L1 classes, included YAML) are the analyzer's (IST0167).
 *
 * @param what what the construct writes, for the message, e.g. "a Sidecar"
 * @internal
 */
export function refuseInAmbientNamespace(scope: IConstruct, namespace: string, what: string, fix: string): void {
  scope.node.addValidation({
    validate: () => {
      const ns = indexedIn<MeshNamespace>(Chart.of(scope), IndexedKind.MESH_NAMESPACE).find((n) => n.name === namespace);
      if (ns?.mode !== DataPlaneMode.AMBIENT) return [];
      return [formatInputError('', 'namespace', namespace,
        `is in ambient mode (${ns.node.path}), where pods have no sidecar: ${what} is read by sidecars only, so it would change nothing`, fix)];
    },
  });
}
