import * as istio from '../lib';
import { BOOKINFO_NAMESPACE, BOOKINFO_PORT, BookinfoService, BookinfoServiceName } from './bookinfo';

/**
 * Bookinfo's service graph: each service once (its `http` port 9080, its pods by `app`, its service
 * account), the calls it makes and who calls it from outside. The graph derives, in every environment:
 *
 * - a Sidecar per service whose egress hosts are exactly its callees (productpage: details and reviews,
 *   and the payment API; reviews: ratings; details and ratings: none), the control plane and the tracing
 *   collector the proxies report to;
 * - the deny-all baseline of `bookinfo` and an ALLOW policy per called service, by the caller's SPIFFE
 *   identity, on port 9080, with the methods and paths each call uses: ingress gateway → productpage
 *   `GET` and `POST /login` (the sign-in form), productpage → details `GET /details/*` and reviews
 *   `GET /reviews/*`, reviews → ratings `GET /ratings/*` (v2 and v3 call ratings; v1 does not);
 * - the ServiceEntry of api.stripe.com (TLS 443), which productpage reaches;
 * - in PROD (the environment's default), a NetworkPolicy per service admitting exactly its callers' pods.
 *
 * @param collectorHost the tracing collector every proxy sends spans to (`namespace/host`)
 */
export function bookinfoGraph(chart: istio.MeshChart, controlPlane: istio.MeshControlPlane, ingress: istio.IngressGateway,
  bookinfo: Readonly<Record<BookinfoServiceName, BookinfoService>>, collectorHost: string): istio.ServiceGraph {
  const graph = new istio.ServiceGraph(chart, 'service-graph', { controlPlane, platformHosts: [collectorHost] });
  const service = (name: BookinfoServiceName) => graph.addService(name, {
    namespace: BOOKINFO_NAMESPACE,
    ports: [{ number: BOOKINFO_PORT, protocol: istio.ServiceProtocol.HTTP }],
    labels: { app: name },                              // every version's pods
    serviceAccount: bookinfo[name].serviceAccount,      // cluster.local/ns/bookinfo/sa/bookinfo-<name>
  });
  const productpage = service('productpage');
  const details = service('details');
  const reviews = service('reviews');
  const ratings = service('ratings');
  const stripe = graph.addExternalHost('stripe-api', {
    host: 'api.stripe.com',
    ports: [{ number: 443, protocol: istio.ServiceProtocol.TLS }],
  });

  const { GET, POST } = istio.HttpMethod;
  const fromIngress = istio.GraphCaller.ingress(ingress);
  productpage
    .allowFrom(fromIngress, { port: BOOKINFO_PORT, methods: [GET] })
    .allowFrom(fromIngress, { port: BOOKINFO_PORT, methods: [POST], paths: ['/login'] })
    .calls(details, { port: BOOKINFO_PORT, methods: [GET], paths: ['/details/*'] })
    .calls(reviews, { port: BOOKINFO_PORT, methods: [GET], paths: ['/reviews/*'] })
    .reaches(stripe, { port: 443 });
  reviews.calls(ratings, { port: BOOKINFO_PORT, methods: [GET], paths: ['/ratings/*'] });
  return graph;
}
