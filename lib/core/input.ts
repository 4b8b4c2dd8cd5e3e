/**
 * Runtime checks of what callers pass to a public entry point (construct props, options of static
 * factories). TypeScript's types do not reach JavaScript callers, props read from JSON or YAML, or
 * the jsii languages, so every construct checks its input with these before using it. Each check
 * throws the library's one error shape (`./errors`):
 * `[<construct path>] <field>: <value> <problem>. Fix: <fix>`, and returns the checked value.
 *
 * ```ts
 * constructor(scope: Construct, id: string, props: CircuitBreakerProps) {
 *   super(scope, id);
 *   props = checkProps(this, props, 'CircuitBreakerProps');   // an object, no unknown or null keys, required keys, no cycles
 *                                                              // (all-optional props left out come back as {})
 *   const pool = props.connectionPool === undefined ? undefined
 *     : checkOptions(this, 'connectionPool', props.connectionPool, 'ConnectionPoolOptions');
 *   const hosts = checkArray(this, 'hosts', props.hosts, (h, f) => checkString(this, f, h, { minLength: 1 }),
 *     crdLimits('networking.istio.io/v1/ServiceEntry', 'spec.hosts'));  // maxItems from the CRD
 *   const weight = checkInteger(this, 'weight', props.weight, { minimum: 1, maximum: UINT32_MAX });
 *   const mode = checkEnum(this, 'mode', props.mode, DataPlaneMode, 'DataPlaneMode');
 *   const op = checkOneOf(this, 'tolerations[0].operator', t.operator, ['Equal', 'Exists']);   // a string-literal union
 *   const lb = checkInstance(this, 'loadBalancer', props.loadBalancer, LoadBalancer, 'use LoadBalancer.roundRobin() or another LoadBalancer factory');
 * }
 * ```
 *
 * The allowed keys of `checkProps` / `checkOptions` come from the props interfaces themselves
 * (`props-keys.generated.ts`, written by scripts/gen-props-keys.js), so a new prop needs no list
 * updated by hand: regenerate the table. Value classes keep their factories' options as given
 * ({@link copyOptions}) and check them with these when a construct renders them, so errors name the
 * construct path.
 */
import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { PROPS_KEYS, PropsInterface } from './props-keys.generated';
import { closest } from './suggest';

export type { PropsInterface } from './props-keys.generated';

/** Largest protobuf int32 (`format: int32` in the CRDs). */
export const INT32_MAX = 2147483647;
/** Smallest protobuf int32. */
export const INT32_MIN = -2147483648;
/** Largest protobuf uint32 (`maximum: 4294967295` in the CRDs). */
export const UINT32_MAX = 4294967295;

/** True for an object that is not null, an array or a function: what a props or options argument must be. */
export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** "a" or "an" before a word. */
function article(word: string): string {
  return /^[AEIOUaeiou]/.test(word) ? 'an' : 'a';
}

/** What a value is, in a few words, for "is X, not Y" messages. */
export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  if (typeof value === 'object') {
    const proto = Object.getPrototypeOf(value);
    const name = proto && proto !== Object.prototype && typeof proto.constructor === 'function' ? proto.constructor.name : '';
    return name ? `${article(name)} ${name}` : 'an object';
  }
  return `${article(typeof value)} ${typeof value}`;
}

/**
 * Checks that `value` has no key the interface `iface` does not declare (the table is generated from
 * the interfaces), naming the key, where it was found and the closest known key.
 * `value` must already be an object; {@link checkOptions} checks that too and is what constructs call.
 */
export function checkKeys(scope: IConstruct, field: string, value: object, iface: PropsInterface): void {
  const known: readonly string[] = PROPS_KEYS[iface].keys;
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      const guess = closest(key, known);
      throw invalidInput(scope, field, key,
        `is not a field of ${iface}${guess !== undefined ? ` (did you mean "${guess}"?)` : ''}`,
        guess !== undefined ? `rename it to "${guess}"` : `drop it; ${iface} has ${known.join(', ')}`);
    }
  }
}

/**
 * Checks an options object of interface `iface` at `field`: an object (not null, an array or a
 * primitive), no unknown key, no key set to `null` (leave a key out, or set it to `undefined`, for
 * its default), every required key given. Returns it, typed.
 */
export function checkOptions<T>(scope: IConstruct, field: string, value: T, iface: PropsInterface): T {
  if (!isObject(value)) {
    throw invalidInput(scope, field, value, notAn(value, iface), `give an object such as ${example(iface)}`);
  }
  checkFields(scope, field, value, iface, (key) => `${field}.${key}`);
  return value;
}

/**
 * Checks the props argument of a construct like {@link checkOptions} (errors name top-level fields
 * as `host`, unknown keys as found in `props`), after making sure the plain data it holds has no
 * cycles. Props whose keys are all optional may be left out: then `{}` is returned.
 */
