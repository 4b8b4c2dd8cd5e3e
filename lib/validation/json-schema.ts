/**
 * Structural validation (types, enums, required and unknown fields, formats, ranges) with ajv.
 */
import { isIPv4, isIPv6 } from 'net';
import type Ajv from 'ajv';
import type { ErrorObject, Format, ValidateFunction } from 'ajv';
import { formatPath, isRecord, pointerToSegments } from './path';
import { packageRoot } from './schema-files';
import { loadValidator, storeValidator, VALIDATOR_RUNTIME } from './validator-cache';
import { show } from '../core/errors';
import { closest } from '../core/suggest';
import type { JsonSchema, Problem, SchemaFile } from './types';

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };
const RFC3339 = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;
/** A Kubernetes resource quantity: a signed decimal number and a binary (Ki…Ei), decimal (n…E) or exponent suffix. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?(\d+(\.\d*)?|\.\d+))?$/;
const ANY: Format = { validate: () => true };

/**
 * The OpenAPI formats used by the vendored schemas. `int32` is range-checked (istiod could not
 * load an out-of-range value even if the apiserver stored it). Formats the apiserver does not
 * check (`string`, `url`) are accepted as they are.
 */
const FORMATS: Record<string, Format> = {
  int32: { type: 'number', validate: (n: number) => Number.isInteger(n) && n >= INT32.min && n <= INT32.max },
  int64: { type: 'number', validate: (n: number) => Number.isInteger(n) },
  double: { type: 'number', validate: () => true },
  float: { type: 'number', validate: () => true },
  byte: { type: 'string', validate: (s: string) => BASE64.test(s) },
  'date-time': { type: 'string', validate: (s: string) => RFC3339.test(s) && !Number.isNaN(Date.parse(s)) },
  ipv4: { type: 'string', validate: (s: string) => isIPv4(s) },
  ipv6: { type: 'string', validate: (s: string) => isIPv6(s) },
  quantity: { type: 'string', validate: (s: string) => QUANTITY.test(s) },
  string: ANY,
  url: ANY,
};

/**
 * OpenAPI `pattern`s are Go (RE2) regular expressions. The one RE2 feature the vendored schemas use
 * that JavaScript lacks is a case-insensitive flag group at the start (`^(?i)(abort|warn)?$`).
 */
const goRegExp = Object.assign(
  (pattern: string, flags: string): RegExp => {
    const caseless = /^(\^?)\(\?i\)/.exec(pattern);
    return caseless ? new RegExp(caseless[1] + pattern.slice(caseless[0].length), `${flags}i`) : new RegExp(pattern, flags);
  },
  // How the standalone code of a cached validator (validator-cache.ts) reaches this function.
  { code: `require(${JSON.stringify(VALIDATOR_RUNTIME)}).goRegExp` },
);

/** What cached validators get for `VALIDATOR_RUNTIME`: the functions their code cannot carry. */
const RUNTIME = { formats: FORMATS, goRegExp };

/**
 * One ajv instance for everything. `strict: false` lets the Kubernetes `x-kubernetes-*`
 * keywords through (they are handled elsewhere); `verbose` keeps the failing sub-schema on
 * each error so messages can name the mutually exclusive fields of a `oneOf`. Compiling is
 * what costs time here (each schema is compiled once, then run on a few objects), so ajv
 * neither inlines `$ref`s nor optimizes the generated code: that halves compile times.
 */
let ajvInstance: Ajv | undefined;

/**
 * The ajv instance, created (and ajv loaded) on first use: a run that only loads cached validators,
 * or validates nothing, never loads the compiler.
 */
function ajv(): Ajv {
  if (!ajvInstance) {
    const { default: AjvClass, _ } = require('ajv') as typeof import('ajv');
    ajvInstance = new AjvClass({
      strict: false, allErrors: true, verbose: true, formats: FORMATS, inlineRefs: false,
      // `source` keeps the generated code, which validator-cache.ts writes to disk for later runs.
      code: { optimize: false, regExp: goRegExp, source: true, formats: _`require(${VALIDATOR_RUNTIME}).formats` },
    });
  }
  return ajvInstance;
}

const AJV_VERSION: string = require('ajv/package.json').version;
const validators = new Map<string, ValidateFunction>();

/**
 * The validator of `key`, from this process's validators, else from the disk cache of earlier runs,
 * else compiled by `compile` (and cached). `schema` is what the code depends on (hashed for the cache).
 */
