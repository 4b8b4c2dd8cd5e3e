/**
 * Property-based tests of the API boundary (fast-check): each construct gets plausible prop sets and
 * hostile variants of them — wrong types, null, NaN and ±Infinity, unknown keys, cycles, huge arrays,
 * plain objects where value classes belong — built the way a JavaScript, JSON/YAML or jsii caller
 * would pass them. Every case must end in one of two ways:
 *
 * - an `Error` whose message is ours: `[<construct path>] <field>: <value> <problem>. Fix: <fix>`
 *   (or cdk8s's validation list of such lines), never a TypeError, a RangeError or a stack overflow;
 * - output that passes the schema check (`validateManifestsDetailed`: every object schema-checked, no
 *   issue) and the analyzer (`MeshAnalyzer.analyzeChart`: 0 errors), and that a second synth writes
 *   byte for byte again.
 *
 * A hostile change that must be rejected (an unknown key, a wrong type, null, a non-finite number, a
 * cycle) that still yields output is a silent drop.
 *
 * `npm test` runs a few cases per construct with a fixed seed; `FUZZ_RUNS=10000 npx jest test/fuzz`
 * runs that many per construct with a random seed (or `FUZZ_SEED`) and prints per-construct figures;
 * `FUZZ_DEBUG=1` also prints why plausible (unmutated) cases were rejected, to tune the generators.
 *
 * Writing a target: the plausible arbitrary builds the props as a tree of plain data, with value
 * classes as {@link make} recipes (so their options are fuzzed too) and string maps marked with
 * {@link mapOf} (so a new key there is not an "unknown key"); {@link fuzzConstruct} does the rest.
 */
import * as os from 'os';
import * as path from 'path';
import * as fc from 'fast-check';
import { Construct } from 'constructs';
import { EnvironmentProfile, FindingLevel, MeshAnalyzer, MeshApp, MeshChart } from '../../lib';
import { show } from '../../lib/core/errors';
import { validateManifestsDetailed } from '../../lib/validation/manifest';

/** Cases per construct: `FUZZ_RUNS` when set (the long run), else the test's modest default. */
export const FUZZ_RUNS = process.env.FUZZ_RUNS ? Number(process.env.FUZZ_RUNS) : undefined;
/** True in the long run, which prints figures per construct. */
export const LONG_RUN = FUZZ_RUNS !== undefined;
/** The seed: `FUZZ_SEED`, else fixed for `npm test` and random for the long run. */
export const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : LONG_RUN ? Date.now() % 2 ** 31 : 20260101;
/** Jest timeout of one fuzz test. */
export const FUZZ_TIMEOUT = LONG_RUN ? 6 * 60 * 60 * 1000 : 120_000;

/**
 * A value class built by a static factory, as a recipe: `build(...args)` runs when the case is
 * materialized, so a mutation can reach the factory's options (`fuzzArgs`) or replace the whole
 * instance with a look-alike plain object.
 */
export class Make {
  constructor(
    /** How the instance is made, for the report, e.g. `ClientTls.simple`. */
    public readonly label: string,
    public readonly build: (...args: any[]) => unknown,
    public readonly args: unknown[],
    /** Whether mutations go into `args` (false for factories outside this boundary, e.g. cdk8s `Duration`). */
    public readonly fuzzArgs: boolean,
    /** Whether the factory is ours (a throw from it is a raw exception) or someone else's (the case is skipped). */
    public readonly ours: boolean,
    /** Whether the value is plain data (an environment profile), which a plain copy may stand for. */
    public readonly isData = false,
  ) {}
}

/** A recipe for one of our value classes whose options are fuzzed. */
export function make(label: string, build: (...args: any[]) => unknown, ...args: unknown[]): Make {
  return new Make(label, build, args, true, true);
}

/** A recipe whose arguments are left alone (a factory outside this boundary, or fixed plain data such as an environment). */
export function fixed(label: string, build: () => unknown, ours = true): Make {
  return new Make(label, build, [], false, ours);
}

/** Plain data made elsewhere (an environment profile): left alone, or replaced by something of another type. */
export function data(label: string, build: () => unknown): Make {
  return new Make(label, build, [], false, true, true);
}

const MAP = Symbol('fuzz.map');

/** Marks a plain object as a string-keyed map (labels, env), where new keys are data, not unknown fields. */
export function mapOf<T extends object>(record: T): T {
  Object.defineProperty(record, MAP, { value: true });
  return record;
}

function isMap(o: object): boolean {
  return (o as Record<symbol, unknown>)[MAP] === true;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v) || v instanceof Make) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

