export * from './rate-limit';
export * from './service-entry';
export * from './sidecar-scope';
export * from './global-rate-limit';
