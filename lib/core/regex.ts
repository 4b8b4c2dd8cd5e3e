import { IConstruct } from 'constructs';
import { invalidInput } from './errors';

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