export function checkProps<T>(scope: IConstruct, props: T, iface: PropsInterface): T {
  if (props === undefined && PROPS_KEYS[iface].required.length === 0) {
    return {} as T;
  }
  if (!isObject(props)) {
    throw invalidInput(scope, 'props', props, props === undefined ? 'are missing' : notAn(props, iface),
      `give an object such as ${example(iface)}`);
  }
  checkAcyclic(scope, 'props', props);
  checkFields(scope, 'props', props, iface, (key) => key);
  return props;
}

function checkFields(scope: IConstruct, field: string, value: object, iface: PropsInterface, fieldOf: (key: string) => string): void {
  checkKeys(scope, field, value, iface);
  const record = value as Record<string, unknown>;
  const required: readonly string[] = PROPS_KEYS[iface].required;
  for (const key of Object.keys(record)) {
    if (record[key] === null) {
      throw invalidInput(scope, fieldOf(key), null, 'is null', `leave ${key} out${required.includes(key) ? '' : ' for its default'} or give a value`);
    }
  }
  for (const key of required) {
    if (record[key] === undefined) {
      throw invalidInput(scope, fieldOf(key), undefined, `is missing (${iface} requires it)`, `give ${key}`);
    }
  }
}

/** "is a string, not a CircuitBreakerProps object". */
function notAn(value: unknown, iface: string): string {
  return value === null || value === undefined ? `is not ${article(iface)} ${iface} object` : `is ${describeType(value)}, not ${article(iface)} ${iface} object`;
}

/** `{ host, ... }`: the required keys of an interface, as a hint. */
function example(iface: PropsInterface): string {
  const { keys, required } = PROPS_KEYS[iface];
  const shown = required.length > 0 ? required : keys.slice(0, 1);
  return `{ ${shown.join(', ')}${shown.length < keys.length ? ', ...' : ''} }`;
}

/**
 * Checks that the plain data in `value` (objects and arrays; class instances such as constructs are not
 * entered) has no cycle, which would otherwise overflow the stack of whatever walks it.
 */
export function checkAcyclic(scope: IConstruct, field: string, value: unknown): void {
  const path: { readonly obj: object; readonly field: string }[] = [];
  const visit = (v: unknown, f: string): void => {
    if (typeof v !== 'object' || v === null) return;
    const proto = Object.getPrototypeOf(v);
    if (!Array.isArray(v) && proto !== Object.prototype && proto !== null) return;
    const back = path.find((p) => p.obj === v);
    if (back) {
      throw invalidInput(scope, f, v, `refers back to ${back.field} (a circular structure)`, 'pass plain data without cycles');
    }
    path.push({ obj: v, field: f });
    if (Array.isArray(v)) {
      // The indices that exist: a sparse array of length 2^32-1 costs nothing.
      for (const i of Object.keys(v)) visit(v[Number(i)], `${f}[${i}]`);
    } else {
      for (const k of Object.keys(v)) visit((v as Record<string, unknown>)[k], f === 'props' ? k : `${f}.${k}`);
    }
    path.pop();
  };
  visit(value, field);
}

/** Options of {@link checkString}. */
export interface StringRules {
  /** Fewest characters (1 rejects the empty string). */
  readonly minLength?: number;
  /** Most characters (e.g. the CRD's `maxLength`, from `crdLimits`). */
  readonly maxLength?: number;
  /** A pattern the whole string must match. */
  readonly pattern?: RegExp;
  /** What the pattern stands for, for the message: "is not <what>". */
  readonly what?: string;
  /** How to mend a value that fails. */
  readonly fix?: string;
}

/** Checks a string and its length / pattern, and returns it. */
export function checkString(scope: IConstruct, field: string, value: unknown, rules: StringRules = {}): string {
  const fix = rules.fix ?? 'give a string';
  if (typeof value !== 'string') {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a string`, fix);
  }
  if (rules.minLength !== undefined && value.length < rules.minLength) {
    throw invalidInput(scope, field, value, value === '' ? 'is empty' : `is shorter than ${rules.minLength} characters`, fix);
  }
  if (rules.maxLength !== undefined && value.length > rules.maxLength) {
    throw invalidInput(scope, field, value, `is ${value.length} characters long, more than the ${rules.maxLength} allowed`, fix);
  }
  if (rules.pattern !== undefined && !rules.pattern.test(value)) {
    throw invalidInput(scope, field, value, `is not ${rules.what ?? `a string matching ${rules.pattern}`}`, fix);
  }
  return value;
}

/** Checks a boolean (no truthy strings or numbers: `'yes'` and `1` are errors) and returns it. */
export function checkBoolean(scope: IConstruct, field: string, value: unknown): boolean {
  if (typeof value !== 'boolean') {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a boolean`, 'give true or false');
  }
  return value;
}

