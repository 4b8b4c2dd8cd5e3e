export * from './selectors';
export * from './mtls-modes';
export * from './mtls';
export * from './authorization';
export * from './jwt';
export * from './istiod-network-policy';
