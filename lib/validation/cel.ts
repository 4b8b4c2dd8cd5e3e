/**
 * Evaluation of Kubernetes `x-kubernetes-validations` CEL rules with @bufbuild/cel.
 *
 * Differences from the apiserver's CEL environment, and how they are bridged:
 *
 * - Types come from the schema: a JSON number reaches CEL as `int` (bigint) where the schema
 *   says `integer` (or int-or-string, or says nothing), and as `double` only for `number`.
 *   Objects become CEL maps; declared property names are escaped the Kubernetes way
 *   (`namespace` -> `__namespace__`, `a-b` -> `a__dash__b`, ...).
 * - Kubernetes library functions used by the Istio CRDs are provided as shims:
 *   `isURL(string) -> bool`, `url(string) -> string` and `<string>.getScheme() -> string`.
 *   `url()` validates its argument like the apiserver (Go's ParseRequestURI) and then returns
 *   the string itself instead of a URL object; `getScheme()` is therefore a method on strings.
 *   Rules only ever call `url(x).getScheme()`, for which this is exact.
 * - Transition rules (those mentioning `oldSelf`) need the previous object and are skipped.
 * - The per-rule cost budget of the apiserver is not enforced.
 *
 * A rule that cannot be parsed or that errors while evaluating counts as failed, never as
 * passed; the apiserver rejects the object in both cases too.
 */
import type { CelEnv, CelInput, CelResult } from '@bufbuild/cel';
import { parseRequestUri } from './request-uri';
import { isRecord } from './path';
import type { JsonSchema } from './types';

interface CelRuntime {
  readonly cel: typeof import('@bufbuild/cel');
  readonly env: CelEnv;
}

let runtime: CelRuntime | undefined;

/**
 * @bufbuild/cel and the environment rules run in, loaded on the first rule: a synthesis without
 * output validation never loads the CEL interpreter (a tenth of a second of start-up).
 */
function celRuntime(): CelRuntime {
  if (!runtime) {
    const cel = require('@bufbuild/cel') as typeof import('@bufbuild/cel');
    const { strings } = require('@bufbuild/cel/ext') as typeof import('@bufbuild/cel/ext');
    const { celFunc, celMethod, CelScalar } = cel;
    /** Kubernetes' URL library, reduced to what the vendored CRDs use. */
    const kubernetesUrlLibrary = [
      celFunc('isURL', [CelScalar.STRING], CelScalar.BOOL, (s: string) => parseRequestUri(s) !== undefined),
      celFunc('url', [CelScalar.STRING], CelScalar.STRING, (s: string) => {
        if (parseRequestUri(s) === undefined) throw new Error(`URL parse error during conversion from string: ${JSON.stringify(s)}`);
        return s;
      }),
      celMethod('getScheme', CelScalar.STRING, [], CelScalar.STRING, function (this: string) {
        const parsed = parseRequestUri(this);
        if (parsed === undefined) throw new Error(`not a URL: ${JSON.stringify(this)}`);
        return parsed.scheme;
      }),
    ];
    runtime = { cel, env: cel.celEnv({ funcs: [...strings, ...kubernetesUrlLibrary] }) };
  }
  return runtime;
}

type Program = (bindings: Record<string, CelInput>) => CelResult;
/** Planned programs by rule text; a string entry is the reason the rule could not be compiled. */
const programs = new Map<string, Program | string>();

/** Outcome of one rule: passed, failed (returned false), or could not be evaluated. */
type RuleOutcome = { readonly status: 'pass' } | { readonly status: 'fail' } | { readonly status: 'error'; readonly error: string };

/** True for transition rules, which compare against the previous version of the object. */
export function isTransitionRule(rule: string): boolean {
  return /\boldSelf\b/.test(rule);
}

function program(rule: string): Program | string {
  let compiled = programs.get(rule);
  if (compiled === undefined) {
    try {
      const { cel, env } = celRuntime();
      compiled = cel.plan(env, cel.parse(rule)) as Program;
    } catch (err) {
      compiled = `rule could not be compiled: ${err instanceof Error ? err.message : String(err)}`;
    }
    programs.set(rule, compiled);
  }
  return compiled;
}

/** Evaluates `rule` with `self` bound to `value`, converted according to `schema`. */
export function evaluateRule(rule: string, value: unknown, schema: JsonSchema): RuleOutcome {
  return evaluateRules([rule], value, schema)[0];
}

