/**
 * Host names as Istio reads them, and the registry of services the output (or a declaration) defines:
 * Kubernetes Services as `<name>.<namespace>.svc.cluster.local`, ServiceEntry hosts as written.
 * Lookups are indexed: an exact host by hash, a wildcard host (`*.example.com`) by a binary search over
 * the hosts with their labels reversed, so no check scans every service.
 */
import { isRecord } from '../core/records';
import { push } from './pods';
import { Resource } from './resources';

/** The cluster domain Istio appends to short names. */
export const CLUSTER_DOMAIN = 'cluster.local';

/**
 * A host as Istio resolves it from an object in `namespace` (`ResolveShortnameToFQDN`): a name without
 * a dot is a Service of that namespace; anything with a dot is taken as written (so `reviews.bookinfo`
 * is not `reviews.bookinfo.svc.cluster.local`). Lowercased, as Istio compares hosts.
 */
export function resolveHost(host: string, namespace: string): string {
  const h = host.toLowerCase();
  if (h === '*' || h.includes('.') || isIp(h)) return h;
  return `${h}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

function isIp(host: string): boolean {
  return /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(':');
}

/** The `exportTo` of an object: the namespaces that see it (`*` all, `.` its own, `~` none). */
export function exportToOf(resource: Resource): string[] {
  const spec = resource.raw.spec;
  let list: unknown = isRecord(spec) ? spec.exportTo : undefined;
  if (resource.groupKind === 'Service') {
    const annotation = resource.raw.metadata?.annotations?.['networking.istio.io/exportTo'];
    list = typeof annotation === 'string' ? annotation.split(',').map((s) => s.trim()).filter((s) => s !== '') : undefined;
  }
  return Array.isArray(list) && list.length > 0 ? list.map(String) : ['*'];
}

/** Whether an object in `ownNamespace` exported to `exportTo` is visible from `fromNamespace`. */
export function visibleFrom(exportTo: readonly string[], ownNamespace: string | undefined, fromNamespace: string): boolean {
  return exportTo.some((e) => e === '*' || (e === '.' && ownNamespace === fromNamespace) || e === fromNamespace);
}

/** A port of a service. */
export interface ServicePort {
  readonly number: number;
  readonly name?: string;
  readonly protocol?: string;
  /** The Service's `targetPort` (number or container port name). */
  readonly targetPort?: number | string;
}

/** One host the registry knows. */
export interface ServiceInfo {
  /** The host, lowercase (`reviews.bookinfo.svc.cluster.local`, `api.example.com`, `*.example.com`). */
  readonly host: string;
  readonly namespace?: string;
  readonly exportTo: readonly string[];
  readonly ports: readonly ServicePort[];
  /** The Service, ServiceEntry or declared object that defines the host. */
  readonly resource: Resource;
  /** A Kubernetes Service's pod selector. */
  readonly selector?: Readonly<Record<string, string>>;
}

function reversed(host: string): string {
  return host.split('.').reverse().join('.');
}

/**
 * Values by host (concrete or wildcard), found by any host they can share: exact names by hash,
 * wildcards covering a host by its label suffixes, and for a wildcard query the hosts under it by a
 * binary search over the hosts with their labels reversed. No lookup scans the index.
 */
export class HostIndex<T> {
  private readonly exact = new Map<string, T[]>();
  private readonly wildcards = new Map<string, T[]>();
  private sortedReversed: string[] | undefined;

  /** Adds `value` under `host` (lowercase; `*`, `*.example.com` or a concrete name). */
  public add(host: string, value: T): void {
    this.sortedReversed = undefined;
    if (host === '*') push(this.wildcards, '', value);
    else if (host.startsWith('*.')) push(this.wildcards, host.slice(1), value);
    else push(this.exact, host, value);
  }

  /** The values whose host intersects `host` (either may be a wildcard), each once, in a stable order. */
  public lookup(host: string): T[] {
    const found: T[] = [...(this.exact.get(host) ?? [])];
    // Wildcard entries covering a concrete host: each label suffix ('.example.com', '.com', '').
    for (let dot = host.indexOf('.'); ; dot = host.indexOf('.', dot + 1)) {
      const suffix = dot < 0 ? '' : host.slice(dot);
      if (suffix !== host) found.push(...(this.wildcards.get(suffix) ?? []));
      if (dot < 0) break;
    }
    if (host === '*' || host.startsWith('*.')) found.push(...this.coveredBy(host));
    return [...new Set(found)];
  }

  /** Hosts (concrete, and narrower wildcards) covered by the wildcard `pattern`. */
  private coveredBy(pattern: string): T[] {
    if (this.sortedReversed === undefined) {
      this.sortedReversed = [
        ...[...this.exact.keys()].map((h) => `${reversed(h)}.`),
        ...[...this.wildcards.keys()].filter((s) => s !== '').map((s) => `${reversed(s.slice(1))}.*`),
      ].sort();
    }
    const keys = this.sortedReversed;
    const entriesOf = (key: string): T[] => (key.endsWith('.*')
      ? this.wildcards.get(`.${reversed(key.slice(0, -2))}`) ?? []
      : this.exact.get(reversed(key.slice(0, -1))) ?? []);
    if (pattern === '*') return keys.flatMap(entriesOf);
    const prefix = `${reversed(pattern.slice(2))}.`;
    let lo = 0;
    let hi = keys.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (keys[mid] < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: T[] = [];
    for (let i = lo; i < keys.length && keys[i].startsWith(prefix); i++) {
      // `prefix` itself is the pattern's own suffix as a concrete host (`example.com` is not under `*.example.com`).
      if (keys[i] !== prefix) out.push(...entriesOf(keys[i]));
    }
    return out;
  }
}

/** Services by host. */
export class ServiceRegistry {
  private readonly index = new HostIndex<ServiceInfo>();

  public add(info: ServiceInfo): void {
    this.index.add(info.host, info);
  }

  /**
   * The services that define `host` (a concrete or wildcard host, already resolved) and that an object in
   * `fromNamespace` can see: exact entries, wildcard entries covering it, and for a wildcard query the
   * concrete hosts it covers.
   */
  public lookup(host: string, fromNamespace?: string): ServiceInfo[] {
    const found = this.index.lookup(host);
    return fromNamespace === undefined ? found : found.filter((s) => visibleFrom(s.exportTo, s.namespace, fromNamespace));
  }
}
