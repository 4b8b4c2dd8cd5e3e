import { Yaml } from 'cdk8s';

/**
 * Writes manifests as YAML, byte for byte what cdk8s's `Yaml.stringify` writes, in a fraction of its
 * time.
 *
 * `Yaml.stringify` (the `yaml` package, YAML 1.1 schema, no line folding) first builds a document tree
 * of every object and then prints it: for a mesh of 1,000 services that was half of the synthesis time.
 * Manifests are JSON-shaped data, whose block layout is fixed (two-space indentation, sequences
 * indented under their key, `[]` and `{}` for empty collections), so this writer prints the layout
 * itself and leaves every decision that needs YAML knowledge to the `yaml` package: how a key, a string
 * or a number is written (plain or quoted, and which YAML 1.1 scalars must be quoted, such as `on`, `y`
 * or `0x1f`) is what the package writes for it, asked once per distinct value and remembered.
 *
 * Whatever the layout above does not cover goes to `Yaml.stringify` as a whole document: strings that
 * span lines (block scalars) or start like a directive or document marker (`%`, `---`, `...`), keys of more than 512 characters, an object or array met twice in one document (the package writes an
 * anchor and an alias), `undefined` in an array, and anything that is not a plain object, array,
 * string, finite-or-not number, boolean or null. Tests compare the two writers on generated documents
 * and on every manifest the apps write.
 *
 * @internal
 */
export class YamlWriter {
  /** Like `Yaml.stringify(...docs)`: the documents separated by `---`. */
  public static stringify(...docs: unknown[]): string {
    return docs.map((doc) => (doc === undefined ? '\n' : YamlWriter.document(doc))).join('---\n');
  }

  private static readonly keys = new Map<string, string | null>();
  private static readonly strings = new Map<string, string | null>();
  private static readonly numbers = new Map<number, string>();

  private static document(doc: unknown): string {
    if (isPlainObject(doc) || Array.isArray(doc)) {
      const lines: string[] = [];
      const seen = new Set<object>();
      const ok = Array.isArray(doc) ? YamlWriter.seq(doc, '', lines, seen) : YamlWriter.map(doc, '', lines, seen);
      if (ok) return lines.length === 0 ? (Array.isArray(doc) ? '[]\n' : '{}\n') : `${lines.join('\n')}\n`;
    }
    return Yaml.stringify(doc);
  }

  /** Appends the lines of a mapping at `indent`; false when the layout does not cover it. */
  private static map(obj: Record<string, unknown>, indent: string, lines: string[], seen: Set<object>): boolean {
    if (seen.has(obj)) return false;
    seen.add(obj);
    for (const key of Object.keys(obj)) {
      const k = YamlWriter.key(key);
      if (k === null) return false;
      const value = obj[key];
      const scalar = YamlWriter.scalar(value === undefined ? null : value);
      if (scalar !== undefined) {
        if (scalar === null) return false;
        lines.push(`${indent}${k}: ${scalar}`);
      } else if (Array.isArray(value)) {
        if (value.length === 0) {
          if (seen.has(value)) return false;
          seen.add(value);
          lines.push(`${indent}${k}: []`);
        } else {
          lines.push(`${indent}${k}:`);
          if (!YamlWriter.seq(value, `${indent}  `, lines, seen)) return false;
        }
      } else if (isPlainObject(value)) {
        if (Object.keys(value).length === 0) {
          if (seen.has(value)) return false;
          seen.add(value);
          lines.push(`${indent}${k}: {}`);
        } else {
          lines.push(`${indent}${k}:`);
          if (!YamlWriter.map(value, `${indent}  `, lines, seen)) return false;
        }
      } else {
        return false;
      }
    }
    return true;
  }

