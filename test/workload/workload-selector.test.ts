/**
 * WorkloadSelector.fromWorkload takes workloads of any cdk8s-plus 2x version, reads their pod labels
 * when a construct uses the selector, and names a wrong object.
 */
import { ApiObject } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { AuthorizationPolicy, Environment, WorkloadSelector } from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

const WORKLOAD_FIX = 'Fix: pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33), '
  + 'or use WorkloadSelector.labels({ app: "..." })';
const rules = [{ from: [{ namespaces: ['istio-ingress'] }] }];

describe('WorkloadSelector.fromWorkload across cdk8s-plus versions', () => {
  test('selects the pods of a cdk8s-plus-33 and a cdk8s-plus-27 Deployment by their labels, read when the policy is made', () => {
    // GIVEN a cdk8s-plus-33 Deployment whose version label is added after the selector was made, and a cdk8s-plus-27 one
    const chart = meshChart(Environment.PROD);
    const reviews = new kplus33.Deployment(chart, 'reviews', {
      metadata: { namespace: 'bookinfo' }, podMetadata: { labels: { app: 'reviews' } }, containers: [{ image: 'reviews:1', portNumber: 9080 }],
    });
    const ratings = new kplus27.Deployment(chart, 'ratings', {
      metadata: { namespace: 'bookinfo' }, podMetadata: { labels: { app: 'ratings' } }, containers: [{ image: 'ratings:1', portNumber: 9080 }],
    });
    const reviewsSelector = WorkloadSelector.fromWorkload(reviews);
    reviews.podMetadata.addLabel('version', 'v1');
    // WHEN
    new AuthorizationPolicy(chart, 'reviews-policy', { selector: reviewsSelector, rules });
    new AuthorizationPolicy(chart, 'ratings-policy', { selector: WorkloadSelector.fromWorkload(ratings), rules });
    // THEN
    const objs = synthValid(chart);
    expect(reviewsSelector.namespace).toBe('bookinfo');
    expect(find(objs, 'AuthorizationPolicy', 'reviews-policy')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'AuthorizationPolicy',
      metadata: { name: 'reviews-policy', namespace: 'bookinfo' },
      spec: { selector: { matchLabels: { app: 'reviews', version: 'v1' } }, action: 'ALLOW', rules: [{ from: [{ source: { namespaces: ['istio-ingress'] } }] }] },
    });
    expect(find(objs, 'AuthorizationPolicy', 'ratings-policy').spec.selector).toStrictEqual({ matchLabels: { app: 'ratings' } });
    expect(find(objs, 'Deployment', reviews.name, 'bookinfo').spec.template.metadata.labels).toMatchObject({ app: 'reviews', version: 'v1' });
  });

  test('a cdk8s-plus-33 Pod is selected by its own labels', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    const debug = new kplus33.Pod(chart, 'debug', { metadata: { namespace: 'tools', labels: { app: 'debug' } }, containers: [{ image: 'busybox:1.36' }] });
    // WHEN
    new AuthorizationPolicy(chart, 'debug-policy', { selector: WorkloadSelector.fromWorkload(debug), rules });
    // THEN
    const policy = find(synthValid(chart), 'AuthorizationPolicy', 'debug-policy');
    expect(policy.metadata).toStrictEqual({ name: 'debug-policy', namespace: 'tools' });
    expect(policy.spec.selector).toStrictEqual({ matchLabels: { app: 'debug' } });
  });

  test('a Service or a plain ConfigMap is no workload: the error names it, the parameter and the fix', () => {
    // GIVEN
    const chart = meshChart(Environment.PROD);
    const service = new kplus33.Service(chart, 'reviews-svc', { ports: [{ port: 9080 }] });
    const settings = new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    // WHEN / THEN
    expect(errorOf(() => WorkloadSelector.fromWorkload(service))).toBe('[prod/reviews-svc] WorkloadSelector.fromWorkload(workload): "prod/reviews-svc" '
      + `is a cdk8s-plus-33 Service, not a cdk8s-plus workload that runs pods. ${WORKLOAD_FIX}`);
    expect(errorOf(() => WorkloadSelector.fromWorkload(settings))).toBe('[prod/settings] WorkloadSelector.fromWorkload(workload): "prod/settings" '
      + `is an ApiObject of kind ConfigMap, not a cdk8s-plus workload that runs pods. ${WORKLOAD_FIX}`);
  });
});
