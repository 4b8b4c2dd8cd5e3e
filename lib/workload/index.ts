export * from './mesh-namespace';
