/**
 * Reading Kubernetes objects from files, directories and standard input, each object with where it
 * was found (file and line) so that findings can point at it, down to the line of a field.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Document, isAlias, isMap, isScalar, isSeq, LineCounter, Node, parseAllDocuments } from 'yaml';
import { isRecord } from '../core/records';

/** The name printed for objects read from standard input. */
export const STDIN_NAME = '<stdin>';

/** File extensions read from a directory. */
const EXTENSIONS = new Set(['.yaml', '.yml', '.json']);

/** One object of the input and where it is. */
export interface LocatedObject {
  readonly object: Record<string, any>;
  /** The file as given (joined with the path inside a given directory); `<stdin>` for `-`. */
  readonly file: string;
  /** 1-based line of the object's first key. */
  readonly line: number;
  /** `file:line`, unique among the objects read (a column is added when two objects share a line). */
  readonly location: string;
  /** The line of a field (`spec.http[0].route[1].destination.subset`), or of its nearest ancestor present. */
  fieldLine(field: string | undefined): number;
}

/** What reading produced: the objects, the files read, and every problem (`file:line:column: message`). */
export interface ReadResult {
  readonly objects: LocatedObject[];
  readonly files: string[];
  readonly errors: string[];
}

/** How to read. */
export interface ReadOptions {
  /** Standard input, read once when a path is `-`. */
  readonly stdin: () => string;
  /** Objects allowed without `metadata.name` (e.g. the analyzer's ExternalHost declaration). */
  readonly nameless?: (object: Record<string, any>) => boolean;
}

/**
 * Reads every object of `paths`: files (any extension), directories (recursively, in sorted order,
 * `.yaml`/`.yml`/`.json` files only, entries whose name starts with `.` skipped) and `-` (standard
 * input); a file reached twice is read once. Each document must be a Kubernetes object (a map with `apiVersion`, `kind` and
 * `metadata.name`), a `kind: List` of them, or a sequence of them; empty documents are skipped.
 */
export function readObjects(paths: readonly string[], options: ReadOptions): ReadResult {
  const objects: LocatedObject[] = [];
  const files: string[] = [];
  const errors: string[] = [];
  const used = new Set<string>();
  const seenFiles = new Set<string>();
  let stdinRead = false;
  for (const p of paths) {
    if (p === '-') {
      if (stdinRead) {
        errors.push('-: standard input is given twice');
        continue;
      }
      stdinRead = true;
      let text: string;
      try {
        text = options.stdin();
      } catch (e) {
        errors.push(`-: cannot read standard input: ${(e as Error).message}`);
        continue;
      }
      files.push(STDIN_NAME);
      parseFile(STDIN_NAME, text, options, objects, errors, used);
      continue;
    }
    let found: string[];
    try {
      found = fs.statSync(p).isDirectory() ? listDirectory(p) : [p];
    } catch (e) {
      errors.push(`${p}: ${describeFsError(e)}`);
      continue;
    }
    if (found.length === 0) {
      errors.push(`${p}: the directory holds no .yaml, .yml or .json file`);
      continue;
    }
    for (const file of found) {
      const real = realPath(file);
      if (seenFiles.has(real)) continue; // a file given twice (or inside a directory given too) is read once
      seenFiles.add(real);
      let text: string;
      try {
        text = fs.readFileSync(file, 'utf8');
      } catch (e) {
        errors.push(`${file}: ${describeFsError(e)}`);
        continue;
      }
      files.push(file);
      parseFile(file, text, options, objects, errors, used);
    }
  }
  return { objects, files, errors };
}

/** The YAML files under `dir`, recursively, sorted by path; hidden entries and symlink loops skipped. */
function listDirectory(dir: string): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  const walk = (d: string): void => {
    const real = fs.realpathSync(d);
    if (seen.has(real)) return;
    seen.add(real);
    const names = fs.readdirSync(d).filter((n) => !n.startsWith('.')).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    for (const name of names) {
      const full = path.join(d, name);
      const stat = fs.statSync(full);
      if (stat.isDirectory()) walk(full);
      else if (stat.isFile() && EXTENSIONS.has(path.extname(name).toLowerCase())) out.push(full);
    }
  };
  walk(dir);
  return out;
}

function realPath(file: string): string {
  try {
    return fs.realpathSync(file);
  } catch {
    return path.resolve(file);
  }
}

function describeFsError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  return (e as Error).message;
}

