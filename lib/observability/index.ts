export * from './defaults';
export * from './telemetry';
export * from './alerts';
