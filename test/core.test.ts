import { Duration, Testing } from 'cdk8s';
import { istioDuration } from '../lib/core/duration';
import { checkSelectorLabels } from '../lib/core/labels';

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
    expect(() => istioDuration(chart, 'corsPolicy.maxAge', Duration.millis(1500), { wholeSeconds: true })).toThrow(/is not a whole number of seconds/);
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
