import * as kplus from 'cdk8s-plus-27';
import * as istio from '../lib';

/** The application namespace the security baseline protects. */
export const APP_NAMESPACE = 'bookinfo';

/**
 * The secure-by-default layer of one environment:
 *
 * 1. mesh-wide mutual TLS from the root namespace: STRICT in STAGING and PROD;
 * 2. a deny-all baseline in `bookinfo` (an explicit allow-nothing policy) with explicit allows, by
 *    SPIFFE identity, for exactly the calls Bookinfo makes: ingress gateway → productpage `GET` and
 *    `POST /login`, productpage → details `GET /details/*` and reviews `GET /reviews/*`, reviews →
 *    ratings `GET /ratings/*`;
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
  ingress: istio.IngressGateway, reviewsSa: kplus.IServiceAccount): void {
  const relaxedMtls = env.name === istio.Environment.DEV.name;
  new istio.StrictMtls(chart, 'mesh-mtls', {
    scope: istio.MtlsScope.mesh({ controlPlane }),
    // Explicit, documented DEV relaxation (see above); every other environment is STRICT.
    mode: relaxedMtls ? istio.MtlsMode.PERMISSIVE : istio.MtlsMode.STRICT,
  });

  // Identities. The productpage pods run as this service account; the ingress gateway's account is
  // the one the IngressGateway construct created, so its SPIFFE principal follows any rename.
  const productpageSa = new kplus.ServiceAccount(chart, 'productpage-sa', {
    metadata: { name: 'bookinfo-productpage', namespace: APP_NAMESPACE },
  });
  const ingressSa = ingress.serviceAccount;
  const productpage = istio.WorkloadSelector.labels({ app: 'productpage' });
  const reviews = istio.WorkloadSelector.labels({ app: 'reviews' });
  const details = istio.WorkloadSelector.labels({ app: 'details' });
  const ratings = istio.WorkloadSelector.labels({ app: 'ratings' });

  istio.AuthorizationPolicy.denyAll(chart, 'bookinfo-deny-all', { namespace: APP_NAMESPACE });
  istio.AuthorizationPolicy.allowFrom(chart, 'productpage-from-ingress', {
    namespace: APP_NAMESPACE,
    from: [ingressSa],
    to: productpage,
    methods: [istio.HttpMethod.GET],
    ports: [9080],
  });
  // The sign-in form posts to /login.
  istio.AuthorizationPolicy.allowFrom(chart, 'productpage-login-from-ingress', {
    namespace: APP_NAMESPACE,
    from: [ingressSa],
    to: productpage,
    methods: [istio.HttpMethod.POST],
    paths: ['/login'],
    ports: [9080],
  });
  istio.AuthorizationPolicy.allowFrom(chart, 'details-from-productpage', {
    namespace: APP_NAMESPACE,
    from: [productpageSa],
    to: details,
    methods: [istio.HttpMethod.GET],
    paths: ['/details/*'],
    ports: [9080],
  });
  istio.AuthorizationPolicy.allowFrom(chart, 'ratings-from-reviews', {
    namespace: APP_NAMESPACE,
    from: [reviewsSa],
    to: ratings,
    methods: [istio.HttpMethod.GET],
    paths: ['/ratings/*'],
    ports: [9080],
  });
  istio.AuthorizationPolicy.allowFrom(chart, 'reviews-from-productpage', {
    namespace: APP_NAMESPACE,
    from: [productpageSa],
    to: reviews,
    methods: [istio.HttpMethod.GET],
    paths: ['/reviews/*'],
    ports: [9080],
  });

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
  });

  new istio.IstiodNetworkPolicy(chart, 'istiod-network-policy', {
    controlPlane,
    gatewayNamespaces: [ingress.namespace],
    monitoringNamespaces: ['monitoring'],
  });
}
