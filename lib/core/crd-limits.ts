/**
 * The limits a CRD (or core Kubernetes) schema sets on one field of an object we emit, read from the
 * committed schema files (`schemas/*.json`, see lib/validation/schema-files.ts), so constructs check
 * them at construction with the CRD's own numbers instead of copies that drift.
 *
 * ```ts
 * const SERVICE_ENTRY = 'networking.istio.io/v1/ServiceEntry';
 * crdLimits(SERVICE_ENTRY, 'spec.hosts');                 // { minItems: 1, maxItems: 256 }
 * crdLimits(SERVICE_ENTRY, 'spec.endpoints[].weight');    // { minimum: 0, maximum: 4294967295 }
 * crdLimits(SERVICE_ENTRY, 'spec.endpoints[].ports{}');   // a map's values: `{}`
 * // The names match the options of the checkers in ./input, so the limits can be passed straight on:
 * checkArray(this, 'hosts', props.hosts, checkHost, crdLimits(SERVICE_ENTRY, 'spec.hosts'));
 * checkInteger(this, 'endpoints[0].weight', w, { ...crdLimits(SERVICE_ENTRY, 'spec.endpoints[].weight'), minimum: 1 });
 * ```
 *
 * Paths use `.` between fields, `[]` for the items of a list and `{}` for the values of a map. A path
 * the schema does not have is a programming error (it throws), so a renamed field cannot silently
 * lose its check. Only the path asked for is walked, and each answer is cached: no per-object scans.
 */
import { schemaFile, schemaFileNameFor } from '../validation/schema-files';
import type { JsonSchema, SchemaFile } from '../validation/types';

/**
 * The largest duration a Kubernetes CEL rule can hold, in milliseconds: CEL durations are Go
 * `time.Duration`s (2^63-1 nanoseconds, about 292 years), so `duration(self)` fails on anything
 * longer and the apiserver rejects the object. Every duration we emit stays below it.
 */
export const CEL_DURATION_MAX_MS = 9223372036854;

/** Limits of one field, named as in the schema (and as the options of the checkers in `./input`). */
export interface FieldLimits {
  /** Fewest items of a list. */
  readonly minItems?: number;
  /** Most items of a list. */
  readonly maxItems?: number;
  /** Fewest characters of a string. */
  readonly minLength?: number;
  /** Most characters of a string. */
  readonly maxLength?: number;
  /** Most entries of a map. */
  readonly maxProperties?: number;
  /** Longest key of a map, from a CEL rule such as `self.all(key, size(key) < 63 && ...)`. */
  readonly maxKeyLength?: number;
  /** Smallest number (from `minimum`, or the range of `format: int32`). */
  readonly minimum?: number;
  /** Largest number (from `maximum`, or the range of `format: int32`). */
  readonly maximum?: number;
  /** The OpenAPI `format` (`int32`, `int64`, ...). */
  readonly format?: string;
  /** For a duration string a CEL rule parses (`duration(self) >= duration('1ms')`): the smallest value in ms the rule admits. */
  readonly minDurationMs?: number;
  /** For a duration string a CEL rule parses: the largest value in ms ({@link CEL_DURATION_MAX_MS}). */
  readonly maxDurationMs?: number;
}

const cache = new Map<string, FieldLimits>();

/**
 * The limits of the field at `path` of the kind `resource`, given as `<apiVersion>/<Kind>`
 * (`networking.istio.io/v1/ServiceEntry`, `v1/Namespace`). Throws when the kind or the path is unknown.
 */
export function crdLimits(resource: string, path: string): FieldLimits {
  const key = `${resource}#${path}`;
  let limits = cache.get(key);
  if (limits === undefined) {
    limits = Object.freeze(readLimits(resource, path));
    cache.set(key, limits);
  }
  return limits;
}

