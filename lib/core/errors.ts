/**
 * The one error shape of this library, and the faithful value printer its messages use.
 *
 * ```ts
 * throw invalidInput(this, 'connectionPool.tcp.maxConnections', -1, 'is not a whole number from 0 to 2147483647', 'use e.g. 100');
 * // [prod/cb] connectionPool.tcp.maxConnections: -1 is not a whole number from 0 to 2147483647. Fix: use e.g. 100
 * show({ a: NaN, b: undefined, c: Duration.seconds(2) }); // {"a":NaN,"b":undefined,"c":Duration.millis(2000)}
 * ```
 *
 * The checkers of `./input` build on these; prefer them to hand-written checks.
 */
import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';

/** Longest rendering of a value in a message; longer ones are cut with an ellipsis. */
export const SHOW_LIMIT = 120;

/** How deep nested objects and arrays are rendered before `…` stands for the rest. */
const SHOW_DEPTH = 6;

/**
 * Renders a value for an error message, faithfully: strings quoted, `NaN`, `Infinity`, `-Infinity`
 * and `-0` as such (JSON would print `null` or `0`), `undefined` also inside objects and arrays,
 * bigints as `12n`, symbols, functions, `Duration`s as `Duration.millis(n)`, constructs by their path,
 * other class instances (our value classes) by their class name and set fields, circular references as `[Circular]`. The
 * result is cut to {@link SHOW_LIMIT} characters with an ellipsis.
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return showString(value);
  const out = new Output(SHOW_LIMIT);
  render(value, out, new Set(), 0);
  return out.text();
}

/**
 * The one shape of every input error this library raises:
 * `[<construct path>] <field>: <value> <problem>. Fix: <fix>`
 *
 * The construct path tells the user which object of which chart is wrong, the field and value say
 * what, and the fix says how to mend it.
 */
export function invalidInput(scope: IConstruct, field: string, value: unknown, problem: string, fix: string): Error {
  return new Error(formatInputError(scope.node.path, field, value, problem, fix));
}

/** The text of {@link invalidInput}, for `node.addValidation` producers that return strings. */
export function formatInputError(path: string, field: string, value: unknown, problem: string, fix: string): string {
  const where = path === '' ? '' : `[${path}] `;
  return `${where}${field}: ${show(value)} ${problem}. Fix: ${fix}`;
}

/** A text buffer that stops growing past its limit and then ends in `…`. */
class Output {
  private parts: string[] = [];
  private length = 0;
  constructor(private readonly limit: number) {}

  /** True once the limit is reached: renderers stop early, so a huge array costs nothing. */
  public get full(): boolean {
    return this.length > this.limit;
  }

  public push(text: string): void {
    if (!this.full) {
      this.parts.push(text);
      this.length += text.length;
    }
  }

  public text(): string {
    const all = this.parts.join('');
    return all.length <= this.limit ? all : `${all.slice(0, this.limit - 1)}…`;
  }
}

/** A string, quoted; a long one is cut inside its quotes (`"aaaa…"`), so it still reads as a string. */
function showString(value: string): string {
  const whole = JSON.stringify(value);
  if (whole.length <= SHOW_LIMIT) return whole;
  let n = SHOW_LIMIT - 3;
  let cut = JSON.stringify(`${value.slice(0, n)}…`);
  while (cut.length > SHOW_LIMIT && n > 0) {
    n -= cut.length - SHOW_LIMIT;
    cut = JSON.stringify(`${value.slice(0, n)}…`);
  }
  return cut;
}

function render(value: unknown, out: Output, seen: Set<object>, depth: number): void {
  switch (typeof value) {
    case 'undefined':
      return out.push('undefined');
    case 'string':
      return out.push(JSON.stringify(value.length > SHOW_LIMIT ? `${value.slice(0, SHOW_LIMIT)}…` : value));
    case 'number':
      return out.push(Object.is(value, -0) ? '-0' : String(value));
    case 'bigint':
      return out.push(`${value}n`);
    case 'boolean':
      return out.push(String(value));
    case 'symbol':
      return out.push(value.toString());
    case 'function':
      return out.push(value.name ? `[function ${value.name}]` : '[function]');
    default:
      break;
  }
  if (value === null) return out.push('null');
  const obj = value as object;
  if (seen.has(obj)) return out.push('[Circular]');
  if (depth >= SHOW_DEPTH) return out.push(Array.isArray(obj) ? '[…]' : '{…}');
  let special: string | undefined;
  try {
    special = renderSpecial(obj);
  } catch {
    special = '[unreadable object]';
  }
  if (special !== undefined) return out.push(special);
  seen.add(obj);
  try {
    if (Array.isArray(obj)) {
      out.push('[');
      for (let i = 0; i < obj.length && !out.full; i++) {
        if (i > 0) out.push(',');
        render(obj[i], out, seen, depth + 1);
      }
      out.push(']');
      return;
    }
    const name = className(obj);
    out.push(name === undefined ? '{' : `${name} {`);
    let first = true;
    for (const key of Object.keys(obj)) {
      if (out.full) break;
      let item: unknown;
      try {
        item = (obj as Record<string, unknown>)[key];
      } catch {
        item = '[unreadable]';
      }
      // A class instance's unset fields say nothing; in plain data an explicit undefined is what the caller wrote.
      if (item === undefined && name !== undefined) continue;
      out.push(`${first ? '' : ','}${JSON.stringify(key)}:`);
      first = false;
      render(item, out, seen, depth + 1);
    }
    out.push('}');
  } finally {
    seen.delete(obj);
  }
}

/** Objects with a rendering of their own: durations, constructs, dates, regular expressions, errors, maps and sets. */
function renderSpecial(obj: object): string | undefined {
  if (obj instanceof Duration) {
    return `Duration.millis(${obj.toMilliseconds({ integral: false })})`;
  }
  const node = (obj as { node?: { path?: unknown } }).node;
  if (node !== null && typeof node === 'object' && typeof node.path === 'string') {
    return `<${className(obj) ?? 'construct'} ${node.path === '' ? '(root)' : node.path}>`;
  }
  if (obj instanceof Date) return Number.isNaN(obj.getTime()) ? 'Invalid Date' : obj.toISOString();
  if (obj instanceof RegExp) return String(obj);
  if (obj instanceof Error) return `${obj.name}: ${obj.message}`;
  if (obj instanceof Map) return `Map(${obj.size})`;
  if (obj instanceof Set) return `Set(${obj.size})`;
  return undefined;
}

/** The class name of an instance, or undefined for plain objects (`{}` and `Object.create(null)`). */
function className(obj: object): string | undefined {
  try {
    const proto = Object.getPrototypeOf(obj);
    if (proto === null || proto === Object.prototype) return undefined;
    const ctor = proto.constructor;
    return typeof ctor === 'function' && ctor.name ? ctor.name : 'object';
  } catch {
    return 'object';
  }
}
