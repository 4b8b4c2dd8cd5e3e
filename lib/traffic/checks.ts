import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkHostname, parseServiceHost } from '../core/hostnames';
import { isDnsLabel } from '../core/names';

/** Largest value of a protobuf int32/uint32 counter that every Istio counter field accepts. */
export const MAX_INT32 = 2147483647;


/** A non-negative whole number that fits Istio's 32-bit counters (ISTIO-RULES D2). */
export function checkCounter(scope: IConstruct, field: string, value: number, min = 0): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > MAX_INT32) {
    throw invalidInput(scope, field, value, `is not a whole number from ${min} to ${MAX_INT32}`, `use a whole number of at least ${min}`);
  }
  return value;
}

/** A whole percentage, 0–100 (ISTIO-RULES D3: the webhook checks it, the CRD does not). */
export function checkWholePercent(scope: IConstruct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > 100) {
    throw invalidInput(scope, field, value, 'is not a whole percentage from 0 to 100', 'use a whole number from 0 to 100');
  }
  return value;
}

/** A fractional percentage as Istio's `Percent`: 0, or 0.0001 to 100 (ISTIO-RULES V5). */
export function checkFractionPercent(scope: IConstruct, field: string, value: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || value > 100 || (value > 0 && value < 0.0001)) {
    throw invalidInput(scope, field, value, 'is neither 0 nor a percentage from 0.0001 to 100', 'use 0, or a value from 0.0001 to 100');
  }
  return value;
}

/** A subset name: non-empty DNS label (ISTIO-RULES D4). */
export function checkSubsetName(scope: IConstruct, field: string, value: string): string {
  if (!isDnsLabel(value)) {
    throw invalidInput(scope, field, value, 'is not a subset name (a non-empty DNS label: lowercase letters, digits and "-", at most 63 characters)',
      'name the subset like "v1" or "canary"');
  }
  return value;
}

/**
 * A destination host: a short name (`reviews`), a namespaced or fully qualified service name
 * (`reviews.bookinfo.svc.cluster.local`), an external name (`api.example.com`) or, where `wildcard`
 * allows, a wildcard domain (`*.example.com`). The bare `*` is rejected: a mesh-bound VirtualService
 * may not use it (ISTIO-RULES V6) and it is no valid destination.
 *
 * The DNS syntax is {@link checkHostname}'s: Istio compares hosts case-insensitively, so
 * `API.example.com` is accepted. Only the parts that name Kubernetes objects — the Service and the
 * namespace of a cluster service host — must be lowercase DNS labels, since Kubernetes names are.
 */
export function checkServiceHost(scope: IConstruct, field: string, value: string, wildcard = true): string {
  if (value === '*') {
    throw invalidInput(scope, field, value, 'is the catch-all host, which a VirtualService bound to the mesh may not use and no route can target (V6)',
      'name the service, e.g. "reviews.bookinfo.svc.cluster.local"');
  }
  checkHostname(scope, field, value, { wildcard, fullWildcard: false });
  const service = parseServiceHost(value, 'default');
  if (service) {
    for (const [part, name] of [['Service', service.service], ['namespace', service.namespace]] as const) {
      if (name !== '*' && !isDnsLabel(name as unknown)) {
        throw invalidInput(scope, field, value, `names the Kubernetes ${part} ${JSON.stringify(name)}, which is not a DNS label (Kubernetes names are lowercase letters, digits and "-")`,
          `write the ${part} name as Kubernetes has it, e.g. "${name.toLowerCase()}"`);
      }
    }
  }
  return value;
}

/**
 * Checks a regular expression the way istiod and Envoy do (ISTIO-RULES V7): at most 1024 characters and
 * RE2 syntax, so no look-around, no backreferences, no repeat counts above 1000. The pattern is also
 * compiled with JavaScript's RegExp (after removing RE2's inline flag groups) to catch plain syntax errors.
 */
export function checkRegex(scope: IConstruct, field: string, value: string): string {
  if (typeof value !== 'string' || value.length === 0) {
    throw invalidInput(scope, field, value, 'is an empty regex (istiod rejects it)', 'give a pattern, or use an exact or prefix match');
  }
  if (value.length > 1024) {
    throw invalidInput(scope, field, `${value.slice(0, 40)}…`, `is ${value.length} characters long, more than the 1024 istiod allows (V7)`, 'shorten the pattern');
  }
  const problem = re2Problem(value);
  if (problem) {
    throw invalidInput(scope, field, value, `${problem}, which RE2 (the regex engine of Envoy and istiod) does not support (V7)`,
      'rewrite the pattern without it, e.g. match the alternatives explicitly');
  }
  try {
    // RE2 inline flags such as (?i) or (?s: …) are not JavaScript syntax: drop them for the syntax check.
    new RegExp(value.replace(/\(\?[imsU-]+\)/g, '').replace(/\(\?[imsU-]+:/g, '(?:').replace(/\(\?P</g, '(?<'));
  } catch (e) {
    throw invalidInput(scope, field, value, `is not a valid regex (${(e as Error).message.replace(/^Invalid regular expression: /, '')})`,
      'fix the pattern; see https://github.com/google/re2/wiki/Syntax');
  }
  return value;
}

/** The first RE2-incompatible construct in `re`, described, or undefined. */
function re2Problem(re: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < re.length; i++) {
    const c = re[i];
    if (c === '\\') {
      const next = re[i + 1] ?? '';
      // RE2 reads \1-\7 followed by an octal digit as an octal escape; a lone digit is a backreference.
      if (/[1-9]/.test(next) && !(/[1-7]/.test(next) && /[0-7]/.test(re[i + 2] ?? ''))) {
        return `uses the backreference "\\${next}"`;
      }
      if (next === 'u' || next === 'c' || next === 'Z') {
        return `uses the JavaScript/PCRE escape "\\${next}"`;
      }
      if (!inClass && next === 'k' && re[i + 2] === '<') {
        return 'uses a named backreference "\\k<…>"';
      }
      i++;
      continue;
    }
    if (inClass) {
      if (c === ']') inClass = false;
      continue;
    }
    if (c === '[') {
      inClass = true;
      if (re[i + 1] === '^') i++;
      if (re[i + 1] === ']') i++;
      continue;
    }
    if (c === '(' && re[i + 1] === '?') {
      const head = re.slice(i, i + 4);
      if (head.startsWith('(?=')) return 'uses a look-ahead "(?="';
      if (head.startsWith('(?!')) return 'uses a negative look-ahead "(?!"';
      if (head.startsWith('(?<=')) return 'uses a look-behind "(?<="';
      if (head.startsWith('(?<!')) return 'uses a negative look-behind "(?<!"';
      if (head.startsWith('(?>')) return 'uses an atomic group "(?>"';
    }
    if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(re.slice(i));
      if (m && (Number(m[1]) > 1000 || (m[3] !== undefined && m[3] !== '' && Number(m[3]) > 1000))) {
        return `uses the repeat count "${m[0]}" (RE2 allows at most 1000)`;
      }
    }
    if ((c === '+' || c === '*' || c === '?' || c === '}') && re[i + 1] === '+') {
      return 'uses a possessive quantifier';
    }
  }
  return undefined;
}
