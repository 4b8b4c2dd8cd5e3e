import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** True for a DNS label: lowercase letters, digits and "-", at most 63 characters (namespace and Service names). */
export function isDnsLabel(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && DNS_LABEL.test(value);
}

/**
 * Checks a Kubernetes name that must be a DNS label (namespaces, Services, ports' names, subset
 * names) and returns it, or throws an error naming the construct path, the field and the value.
 */
export function checkDnsLabel(scope: IConstruct, field: string, value: unknown, fix: string): string {
  if (!isDnsLabel(value)) {
    throw invalidInput(scope, field, value, 'is not a DNS label (lowercase letters, digits and "-", at most 63 characters)', fix);
  }
  return value;
}

/** True for an environment variable name (`ISTIO_META_DNS_CAPTURE`). */
export function isEnvVarName(value: unknown): value is string {
  return typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_]*$/.test(value);
}

/** True for an HTTP header name as Envoy accepts it (an RFC 7230 token). */
export function isHeaderName(value: unknown): value is string {
  return typeof value === 'string' && /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(value);
}
