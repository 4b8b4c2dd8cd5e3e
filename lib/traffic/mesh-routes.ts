import { parseServiceHost } from '../core/hostnames';

/**
 * The canonical name of `host` seen from `namespace`: a cluster service host in any spelling (`reviews`,
 * `reviews.bookinfo.svc`, `reviews.bookinfo.svc.cluster.local`) becomes its fully qualified name; any
 * other host is compared case-insensitively, as Istio does, so it is lowercased.
 * @internal
 */
export function canonicalHost(host: string, namespace: string | undefined): string {
  const lower = host.toLowerCase();
  if (namespace === undefined && !lower.includes('.')) {
    return lower;
  }
  const service = parseServiceHost(lower, namespace ?? '');
  return service && service.namespace !== '*' ? service.fqdn : lower;
}
