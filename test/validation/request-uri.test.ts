import { evaluateRule, escapePropertyName } from '../../lib/validation/cel';
import { parseRequestUri } from '../../lib/validation/request-uri';

describe('parseRequestUri (Kubernetes isURL/url semantics)', () => {
  it.each([
    ['https://example.com/jwks.json', 'https'],
    ['HTTP://Example.com:8080/a?b=c', 'http'],
    ['oci://ghcr.io/org/filter:1.0', 'oci'],
    ['file:///opt/filter.wasm', 'file'],
    ['/an/absolute/path', ''],
    ['mailto:someone@example.com', 'mailto'],
    ['http://user:pa%20ss@[::1]:80/x', 'http'],
  ])('accepts %s (scheme %j)', (raw, scheme) => {
    expect(parseRequestUri(raw)?.scheme).toBe(scheme);
  });

  it.each([['', 'empty'], ['example.com/x', 'relative'], [':8080', 'missing scheme'], ['http://exa mple.com', 'space in host'], ['http://h:80a/', 'bad port'], ['http://h/%zz', 'bad escape']])(
    'rejects %j (%s)',
    (raw) => {
      expect(parseRequestUri(raw)).toBeUndefined();
    },
  );
});

describe('CEL evaluation', () => {
  const intSchema = { type: 'integer' };
  it('binds integers as int and numbers as double', () => {
    expect(evaluateRule('self == 1', 1, intSchema)).toEqual({ status: 'pass' });
    expect(evaluateRule('type(self) == int', 1, intSchema)).toEqual({ status: 'pass' });
    expect(evaluateRule('type(self) == double', 1, { type: 'number' })).toEqual({ status: 'pass' });
  });

  it('escapes declared property names like Kubernetes', () => {
    expect(escapePropertyName('namespace')).toBe('__namespace__');
    expect(escapePropertyName('a-b.c/d__e')).toBe('a__dash__b__dot__c__slash__d__underscores__e');
    const schema = { type: 'object', properties: { namespace: { type: 'string' } } };
    expect(evaluateRule('self.__namespace__ == "x"', { namespace: 'x' }, schema)).toEqual({ status: 'pass' });
  });

  it('reports errors instead of passing', () => {
    expect(evaluateRule('self.missing == 1', {}, { type: 'object' }).status).toBe('error');
    expect(evaluateRule('self +', 1, intSchema).status).toBe('error');
    expect(evaluateRule('self', 1, intSchema)).toEqual({ status: 'error', error: 'rule evaluated to a non-bool value' });
    expect(evaluateRule('url(self).getScheme() == "http"', 'not a url', { type: 'string' }).status).toBe('error');
  });
});
