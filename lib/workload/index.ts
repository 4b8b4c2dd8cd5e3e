export * from './mesh-namespace';
export * from './workload-selector';