/** What a mutation did, and whether the construct must reject the result. */
export interface Mutation {
  readonly kind: string;
  readonly path: string;
  readonly mustFail: boolean;
}

/** One generated case: the props (source tree, with recipes) and the mutation applied, if any. */
export interface Case {
  readonly props: unknown;
  readonly mutation?: Mutation;
}

/** A node of the source tree that a mutation can replace: its parent container and key. */
interface Site {
  readonly parent: Record<string, unknown> | unknown[] | undefined;
  readonly key: string | number;
  readonly value: unknown;
  readonly path: string;
  readonly depth: number;
  readonly ancestors: readonly object[];
}

function sites(root: unknown): Site[] {
  const out: Site[] = [{ parent: undefined, key: '', value: root, path: 'props', depth: 0, ancestors: [] }];
  const walk = (v: unknown, p: string, depth: number, ancestors: object[]): void => {
    if (out.length > 400) return;
    const children: Array<[Record<string, unknown> | unknown[], string | number, unknown, string]> = [];
    if (Array.isArray(v)) v.slice(0, 20).forEach((item, i) => children.push([v, i, item, `${p}[${i}]`]));
    else if (v instanceof Make) { if (v.fuzzArgs) v.args.forEach((a, i) => children.push([v.args, i, a, `${p}<${v.label} arg ${i}>`])); }
    else if (isPlain(v)) for (const k of Object.keys(v)) children.push([v, k, v[k], `${p}.${k}`]);
    for (const [parent, key, value, cp] of children) {
      if (value === undefined) continue;
      out.push({ parent, key, value, path: cp, depth: depth + 1, ancestors: [...ancestors, v as object] });
      if (typeof value === 'object' && value !== null) walk(value, cp, depth + 1, [...ancestors, v as object]);
    }
  };
  walk(root, 'props', 0, []);
  return out;
}

/** A deep copy of the source tree (plain data, arrays and recipes), so mutations never touch what fast-check keeps for shrinking. */
function cloneTree(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(cloneTree);
  if (v instanceof Make) return new Make(v.label, v.build, v.args.map(cloneTree), v.fuzzArgs, v.ours, v.isData);
  if (isPlain(v)) {
    const copy: Record<string, unknown> = {};
    for (const k of Object.keys(v)) copy[k] = cloneTree(v[k]);
    return isMap(v) ? mapOf(copy) : copy;
  }
  return v;
}

/** Misspellings of a key, the way people type them. */
function nearMiss(key: string, variant: number): string {
  const options = [
    key.slice(0, -1), `${key}s`, key.toLowerCase() === key ? `${key}_` : key.toLowerCase(),
    key.length > 2 ? key[1] + key[0] + key.slice(2) : `${key}x`, 'colour', 'enabled', 'spec',
  ];
  return options[variant % options.length];
}

const WRONG_FOR: Record<string, unknown[]> = {
  string: [42, true, { value: 'x' }, ['x'], NaN],
  number: ['5', true, { value: 1 }, [1], 5n],
  boolean: ['true', 1, { value: true }, [true]],
  bigint: ['1', 1],
  array: ['x', 7, { item: 1 }],
  object: ['x', 7, [], true],
};

const HOSTILE_STRINGS = ['', ' ', 'UPPER', 'a'.repeat(300), 'x/y/z', '*', '../..', '\n', 'naïve', '0.0', '-1'];
const HOSTILE_NUMBERS = [-1, 0, -0, 0.5, 1.5, 2 ** 31, 2 ** 32, 2 ** 53, -(2 ** 31) - 1, 1e21, 65536, 99999];

/** The mutation kinds and whether each must be rejected. */
const KINDS = ['unknown-key', 'null', 'wrong-type', 'non-finite', 'circular', 'huge-array', 'drop', 'weird-string', 'weird-number', 'plain-for-class', 'anything'] as const;

/** Any JavaScript value fast-check can make: boxed values, Maps, Sets, dates, typed and sparse arrays, null prototypes, bigints. */
const ANYTHING = fc.anything({
  maxDepth: 3, withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withSet: true, withNullPrototype: true,
  withObjectString: true, withSparseArray: true, withTypedArray: true,
});

/**
 * Applies mutation `kind` to the `pick`-th fitting site of a copy of `props`. Returns undefined when
 * nothing in the tree fits the kind (then the case stays plausible).
 */