/**
 * Evaluates rules that apply to one value (those a schema declares at one place), converting the value
 * to CEL once for all of them.
 */
export function evaluateRules(rules: readonly string[], value: unknown, schema: JsonSchema): RuleOutcome[] {
  // A string or a boolean reaches CEL as it is, whatever the schema: its outcome depends on the rule and
  // the value only, and manifests repeat such values (timeouts, hosts) across thousands of objects.
  if (typeof value === 'string' || typeof value === 'boolean') return rules.map((rule) => scalarOutcome(rule, value, schema));
  let converted: { readonly self: CelInput } | { readonly error: string } | undefined;
  return rules.map((rule) => {
    const run = program(rule);
    if (typeof run === 'string') return { status: 'error', error: run };
    if (converted === undefined) {
      try {
        converted = { self: toCel(value, schema) };
      } catch (err) {
        converted = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    return 'error' in converted ? { status: 'error', error: converted.error } : outcomeOf(run, converted.self);
  });
}

/** Outcomes of rules on strings and booleans, by rule and value; at most SCALAR_OUTCOMES_MAX values are kept. */
const scalarOutcomes = new Map<string, Map<string | boolean, RuleOutcome>>();
const SCALAR_OUTCOMES_MAX = 100_000;
let scalarOutcomeCount = 0;

function scalarOutcome(rule: string, value: string | boolean, schema: JsonSchema): RuleOutcome {
  let byValue = scalarOutcomes.get(rule);
  const known = byValue?.get(value);
  if (known !== undefined) return known;
  const run = program(rule);
  const outcome: RuleOutcome = typeof run === 'string' ? { status: 'error', error: run } : outcomeOf(run, toCel(value, schema));
  if (scalarOutcomeCount < SCALAR_OUTCOMES_MAX) {
    if (!byValue) scalarOutcomes.set(rule, (byValue = new Map()));
    byValue.set(value, outcome);
    scalarOutcomeCount++;
  }
  return outcome;
}

function outcomeOf(run: Program, self: CelInput): RuleOutcome {
  let result: CelResult;
  try {
    result = run({ self });
  } catch (err) {
    return { status: 'error', error: err instanceof Error ? err.message : String(err) };
  }
  if (celRuntime().cel.isCelError(result)) return { status: 'error', error: result.message };
  if (result === true) return { status: 'pass' };
  if (result === false) return { status: 'fail' };
  return { status: 'error', error: `rule evaluated to a non-bool value` };
}

const CEL_RESERVED = new Set([
  'true', 'false', 'null', 'in', 'as', 'break', 'const', 'continue', 'else', 'for', 'function', 'if',
  'import', 'let', 'loop', 'package', 'namespace', 'return', 'var', 'void', 'while',
]);

/** Kubernetes' escaping of declared property names for CEL field access. */
export function escapePropertyName(name: string): string {
  if (CEL_RESERVED.has(name)) return `__${name}__`;
  return name.replace(/__/g, '__underscores__').replace(/\./g, '__dot__').replace(/-/g, '__dash__').replace(/\//g, '__slash__');
}

function schemaTypes(schema: JsonSchema | undefined): readonly string[] {
  if (schema?.type === undefined) return [];
  return typeof schema.type === 'string' ? [schema.type] : schema.type;
}

/** Converts a JSON value to the CEL value Kubernetes would bind for a field with `schema`. */
function toCel(value: unknown, schema: JsonSchema | undefined): CelInput {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') return toCelNumber(value, schema);
  if (Array.isArray(value)) return value.map((item) => toCel(item, schema?.items));
  if (isRecord(value)) return toCelMap(value, schema);
  throw new Error(`cannot convert ${typeof value} to CEL`);
}

function toCelNumber(value: number, schema: JsonSchema | undefined): CelInput {
  const types = schemaTypes(schema);
  const wantsDouble = types.includes('number') && !types.includes('integer');
  return Number.isInteger(value) && !wantsDouble ? BigInt(value) : value;
}

function toCelMap(value: Record<string, unknown>, schema: JsonSchema | undefined): CelInput {
  const map = new Map<string, CelInput>();
  const extra = typeof schema?.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  for (const [key, item] of Object.entries(value)) {
    if (item === undefined) continue;
    const declared = schema?.properties?.[key];
    if (declared) map.set(escapePropertyName(key), toCel(item, declared));
    else map.set(key, toCel(item, extra));
  }
  return map;
}
