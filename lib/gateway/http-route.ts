/**
 * The translation of Istio HTTP routes (the `http[]` entries of a VirtualService, as our constructs
 * render them) into Gateway API `HTTPRoute` rules, as Istio 1.30 implements Gateway API (v1.5,
 * standard channel). One pure function: the same routes the Istio API writes are the input, so a
 * construct can emit either API from one route model.
 *
 * What Gateway API cannot say is an error naming the construct, the field, the value and what to do;
 * nothing is dropped and nothing is weakened:
 *
 * - subsets: a Gateway API backend is a Service, so a subset must be a Service of its own per version
 *   (a `subsetServices` entry maps `<host>/<subset>` to it);
 * - matches on `port`, `sourceLabels`, `sourceNamespace`, `gateways`, `withoutHeaders`, `authority`,
 *   `scheme`, `ignoreUriCase`, header and query parameter prefixes, methods given as a prefix or regex;
 * - `retries` (experimental channel only), `fault`, `corsPolicy`, `directResponse`, `delegate`,
 *   `uriRegexRewrite`, redirects with `derivePort` or a status code the standard channel lacks;
 * - a route destination without a port (Gateway API requires one for a Service), a host of the
 *   `name.namespace` form (Istio reads it as written, not as a Service).
 *
 * Semantics that differ and are written down, not refused: an Istio `prefix` match is a string
 * prefix (`/api` matches `/apis`), a Gateway API `PathPrefix` matches whole path segments (`/api`
 * and `/api/...`), the safer reading; Istio weights are relative, like Gateway API's (a single
 * destination gets no weight). Route and match `name`s become the rule's `name` (matches have none).
 *
 * @internal
 */
import { IConstruct } from 'constructs';
import {
  HttpRouteSpecRules, HttpRouteSpecRulesBackendRefs, HttpRouteSpecRulesFilters, HttpRouteSpecRulesFiltersType,
  HttpRouteSpecRulesMatches, HttpRouteSpecRulesMatchesHeadersType, HttpRouteSpecRulesMatchesMethod,
  HttpRouteSpecRulesMatchesPathType, HttpRouteSpecRulesMatchesQueryParamsType,
  HttpRouteSpecRulesFiltersRequestRedirectPathType, HttpRouteSpecRulesFiltersUrlRewritePathType,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode, HttpRouteSpecRulesFiltersRequestRedirectScheme,
} from '../../imports/gateway.networking.k8s.io';
import { invalidInput } from '../core/errors';
import { isRecord } from '../core/records';

/** A Service (or Istio host) a rule sends to, as Gateway API names it. */
export interface BackendTarget {
  readonly name: string;
  /** Set when it differs from the route's namespace (needs a ReferenceGrant there). */
  readonly namespace?: string;
  /** `networking.istio.io` for a ServiceEntry host. */
  readonly group?: string;
  /** `Hostname` for a ServiceEntry host. */
  readonly kind?: string;
}

/** What the translation needs besides the routes. */
export interface HttpRouteTranslation {
  /** The namespace of the HTTPRoute (short hosts resolve in it, as in the VirtualService). */
  readonly namespace: string;
  /**
   * The Service of each subset, by `<fqdn host>/<subset>`: a Gateway API backend is a Service, so a
   * subset routed to must be a Service that selects that version only.
   */
  readonly subsetServices?: Readonly<Record<string, string>>;
  /** What to tell the user to do instead of an Istio feature, e.g. "keep this host on TrafficApi.ISTIO". */
  readonly alternative: string;
}

const METHODS = new Set(Object.values(HttpRouteSpecRulesMatchesMethod) as string[]);
const REDIRECT_CODES = new Set(Object.values(HttpRouteSpecRulesFiltersRequestRedirectStatusCode).filter((v) => typeof v === 'number') as number[]);

/** Unsupported match fields and why. */
const MATCH_UNSUPPORTED: Readonly<Record<string, string>> = {
  port: 'a Gateway API rule cannot match a port; bind the route to one listener with a parentRef port or sectionName',
  sourceLabels: 'Gateway API has no match on the client\'s labels',
  sourceNamespace: 'Gateway API has no match on the client\'s namespace',
  gateways: 'a Gateway API route is bound to gateways by parentRefs, not per match',
  withoutHeaders: 'Gateway API has no negative header match',
  authority: 'Gateway API matches the host with the route\'s hostnames, not per match',
  scheme: 'Gateway API has no match on the scheme',
  ignoreUriCase: 'Gateway API path matches are case-sensitive',
  statPrefix: 'Gateway API has no per-match stat prefix',
};

