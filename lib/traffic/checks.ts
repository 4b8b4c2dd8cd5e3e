import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkHostname, parseServiceHost } from '../core/hostnames';
import { checkInteger, INT32_MAX } from '../core/input';
import { isDnsLabel } from '../core/names';

/** Largest value of a protobuf int32/uint32 counter that every Istio counter field accepts. */
export const MAX_INT32 = INT32_MAX;

/** A non-negative whole number that fits Istio's 32-bit counters (ISTIO-RULES D2). */
export function checkCounter(scope: IConstruct, field: string, value: number, min = 0): number {
  return checkInteger(scope, field, value, { minimum: min, maximum: MAX_INT32, fix: `use a whole number of at least ${min}` });
}

/** A whole percentage, 0–100 (ISTIO-RULES D3: the webhook checks it, the CRD does not). */
export function checkWholePercent(scope: IConstruct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw invalidInput(scope, field, value, 'is not a whole percentage from 0 to 100', 'use a whole number from 0 to 100');
  }
  return value;
}

/** A fractional percentage as Istio's `Percent`: 0, or 0.0001 to 100 (ISTIO-RULES V5). */
export function checkFractionPercent(scope: IConstruct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    throw invalidInput(scope, field, value, 'is neither 0 nor a percentage from 0.0001 to 100', 'use 0, or a value from 0.0001 to 100');
  }
  return value;
}

/** A subset name: non-empty DNS label (ISTIO-RULES D4). */
export function checkSubsetName(scope: IConstruct, field: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw invalidInput(scope, field, value, 'is not a subset name (a non-empty DNS label: lowercase letters, digits and "-", at most 63 characters)',
      'name the subset like "v1" or "canary"');
  }
  return value;
}

/**
 * What a host must be beyond the DNS syntax ({@link checkHostname}): no name whose last label is all
 * digits (`0.0`, `10.1`: no top-level domain is, and an IP address is no host a route, a
 * DestinationRule or a ServiceEntry can name), and for a cluster service host a Service name that
 * starts with a letter (Kubernetes Service names are DNS-1035 labels: `0.bookinfo.svc.cluster.local`
 * can exist nowhere) and, unless `kubernetesNames` is false (a gateway's public hosts, compared
 * case-insensitively), a Service and namespace that are lowercase DNS labels.
 */
export function checkHostParts(scope: IConstruct, field: string, value: string, kubernetesNames = true): string {
  const service = parseServiceHost(value, 'default');
  if (service && kubernetesNames) {
    for (const [part, name] of [['Service', service.service], ['namespace', service.namespace]] as const) {
      if (name !== '*' && !isDnsLabel(name as unknown)) {
        throw invalidInput(scope, field, value, `names the Kubernetes ${part} ${JSON.stringify(name)}, which is not a DNS label (Kubernetes names are lowercase letters, digits and "-")`,
          `write the ${part} name as Kubernetes has it, e.g. "${name.toLowerCase()}"`);
      }
    }
  }
  const labels = value.split('.');
  const last = labels[labels.length - 1];
  if (labels.length > 1 && /^[0-9]+$/.test(last)) {
    throw invalidInput(scope, field, value, `is not a host name: its last label "${last}" is all digits (no top-level domain is; an IP address is no host a route can name)`,
      'name the service, e.g. "reviews.bookinfo.svc.cluster.local" or "api.example.com"');
  }
  if (service) {
    if (service.service !== '*' && !/^[a-z]/.test(service.service)) {
      throw invalidInput(scope, field, value, `names the Kubernetes Service ${JSON.stringify(service.service)}, which does not start with a letter (Service names are DNS-1035 labels)`,
        'name the Service as Kubernetes has it, e.g. "reviews"');
    }
  }
  return value;
}

/**
 * A destination host: a short name (`reviews`), a namespaced or fully qualified service name
 * (`reviews.bookinfo.svc.cluster.local`), an external name (`api.example.com`) or, where `wildcard`
 * allows, a wildcard domain (`*.example.com`). The bare `*` is rejected: a mesh-bound VirtualService
 * may not use it (ISTIO-RULES V6) and it is no valid destination.
 *
 * The DNS syntax is {@link checkHostname}'s: Istio compares hosts case-insensitively, so
 * `API.example.com` is accepted. Only the parts that name Kubernetes objects — the Service and the
 * namespace of a cluster service host — must be lowercase DNS labels, since Kubernetes names are; the
 * rest is {@link checkHostParts}. Every traffic construct (routes, CircuitBreaker, DestinationPolicy)
 * checks its host here; ExternalService checks its hosts with {@link checkHostParts} too.
 */
export function checkServiceHost(scope: IConstruct, field: string, value: string, wildcard = true): string {
  if (value === '*') {
    throw invalidInput(scope, field, value, 'is the catch-all host, which a VirtualService bound to the mesh may not use and no route can target (V6)',
      'name the service, e.g. "reviews.bookinfo.svc.cluster.local"');
  }
  checkHostname(scope, field, value, { wildcard, fullWildcard: false });
  return checkHostParts(scope, field, value);
}
