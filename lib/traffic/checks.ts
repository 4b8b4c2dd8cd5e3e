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
 * A destination host: a short name (`reviews`), a namespaced or fully qualified service name
 * (`reviews.bookinfo.svc.cluster.local`), an external name (`api.example.com`) or, where `wildcard`
 * allows, a wildcard domain (`*.example.com`). The bare `*` is rejected: a mesh-bound VirtualService
 * may not use it (ISTIO-RULES V6) and it is no valid destination.
 *
 * The DNS syntax is {@link checkHostname}'s: Istio compares hosts case-insensitively, so
 * `API.example.com` is accepted. Only the parts that name Kubernetes objects — the Service and the
 * namespace of a cluster service host — must be lowercase DNS labels, since Kubernetes names are.
 */
export function checkServiceHost(scope: IConstruct, field: string, value: string, wildcard = true): string {
  if (value === '*') {
    throw invalidInput(scope, field, value, 'is the catch-all host, which a VirtualService bound to the mesh may not use and no route can target (V6)',
      'name the service, e.g. "reviews.bookinfo.svc.cluster.local"');
  }
  checkHostname(scope, field, value, { wildcard, fullWildcard: false });
  const service = parseServiceHost(value, 'default');
  if (service) {
    for (const [part, name] of [['Service', service.service], ['namespace', service.namespace]] as const) {
      if (name !== '*' && !isDnsLabel(name as unknown)) {
        throw invalidInput(scope, field, value, `names the Kubernetes ${part} ${JSON.stringify(name)}, which is not a DNS label (Kubernetes names are lowercase letters, digits and "-")`,
          `write the ${part} name as Kubernetes has it, e.g. "${name.toLowerCase()}"`);
      }
    }
  }
  return value;
}
