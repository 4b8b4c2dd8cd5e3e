import * as kplus from 'cdk8s-plus-27';
import { Environment, OutboundTraffic, ServiceProtocol, SidecarScope, SidecarScopeProps, WorkloadSelector } from '../../lib';
import { expectValidManifests } from '../support/validate';
import { find, meshChart, synth, synthValid, thrown } from '../gateway/support';
import { analyzed, findingsOf } from '../support/charts';

function errorFor(props: Partial<SidecarScopeProps>): string {
  return thrown(() => new SidecarScope(meshChart(), 'scope', { namespace: 'bookinfo', ...props } as SidecarScopeProps));
}

describe('SidecarScope', () => {
  test('namespace-wide: named "default", no selector, one catch-all listener, REGISTRY_ONLY', () => {
    const chart = meshChart(Environment.DEV);
    new SidecarScope(chart, 'bookinfo-scope', { namespace: 'bookinfo', hosts: ['./*', 'istio-system/*', 'istio-ingress/*', 'istio-system/api.stripe.com'] });
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'Sidecar', 'default', 'bookinfo').spec).toStrictEqual({
      egress: [{ hosts: ['./*', 'istio-system/*', 'istio-ingress/*', 'istio-system/api.stripe.com'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
  });

  test('per workload: selector, port listeners before the catch-all, ALLOW_ANY on request', () => {
    const chart = meshChart(Environment.DEV);
    new SidecarScope(chart, 'reviews', {
      namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'reviews' }), outboundTrafficPolicy: OutboundTraffic.ALLOW_ANY,
      egress: [{ port: { number: 9080, protocol: ServiceProtocol.HTTP }, hosts: ['./ratings.bookinfo.svc.cluster.local'] }, { hosts: ['istio-system/*'] }],
    });
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'Sidecar', 'reviews', 'bookinfo').spec).toStrictEqual({
      workloadSelector: { labels: { app: 'reviews' } },
      egress: [
        { hosts: ['./ratings.bookinfo.svc.cluster.local'], port: { number: 9080, protocol: 'HTTP', name: 'http-9080' } },
        { hosts: ['istio-system/*'] },
      ],
      outboundTrafficPolicy: { mode: 'ALLOW_ANY' },
    });
  });

  test.each([
    ['C1: a listener without hosts', { egress: [{ hosts: [] }] },
      '[prod/scope] egress[0].hosts: [] is empty: every egress listener needs at least one host (ISTIO-RULES C1). Fix: add hosts such as "./*" or "istio-system/*"'],
    ['C1: a catch-all listener that is not last', { egress: [{ hosts: ['./*'] }, { hosts: ['istio-system/*'] }] },
      '[prod/scope] egress[0].port: undefined is missing on a listener that is not the last: only the last egress listener may catch all ports (ISTIO-RULES C1). Fix: give this listener a port, or move it to the end'],
    ['C1: a host without namespace', { hosts: ['api.stripe.com'] },
      '[prod/scope] hosts[0]: "api.stripe.com" has no namespace part (Sidecar hosts are "namespace/dnsName"). Fix: write "*/api.stripe.com" for any namespace, "./api.stripe.com" for the Sidecar\'s own namespace, or "<namespace>/api.stripe.com"'],
    ['C1: a bad namespace part', { hosts: ['Istio_System/*'] },
      '[prod/scope] hosts[0]: "Istio_System/*" has an invalid namespace part "Istio_System". Fix: use "*" (any namespace), "." (this namespace), "~" (none) or a namespace name'],
    ['no listener at all', {}, '[prod/scope] egress: undefined is empty: the Sidecar would configure nothing. Fix: give hosts, e.g. ["./*", "istio-system/*"]'],
    ['"*/*" with other hosts', { hosts: ['*/*', './*'] },
      '[prod/scope] hosts: ["*/*","./*"] lists "*/*" (every host) together with other hosts. Fix: use "*/*" alone, or list the hosts'],
    ['a wildcard selector', { selector: WorkloadSelector.labels({ app: '*' }), hosts: ['./*'] },
      '[prod/scope] selector: {"app":"*"} has an empty key or a wildcard (Istio selectors match exact labels). Fix: use exact label keys and values'],
  ])('rejects %s', (_what, props, message) => {
    expect(errorFor(props as Partial<SidecarScopeProps>)).toBe(message);
  });

  test('IST0111: two namespace-wide scopes in one namespace are an analyzer error on both', () => {
    // GIVEN two namespace-wide scopes in bookinfo and one in other
    const chart = meshChart();
    new SidecarScope(chart, 'a', { namespace: 'bookinfo', hosts: ['./*'] });
    new SidecarScope(chart, 'b', { namespace: 'bookinfo', name: 'second', hosts: ['./*'] });
    new SidecarScope(chart, 'c', { namespace: 'other', hosts: ['./*'] });

    // WHEN
    const found = findingsOf(chart, 'IST0111');

    // THEN
    const message = 'The Sidecars [default second] in namespace "bookinfo" have no workload selector, which can lead to undefined behavior. '
      + 'Fix: keep one Sidecar without workloadSelector per namespace (the namespace default) and give the others a workloadSelector';
    expect(found).toStrictEqual([
      `Error [IST0111] (Sidecar bookinfo/default) ${message} [construct prod/a]`,
      `Error [IST0111] (Sidecar bookinfo/second) ${message} [construct prod/b]`,
    ]);
  });

  test('IST0110: selectors that select the same pod conflict; selectors without a common pod do not', () => {
    // GIVEN reviews v2 pods (app=reviews, version=v2) and ratings pods, and scopes on app=reviews, app=ratings and version=v2
    const chart = meshChart();
    for (const [name, labels] of [['reviews-v2', { app: 'reviews', version: 'v2' }], ['ratings-v1', { app: 'ratings', version: 'v1' }]] as const) {
      new kplus.Deployment(chart, name, { metadata: { name, namespace: 'bookinfo' }, podMetadata: { labels }, containers: [{ image: 'nginx:1.27' }] });
    }
    new SidecarScope(chart, 'reviews', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'reviews' }), hosts: ['./*'] });
    new SidecarScope(chart, 'ratings', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'ratings' }), hosts: ['./*'] });
    new SidecarScope(chart, 'v2', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ version: 'v2' }), hosts: ['./*'] });

    // WHEN
    const found = analyzed(chart).filter((f) => !f.includes('[CDK8S-ISTIO-002]'));

    // THEN reviews and v2 both select the reviews-v2 pods; ratings is alone on its pods
    const message = 'The Sidecars [reviews v2] in namespace "bookinfo" select the same workload pod "reviews-v2", which can lead to undefined behavior (spec.workloadSelector.labels). '
      + 'Fix: make the selectors exclusive (a label both select on, with different values), or merge the Sidecars into one';
    expect(found).toStrictEqual([
      `Error [IST0110] (Sidecar bookinfo/reviews) ${message} [construct prod/reviews]`,
      `Error [IST0110] (Sidecar bookinfo/v2) ${message} [construct prod/v2]`,
    ]);
  });

  test('IST0101: a scope whose selector selects no pod of its namespace', () => {
    // GIVEN a scope for app=reviews and no such pods
    const chart = meshChart();
    new SidecarScope(chart, 'reviews', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'reviews' }), hosts: ['./*'] });

    // WHEN / THEN
    expect(findingsOf(chart, 'IST0101')).toStrictEqual([
      'Error [IST0101] (Sidecar bookinfo/reviews) Referenced selector not found: "app=reviews" (spec.workloadSelector.labels). '
        + 'Fix: give the pods this Sidecar is for the labels app=reviews, or correct the selector: no pod of namespace "bookinfo" in the output or declared has them '
        + '(declare pods that run elsewhere as ExternalResources workloads) [construct prod/reviews]',
    ]);
  });

  test('a WorkloadSelector from a workload gives the labels and the namespace; a plain label map or another namespace is an error', () => {
    const chart = meshChart();
    const reviews = new kplus.Deployment(chart, 'reviews', {
      metadata: { namespace: 'bookinfo' }, podMetadata: { labels: { app: 'reviews' } }, containers: [{ image: 'nginx:1.27' }],
    });
    const scope = new SidecarScope(chart, 'reviews-scope', { selector: WorkloadSelector.fromWorkload(reviews), hosts: ['./*'] });
    expect([scope.namespace, scope.selectorLabels]).toStrictEqual(['bookinfo', { app: 'reviews' }]);
    expect(find(synthValid(chart), 'Sidecar', 'reviews-scope', 'bookinfo').spec.workloadSelector).toStrictEqual({ labels: { app: 'reviews' } });
    expect(thrown(() => new SidecarScope(chart, 'elsewhere', { namespace: 'shop', selector: WorkloadSelector.fromWorkload(reviews), hosts: ['./*'] })))
      .toBe('[prod/elsewhere] namespace: "shop" differs from the namespace of the selected workload ("bookinfo"); Istio applies it in its own namespace only. '
        + 'Fix: leave namespace out or set it to "bookinfo"');
    expect(errorFor({ selector: { app: 'reviews' } as unknown as WorkloadSelector, hosts: ['./*'] }))
      .toBe('[prod/scope] selector: {"app":"reviews"} is an object, not a WorkloadSelector. Fix: use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)');
  });
});
