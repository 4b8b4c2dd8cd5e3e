export { ObservabilityDefaults, Percentage } from './defaults';
export type { AlertThresholds } from './defaults';
export * from './telemetry';
export { AlertSeverity, MeshAlerts } from './alerts';
export type { MeshAlert, MeshAlertsProps, ServiceAlertOverride } from './alerts';
export * from './scraping';
export * from './dashboards';
export * from './kiali';
