import * as kplus from 'cdk8s-plus-27';
import * as istio from '../lib';
import { BOOKINFO_NAMESPACE, BOOKINFO_PORT, BookinfoService, BookinfoServiceName } from './bookinfo';

/** The application namespace the security baseline protects. */
export const APP_NAMESPACE = BOOKINFO_NAMESPACE;

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
  ingress: istio.IngressGateway, bookinfo: Readonly<Record<BookinfoServiceName, BookinfoService>>): void {
  const relaxedMtls = env.name === istio.Environment.DEV.name;
  new istio.StrictMtls(chart, 'mesh-mtls', {
    scope: istio.MtlsScope.mesh({ controlPlane }),
    // Explicit, documented DEV relaxation (see above); every other environment is STRICT.
    mode: relaxedMtls ? istio.MtlsMode.PERMISSIVE : istio.MtlsMode.STRICT,
  });

  // Identities: each Bookinfo service's pods run as its own service account; the ingress gateway's
  // account is the one the IngressGateway construct created, so its SPIFFE principal follows any rename.
  const ingressSa = ingress.serviceAccount;
  const productpageSa = bookinfo.productpage.serviceAccount;
  const reviewsSa = bookinfo.reviews.serviceAccount;
  const productpage = istio.WorkloadSelector.labels({ app: 'productpage' });
  const reviews = istio.WorkloadSelector.labels({ app: 'reviews' });
  const details = istio.WorkloadSelector.labels({ app: 'details' });
  const ratings = istio.WorkloadSelector.labels({ app: 'ratings' });

  istio.AuthorizationPolicy.denyAll(chart, 'bookinfo-deny-all', { namespace: APP_NAMESPACE });
  // Exactly the calls Bookinfo makes, each from its caller's identity, on the app port 9080.
  const { GET, POST } = istio.HttpMethod;
  const allows: Array<[string, kplus.IServiceAccount, istio.WorkloadSelector, istio.HttpMethod, string[] | undefined]> = [
    ['productpage-from-ingress', ingressSa, productpage, GET, undefined],
    ['productpage-login-from-ingress', ingressSa, productpage, POST, ['/login']], // the sign-in form
    ['details-from-productpage', productpageSa, details, GET, ['/details/*']],
    ['ratings-from-reviews', reviewsSa, ratings, GET, ['/ratings/*']],
    ['reviews-from-productpage', productpageSa, reviews, GET, ['/reviews/*']],
  ];
  for (const [id, from, to, method, paths] of allows) {
    istio.AuthorizationPolicy.allowFrom(chart, id, { namespace: APP_NAMESPACE, from: [from], to, methods: [method], paths, ports: [BOOKINFO_PORT] });
  }

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
