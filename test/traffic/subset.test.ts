/**
 * Subset.fromWorkload takes workloads of any cdk8s-plus 2x version, and names a wrong object.
 */
import { ApiObject, Cron } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { CanaryRelease, Subset } from '../../lib';
import { errorOf, meshChart, one, synthValid } from './support';

const WORKLOAD_FIX = 'Fix: pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33), '
  + 'or use Subset.fromLabels(name, { version: "..." })';

describe('Subset.fromWorkload across cdk8s-plus versions', () => {
  test('a canary of a cdk8s-plus-27 and a cdk8s-plus-33 Deployment: subsets of their pod labels, in their namespace', () => {
    // GIVEN the stable version written with cdk8s-plus-27 and the canary with cdk8s-plus-33 (what `cdk8s init` installs)
    const chart = meshChart();
    const v1 = new kplus27.Deployment(chart, 'cart-v1', {
      metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'cart', version: 'v1' } }, containers: [{ image: 'cart:1', portNumber: 8080 }],
    });
    const v2 = new kplus33.Deployment(chart, 'cart-v2', {
      metadata: { namespace: 'shop' }, podMetadata: { labels: { app: 'cart', version: 'v2' } }, containers: [{ image: 'cart:2', portNumber: 8080 }],
    });
    // WHEN
    new CanaryRelease(chart, 'cart-canary', { host: 'cart', stable: Subset.fromWorkload('v1', v1), canary: Subset.fromWorkload('v2', v2) });
    // THEN
    const objs = synthValid(chart);
    expect(one(objs, 'DestinationRule', 'cart')).toStrictEqual({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'cart', namespace: 'shop' },
      spec: {
        host: 'cart',
        subsets: [
          { name: 'v1', labels: { app: 'cart', version: 'v1' } },
          { name: 'v2', labels: { app: 'cart', version: 'v2' } },
        ],
      },
    });
    expect(one(objs, 'Deployment', v2.name, 'shop').spec.template.metadata.labels).toMatchObject({ app: 'cart', version: 'v2' });
  });

  test('a cdk8s-plus-33 CronJob without pod labels of yours: the address label cdk8s-plus puts on its pods', () => {
    // GIVEN
    const chart = meshChart();
    const report = new kplus33.CronJob(chart, 'report', { metadata: { namespace: 'shop' }, schedule: Cron.daily(), containers: [{ image: 'report:1' }] });
    // WHEN
    const subset = Subset.fromWorkload('nightly', report);
    // THEN
    expect(subset.labels).toStrictEqual({ 'cdk8s.io/metadata.addr': report.podMetadata.getLabel('cdk8s.io/metadata.addr') });
    expect(subset.workloadPath).toBe('prod/report');
    expect(subset.workloadNamespace).toBe('shop');
  });

  test('a Service or a plain ConfigMap is no workload: the construct that uses the subset names it, the parameter and the fix', () => {
    // GIVEN
    const chart = meshChart();
    const service = new kplus33.Service(chart, 'cart-svc', { ports: [{ port: 8080 }] });
    const settings = new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop' } });
    const stable = Subset.fromLabels('v1', { app: 'cart', version: 'v1' });
    // WHEN the factory gets them THEN nothing is thrown yet; the CanaryRelease that uses the subset reports it under its own path
    let n = 0;
    const canaryWith = (workload: unknown) => () => new CanaryRelease(chart, `c${n++}`, {
      host: 'cart.shop.svc.cluster.local', stable, canary: Subset.fromWorkload('v2', workload as kplus33.Deployment),
    });
    expect(errorOf(canaryWith(service)))
      .toBe(`[prod/c0] canary.workload: "prod/cart-svc" is a cdk8s-plus-33 Service, not a cdk8s-plus workload that runs pods. ${WORKLOAD_FIX}`);
    expect(errorOf(canaryWith(settings)))
      .toBe(`[prod/c1] canary.workload: "prod/settings" is an ApiObject of kind ConfigMap, not a cdk8s-plus workload that runs pods. ${WORKLOAD_FIX}`);
    // A value that is no construct at all (from JavaScript) is reported the same way, not thrown by the factory without a path.
    expect(errorOf(canaryWith('cart-v2')))
      .toBe(`[prod/c2] canary.workload: "cart-v2" is not a construct. ${WORKLOAD_FIX}`);
  });
});
