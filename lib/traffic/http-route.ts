import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import {
  VirtualServiceSpecHttp, VirtualServiceSpecHttpCorsPolicy, VirtualServiceSpecHttpDirectResponse, VirtualServiceSpecHttpFault,
  VirtualServiceSpecHttpHeaders, VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpRedirect, VirtualServiceSpecHttpRetries,
  VirtualServiceSpecHttpRewrite,
} from '../../imports/networking.istio.io';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { parseServiceHost } from '../core/hostnames';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkNumber, checkOptions, checkString, checkStringMap } from '../core/input';
import { isHeaderName } from '../core/names';
import { checkPort } from '../core/ports';
import { sortedRecord } from '../core/records';
import { checkRegex } from '../core/regex';
import { EnvironmentProfile } from '../environment';
import { HttpMethod } from '../security/authorization';
import { checkServiceHost } from './checks';
import { HttpMatch } from './match';
import { RouteResilience, renderResilience } from './route-options';
import { Subset } from './subset';

/**
 * A destination of a route: a host (by default the route's own), optionally one of its subsets and a
 * port, and its share of the traffic.
 */
export interface RouteDestination {
  /**
   * The destination host. A short name (`reviews`) is resolved where the route's default host is
   * (the VirtualService's namespace for mesh routes, the destination's namespace for gateway routes).
   * @default the route's host: the `host` of a `HostRoutes`, the `destination.host` of a gateway route
   */
  readonly host?: string;
  /**
   * A subset of the host: defined here (`Subset.fromLabels`, `Subset.fromWorkload`: added to the host's
   * shared DestinationRule), or defined elsewhere and named (`Subset.named('v2')`: the analyzer reports
   * a subset no DestinationRule of the host defines, IST0101).
   * @default the whole host
   */
  readonly subset?: Subset;
  /**
   * The Service port to send to (required by Istio when the host has several ports).
   * @default the host's only port, or the port the request came in on
   */
  readonly port?: number;
  /**
   * Share of the route's traffic in percent, a whole number 0–100. With several destinations every one
   * needs a weight and the weights sum to 100 (an A/B/n split reads as percentages; Istio itself takes
   * them as relative proportions, ISTIO-RULES V1).
   * @default 100 for a single destination
   */
  readonly weight?: number;
}

/** A regex rewrite of the path (`rewrite.uriRegexRewrite`). */
export interface UriRegexRewrite {
  /** RE2 regex over the path. */
  readonly match: string;
  /** The replacement; `\1`, `\2`, ... insert capture groups. */
  readonly rewrite: string;
}

/** How a route rewrites the request before forwarding it (`http[].rewrite`). */
export interface HttpRewrite {
  /**
   * Replace the part of the path the match's `uri` matched (the whole path for an exact match, the
   * prefix for a prefix match). Excludes `uriRegex`.
   * @default the path is kept
   */
  readonly uri?: string;
  /**
   * Replace the path by a regex (RE2). Excludes `uri`.
   * @default none
   */
  readonly uriRegex?: UriRegexRewrite;
  /**
   * Replace the Host / `:authority` header.
   * @default kept
   */
  readonly authority?: string;
}

/** The scheme of a redirect. */
export enum RedirectScheme {
  /** `http`. */
  HTTP = 'http',
  /** `https`. */
  HTTPS = 'https',
}

/** A redirect answered by the proxy (`http[].redirect`); at least one of uri, authority, port, scheme. */
export interface HttpRedirect {
  /**
   * Replace the path.
   * @default kept
   */
  readonly uri?: string;
  /**
   * Replace the authority (host).
   * @default kept
   */
  readonly authority?: string;
  /**
   * Replace the port.
   * @default the scheme's default port
   */
  readonly port?: number;
  /**
   * Replace the scheme.
   * @default kept
   */
  readonly scheme?: RedirectScheme;
  /**
   * The status: 301, 302, 303, 307 or 308.
   * @default 301
   */
  readonly redirectCode?: number;
}

/** A fixed response answered by the proxy (`http[].directResponse`). */
export interface HttpDirectResponse {
  /** The HTTP status, 200–599. */
  readonly status: number;
  /**
   * The response body, as text.
   * @default no body
   */
  readonly body?: string;
}