/** Options of {@link checkNumber} and {@link checkInteger}; named like the CRD keywords, so `crdLimits(...)` can be passed. */
export interface NumberRules {
  /** Smallest allowed value. */
  readonly minimum?: number;
  /** Largest allowed value. */
  readonly maximum?: number;
  /** How to mend a value that fails. */
  readonly fix?: string;
  /**
   * {@link checkInteger}: the problem of a whole number out of range.
   * @default "is not a whole number" and the range
   */
  readonly problem?: string;
  /**
   * {@link checkInteger}: the problem of a number that is not whole.
   * @default `problem`
   */
  readonly notWhole?: string;
  /**
   * {@link checkInteger}: report a value that is no number by its type (`"3" is a string, not a number`), and a number above
   * {@link INT32_MAX} when that is the maximum as above the Kubernetes schema's int32 range.
   * @default false
   */
  readonly explain?: boolean;
}

function range(rules: NumberRules): string {
  const { minimum: lo, maximum: hi } = rules;
  if (lo !== undefined && hi !== undefined) return ` from ${lo} to ${hi}`;
  if (lo !== undefined) return ` of at least ${lo}`;
  if (hi !== undefined) return ` of at most ${hi}`;
  return '';
}

/** Checks a finite number (not NaN or ±Infinity) within the bounds, and returns it. */
export function checkNumber(scope: IConstruct, field: string, value: unknown, rules: NumberRules = {}): number {
  const fix = rules.fix ?? `give a number${range(rules)}`;
  if (typeof value !== 'number' || !Number.isFinite(value)
    || (rules.minimum !== undefined && value < rules.minimum) || (rules.maximum !== undefined && value > rules.maximum)) {
    throw invalidInput(scope, field, value, `is not a finite number${range(rules)}`, fix);
  }
  return value;
}

/**
 * Checks a whole number within the bounds (by default a non-negative int32, Istio's counters: 0 to
 * {@link INT32_MAX}), and returns it. `-0` counts as 0.
 */
export function checkInteger(scope: IConstruct, field: string, value: unknown, rules: NumberRules = {}): number {
  const bounds = { minimum: rules.minimum ?? 0, maximum: rules.maximum ?? INT32_MAX };
  const fix = rules.fix ?? `use a whole number${range(bounds)}`;
  const problem = rules.problem ?? `is not a whole number${range(bounds)}`;
  if (rules.explain) {
    if (typeof value !== 'number') {
      throw invalidInput(scope, field, value, `is ${describeType(value)}, not a number`, fix);
    }
    if (Number.isInteger(value) && value > bounds.maximum && bounds.maximum === INT32_MAX) {
      throw invalidInput(scope, field, value, `is above ${INT32_MAX}, the largest number the Kubernetes schema admits here (int32)`, `give at most ${INT32_MAX}; ${fix}`);
    }
  }
  if (typeof value !== 'number' || !Number.isInteger(value)) {
    throw invalidInput(scope, field, value, rules.notWhole ?? problem, fix);
  }
  if (value < bounds.minimum || value > bounds.maximum) {
    throw invalidInput(scope, field, value, problem, fix);
  }
  return value === 0 ? 0 : value;
}

/** Options of {@link checkArray}; named like the CRD keywords, so `crdLimits(...)` can be passed. */
export interface ArrayRules {
  /** Fewest items (1 rejects the empty list). */
  readonly minItems?: number;
  /** Most items (e.g. the CRD's `maxItems`, from `crdLimits`). */
  readonly maxItems?: number;
  /** How to mend a value that is not a list, or has too few or too many items. */
  readonly fix?: string;
}

/**
 * Checks a list (an array, not a single value or a string) and its length, then each item with
 * `item(value, field, index)`, whose field reads like `ports[2]`; returns what `item` returns, in order.
 * Holes of sparse arrays reach `item` as `undefined`.
 */
