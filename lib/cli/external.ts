/**
 * `--external`: what exists in the cluster but is not in the files analyzed, given as files of
 * (partial) objects, as `Kind/namespace/name` references, or as `host:<host>`.
 */
import * as fs from 'fs';
import { EXTERNAL_HOST, groupKindOf, isNamespaced } from '../analysis/resources';
import { istioSchemas } from '../validation/schema-files';
import { readObjects } from './read';

/** The apiVersion of the analyzer's declaration of hosts outside the registry. */

/** Kinds a reference may name without an apiVersion, besides every Istio kind. */
const CORE_KINDS: Readonly<Record<string, string>> = {
  Namespace: 'v1',
  Service: 'v1',
  Secret: 'v1',
  ConfigMap: 'v1',
  ServiceAccount: 'v1',
  Pod: 'v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
};

const VERSION = /^v\d+(?:(?:alpha|beta)\d+)?$/;
const KIND = /^[A-Z][A-Za-z0-9]*$/;

/** The grammar, for error messages. */
export const EXTERNAL_FORMS = '<file|dir>, Kind/namespace/name, Kind/name, group/version/Kind/[namespace/]name or host:<host>';

/** The apiVersion of a kind named without one: the core kinds above, and Istio's kinds (v1 where served). */
export function shorthandApiVersion(kind: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(CORE_KINDS, kind)) return CORE_KINDS[kind];
  for (const [groupKind, { served, storage }] of Object.entries(istioSchemas().versions)) {
    const slash = groupKind.indexOf('/');
    if (groupKind.slice(slash + 1) !== kind) continue;
    const version = served.includes('v1') ? 'v1' : storage ?? served[0];
    return `${groupKind.slice(0, slash)}/${version}`;
  }
  return undefined;
}

/** What the `--external` values declare: objects for `AnalyzeOptions.external`, and every problem. */
export interface ExternalDeclarations {
  readonly objects: unknown[];
  readonly errors: string[];
}

/**
 * Reads `--external` values. A value that names an existing file or directory is read like the
 * inputs (an object there needs only apiVersion, kind and metadata.name); `host:<host>` declares a
 * host; anything else must be a reference.
 */
export function readExternal(values: readonly string[]): ExternalDeclarations {
  const objects: unknown[] = [];
  const errors: string[] = [];
  const hosts: string[] = [];
  for (const value of values) {
    if (value.startsWith('host:')) {
      const host = value.slice('host:'.length);
      if (host === '' || /[\s/]/.test(host)) errors.push(`--external ${value}: give a host name, e.g. host:api.example.com or host:*.example.com`);
      else hosts.push(host);
      continue;
    }
    if (value !== '-' && fs.existsSync(value)) {
      const read = readObjects([value], {
        stdin: () => '',
        nameless: (o) => o.apiVersion === EXTERNAL_HOST.apiVersion && o.kind === EXTERNAL_HOST.kind,
      });
      errors.push(...read.errors.map((e) => `--external ${e}`));
      objects.push(...read.objects.map((o) => o.object));
      continue;
    }
    const parsed = parseReference(value);
    if (typeof parsed === 'string') errors.push(`--external ${value}: ${parsed}`);
    else objects.push(parsed);
  }
  if (hosts.length > 0) objects.push({ ...EXTERNAL_HOST, hosts });
  return { objects, errors };
}

/** A reference as a partial object, or why it is not one. */
export function parseReference(value: string): Record<string, unknown> | string {
  const segments = value.split('/');
  if (segments.length < 2 || segments.some((s) => s === '')) {
    return `not an existing file or directory, nor a reference (${EXTERNAL_FORMS})`;
  }
  let apiVersion: string;
  let kind: string;
  let rest: string[];
  let explicit = true;
  if (KIND.test(segments[0])) {
    kind = segments[0];
    const known = shorthandApiVersion(kind);
    if (known === undefined) {
      return `${kind} is not a kind known without its API group: give group/version/${kind}/namespace/name (v1/${kind}/… for the core group)`;
    }
    apiVersion = known;
    rest = segments.slice(1);
    explicit = false;
  } else if (VERSION.test(segments[0])) {
    apiVersion = segments[0];
    kind = segments[1];
    rest = segments.slice(2);
  } else if (segments.length > 2 && VERSION.test(segments[1])) {
    apiVersion = `${segments[0]}/${segments[1]}`;
    kind = segments[2];
    rest = segments.slice(3);
  } else {
    return `not an existing file or directory, nor a reference (${EXTERNAL_FORMS})`;
  }
  if (kind === undefined || !KIND.test(kind)) return `"${kind ?? ''}" is not a kind (a kind starts with a capital letter, e.g. Secret)`;
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  const namespaced = isNamespaced(groupKindOf(group, kind));
  if (rest.length === 2) {
    if (!namespaced) return `${kind} has no namespace: give ${explicit ? `${apiVersion}/` : ''}${kind}/<name>`;
    return { apiVersion, kind, metadata: { namespace: rest[0], name: rest[1] } };
  }
  if (rest.length === 1) {
    if (namespaced && !explicit) return `${kind} lives in a namespace: give ${kind}/<namespace>/<name>`;
    return { apiVersion, kind, metadata: { name: rest[0] } };
  }
  return `expected ${namespaced ? `${kind}/<namespace>/<name>` : `${kind}/<name>`} after the kind, got ${rest.length} part(s)`;
}
