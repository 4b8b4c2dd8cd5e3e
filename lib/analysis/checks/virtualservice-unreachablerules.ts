import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { GK, Resource } from '../resources';
import { RouteSection } from './virtualservice-util';

/** JSON with object keys sorted and zero values left out, so two equal matches compare equal. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_k, v) => {
    if (!isRecord(v)) return v;
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = v[k];
      if (x === undefined || x === null || x === false || x === 0 || x === '' || (Array.isArray(x) && x.length === 0)) continue;
      out[k] = x;
    }
    return out;
  });
}

/** Map-valued fields of an HTTP match: left out when empty, as Istio's serialization does. */
const MAP_FIELDS = ['headers', 'queryParams', 'withoutHeaders', 'sourceLabels', 'statPrefix'];

/** A match as compared for duplicates: an HTTP match without its `name`. */
function matchKey(section: RouteSection, match: Record<string, unknown>): string {
  const copy: Record<string, unknown> = { ...match };
  if (section === 'http') delete copy.name;
  for (const f of MAP_FIELDS) if (isRecord(copy[f]) && Object.keys(copy[f] as object).length === 0) delete copy[f];
  return canonical(copy);
}

/** A rule as istioctl names it: `"name"` for a named HTTP rule, else `#<index>`. */
function ruleName(section: RouteSection, rule: Record<string, unknown>, index: number): string {
  return section === 'http' && typeof rule.name === 'string' && rule.name !== '' ? JSON.stringify(rule.name) : `#${index}`;
}

function matchName(section: RouteSection, match: Record<string, unknown>, index: number): string {
  return section === 'http' && typeof match.name === 'string' && match.name !== '' ? JSON.stringify(match.name) : `#${index}`;
}

/** `exact:<v>`, `prefix:<v>` or `''` of a StringMatch (a regex counts as none). */
function exactOrPrefix(value: unknown): string {
  if (!isRecord(value)) return '';
  if (typeof value.exact === 'string' && value.exact !== '') return `exact:${value.exact}`;
  if (typeof value.prefix === 'string' && value.prefix !== '') return `prefix:${value.prefix}`;
  return '';
}

function stringMatches(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  if (isRecord(value)) for (const [k, v] of Object.entries(value)) out.set(k, exactOrPrefix(v));
  return out;
}

/** An HTTP match on a URI prefix, as compared for overlaps. */
interface PrefixMatch {
  readonly rule: number;
  readonly match: number;
  readonly ruleName: string;
  readonly matchName: string;
  readonly prefix: string;
  readonly port: number;
  readonly method: string;
  readonly authority: string;
  readonly headers: Map<string, string>;
  readonly queryParams: Map<string, string>;
  readonly withoutHeaders: Map<string, string>;
}

function prefixMatch(match: Record<string, unknown>, rule: number, index: number, name: string): PrefixMatch | undefined {
  const uri = match.uri;
  if (!isRecord(uri) || typeof uri.prefix !== 'string' || uri.prefix === '') return undefined;
  return {
    rule,
    match: index,
    ruleName: name,
    matchName: matchName('http', match, index),
    prefix: uri.prefix,
    port: typeof match.port === 'number' ? match.port : 0,
    // No method matches GET only, as Istio's comparison assumes.
    method: exactOrPrefix(match.method) || 'exact:GET',
    authority: exactOrPrefix(match.authority),
    headers: stringMatches(match.headers),
    queryParams: stringMatches(match.queryParams),
    withoutHeaders: stringMatches(match.withoutHeaders),
  };
}

function mapCovered(a: Map<string, string>, b: Map<string, string>): boolean {
  if (a.size !== b.size) return false;
  for (const [k, v] of a) {
    const w = b.get(k);
    if (w === undefined || (v !== w && !v.startsWith(w))) return false;
  }
  return true;
}

