import * as istio from '../lib';
import { BOOKINFO_NAMESPACE, BOOKINFO_PORT, BookinfoService } from './bookinfo';

/**
 * Bookinfo's ingress, as Istio's sample writes it: one route whose five matches (the product page,
 * its static files, login and logout, the products API) go to productpage; a request no route
 * matches gets a 404 from the gateway itself, so the page's internals (`/health`, other API
 * versions) stay inside the mesh. The reviews subsets are defined once, next to the canary's, so that v3 (deployed
 * and ready for the next release) has its subset before any route names it with `Subset.named('v3')`.
 */
export function bookinfoRoutes(chart: istio.MeshChart, ingress: istio.IngressGateway, reviews: BookinfoService): void {
  ingress.addRoute('bookinfo', {
    namespace: BOOKINFO_NAMESPACE,
    hosts: ['bookinfo.example.com'],
    destination: { host: `productpage.${BOOKINFO_NAMESPACE}.svc.cluster.local`, port: BOOKINFO_PORT },
    routes: [{
      name: 'productpage',
      match: [
        istio.HttpMatch.uriExact('/productpage'),
        istio.HttpMatch.uriPrefix('/static'),
        istio.HttpMatch.uriExact('/login'),
        istio.HttpMatch.uriExact('/logout'),
        istio.HttpMatch.uriPrefix('/api/v1/products'),
      ],
    }],
  });
  new istio.DestinationPolicy(chart, 'reviews-subsets', {
    host: `reviews.${BOOKINFO_NAMESPACE}.svc.cluster.local`,
    namespace: BOOKINFO_NAMESPACE,
    subsets: ['v1', 'v2', 'v3'].map((v) => ({ subset: istio.Subset.fromWorkload(v, reviews.deployments[v]) })),
  });
}