function mutate(props: unknown, kind: typeof KINDS[number], pick: number, variant: number, anything: unknown): Case | undefined {
  const root = { props: cloneTree(props) };
  const all = sites(root.props).map((s) => (s.parent === undefined ? { ...s, parent: root as Record<string, unknown>, key: 'props' } : s));
  const set = (s: Site, value: unknown) => {
    (s.parent as Record<string | number, unknown>)[s.key] = value;
  };
  const choose = (fits: (s: Site) => boolean): Site | undefined => {
    const candidates = all.filter(fits);
    return candidates.length === 0 ? undefined : candidates[pick % candidates.length];
  };
  const typeOf = (v: unknown): string => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  let site: Site | undefined;
  let mustFail = true;
  switch (kind) {
    case 'unknown-key': {
      site = choose((s) => isPlain(s.value) && !isMap(s.value));
      if (!site) return undefined;
      const obj = site.value as Record<string, unknown>;
      const keys = Object.keys(obj);
      let key = nearMiss(keys.length > 0 ? keys[variant % keys.length] : 'value', variant);
      if (key in obj || key === '') key = `${key}Extra`;
      obj[key] = keys.length > 0 ? obj[keys[variant % keys.length]] : 1;
      return { props: root.props, mutation: { kind, path: `${site.path}.${key}`, mustFail } };
    }
    case 'null':
      site = choose(() => true);
      if (!site) return undefined;
      set(site, null);
      break;
    case 'wrong-type': {
      site = choose((s) => !(s.value instanceof Make) && WRONG_FOR[typeOf(s.value)] !== undefined);
      if (!site) return undefined;
      const options = WRONG_FOR[typeOf(site.value)];
      let wrong = options[variant % options.length];
      if (Array.isArray(site.value) && variant % 2 === 0 && site.value.length > 0 && typeOf(site.value[0]) !== 'array') wrong = cloneTree(site.value[0]);
      set(site, wrong);
      break;
    }
    case 'non-finite':
      site = choose((s) => typeof s.value === 'number');
      if (!site) return undefined;
      set(site, [NaN, Infinity, -Infinity][variant % 3]);
      break;
    case 'circular': {
      const containers = (s: Site) => s.ancestors.filter((a) => !(a instanceof Make));
      site = choose((s) => s.depth >= 2 && containers(s).length >= 1 && typeof s.value === 'object' && s.value !== null);
      if (!site) return undefined;
      const targets = containers(site);
      set(site, targets[variant % targets.length]);
      // A factory copies its options when called, before an outer object referring back to it is complete:
      // in a factory's arguments the "cycle" may legitimately reach the construct as an empty copy.
      mustFail = !site.path.includes('<');
      break;
    }
    case 'huge-array':
      mustFail = false;
      site = choose((s) => Array.isArray(s.value) && s.value.length > 0);
      if (!site) return undefined;
      set(site, new Array(variant % 2 === 0 ? 300 : 5000).fill(0).map(() => cloneTree((site!.value as unknown[])[0])));
      break;
    case 'drop':
      mustFail = false;
      site = choose((s) => s.depth >= 1);
      if (!site) return undefined;
      if (Array.isArray(site.parent)) set(site, undefined);
      else delete (site.parent as Record<string, unknown>)[site.key as string];
      break;
    case 'weird-string':
      mustFail = false;
      site = choose((s) => typeof s.value === 'string');
      if (!site) return undefined;
      set(site, HOSTILE_STRINGS[variant % HOSTILE_STRINGS.length]);
      break;
    case 'weird-number':
      mustFail = false;
      site = choose((s) => typeof s.value === 'number');
      if (!site) return undefined;
      set(site, HOSTILE_NUMBERS[variant % HOSTILE_NUMBERS.length]);
      break;
    case 'anything':
      mustFail = false;
      site = choose(() => true);
      if (!site) return undefined;
      set(site, anything);
      break;
    case 'plain-for-class':
      site = choose((s) => s.value instanceof Make);
      if (!site) return undefined;
      set(site, variant % 3 === 0 || (site.value as Make).isData ? (site.value as Make).label : { ...asPlain(materialize(site.value).value) });
      break;
    default:
      return undefined;
  }
  return { props: root.props, mutation: { kind, path: site.path, mustFail } };
}

function asPlain(v: unknown): object {
  return typeof v === 'object' && v !== null ? { ...v } : { value: v };
}

/** The source tree for a report: recipes as `<label>(args)` text, cycles kept (show() marks them). */
function forDisplay(source: unknown): unknown {
  const memo = new Map<object, unknown>();
  const go = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Make) return `<${v.label}(${v.args.map((a) => show(go(a))).join(', ')})>`;
    const out: any = Array.isArray(v) ? [] : {};
    memo.set(v, out);
    for (const k of Object.keys(v)) out[k] = go((v as Record<string, unknown>)[k]);
    return out;
  };
  return go(source);
}

