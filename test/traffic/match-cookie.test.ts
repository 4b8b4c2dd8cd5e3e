import { Testing } from 'cdk8s';
import * as fc from 'fast-check';
import { CanaryRelease, HttpMatch, Subset } from '../../lib';
import { checkRegex } from '../../lib/core/regex';
import { errorOf, meshChart, one, synthValid } from './support';

/** The regex `HttpMatch.cookie(name, value)` renders on the cookie header, checked as RE2 on the way. */
function cookieRegex(name: string, value: string): string {
  const chart = Testing.chart();
  const rendered = HttpMatch.cookie(name, value)._render(chart, 'match');
  expect(Object.keys(rendered)).toStrictEqual(['headers']);
  expect(Object.keys(rendered.headers!)).toStrictEqual(['cookie']);
  const regex = rendered.headers!.cookie.regex!;
  expect(checkRegex(chart, 'match', regex)).toBe(regex);
  return regex;
}

/** Whether the whole `header` matches `regex`, as Envoy's full match of a header regex does. */
function matches(regex: string, header: string): boolean {
  return new RegExp(regex).test(header);
}

/** The message rendering `m` fails with, under the field `match` of a construct at path `test`. */
function renderError(m: HttpMatch): string {
  return errorOf(() => m._render(Testing.chart(), 'match'));
}

const TCHAR = "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ";
const COOKIE_OCTETS = Array.from({ length: 0x7e - 0x21 + 1 }, (_, i) => String.fromCharCode(0x21 + i))
  .filter((c) => !'",;\\'.includes(c)).join('');

const cookieName = fc.string({ unit: fc.constantFrom(...TCHAR), minLength: 1, maxLength: 8 });
const cookieValue = fc.string({ unit: fc.constantFrom(...COOKIE_OCTETS), maxLength: 8 });

describe('HttpMatch.cookie', () => {
  test('renders a regex on the cookie header', () => {
    expect(HttpMatch.cookie('test-user', 'true')._render(Testing.chart(), 'match'))
      .toStrictEqual({ headers: { cookie: { regex: '^(.*?;)?[ \\t]*test-user=true(;.*)?$' } } });
  });

  test('escapes the regex characters of the name and the value', () => {
    expect(cookieRegex("a.b*c+d^e$f|g'h", '(x)[y]{1}?/<=>'))
      .toBe("^(.*?;)?[ \\t]*a\\.b\\*c\\+d\\^e\\$f\\|g'h=\\(x\\)\\[y\\]\\{1\\}\\?/<=>(;.*)?$");
    expect(cookieRegex('v', '"quoted"')).toBe('^(.*?;)?[ \\t]*v="quoted"(;.*)?$');
    expect(cookieRegex('empty', '')).toBe('^(.*?;)?[ \\t]*empty=(;.*)?$');
  });

  test.each([
    ['test-user=true', true],
    ['session=x; test-user=true', true],
    ['session=x;test-user=true', true],
    ['session=x;  \ttest-user=true; theme=dark', true],
    ['test-user=true;theme=dark', true],
    ['a=1; test-user=false; test-user=true', true],
    ['xtest-user=true', false],
    ['session=x; xtest-user=true', false],
    ['test-user=truex', false],
    ['session=x; test-user=truex; theme=dark', false],
    ['test-user=True', false],
    ['test-user=', false],
    ['test-user=true ; theme=dark', false],
    ['session=test-user=true', false],
    ['', false],
  ])('%p: %p', (header, expected) => {
    expect(matches(cookieRegex('test-user', 'true'), header)).toBe(expected);
  });

  test('unlike the guides\' cookieRegex, finds the cookie after "; " as browsers send it', () => {
    const guides = '^(.*?;)?(test-user=true)(;.*)?$';
    expect(matches(guides, 'session=x; test-user=true')).toBe(false);
    expect(matches(cookieRegex('test-user', 'true'), 'session=x; test-user=true')).toBe(true);
  });

  test('property: matches iff the cookie is present with exactly that value, whatever the separators', () => {
    // Cookies around the target: random ones, the target name with other values, names and values
    // that contain the target's as a part, and the target itself.
    const target = fc.record({ name: cookieName, value: cookieValue });
    const scenario = target.chain(({ name, value }) => {
      const other = fc.oneof(
        fc.record({ name: cookieName, value: cookieValue }),
        cookieValue.map((v) => ({ name, value: v })),
        fc.record({ pre: cookieName, post: cookieValue }).map(({ pre, post }) => ({ name: pre + name, value: value + post })),
        cookieName.map((suffix) => ({ name, value: value + suffix })),
        cookieName.map((prefix) => ({ name: prefix + name, value })),
        fc.constant({ name, value }),
      );
      const separator = fc.constantFrom(';', '; ', ';  ', ';\t');
      return fc.record({
        name: fc.constant(name),
        value: fc.constant(value),
        cookies: fc.array(fc.record({ cookie: other, separator }), { maxLength: 6 }),
      });
    });
    fc.assert(fc.property(scenario, ({ name, value, cookies }) => {
      const header = cookies.map(({ cookie, separator }, i) => `${i === 0 ? '' : separator}${cookie.name}=${cookie.value}`).join('');
      const present = cookies.some(({ cookie }) => cookie.name === name && cookie.value === value);
      expect([header, matches(cookieRegex(name, value), header)]).toStrictEqual([header, present]);
    }), { numRuns: 500 });
  });

  test('property: a name or value with a character prepended or appended never matches', () => {
    fc.assert(fc.property(cookieName, cookieValue, fc.constantFrom(...TCHAR), fc.constantFrom(...COOKIE_OCTETS), (name, value, n, v) => {
      const regex = cookieRegex(name, value);
      expect(matches(regex, `${name}=${value}`)).toBe(true);
      expect(matches(regex, `a=b; ${n}${name}=${value}`)).toBe(false);
      expect(matches(regex, `${name}=${value}${v}; a=b`)).toBe(false);
    }), { numRuns: 300 });
  });

  test('a CanaryRelease routes the cookie to the canary', () => {
    const chart = meshChart();
    new CanaryRelease(chart, 'reviews-canary', {
      host: 'reviews', namespace: 'bookinfo',
      stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }),
      routeToCanaryWhen: [HttpMatch.cookie('test-user', 'true')],
    });
    const routes = one(synthValid(chart), 'VirtualService', 'reviews').spec.http;
    expect(routes[0].match).toStrictEqual([{ headers: { cookie: { regex: '^(.*?;)?[ \\t]*test-user=true(;.*)?$' } } }]);
  });
});

