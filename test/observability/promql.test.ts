/**
 * The typed PromQL builder: rendering, precedence, escaping and what it refuses.
 */
import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { promDuration, q } from '../../lib/observability/promql';
import { promqlErrors } from '../support/promql';

describe('PromQL builder', () => {
  test('selectors, ranges, functions and aggregations', () => {
    const s = q.metric('istio_requests_total').eq('reporter', 'destination').re('response_code', '5..').where('source_app', '!=', 'x"y');
    expect(s.render()).toBe('istio_requests_total{reporter="destination", response_code=~"5..", source_app!="x\\"y"}');
    expect(q.sum(q.rate(s.over(Duration.minutes(5))), 'a', 'b').render())
      .toBe('sum by (a, b) (rate(istio_requests_total{reporter="destination", response_code=~"5..", source_app!="x\\"y"}[5m]))');
    expect(q.sumWithout(q.metric('m'), 'pod').render()).toBe('sum without (pod) (m)');
    expect(promqlErrors(s.render())).toStrictEqual([]);
  });

  test('parentheses follow PromQL precedence', () => {
    const a = q.metric('a');
    const b = q.metric('b');
    const c = q.metric('c');
    expect(q.gt(q.div(a, b), 0.5).render()).toBe('a / b > 0.5');
    expect(q.div(a, q.div(b, c)).render()).toBe('a / (b / c)');
    expect(q.div(q.div(a, b), c).render()).toBe('a / b / c');
    expect(q.mul(new (q.div(a, b).constructor as any)(a, '+', b), c).render()).toBe('(a + b) * c');
    expect(q.and(q.gt(a, 1), q.gt(b, 2)).render()).toBe('a > 1 and b > 2');
    expect(q.gt(q.and(a, b), 1).render()).toBe('(a and b) > 1');
  });

  test('durations and regex escaping', () => {
    expect([Duration.seconds(30), Duration.minutes(5), Duration.minutes(90), Duration.hours(48), Duration.millis(1500)].map(promDuration))
      .toStrictEqual(['30s', '5m', '90m', '2d', '1500ms']);
    expect(q.anyOf(['reviews.bookinfo.svc.cluster.local', 'a+b'])).toBe('reviews\\.bookinfo\\.svc\\.cluster\\.local|a\\+b');
  });

  test('bad names are refused', () => {
    expect(() => q.metric('istio-requests')).toThrow('not a Prometheus metric name: "istio-requests"');
    expect(() => q.metric('m').eq('a-b', 'x')).toThrow('not a Prometheus label name: "a-b"');
    expect(() => q.quantile(1.5, q.metric('x_bucket'), Duration.minutes(5))).toThrow('not a quantile: 1.5');
    expect(() => q.quantile(0.5, q.metric('x'), Duration.minutes(5))).toThrow('not a histogram bucket series: x');
    expect(() => q.num(NaN)).toThrow('not a finite number: NaN');
  });

  test('any label value and threshold renders parseable PromQL (property)', () => {
    fc.assert(fc.property(fc.string(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer({ min: 1, max: 10_000_000 }), (value, threshold, ms) => {
      const expr = q.gt(q.sum(q.rate(q.metric('m').eq('l', value).re('r', value).over(Duration.millis(ms))), 'l'), threshold);
      expect(promqlErrors(expr.render())).toStrictEqual([]);
    }), { numRuns: 200 });
  });
});
