/**
 * The Gateway API CRDs the constructs that write Gateway API objects (`Waypoint`) depend on, stated in
 * this one place: the code docs and the README point here, so the choice of installing the CRDs or
 * declaring them a prerequisite is changed once.
 *
 * Istio 1.30.3 is built against Gateway API v1.5.1 and reads the standard channel's `Gateway`
 * (gateway.networking.k8s.io/v1); a cluster without the CRDs rejects the objects at apply time
 * (`no matches for kind "Gateway"`), before istiod sees them.
 */

/** The Gateway API release whose standard-channel CRDs a cluster needs before it receives a waypoint. */
export const GATEWAY_API_CRD_VERSION = 'v1.5.1';

/**
 * What the cluster must have before `dist/<env>/gitops` is applied, as error messages and docs say it.
 * @internal
 */
export const GATEWAY_API_PREREQUISITE = `the Gateway API ${GATEWAY_API_CRD_VERSION} standard-channel CRDs, installed before the manifests are applied `
  + `(kubectl apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/${GATEWAY_API_CRD_VERSION}/standard-install.yaml)`;