/** Unsupported route fields and why. */
const ROUTE_UNSUPPORTED: Readonly<Record<string, string>> = {
  retries: 'HTTPRoute retries are in Gateway API\'s experimental channel only, which the standard CRDs Istio 1.30 is installed with do not have',
  fault: 'Gateway API has no fault injection',
  corsPolicy: 'this library does not translate CORS policies to Gateway API (the CORS filter is newer than much of the installed base of the standard channel)',
  directResponse: 'Gateway API has no direct response',
  delegate: 'Gateway API has no delegation of VirtualService routes',
  mirrorPercent: 'the deprecated mirrorPercent has no Gateway API form',
};

/**
 * Translates VirtualService `http[]` entries to HTTPRoute rules; `field` names the routes in errors
 * (e.g. `routes`), `scope` the construct.
 */
export function toHttpRouteRules(scope: IConstruct, field: string, http: readonly unknown[], t: HttpRouteTranslation): HttpRouteSpecRules[] {
  return http.map((route, i) => toRule(scope, `${field}[${i}]`, route, t));
}

function refuse(scope: IConstruct, field: string, value: unknown, why: string, t: HttpRouteTranslation): Error {
  return invalidInput(scope, field, value, `cannot be written as a Gateway API HTTPRoute: ${why}`, t.alternative);
}

function toRule(scope: IConstruct, field: string, raw: unknown, t: HttpRouteTranslation): HttpRouteSpecRules {
  const route = isRecord(raw) ? raw : {};
  for (const key of Object.keys(route)) {
    if (ROUTE_UNSUPPORTED[key] !== undefined) {
      throw refuse(scope, `${field}.${key}`, route[key], ROUTE_UNSUPPORTED[key], t);
    }
  }
  const matches = Array.isArray(route.match) ? route.match.map((m: unknown, j: number) => toMatch(scope, `${field}.match[${j}]`, m, t)) : [];
  const filters: HttpRouteSpecRulesFilters[] = [];
  const headers = isRecord(route.headers) ? route.headers : {};
  if (isRecord(headers.request)) {
    filters.push({ type: HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: headerModifier(headers.request) });
  }
  if (isRecord(headers.response)) {
    filters.push({ type: HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: headerModifier(headers.response) });
  }
  if (route.rewrite !== undefined) {
    filters.push(rewriteFilter(scope, `${field}.rewrite`, route.rewrite, matches, t));
  }
  const mirrors: unknown[] = [...(route.mirror !== undefined ? [{ destination: route.mirror, percentage: route.mirrorPercentage }] : []),
    ...(Array.isArray(route.mirrors) ? route.mirrors : [])];
  mirrors.forEach((m, j) => {
    const at = route.mirror !== undefined && j === 0 ? `${field}.mirror` : `${field}.mirrors[${route.mirror !== undefined ? j - 1 : j}]`;
    const entry = isRecord(m) ? m : {};
    const target = backend(scope, `${at}${route.mirror !== undefined && j === 0 ? '' : '.destination'}`, entry.destination, t);
    const value = isRecord(entry.percentage) && typeof entry.percentage.value === 'number' ? entry.percentage.value : undefined;
    filters.push({
      type: HttpRouteSpecRulesFiltersType.REQUEST_MIRROR,
      requestMirror: {
        backendRef: target.ref,
        ...(value === undefined || value === 100 ? {} : Number.isInteger(value) ? { percent: value } : { fraction: { numerator: Math.round(value * 10000), denominator: 1000000 } }),
      },
    });
  });
  let backendRefs: HttpRouteSpecRulesBackendRefs[] | undefined;
  if (route.redirect !== undefined) {
    filters.push(redirectFilter(scope, `${field}.redirect`, route.redirect, t));
  } else {
    const destinations: unknown[] = Array.isArray(route.route) ? route.route : [];
    backendRefs = destinations.map((d, j) => {
      const at = `${field}.route[${j}]`;
      const dest = isRecord(d) ? d : {};
      const target = backend(scope, `${at}.destination`, dest.destination, t);
      const destHeaders = isRecord(dest.headers) ? dest.headers : {};
      const refFilters: HttpRouteSpecRulesFilters[] = [];
      if (isRecord(destHeaders.request)) {
        refFilters.push({ type: HttpRouteSpecRulesFiltersType.REQUEST_HEADER_MODIFIER, requestHeaderModifier: headerModifier(destHeaders.request) });
      }
      if (isRecord(destHeaders.response)) {
        refFilters.push({ type: HttpRouteSpecRulesFiltersType.RESPONSE_HEADER_MODIFIER, responseHeaderModifier: headerModifier(destHeaders.response) });
      }
      return {
        ...target.ref,
        ...(destinations.length > 1 ? { weight: typeof dest.weight === 'number' ? dest.weight : 0 } : {}),
        ...(refFilters.length > 0 ? { filters: refFilters as any } : {}),
      };
    });
  }
  const timeout = typeof route.timeout === 'string' ? gatewayDuration(scope, `${field}.timeout`, route.timeout, t) : undefined;
  return {
    ...(typeof route.name === 'string' && route.name !== '' ? { name: ruleName(route.name) } : {}),
    ...(matches.length > 0 ? { matches } : {}),
    ...(filters.length > 0 ? { filters } : {}),
    ...(backendRefs !== undefined ? { backendRefs } : {}),
    ...(timeout !== undefined ? { timeouts: { request: timeout } } : {}),
  };
}

