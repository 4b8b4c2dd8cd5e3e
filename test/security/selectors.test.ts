/**
 * Principal.fromServiceAccount / fromWorkload take service accounts and workloads of any cdk8s-plus
 * 2x version, and name a wrong object.
 */
import { ApiObject, Cron } from 'cdk8s';
import * as kplus27 from 'cdk8s-plus-27';
import * as kplus33 from 'cdk8s-plus-33';
import { AuthorizationPolicy, Principal } from '../../lib';
import { errorOf, prodChart } from './support';

const SERVICE_ACCOUNT = 'a ServiceAccount of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33; ServiceAccount.fromServiceAccountName(...) for one created elsewhere)';
const WORKLOADS = 'a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33)';

describe('Principal from cdk8s-plus objects of any 2x version', () => {
  test('service accounts of cdk8s-plus-27 and cdk8s-plus-33, created or imported', () => {
    // GIVEN
    const chart = prodChart();
    const cart = new kplus33.ServiceAccount(chart, 'cart-sa', { metadata: { name: 'cart', namespace: 'shop' } });
    const ingress = kplus33.ServiceAccount.fromServiceAccountName(chart, 'ingress-sa', 'ingress', { namespaceName: 'istio-ingress' });
    const legacy = new kplus27.ServiceAccount(chart, 'legacy-sa', { metadata: { name: 'legacy', namespace: 'old' } });
    // WHEN
    const principals = [cart, ingress, legacy].map((sa) => Principal.fromServiceAccount(sa).value);
    // THEN
    expect(principals).toStrictEqual(['cluster.local/ns/shop/sa/cart', 'cluster.local/ns/istio-ingress/sa/ingress', 'cluster.local/ns/old/sa/legacy']);
    expect(Principal.fromServiceAccount(cart, { trustDomain: 'prod.example.com' }).value).toBe('prod.example.com/ns/shop/sa/cart');
  });

  test('workloads of cdk8s-plus-33 and cdk8s-plus-27: the identity of their service account', () => {
    // GIVEN a Deployment and a CronJob of cdk8s-plus-33, a Deployment of cdk8s-plus-27
    const chart = prodChart();
    const web = new kplus33.Deployment(chart, 'web', {
      metadata: { namespace: 'shop' }, containers: [{ image: 'web:1' }],
      serviceAccount: new kplus33.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web', namespace: 'shop' } }),
    });
    const report = new kplus33.CronJob(chart, 'report', {
      metadata: { namespace: 'shop' }, schedule: Cron.daily(), containers: [{ image: 'report:1' }],
      serviceAccount: kplus33.ServiceAccount.fromServiceAccountName(chart, 'report-sa', 'report', { namespaceName: 'shop' }),
    });
    const legacy = new kplus27.Deployment(chart, 'legacy', {
      containers: [{ image: 'legacy:1' }], serviceAccount: new kplus27.ServiceAccount(chart, 'legacy-sa', { metadata: { name: 'legacy', namespace: 'old' } }),
    });
    // WHEN
    const principals = [web, report, legacy].map((w) => Principal.fromWorkload(w).value);
    // THEN
    expect(principals).toStrictEqual(['cluster.local/ns/shop/sa/web', 'cluster.local/ns/shop/sa/report', 'cluster.local/ns/old/sa/legacy']);
  });

  test('a construct of another kind is an error naming it, the parameter and the fix', () => {
    // GIVEN
    const chart = prodChart();
    const deployment = new kplus33.Deployment(chart, 'web', { containers: [{ image: 'web:1' }] });
    const sa = new kplus33.ServiceAccount(chart, 'web-sa', { metadata: { name: 'web', namespace: 'shop' } });
    const service = new kplus33.Service(chart, 'web-svc', { ports: [{ port: 80 }] });
    const settings = new ApiObject(chart, 'settings', { apiVersion: 'v1', kind: 'ConfigMap' });
    // WHEN / THEN
    expect(errorOf(() => Principal.fromServiceAccount(deployment))).toBe('[prod/web] Principal.fromServiceAccount(serviceAccount): "prod/web" is a cdk8s-plus-33 Deployment, '
      + `not a cdk8s-plus ServiceAccount. Fix: pass ${SERVICE_ACCOUNT}, or use Principal.of(namespace, serviceAccountName)`);
    expect(errorOf(() => Principal.fromServiceAccount(settings))).toBe('[prod/settings] Principal.fromServiceAccount(serviceAccount): "prod/settings" is an ApiObject of kind ConfigMap, '
      + `not a cdk8s-plus ServiceAccount. Fix: pass ${SERVICE_ACCOUNT}, or use Principal.of(namespace, serviceAccountName)`);
    expect(errorOf(() => Principal.fromWorkload(sa))).toBe('[prod/web-sa] Principal.fromWorkload(workload): "prod/web-sa" is a cdk8s-plus-33 ServiceAccount, '
      + `not a cdk8s-plus workload that runs pods. Fix: pass ${WORKLOADS}, or use Principal.fromServiceAccount(serviceAccount)`);
    expect(errorOf(() => Principal.fromWorkload(service))).toBe('[prod/web-svc] Principal.fromWorkload(workload): "prod/web-svc" is a cdk8s-plus-33 Service, '
      + `not a cdk8s-plus workload that runs pods. Fix: pass ${WORKLOADS}, or use Principal.fromServiceAccount(serviceAccount)`);
  });

  test('a cdk8s-plus-33 workload without a service account, or an account without namespace, has no usable identity', () => {
    // GIVEN
    const chart = prodChart();
    const anonymous = new kplus33.Deployment(chart, 'anon', { containers: [{ image: 'x:1' }] });
    const loose = new kplus33.ServiceAccount(chart, 'loose', { metadata: { name: 'loose' } });
    // WHEN / THEN
    expect(errorOf(() => Principal.fromWorkload(anonymous))).toBe('[prod/anon] serviceAccount: undefined is not set: the pods run as the namespace\'s "default" service account, '
      + 'an identity every such pod shares. Fix: give the workload its own ServiceAccount (serviceAccount: new kplus.ServiceAccount(...))');
    expect(errorOf(() => Principal.fromServiceAccount(loose))).toBe('[prod/loose] metadata.namespace: undefined is not set, so the SPIFFE identity of the service account is unknown. '
      + 'Fix: create the ServiceAccount with metadata: { namespace: "..." } (or in a chart with a namespace)');
  });
});

