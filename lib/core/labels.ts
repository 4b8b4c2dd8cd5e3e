/**
 * Kubernetes labels: the syntax of keys and values, label maps, and the selectors Istio matches on.
 *
 * ```ts
 * checkLabels(this, 'labels', props.labels);                 // metadata.labels: any valid labels
 * checkSelectorLabels(this, 'selector', { app: 'reviews' }); // a workload selector: also no wildcard, not empty
 * ```
 */
import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { checkStringMap, describeType, entryField, isObject } from './input';
import { sortedRecord } from './records';

const KEY_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const KEY_PREFIX = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** True for a Kubernetes label key: an optional DNS-subdomain prefix and `/`, then a name of at most 63 characters. */
export function isLabelKey(key: unknown): key is string {
  if (typeof key !== 'string') return false;
  const slash = key.lastIndexOf('/');
  const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
  const name = slash >= 0 ? key.slice(slash + 1) : key;
  return KEY_NAME.test(name) && (prefix === undefined || (prefix.length <= 253 && KEY_PREFIX.test(prefix)));
}

/** True for a Kubernetes label value: empty, or at most 63 letters, digits, "-", "_", "." starting and ending alphanumeric. */
export function isLabelValue(value: unknown): value is string {
  return typeof value === 'string' && value.length <= 63 && VALUE.test(value);
}

/** Options of {@link checkLabels}. */
export interface LabelRules {
  /**
   * Accept `{}`.
   * @default true
   */
  readonly allowEmpty?: boolean;
  /** Most labels (e.g. the CRD's `maxProperties`). */
  readonly maxProperties?: number;
}

/**
 * Checks a map of Kubernetes labels (`metadata.labels`, node selectors): an object of string values,
 * every key a valid label key (`app`, `app.kubernetes.io/name`; not `''` or `'bad key!'`) and every
 * value a valid label value. Returns a copy with its keys sorted, for stable output.
 */
export function checkLabels(scope: IConstruct, field: string, labels: unknown, rules: LabelRules = {}): { [key: string]: string } {
  return checkStringMap(scope, field, labels, {
    allowEmpty: rules.allowEmpty ?? true,
    maxProperties: rules.maxProperties,
    fix: 'give labels such as { app: "reviews" }',
    key: (key) => {
      if (!isLabelKey(key)) {
        throw invalidInput(scope, field, key, key === '' ? 'is an empty label key' : 'is not a valid label key',
          'use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
      }
    },
    value: (value, f) => {
      if (!isLabelValue(value)) {
        throw invalidInput(scope, f, value, 'is not a valid label value (at most 63 characters of letters, digits, "-", "_", ".", starting and ending with a letter or digit)',
          'shorten or fix the value');
      }
    },
  });
}

/**
 * Checks labels used to select workloads (ISTIO-RULES A4: no wildcard, no empty key, values of at most
 * 63 characters; plus the Kubernetes label syntax) and returns them with keys sorted, for stable output.
 *
 * @param allowEmpty accept `{}` (a selector that matches everything) — almost always a mistake, so off
 * @param maxProperties most labels (the CRD's `maxProperties`, from `crdLimits`)
 */
export function checkSelectorLabels(scope: IConstruct, field: string, labels: { readonly [key: string]: string } | undefined,
  allowEmpty = false, maxProperties?: number): { [key: string]: string } {
  if (!isObject(labels)) {
    throw invalidInput(scope, field, labels, 'is not a label map', 'give labels such as { app: "reviews" }');
  }
  const keys = Object.keys(labels).sort();
  if (keys.length === 0 && !allowEmpty) {
    throw invalidInput(scope, field, labels, 'selects every workload', 'name at least one label, e.g. { app: "reviews" }');
  }
  if (maxProperties !== undefined && keys.length > maxProperties) {
    throw invalidInput(scope, field, labels, `has ${keys.length} labels, more than the ${maxProperties} allowed`, `select with at most ${maxProperties} labels`);
  }
  for (const key of keys) {
    const value: unknown = labels[key];
    if (typeof value !== 'string') {
      throw invalidInput(scope, entryField(field, key), value, `is ${describeType(value)}, not a string`, 'give label values as strings, e.g. "v1"');
    }
    if (key === '' || key.includes('*') || value.includes('*')) {
      throw invalidInput(scope, field, { [key]: value }, 'has an empty key or a wildcard (Istio selectors match exact labels)', 'use exact label keys and values');
    }
    if (!isLabelKey(key)) {
      throw invalidInput(scope, field, key, 'is not a valid label key', 'use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    }
    if (!isLabelValue(value)) {
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