function parseFile(file: string, text: string, options: ReadOptions, objects: LocatedObject[], errors: string[], used: Set<string>): void {
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): string => {
    const { line, col } = lines.linePos(offset);
    return `${file}:${line}:${col}`;
  };
  const lineOf = (offset: number): number => lines.linePos(offset).line;
  if (!Array.isArray(docs)) return; // an empty stream
  docs.forEach((doc, d) => {
    const problems = doc.errors;
    if (problems.length > 0) {
      for (const e of problems) errors.push(`${at(e.pos[0])}: YAML syntax error: ${e.message}`);
      return;
    }
    const root = doc.contents;
    if (root === null || (isScalar(root) && root.value === null)) return;
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 1000 });
    } catch (e) {
      errors.push(`${at(root.range?.[0] ?? 0)}: YAML error: ${(e as Error).message}`);
      return;
    }
    const what = `document ${d + 1}`;
    const add = (node: Node, raw: unknown, label: string): void => {
      const start = node.range?.[0] ?? 0;
      const problem = objectProblem(raw, options);
      if (problem !== undefined) {
        errors.push(`${at(start)}: ${label} is not a Kubernetes object: ${problem}`);
        return;
      }
      const line = lineOf(start);
      let location = `${file}:${line}`;
      if (used.has(location)) location = `${file}:${line}:${lines.linePos(start).col}`;
      used.add(location);
      objects.push({
        object: raw as Record<string, any>,
        file,
        line,
        location,
        fieldLine: (field) => fieldLine(node, field, doc, lineOf) ?? line,
      });
    };
    if (isSeq(root) && Array.isArray(value)) {
      root.items.forEach((item, i) => add(item as Node, value[i], `${what}, item ${i + 1}`));
    } else if (isMap(root) && isRecord(value) && value.kind === 'List' && Array.isArray(value.items)) {
      const items = root.get('items', true);
      if (!isSeq(items)) return;
      items.items.forEach((item, i) => add(item as Node, (value.items as unknown[])[i], `${what}, items[${i}]`));
    } else {
      add(root, value, what);
    }
  });
}

/** Why `raw` is not an object the commands can read, or undefined. */
function objectProblem(raw: unknown, options: ReadOptions): string | undefined {
  if (!isRecord(raw)) return `it is ${Array.isArray(raw) ? 'a list' : `the ${typeof raw} ${JSON.stringify(raw)}`}, not a map`;
  if (typeof raw.apiVersion !== 'string' || raw.apiVersion === '') return 'no apiVersion';
  if (typeof raw.kind !== 'string' || raw.kind === '') return 'no kind';
  if (options.nameless?.(raw)) return undefined;
  if (!isRecord(raw.metadata) || typeof raw.metadata.name !== 'string' || raw.metadata.name === '') return 'no metadata.name';
  return undefined;
}

/**
 * The line of `field` (as the validator and the analyzer write paths: `a.b[0].c`, `labels["x/y"]`)
 * inside the object `node`: the line of its key, or of the deepest part of the path that exists.
 */
function fieldLine(node: Node, field: string | undefined, doc: Document, lineOf: (offset: number) => number): number | undefined {
  if (field === undefined || field === '') return undefined;
  let current: unknown = node;
  let line: number | undefined;
  for (const segment of parsePath(field)) {
    if (isAlias(current)) current = current.resolve(doc);
    if (typeof segment === 'string' && isMap(current)) {
      const pair = current.items.find((p) => isScalar(p.key) && String(p.key.value) === segment);
      if (pair === undefined) break;
      const start = (pair.key as Node).range?.[0];
      if (start !== undefined) line = lineOf(start);
      current = pair.value;
    } else if (typeof segment === 'number' && isSeq(current)) {
      const item = current.items[segment] as Node | undefined;
      if (item === undefined) break;
      const start = item.range?.[0];
      if (start !== undefined) line = lineOf(start);
      current = item;
    } else {
      break;
    }
  }
  return line;
}

const SEGMENT = /^(?:\.?([A-Za-z_$][A-Za-z0-9_$-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\])/;

/** `spec.http[0]["x.y"]` → `['spec', 'http', 0, 'x.y']` (stops at the first part it cannot read). */
export function parsePath(field: string): (string | number)[] {
  const out: (string | number)[] = [];
  let rest = field;
  while (rest !== '') {
    const m = SEGMENT.exec(rest);
    if (!m) break;
    if (m[1] !== undefined) out.push(m[1]);
    else if (m[2] !== undefined) out.push(Number(m[2]));
    else out.push(JSON.parse(m[3]) as string);
    rest = rest.slice(m[0].length);
  }
  return out;
}
