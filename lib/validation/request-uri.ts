/**
 * The URL acceptance rules of Kubernetes' CEL `isURL()` / `url()` functions.
 *
 * Kubernetes implements both with Go's `net/url.ParseRequestURI`, which accepts an absolute
 * URI (`scheme:...`) or an absolute path (`/...`), and rejects relative references such as
 * `example.com/x`. This module re-implements the checks that function performs, from its
 * documented behaviour, so CEL rules like `url(self).getScheme() in ["http", "https"]`
 * accept and reject the same strings as the apiserver.
 */

/** Characters allowed unescaped in a host name besides letters and digits. */
const HOST_CHARS = new Set("-_.~!$&'()*+,;=:[]<>\"");
/** Characters allowed in the userinfo part besides letters and digits. */
const USERINFO_CHARS = new Set("-._:~!$&'()*+,;=%@");
const ALNUM = /[A-Za-z0-9]/;
const SCHEME = /^([A-Za-z][A-Za-z0-9+.-]*):/;

/** A URL accepted by `ParseRequestURI`; `scheme` is lower-cased ("" for an absolute path). */
interface RequestUri {
  readonly scheme: string;
  readonly host: string;
}

/** Parses `raw` like Go's `url.ParseRequestURI`; returns undefined where Go returns an error. */
export function parseRequestUri(raw: string): RequestUri | undefined {
  if (raw === '' || /[\x00-\x1f\x7f]/.test(raw) || raw.startsWith(':')) return undefined;
  if (raw === '*') return { scheme: '', host: '' };
  const match = SCHEME.exec(raw);
  const scheme = match ? match[1].toLowerCase() : '';
  let rest = match ? raw.slice(match[0].length) : raw;
  const query = rest.indexOf('?');
  if (query >= 0) rest = rest.slice(0, query);
  if (!rest.startsWith('/')) {
    // `mailto:x` is an opaque URI; a string without scheme must be an absolute path.
    return scheme !== '' ? { scheme, host: '' } : undefined;
  }
  let host = '';
  if (scheme !== '' && rest.startsWith('//')) {
    const slash = rest.indexOf('/', 2);
    const authority = slash < 0 ? rest.slice(2) : rest.slice(2, slash);
    rest = slash < 0 ? '' : rest.slice(slash);
    const at = authority.lastIndexOf('@');
    if (at >= 0 && !validUserinfo(authority.slice(0, at))) return undefined;
    host = authority.slice(at + 1);
    if (!validHost(host)) return undefined;
  }
  return validEscapes(rest) ? { scheme, host } : undefined;
}

function validUserinfo(userinfo: string): boolean {
  return [...userinfo].every((c) => ALNUM.test(c) || USERINFO_CHARS.has(c)) && validEscapes(userinfo);
}

/** Host, optionally `[ipv6]`, optionally followed by `:digits`. */
function validHost(host: string): boolean {
  let name = host;
  let port = '';
  if (host.startsWith('[')) {
    const close = host.lastIndexOf(']');
    if (close < 0) return false;
    name = host.slice(0, close + 1);
    port = host.slice(close + 1);
  } else {
    const colon = host.lastIndexOf(':');
    if (colon >= 0) {
      name = host.slice(0, colon);
      port = host.slice(colon);
    }
  }
  if (port !== '' && !/^:\d*$/.test(port)) return false;
  for (let i = 0; i < name.length; i++) {
    const c = name[i];
    if (c === '%') {
      // Only "%25" (an escaped "%", used for IPv6 zones) or escapes of non-ASCII bytes.
      if (!/^%[0-9A-Fa-f]{2}$/.test(name.slice(i, i + 3))) return false;
      if (parseInt(name[i + 1], 16) < 8 && name.slice(i, i + 3) !== '%25') return false;
      i += 2;
    } else if (c.charCodeAt(0) < 0x80 && !ALNUM.test(c) && !HOST_CHARS.has(c)) {
      return false;
    }
  }
  return true;
}

/** Every `%` must start a two-hex-digit escape. */
function validEscapes(s: string): boolean {
  return !/%(?![0-9A-Fa-f]{2})/.test(s);
}
