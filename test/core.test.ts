import { Duration, Testing } from 'cdk8s';
import { istioDuration } from '../lib/core/duration';
import { parseServiceHost } from '../lib/core/hostnames';
import { checkSelectorLabels, selectorsOverlap } from '../lib/core/labels';
import { resolveNamespace } from '../lib/core/namespace';
import { isIpOrCidr } from '../lib/core/network';
import { checkPort } from '../lib/core/ports';

describe('istioDuration', () => {
  const chart = Testing.chart();
  test('renders whole seconds as s and the rest as ms', () => {
    expect(istioDuration(chart, 'timeout', Duration.seconds(10))).toBe('10s');
    expect(istioDuration(chart, 'timeout', Duration.millis(250))).toBe('250ms');
    expect(istioDuration(chart, 'timeout', Duration.minutes(2))).toBe('120s');
  });
  test('rejects sub-millisecond and zero durations, naming the field', () => {
    expect(() => istioDuration(chart, 'retries.perTryTimeout', Duration.millis(0))).toThrow(/\[test\] retries\.perTryTimeout: "0ms" is below 1ms/);
    expect(() => istioDuration(chart, 'timeout', Duration.millis(1.5))).toThrow(/timeout: "1\.5ms" is not a whole number of milliseconds/);
  });
  test('whole seconds when asked', () => {
    expect(() => istioDuration(chart, 'corsPolicy.maxAge', Duration.millis(1500), { wholeSeconds: true }))
      .toThrow('[test] corsPolicy.maxAge: "1500ms" is not a whole number of seconds');
  });
});

describe('checkSelectorLabels', () => {
  const chart = Testing.chart();
  test('sorts keys', () => {
    expect(Object.keys(checkSelectorLabels(chart, 'selector', { b: '1', a: '2' }))).toStrictEqual(['a', 'b']);
  });
  test.each([
    [{ app: '*' }, /wildcard/],
    [{ '': 'x' }, /empty key/],
    [{ app: 'x'.repeat(64) }, /not a valid label value/],
    [{ 'bad key!': 'x' }, /not a valid label key/],
    [{}, /selects every workload/],
  ])('rejects %j', (labels, message) => {
    expect(() => checkSelectorLabels(chart, 'selector', labels)).toThrow(message);
  });
});

describe('shared core helpers', () => {
  test.each([
    ['reviews', { service: 'reviews', namespace: 'shop', fqdn: 'reviews.shop.svc.cluster.local' }],
    ['reviews.bookinfo.svc', { service: 'reviews', namespace: 'bookinfo', fqdn: 'reviews.bookinfo.svc.cluster.local' }],
    ['reviews.bookinfo.svc.cluster.local', { service: 'reviews', namespace: 'bookinfo', fqdn: 'reviews.bookinfo.svc.cluster.local' }],
    ['*.bookinfo.svc.cluster.local', { service: '*', namespace: 'bookinfo', fqdn: '*.bookinfo.svc.cluster.local' }],
    ['*', { service: '*', namespace: '*', fqdn: '*.svc.cluster.local' }],
    ['api.example.com', undefined],
    ['reviews.bookinfo', undefined],
  ])('parseServiceHost(%s)', (host: string, expected: object | undefined) => {
    expect(parseServiceHost(host, 'shop')).toStrictEqual(expected);
  });

  test('resolveNamespace: given, else target, else chart; never a silent default', () => {
    const withNs = Testing.chart();
    expect(resolveNamespace(withNs, { given: 'a' })).toBe('a');
    expect(resolveNamespace(withNs, { target: 'b' })).toBe('b');
    expect(() => resolveNamespace(withNs, {})).toThrow(/\[test\] namespace: undefined is not set/);
    expect(() => resolveNamespace(withNs, { given: 'a', target: 'b', targetName: 'the workload' })).toThrow(/namespace: "a" differs from the namespace of the workload \("b"\)/);
  });

  test('checkPort and isIpOrCidr', () => {
    const chart = Testing.chart();
    expect(checkPort(chart, 'port', 443)).toBe(443);
    expect(() => checkPort(chart, 'ports[0]', 70000)).toThrow(/\[test\] ports\[0\]: 70000 is not a port number 1–65535/);
    expect(['10.0.0.1', '10.0.0.0/8', '2001:db8::/64'].every(isIpOrCidr)).toBe(true);
    expect(['10.0.0.0/33', 'example.com', '10.0.0.256'].some(isIpOrCidr)).toBe(false);
  });

  test('selectorsOverlap: selectors that agree on their shared keys overlap', () => {
    expect(selectorsOverlap({ app: 'a' }, { app: 'a', v: '1' })).toBe(true);
    expect(selectorsOverlap({ app: 'a' }, { app: 'b' })).toBe(false);
  });
});
