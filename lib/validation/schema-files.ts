/**
 * Loading of the committed, generated schema files in `schemas/` (see scripts/gen-schemas.js).
 *
 * The files are read lazily with `fs` rather than `import`ed, so the type checker never has
 * to digest megabytes of JSON, a file is only parsed once an object of one of its API groups
 * is checked, and the same code works from `lib/` (ts-jest) and from `build/lib/` (compiled package).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IstioSchemaFile, SailValuesFile, SchemaFile, SchemaIndex } from './types';

/** Istio release whose CRDs the validator checks against. */
export const ISTIO_SCHEMA_VERSION = '1.30.3';

/** The schema file of the Istio CRDs. */
export const ISTIO_FILE = `istio-${ISTIO_SCHEMA_VERSION}.json`;
const SAIL_FILE = 'sail-istio-values.json';
const INDEX_FILE = 'index.json';

let schemasDir: string | undefined;
let index: SchemaIndex | undefined;
let sailFile: SailValuesFile | undefined;
const files = new Map<string, SchemaFile>();

/** Finds the package's `schemas/` directory by walking up from this file. */
function findSchemasDir(): string {
  if (schemasDir !== undefined) return schemasDir;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'schemas');
    if (fs.existsSync(path.join(candidate, ISTIO_FILE))) return (schemasDir = candidate);
    if (path.dirname(dir) === dir) throw new Error(`cdk8s-istio: cannot find schemas/${ISTIO_FILE} above ${__dirname}`);
  }
}

/** The directory of the package (the one holding `schemas/`). */
export function packageRoot(): string {
  return path.dirname(findSchemasDir());
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(findSchemasDir(), file), 'utf8')) as T;
}

/** Name of the schema file for an API group (`core` for apiVersion `v1`), if there is one. */
export function schemaFileNameFor(group: string): string | undefined {
  index ??= readJson<SchemaIndex>(INDEX_FILE);
  return Object.prototype.hasOwnProperty.call(index.groups, group) ? index.groups[group] : undefined;
}

/** A schema file by name, read on first use. */
export function schemaFile(name: string): SchemaFile {
  let file = files.get(name);
  if (!file) {
    file = readJson<SchemaFile>(name);
    files.set(name, file);
  }
  return file;
}

/** The Istio CRD schemas, keyed by `<group>/<version>/<Kind>`. */
export function istioSchemas(): IstioSchemaFile {
  return schemaFile(ISTIO_FILE) as IstioSchemaFile;
}

/** The Sail Operator's schema of Istio's Helm values (used for IstioOperator). */
export function sailValues(): SailValuesFile {
  return (sailFile ??= readJson<SailValuesFile>(SAIL_FILE));
}