/** Changes to the headers of a request or a response. */
export interface HeaderOperations {
  /**
   * Headers to set, replacing any value they had.
   * @default none
   */
  readonly set?: { [name: string]: string };
  /**
   * Headers to append a value to.
   * @default none
   */
  readonly add?: { [name: string]: string };
  /**
   * Headers to remove.
   * @default none
   */
  readonly remove?: string[];
}

/** Header manipulation of a route (`http[].headers`). */
export interface HeaderManipulation {
  /**
   * Changes to the request before it is forwarded.
   * @default none
   */
  readonly request?: HeaderOperations;
  /**
   * Changes to the response before it is returned.
   * @default none
   */
  readonly response?: HeaderOperations;
}

/** How a string is matched (CORS origins). */
export class StringMatch {
  /** Exactly `value`. */
  public static exact(value: string): StringMatch {
    return new StringMatch('exact', value);
  }

  /** Starts with `prefix`. */
  public static prefix(prefix: string): StringMatch {
    return new StringMatch('prefix', prefix);
  }

  /** Matches the RE2 `regex`. */
  public static regex(regex: string): StringMatch {
    return new StringMatch('regex', regex);
  }

  private constructor(private readonly how: 'exact' | 'prefix' | 'regex', private readonly value: string) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): { exact?: string; prefix?: string; regex?: string } {
    const value = checkString(scope, `${field}.${this.how}`, this.value, { minLength: 1, fix: 'give a non-empty value' });
    if (this.how === 'regex') {
      checkRegex(scope, `${field}.regex`, value);
    }
    return { [this.how]: value };
  }
}

/** A CORS policy answered by the proxy (`http[].corsPolicy`). */
export interface CorsPolicy {
  /** Origins allowed to make cross-origin requests, e.g. `StringMatch.exact('https://shop.example.com')`. */
  readonly allowOrigins: StringMatch[];
  /**
   * Methods allowed (`Access-Control-Allow-Methods`).
   * @default none listed
   */
  readonly allowMethods?: HttpMethod[];
  /**
   * Request headers allowed (`Access-Control-Allow-Headers`).
   * @default none listed
   */
  readonly allowHeaders?: string[];
  /**
   * Response headers the browser may read (`Access-Control-Expose-Headers`).
   * @default none listed
   */
  readonly exposeHeaders?: string[];
  /**
   * How long a preflight answer may be cached, whole seconds (ISTIO-RULES V2).
   * @default not sent
   */
  readonly maxAge?: Duration;
  /**
   * Whether credentials are allowed (`Access-Control-Allow-Credentials`).
   * @default not sent
   */
  readonly allowCredentials?: boolean;
}

/** A copy of the route's requests sent to another destination, whose answers are dropped (`http[].mirror`). */
export interface RouteMirror {
  /**
   * The mirror host.
   * @default the route's host
   */
  readonly host?: string;
  /**
   * A subset of the mirror host (defined here or named, as for route destinations).
   * @default the whole host
   */
  readonly subset?: Subset;
  /**
   * The Service port.
   * @default the host's only port
   */
  readonly port?: number;
  /**
   * Share of requests mirrored, 0–100 (ISTIO-RULES V5).
   * @default 100
   */
  readonly percent?: number;
}

/** One HTTP route: where matching requests go, and what happens to them on the way. */
export interface HttpRouteOptions extends RouteResilience {
  /**
   * Route name, shown in proxy stats and access logs.
   * @default none
   */
  readonly name?: string;
  /**
   * Requests matching any of these take this route.
   * @default every request (a default route: at most one per host, and last)
   */
  readonly match?: HttpMatch[];
  /**
   * Send the requests to this subset of the route's host. Excludes `destinations`.
   * @default the whole host
   */
  readonly to?: Subset;
  /**
   * Where the requests go: one or more weighted destinations (an A/B/n split: weights in percent,
   * summing to 100). Excludes `to`, `redirect` and `directResponse`.
   * @default the route's host (with `to`'s subset), unless the route redirects or answers directly
   */
  readonly destinations?: RouteDestination[];
  /**
   * Rewrite the path or authority before forwarding. Excludes `redirect` and `directResponse` (V4).
   * @default none
   */
  readonly rewrite?: HttpRewrite;
  /**
   * Answer with a redirect instead of forwarding. Excludes destinations, `directResponse`, `rewrite`,
   * `fault`, `mirror`, `timeout` and `retries` (V4).
   * @default none
   */
  readonly redirect?: HttpRedirect;
  /**
   * Answer with a fixed response instead of forwarding. Excludes what `redirect` excludes (V4).
   * @default none
   */
  readonly directResponse?: HttpDirectResponse;
  /**
   * Request and response header changes.
   * @default none
   */
  readonly headers?: HeaderManipulation;
  /**
   * CORS policy.
   * @default none
   */
  readonly corsPolicy?: CorsPolicy;
  /**
   * Mirror a share of the requests to another destination.
   * @default none
   */
  readonly mirror?: RouteMirror;
}