/** Whether the earlier match `a` takes every request of the later match `b` (Istio's comparison). */
function covers(a: PrefixMatch, b: PrefixMatch): boolean {
  if (!b.prefix.startsWith(a.prefix) || a.port !== b.port) return false;
  if (a.method !== b.method && !a.method.startsWith(b.method)) return false;
  if (a.authority !== b.authority && !a.authority.startsWith(b.authority)) return false;
  return mapCovered(a.headers, b.headers) && mapCovered(a.queryParams, b.queryParams) && mapCovered(a.withoutHeaders, b.withoutHeaders);
}

function checkSection(ctx: AnalysisContext, vs: Resource, section: RouteSection): void {
  const rules = arr(specOf(vs.raw)[section]);
  const seen = new Map<string, number>();
  let catchAll = -1;
  const prefixes: PrefixMatch[] = [];
  rules.forEach((rule, r) => {
    if (!isRecord(rule)) return;
    const name = ruleName(section, rule, r);
    const matches = arr(rule.match);
    if (matches.length === 0) {
      if (catchAll >= 0) {
        ctx.report('IST0130', vs, `spec.${section}[${r}]`, [name, 'only the last rule can have no matches'],
          `give it a match, or merge it into ${ruleName(section, rules[catchAll], catchAll)}: the first rule without matches takes every request`);
      }
      catchAll = r;
      return;
    }
    if (catchAll >= 0) {
      ctx.report('IST0130', vs, `spec.${section}[${r}]`, [name, 'route without matches defined before'],
        `move it before ${ruleName(section, rules[catchAll], catchAll)}, which has no matches and takes every request`);
      return;
    }
    let duplicates = 0;
    matches.forEach((match, m) => {
      const key = isRecord(match) ? matchKey(section, match) : canonical(match);
      const first = seen.get(key);
      if (first !== undefined) {
        duplicates++;
        ctx.report('IST0131', vs, `spec.${section}[${r}].match[${m}]`, [name, isRecord(match) ? matchName(section, match, m) : `#${m}`, ruleName(section, rules[first], first)],
          `remove the match: rule ${ruleName(section, rules[first], first)} before it has the same one and takes its requests`);
        return;
      }
      seen.set(key, r);
      if (section === 'http' && isRecord(match)) {
        const p = prefixMatch(match, r, m, name);
        if (p) prefixes.push(p);
      }
    });
    if (duplicates === matches.length) {
      ctx.report('IST0130', vs, `spec.${section}[${r}]`, [name, 'all matches used by prior rules'],
        'remove the rule, or change its matches: earlier rules take all of its requests');
    }
  });
  // Prefix matches an earlier prefix match takes every request of (within one VirtualService).
  for (let i = 0; i < prefixes.length; i++) {
    for (let j = i + 1; j < prefixes.length; j++) {
      const a = prefixes[i];
      const b = prefixes[j];
      if (a.prefix === b.prefix || !covers(a, b)) continue;
      ctx.report('IST0131', vs, `spec.http[${b.rule}].match[${b.match}]`,
        [b.ruleName, `${b.matchName} of prefix ${b.prefix}`, `${a.matchName} of prefix ${a.prefix} on ${a.ruleName}`],
        `put the more specific match (prefix ${b.prefix}) before the one with prefix ${a.prefix}, or remove it`);
    }
  }
}

/**
 * Rules of a VirtualService that no request reaches (Istio's VirtualService validation warnings, which
 * istioctl analyze reports): IST0130 for a rule after a rule without matches, a second rule without
 * matches, or a rule whose every match an earlier rule has; IST0131 for one match an earlier rule has
 * (names of matches aside) or, for HTTP, that an earlier URI prefix match with the same other
 * conditions covers. For http, tcp and tls rules.
 */
export const virtualServiceUnreachableRules: Check = {
  name: 'virtualservice.unreachablerules',
  codes: ['IST0130', 'IST0131'],
  description: 'VirtualService rules and matches that earlier rules of the same VirtualService leave no request',
  run(ctx) {
    for (const vs of ctx.output(GK.VirtualService)) {
      for (const section of ['http', 'tcp', 'tls'] as const) checkSection(ctx, vs, section);
    }
  },
};