/** Builds the value a caller would pass from the source tree: recipes become instances; cycles are kept. */
export function materialize(source: unknown): { value: unknown; failure?: { ours: boolean; error: unknown; label: string } } {
  const memo = new Map<object, unknown>();
  let failure: { ours: boolean; error: unknown; label: string } | undefined;
  const go = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (memo.has(v)) return memo.get(v);
    if (v instanceof Make) {
      const args = v.args.map(go);
      try {
        const built = v.build(...args);
        memo.set(v, built);
        return built;
      } catch (error) {
        failure ??= { ours: v.ours, error, label: v.label };
        return undefined;
      }
    }
    if (Array.isArray(v)) {
      const out: unknown[] = [];
      memo.set(v, out);
      v.forEach((item, i) => { out[i] = go(item); });
      out.length = v.length;
      return out;
    }
    if (isPlain(v)) {
      const out: Record<string, unknown> = {};
      memo.set(v, out);
      for (const k of Object.keys(v)) out[k] = go(v[k]);
      return out;
    }
    return v;
  };
  const value = go(source);
  return { value, failure };
}

/**
 * The cases of a target: plausible props, and about half of them with one hostile mutation. A case
 * whose tree has nothing the drawn mutation fits stays plausible.
 */
export function cases(plausible: fc.Arbitrary<unknown>): fc.Arbitrary<Case> {
  const mutation = fc.record({ kind: fc.constantFrom(...KINDS), pick: fc.nat(1000), variant: fc.nat(1000), anything: ANYTHING });
  return fc.tuple(plausible, fc.option(mutation, { freq: 2 }))
    .map(([props, m]) => (m === null ? { props } : mutate(props, m.kind, m.pick, m.variant, m.anything) ?? { props }));
}

/** What one construct's run found. */
export interface Stats {
  readonly name: string;
  runs: number;
  ourErrors: number;
  validOutputs: number;
  rawExceptions: number;
  invalidOutputs: number;
  silentDrops: number;
  skipped: number;
  ms: number;
  /** The first failures, described. */
  readonly failures: string[];
}

/** A construct under test. */
export interface Target {
  /** The construct's class name, for the figures. */
  readonly name: string;
  /** The plausible props (recipes for value classes, `mapOf` for maps). */
  readonly props: fc.Arbitrary<unknown>;
  /** The environment of the chart. */
  readonly environment: EnvironmentProfile;
  /** What the chart declares outside (ExternalResources) and other constructs the target needs. */
  readonly fixtures?: (chart: MeshChart) => void;
  /** Creates the construct `id` in `chart` with `props` as given. */
  readonly build: (chart: MeshChart, id: string, props: unknown) => Construct;
}

const OUTDIR = path.join(os.tmpdir(), 'cdk8s-istio-fuzz');
const ID = 'x';

/**
 * True for our error shape about a construct at or under one of `where`'s paths, thrown directly or
 * listed by cdk8s's validation.
 */
export function isOurError(error: unknown, where: string | readonly string[]): boolean {
  if (!(error instanceof Error) || error.constructor !== Error) return false;
  const paths = (typeof where === 'string' ? [where] : where).map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  const own = new RegExp(`^\\[(${paths.join('|')})(/[^\\]]*)?\\] \\S[\\s\\S]*\\. Fix: \\S`);
  const message = error.message;
  if (own.test(message)) return true;
  const listed = /^Validation failed with the following errors:\n {2}/.exec(message);
  if (!listed) return false;
  return message.slice(listed[0].length).split('\n  ').every((line) => own.test(line));
}

function describeError(error: unknown): string {
  if (error instanceof Error) return `${error.constructor.name}: ${error.message.split('\n').slice(0, 4).join(' | ')}`;
  return `thrown non-Error ${show(error)}`;
}

/** Records a problem of case `c` (the first eight are kept, with the case's props as `display` shows them). */
export type Note = (what: string, detail: string) => void;

/** The `Note` of one case. */
export function noteFor(stats: Stats, c: Case, display: unknown): Note {
  return (what, detail) => {
    if (stats.failures.length < 8) stats.failures.push(`${what} [${c.mutation ? `${c.mutation.kind} at ${c.mutation.path}` : 'plausible'}] props=${show(display)}: ${detail}`);
  };
}

