/**
 * Loading of the committed, generated schema files in `schemas/` (see scripts/gen-schemas.js).
 *
 * The files are read lazily with `fs` rather than `import`ed, so the type checker never has
 * to digest a megabyte of JSON and the same code works from `lib/` (ts-jest) and from
 * `build/lib/` (compiled package).
 */
import * as fs from 'fs';
import * as path from 'path';
import type { IstioSchemaFile, SailValuesFile } from './types';

/** Istio release whose CRDs the validator checks against. */
export const ISTIO_SCHEMA_VERSION = '1.30.3';

const ISTIO_FILE = `istio-${ISTIO_SCHEMA_VERSION}.json`;
const SAIL_FILE = 'sail-istio-values.json';

let schemasDir: string | undefined;
let istioFile: IstioSchemaFile | undefined;
let sailFile: SailValuesFile | undefined;

/** Finds the package's `schemas/` directory by walking up from this file. */
function findSchemasDir(): string {
  if (schemasDir !== undefined) return schemasDir;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const candidate = path.join(dir, 'schemas');
    if (fs.existsSync(path.join(candidate, ISTIO_FILE))) return (schemasDir = candidate);
    if (path.dirname(dir) === dir) throw new Error(`cdk8s-istio: cannot find schemas/${ISTIO_FILE} above ${__dirname}`);
  }
}

function readJson<T>(file: string): T {
  return JSON.parse(fs.readFileSync(path.join(findSchemasDir(), file), 'utf8')) as T;
}

/** The Istio CRD schemas, keyed by `<group>/<version>/<Kind>`. */
export function istioSchemas(): IstioSchemaFile {
  return (istioFile ??= readJson<IstioSchemaFile>(ISTIO_FILE));
}

/** The Sail Operator's schema of Istio's Helm values (used for IstioOperator). */
export function sailValues(): SailValuesFile {
  return (sailFile ??= readJson<SailValuesFile>(SAIL_FILE));
}