  /** Appends the lines of a sequence at `indent` (each item starts with `- `). */
  private static seq(arr: unknown[], indent: string, lines: string[], seen: Set<object>): boolean {
    if (seen.has(arr)) return false;
    seen.add(arr);
    for (let i = 0; i < arr.length; i++) {
      if (!(i in arr)) return false;
      const item = arr[i];
      if (item === undefined) return false;
      const scalar = YamlWriter.scalar(item);
      if (scalar !== undefined) {
        if (scalar === null) return false;
        lines.push(`${indent}- ${scalar}`);
        continue;
      }
      const nested = Array.isArray(item) ? item : isPlainObject(item) ? item : undefined;
      if (nested === undefined) return false;
      if ((Array.isArray(nested) ? nested.length : Object.keys(nested).length) === 0) {
        if (seen.has(nested)) return false;
        seen.add(nested);
        lines.push(`${indent}- ${Array.isArray(nested) ? '[]' : '{}'}`);
        continue;
      }
      // A nested collection starts on the dash's line: its first line loses the indentation the dash takes.
      const first = lines.length;
      const inner = `${indent}  `;
      const ok = Array.isArray(nested) ? YamlWriter.seq(nested, inner, lines, seen) : YamlWriter.map(nested, inner, lines, seen);
      if (!ok) return false;
      lines[first] = `${indent}- ${lines[first].slice(inner.length)}`;
    }
    return true;
  }

  /**
   * How a scalar value is written: a string, `null` when the layout does not cover it (a string that
   * spans lines), or `undefined` when the value is not a scalar.
   */
  private static scalar(value: unknown): string | null | undefined {
    switch (typeof value) {
      case 'string': {
        if (isPlain(value)) return value;
        if (DOCUMENT_MARKER.test(value)) return null;
        let s = YamlWriter.strings.get(value);
        if (s === undefined) {
          s = YamlWriter.asValue(value);
          YamlWriter.strings.set(value, s);
        }
        return s;
      }
      case 'number': {
        if (Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < 1e21) return String(value);
        if (Object.is(value, -0)) return '-0';
        let n = YamlWriter.numbers.get(value);
        if (n === undefined) {
          n = YamlWriter.asValue(value) ?? String(value);
          YamlWriter.numbers.set(value, n);
        }
        return n;
      }
      case 'boolean':
        return value ? 'true' : 'false';
      case 'object':
        return value === null ? 'null' : undefined;
      default:
        return typeof value === 'undefined' ? 'null' : null;
    }
  }

  /** What `Yaml.stringify` writes for `value` as the value of a key, if it fits on the key's line. */
  private static asValue(value: string | number): string | null {
    const out = Yaml.stringify({ k: value });
    const line = out.slice('k: '.length, -1);
    return out.startsWith('k: ') && !line.includes('\n') && !line.startsWith('|') && !line.startsWith('>') ? line : null;
  }

  /** What `Yaml.stringify` writes for `key` as a mapping key (null: not on one line as `key: value`). */
  private static key(key: string): string | null {
    // The package writes a key of more than about a thousand characters as an explicit `? key`.
    if (key.length > 512) return null;
    if (isPlain(key)) return key;
    if (DOCUMENT_MARKER.test(key)) return null;
    let k = YamlWriter.keys.get(key);
    if (k === undefined) {
      const out = Yaml.stringify({ [key]: 0 });
      k = out.endsWith(': 0\n') && !out.slice(0, -1).includes('\n') && !out.startsWith('? ') ? out.slice(0, -': 0\n'.length) : null;
      YamlWriter.keys.set(key, k);
    }
    return k;
  }
}

/**
 * Strings the `yaml` package writes as they are, without asking it: a letter, `_` or `/` first, then
 * letters, digits and `_./-` only (no indicator, no `: ` or ` #`, no leading digit, so never a YAML 1.1
 * integer, date or sexagesimal), unless the string is one of YAML 1.1's booleans or nulls, or a float
 * without a mantissa (`e5`, `E-3`).
 */
/** A line that starts like a directive or a document marker: the package writes it depending on where it stands. */
const DOCUMENT_MARKER = /^(%|---|\.\.\.)/m;
const PLAIN = /^[A-Za-z_/][A-Za-z0-9_./-]*$/;
const YAML11_WORDS = new Set([
  'y', 'Y', 'yes', 'Yes', 'YES', 'n', 'N', 'no', 'No', 'NO',
  'true', 'True', 'TRUE', 'false', 'False', 'FALSE',
  'on', 'On', 'ON', 'off', 'Off', 'OFF',
  'null', 'Null', 'NULL',
]);

const EXPONENT_ONLY = /^[eE]-?[0-9]+$/;

function isPlain(s: string): boolean {
  return PLAIN.test(s) && !YAML11_WORDS.has(s) && !EXPONENT_ONLY.test(s);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}
