/**
 * LocalRateLimit response header and stat prefix rules no other test reaches.
 */
import { Duration } from 'cdk8s';
import { Environment, LocalRateLimit, LocalRateLimitProps, WorkloadSelector } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

const BASE: LocalRateLimitProps = { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'productpage' }), maxTokens: 10, fillInterval: Duration.minutes(1) };

function limitError(props: Partial<LocalRateLimitProps>): string {
  return errorOf(() => new LocalRateLimit(meshChart(Environment.PROD), 'rl', { ...BASE, ...props }));
}

describe('LocalRateLimit responseHeader and statPrefix', () => {
  test('a header of your own is written on limited responses', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    // WHEN
    new LocalRateLimit(chart, 'rl', { ...BASE, responseHeader: { name: 'x-throttled', value: 'productpage' } });
    // THEN
    const filter = find(synthValid(chart), 'EnvoyFilter', 'rl', 'bookinfo');
    expect(filter.spec.configPatches[0].patch.value.typed_config.value.response_headers_to_add)
      .toStrictEqual([{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-throttled', value: 'productpage' } }]);
  });

  test('a header name with capitals is an error', () => {
    // GIVEN / WHEN / THEN
    expect(limitError({ responseHeader: { name: 'X-Rate-Limited', value: 'true' } }))
      .toBe('[prod/rl] responseHeader.name: "X-Rate-Limited" is not a lowercase HTTP header name. Fix: use e.g. "x-local-rate-limit"');
  });

  test('a header value with a line break is an error', () => {
    // GIVEN / WHEN / THEN
    expect(limitError({ responseHeader: { name: 'x-rate-limited', value: 'yes\r\nset-cookie: a=b' } }))
      .toBe('[prod/rl] responseHeader.value: "yes\\r\\nset-cookie: a=b" is not a header value. Fix: use a single-line string, e.g. "true"');
  });

  test('a stat prefix with capitals or dashes is an error', () => {
    // GIVEN / WHEN / THEN
    expect(limitError({ statPrefix: 'Productpage-Limiter' }))
      .toBe('[prod/rl] statPrefix: "Productpage-Limiter" is not a stat prefix (lowercase letters, digits and "_"). Fix: use e.g. "http_local_rate_limiter"');
  });
});
