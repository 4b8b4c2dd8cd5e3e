import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { sortedRecord } from './records';

const KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/**
 * Checks labels used to select workloads (ISTIO-RULES A4: no wildcard, no empty key, values of at most
 * 63 characters; plus the Kubernetes label syntax) and returns them with keys sorted, for stable output.
 *
 * @param allowEmpty accept `{}` (a selector that matches everything) — almost always a mistake, so off
 */
export function checkSelectorLabels(scope: IConstruct, field: string, labels: { readonly [key: string]: string } | undefined,
  allowEmpty = false): { [key: string]: string } {
  if (labels === undefined || labels === null || typeof labels !== 'object') {
    throw invalidInput(scope, field, labels, 'is not a label map', 'give labels such as { app: "reviews" }');
  }
  const keys = Object.keys(labels).sort();
  if (keys.length === 0 && !allowEmpty) {
    throw invalidInput(scope, field, labels, 'selects every workload', 'name at least one label, e.g. { app: "reviews" }');
  }
  for (const key of keys) {
    const value = labels[key];
    if (key === '' || key.includes('*') || typeof value !== 'string' || value.includes('*')) {
      throw invalidInput(scope, field, { [key]: value }, 'has an empty key or a wildcard (Istio selectors match exact labels)', 'use exact label keys and values');
    }
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if (!KEY_NAME.test(name) || (prefix !== undefined && (prefix.length > 253 || !KEY_PREFIX.test(prefix)))) {
      throw invalidInput(scope, field, key, 'is not a valid label key', 'use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    }
    if (value.length > 63 || !VALUE.test(value)) {
      throw invalidInput(scope, field, { [key]: value }, 'has a value that is not a valid label value (at most 63 characters of letters, digits, "-", "_", ".")', 'shorten or fix the value');
    }
  }
  return sortedRecord(labels);
}

/**
 * True when some pod could carry both label sets, i.e. the two selectors may select the same pod:
 * they agree on every key they share.
 */
export function selectorsOverlap(a: { readonly [key: string]: string }, b: { readonly [key: string]: string }): boolean {
  return Object.keys(a).every((k) => !(k in b) || b[k] === a[k]);
}

/** True when every pod that carries the labels `outer` also carries those of `inner` (inner's labels ⊆ outer's). */
export function labelsCover(inner: { readonly [key: string]: string }, outer: { readonly [key: string]: string }): boolean {
  return Object.keys(inner).every((k) => outer[k] === inner[k]);
}