/**
 * A destination of the typed route model: `host` undefined means the route's host, which the renderer
 * fills in (so one model renders for a mesh VirtualService and for a gateway that applies it).
 * @internal
 */
export interface RouteDestinationModel {
  readonly host?: string;
  readonly subset?: string;
  readonly port?: number;
  readonly weight?: number;
}

/**
 * One HTTP route, checked: what {@link renderHttpRoute} turns into a VirtualService `http[]` entry.
 * Matches, header changes, CORS, retries and faults are already in Istio's shape (their value classes
 * render them); destinations and the mirror keep the host open.
 * @internal
 */
export interface HttpRouteModel {
  readonly name?: string;
  readonly match?: VirtualServiceSpecHttpMatch[];
  /** Empty when the route redirects or answers directly. */
  readonly destinations: RouteDestinationModel[];
  readonly redirect?: VirtualServiceSpecHttpRedirect;
  readonly directResponse?: VirtualServiceSpecHttpDirectResponse;
  readonly rewrite?: VirtualServiceSpecHttpRewrite;
  readonly headers?: VirtualServiceSpecHttpHeaders;
  readonly corsPolicy?: VirtualServiceSpecHttpCorsPolicy;
  readonly mirror?: RouteDestinationModel;
  readonly mirrorPercent?: number;
  readonly timeout?: string;
  readonly retries?: VirtualServiceSpecHttpRetries;
  readonly fault?: VirtualServiceSpecHttpFault;
}

/** Where a route's defaults come from when rendering: the route's host, and a port for destinations that name none. */
export interface RouteRenderTarget {
  /** The host of destinations that name none. */
  readonly host: string;
  /** The port of destinations to that host that name none. */
  readonly port?: number;
}

function destinationJson(d: RouteDestinationModel, target: RouteRenderTarget) {
  const port = d.port ?? (d.host === undefined ? target.port : undefined);
  return {
    host: d.host ?? target.host,
    ...(port !== undefined ? { port: { number: port } } : {}),
    ...(d.subset !== undefined ? { subset: d.subset } : {}),
  };
}

/**
 * THE place where an HTTP route becomes JSON: one checked route model to one entry of a
 * `networking.istio.io/v1` VirtualService's `http` list. Pure (no construct, no chart, no side effect),
 * and total on checked models: it never throws. Mesh routes (`TrafficHost`), gateway routes and the
 * copy a gateway applies (`applyHostRoutes`) all render through it, and a translation to another API
 * (Gateway API's HTTPRoute) reads its output.
 *
 * The entry's keys, in this order, each only when set:
 * - `name`: string;
 * - `match`: list of `{ gateways?, headers?: { <lowercase name>: { exact | prefix | regex } }, method?: { exact },
 *   port?, queryParams?: { <name>: { exact | regex } }, sourceLabels?, sourceNamespace?, uri?: { exact | prefix | regex },
 *   withoutHeaders?: { <name>: {} | { exact | prefix | regex } } }` (any entry matches; keys of one entry all must);
 * - `route`: list of `{ destination: { host, port?: { number }, subset? }, weight? }` (absent with `redirect` or
 *   `directResponse`; `weight` only with several destinations, in percent summing to 100);
 * - `redirect`: `{ uri?, authority?, port?, scheme?, redirectCode? }`;
 * - `directResponse`: `{ status, body?: { string } }`;
 * - `rewrite`: `{ uri? | uriRegexRewrite?: { match, rewrite }, authority? }`;
 * - `headers`: `{ request?: { set?, add?, remove? }, response?: { set?, add?, remove? } }` (maps sorted by name);
 * - `corsPolicy`: `{ allowOrigins: [{ exact | prefix | regex }], allowMethods?, allowHeaders?, exposeHeaders?, maxAge?, allowCredentials? }`;
 * - `mirror`: `{ host, port?: { number }, subset? }` and `mirrorPercentage: { value }`;
 * - `timeout`: duration string; `retries`: `{ attempts, perTryTimeout?, retryOn?, backoff?, retryRemoteLocalities? }`;
 * - `fault`: `{ delay?: { fixedDelay, percentage: { value } }, abort?: { httpStatus, percentage: { value } } }`.
 *
 * @param route the checked route
 * @param target the host (and port) of destinations and mirrors that name no host
 * @internal
 */
