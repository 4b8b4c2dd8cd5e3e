export * from './defaults';
export * from './telemetry';
export * from './alerts';
export * from './scraping';
export * from './dashboards';
export * from './kiali';
