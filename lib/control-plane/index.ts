export * from './istio-operator';
export * from './mesh-config';
export * from './mesh-control-plane';
