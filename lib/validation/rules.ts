/**
 * Checks that JSON Schema cannot express, at every place the schema declares them:
 * `x-kubernetes-validations` (CEL rules) and the uniqueness implied by
 * `x-kubernetes-list-type: set | map`.
 *
 * The schema and the value are walked together through `properties`, `additionalProperties`
 * and `items`, as the apiserver does, after filling in the schema's `default`s. Subtrees whose
 * JSON type does not match the schema are skipped: the structural validator already reports
 * them, and a rule would only fail with a confusing type error. Null values are skipped too (only `nullable` fields may hold null).
 *
 * A failed rule is reported with its `message` (or `failed rule: <rule>`, as the apiserver
 * does). `messageExpression`, `reason` and `fieldPath` are not used by the vendored CRDs and
 * are ignored.
 */
import { evaluateRules, isTransitionRule } from './cel';
import { formatPath, isRecord, type PathSegment } from './path';
import type { CelRule, JsonSchema, Problem } from './types';

/** Evaluates every rule declared in `schema` (and below) against `value`, defaulted as the apiserver would. */
export function ruleProblems(schema: JsonSchema, value: unknown, path: readonly PathSegment[] = []): Problem[] {
  const problems: Problem[] = [];
  visit(schema, withDefaults(schema, value), [...path], problems);
  return problems;
}

/**
 * `value` with the `default` of every absent declared property filled in, at every level. The
 * apiserver defaults an object before it evaluates CEL rules, and rules rely on it (a Gateway API
 * backendRef's `self.group` has no value unless defaulted). The input is not modified.
 */
function withDefaults(schema: JsonSchema, value: unknown): unknown {
  // Most of a manifest's schema declares no default: those parts are read as they are, not copied.
  if (!subtreeHas(schema, DEFAULTS, (s) => Object.values(s.properties ?? {}).some((p) => p.default !== undefined))) return value;
  if (Array.isArray(value)) return schema.items ? value.map((item) => withDefaults(schema.items as JsonSchema, item)) : value;
  if (!isRecord(value)) return value;
  const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    const child = schema.properties?.[key] ?? extra;
    out[key] = child ? withDefaults(child, item) : item;
  }
  for (const [key, child] of Object.entries(schema.properties ?? {})) {
    if (out[key] === undefined && child.default !== undefined) out[key] = withDefaults(child, structuredClone(child.default));
  }
  return out;
}

function visit(schema: JsonSchema, value: unknown, path: PathSegment[], out: Problem[]): void {
  // Parts of the schema without a rule or a list type below them have nothing to check.
  if (!subtreeHas(schema, CHECKS, (s) => (s['x-kubernetes-validations'] ?? []).length > 0 || s['x-kubernetes-list-type'] === 'set' || s['x-kubernetes-list-type'] === 'map')) return;
  if (value === undefined || value === null || !matchesType(schema, value)) return;
  checkRules(schema, value, path, out);
  if (Array.isArray(value)) {
    checkListType(schema, value, path, out);
    if (schema.items) value.forEach((item, i) => visit(schema.items as JsonSchema, item, [...path, i], out));
  } else if (isRecord(value)) {
    const extra = typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined;
    for (const [key, item] of Object.entries(value)) {
      const child = schema.properties?.[key] ?? extra;
      if (child) visit(child, item, [...path, key], out);
    }
  }
}

/** The rules declared at one place of the schema, for one value (converted to CEL once for all of them). */
function checkRules(schema: JsonSchema, value: unknown, path: PathSegment[], out: Problem[]): void {
  const rules: CelRule[] = (schema['x-kubernetes-validations'] ?? []).filter((rule) => !isTransitionRule(rule.rule));
  if (rules.length === 0) return;
  evaluateRules(rules.map((r) => r.rule), value, schema).forEach((outcome, i) => {
    if (outcome.status === 'pass') return;
    const rule = rules[i];
    const message = rule.message ?? `failed rule: ${rule.rule}`;
    out.push({
      path: formatPath(path),
      message: outcome.status === 'error' ? `${message} (rule could not be evaluated: ${outcome.error})` : message,
      rule: rule.rule,
    });
  });
}

/** Per schema node: whether it or a schema below it declares a default (DEFAULTS) or a check (CHECKS). */
const DEFAULTS = new WeakMap<JsonSchema, boolean>();
const CHECKS = new WeakMap<JsonSchema, boolean>();

/**
 * Whether `test` holds for `schema` or any schema below it (`properties`, `additionalProperties`,
 * `items`), computed once per schema node and kept in `memo`.
 */
function subtreeHas(schema: JsonSchema, memo: WeakMap<JsonSchema, boolean>, test: (s: JsonSchema) => boolean): boolean {
  let result = memo.get(schema);
  if (result === undefined) {
    memo.set(schema, false); // a schema that contains itself adds nothing to its own answer
    const below = [
      ...Object.values(schema.properties ?? {}),
      ...(typeof schema.additionalProperties === 'object' ? [schema.additionalProperties] : []),
      ...(schema.items ? [schema.items as JsonSchema] : []),
    ];
    result = test(schema) || below.some((child) => subtreeHas(child, memo, test));
    memo.set(schema, result);
  }
  return result;
}

/** `set` lists must not repeat an item; `map` lists must not repeat a key tuple. */
function checkListType(schema: JsonSchema, list: readonly unknown[], path: PathSegment[], out: Problem[]): void {
  const listType = schema['x-kubernetes-list-type'];
  if (listType !== 'set' && listType !== 'map') return;
  const keys = schema['x-kubernetes-list-map-keys'] ?? [];
  const seen = new Map<string, number>();
  list.forEach((item, i) => {
    const identity = listType === 'set' ? JSON.stringify(item) : JSON.stringify(keys.map((k) => (isRecord(item) ? item[k] : undefined)));
    const first = seen.get(identity);
    if (first === undefined) seen.set(identity, i);
    else out.push({ path: formatPath([...path, i]), message: `duplicate entry: same ${listType === 'set' ? 'value' : keys.join(', ')} as item ${first}` });
  });
}

/** Whether the JSON type of `value` is one the schema allows (no `type` allows anything). */
function matchesType(schema: JsonSchema, value: unknown): boolean {
  if (schema['x-kubernetes-int-or-string']) return typeof value === 'string' || Number.isInteger(value);
  const types = schema.type === undefined ? [] : typeof schema.type === 'string' ? [schema.type] : schema.type;
  if (types.length === 0) return true;
  return types.some((type) => {
    switch (type) {
      case 'object':
        return isRecord(value);
      case 'array':
        return Array.isArray(value);
      case 'string':
        return typeof value === 'string';
      case 'integer':
        return Number.isInteger(value);
      case 'number':
        return typeof value === 'number';
      case 'boolean':
        return typeof value === 'boolean';
      default:
        return false;
    }
  });
}
