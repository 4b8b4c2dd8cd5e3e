import * as istio from '../lib';
import { BOOKINFO_NAMESPACE } from './bookinfo';

/** The application namespace the security baseline protects. */
export const APP_NAMESPACE = BOOKINFO_NAMESPACE;

/**
 * The secure-by-default layer of one environment:
 *
 * 1. mesh-wide mutual TLS from the root namespace: STRICT in STAGING and PROD;
 * 2. a deny-all baseline in `bookinfo` with allows, by SPIFFE identity, for exactly the calls Bookinfo
 *    makes: derived from the service graph (apps/graph.ts), not written here;
 * 3. JWT authentication on productpage: a valid token from the issuer is required on `/api/*`;
 * 4. a NetworkPolicy that closes istiod to everything but mesh namespaces (xDS), the ingress
 *    namespace, monitoring (metrics) and the API server (webhook).
 *
 * REGISTRY_ONLY outbound traffic is the MeshControlPlane default (and set explicitly in main.ts).
 *
 * The one relaxation, and the switch that makes it: DEV runs mTLS PERMISSIVE, so that debugging
 * pods without a sidecar (curl from a throwaway pod, a port-forwarded tool) can still reach services.
 * STAGING and PROD are STRICT; a DestinationRule that sends plaintext into them fails the synth.
 */
export function addSecurity(chart: istio.MeshChart, env: istio.EnvironmentProfile, controlPlane: istio.MeshControlPlane,
  ingress: istio.IngressGateway): void {
  const relaxedMtls = env.name === istio.Environment.DEV.name;
  new istio.StrictMtls(chart, 'mesh-mtls', {
    scope: istio.MtlsScope.mesh({ controlPlane }),
    // Explicit, documented DEV relaxation (see above); every other environment is STRICT.
    mode: relaxedMtls ? istio.MtlsMode.PERMISSIVE : istio.MtlsMode.STRICT,
  });

  // The deny-all baseline of bookinfo and the allows of exactly the calls Bookinfo makes are derived from
  // its service graph (apps/graph.ts).
  const productpage = istio.WorkloadSelector.labels({ app: 'productpage' });

  new istio.JwtAuthentication(chart, 'productpage-jwt', {
    namespace: APP_NAMESPACE,
    selector: productpage,
    issuers: [{
      issuer: 'https://auth.example.com',
      jwksUri: 'https://auth.example.com/.well-known/jwks.json',
      audiences: ['bookinfo'],
      fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
    }],
    requireToken: istio.TokenRequirement.onPaths(['/api/*']),
    ports: [9080], // productpage's HTTP port: the token rule applies there only
  });

  new istio.IstiodNetworkPolicy(chart, 'istiod-network-policy', {
    controlPlane,
    gatewayNamespaces: [ingress.namespace],
    monitoringNamespaces: ['monitoring'],
  });
}
