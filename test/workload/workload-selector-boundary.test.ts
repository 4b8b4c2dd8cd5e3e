/**
 * WorkloadSelector at the API boundary: labels are checked by the construct that uses the selector,
 * so a wrong value is our error under its path and field, never a TypeError or a selector made of a
 * string's characters.
 */
import { AuthorizationPolicy, WorkloadSelector } from '../../lib';
import { errorOf, find, synthValid } from '../support/charts';
import { prodChart } from '../security/support';

function selectorError(selector: WorkloadSelector): string {
  return errorOf(() => new AuthorizationPolicy(prodChart(), 'p', { namespace: 'bookinfo', selector, rules: [{ from: [{ namespaces: ['istio-ingress'] }] }] }));
}

describe('WorkloadSelector.labels', () => {
  test('a string is an error (it became the labels {"0": "a", "1": "p", ...})', () => {
    // GIVEN / WHEN / THEN
    expect(selectorError(WorkloadSelector.labels('app=reviews' as never)))
      .toBe('[prod/p] selector: "app=reviews" is a string, not a map of labels. Fix: give WorkloadSelector.labels a map of label keys to values, e.g. WorkloadSelector.labels({ app: "reviews" })');
  });

  test('null, a Map and a numeric label value are errors naming the field', () => {
    // GIVEN / WHEN / THEN
    expect(selectorError(WorkloadSelector.labels(null as never)))
      .toBe('[prod/p] selector: null is null, not a map of labels. Fix: give WorkloadSelector.labels a map of label keys to values, e.g. WorkloadSelector.labels({ app: "reviews" })');
    expect(selectorError(WorkloadSelector.labels(new Map([['app', 'reviews']]) as never)))
      .toBe('[prod/p] selector: Map(1) is a Map, not a map of labels. Fix: give WorkloadSelector.labels a map of label keys to values, e.g. WorkloadSelector.labels({ app: "reviews" })');
    expect(selectorError(WorkloadSelector.labels({ app: 'reviews', version: 2 } as never)))
      .toBe('[prod/p] selector.version: 2 is a number, not a string. Fix: give label values as strings, e.g. "v1"');
  });

  test('the labels are copied: a later change to the caller\'s object changes nothing', () => {
    // GIVEN
    const labels: Record<string, string> = { app: 'reviews' };
    const selector = WorkloadSelector.labels(labels);
    labels.app = 'ratings';
    // WHEN
    const chart = prodChart();
    new AuthorizationPolicy(chart, 'p', { namespace: 'bookinfo', selector, rules: [{ from: [{ namespaces: ['istio-ingress'] }] }] });
    // THEN
    expect(find(synthValid(chart), 'AuthorizationPolicy', 'p').spec.selector).toStrictEqual({ matchLabels: { app: 'reviews' } });
  });
});
