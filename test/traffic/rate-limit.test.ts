import * as kplus from 'cdk8s-plus-27';
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { Environment, LocalRateLimit, LocalRateLimitProps, RateLimitContext, WorkloadSelector } from '../../lib';
import { expectValidManifests } from '../support/validate';
import { find, meshChart, synth, synthValid, thrown } from '../gateway/support';

const BASE: LocalRateLimitProps = { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'productpage' }), maxTokens: 10, fillInterval: Duration.minutes(1) };

function filterFor(props: Partial<LocalRateLimitProps> = {}) {
  const chart = meshChart(Environment.DEV);
  new LocalRateLimit(chart, 'productpage-rate-limit', { ...BASE, ...props });
  const objects = synth(chart);
  expectValidManifests(objects);
  return find(objects, 'EnvoyFilter', 'productpage-rate-limit', props.namespace ?? 'bookinfo');
}

function errorFor(props: Partial<LocalRateLimitProps>): string {
  return thrown(() => new LocalRateLimit(meshChart(), 'rl', { ...BASE, ...props } as LocalRateLimitProps));
}

describe('LocalRateLimit', () => {
  test('renders the Envoy local_ratelimit token bucket before the router, enforced on 100%, 429 with a marker header', () => {
    const filter = filterFor({ tokensPerFill: 5 });
    expect(filter.apiVersion).toBe('networking.istio.io/v1alpha3');
    expect(filter.spec).toStrictEqual({
      workloadSelector: { labels: { app: 'productpage' } },
      priority: 10,
      configPatches: [{
        applyTo: 'HTTP_FILTER',
        match: {
          context: 'SIDECAR_INBOUND',
          listener: { filterChain: { filter: { name: 'envoy.filters.network.http_connection_manager', subFilter: { name: 'envoy.filters.http.router' } } } },
        },
        patch: {
          operation: 'INSERT_BEFORE',
          value: {
            name: 'envoy.filters.http.local_ratelimit',
            typed_config: {
              '@type': 'type.googleapis.com/udpa.type.v1.TypedStruct',
              'type_url': 'type.googleapis.com/envoy.extensions.filters.http.local_ratelimit.v3.LocalRateLimit',
              'value': {
                stat_prefix: 'http_local_rate_limiter',
                token_bucket: { max_tokens: 10, tokens_per_fill: 5, fill_interval: '60s' },
                filter_enabled: { runtime_key: 'local_rate_limit_enabled', default_value: { numerator: 100, denominator: 'HUNDRED' } },
                filter_enforced: { runtime_key: 'local_rate_limit_enforced', default_value: { numerator: 100, denominator: 'HUNDRED' } },
                status: { code: 'TooManyRequests' },
                response_headers_to_add: [{ append_action: 'OVERWRITE_IF_EXISTS_OR_ADD', header: { key: 'x-local-rate-limit', value: 'true' } }],
              },
            },
          },
        },
      }],
    });
  });

  test('GATEWAY context, tokensPerFill defaults to maxTokens, sub-second intervals in ms', () => {
    const filter = filterFor({ namespace: 'istio-ingress', selector: WorkloadSelector.labels({ app: 'ingress-gateway', istio: 'ingress-gateway' }), context: RateLimitContext.GATEWAY, fillInterval: Duration.millis(250) });
    expect(filter.spec.configPatches[0].match.context).toBe('GATEWAY');
    expect(filter.spec.configPatches[0].patch.value.typed_config.value.token_bucket).toStrictEqual({ max_tokens: 10, tokens_per_fill: 10, fill_interval: '250ms' });
  });

  test.each([
    [{ maxTokens: 0 }, '[prod/rl] maxTokens: 0 is not a whole number from 1 to 4294967295 (Envoy requires a non-empty bucket). Fix: use e.g. 100'],
    [{ maxTokens: 2.5 }, '[prod/rl] maxTokens: 2.5 is not a whole number from 1 to 4294967295 (Envoy requires a non-empty bucket). Fix: use e.g. 100'],
    [{ tokensPerFill: 0 }, '[prod/rl] tokensPerFill: 0 is not a whole number from 1 to 4294967295. Fix: use e.g. 10, or leave it out to refill the whole bucket'],
    [{ tokensPerFill: 11 }, '[prod/rl] tokensPerFill: 11 is above maxTokens (10); the bucket never holds more than maxTokens. Fix: use at most 10, or raise maxTokens'],
    [{ fillInterval: Duration.millis(49) }, '[prod/rl] fillInterval: "49ms" is below 50ms, which Envoy rejects ("local rate limit token bucket fill timer must be >= 50ms") and the listener would not load. Fix: use at least Duration.millis(50)'],
    [{ selector: WorkloadSelector.labels({}) }, '[prod/rl] selector: {} selects every workload. Fix: name at least one label, e.g. { app: "reviews" }'],
    [{ selector: WorkloadSelector.labels({ app: '*' }) }, '[prod/rl] selector: {"app":"*"} has an empty key or a wildcard (Istio selectors match exact labels). Fix: use exact label keys and values'],
    [{ context: 'SIDECAR_OUTBOUND' as RateLimitContext }, '[prod/rl] context: "SIDECAR_OUTBOUND" is not a RateLimitContext. Fix: use one of RateLimitContext.SIDECAR_INBOUND, RateLimitContext.GATEWAY'],
    [{ responseHeader: { name: 'X Bad', value: 'true' } }, '[prod/rl] responseHeader.name: "X Bad" is not a lowercase HTTP header name. Fix: use e.g. "x-local-rate-limit"'],
  ])('rejects %j', (props, message) => {
    expect(errorFor(props)).toBe(message);
  });

  test('property: every valid bucket renders a valid EnvoyFilter that keeps its numbers', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 1, max: 100000 }), fc.integer({ min: 50, max: 3600000 }), (a, b, ms) => {
      const maxTokens = Math.max(a, b);
      const tokensPerFill = Math.min(a, b);
      const filter = filterFor({ maxTokens, tokensPerFill, fillInterval: Duration.millis(ms) });
      const bucket = filter.spec.configPatches[0].patch.value.typed_config.value.token_bucket;
      expect(bucket.max_tokens).toBe(maxTokens);
      expect(bucket.tokens_per_fill).toBe(tokensPerFill);
      expect(bucket.fill_interval).toBe(ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`);
    }), { numRuns: 30 });
  });

  test('the selector can be a workload: its pod labels and its namespace', () => {
    const chart = meshChart();
    const productpage = new kplus.Deployment(chart, 'productpage', {
      metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'productpage' } }, containers: [{ image: 'nginx:1.27' }],
    });
    const rl = new LocalRateLimit(chart, 'rl', { selector: WorkloadSelector.fromWorkload(productpage), maxTokens: 10, fillInterval: Duration.seconds(1) });
    expect(rl.namespace).toBe('shop');
    expect(find(synthValid(chart), 'EnvoyFilter', 'rl', 'shop').spec.workloadSelector).toStrictEqual({ labels: { app: 'productpage' } });
  });
});
