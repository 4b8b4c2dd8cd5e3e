export * from './service-graph';