export function renderHttpRoute(route: HttpRouteModel, target: RouteRenderTarget): VirtualServiceSpecHttp {
  const several = route.destinations.length > 1;
  return {
    ...(route.name ? { name: route.name } : {}),
    ...(route.match && route.match.length ? { match: route.match.map((m) => JSON.parse(JSON.stringify(m))) } : {}),
    ...(route.destinations.length ? {
      route: route.destinations.map((d) => ({
        destination: destinationJson(d, target),
        ...(d.weight !== undefined && (several || d.weight !== 100) ? { weight: d.weight } : {}),
      })),
    } : {}),
    ...(route.redirect ? { redirect: { ...route.redirect } } : {}),
    ...(route.directResponse ? { directResponse: JSON.parse(JSON.stringify(route.directResponse)) } : {}),
    ...(route.rewrite ? { rewrite: JSON.parse(JSON.stringify(route.rewrite)) } : {}),
    ...(route.headers ? { headers: JSON.parse(JSON.stringify(route.headers)) } : {}),
    ...(route.corsPolicy ? { corsPolicy: JSON.parse(JSON.stringify(route.corsPolicy)) } : {}),
    ...(route.mirror ? { mirror: destinationJson(route.mirror, target) } : {}),
    ...(route.mirror && route.mirrorPercent !== undefined ? { mirrorPercentage: { value: route.mirrorPercent } } : {}),
    ...(route.timeout ? { timeout: route.timeout } : {}),
    ...(route.retries ? { retries: JSON.parse(JSON.stringify(route.retries)) } : {}),
    ...(route.fault ? { fault: JSON.parse(JSON.stringify(route.fault)) } : {}),
  };
}

/** A subset definition a checked route brings, for the construct to add to the host's DestinationRule. */
export interface RouteSubsetDefinition {
  /** The host as written (undefined: the route's host). */
  readonly host?: string;
  readonly subset: Subset;
  readonly field: string;
}

/** What {@link checkHttpRoute} returns. @internal */
export interface CheckedHttpRoute {
  readonly model: HttpRouteModel;
  /** Subsets defined by the route (not references), to add to their hosts' DestinationRules. */
  readonly definitions: RouteSubsetDefinition[];
  /** Whether the route has no match (the default route). */
  readonly catchAll: boolean;
}

const ROUTE_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const REDIRECT_CODES = [301, 302, 303, 307, 308];

function headerName(scope: IConstruct, field: string, name: unknown): string {
  if (!isHeaderName(name)) {
    throw invalidInput(scope, field, name, 'is not an HTTP header name (a token: letters, digits and !#$%&\'*+-.^_`|~)', 'use a name such as "x-request-source"');
  }
  return name;
}

