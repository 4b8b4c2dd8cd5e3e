// The IstioOperator JSON shapes stay internal to the package, except the spec `MeshControlPlane.toSpec()`
// returns; the types it refers to are reachable from it (e.g. `IstioOperatorSpecJson['values']`).
export type { IstioOperatorSpecJson } from './istio-operator';
export * from './mesh-config';
export * from './mesh-control-plane';
