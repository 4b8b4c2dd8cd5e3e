import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkInstance, checkString } from '../core/input';
import { isHeaderName } from '../core/names';
import { sortedRecord } from '../core/records';
import { VirtualServiceSpecHttpMatch, VirtualServiceSpecHttpMatchHeaders } from '../../imports/networking.istio.io';
import { checkRegex } from '../core/regex';

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

/**
 * One condition as the factory got it: values are kept as given (a caller without TypeScript's checks
 * may pass anything) and checked when a construct renders the match, so errors name its path.
 */
type Condition =
  | HeaderCondition
  | { readonly kind: 'cookie'; readonly name: string; readonly value: string }
  | { readonly kind: 'uri'; readonly how: 'exact' | 'prefix' | 'regex'; readonly value: string }
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

  private constructor(private readonly conditions: readonly Condition[]) {}

  /** A match that requires this match's conditions and `other`'s. */
  public and(other: HttpMatch): HttpMatch {
    // Something else than an HttpMatch is kept and reported by the construct that renders the match.
    return new HttpMatch([...this.conditions, ...(other instanceof HttpMatch ? other.conditions : [{ kind: 'and' as const, other }])]);
  }

  /** @internal Renders and checks the match; `field` names it in errors, e.g. `routeToCanaryWhen[0]`. */
  public _render(scope: IConstruct, field: string): VirtualServiceSpecHttpMatch {
    const headers: { [name: string]: VirtualServiceSpecHttpMatchHeaders } = Object.create(null);
    let uri: VirtualServiceSpecHttpMatchHeaders | undefined;
    for (const condition of this.conditions) {
      if (condition.kind === 'and') {
        checkInstance(scope, `${field}.and(other)`, condition.other, HttpMatch, 'combine HttpMatch instances, e.g. HttpMatch.uriPrefix("/api").and(HttpMatch.header("x-canary", "true"))');
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
        if (Object.prototype.hasOwnProperty.call(headers, c.name)) {
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
      ...(Object.keys(headers).length ? { headers: sortedRecord(headers) } : {}),
      ...(uri ? { uri } : {}),
    };
  }

  private renderValue(scope: IConstruct, field: string, how: 'exact' | 'prefix' | 'regex', value: string): VirtualServiceSpecHttpMatchHeaders {
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
