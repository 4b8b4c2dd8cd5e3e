export * from './gateway-server';
export * from './mesh-gateway';
export * from './ingress-gateway';
export * from './gateway-route';
export * from './egress-gateway';
export { TrafficApi, GatewayApiCrds } from './gateway-api';
export {
  GatewayApiIngress, GatewayApiIngressProps, GatewayApiBackend, GatewayApiRouteRule, GatewayApiRouteOptions, GatewayApiGrpcRouteOptions,
  GatewayApiHttpRoute, GatewayApiHttpRouteProps, GatewayApiGrpcRoute, GatewayApiGrpcRouteProps,
} from './gateway-api-ingress';
