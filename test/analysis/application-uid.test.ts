/**
 * deployment.applicationuid: pod templates that run the application as UID 1337 (IST0144).
 */
import { MeshAnalyzer } from '../../lib';

const NS = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } };
const FIX = 'Fix: run the application as another user (e.g. runAsUser: 1000): traffic of UID 1337 is not redirected through the sidecar';
const MESSAGE = 'User ID (UID) 1337 is reserved for the sidecar proxy';

function lines(objs: any[]): string[] {
  return MeshAnalyzer.analyze([NS, ...objs]).findings.map((f) => MeshAnalyzer.format([f]));
}

function deployment(name: string, spec: any, labels?: Record<string, string>): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: 'default', ...(labels ? { labels } : {}) },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: { labels: { app: name } }, spec } },
  };
}

describe('deployment.applicationuid', () => {
  test('Istio\'s cases: a Pod and a Deployment running as 1337, at pod and container level', () => {
    // GIVEN Pods and Deployments with runAsUser 1337 in the pod securityContext or a container's
    const objs = [
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'pod-sec-uid', namespace: 'default' }, spec: { securityContext: { runAsUser: 1337 }, containers: [{ name: 'app', image: 'a' }] } },
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'con-sec-uid', namespace: 'default' }, spec: { containers: [{ name: 'app', image: 'a', securityContext: { runAsUser: 1337 } }] } },
      deployment('deploy-pod-sec-uid', { securityContext: { runAsUser: 1337 }, containers: [{ name: 'app', image: 'a' }] }),
      deployment('deploy-con-sec-uid', { containers: [{ name: 'other', image: 'b' }, { name: 'app', image: 'a', securityContext: { runAsUser: 1337 } }] }),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      `Warning [IST0144] (Deployment default/deploy-con-sec-uid) ${MESSAGE} (spec.template.spec.containers[1].securityContext.runAsUser). ${FIX}`,
      `Warning [IST0144] (Deployment default/deploy-pod-sec-uid) ${MESSAGE} (spec.template.spec.securityContext.runAsUser). ${FIX}`,
      `Warning [IST0144] (Pod default/con-sec-uid) ${MESSAGE} (spec.containers[0].securityContext.runAsUser). ${FIX}`,
      `Warning [IST0144] (Pod default/pod-sec-uid) ${MESSAGE} (spec.securityContext.runAsUser). ${FIX}`,
    ]);
  });

  test('the istio-proxy container, control-plane workloads, other UIDs and declared workloads are fine; every workload kind is read', () => {
    // GIVEN a proxy container as 1337, an istiod-like deployment, UID 1000, and a CronJob as 1337
    const objs = [
      deployment('injected', { containers: [{ name: 'app', image: 'a', securityContext: { runAsUser: 1000 } }, { name: 'istio-proxy', image: 'proxyv2', securityContext: { runAsUser: 1337 } }] }),
      deployment('istiod', { securityContext: { runAsUser: 1337 }, containers: [{ name: 'discovery', image: 'pilot' }] }, { istio: 'pilot' }),
      deployment('released', { securityContext: { runAsUser: 1337 }, containers: [] }, { release: 'istio' }),
      {
        apiVersion: 'batch/v1', kind: 'CronJob', metadata: { name: 'nightly', namespace: 'default' },
        spec: { schedule: '0 0 * * *', jobTemplate: { spec: { template: { spec: { securityContext: { runAsUser: 1337 }, containers: [{ name: 'job', image: 'j' }] } } } } },
      },
    ];
    const external = [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'theirs', namespace: 'default' }, spec: { securityContext: { runAsUser: 1337 } } }];

    // WHEN / THEN
    expect(MeshAnalyzer.analyze([NS, ...objs], { external }).findings.map((f) => MeshAnalyzer.format([f]))).toStrictEqual([
      `Warning [IST0144] (CronJob default/nightly) ${MESSAGE} (spec.jobTemplate.spec.template.spec.securityContext.runAsUser). ${FIX}`,
    ]);
  });

  test('malformed input: a string securityContext, a UID as a string, containers that are not objects', () => {
    // GIVEN odd pod specs
    const objs = [
      deployment('a', { securityContext: 'root', containers: ['x', null, { name: 'app', securityContext: { runAsUser: '1337' } }] }),
      deployment('b', 'nope'),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });
});