/** Counts a case whose arguments could not be made (a value class's factory threw). */
export function countFactoryFailure(failure: { ours: boolean; error: unknown; label: string }, where: string | readonly string[], stats: Stats, note: Note): void {
  if (failure.ours && !isOurError(failure.error, where)) {
    stats.rawExceptions++;
    note('RAW EXCEPTION in factory', `${failure.label}: ${describeError(failure.error)}`);
  } else {
    stats.skipped++;
  }
}

/** Counts an exception of the code under test: our error (input refused) or a raw one (a defect). */
export function countThrown(error: unknown, where: string | readonly string[], c: Case, stats: Stats, note: Note): void {
  if (isOurError(error, where)) {
    stats.ourErrors++;
    if (process.env.FUZZ_DEBUG && !c.mutation) {
      // eslint-disable-next-line no-console
      console.log(`plausible case rejected: ${(error as Error).message.split('. Fix:')[0].slice(0, 200)}`);
    }
  } else {
    stats.rawExceptions++;
    note('RAW EXCEPTION', describeError(error));
  }
}

/** Runs one case and records its outcome. */
function runCase(target: Target, c: Case, stats: Stats): void {
  stats.runs++;
  const note = noteFor(stats, c, forDisplay(c.props));
  const app = new MeshApp({ outdir: OUTDIR, printSummary: false });
  const chart = new MeshChart(app, target.environment.name, { environment: target.environment });
  target.fixtures?.(chart);
  const constructPath = `${chart.node.path}/${ID}`;
  let objects: unknown[];
  try {
    const { value, failure } = materialize(c.props);
    if (failure) {
      countFactoryFailure(failure, constructPath, stats, note);
      return;
    }
    target.build(chart, ID, value);
    objects = chart.toJson();
  } catch (error) {
    countThrown(error, constructPath, c, stats, note);
    return;
  }
  if (c.mutation?.mustFail) {
    stats.silentDrops++;
    note('SILENT DROP', 'a change that must be rejected yielded output');
    return;
  }
  const report = validateManifestsDetailed(objects);
  const analysis = MeshAnalyzer.analyzeChart(chart);
  const errors = analysis.findings.filter((f) => f.level === FindingLevel.ERROR);
  const again = JSON.stringify(chart.toJson());
  const problems = [
    ...report.issues.map((i) => `schema: ${i.kind} ${i.name} ${i.path}: ${i.message}`),
    ...report.uncheckedKinds.map((k) => `no schema for ${k}`),
    ...errors.map((f) => `analyzer: ${MeshAnalyzer.format([f])}`),
    ...(again !== JSON.stringify(objects) ? ['a second synth wrote other bytes'] : []),
  ];
  if (problems.length > 0) {
    stats.invalidOutputs++;
    note('INVALID OUTPUT', problems.slice(0, 3).join(' | '));
    return;
  }
  stats.validOutputs++;
}

/** Prints a run's figures (and its first failures) in the long run; nothing otherwise. */
export function printFigures(stats: Stats): void {
  if (!LONG_RUN) return;
  // eslint-disable-next-line no-console
  console.log(`fuzz ${stats.name} (seed ${SEED}): ${(stats.ms / 1000).toFixed(1)}s, ${stats.runs} runs, ${stats.ourErrors} our errors, `
    + `${stats.validOutputs} valid outputs, ${stats.rawExceptions} raw exceptions, ${stats.invalidOutputs} invalid outputs, ${stats.silentDrops} silent drops, `
    + `${stats.skipped} skipped${stats.failures.length ? `\n  ${stats.failures.join('\n  ')}` : ''}`);
}

/** Fuzzes one construct with `defaultRuns` cases (or FUZZ_RUNS), returning the figures. */
export function fuzzConstruct(target: Target, defaultRuns: number): Stats {
  const stats: Stats = {
    name: target.name, runs: 0, ourErrors: 0, validOutputs: 0, rawExceptions: 0, invalidOutputs: 0, silentDrops: 0, skipped: 0, ms: 0, failures: [],
  };
  const started = Date.now();
  fc.assert(fc.property(cases(target.props), (c) => {
    runCase(target, c, stats);
    return true;
  }), { numRuns: FUZZ_RUNS ?? defaultRuns, seed: SEED });
  stats.ms = Date.now() - started;
  printFigures(stats);
  return stats;
}

/** The jest assertions of a run: no failure, and both outcomes seen (so the generators are meaningful). */
export function expectClean(stats: Stats): void {
  expect(stats.failures).toStrictEqual([]);
  expect(stats.rawExceptions + stats.invalidOutputs + stats.silentDrops).toBe(0);
  expect(stats.validOutputs).toBeGreaterThan(0);
  expect(stats.ourErrors).toBeGreaterThan(0);
}
