import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

/** One DNS label (letters, digits, "-"; Istio accepts either case). */
const LABEL = /^[A-Za-z0-9]([-A-Za-z0-9]{0,61}[A-Za-z0-9])?$/;
/** A namespace name. */
const NAMESPACE = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;

/** What a host field accepts. */
export interface HostnameRules {
  /**
   * Accept `*` and a leading `*.` label (`*.example.com`).
   * @default true
   */
  readonly wildcard?: boolean;
  /**
   * Accept the bare `*` (every host).
   * @default the value of `wildcard`
   */
  readonly fullWildcard?: boolean;
}

/**
 * Checks a DNS name as Istio's webhook does (`ValidateWildcardDomain`): at most 255 characters, labels of
 * letters, digits and "-" of at most 63 characters, a wildcard only as the whole first label.
 */
export function checkHostname(scope: IConstruct, field: string, value: unknown, rules: HostnameRules = {}): string {
  const wildcard = rules.wildcard ?? true;
  const fullWildcard = rules.fullWildcard ?? wildcard;
  if (typeof value !== 'string' || value === '') {
    throw invalidInput(scope, field, value, 'is not a host name', 'write a DNS name such as "bookinfo.example.com"');
  }
  if (value === '*') {
    if (!fullWildcard) {
      throw invalidInput(scope, field, value, 'matches every host, which is not allowed here', 'name the host, e.g. "api.example.com" (or "*.example.com" where wildcards are allowed)');
    }
    return value;
  }
  if (value.length > 255) {
    throw invalidInput(scope, field, value, 'is longer than 255 characters', 'shorten the host name');
  }
  const labels = value.split('.');
  labels.forEach((label, i) => {
    if (label === '*' && i === 0 && labels.length > 1) {
      if (!wildcard) {
        throw invalidInput(scope, field, value, 'is a wildcard host, which is not allowed here', 'name the host exactly');
      }
      return;
    }
    if (!LABEL.test(label)) {
      throw invalidInput(scope, field, value, `has an invalid DNS label ${JSON.stringify(label)} (a wildcard may only be the whole first label)`,
        'use letters, digits and "-" in each label, e.g. "*.example.com" or "api.example.com"');
    }
  });
  return value;
}

/** A host in `namespace/dnsName` form, split. */
export interface NamespacedHost {
  /** `*`, `.`, `~` or a namespace name; undefined when the host had no namespace part. */
  readonly namespace?: string;
  /** The DNS part (`*`, `*.example.com`, `api.example.com`). */
  readonly dnsName: string;
}

/**
 * Checks a `[namespace/]dnsName` host (Gateway servers, Sidecar egress listeners): the namespace is `*`,
 * `.`, `~` or a namespace name, the DNS part a (wildcard) host name.
 *
 * @param requireNamespace the namespace part is mandatory (Sidecar egress hosts)
 */
export function checkNamespacedHost(scope: IConstruct, field: string, value: unknown, requireNamespace: boolean): NamespacedHost {
  if (typeof value !== 'string' || value === '') {
    throw invalidInput(scope, field, value, 'is not a host', requireNamespace ? 'write "namespace/dnsName", e.g. "./*" or "istio-system/*"' : 'write a DNS name such as "bookinfo.example.com"');
  }
  const slash = value.indexOf('/');
  if (slash < 0) {
    if (requireNamespace) {
      throw invalidInput(scope, field, value, 'has no namespace part (Sidecar hosts are "namespace/dnsName")',
        `write "*/${value}" for any namespace, "./${value}" for the Sidecar's own namespace, or "<namespace>/${value}"`);
    }
    return { dnsName: checkHostname(scope, field, value) };
  }
  const namespace = value.slice(0, slash);
  const dnsName = value.slice(slash + 1);
  if (!['*', '.', '~'].includes(namespace) && (namespace.length > 63 || !NAMESPACE.test(namespace))) {
    throw invalidInput(scope, field, value, `has an invalid namespace part ${JSON.stringify(namespace)}`,
      'use "*" (any namespace), "." (this namespace), "~" (none) or a namespace name');
  }
  if (dnsName.includes('/')) {
    throw invalidInput(scope, field, value, 'has more than one "/"', 'write "namespace/dnsName"');
  }
  return { namespace, dnsName: checkHostname(scope, field, dnsName) };
}

/**
 * Whether the DNS name `host` is covered by the (possibly wildcard) DNS name `pattern`: `*` covers every
 * host, `*.example.com` covers `a.example.com` and `*.a.example.com`, otherwise the names are equal.
 * Comparison ignores case, as Istio's does.
 */
export function hostCoveredBy(host: string, pattern: string): boolean {
  const h = host.toLowerCase();
  const p = pattern.toLowerCase();
  if (p === '*' || h === p) {
    return true;
  }
  if (p.startsWith('*.')) {
    return h.endsWith(p.slice(1)) && h.length > p.length - 1;
  }
  return false;
}

/** Whether two (possibly wildcard) DNS names can match a common host. */
export function hostsOverlap(a: string, b: string): boolean {
  return hostCoveredBy(a, b) || hostCoveredBy(b, a);
}

/** A Kubernetes service host, split: `reviews.bookinfo.svc.cluster.local` is service `reviews` in `bookinfo`. */
export interface ServiceHost {
  /** The Service name, or `*` for every service of the namespace. */
  readonly service: string;
  /** The namespace, or `*` for every namespace. */
  readonly namespace: string;
  /** The fully qualified name, `<service>.<namespace>.svc.cluster.local` (`*.` forms for wildcards). */
  readonly fqdn: string;
}

/**
 * Reads `host` as a Kubernetes service host seen from `namespace`: a short name (`reviews`),
 * `name.ns.svc` or the full `name.ns.svc.cluster.local`, and the wildcards `*.ns.svc.cluster.local` and
 * `*` / `*.svc.cluster.local` / `*.cluster.local`. Returns undefined for a host outside the cluster
 * (`api.example.com`). Assumes the cluster domain `cluster.local`.
 */
export function parseServiceHost(host: string, namespace: string): ServiceHost | undefined {
  const all = { service: '*', namespace: '*', fqdn: '*.svc.cluster.local' };
  if (host === '*' || host === '*.svc.cluster.local' || host === '*.cluster.local' || host === '*.local') {
    return all;
  }
  const labels = host.split('.');
  if (labels.length === 1) {
    return { service: host, namespace, fqdn: `${host}.${namespace}.svc.cluster.local` };
  }
  const svcAt = labels.indexOf('svc');
  const suffix = svcAt >= 0 ? labels.slice(svcAt).join('.') : '';
  if (svcAt === 2 && (suffix === 'svc' || suffix === 'svc.cluster.local')) {
    const [service, ns] = labels;
    return service === '*' ? { service, namespace: ns, fqdn: `*.${ns}.svc.cluster.local` } : { service, namespace: ns, fqdn: `${service}.${ns}.svc.cluster.local` };
  }
  return undefined;
}
