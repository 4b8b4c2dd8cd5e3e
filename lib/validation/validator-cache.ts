/**
 * Compiled schema validators kept on disk between runs.
 *
 * Compiling a kind's schema with ajv is most of what validating a chart costs: about a second per
 * process for the kinds a mesh uses, the IstioOperator (Istio's mesh config and Helm values) alone half
 * of it, against a few milliseconds to run the compiled code on thousands of objects. So the code ajv
 * generates is written once, as standalone JavaScript, to `node_modules/.cache/cdk8s-istio/` (beside the
 * package, or in this repository's own node_modules), and later runs load it instead of compiling.
 *
 * A file is named by a hash of everything its code depends on (this cache's format, the ajv version, the
 * validator's key and the schema itself), so a changed schema or ajv is a new file, never a stale one.
 * Beside each, a `.v8` file keeps V8's code cache of it (see `saveCodeCacheAtExit`). Files are written
 * whole under a temporary name and renamed, so concurrent runs never read half a file.
 * Whatever goes wrong with the cache (no node_modules, a read-only disk, a damaged file) only means
 * compiling as without it. `CDK8S_ISTIO_CACHE=off` turns it off; any other value is the directory to use.
 */
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import * as vm from 'vm';

/** Bump when the generated code changes for the same ajv version and schema (ajv options, the runtime below). */
const FORMAT = 1;

/**
 * The module name the generated code requires the library's own format and regular-expression functions
 * from (they cannot be serialized); `load` hands it `runtime` under this name.
 */
export const VALIDATOR_RUNTIME = 'cdk8s-istio:validator-runtime';

let directory: string | undefined | null = null;

/** The cache directory, or undefined when there is none. */
function cacheDirectory(packageRoot: string): string | undefined {
  if (directory !== null) return directory;
  const setting = process.env.CDK8S_ISTIO_CACHE;
  if (setting === 'off') return (directory = undefined);
  if (setting !== undefined && setting !== '') return (directory = path.resolve(setting));
  // Installed: <app>/node_modules/cdk8s-istio (or @scope/name) → <app>/node_modules/.cache/cdk8s-istio.
  for (let dir = packageRoot; path.dirname(dir) !== dir; dir = path.dirname(dir)) {
    if (path.basename(path.dirname(dir)) === 'node_modules') return (directory = path.join(path.dirname(dir), '.cache', 'cdk8s-istio'));
  }
  // This repository (or a checkout of it): its own node_modules.
  const own = path.join(packageRoot, 'node_modules');
  return (directory = fs.existsSync(own) ? path.join(own, '.cache', 'cdk8s-istio') : undefined);
}

/** The file a validator is cached in. */
function cacheFile(packageRoot: string, ajvVersion: string, key: string, schema: unknown): string | undefined {
  const dir = cacheDirectory(packageRoot);
  if (dir === undefined) return undefined;
  const hash = crypto.createHash('sha256').update(JSON.stringify([FORMAT, ajvVersion, key, schema])).digest('hex');
  return path.join(dir, `${hash.slice(0, 40)}.js`);
}

/**
 * The cached validator of `key` for `schema`, or undefined when there is none (or it cannot be loaded).
 * `runtime` is what the generated code gets for {@link VALIDATOR_RUNTIME}.
 */
export function loadValidator<T>(packageRoot: string, ajvVersion: string, key: string, schema: unknown, runtime: unknown): T | undefined {
  const file = cacheFile(packageRoot, ajvVersion, key, schema);
  if (file === undefined) return undefined;
  let code: string;
  try {
    code = fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const module = { exports: {} as Record<string, unknown> };
    const load = (id: string): unknown => (id === VALIDATOR_RUNTIME ? runtime : require(id));
    const codeCacheFile = file.replace(/\.js$/, '.v8');
    let cachedData: Buffer | undefined;
    try {
      cachedData = fs.readFileSync(codeCacheFile);
    } catch {
      cachedData = undefined;
    }
    const wrapper = new vm.Script(`(function (require, module, exports) {${code}\n})`, { filename: file, cachedData });
    (wrapper.runInThisContext() as (r: typeof load, m: typeof module, e: unknown) => void)(load, module, module.exports);
    if (cachedData === undefined || wrapper.cachedDataRejected === true) saveCodeCacheAtExit(wrapper, codeCacheFile);
    const validate = module.exports.default ?? module.exports;
    return typeof validate === 'function' ? (validate as T) : undefined;
  } catch {
    return undefined;
  }
}

/** Scripts whose V8 code cache is written when the process exits. */
const pendingCodeCaches = new Map<string, vm.Script>();

/**
 * V8 compiles most of a validator only when it first runs; its code cache (the `.v8` file beside the
 * code, which V8 checks against its own version and the source, and ignores when they differ) lets later
 * runs skip that too. It is taken when the process exits, so that it holds the code compiled while
 * validating.
 */
function saveCodeCacheAtExit(script: vm.Script, file: string): void {
  if (pendingCodeCaches.size === 0) {
    process.once('exit', () => {
      for (const [target, pending] of pendingCodeCaches) writeAtomically(target, () => pending.createCachedData());
      pendingCodeCaches.clear();
    });
  }
  pendingCodeCaches.set(file, script);
}

function writeAtomically(file: string, content: () => string | Buffer): void {
  try {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const tmp = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}`;
    fs.writeFileSync(tmp, content());
    fs.renameSync(tmp, file);
  } catch {
    // The cache is an optimization: a run that cannot write it is as correct, only not faster next time.
  }
}

/** Writes a validator's standalone code for later runs; any failure is ignored (the next run compiles again). */
export function storeValidator(packageRoot: string, ajvVersion: string, key: string, schema: unknown, code: () => string): void {
  const file = cacheFile(packageRoot, ajvVersion, key, schema);
  if (file !== undefined) writeAtomically(file, code);
}
