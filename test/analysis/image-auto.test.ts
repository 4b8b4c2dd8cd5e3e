/**
 * injection.imageauto: istio-proxy containers with image: auto that no injection webhook injects
 * (IST0146 for workloads, IST0147 for bare Pods).
 */
import { MeshAnalyzer } from '../../lib';

function namespace(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

function gateway(namespace: string, name: string, podLabels: Record<string, string> = {}, annotations: Record<string, string> = {}): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
    spec: {
      selector: { matchLabels: { istio: 'ingressgateway' } },
      template: {
        metadata: { labels: { istio: 'ingressgateway', ...podLabels }, annotations: { 'inject.istio.io/templates': 'gateway', ...annotations } },
        spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] },
      },
    },
  };
}

function operator(revision?: string, values?: any): any {
  return {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: revision ? `cp-${revision}` : 'cp', namespace: 'istio-system' },
    spec: { ...(revision ? { revision } : {}), ...(values ? { values } : {}) },
  };
}

function findings(objs: any[], external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objs, { external, suppress: ['IST0102'] }).findings.map((f) => `${f.code} ${f.kind} ${f.namespace}/${f.name}`);
}

const ISTIO_WEBHOOKS = {
  apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'istio-sidecar-injector' },
  webhooks: [
    { name: 'namespace.sidecar-injector.istio.io', clientConfig: { service: { name: 'fake', namespace: 'istio-system' } }, namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } },
    { name: 'object.sidecar-injector.istio.io', clientConfig: { service: { name: 'fake', namespace: 'istio-system' } }, objectSelector: { matchLabels: { 'sidecar.istio.io/inject': 'true' } } },
  ],
};

