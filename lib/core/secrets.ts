import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

/** A DNS subdomain: lowercase labels of letters, digits and "-", joined by ".". */
const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/**
 * True for a Kubernetes Secret (or ConfigMap) name: a DNS subdomain of at most 253 characters, e.g.
 * `bookinfo-tls` or `api.example.com-cacert`.
 */
export function isSecretName(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 253 && SUBDOMAIN.test(value);
}

/**
 * Checks the name of a Kubernetes Secret a proxy reads certificates from (`credentialName`) and returns
 * it, or throws an error naming the construct path, the field and the value.
 */
export function checkSecretName(scope: IConstruct, field: string, value: unknown, fix = 'use lowercase letters, digits, "-" and ".", e.g. "bookinfo-tls"'): string {
  if (!isSecretName(value)) {
    throw invalidInput(scope, field, value, 'is not a Kubernetes Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".", at most 253 characters)', fix);
  }
  return value;
}
