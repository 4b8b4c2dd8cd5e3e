/** The API boundary of LocalRateLimit: our error or valid output, never a TypeError or a silent drop. */
import { Duration } from 'cdk8s';
import { LocalRateLimit, LocalRateLimitProps, WorkloadSelector } from '../../lib';
import { errorOf, meshChart } from './support';

function limitError(props: unknown): string {
  return errorOf(() => new LocalRateLimit(meshChart(), 'rl', props as LocalRateLimitProps));
}

const base = { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'productpage' }), maxTokens: 100, fillInterval: Duration.seconds(1) };

describe('LocalRateLimit at the API boundary', () => {
  test('missing props are our error (they were a TypeError reading selector)', () => {
    expect(limitError(undefined)).toBe('[prod/rl] props: undefined are missing. Fix: give an object such as { selector, maxTokens, fillInterval, ... }');
    expect(limitError({ maxTokens: 1, fillInterval: Duration.seconds(1) }))
      .toBe('[prod/rl] selector: undefined is missing (LocalRateLimitProps requires it). Fix: give selector');
  });

  test('unknown keys, NaN and a header given as a string are errors', () => {
    expect(limitError({ ...base, tokensPerfill: 10 }))
      .toBe('[prod/rl] props: "tokensPerfill" is not a field of LocalRateLimitProps (did you mean "tokensPerFill"?). Fix: rename it to "tokensPerFill"');
    expect(limitError({ ...base, maxTokens: NaN }))
      .toBe('[prod/rl] maxTokens: NaN is not a whole number from 1 to 4294967295 (Envoy requires a non-empty bucket). Fix: use e.g. 100');
    expect(limitError({ ...base, responseHeader: 'x-limited: true' }))
      .toBe('[prod/rl] responseHeader: "x-limited: true" is a string, not a RateLimitHeader object. Fix: give an object such as { name, value }');
    expect(limitError({ ...base, selector: { app: 'productpage' } }))
      .toBe('[prod/rl] selector: {"app":"productpage"} is an object, not a WorkloadSelector. Fix: use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)');
  });
});
