import { Testing } from 'cdk8s';
import { HttpMatch, HttpMethod } from '../../lib';
import { errorOf } from './support';

/** Renders `m` under the field `match` of a construct at path `test`. */
function render(m: HttpMatch) {
  const chart = Testing.chart();
  return m._render(chart, 'match');
}

describe('HttpMatch', () => {
  test.each([
    [HttpMatch.header('x-canary', 'true'), { headers: { 'x-canary': { exact: 'true' } } }],
    [HttpMatch.headerPrefix('x-version', 'v2'), { headers: { 'x-version': { prefix: 'v2' } } }],
    [HttpMatch.headerRegex('x-user', '^(alice|bob)$'), { headers: { 'x-user': { regex: '^(alice|bob)$' } } }],
    [HttpMatch.cookieRegex('^(.*?;)?(test-user=true)(;.*)?$'), { headers: { cookie: { regex: '^(.*?;)?(test-user=true)(;.*)?$' } } }],
    [HttpMatch.userAgentRegex('.*Android.*'), { headers: { 'user-agent': { regex: '.*Android.*' } } }],
    [HttpMatch.uriPrefix('/api'), { uri: { prefix: '/api' } }],
    [HttpMatch.uriExact('/health'), { uri: { exact: '/health' } }],
    [HttpMatch.uriRegex('/v[0-9]+/.*'), { uri: { regex: '/v[0-9]+/.*' } }],
    [HttpMatch.headerRegex('x-user', '(?i)alice'), { headers: { 'x-user': { regex: '(?i)alice' } } }],
    [HttpMatch.headerRegex('x-user', '(?P<name>[a-z]+)'), { headers: { 'x-user': { regex: '(?P<name>[a-z]+)' } } }],
    [HttpMatch.headerRegex('x-id', '\\101[\\d-]+'), { headers: { 'x-id': { regex: '\\101[\\d-]+' } } }],
  ])('%#: renders', (m, expected) => {
    expect(render(m)).toStrictEqual(expected);
  });

  test('and() combines conditions into one match', () => {
    expect(render(HttpMatch.uriPrefix('/api').and(HttpMatch.header('x-canary', 'true')).and(HttpMatch.header('x-b', '1'))))
      .toStrictEqual({ headers: { 'x-b': { exact: '1' }, 'x-canary': { exact: 'true' } }, uri: { prefix: '/api' } });
  });
});

describe('HttpMatch rejects (ISTIO-RULES V7 and header/URI rules)', () => {
  test.each([
    ['(?=admin)', 'uses a look-ahead "(?="'],
    ['^(?!admin).*', 'uses a negative look-ahead "(?!"'],
    ['(?<=a)b', 'uses a look-behind "(?<="'],
    ['(?<!a)b', 'uses a negative look-behind "(?<!"'],
    ['(a)\\1', 'uses the backreference "\\1"'],
    ['[\\1-9]', 'uses the backreference "\\1"'],
    ['\\u0041', 'uses the JavaScript/PCRE escape "\\u"'],
    ['abc\\Z', 'uses the JavaScript/PCRE escape "\\Z"'],
    ['(?<x>a)\\k<x>', 'uses a named backreference "\\k<…>"'],
    ['(?>a+)b', 'uses an atomic group "(?>"'],
    ['a{1001}', 'uses the repeat count "{1001}" (RE2 allows at most 1000)'],
    ['a++', 'uses a possessive quantifier'],
  ])('RE2: %p', (regex, problem) => {
    const msg = errorOf(() => render(HttpMatch.headerRegex('x-user', regex)));
    expect(msg).toBe(`[test] match.headers.x-user.regex: ${JSON.stringify(regex)} ${problem}, which RE2 (the regex engine of Envoy and istiod) does not support (V7). ` +
      'Fix: rewrite the pattern without it, e.g. match the alternatives explicitly');
  });

  test('a regex longer than 1024 characters', () => {
    expect(errorOf(() => render(HttpMatch.cookieRegex('a'.repeat(1025)))))
      .toContain('[test] match.headers.cookie.regex: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa…" is 1025 characters long, more than the 1024 istiod allows (V7)');
  });

  test('a regex that does not compile', () => {
    expect(errorOf(() => render(HttpMatch.uriRegex('/api/(v1')))).toContain('[test] match.uri.regex: "/api/(v1" is not a valid regex');
  });

  test('an empty regex or prefix', () => {
    expect(errorOf(() => render(HttpMatch.userAgentRegex('')))).toContain('[test] match.headers.user-agent.regex: "" is an empty regex');
    expect(errorOf(() => render(HttpMatch.headerPrefix('x-v', '')))).toContain('[test] match.headers.x-v.prefix: "" is an empty prefix');
  });

  test('an uppercase header name, with the lowercase fix', () => {
    expect(errorOf(() => render(HttpMatch.header('X-Canary', 'true'))))
      .toBe('[test] match.headers: "X-Canary" is not a lowercase HTTP header name (Istio matches header keys in lowercase). Fix: use "x-canary"');
  });

  test('a URI that does not start with "/"', () => {
    expect(errorOf(() => render(HttpMatch.uriPrefix('api')))).toContain('[test] match.uri.prefix: "api" does not start with "/" (request paths always do). Fix: use "/api"');
  });

  test('two conditions on one header or two URIs in one match', () => {
    expect(errorOf(() => render(HttpMatch.header('x-a', '1').and(HttpMatch.headerPrefix('x-a', '2')))))
      .toContain('[test] match.headers.x-a: "2" is a second condition on the same header in one match');
    expect(errorOf(() => render(HttpMatch.uriPrefix('/a').and(HttpMatch.uriExact('/b')))))
      .toContain('[test] match.uri: "/b" is a second URI condition in one match');
  });
});

