export * from './environment';
export * from './mesh-chart';
export * from './mesh-app';
export * from './control-plane';
export type { SizingOverrides } from './core/sizing';
export * from './workload';
export * from './traffic';