/** A rule name is a DNS-1123 label-like section name; route names of our constructs already are. */
function ruleName(name: string): string {
  return name.toLowerCase().replace(/[^a-z0-9-]/g, '-').replace(/^-+|-+$/g, '').slice(0, 63) || 'rule';
}

function toMatch(scope: IConstruct, field: string, raw: unknown, t: HttpRouteTranslation): HttpRouteSpecRulesMatches {
  const m = isRecord(raw) ? raw : {};
  for (const key of Object.keys(m)) {
    if (MATCH_UNSUPPORTED[key] !== undefined) {
      throw refuse(scope, `${field}.${key}`, m[key], MATCH_UNSUPPORTED[key], t);
    }
  }
  const out: { -readonly [K in keyof HttpRouteSpecRulesMatches]: HttpRouteSpecRulesMatches[K] } = {};
  if (isRecord(m.uri)) {
    const [how, value] = stringMatch(scope, `${field}.uri`, m.uri, t, true);
    out.path = {
      type: how === 'exact' ? HttpRouteSpecRulesMatchesPathType.EXACT : how === 'prefix' ? HttpRouteSpecRulesMatchesPathType.PATH_PREFIX : HttpRouteSpecRulesMatchesPathType.REGULAR_EXPRESSION,
      value,
    };
  }
  const headers = m.headers;
  if (isRecord(headers)) {
    out.headers = Object.keys(headers).sort().map((name) => {
      const [how, value] = stringMatch(scope, `${field}.headers.${name}`, headers[name], t, false);
      return { name, value, ...(how === 'regex' ? { type: HttpRouteSpecRulesMatchesHeadersType.REGULAR_EXPRESSION } : {}) };
    });
  }
  const queryParams = m.queryParams;
  if (isRecord(queryParams)) {
    out.queryParams = Object.keys(queryParams).sort().map((name) => {
      const [how, value] = stringMatch(scope, `${field}.queryParams.${name}`, queryParams[name], t, false);
      return { name, value, ...(how === 'regex' ? { type: HttpRouteSpecRulesMatchesQueryParamsType.REGULAR_EXPRESSION } : {}) };
    });
  }
  if (isRecord(m.method)) {
    const [how, value] = stringMatch(scope, `${field}.method`, m.method, t, false);
    if (how !== 'exact' || !METHODS.has(value)) {
      throw refuse(scope, `${field}.method`, m.method, `Gateway API matches one method exactly, one of ${[...METHODS].join(', ')}`, t);
    }
    out.method = value as HttpRouteSpecRulesMatchesMethod;
  }
  return out;
}

/** `{ exact | prefix | regex }` → [how, value]; a prefix only where Gateway API has one (paths). */
function stringMatch(scope: IConstruct, field: string, raw: unknown, t: HttpRouteTranslation, prefixAllowed: boolean): ['exact' | 'prefix' | 'regex', string] {
  const m = isRecord(raw) ? raw : {};
  for (const how of ['exact', 'prefix', 'regex'] as const) {
    if (typeof m[how] === 'string') {
      if (how === 'prefix' && !prefixAllowed) {
        throw refuse(scope, `${field}.prefix`, m.prefix, 'Gateway API matches headers, query parameters and methods exactly or by regex, not by prefix',
          { ...t, alternative: `match a regex instead, e.g. HttpMatch.headerRegex(name, "^${m.prefix}.*"), or ${t.alternative}` });
      }
      return [how, m[how]];
    }
  }
  throw refuse(scope, field, raw, 'it has no exact, prefix or regex value', t);
}

