/**
 * The pods an output would run (pod templates of workload kinds) and their label index.
 */
import * as fc from 'fast-check';
import { PodIndex, podOf, selectorMatches } from '../../lib/analysis/pods';
import { toResource } from '../../lib/analysis/resources';

function workload(kind: string, apiVersion: string, spec: object, namespace = 'shop') {
  return toResource({ apiVersion, kind, metadata: { name: 'w', namespace }, spec }, 0, 'default', false);
}

const template = { metadata: { labels: { app: 'a' }, annotations: { x: 'y' } }, spec: { serviceAccountName: 'sa', containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }] } };

describe('podOf', () => {
  test.each([
    ['Deployment', 'apps/v1', { template }],
    ['StatefulSet', 'apps/v1', { template }],
    ['DaemonSet', 'apps/v1', { template }],
    ['ReplicaSet', 'apps/v1', { template }],
    ['Job', 'batch/v1', { template }],
    ['CronJob', 'batch/v1', { jobTemplate: { spec: { template } } }],
    ['Rollout', 'argoproj.io/v1alpha1', { template }],
  ])('a %s yields its template\'s pod', (kind, apiVersion, spec) => {
    // WHEN
    const pod = podOf(workload(kind, apiVersion, spec));
    // THEN
    expect(pod && { ns: pod.namespace, labels: pod.labels, annotations: pod.annotations, sa: pod.serviceAccount, ports: pod.ports }).toStrictEqual({
      ns: 'shop', labels: { app: 'a' }, annotations: { x: 'y' }, sa: 'sa',
      ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, { containerPort: 53, protocol: 'UDP' }],
    });
  });

  test('a bare Pod is its own template; the service account defaults to "default"; other kinds and shapes yield none', () => {
    expect(podOf(workload('Pod', 'v1', { containers: [] }))?.serviceAccount).toBe('default');
    expect(podOf(workload('Service', 'v1', { selector: { app: 'a' } }))).toBeUndefined();
    expect(podOf(workload('Deployment', 'apps/v1', { template: 'nope' }))).toBeUndefined();
    expect(podOf(workload('Deployment', 'apps/v1', { template: { metadata: { labels: { app: 3 } } } }))?.labels).toStrictEqual({});
  });
});

describe('PodIndex', () => {
  test('property: matching equals a linear scan over namespace and labels', () => {
    const labels = fc.dictionary(fc.constantFrom('app', 'version', 'tier'), fc.constantFrom('a', 'b'), { maxKeys: 3 });
    const pod = fc.record({ namespace: fc.constantFrom('x', 'y'), labels });
    fc.assert(fc.property(fc.array(pod, { maxLength: 15 }), fc.option(fc.constantFrom('x', 'y'), { nil: undefined }), labels, (pods, ns, query) => {
      const index = new PodIndex();
      const infos = pods.map((p, i) => ({ ...p, annotations: {}, serviceAccount: 'default', ports: [], owner: workload('Pod', 'v1', {}, p.namespace), spec: {}, i }));
      infos.forEach((p) => index.add(p));
      const expected = infos.filter((p) => (ns === undefined || p.namespace === ns) && Object.entries(query).every(([k, v]) => p.labels[k] === v));
      expect(index.matching(ns, query)).toStrictEqual(expected);
    }), { numRuns: 300 });
  });
});

describe('selectorMatches', () => {
  test('matchLabels and every matchExpressions operator', () => {
    const labels = { app: 'a', tier: 'web' };
    expect(selectorMatches({}, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'a' } }, labels)).toBe(true);
    expect(selectorMatches({ matchLabels: { app: 'b' } }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'In', values: ['web', 'db'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['web'] }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'zone', operator: 'NotIn', values: ['a'] }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Exists' }] }, labels)).toBe(true);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'DoesNotExist' }] }, labels)).toBe(false);
    expect(selectorMatches({ matchExpressions: [{ key: 'app', operator: 'Bogus' }] }, labels)).toBe(false);
  });
});