function validatorFor(key: string, schema: unknown, compile: () => ValidateFunction): ValidateFunction {
  let validate = validators.get(key);
  if (!validate) {
    const root = packageRoot();
    validate = loadValidator<ValidateFunction>(root, AJV_VERSION, key, schema, RUNTIME);
    if (!validate) {
      const compiled = compile();
      storeValidator(root, AJV_VERSION, key, schema, () => (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default(ajv(), compiled));
      validate = compiled;
    }
    validators.set(key, validate);
  }
  return validate;
}

/** Returns the compiled validator for `schema`, compiling it on first use only (across runs: see validator-cache.ts). */
export function compiledValidator(cacheKey: string, schema: JsonSchema): ValidateFunction {
  return validatorFor(cacheKey, schema, () => ajv().compile(schema as object));
}

/** Files whose `definitions` ajv knows (under the file's name). */
const registeredFiles = new Set<string>();

/**
 * Returns the compiled validator of `schemas[key]` of a schema file, compiling it on first use only.
 * A file with `definitions` is handed to ajv once, so the definitions its kinds share (pod specs,
 * object metadata, ...) are compiled once too.
 */
export function fileValidator(fileName: string, file: SchemaFile, key: string): ValidateFunction {
  if (!file.definitions) return compiledValidator(key, file.schemas[key]);
  // The kind's schema refers to the file's definitions, so the code depends on all of them.
  return validatorFor(`${fileName}#${key}`, [file.version, file.schemas[key], file.definitions], () => {
    if (!registeredFiles.has(fileName)) {
      ajv().addSchema({ definitions: file.definitions, schemas: file.schemas }, fileName);
      registeredFiles.add(fileName);
    }
    return ajv().compile({ $ref: `${fileName}#/schemas/${key.replace(/~/g, '~0').replace(/\//g, '~1')}` });
  });
}

/** Runs a compiled validator and turns its errors into readable problems. */
export function schemaProblems(validate: ValidateFunction, value: unknown): Problem[] {
  if (validate(value)) return [];
  const errors = withoutBranchNoise(validate.errors ?? []);
  const problems = errors.map((error) => toProblem(error, value));
  return dedupe(problems);
}

/**
 * With `allErrors`, ajv also reports why every branch of a failed `oneOf`/`anyOf` failed.
 * Those inner errors are noise next to the combinator's own error, so they are dropped. A failed
 * `if`/`then`/`else` is the other way round: the errors of the branch say what is wrong.
 */
function withoutBranchNoise(errors: readonly ErrorObject[]): ErrorObject[] {
  const combinators = errors.filter((e) => e.keyword === 'oneOf' || e.keyword === 'anyOf').map((e) => `${e.schemaPath}/`);
  return errors.filter((e) => e.keyword !== 'if' && !combinators.some((prefix) => e.schemaPath.startsWith(prefix)));
}

function toProblem(error: ErrorObject, root: unknown): Problem {
  const segments = pointerToSegments(root, error.instancePath);
  const params = error.params as Record<string, unknown>;
  switch (error.keyword) {
    case 'additionalProperties': {
      const field = String(params.additionalProperty);
      const known = isRecord(error.parentSchema) && isRecord(error.parentSchema.properties) ? Object.keys(error.parentSchema.properties) : [];
      const guess = closest(field, known);
      return { path: formatPath([...segments, field]), message: `unknown field${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}` };
    }
    case 'required':
      return { path: formatPath([...segments, String(params.missingProperty)]), message: 'required field is missing' };
    case 'enum':
      return { path: formatPath(segments), message: `${describe(error.data)} is not one of ${listValues(params.allowedValues)}` };
    case 'type':
      return { path: formatPath(segments), message: `must be ${String(params.type).replace(/,/g, ' or ')}, got ${describe(error.data)}` };
    case 'format':
      return { path: formatPath(segments), message: `${describe(error.data)} is not a valid ${String(params.format)}` };
    case 'oneOf':
      return { path: formatPath(segments), message: oneOfMessage(error) };
    case 'anyOf':
      return { path: formatPath(segments), message: anyOfMessage(error) };
    default:
      return { path: formatPath(segments), message: error.message ?? `failed ${error.keyword}` };
  }
}

/** Names the fields of Istio's "at most one of" pattern: `oneOf: [not anyOf required…, required a, required b…]`. */
function oneOfMessage(error: ErrorObject): string {
  const branches = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
  const fields = branches.flatMap((branch) =>
    isRecord(branch) && Array.isArray(branch.required) && Object.keys(branch).length === 1 ? branch.required.map(String) : [],
  );
  if (fields.length > 1) {
    const present = isRecord(error.data) ? fields.filter((f) => (error.data as Record<string, unknown>)[f] !== undefined) : [];
    return `at most one of ${fields.join(', ')} may be set${present.length > 1 ? ` (found ${present.join(', ')})` : ''}`;
  }
  return error.message ?? 'must match exactly one schema in oneOf';
}

/** `anyOf: [{type: integer}, {type: string}]` (int-or-string) reads better as "must be integer or string". */
function anyOfMessage(error: ErrorObject): string {
  const branches = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
  const types = branches.map((b) => (isRecord(b) && typeof b.type === 'string' ? b.type : undefined));
  if (types.length > 0 && types.every((t) => t !== undefined)) return `must be ${types.join(' or ')}, got ${describe(error.data)}`;
  return error.message ?? 'must match a schema in anyOf';
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  // show() also renders bigints, which JSON.stringify cannot.
  return show(value);
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? values.map((v) => JSON.stringify(v)).join(', ') : String(values);
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    const key = `${p.path}\u0000${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
