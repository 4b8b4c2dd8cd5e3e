// The IstioOperator JSON shapes stay internal to the package: `MeshControlPlane.toSpec()` returns plain JSON.
export * from './mesh-config';
export * from './mesh-control-plane';
export { GitOpsTool, InstallTarget, MeshDataplaneMode, SailUpdateStrategy } from './install-target';
export type { HelmTargetOptions, SailTargetOptions } from './install-target';
