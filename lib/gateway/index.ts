export * from './gateway-server';
export * from './mesh-gateway';
export * from './ingress-gateway';
export * from './gateway-route';
export * from './egress-gateway';
export * from './gateway-certificate';
export * from './gateway-target';