function headerModifier(raw: Record<string, any>): { set?: { name: string; value: string }[]; add?: { name: string; value: string }[]; remove?: string[] } {
  const pairs = (v: unknown) => (isRecord(v) ? Object.keys(v).sort().map((name) => ({ name, value: String(v[name]) })) : []);
  const set = pairs(raw.set);
  const add = pairs(raw.add);
  const remove = Array.isArray(raw.remove) ? raw.remove.map(String) : [];
  return { ...(set.length ? { set } : {}), ...(add.length ? { add } : {}), ...(remove.length ? { remove } : {}) };
}

function rewriteFilter(scope: IConstruct, field: string, raw: unknown, matches: readonly HttpRouteSpecRulesMatches[], t: HttpRouteTranslation): HttpRouteSpecRulesFilters {
  const r = isRecord(raw) ? raw : {};
  if (r.uriRegexRewrite !== undefined) {
    throw refuse(scope, `${field}.uriRegexRewrite`, r.uriRegexRewrite, 'Gateway API rewrites a whole path or a matched prefix, not by regex', t);
  }
  const out: { hostname?: string; path?: any } = {};
  if (typeof r.authority === 'string') {
    out.hostname = r.authority;
  }
  if (typeof r.uri === 'string') {
    // Istio replaces the matched prefix; with exact matches (or none) the whole path.
    const kinds = new Set(matches.map((m) => m.path?.type));
    if (kinds.size === 1 && kinds.has(HttpRouteSpecRulesMatchesPathType.PATH_PREFIX)) {
      out.path = { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_PREFIX_MATCH, replacePrefixMatch: r.uri };
    } else if (matches.every((m) => m.path?.type === HttpRouteSpecRulesMatchesPathType.EXACT)) {
      out.path = { type: HttpRouteSpecRulesFiltersUrlRewritePathType.REPLACE_FULL_PATH, replaceFullPath: r.uri };
    } else {
      throw refuse(scope, `${field}.uri`, r.uri, 'Gateway API rewrites the matched prefix only when every match of the rule is a path prefix, and the whole path only for exact matches',
        { ...t, alternative: `split the route so that its matches are all prefixes or all exact paths, or ${t.alternative}` });
    }
  }
  return { type: HttpRouteSpecRulesFiltersType.URL_REWRITE, urlRewrite: out };
}

function redirectFilter(scope: IConstruct, field: string, raw: unknown, t: HttpRouteTranslation): HttpRouteSpecRulesFilters {
  const r = isRecord(raw) ? raw : {};
  if (r.derivePort !== undefined) {
    throw refuse(scope, `${field}.derivePort`, r.derivePort, 'Gateway API derives the redirect port from the scheme only', t);
  }
  const code = typeof r.redirectCode === 'number' ? r.redirectCode : 301;
  if (!REDIRECT_CODES.has(code)) {
    throw refuse(scope, `${field}.redirectCode`, code, `Gateway API redirects with ${[...REDIRECT_CODES].join(', ')}`, t);
  }
  if (typeof r.scheme === 'string' && r.scheme !== 'http' && r.scheme !== 'https') {
    throw refuse(scope, `${field}.scheme`, r.scheme, 'Gateway API redirects to http or https', t);
  }
  return {
    type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
    requestRedirect: {
      ...(typeof r.scheme === 'string' ? { scheme: r.scheme as HttpRouteSpecRulesFiltersRequestRedirectScheme } : {}),
      ...(typeof r.authority === 'string' ? { hostname: r.authority } : {}),
      ...(typeof r.uri === 'string' ? { path: { type: HttpRouteSpecRulesFiltersRequestRedirectPathType.REPLACE_FULL_PATH, replaceFullPath: r.uri } } : {}),
      ...(typeof r.port === 'number' ? { port: r.port } : {}),
      statusCode: code as HttpRouteSpecRulesFiltersRequestRedirectStatusCode,
    },
  };
}

