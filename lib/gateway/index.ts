export * from './gateway-server';
export * from './mesh-gateway';
export * from './ingress-gateway';
export * from './gateway-route';
export * from './egress-gateway';
export { TrafficApi, GatewayApiCrds } from './gateway-api';
export { GatewayApiIngress, GatewayApiHttpRoute, GatewayApiGrpcRoute } from './gateway-api-ingress';
export type {
  GatewayApiIngressProps, GatewayApiBackend, GatewayApiRouteRule, GatewayApiRouteOptions, GatewayApiGrpcRouteOptions,
  GatewayApiHttpRouteProps, GatewayApiGrpcRouteProps,
} from './gateway-api-ingress';
export * from './gateway-certificate';
export * from './gateway-target';