describe('Principal.pattern', () => {
  test('keeps the pattern as written and reads the namespace it names', () => {
    // GIVEN / WHEN
    const gateways = Principal.pattern('cluster.local/ns/istio-ingress/sa/*');
    const anyone = Principal.pattern('*');
    // THEN
    expect([gateways.value, gateways.namespace]).toStrictEqual(['cluster.local/ns/istio-ingress/sa/*', 'istio-ingress']);
    expect([anyone.value, anyone.namespace]).toStrictEqual(['*', '*']);
  });

  test('an empty or non-string pattern is an error naming the value, under the construct that uses it', () => {
    // GIVEN
    const chart = prodChart();
    // WHEN / THEN
    expect(errorOf(() => new AuthorizationPolicy(chart, 'p', { namespace: 'bookinfo', rules: [{ from: [{ principals: [Principal.pattern('')] }] }] })))
      .toBe('[prod/p] rules[0].from[0].principals[0]: "" is empty, not a principal pattern. Fix: give a match pattern such as "cluster.local/ns/istio-ingress/sa/*"');
    expect(errorOf(() => Principal.pattern(42 as unknown as string).value))
      .toBe('Principal.pattern(pattern): 42 is a number, not a principal pattern. Fix: give a match pattern such as "cluster.local/ns/istio-ingress/sa/*"');
  });
});
