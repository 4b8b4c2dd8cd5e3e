/**
 * The run-time reader of cdk8s-plus workloads and service accounts: objects of any cdk8s-plus 2x
 * version are recognized by their ApiObject kind and the members every version has; anything else is
 * an error naming it.
 */
import { ApiObject, Cron, Testing } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { Construct } from 'constructs';
import { describeConstruct, PLUS_ADDRESS_LABEL, PlusServiceAccount, PlusWorkload } from '../../lib/workload/plus-objects';
import { errorOf } from '../support/charts';

const use = { field: 'Thing.fromWorkload(workload)', fix: 'pass a workload' };

describe('PlusWorkload', () => {
  test('reads every workload kind of cdk8s-plus-33: kind, namespace and the pod labels you gave', () => {
    // GIVEN one workload of each kind, with pod labels of their own
    const chart = Testing.chart();
    const podMetadata = { labels: { app: 'shop', tier: 'web' } };
    const metadata = { namespace: 'shop' };
    const containers = [{ image: 'shop:1', portNumber: 8080 }];
    const workloads = [
      new kplus33.Deployment(chart, 'deployment', { metadata, podMetadata, containers }),
      new kplus33.StatefulSet(chart, 'statefulset', { metadata, podMetadata, containers }),
      new kplus33.DaemonSet(chart, 'daemonset', { metadata, podMetadata, containers }),
      new kplus33.Job(chart, 'job', { metadata, podMetadata, containers }),
      new kplus33.CronJob(chart, 'cronjob', { metadata, podMetadata, containers, schedule: Cron.daily() }),
      new kplus33.Pod(chart, 'pod', { metadata: { namespace: 'shop', labels: { app: 'shop', tier: 'web' } }, containers }),
    ];
    // WHEN
    const read = workloads.map((w) => PlusWorkload.read(w, use));
    // THEN
    expect(read.map((w) => [w.kind, w.path, w.namespace, w.selectorLabels()])).toStrictEqual([
      ['Deployment', 'test/deployment', 'shop', { app: 'shop', tier: 'web' }],
      ['StatefulSet', 'test/statefulset', 'shop', { app: 'shop', tier: 'web' }],
      ['DaemonSet', 'test/daemonset', 'shop', { app: 'shop', tier: 'web' }],
      ['Job', 'test/job', 'shop', { app: 'shop', tier: 'web' }],
      ['CronJob', 'test/cronjob', 'shop', { app: 'shop', tier: 'web' }],
      ['Pod', 'test/pod', 'shop', { app: 'shop', tier: 'web' }],
    ]);
    expect(read[0].construct).toBe(workloads[0]);
  });

  test('without pod labels of yours: the selector of a Deployment, the address label on the pods of a Job or Pod (cdk8s-plus-27)', () => {
    // GIVEN workloads without pod labels
    const chart = Testing.chart();
    const deployment = new kplus27.Deployment(chart, 'deployment', { containers: [{ image: 'x:1' }] });
    const job = new kplus27.Job(chart, 'job', { containers: [{ image: 'x:1' }] });
    const pod = new kplus27.Pod(chart, 'pod', { containers: [{ image: 'x:1' }] });
    const unselected = new kplus27.Deployment(chart, 'unselected', { select: false, containers: [{ image: 'x:1' }] });
    // WHEN / THEN
    expect(PlusWorkload.read(deployment, use).selectorLabels()).toStrictEqual(deployment.matchLabels);
    expect(Object.keys(deployment.matchLabels)).toStrictEqual([PLUS_ADDRESS_LABEL]);
    expect(job.matchLabels).toStrictEqual({}); // a Job has no selector of its own (Kubernetes makes one)
    expect(PlusWorkload.read(job, use).selectorLabels()).toStrictEqual({ [PLUS_ADDRESS_LABEL]: job.podMetadata.getLabel(PLUS_ADDRESS_LABEL) });
    expect(PlusWorkload.read(pod, use).selectorLabels()).toStrictEqual({ [PLUS_ADDRESS_LABEL]: pod.metadata.getLabel(PLUS_ADDRESS_LABEL) });
    expect(PlusWorkload.read(unselected, use).selectorLabels()).toStrictEqual({});
    expect(PLUS_ADDRESS_LABEL).toBe(kplus27.Pod.ADDRESS_LABEL);
    expect(PLUS_ADDRESS_LABEL).toBe(kplus33.Pod.ADDRESS_LABEL);
  });

  test('labels are read when asked, so labels added after read count', () => {
    // GIVEN
    const chart = Testing.chart();
    const deployment = new kplus33.Deployment(chart, 'd', { podMetadata: { labels: { app: 'cart' } }, containers: [{ image: 'x:1' }] });
    const read = PlusWorkload.read(deployment, use);
    // WHEN
    deployment.podMetadata.addLabel('version', 'v2');
    // THEN
    expect(read.selectorLabels()).toStrictEqual({ app: 'cart', version: 'v2' });
  });

  test('another construct or value is an error naming it, the field, what it is and the fix', () => {
    // GIVEN a Service, a plain ConfigMap ApiObject, a Deployment written as a plain ApiObject, a construct without object
    const chart = Testing.chart();
    const service = new kplus33.Service(chart, 'cart-svc', { ports: [{ port: 80 }] });
    const configMap = new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    const plainDeployment = new kplus33.k8s.KubeDeployment(chart, 'raw', { spec: { selector: {}, template: {} } });
    const group = new Construct(chart, 'group');
    const serviceAccount = new kplus27.ServiceAccount(chart, 'sa');
    // WHEN / THEN
    expect(errorOf(() => PlusWorkload.read(service, use)))
      .toBe('[test/cart-svc] Thing.fromWorkload(workload): "test/cart-svc" is a cdk8s-plus-33 Service, not a cdk8s-plus workload that runs pods. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read(configMap, use)))
      .toBe('[test/settings] Thing.fromWorkload(workload): "test/settings" is an ApiObject of kind ConfigMap, not a cdk8s-plus workload that runs pods. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read(plainDeployment, use)))
      .toBe('[test/raw] Thing.fromWorkload(workload): "test/raw" is an ApiObject of kind Deployment, not a cdk8s-plus workload that runs pods. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read(group, use)))
      .toBe('[test/group] Thing.fromWorkload(workload): "test/group" is a construct without a Kubernetes object, not a cdk8s-plus workload that runs pods. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read(serviceAccount, { ...use, where: 'test/policy', expected: 'a workload' })))
      .toBe('[test/policy] Thing.fromWorkload(workload): "test/sa" is a cdk8s-plus-27 ServiceAccount, not a workload. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read(undefined, use))).toBe('Thing.fromWorkload(workload): undefined is not a construct. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read({ app: 'cart' }, use))).toBe('Thing.fromWorkload(workload): {"app":"cart"} is not a construct. Fix: pass a workload');
  });

  test('a construct of a workload kind without the cdk8s-plus members, or of a kind named like an Object member, is an error', () => {
    // GIVEN a construct of its own whose default child is a Deployment
    const chart = Testing.chart();
    const homemade = new Construct(chart, 'homemade');
    new ApiObject(homemade, 'Resource', { apiVersion: 'apps/v1', kind: 'Deployment' });
    const odd = new Construct(chart, 'odd');
    new ApiObject(odd, 'Resource', { apiVersion: 'v1', kind: 'constructor' });
    // WHEN / THEN
    expect(errorOf(() => PlusWorkload.read(homemade, use)))
      .toBe('[test/homemade] Thing.fromWorkload(workload): "test/homemade" is a Deployment construct without the cdk8s-plus member(s) metadata, podMetadata, matchLabels. Fix: pass a workload');
    expect(errorOf(() => PlusWorkload.read(odd, use)))
      .toBe('[test/odd] Thing.fromWorkload(workload): "test/odd" is a construct whose object is a constructor, not a cdk8s-plus workload that runs pods. Fix: pass a workload');
  });
});

describe('PlusServiceAccount', () => {
  test('reads created and imported service accounts of cdk8s-plus-27 and cdk8s-plus-33', () => {
    // GIVEN
    const chart = Testing.chart();
    const accounts = [
      new kplus27.ServiceAccount(chart, 'sa27', { metadata: { name: 'cart', namespace: 'shop' } }),
      new kplus33.ServiceAccount(chart, 'sa33', { metadata: { name: 'web', namespace: 'front' } }),
      kplus27.ServiceAccount.fromServiceAccountName(chart, 'imported27', 'ingress', { namespaceName: 'istio-ingress' }),
      kplus33.ServiceAccount.fromServiceAccountName(chart, 'imported33', 'batch'),
      new kplus33.ServiceAccount(chart, 'no-ns', { metadata: { name: 'loose' } }),
    ];
    // WHEN
    const read = accounts.map((a) => PlusServiceAccount.read(a, use));
    // THEN
    expect(read.map((a) => [a.construct.node.path, a.namespace, a.name])).toStrictEqual([
      ['test/sa27', 'shop', 'cart'],
      ['test/sa33', 'front', 'web'],
      ['test/imported27', 'istio-ingress', 'ingress'],
      ['test/imported33', 'default', 'batch'],
      ['test/no-ns', undefined, 'loose'],
    ]);
    expect(accounts.every((a) => PlusServiceAccount.is(a))).toBe(true);
  });

  test('anything else is an error naming it', () => {
    // GIVEN a Deployment and a ServiceAccount written as a plain ApiObject
    const chart = Testing.chart();
    const deployment = new kplus33.Deployment(chart, 'cart', { containers: [{ image: 'x:1' }] });
    const plain = new ApiObject(chart, 'plain-sa', { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'x', namespace: 'y' } });
    // WHEN / THEN
    expect(errorOf(() => PlusServiceAccount.read(deployment, use)))
      .toBe('[test/cart] Thing.fromWorkload(workload): "test/cart" is a cdk8s-plus-33 Deployment, not a cdk8s-plus ServiceAccount. Fix: pass a workload');
    expect(errorOf(() => PlusServiceAccount.read(plain, use)))
      .toBe('[test/plain-sa] Thing.fromWorkload(workload): "test/plain-sa" is an ApiObject of kind ServiceAccount, not a cdk8s-plus ServiceAccount. Fix: pass a workload');
    expect(errorOf(() => PlusServiceAccount.read('cart', use))).toBe('Thing.fromWorkload(workload): "cart" is not a construct. Fix: pass a workload');
    expect([deployment, plain, 'cart', undefined].some((v) => PlusServiceAccount.is(v))).toBe(false);
  });
});

describe('describeConstruct', () => {
  test('names the cdk8s-plus class and version, else the ApiObject kind', () => {
    const chart = Testing.chart();
    expect(describeConstruct(new kplus27.ConfigMap(chart, 'cm'))).toBe('a cdk8s-plus-27 ConfigMap');
    expect(describeConstruct(new kplus33.Namespace(chart, 'ns'))).toBe('a cdk8s-plus-33 Namespace');
    const wrapper = new Construct(chart, 'wrapper');
    new ApiObject(wrapper, 'Default', { apiVersion: 'v1', kind: 'Secret' });
    expect(describeConstruct(wrapper)).toBe('a construct whose object is a Secret');
  });
});
