import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkInstance, checkString } from '../core/input';
import { isHeaderName } from '../core/names';
import { sortedRecord } from '../core/records';
import { VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpMatchHeaders } from '../../imports/networking.istio.io';
import { checkRegex } from '../core/regex';
import { checkArray, checkEnum } from '../core/input';
import { checkSelectorLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { HttpMethod } from '../security/authorization';

function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** Header names as Istio wants them in matches: lowercase HTTP tokens (`x-canary`, `cookie`). */
function isLowercaseHeaderName(name: unknown): boolean {
  return isHeaderName(name) && name === name.toLowerCase();
}

/**
 * A cookie-value (RFC 6265 section 4.1.1): cookie-octets (printable US-ASCII except whitespace, DQUOTE,
 * comma, semicolon and backslash), optionally inside double quotes.
 */
/** The longest regex istiod accepts (ISTIO-RULES V7). */
const REGEX_MAX = 1024;

const COOKIE_VALUE = /^("?)[\x21\x23-\x2B\x2D-\x3A\x3C-\x5B\x5D-\x7E]*\1$/;

/** Escapes the characters that are special in an RE2 (and JavaScript) regex outside a character class. */
function escapeRegex(text: string): string {
  return text.replace(/[\\^$.|?*+()[\]{}]/g, '\\$&');
}

type HeaderCondition = { readonly kind: 'header'; readonly name: string; readonly how: 'exact' | 'prefix' | 'regex'; readonly value: string };
type How = 'exact' | 'prefix' | 'regex';

/**
 * One condition as the factory got it: values are kept as given (a caller without TypeScript's checks
 * may pass anything) and checked when a construct renders the match, so errors name its path.
 */
type Condition =
  | HeaderCondition
  | { readonly kind: 'cookie'; readonly name: string; readonly value: string }
  | { readonly kind: 'uri'; readonly how: How; readonly value: string }
  | { readonly kind: 'withoutHeader'; readonly name: string; readonly how?: How; readonly value?: string }
  | { readonly kind: 'method'; readonly method: unknown }
  | { readonly kind: 'query'; readonly name: string; readonly how: 'exact' | 'regex'; readonly value: string }
  | { readonly kind: 'port'; readonly port: unknown }
  | { readonly kind: 'sourceLabels'; readonly labels: unknown }
  | { readonly kind: 'sourceNamespace'; readonly namespace: unknown }
  | { readonly kind: 'gateways'; readonly gateways: unknown }
  | { readonly kind: 'and'; readonly other: unknown };

/**
 * One HTTP match condition set of a route (an entry of `http[].match`). The conditions of one
 * `HttpMatch` must all hold (combine them with {@link and}); a list of `HttpMatch` matches when any
 * entry does.
 *
 * Values are checked when a construct renders the match, so that errors name the construct: header
 * names must be lowercase tokens, URIs start with `/`, prefixes are non-empty and regexes follow RE2
 * and are at most 1024 characters (ISTIO-RULES V7). Header regexes must match the whole header value.
 */
export class HttpMatch {
  /** The request header `name` equals `value`. */
  public static header(name: string, value: string): HttpMatch {
    return new HttpMatch([{ kind: 'header', name, how: 'exact', value }]);
  }

  /** The request header `name` starts with `prefix` (non-empty). */
  public static headerPrefix(name: string, prefix: string): HttpMatch {
    return new HttpMatch([{ kind: 'header', name, how: 'prefix', value: prefix }]);
  }

  /** The whole value of request header `name` matches the RE2 `regex`. */
  public static headerRegex(name: string, regex: string): HttpMatch {
    return new HttpMatch([{ kind: 'header', name, how: 'regex', value: regex }]);
  }

  /**
   * The request carries the cookie `name` with exactly `value`, wherever it sits in the `cookie`
   * header. Browsers separate cookies with `"; "` (semicolon and space), so the match accepts the
   * cookie at the start of the header or after a `;` and optional spaces or tabs, and requires it to
   * end at the next `;` or at the end of the header: `session=x; test-user=true` and
   * `test-user=true;theme=dark` match, `xtest-user=true` and `test-user=truex` do not.
   *
   * It renders as an RE2 regex on the `cookie` header, with the regex characters of `name` and `value`
   * escaped: `HttpMatch.cookie('test-user', 'true')` is
   * `headers: { cookie: { regex: '^(.*?;)?[ \t]*test-user=true(;.*)?$' } }`.
   *
   * `name` must be an RFC 6265 cookie name (an HTTP token: letters, digits and
   * ``!#$%&'*+-.^_`|~``) and `value` a cookie value (printable ASCII without whitespace, `"`, `,`,
   * `;` and `\`, optionally in double quotes, which then are part of the value to match); the
   * construct that renders the match rejects anything else.
   *
   * @example
   * new CanaryRelease(chart, 'reviews-canary', {
   *   host: 'reviews.bookinfo.svc.cluster.local',
   *   stable: Subset.fromWorkload('v1', v1),
   *   canary: Subset.fromWorkload('v2', v2),
   *   routeToCanaryWhen: [HttpMatch.cookie('test-user', 'true')],
   * });
   */
  public static cookie(name: string, value: string): HttpMatch {
    return new HttpMatch([{ kind: 'cookie', name, value }]);
  }

  /**
   * The `cookie` header matches the RE2 `regex`. The regex must match the whole header, all cookies
   * included; to match one cookie's value, prefer {@link HttpMatch.cookie}, which gets the separators
   * right.
   *
   * Pitfall: the pattern of Istio's guides, `^(.*?;)?(test-user=true)(;.*)?$`, misses the cookie
   * anywhere but first, because browsers separate cookies with `"; "` (semicolon and space) and the
   * pattern allows no space after the `;`: it matches `test-user=true; session=x` but not
   * `session=x; test-user=true`.
   *
   * @example HttpMatch.cookieRegex('^(.*?;)?[ ]*(theme=(dark|light))(;.*)?$')
   */
  public static cookieRegex(regex: string): HttpMatch {
    return HttpMatch.headerRegex('cookie', regex);
  }

  /** The `user-agent` header matches the RE2 `regex`, e.g. `.*Android.*`. */
  public static userAgentRegex(regex: string): HttpMatch {
    return HttpMatch.headerRegex('user-agent', regex);
  }

  /** The request path starts with `prefix`, which starts with `/`. */
  public static uriPrefix(prefix: string): HttpMatch {
    return new HttpMatch([{ kind: 'uri', how: 'prefix', value: prefix }]);
  }

  /** The request path is exactly `path`, which starts with `/`. */
  public static uriExact(path: string): HttpMatch {
    return new HttpMatch([{ kind: 'uri', how: 'exact', value: path }]);
  }

  /** The request path matches the RE2 `regex`. */
  public static uriRegex(regex: string): HttpMatch {
    return new HttpMatch([{ kind: 'uri', how: 'regex', value: regex }]);
  }

  /**
   * The request does not carry header `name` (`withoutHeaders: { name: {} }`), or, with `value`, does
   * not carry it with exactly that value.
   */
  public static withoutHeader(name: string, value?: string): HttpMatch {
    return new HttpMatch([value === undefined ? { kind: 'withoutHeader', name } : { kind: 'withoutHeader', name, how: 'exact', value }]);
  }

  /** The request method is `method`. */
  public static method(method: HttpMethod): HttpMatch {
    return new HttpMatch([{ kind: 'method', method }]);
  }

  /** The query parameter `name` equals `value` (an empty value matches the parameter's presence). */
  public static queryParam(name: string, value: string): HttpMatch {
    return new HttpMatch([{ kind: 'query', name, how: 'exact', value }]);
  }

  /** The query parameter `name` matches the RE2 `regex`. */
  public static queryParamRegex(name: string, regex: string): HttpMatch {
    return new HttpMatch([{ kind: 'query', name, how: 'regex', value: regex }]);
  }

  /** The request arrived on `port` (of the host's Service, or of the gateway's server). */
  public static port(port: number): HttpMatch {
    return new HttpMatch([{ kind: 'port', port }]);
  }

  /** The calling workload carries all of `labels` (mesh routes; a gateway's pods for gateway routes). */
  public static sourceLabels(labels: { [key: string]: string }): HttpMatch {
    return new HttpMatch([{ kind: 'sourceLabels', labels: isPlainRecord(labels) ? { ...labels } : labels }]);
  }

  /** The calling workload runs in `namespace`. */
  public static sourceNamespace(namespace: string): HttpMatch {
    return new HttpMatch([{ kind: 'sourceNamespace', namespace }]);
  }

  /**
   * The request came through one of `gateways` (`<namespace>/<name>`, or `mesh` for sidecars): for a
   * VirtualService bound to several gateways.
   */
  public static gateways(gateways: string[]): HttpMatch {
    return new HttpMatch([{ kind: 'gateways', gateways: Array.isArray(gateways) ? [...gateways] : gateways }]);
  }

  private constructor(private readonly conditions: readonly Condition[]) {}

  /** A match that requires this match's conditions and `other`'s. */
  public and(other: HttpMatch): HttpMatch {
    // Something else than an HttpMatch is kept and reported by the construct that renders the match.
    return new HttpMatch([...this.conditions, ...(other instanceof HttpMatch ? other.conditions : [{ kind: 'and' as const, other }])]);
  }

  /** @internal Renders and checks the match; `field` names it in errors, e.g. `routeToCanaryWhen[0]`. */
  public _render(scope: IConstruct, field: string): VirtualServiceSpecHttpMatch {
    const headers: { [name: string]: VirtualServiceSpecHttpMatchHeaders } = Object.create(null);
    const withoutHeaders: { [name: string]: VirtualServiceSpecHttpMatchHeaders } = Object.create(null);
    const queryParams: { [name: string]: VirtualServiceSpecHttpMatchHeaders } = Object.create(null);
    let uri: VirtualServiceSpecHttpMatchHeaders | undefined;
    let method: string | undefined;
    let port: number | undefined;
    let sourceLabels: { [key: string]: string } | undefined;
    let sourceNamespace: string | undefined;
    let gateways: string[] | undefined;
    const once = (name: string, taken: boolean, value: unknown) => {
      if (taken) {
        throw invalidInput(scope, `${field}.${name}`, value, `is a second ${name} condition in one match`, 'use two HttpMatch entries (either matches)');
      }
    };
    for (const condition of this.conditions) {
      if (condition.kind === 'and') {
        checkInstance(scope, `${field}.and(other)`, condition.other, HttpMatch, 'combine HttpMatch instances, e.g. HttpMatch.uriPrefix("/api").and(HttpMatch.header("x-canary", "true"))');
        continue;
      }
      if (condition.kind === 'method') {
        once('method', method !== undefined, condition.method);
        method = checkEnum(scope, `${field}.method`, condition.method, HttpMethod, 'HttpMethod');
        continue;
      }
      if (condition.kind === 'port') {
        once('port', port !== undefined, condition.port);
        port = checkPort(scope, `${field}.port`, condition.port);
        continue;
      }
      if (condition.kind === 'sourceLabels') {
        once('sourceLabels', sourceLabels !== undefined, condition.labels);
        if (!isPlainRecord(condition.labels) || Object.keys(condition.labels).length === 0) {
          throw invalidInput(scope, `${field}.sourceLabels`, condition.labels, 'is not a non-empty map of labels', 'give labels such as { app: "web" }');
        }
        sourceLabels = checkSelectorLabels(scope, `${field}.sourceLabels`, condition.labels as { [key: string]: string });
        continue;
      }
      if (condition.kind === 'sourceNamespace') {
        once('sourceNamespace', sourceNamespace !== undefined, condition.namespace);
        sourceNamespace = checkDnsLabel(scope, `${field}.sourceNamespace`, condition.namespace, 'give a namespace name such as "bookinfo"');
        continue;
      }
      if (condition.kind === 'gateways') {
        once('gateways', gateways !== undefined, condition.gateways);
        gateways = checkArray(scope, `${field}.gateways`, condition.gateways, (g, f) => checkString(scope, f, g, {
          pattern: /^(mesh|[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?)$/, what: 'a gateway reference', fix: 'use "<namespace>/<name>" or "mesh"',
        }), { minItems: 1, fix: 'list gateways such as ["istio-ingress/ingress"], or "mesh"' });
        continue;
      }
      if (condition.kind === 'query') {
        const at = `${field}.queryParams`;
        checkString(scope, at, condition.name, { minLength: 1, fix: 'name the query parameter, e.g. "version"' });
        if (Object.prototype.hasOwnProperty.call(queryParams, condition.name)) {
          throw invalidInput(scope, `${at}.${condition.name}`, condition.value, 'is a second condition on the same query parameter in one match', 'use two HttpMatch entries (either matches)');
        }
        queryParams[condition.name] = this.renderValue(scope, `${at}.${condition.name}`, condition.how, condition.value);
        continue;
      }
      if (condition.kind === 'withoutHeader') {
        const where = `${field}.withoutHeaders`;
        checkString(scope, where, condition.name, { fix: 'give the header name as a string, e.g. "x-canary"' });
        if (!isLowercaseHeaderName(condition.name)) {
          throw invalidInput(scope, where, condition.name, 'is not a lowercase HTTP header name (Istio matches header keys in lowercase)', 'use a name such as "x-canary"');
        }
        if (Object.prototype.hasOwnProperty.call(withoutHeaders, condition.name) || Object.prototype.hasOwnProperty.call(headers, condition.name)) {
          throw invalidInput(scope, `${where}.${condition.name}`, condition.value, 'is a second condition on the same header in one match', 'use two HttpMatch entries (either matches)');
        }
        withoutHeaders[condition.name] = condition.how === undefined ? {} : this.renderValue(scope, `${where}.${condition.name}`, condition.how, condition.value!);
        continue;
      }
      const c = condition.kind === 'cookie' ? cookieCondition(scope, field, condition.name, condition.value) : condition;
      if (c.kind === 'header') {
        const where = `${field}.headers`;
        checkString(scope, where, c.name, { fix: 'give the header name as a string, e.g. "x-canary"' });
        if (!isLowercaseHeaderName(c.name)) {
          throw invalidInput(scope, where, c.name, 'is not a lowercase HTTP header name (Istio matches header keys in lowercase)',
            `use ${isHeaderName(c.name) ? `"${c.name.toLowerCase()}"` : 'a name such as "x-canary"'}`);
        }
        const at = `${where}.${c.name}`;
        if (Object.prototype.hasOwnProperty.call(headers, c.name) || Object.prototype.hasOwnProperty.call(withoutHeaders, c.name)) {
          throw invalidInput(scope, at, c.value, 'is a second condition on the same header in one match',
            'merge both into one regex, or use two HttpMatch entries (either matches)');
        }
        headers[c.name] = this.renderValue(scope, at, c.how, c.value);
      } else {
        if (uri) {
          throw invalidInput(scope, `${field}.uri`, c.value, 'is a second URI condition in one match', 'use two HttpMatch entries (either matches)');
        }
        checkString(scope, `${field}.uri.${c.how}`, c.value, { fix: 'give the path as a string, e.g. "/api"' });
        if (c.how !== 'regex' && !c.value.startsWith('/')) {
          throw invalidInput(scope, `${field}.uri.${c.how}`, c.value, 'does not start with "/" (request paths always do)', `use "/${c.value}"`);
        }
        uri = this.renderValue(scope, `${field}.uri`, c.how, c.value);
      }
    }
    return {
      ...(gateways ? { gateways } : {}),
      ...(Object.keys(headers).length ? { headers: sortedRecord(headers) } : {}),
      ...(method ? { method: { exact: method } } : {}),
      ...(port !== undefined ? { port } : {}),
      ...(Object.keys(queryParams).length ? { queryParams: sortedRecord(queryParams) } : {}),
      ...(sourceLabels ? { sourceLabels } : {}),
      ...(sourceNamespace ? { sourceNamespace } : {}),
      ...(uri ? { uri } : {}),
      ...(Object.keys(withoutHeaders).length ? { withoutHeaders: sortedRecord(withoutHeaders) } : {}),
    };
  }

  private renderValue(scope: IConstruct, field: string, how: How, value: string): VirtualServiceSpecHttpMatchHeaders {
    checkString(scope, `${field}.${how}`, value, { fix: 'give the value as a string' });
    if (how === 'prefix' && value === '') {
      throw invalidInput(scope, `${field}.prefix`, value, 'is an empty prefix (istiod rejects it)', 'give a prefix, or leave the condition out');
    }
    if (how === 'regex') {
      checkRegex(scope, `${field}.regex`, value);
    }
    return { [how]: value };
  }
}

/**
 * The `cookie` header condition of {@link HttpMatch.cookie}: checks the cookie name and value, then
 * builds the regex that matches the cookie with exactly that value in any position of the header.
 */
function cookieCondition(scope: IConstruct, field: string, name: unknown, given: unknown): HeaderCondition {
  checkString(scope, `${field}.cookie.name`, name, { fix: 'give the cookie name as a string, e.g. "test-user"' });
  if (!isHeaderName(name)) {
    throw invalidInput(scope, `${field}.cookie.name`, name,
      'is not a cookie name (an RFC 6265 token: letters, digits and !#$%&\'*+-.^_`|~, at least one)',
      'use the name the application sets, e.g. "test-user"');
  }
  const value = checkString(scope, `${field}.cookie.value`, given, { fix: 'give the cookie value as a string, e.g. "true"' });
  if (!COOKIE_VALUE.test(value)) {
    throw invalidInput(scope, `${field}.cookie.value`, value,
      'is not a cookie value (RFC 6265: printable ASCII without whitespace, ", comma, ; and \\, optionally in double quotes)',
      'use the value the application sets, e.g. "true"; a browser cannot send anything else');
  }
  const regex = `^(.*?;)?[ \\t]*${escapeRegex(name)}=${escapeRegex(value)}(;.*)?$`;
  if (regex.length > REGEX_MAX) {
    throw invalidInput(scope, `${field}.cookie`, `${name}=${value}`, `makes a match regex of ${regex.length} characters, more than the ${REGEX_MAX} istiod allows (V7)`,
      'match a shorter cookie name and value');
  }
  return { kind: 'header', name: 'cookie', how: 'regex', value: regex };
}
