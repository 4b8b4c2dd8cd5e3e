/**
 * What every construct that writes Gateway API objects (`gateway.networking.k8s.io`) shares: which
 * traffic API a chart or construct writes, and the Gateway API CRDs they need in the cluster.
 */
import { IConstruct } from 'constructs';
import { checkEnum } from '../core/input';

/** Which API a construct writes its routing in. */
export enum TrafficApi {
  /** Istio's networking API: Gateway, VirtualService, DestinationRule. */
  ISTIO = 'istio',
  /**
   * Kubernetes Gateway API (`gateway.networking.k8s.io/v1`): Gateway, HTTPRoute, GRPCRoute,
   * ReferenceGrant, as Istio 1.30 implements it (Gateway API v1.5, standard channel). Needs the
   * Gateway API CRDs in the cluster: see {@link GatewayApiCrds}.
   */
  GATEWAY_API = 'gateway-api',
}

/**
 * The Gateway API CRDs: a **declared prerequisite**, not something this library installs.
 *
 * Istio's base chart does not ship them, and they are cluster-wide objects that one owner should
 * manage for every Gateway API implementation in the cluster (managed Kubernetes offerings often
 * install them themselves). Writing them into each chart's GitOps output would make every chart fight
 * over them, so the constructs that write Gateway API objects (`GatewayApiIngress`, waypoints, Flagger's
 * `gatewayapi:v1` provider) assume they exist at the pinned release below, installed before the
 * GitOps manifests are applied:
 *
 * ```sh
 * kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml
 * ```
 *
 * The analyzer knows them: a Gateway API CRD in the output older than istiod needs is IST0176
 * (`k8sgateway.crdversion`). The objects are validated offline against the v1.6.1 schemas vendored in
 * `crds/` using only fields of the v1.5 standard channel.
 */
export class GatewayApiCrds {
  /** The Gateway API release Istio 1.30 is built against and supports. */
  public static readonly BUNDLE_VERSION = 'v1.5.1';
  /** The release channel: standard (the experimental channel's fields are not used). */
  public static readonly CHANNEL = 'standard';
  /** Where the pinned standard-channel CRDs are published. */
  public static readonly INSTALL_URL = 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml';
  /** The command that installs them (server-side apply: the CRDs are too large for client-side apply's annotation). */
  public static readonly INSTALL_COMMAND = `kubectl apply --server-side -f ${GatewayApiCrds.INSTALL_URL}`;
  /** The gateway class istiod serves for ingress and egress gateways it deploys. */
  public static readonly ISTIO_GATEWAY_CLASS = 'istio';
  /** The gateway class of ambient waypoints. */
  public static readonly ISTIO_WAYPOINT_CLASS = 'istio-waypoint';

  private constructor() {}
}

/** A chart or construct that says which traffic API it writes. @internal */
export interface TrafficApiHolder {
  readonly trafficApi?: TrafficApi;
}

/**
 * The traffic API for a construct: its own prop wins, then the enclosing chart's (a `MeshChart`'s
 * `trafficApi`), else Istio's API.
 * @internal
 */
export function trafficApiFor(scope: IConstruct, own: unknown): TrafficApi {
  if (own !== undefined) {
    return checkEnum(scope, 'trafficApi', own, TrafficApi, 'TrafficApi');
  }
  for (let node: IConstruct | undefined = scope; node; node = node.node.scope) {
    const api = (node as unknown as TrafficApiHolder).trafficApi;
    if (typeof api === 'string' && (Object.values(TrafficApi) as string[]).includes(api) && (node as any)[Symbol.for('cdk8s-istio.MeshChart')] === true) {
      return api;
    }
  }
  return TrafficApi.ISTIO;
}