describe('HttpMatch.cookie rejects', () => {
  const NAME = 'is not a cookie name (an RFC 6265 token: letters, digits and !#$%&\'*+-.^_`|~, at least one). ' +
    'Fix: use the name the application sets, e.g. "test-user"';
  const VALUE = 'is not a cookie value (RFC 6265: printable ASCII without whitespace, ", comma, ; and \\, optionally in double quotes). ' +
    'Fix: use the value the application sets, e.g. "true"; a browser cannot send anything else';

  test.each(['', 'test user', 'a;b', 'a=b', 'a,b', 'ä', '(x)'])('the name %p', (name) => {
    expect(renderError(HttpMatch.cookie(name, 'true'))).toBe(`[test] match.cookie.name: ${JSON.stringify(name)} ${NAME}`);
  });

  test.each(['a b', 'a;b', 'a,b', 'a\\b', '"a', 'a"', 'a"b', 'tab\t', 'é', 'line\nbreak'])('the value %p', (value) => {
    expect(renderError(HttpMatch.cookie('test-user', value))).toBe(`[test] match.cookie.value: ${JSON.stringify(value)} ${VALUE}`);
  });

  test('a value that is not a string is reported as a wrong type', () => {
    expect(renderError(HttpMatch.cookie('test-user', true as unknown as string)))
      .toBe('[test] match.cookie.value: true is a boolean, not a string. Fix: give the cookie value as a string, e.g. "true"');
    expect(renderError(HttpMatch.cookie(7 as unknown as string, 'true')))
      .toBe('[test] match.cookie.name: 7 is a number, not a string. Fix: give the cookie name as a string, e.g. "test-user"');
  });

  test('a name and value that escape to more than the 1024 characters istiod allows', () => {
    // The error names the cookie the caller gave (match.cookie), not the regex built from it.
    expect(renderError(HttpMatch.cookie('n', '.'.repeat(600))))
      .toBe(`[test] match.cookie: "n=${'.'.repeat(115)}…" makes a match regex of 1223 characters, more than the 1024 istiod allows (V7). Fix: match a shorter cookie name and value`);
  });

  test('a second cookie condition in one match (the cookie header can carry only one regex)', () => {
    expect(renderError(HttpMatch.cookie('a', '1').and(HttpMatch.cookie('b', '2'))))
      .toContain('[test] match.headers.cookie: "^(.*?;)?[ \\\\t]*b=2(;.*)?$" is a second condition on the same header in one match');
  });

  test('in a CanaryRelease, the error names the construct and the match', () => {
    expect(errorOf(() => new CanaryRelease(meshChart(), 'reviews-canary', {
      host: 'reviews', namespace: 'bookinfo',
      stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }),
      routeToCanaryWhen: [HttpMatch.header('x-canary', 'true'), HttpMatch.cookie('test user', 'true')],
    }))).toBe(`[prod/reviews-canary] routeToCanaryWhen[1].cookie.name: "test user" ${NAME}`);
  });
});