describe('HttpMatch: the rest of Istio\'s match attributes', () => {
  test.each([
    [HttpMatch.method(HttpMethod.PUT), { method: { exact: 'PUT' } }],
    [HttpMatch.queryParam('beta', 'true'), { queryParams: { beta: { exact: 'true' } } }],
    [HttpMatch.queryParam('debug', ''), { queryParams: { debug: { exact: '' } } }],
    [HttpMatch.queryParamRegex('user', '^qa-.*'), { queryParams: { user: { regex: '^qa-.*' } } }],
    [HttpMatch.port(8080), { port: 8080 }],
    [HttpMatch.sourceLabels({ app: 'web', version: 'v1' }), { sourceLabels: { app: 'web', version: 'v1' } }],
    [HttpMatch.sourceNamespace('frontend'), { sourceNamespace: 'frontend' }],
    [HttpMatch.gateways(['istio-ingress/ingress', 'mesh']), { gateways: ['istio-ingress/ingress', 'mesh'] }],
    [HttpMatch.withoutHeader('x-debug'), { withoutHeaders: { 'x-debug': {} } }],
    [HttpMatch.withoutHeader('x-tier', 'gold'), { withoutHeaders: { 'x-tier': { exact: 'gold' } } }],
  ])('%#: renders', (m, expected) => {
    expect(render(m)).toStrictEqual(expected);
  });

  test.each([
    [HttpMatch.method('FETCH' as HttpMethod), 'match.method: "FETCH" is not'],
    [HttpMatch.port(70000), 'match.port: 70000'],
    [HttpMatch.sourceLabels({}), 'match.sourceLabels: {} is not a non-empty map of labels. Fix: give labels such as { app: "web" }'],
    [HttpMatch.gateways(['ingress']), 'match.gateways[0]: "ingress" is not a gateway reference'],
    [HttpMatch.gateways([]), 'match.gateways: []'],
    [HttpMatch.queryParam('', 'x'), 'match.queryParams: "" '],
    [HttpMatch.header('x-a', '1').and(HttpMatch.withoutHeader('x-a')), 'match.withoutHeaders.x-a: undefined is a second condition on the same header in one match'],
    [HttpMatch.port(80).and(HttpMatch.port(81)), 'match.port: 81 is a second port condition in one match'],
  ])('%#: is refused', (m, message) => {
    expect(errorOf(() => render(m))).toContain(message);
  });
});
