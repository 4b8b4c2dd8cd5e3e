import * as kplus from 'cdk8s-plus-27';
import { Environment, OutboundTraffic, ServiceProtocol, SidecarScope, SidecarScopeProps, WorkloadSelector } from '../../lib';
import { expectValidManifests } from '../support/validate';
import { find, meshChart, synth, synthError, synthValid, thrown } from '../gateway/support';

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
      '[prod/scope] egress[0].hosts[0]: "api.stripe.com" has no namespace part (Sidecar hosts are "namespace/dnsName"). Fix: write "*/api.stripe.com" for any namespace, "./api.stripe.com" for the Sidecar\'s own namespace, or "<namespace>/api.stripe.com"'],
    ['C1: a bad namespace part', { hosts: ['Istio_System/*'] },
      '[prod/scope] egress[0].hosts[0]: "Istio_System/*" has an invalid namespace part "Istio_System". Fix: use "*" (any namespace), "." (this namespace), "~" (none) or a namespace name'],
    ['no listener at all', {}, '[prod/scope] egress: undefined is empty: the Sidecar would configure nothing. Fix: give hosts, e.g. ["./*", "istio-system/*"]'],
    ['"*/*" with other hosts', { hosts: ['*/*', './*'] },
      '[prod/scope] egress[0].hosts: ["*/*","./*"] lists "*/*" (every host) together with other hosts. Fix: use "*/*" alone, or list the hosts'],
    ['a wildcard selector', { selector: WorkloadSelector.labels({ app: '*' }), hosts: ['./*'] },
      '[prod/scope] selector: {"app":"*"} has an empty key or a wildcard (Istio selectors match exact labels). Fix: use exact label keys and values'],
  ])('rejects %s', (_what, props, message) => {
    expect(errorFor(props as Partial<SidecarScopeProps>)).toBe(message);
  });

  test('IST0111: two namespace-wide scopes in one namespace', () => {
    const chart = meshChart();
    new SidecarScope(chart, 'a', { namespace: 'bookinfo', hosts: ['./*'] });
    new SidecarScope(chart, 'b', { namespace: 'bookinfo', name: 'second', hosts: ['./*'] });
    new SidecarScope(chart, 'c', { namespace: 'other', hosts: ['./*'] });
    const error = synthError(chart);
    expect(error).toContain('[prod/b] selector: undefined is unset, like that of prod/a in namespace "bookinfo": only one Sidecar without a workload selector may exist per namespace '
      + '(IST0111 MultipleSidecarsWithoutWorkloadSelectors). Fix: keep one namespace-wide SidecarScope and give the others a selector');
    expect(error).not.toContain('[prod/c]');
  });

  test('IST0110: selectors that can pick the same pod conflict; exclusive ones do not', () => {
    const chart = meshChart();
    new SidecarScope(chart, 'reviews', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'reviews' }), hosts: ['./*'] });
    new SidecarScope(chart, 'ratings', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'ratings' }), hosts: ['./*'] });
    new SidecarScope(chart, 'v2', { namespace: 'bookinfo', selector: WorkloadSelector.labels({ version: 'v2' }), hosts: ['./*'] });
    const error = synthError(chart);
    expect(error).toContain('[prod/v2] selector: {"version":"v2"} can select the same pods as the selector {"app":"reviews"} of prod/reviews (IST0110 ConflictingSidecarWorkloadSelectors');
    expect(error).not.toContain('[prod/ratings]');
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
      .toBe('[prod/scope] selector: {"app":"reviews"} is not a WorkloadSelector. Fix: use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)');
  });
});