export function checkArray<R>(scope: IConstruct, field: string, value: unknown,
  item: (value: unknown, field: string, index: number) => R, rules: ArrayRules = {}): R[] {
  const fix = rules.fix ?? 'give a list (an array)';
  if (!Array.isArray(value)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a list`, fix);
  }
  if (rules.minItems !== undefined && value.length < rules.minItems) {
    throw invalidInput(scope, field, value, value.length === 0 ? 'is empty' : `has ${value.length} items, fewer than the ${rules.minItems} required`, fix);
  }
  if (rules.maxItems !== undefined && value.length > rules.maxItems) {
    throw invalidInput(scope, field, value, `has ${value.length} items, more than the ${rules.maxItems} allowed`, `give at most ${rules.maxItems} items`);
  }
  const out: R[] = [];
  for (let i = 0; i < value.length; i++) {
    out.push(item(value[i], `${field}[${i}]`, i));
  }
  return out;
}

/**
 * Checks that `value` is one of the values of a TypeScript enum (`DataPlaneMode`, ...) and returns it;
 * the fix lists the members as `<enumName>.<MEMBER>`.
 */
export function checkEnum<T extends string | number>(scope: IConstruct, field: string, value: unknown,
  enumObject: { readonly [member: string]: T | string }, enumName: string): T {
  const members = Object.keys(enumObject).filter((k) => !/^[0-9]+$/.test(k));
  if (!members.some((m) => enumObject[m] === value)) {
    throw invalidInput(scope, field, value, `is not ${article(enumName)} ${enumName}`,
      `use one of ${members.map((m) => `${enumName}.${m}`).join(', ')}`);
  }
  return value as T;
}

/**
 * Checks that `value` is one of a few allowed strings, for props typed as a string-literal union
 * (`operator?: 'Equal' | 'Exists'`), and returns it.
 */
export function checkOneOf<T extends string>(scope: IConstruct, field: string, value: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(value as T)) {
    const list = allowed.map((a) => JSON.stringify(a)).join(', ');
    throw invalidInput(scope, field, value, `is not one of ${list}`, `use one of ${list}`);
  }
  return value as T;
}

/**
 * Checks that `value` is an instance of one of our value classes (made by its static factories, not a
 * plain object that looks like one) and returns it.
 * @param fix names the factories, e.g. `use LoadBalancer.roundRobin(), LoadBalancer.consistentHashCookie() and the like`
 */
export function checkInstance<T>(scope: IConstruct, field: string, value: unknown, type: Function & { readonly prototype: T }, fix: string): T {
  if (!(value instanceof type)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not ${article(type.name)} ${type.name}`, fix);
  }
  return value as T;
}

/** Options of {@link checkStringMap}. */
export interface StringMapRules {
  /** Checks one key (throwing our error); by default any non-empty key. */
  readonly key?: (key: string, field: string) => void;
  /** Checks one value (throwing our error); by default any string. */
  readonly value?: (value: string, field: string) => void;
  /** Most entries (e.g. the CRD's `maxProperties`). */
  readonly maxProperties?: number;
  /** Accept `{}`. @default true */
  readonly allowEmpty?: boolean;
  /** How to mend a value that is not a map of strings. */
  readonly fix?: string;
}

/**
 * Checks a string-keyed map of strings (`{ app: 'reviews' }`), each value a string (numbers and
 * booleans are errors: Kubernetes and Istio take strings only), and returns a copy with its keys
 * sorted. Errors name the entry as `<field>.<key>` (or `<field>["odd key"]`).
 */
export function checkStringMap(scope: IConstruct, field: string, value: unknown, rules: StringMapRules = {}): { [key: string]: string } {
  const fix = rules.fix ?? 'give a map of strings, e.g. { app: "reviews" }';
  if (!isObject(value) || Object.getPrototypeOf(value) !== Object.prototype && Object.getPrototypeOf(value) !== null) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a map of strings`, fix);
  }
  const keys = Object.keys(value).sort();
  if (keys.length === 0 && rules.allowEmpty === false) {
    throw invalidInput(scope, field, value, 'is empty', fix);
  }
  if (rules.maxProperties !== undefined && keys.length > rules.maxProperties) {
    throw invalidInput(scope, field, value, `has ${keys.length} entries, more than the ${rules.maxProperties} allowed`, `give at most ${rules.maxProperties} entries`);
  }
  const out: { [key: string]: string } = {};
  for (const key of keys) {
    const f = entryField(field, key);
    const v = value[key];
    if (typeof v !== 'string') {
      throw invalidInput(scope, f, v, `is ${describeType(v)}, not a string`, 'give the value as a string, e.g. "8080" or "true"');
    }
    if (rules.key) rules.key(key, f);
    else if (key === '') throw invalidInput(scope, field, key, 'is an empty key', 'name every entry');
    if (rules.value) rules.value(v, f);
    out[key] = v;
  }
  return out;
}

/** `labels.app`, or `labels["app.kubernetes.io/name"]` for keys that are not identifiers. */
export function entryField(field: string, key: string): string {
  return /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(key) ? `${field}.${key}` : `${field}[${JSON.stringify(key)}]`;
}

/**
 * What a value class's static factory keeps of its options: a shallow copy of an object (later changes
 * to the caller's object change nothing), anything else as it is, so that the construct rendering it
 * can report it with `checkOptions` under its own path instead of the factory failing without one.
 */
export function copyOptions<T>(options: T): T {
  return isObject(options) ? { ...options } : options;
}