function headerOperations(scope: IConstruct, field: string, value: HeaderOperations): { set?: Record<string, string>; add?: Record<string, string>; remove?: string[] } {
  const o = checkOptions(scope, field, value, 'HeaderOperations');
  const map = (k: 'set' | 'add') => o[k] === undefined ? undefined : sortedRecord(checkStringMap(scope, `${field}.${k}`, o[k], {
    fix: 'give headers such as { "x-request-source": "gateway" }',
    key: (key) => { headerName(scope, `${field}.${k}`, key); },
  }));
  const set = map('set');
  const add = map('add');
  const remove = o.remove === undefined ? undefined : checkArray(scope, `${field}.remove`, o.remove, (h, f) => headerName(scope, f, h),
    { minItems: 1, fix: 'list header names, or leave remove out' });
  if (set === undefined && add === undefined && remove === undefined) {
    throw invalidInput(scope, field, value, 'changes no header', 'give set, add or remove, or leave it out');
  }
  for (const name of Object.keys(add ?? {})) {
    if (set && Object.keys(set).some((s) => s.toLowerCase() === name.toLowerCase())) {
      throw invalidInput(scope, `${field}.add.${name}`, add![name], 'is also in set; set replaces the header, so adding to it is never what happens',
        'keep the header in one of set and add');
    }
  }
  return { ...(set && Object.keys(set).length ? { set } : {}), ...(add && Object.keys(add).length ? { add } : {}), ...(remove ? { remove: [...new Set(remove)] } : {}) };
}

/**
 * The weighted destinations of a route (HTTP, TCP or TLS), checked: each destination's host (by
 * `hostOf`), subset (by `subsetOf`, which may record a definition), port and weight; with several, every
 * one weighted, the weights summing to 100 (V1) and no destination twice; alone, a weight of 100 or none.
 * @internal
 */
export function checkRouteDestinations(scope: IConstruct, field: string, list: unknown,
  hostOf: (value: unknown, field: string) => string, subsetOf: (value: unknown, field: string, host: string | undefined) => string): RouteDestinationModel[] {
  const destinations: RouteDestinationModel[] = checkArray(scope, `${field}.destinations`, list, (item, df) => {
    const d = checkOptions(scope, df, item as RouteDestination, 'RouteDestination');
    const host = d.host === undefined ? undefined : hostOf(d.host, `${df}.host`);
    const subset = d.subset === undefined ? undefined : subsetOf(d.subset, `${df}.subset`, host);
    const port = d.port === undefined ? undefined : checkPort(scope, `${df}.port`, d.port);
    const weight = d.weight === undefined ? undefined : checkInteger(scope, `${df}.weight`, d.weight, { minimum: 0, maximum: 100, fix: 'give a whole percentage from 0 to 100' });
    return { ...(host !== undefined ? { host } : {}), ...(subset !== undefined ? { subset } : {}), ...(port !== undefined ? { port } : {}), ...(weight !== undefined ? { weight } : {}) };
  }, { minItems: 1, fix: 'give at least one destination, or leave destinations out for the route\'s host' });
  if (destinations.length > 1) {
    destinations.forEach((d, i) => {
      if (d.weight === undefined) {
        throw invalidInput(scope, `${field}.destinations[${i}].weight`, undefined, 'is missing while the route has several destinations (V1)', 'give every destination a weight in percent');
      }
    });
    const total = destinations.reduce((sum, d) => sum + d.weight!, 0);
    if (total !== 100) {
      throw invalidInput(scope, `${field}.destinations`, destinations.map((d) => d.weight), `weigh ${total} in total, not 100: weights are percentages of the route's traffic`,
        'make the weights sum to 100, e.g. [50, 50] or [80, 10, 10]');
    }
    const seen = new Set<string>();
    destinations.forEach((d, i) => {
      const key = `${d.host ?? ''}|${d.subset ?? ''}|${d.port ?? ''}`;
      if (seen.has(key)) {
        throw invalidInput(scope, `${field}.destinations[${i}]`, d, 'is listed twice', 'merge the weights of one destination');
      }
      seen.add(key);
    });
  } else if (destinations[0].weight !== undefined && destinations[0].weight !== 100) {
    throw invalidInput(scope, `${field}.destinations[0].weight`, destinations[0].weight, 'is not 100 on the only destination, which gets every request whatever its weight',
      'leave the weight out, or add the other destinations');
  }
  return destinations;
}

/**
 * Checks one HTTP route (ISTIO-RULES V1–V5, V7 and the shapes of every part) and returns its model.
 *
 * @param scope the construct (named in errors)
 * @param field the route's prop path, e.g. `routes[0]`
 * @param env the environment (fault injection is refused in production)
 * @internal
 */
