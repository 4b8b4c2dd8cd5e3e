/**
 * WorkloadSelector.fromWorkload on a workload whose pods carry no label it could select on.
 */
import * as kplus from 'cdk8s-plus-27';
import { AuthorizationPolicy, Environment, WorkloadSelector } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

describe('WorkloadSelector.fromWorkload', () => {
  test('a workload without pod selector labels cannot be selected, and the error names it', () => {
    // GIVEN a Deployment created with select: false and no pod labels of its own
    const chart = meshChart(Environment.PROD);
    const reviews = new kplus.Deployment(chart, 'reviews', {
      metadata: { namespace: 'bookinfo' }, select: false, containers: [{ image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.2', portNumber: 9080 }],
    });
    // WHEN
    const error = errorOf(() => new AuthorizationPolicy(chart, 'p', {
      selector: WorkloadSelector.fromWorkload(reviews), rules: [{ from: [{ namespaces: ['istio-ingress'] }] }],
    }));
    // THEN
    expect(error).toBe('[prod/p] selector: "prod/reviews" is a workload without pod selector labels, so it cannot be selected. '
      + 'Fix: give its pods labels (podMetadata: { labels: { app: "..." } }), or create it with select: true (the cdk8s-plus default) or call workload.select(...)');
  });
});
