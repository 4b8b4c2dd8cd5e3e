export * from './mesh-namespace';
export * from './workload-selector';
export * from './waypoint';
export * from './sidecar-injection';
