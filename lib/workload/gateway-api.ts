/**
 * The Gateway API CRDs the waypoint depends on, as `GatewayApiCrds` (lib/gateway/gateway-api.ts)
 * states them for every construct that writes Gateway API objects: one place decides whether the CRDs
 * are installed or a declared prerequisite (they are a prerequisite, shared by every Gateway API
 * implementation of the cluster).
 *
 * Istio 1.30.3 is built against Gateway API v1.5.1 and reads the standard channel's `Gateway`
 * (gateway.networking.k8s.io/v1); a cluster without the CRDs rejects the objects at apply time
 * (`no matches for kind "Gateway"`), before istiod sees them.
 */
import { GatewayApiCrds } from '../gateway/gateway-api';

/** The Gateway API release whose standard-channel CRDs a cluster needs before it receives a waypoint. */
export const GATEWAY_API_CRD_VERSION = GatewayApiCrds.BUNDLE_VERSION;

/**
 * What the cluster must have before `dist/<env>/gitops` is applied, as error messages and docs say it.
 * @internal
 */
export const GATEWAY_API_PREREQUISITE = `the Gateway API ${GatewayApiCrds.BUNDLE_VERSION} ${GatewayApiCrds.CHANNEL}-channel CRDs, installed before the manifests are applied `
  + `(${GatewayApiCrds.INSTALL_COMMAND})`;
