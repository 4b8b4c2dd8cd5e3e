import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

/** A Kubernetes resource quantity such as `500m`, `2`, `128Mi` or `1.5Gi`. */
const QUANTITY = /^([+]?[0-9]+(\.[0-9]*)?|[+]?\.[0-9]+)(([KMGTPE]i)|[numkMGTPE]|[eE][+-]?[0-9]+)?$/;

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { n: 1e-9, u: 1e-6, m: 1e-3, '': 1, k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Parses a Kubernetes quantity to a number of base units (cores for CPU, bytes for memory).
 * Returns `undefined` for a string that is not a quantity.
 */
export function parseQuantity(text: string): number | undefined {
  const m = QUANTITY.exec(text);
  if (!m) {
    return undefined;
  }
  const value = Number(m[1]);
  const suffix = m[3] ?? '';
  if (suffix in BINARY) {
    return value * BINARY[suffix];
  }
  if (suffix in DECIMAL) {
    return value * DECIMAL[suffix];
  }
  return Number(`${m[1]}${suffix}`); // exponent form, e.g. 1e3
}

/** CPU or memory: what a quantity measures, which decides what a sensible value looks like. */
export type QuantityKind = 'cpu' | 'memory';

/**
 * Checks one CPU or memory quantity and returns it unchanged, or throws an error naming the construct
 * path, the field and the value.
 */
export function checkQuantity(scope: IConstruct, field: string, value: unknown, kind: QuantityKind): string {
  const example = kind === 'cpu' ? '"500m" or "2"' : '"512Mi" or "2Gi"';
  if (typeof value !== 'string' || parseQuantity(value) === undefined) {
    throw invalidInput(scope, field, value, 'is not a Kubernetes quantity', `write a ${kind} quantity such as ${example}`);
  }
  const amount = parseQuantity(value)!;
  if (amount <= 0) {
    throw invalidInput(scope, field, value, 'must be greater than zero', `write a ${kind} quantity such as ${example}`);
  }
  if (kind === 'memory' && amount < 1024 * 1024) {
    // "512m" of memory is half a byte: the classic slip of writing a CPU unit for memory.
    throw invalidInput(scope, field, value, 'is less than 1Mi of memory (a CPU unit written for memory?)', `write a memory quantity such as ${example}`);
  }
  return value;
}
