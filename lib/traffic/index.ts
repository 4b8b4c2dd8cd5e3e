export { TrafficHost } from './traffic-host';
export { Subset } from './subset';
export { HttpMatch } from './match';
export { RetryOn, RetryPolicy, FaultInjection } from './resilience';
export type { RetryPolicyOptions, FaultOptionsBase, FaultDelayOptions, FaultAbortOptions } from './resilience';
export { H2UpgradePolicy, ClientTlsMode, ClientTls, LoadBalancer } from './policy';
export type {
  TcpKeepaliveOptions, TcpPoolOptions, HttpPoolOptions, ConnectionPoolOptions, OutlierDetectionOptions,
  IstioMutualTlsOptions, SimpleTlsOptions, MutualTlsOptions, ConsistentHashOptions, HashCookieOptions,
} from './policy';
export type { RouteResilience } from './route-options';
export { CircuitBreaker } from './circuit-breaker';
export type { CircuitBreakerProps, SubsetCircuitBreaker, PortCircuitBreaker } from './circuit-breaker';
export { DestinationPolicy } from './destination-policy';
export type { DestinationPolicyProps, DestinationPolicyOptions, SubsetDestinationPolicy, PortDestinationPolicy } from './destination-policy';
export { CanaryRelease } from './canary-release';
export type { CanaryReleaseProps, CanaryStage } from './canary-release';
export { HostRoutes } from './host-routes';
export type { HostRoutesProps, L4MatchOptions, TlsMatchOptions, TcpRouteOptions, TlsRouteOptions } from './host-routes';
export { RedirectScheme, StringMatch } from './http-route';
export type {
  HttpRouteOptions, RouteDestination, UriRegexRewrite, HttpRewrite, HttpRedirect, HttpDirectResponse, HeaderOperations, HeaderManipulation,
  CorsPolicy, RouteMirror,
} from './http-route';
export {
  EnvoyFilter, EnvoyFilterTarget, EnvoyFilterTargetKind, EnvoyObjectMatch, EnvoyApplyTo, EnvoyPatchContext, EnvoyPatchOperation, EnvoyRouteAction, EnvoyTransportProtocol,
} from './envoy-filter';
export type {
  EnvoyFilterProps, EnvoyConfigPatch, EnvoyFilterTargetRef, EnvoyListenerMatchOptions, EnvoyFilterChainMatch, EnvoyRouteConfigurationMatchOptions,
  EnvoyVirtualHostMatch, EnvoyClusterMatchOptions, EnvoyWaypointMatchOptions,
} from './envoy-filter';