describe('injection.imageauto', () => {
  test('Istio\'s image-auto case: a gateway in a namespace no webhook selects (IST0146), a Pod (IST0147), webhooks from a MutatingWebhookConfiguration', () => {
    // GIVEN Istio's webhooks, an injected and a non-injected namespace, a bare Pod with image auto in default
    const objs = [
      namespace('injected', { 'istio-injection': 'enabled' }), namespace('not-injected'), namespace('default'),
      ISTIO_WEBHOOKS,
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'injected-pod', namespace: 'default' }, spec: { containers: [{ image: 'auto', name: 'istio-proxy' }] } },
      gateway('not-injected', 'non-injected-gateway-deployment'),
      gateway('injected', 'injected-gateway'),
      gateway('not-injected', 'object-selected', { 'sidecar.istio.io/inject': 'true' }),
      { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'ubuntu', namespace: 'default' }, spec: { containers: [{ image: 'ubuntu', name: 'ubuntu' }] } },
    ];

    // WHEN
    const report = MeshAnalyzer.analyze(objs, { suppress: ['IST0139'] });

    // THEN
    expect(report.findings.map((f) => MeshAnalyzer.format([f]))).toStrictEqual([
      'Error [IST0147] (Pod default/injected-pod) Pod injected-pod contains `image: auto` but does not match any Istio injection webhook selectors (spec.containers[0].image). '
        + 'Fix: label the namespace or the pods so that an Istio injection webhook selects them; or set a real proxy image',
      'Warning [IST0146] (Deployment not-injected/non-injected-gateway-deployment) Deployment non-injected-gateway-deployment contains `image: auto` but does not match any Istio injection webhook selectors '
        + '(spec.template.spec.containers[0].image). Fix: label the namespace or the pods so that an Istio injection webhook selects them; or set a real proxy image',
    ]);
  });

  test('the webhooks of a revisioned control plane: the namespace or the pod names the revision; istio-injection=enabled needs a default revision or tag', () => {
    // GIVEN a control plane of revision 1-30-3 and gateways labelled in several ways
    const objs = [
      operator('1-30-3'),
      namespace('rev-ns', { 'istio.io/rev': '1-30-3' }), gateway('rev-ns', 'by-namespace'),
      namespace('plain'), gateway('plain', 'by-pod', { 'istio.io/rev': '1-30-3' }), gateway('plain', 'unlabelled'),
      namespace('legacy', { 'istio-injection': 'enabled' }), gateway('legacy', 'legacy-label'),
      namespace('other-rev', { 'istio.io/rev': 'canary' }), gateway('other-rev', 'wrong-revision'),
      gateway('rev-ns', 'opted-out', { 'sidecar.istio.io/inject': 'false' }),
    ];

    // WHEN / THEN
    // (the namespace that names another revision is also CDK8S-ISTIO-080: no control plane has it)
    expect(findings(objs)).toStrictEqual([
      'CDK8S-ISTIO-080 Namespace undefined/other-rev',
      'IST0146 Deployment legacy/legacy-label',
      'IST0146 Deployment other-rev/wrong-revision',
      'IST0146 Deployment plain/unlabelled',
      'IST0146 Deployment rev-ns/opted-out',
    ]);
    // a "default" revision tag makes istio-injection=enabled and sidecar.istio.io/inject=true work
    expect(findings([...objs.slice(1), operator('1-30-3', { revisionTags: ['default'] })])).toStrictEqual([
      'CDK8S-ISTIO-080 Namespace undefined/other-rev',
      'IST0146 Deployment other-rev/wrong-revision',
      'IST0146 Deployment plain/unlabelled',
      'IST0146 Deployment rev-ns/opted-out',
    ]);
  });

  test('the fix names the control planes\' revisions; enableNamespacesByDefault injects unlabelled namespaces', () => {
    // GIVEN a default control plane and a gateway in an unlabelled namespace
    const objs = [operator(), namespace('plain'), gateway('plain', 'gw')];

    // WHEN / THEN
    expect(MeshAnalyzer.analyze(objs, { suppress: ['IST0102'] }).findings.map((f) => f.message)).toStrictEqual([
      'Deployment gw contains `image: auto` but does not match any Istio injection webhook selectors (spec.template.spec.containers[0].image). '
        + 'Fix: label the namespace (or the pods) for injection: istio-injection=enabled (control planes: IstioOperator istio-system/cp); or set a real proxy image',
    ]);
    expect(findings([operator(undefined, { sidecarInjectorWebhook: { enableNamespacesByDefault: true } }), namespace('plain'), gateway('plain', 'gw')])).toStrictEqual([]);
  });

  test('without a control plane or a webhook nothing is known and nothing is reported; a declared control plane counts', () => {
    // GIVEN a gateway in an unlabelled namespace
    const objs = [namespace('plain'), gateway('plain', 'gw')];

    // WHEN / THEN
    expect(findings(objs)).toStrictEqual([]);
    expect(findings(objs, [operator()])).toStrictEqual(['IST0146 Deployment plain/gw']);
  });

  test('a control plane without istiod (pilot disabled) installs no webhooks; declared workloads are not reported', () => {
    // GIVEN a control plane with pilot disabled and a labelled namespace
    const cp = { ...operator(), spec: { components: { pilot: { enabled: false } } } };
    const objs = [cp, namespace('apps', { 'istio-injection': 'enabled' }), gateway('apps', 'gw')];

    // WHEN / THEN
    expect(findings(objs, [gateway('apps', 'theirs')])).toStrictEqual(['IST0146 Deployment apps/gw']);
  });

  test('malformed webhooks and containers do not throw', () => {
    // GIVEN a webhook configuration of odd shape and a gateway with odd containers
    const objs = [
      namespace('apps'),
      { apiVersion: 'admissionregistration.k8s.io/v1', kind: 'MutatingWebhookConfiguration', metadata: { name: 'odd' }, webhooks: ['x', { name: 'a.istio.io', namespaceSelector: 'all' }] },
      { ...gateway('apps', 'gw'), spec: { template: { spec: { containers: [null, { name: 'istio-proxy', image: 'auto' }] } } } },
    ];

    // WHEN / THEN the unreadable selector selects nothing: reported, with the container's index
    expect(MeshAnalyzer.analyze(objs, { suppress: ['IST0139'] }).findings.map((f) => `${f.code} ${f.field}`)).toStrictEqual(['IST0146 spec.template.spec.containers[1].image']);
  });
});
