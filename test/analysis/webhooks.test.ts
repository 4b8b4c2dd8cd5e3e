/**
 * webhook.webhooks: Istio injection webhooks that overlap or call a missing service (IST0139).
 */
import { MeshAnalyzer } from '../../lib';

function config(name: string, hooks: any[], labels?: Record<string, string>): any {
  return { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name, ...(labels ? { labels } : {}) }, webhooks: hooks };
}

function hook(name: string, service: string, selectors: any = {}): any {
  return { name, admissionReviewVersions: ['v1'], clientConfig: { service: { name: service, namespace: 'istio-system' } }, ...selectors };
}

const ISTIO_SYSTEM = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'istio-system' } };
const ISTIOD = { apiVersion: 'v1', kind: 'Service', metadata: { name: 'istiod', namespace: 'istio-system' }, spec: { ports: [{ name: 'https-webhook', port: 443 }] } };
const OVERLAP_FIX = 'Fix: make the selectors exclusive (as istiod\'s chart does: one webhook per revision and label combination), or delete the older injector configuration';

function lines(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze([ISTIO_SYSTEM, ...objs], { external }).findings.map((f) => MeshAnalyzer.format([f]));
}

describe('webhook.webhooks', () => {
  test('Istio\'s webhook case: two configurations selecting istio-injection=enabled overlap; one calls a missing service', () => {
    // GIVEN two configurations with the same namespace selector, one calling "fake", and istiod's Service
    const objs = [
      config('istio-sidecar-injector-missing-overlap', [hook('sidecar-injector.istio.io', 'fake', { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } })]),
      config('istio-sidecar-injector-overlap', [hook('sidecar-injector.istio.io', 'istiod', { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } })]),
      ISTIOD,
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      'Error [IST0139] (MutatingWebhookConfiguration istio-sidecar-injector-missing-overlap) Webhook overlaps with others: [istio-sidecar-injector-overlap/sidecar-injector.istio.io]. '
        + `This may cause injection to occur twice (webhooks[0]). ${OVERLAP_FIX}`,
      'Error [IST0139] (MutatingWebhookConfiguration istio-sidecar-injector-missing-overlap) Injector refers to a control plane service that does not exist: istio-system/fake '
        + '(webhooks[0].clientConfig.service). Fix: point it at istiod\'s service (istiod, or istiod-<revision>, in istiod\'s namespace), or declare the service if it exists (ExternalResources services)',
      'Error [IST0139] (MutatingWebhookConfiguration istio-sidecar-injector-overlap) Webhook overlaps with others: [istio-sidecar-injector-missing-overlap/sidecar-injector.istio.io]. '
        + `This may cause injection to occur twice (webhooks[0]). ${OVERLAP_FIX}`,
    ]);
  });

  test('istiod\'s own webhooks for two revisions are exclusive; their services come from the control planes', () => {
    // GIVEN the chart's webhooks for the default revision and for canary, and both control planes (no Service objects)
    const notDisabled = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
    const revision = (rev: string, service: string) => [
      hook('rev.namespace.sidecar-injector.istio.io', service, {
        namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'In', values: [rev] }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
        objectSelector: { matchExpressions: [notDisabled] },
      }),
      hook('rev.object.sidecar-injector.istio.io', service, {
        namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'DoesNotExist' }, { key: 'istio-injection', operator: 'DoesNotExist' }] },
        objectSelector: { matchExpressions: [notDisabled, { key: 'istio.io/rev', operator: 'In', values: [rev] }] },
      }),
    ];
    const objs = [
      config('istio-sidecar-injector', [
        ...revision('default', 'istiod'),
        hook('namespace.sidecar-injector.istio.io', 'istiod', { namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] }, objectSelector: { matchExpressions: [notDisabled] } }),
        hook('object.sidecar-injector.istio.io', 'istiod', {
          namespaceSelector: { matchExpressions: [{ key: 'istio-injection', operator: 'DoesNotExist' }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] },
          objectSelector: { matchExpressions: [{ key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] }, { key: 'istio.io/rev', operator: 'DoesNotExist' }] },
        }),
      ], { 'istio.io/rev': 'default' }),
      config('istio-sidecar-injector-canary', revision('canary', 'istiod-canary'), { 'istio.io/rev': 'canary' }),
      { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'default', namespace: 'istio-system' }, spec: {} },
      { apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'canary', namespace: 'istio-system' }, spec: { revision: 'canary' } },
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });

  test('a webhook without selectors overlaps every other; URL webhooks and declared services need no Service', () => {
    // GIVEN a catch-all webhook calling a declared service, and one reached by URL
    const objs = [
      config('catch-all', [hook('all.sidecar-injector.istio.io', 'old-injector')]),
      config('by-url', [{ name: 'url.sidecar-injector.istio.io', clientConfig: { url: 'https://injector.example.com/inject' }, namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } }]),
    ];
    const external = [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'old-injector', namespace: 'istio-system' } }];

    // WHEN / THEN
    expect(lines(objs, external).map((l) => l.split(' (webhooks')[0])).toStrictEqual([
      'Error [IST0139] (MutatingWebhookConfiguration by-url) Webhook overlaps with others: [catch-all/all.sidecar-injector.istio.io]. This may cause injection to occur twice',
      'Error [IST0139] (MutatingWebhookConfiguration catch-all) Webhook overlaps with others: [by-url/url.sidecar-injector.istio.io]. This may cause injection to occur twice',
    ]);
  });

  test('configurations that are not Istio\'s are ignored; declared ones take part but are not reported', () => {
    // GIVEN another project's webhook selecting everything, and a declared Istio one overlapping the output's
    const objs = [
      config('cert-manager-webhook', [hook('webhook.cert-manager.io', 'missing')]),
      config('mine', [hook('sidecar-injector.istio.io', 'istiod', { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } })]),
      ISTIOD,
    ];
    const external = [config('theirs', [hook('sidecar-injector.istio.io', 'istiod', { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } })])];

    // WHEN / THEN
    expect(lines(objs, external).map((l) => l.split(' (webhooks')[0])).toStrictEqual([
      'Error [IST0139] (MutatingWebhookConfiguration mine) Webhook overlaps with others: [theirs/sidecar-injector.istio.io]. This may cause injection to occur twice',
    ]);
  });

  test('malformed input: webhooks that are not a list or not objects, odd selectors', () => {
    // GIVEN odd configurations labelled for a revision
    const objs = [
      config('a', 'nope' as never, { 'istio.io/rev': 'x' }),
      config('b', ['x', null, { name: 5, namespaceSelector: 'all', objectSelector: { matchExpressions: 'x' }, clientConfig: { service: 'istiod' } }], { 'istio.io/rev': 'x' }),
    ];

    // WHEN / THEN nothing throws; the unreadable selector matches nothing
    expect(lines(objs)).toStrictEqual([]);
  });
});