function readLimits(resource: string, path: string): FieldLimits {
  const kindAt = resource.lastIndexOf('/');
  const apiVersion = resource.slice(0, kindAt);
  const slash = apiVersion.indexOf('/');
  const fileName = schemaFileNameFor(slash < 0 ? 'core' : apiVersion.slice(0, slash));
  const file = fileName === undefined ? undefined : schemaFile(fileName);
  const root = file?.schemas[resource];
  if (file === undefined || root === undefined) {
    throw new Error(`crdLimits: no schema for ${resource}`);
  }
  let schema: JsonSchema = root;
  for (const segment of path.split('.')) {
    const m = /^([^[{]+)((?:\[\]|\{\})*)$/.exec(segment);
    if (!m) throw new Error(`crdLimits: cannot read path ${path}`);
    schema = step(file, schema, m[1], resource, path);
    for (const suffix of m[2].match(/\[\]|\{\}/g) ?? []) {
      const resolved = resolve(file, schema);
      const next = suffix === '[]' ? resolved.items : resolved.additionalProperties;
      if (next === undefined || typeof next === 'boolean') throw new Error(`crdLimits: ${path} of ${resource} is not a ${suffix === '[]' ? 'list' : 'map'}`);
      schema = next;
    }
  }
  return limitsOf(resolve(file, schema));
}

/** The sub-schema of property `name`, looking through `$ref` and `allOf`. */
function step(file: SchemaFile, schema: JsonSchema, name: string, resource: string, path: string): JsonSchema {
  const resolved = resolve(file, schema);
  const direct = resolved.properties?.[name];
  if (direct !== undefined) return direct;
  for (const branch of resolved.allOf ?? []) {
    const found = resolve(file, branch).properties?.[name];
    if (found !== undefined) return found;
  }
  throw new Error(`crdLimits: ${resource} has no field ${path} (no ${name})`);
}

/** Follows `$ref: #/definitions/<name>` and a single-branch `allOf` wrapper, merging the wrapper's own keywords. */
function resolve(file: SchemaFile, schema: JsonSchema): JsonSchema {
  let current = schema;
  for (let hops = 0; hops < 16; hops++) {
    const ref = current.$ref;
    if (typeof ref === 'string' && ref.startsWith('#/definitions/')) {
      const target = file.definitions?.[ref.slice('#/definitions/'.length)];
      if (target === undefined) throw new Error(`crdLimits: unresolved ${ref}`);
      const { $ref: _ignored, ...rest } = current;
      current = { ...target, ...rest };
      continue;
    }
    if (current.allOf?.length === 1 && current.properties === undefined) {
      const { allOf, ...rest } = current;
      current = { ...resolve(file, allOf[0]), ...rest };
      continue;
    }
    return current;
  }
  return current;
}

const INT32 = { minimum: -2147483648, maximum: 2147483647 };
/** `duration(self) >= duration('1ms')` and the like. */
const DURATION_MIN_RULE = /duration\(self\)\s*>(=?)\s*duration\(\s*['"]([0-9.]+)(ms|s|m|h)['"]\s*\)/;
/** `self.all(key, size(key) < 63 && ...)`. */
const KEY_LENGTH_RULE = /^self\.all\((\w+),\s*size\((\w+)\)\s*<(=?)\s*([0-9]+)/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

function limitsOf(schema: JsonSchema): FieldLimits {
  const num = (k: string): number | undefined => (typeof schema[k] === 'number' ? (schema[k] as number) : undefined);
  const format = typeof schema.format === 'string' ? schema.format : undefined;
  const int32 = format === 'int32' ? INT32 : {};
  const limits: { -readonly [K in keyof FieldLimits]: FieldLimits[K] } = {
    ...int32,
    ...(num('minimum') !== undefined ? { minimum: num('minimum') } : {}),
    ...(num('maximum') !== undefined ? { maximum: num('maximum') } : {}),
  };
  for (const k of ['minItems', 'maxItems', 'minLength', 'maxLength', 'maxProperties'] as const) {
    const v = num(k);
    if (v !== undefined) limits[k] = v;
  }
  if (format !== undefined) limits.format = format;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    const keyRule = KEY_LENGTH_RULE.exec(rule.rule);
    if (keyRule && keyRule[1] === keyRule[2]) {
      limits.maxKeyLength = Number(keyRule[4]) - (keyRule[3] === '=' ? 0 : 1);
    }
    if (!/\bduration\(self\)/.test(rule.rule)) continue;
    limits.maxDurationMs = CEL_DURATION_MAX_MS;
    const m = DURATION_MIN_RULE.exec(rule.rule);
    if (m) {
      const ms = Number(m[2]) * UNIT_MS[m[3]];
      limits.minDurationMs = m[1] === '=' ? ms : ms + 1;
    }
  }
  return limits;
}