export function checkHttpRoute(scope: IConstruct, field: string, options: HttpRouteOptions, env: EnvironmentProfile): CheckedHttpRoute {
  const r = checkOptions(scope, field, options, 'HttpRouteOptions');
  const f = (k: string) => `${field}.${k}`;
  if (r.name !== undefined) {
    checkString(scope, f('name'), r.name, { pattern: ROUTE_NAME, what: 'a route name', fix: 'use letters, digits, "-", "_" and "."' });
  }
  const catchAll = r.match === undefined;
  const match = catchAll ? undefined : checkArray(scope, f('match'), r.match,
    (m, mf) => checkInstance(scope, mf, m, HttpMatch, 'use HttpMatch.uriPrefix(), HttpMatch.header() and the like')._render(scope, mf),
    { minItems: 1, fix: 'list at least one HttpMatch, or leave match out for the default route' });
  const definitions: RouteSubsetDefinition[] = [];
  const subsetOf = (value: unknown, sf: string, host: string | undefined): string => {
    const subset = checkInstance(scope, sf, value, Subset, 'use Subset.named("v1") for a subset defined elsewhere, or Subset.fromLabels() / Subset.fromWorkload()');
    const { name } = subset._check(scope, sf);
    if (!subset.isReference) definitions.push({ host, subset, field: sf });
    return name;
  };
  const hostOf = (value: unknown, hf: string): string =>
    checkServiceHost(scope, hf, checkString(scope, hf, value, { fix: 'name the service, e.g. "reviews" or "reviews.bookinfo.svc.cluster.local"' }), false);

  // V4: one of route / redirect / directResponse.
  const answered = r.redirect !== undefined ? 'redirect' : r.directResponse !== undefined ? 'directResponse' : undefined;
  if (r.redirect !== undefined && r.directResponse !== undefined) {
    throw invalidInput(scope, f('directResponse'), r.directResponse.status, 'is set together with redirect, which istiod rejects (V4)', 'give one of them');
  }
  if (answered) {
    const extra = (['to', 'destinations', 'rewrite', 'fault', 'mirror', 'timeout', 'retries'] as const).find((k) => r[k] !== undefined);
    if (extra) {
      throw invalidInput(scope, f(extra), extra === 'timeout' ? `${r.timeout!.toMilliseconds()}ms` : extra,
        `is set together with ${answered}: the proxy answers the request itself, so it is never forwarded (V4)`, `drop ${extra}, or drop ${answered}`);
    }
  }
  if (r.to !== undefined && r.destinations !== undefined) {
    throw invalidInput(scope, f('to'), (r.to as Subset)?.name, 'is set together with destinations', 'give the subset in the destination instead (destinations: [{ subset }])');
  }

  let destinations: RouteDestinationModel[] = [];
  if (r.destinations !== undefined) {
    destinations = checkRouteDestinations(scope, field, r.destinations, hostOf, subsetOf);
  } else if (!answered) {
    destinations = [r.to === undefined ? {} : { subset: subsetOf(r.to, f('to'), undefined) }];
  }

  let redirect: VirtualServiceSpecHttpRedirect | undefined;
  if (r.redirect !== undefined) {
    const o = checkOptions(scope, f('redirect'), r.redirect, 'HttpRedirect');
    const uri = o.uri === undefined ? undefined : checkString(scope, f('redirect.uri'), o.uri, { pattern: /^\//, what: 'a path', fix: 'start the path with "/"' });
    const authority = o.authority === undefined ? undefined : checkString(scope, f('redirect.authority'), o.authority, { minLength: 1, fix: 'give a host such as "shop.example.com"' });
    const port = o.port === undefined ? undefined : checkPort(scope, f('redirect.port'), o.port);
    const scheme = o.scheme === undefined ? undefined : checkEnum(scope, f('redirect.scheme'), o.scheme, RedirectScheme, 'RedirectScheme');
    const code = o.redirectCode === undefined ? undefined : checkInteger(scope, f('redirect.redirectCode'), o.redirectCode, { fix: 'use 301, 302, 303, 307 or 308' });
    if (code !== undefined && !REDIRECT_CODES.includes(code)) {
      throw invalidInput(scope, f('redirect.redirectCode'), code, 'is not a redirect status Envoy sends', 'use 301, 302, 303, 307 or 308');
    }
    if (uri === undefined && authority === undefined && port === undefined && scheme === undefined) {
      throw invalidInput(scope, f('redirect'), r.redirect, 'changes nothing, so it would redirect to the same URL forever', 'give uri, authority, port or scheme');
    }
    redirect = {
      ...(uri !== undefined ? { uri } : {}), ...(authority !== undefined ? { authority } : {}), ...(port !== undefined ? { port } : {}),
      ...(scheme !== undefined ? { scheme } : {}), ...(code !== undefined ? { redirectCode: code } : {}),
    };
  }

  let directResponse: VirtualServiceSpecHttpDirectResponse | undefined;
  if (r.directResponse !== undefined) {
    const o = checkOptions(scope, f('directResponse'), r.directResponse, 'HttpDirectResponse');
    const status = checkInteger(scope, f('directResponse.status'), o.status, { minimum: 200, maximum: 599, fix: 'use an HTTP status from 200 to 599, e.g. 404' });
    const body = o.body === undefined ? undefined : checkString(scope, f('directResponse.body'), o.body, { fix: 'give the body as text' });
    directResponse = { status, ...(body !== undefined ? { body: { string: body } } : {}) };
  }

  let rewrite: VirtualServiceSpecHttpRewrite | undefined;
  if (r.rewrite !== undefined) {
    const o = checkOptions(scope, f('rewrite'), r.rewrite, 'HttpRewrite');
    if (o.uri !== undefined && o.uriRegex !== undefined) {
      throw invalidInput(scope, f('rewrite.uriRegex'), o.uriRegex.match, 'is set together with rewrite.uri, which istiod rejects', 'give one of them');
    }
    const uri = o.uri === undefined ? undefined : checkString(scope, f('rewrite.uri'), o.uri, { fix: 'give the path, e.g. "/"' });
    let uriRegexRewrite;
    if (o.uriRegex !== undefined) {
      const x = checkOptions(scope, f('rewrite.uriRegex'), o.uriRegex, 'UriRegexRewrite');
      uriRegexRewrite = {
        match: checkRegex(scope, f('rewrite.uriRegex.match'), checkString(scope, f('rewrite.uriRegex.match'), x.match, { fix: 'give an RE2 regex' })),
        rewrite: checkString(scope, f('rewrite.uriRegex.rewrite'), x.rewrite, { fix: 'give the replacement, e.g. "/v2/\\\\1"' }),
      };
    }
    const authority = o.authority === undefined ? undefined : checkString(scope, f('rewrite.authority'), o.authority, { minLength: 1, fix: 'give a host such as "api.internal"' });
    if (uri === undefined && uriRegexRewrite === undefined && authority === undefined) {
      throw invalidInput(scope, f('rewrite'), r.rewrite, 'rewrites nothing', 'give uri, uriRegex or authority, or leave rewrite out');
    }
    rewrite = { ...(uri !== undefined ? { uri } : {}), ...(uriRegexRewrite ? { uriRegexRewrite } : {}), ...(authority !== undefined ? { authority } : {}) };
  }

  let headers: VirtualServiceSpecHttpHeaders | undefined;
  if (r.headers !== undefined) {
    const o = checkOptions(scope, f('headers'), r.headers, 'HeaderManipulation');
    if (o.request === undefined && o.response === undefined) {
      throw invalidInput(scope, f('headers'), r.headers, 'changes no header', 'give request or response, or leave headers out');
    }
    headers = {
      ...(o.request !== undefined ? { request: headerOperations(scope, f('headers.request'), o.request) } : {}),
      ...(o.response !== undefined ? { response: headerOperations(scope, f('headers.response'), o.response) } : {}),
    };
  }

  let corsPolicy: VirtualServiceSpecHttpCorsPolicy | undefined;
  if (r.corsPolicy !== undefined) {
    const o = checkOptions(scope, f('corsPolicy'), r.corsPolicy, 'CorsPolicy');
    const allowOrigins = checkArray(scope, f('corsPolicy.allowOrigins'), o.allowOrigins,
      (m, mf) => checkInstance(scope, mf, m, StringMatch, 'use StringMatch.exact("https://shop.example.com") and the like')._render(scope, mf),
      { minItems: 1, fix: 'list the origins allowed, e.g. [StringMatch.exact("https://shop.example.com")]' });
    const allowMethods = o.allowMethods === undefined ? undefined : checkArray(scope, f('corsPolicy.allowMethods'), o.allowMethods,
      (m, mf) => checkEnum(scope, mf, m, HttpMethod, 'HttpMethod'), { minItems: 1, fix: 'list methods, or leave allowMethods out' });
    const names = (k: 'allowHeaders' | 'exposeHeaders') => o[k] === undefined ? undefined
      : checkArray(scope, f(`corsPolicy.${k}`), o[k], (h, hf) => headerName(scope, hf, h), { minItems: 1, fix: `list header names, or leave ${k} out` });
    let maxAge: string | undefined;
    if (o.maxAge !== undefined) {
      maxAge = istioDuration(scope, f('corsPolicy.maxAge'), o.maxAge, { minMs: 1000 });
      if (o.maxAge.toMilliseconds() % 1000 !== 0) {
        throw invalidInput(scope, f('corsPolicy.maxAge'), maxAge, 'is not a whole number of seconds (V2)', 'use Duration.seconds(n)');
      }
    }
    const allowCredentials = o.allowCredentials === undefined ? undefined : checkBoolean(scope, f('corsPolicy.allowCredentials'), o.allowCredentials);
    const allowHeaders = names('allowHeaders');
    const exposeHeaders = names('exposeHeaders');
    corsPolicy = {
      allowOrigins,
      ...(allowMethods ? { allowMethods: [...new Set(allowMethods)] } : {}),
      ...(allowHeaders ? { allowHeaders } : {}),
      ...(exposeHeaders ? { exposeHeaders } : {}),
      ...(maxAge !== undefined ? { maxAge } : {}),
      ...(allowCredentials !== undefined ? { allowCredentials } : {}),
    };
  }

  let mirror: RouteDestinationModel | undefined;
  let mirrorPercent: number | undefined;
  if (r.mirror !== undefined) {
    const o = checkOptions(scope, f('mirror'), r.mirror, 'RouteMirror');
    const host = o.host === undefined ? undefined : hostOf(o.host, f('mirror.host'));
    const subset = o.subset === undefined ? undefined : subsetOf(o.subset, f('mirror.subset'), host);
    const port = o.port === undefined ? undefined : checkPort(scope, f('mirror.port'), o.port);
    if (host === undefined && subset === undefined) {
      throw invalidInput(scope, f('mirror'), r.mirror, 'mirrors the requests to the very destination they are routed to', 'give the mirror a host or a subset');
    }
    if (o.percent !== undefined) {
      mirrorPercent = checkNumber(scope, f('mirror.percent'), o.percent, { minimum: 0, maximum: 100, fix: 'give a percentage from 0 to 100 (V5)' });
    }
    mirror = { ...(host !== undefined ? { host } : {}), ...(subset !== undefined ? { subset } : {}), ...(port !== undefined ? { port } : {}) };
  }

  const resilience = renderResilience(scope, field, r, env);
  const model: HttpRouteModel = {
    ...(r.name !== undefined ? { name: r.name } : {}),
    ...(match ? { match } : {}),
    destinations,
    ...(redirect ? { redirect } : {}),
    ...(directResponse ? { directResponse } : {}),
    ...(rewrite ? { rewrite } : {}),
    ...(headers ? { headers } : {}),
    ...(corsPolicy ? { corsPolicy } : {}),
    ...(mirror ? { mirror } : {}),
    ...(mirrorPercent !== undefined ? { mirrorPercent } : {}),
    ...resilience,
  };
  return { model, definitions, catchAll };
}

/**
 * The host a destination names, resolved as the VirtualService will name it: a short service name
 * becomes fully qualified in `namespace` (gateway routes, whose VirtualService lives elsewhere).
 * @internal
 */
export function qualifiedHost(host: string, namespace: string): string {
  return parseServiceHost(host, namespace)?.fqdn ?? host;
}