/** A destination (`{ host, subset?, port? }`) as a Gateway API backend reference. */
function backend(scope: IConstruct, field: string, raw: unknown, t: HttpRouteTranslation): { ref: HttpRouteSpecRulesBackendRefs; target: BackendTarget } {
  const d = isRecord(raw) ? raw : {};
  const host = typeof d.host === 'string' ? d.host.toLowerCase() : '';
  const port = isRecord(d.port) && typeof d.port.number === 'number' ? d.port.number : undefined;
  const target = backendTarget(scope, `${field}.host`, host, t);
  if (typeof d.subset === 'string') {
    const fqdn = target.kind === undefined ? `${target.name}.${target.namespace ?? t.namespace}.svc.cluster.local` : host;
    const service = t.subsetServices?.[`${fqdn}/${d.subset}`];
    if (service === undefined) {
      throw refuse(scope, `${field}.subset`, d.subset,
        `Gateway API routes to Services, not to subsets of one; the "${d.subset}" version of ${fqdn} needs a Service of its own that selects only its pods`,
        { ...t, alternative: `create a Service per version (e.g. "${target.name}-${d.subset}") and route to it, or ${t.alternative}` });
    }
    return { ref: { name: service, ...(target.namespace ? { namespace: target.namespace } : {}), ...(port !== undefined ? { port } : {}) }, target: { ...target, name: service } };
  }
  if (port === undefined && target.kind === undefined) {
    throw refuse(scope, `${field}.port`, undefined, `Gateway API requires the port of a Service backend (${host})`,
      { ...t, alternative: 'give the destination port, e.g. destination: { host, port: 9080 }' });
  }
  return {
    ref: {
      ...(target.group !== undefined ? { group: target.group, kind: target.kind } : {}),
      name: target.name,
      ...(target.namespace ? { namespace: target.namespace } : {}),
      ...(port !== undefined ? { port } : {}),
    },
    target,
  };
}

function backendTarget(scope: IConstruct, field: string, host: string, t: HttpRouteTranslation): BackendTarget {
  const service = /^([a-z0-9-]+)\.([a-z0-9-]+)\.svc\.cluster\.local$/.exec(host);
  if (service) {
    return service[2] === t.namespace ? { name: service[1] } : { name: service[1], namespace: service[2] };
  }
  if (/^[a-z0-9-]+$/.test(host)) {
    return { name: host };
  }
  if (/^[a-z0-9-]+\.[a-z0-9-]+$/.test(host) || host === '' || host.includes('*')) {
    throw refuse(scope, field, host, host === '' ? 'it names no host' : `${JSON.stringify(host)} is neither a Service (name.namespace.svc.cluster.local) nor a DNS host of a ServiceEntry`,
      { ...t, alternative: 'name the Service fully qualified, e.g. "reviews.bookinfo.svc.cluster.local"' });
  }
  // A host of a ServiceEntry: Istio's own backend kind.
  return { group: 'networking.istio.io', kind: 'Hostname', name: host };
}

/** Istio's duration (`"5s"`, `"1.5s"`, `"250ms"`) in Gateway API's form (`"5s"`, `"1500ms"`). */
function gatewayDuration(scope: IConstruct, field: string, value: string, t: HttpRouteTranslation): string {
  const m = /^(\d+)(?:\.(\d{1,3}))?s$/.exec(value);
  const ms = /^(\d+)ms$/.exec(value);
  let millis: number | undefined;
  if (m) {
    millis = Number(m[1]) * 1000 + Number((m[2] ?? '').padEnd(3, '0') || 0);
  } else if (ms) {
    millis = Number(ms[1]);
  }
  if (millis === undefined) {
    throw refuse(scope, field, value, 'it is not a duration of whole milliseconds', t);
  }
  const text = millis % 1000 === 0 ? `${millis / 1000}s` : `${millis}ms`;
  if (!/^([0-9]{1,5}(h|m|s|ms)){1,4}$/.test(text)) {
    throw refuse(scope, field, value, 'Gateway API durations have at most 5 digits per unit (99999s)', t);
  }
  return text;
}

/** The backend Services of the rules (for ReferenceGrants and checks), in order, without repeats. */
export function backendTargets(rules: readonly HttpRouteSpecRules[]): BackendTarget[] {
  const out = new Map<string, BackendTarget>();
  const add = (ref: { name: string; namespace?: string; group?: string; kind?: string }) => {
    const key = `${ref.group ?? ''}/${ref.kind ?? ''}/${ref.namespace ?? ''}/${ref.name}`;
    if (!out.has(key)) out.set(key, { name: ref.name, ...(ref.namespace ? { namespace: ref.namespace } : {}), ...(ref.group ? { group: ref.group, kind: ref.kind } : {}) });
  };
  for (const rule of rules) {
    for (const b of rule.backendRefs ?? []) add(b);
    for (const f of rule.filters ?? []) if (f.requestMirror) add(f.requestMirror.backendRef);
  }
  return [...out.values()];
}
