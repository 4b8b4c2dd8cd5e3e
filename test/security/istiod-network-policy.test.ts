import { IstiodNetworkPolicy, MeshControlPlane } from '../../lib';
import { validateManifests } from '../../lib/validation/manifest';
import { expectValidManifests } from '../support/validate';
import { errorOf, find, Obj, prodChart } from './support';

function ingressOf(objects: Obj[], name: string): { from?: unknown[]; ports: { port: number; protocol: string }[] }[] {
  return find(objects, 'NetworkPolicy', name).spec.ingress;
}

function ruleFor(objects: Obj[], name: string, port: number) {
  const rules = ingressOf(objects, name).filter((r) => r.ports.some((p) => p.port === port));
  expect(rules).toHaveLength(1);
  return rules[0];
}

/**
 * `objects` are exactly the default-revision istiod NetworkPolicy (a core kind, so
 * expectValidManifests has no Istio schema to check it against) and the validator finds no issue.
 */
function expectOnlyDefaultPolicy(objects: Obj[]): void {
  expect(validateManifests(objects)).toStrictEqual([]);
  expect(objects.map((o) => [o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name])).toStrictEqual([['networking.k8s.io/v1', 'NetworkPolicy', 'istio-system', 'istiod']]);
  expect(find(objects, 'NetworkPolicy', 'istiod', 'istio-system').spec.podSelector).toStrictEqual({ matchLabels: { app: 'istiod' } });
}

describe('IstiodNetworkPolicy', () => {
  test('revisioned control plane: pod selector, xDS peers, monitoring, webhook open on 15017 only', () => {
    // GIVEN
    const chart = prodChart();
    const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
    // WHEN
    new IstiodNetworkPolicy(chart, 'istiod-np', { controlPlane, gatewayNamespaces: ['istio-ingress', 'istio-egress'], meshNamespaces: ['legacy'] });
    // THEN
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects); // the IstioOperator is schema-checked; the NetworkPolicy is a core kind
    const np = find(objects, 'NetworkPolicy', 'istiod-1-30-3');
    expect(np.apiVersion).toBe('networking.k8s.io/v1');
    expect(np.metadata.namespace).toBe('istio-system');
    expect(np.spec.podSelector).toStrictEqual({ matchLabels: { 'app': 'istiod', 'istio.io/rev': '1-30-3' } });
    expect(np.spec.policyTypes).toStrictEqual(['Ingress']);

    const xds = ruleFor(objects, 'istiod-1-30-3', 15012);
    // Plaintext xDS (15010) stays closed: sidecars and gateways use 15012.
    expect(xds.ports).toStrictEqual([{ port: 15012, protocol: 'TCP' }]);
    expect(xds.from).toStrictEqual([
      // Any revision, not just 1-30-3: proxies of a namespace relabelled for an upgrade keep talking
      // to the old istiod until their pods restart.
      { namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] } },
      { namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } },
      { namespaceSelector: { matchLabels: { 'istio.io/dataplane-mode': 'ambient' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'legacy' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-egress' } } },
      { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } },
    ]);
    expect(ruleFor(objects, 'istiod-1-30-3', 15014)).toStrictEqual({
      from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }],
      ports: [{ port: 15014, protocol: 'TCP' }],
    });
    // No `from`: the API server reaches the webhook from outside the pod network.
    expect(ruleFor(objects, 'istiod-1-30-3', 15017)).toStrictEqual({ ports: [{ port: 15017, protocol: 'TCP' }] });
    expect(ingressOf(objects, 'istiod-1-30-3')).toHaveLength(3);
  });

  test('default revision: no revision in the pod selector; mesh namespaces of every revision and of istio-injection', () => {
    const chart = prodChart();
    new IstiodNetworkPolicy(chart, 'np');
    const objects = chart.toJson() as Obj[];
    expectOnlyDefaultPolicy(objects);
    expect(find(objects, 'NetworkPolicy', 'istiod').spec.policyTypes).toStrictEqual(['Ingress']);
    const from = ruleFor(objects, 'istiod', 15012).from;
    expect(from).toContainEqual({ namespaceSelector: { matchLabels: { 'istio-injection': 'enabled' } } });
    expect(from).toContainEqual({ namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] } });
    expect(ingressOf(objects, 'istiod').some((r) => r.ports.some((p) => p.port === 15010))).toBe(false);
  });

  test('the old and the new revision admit the same mesh namespaces, so relabelling a namespace cuts off no proxy', () => {
    const chart = prodChart();
    const oldCp = new MeshControlPlane(chart, 'old', { revision: '1-29-2' });
    const newCp = new MeshControlPlane(chart, 'new', { revision: '1-30-3' });
    new IstiodNetworkPolicy(chart, 'np-old', { controlPlane: oldCp });
    new IstiodNetworkPolicy(chart, 'np-new', { controlPlane: newCp });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects); // the two IstioOperators are schema-checked
    expect(find(objects, 'NetworkPolicy', 'istiod-1-29-2', 'istio-system').spec.podSelector).toStrictEqual({ matchLabels: { 'app': 'istiod', 'istio.io/rev': '1-29-2' } });
    expect(find(objects, 'NetworkPolicy', 'istiod-1-30-3', 'istio-system').spec.podSelector).toStrictEqual({ matchLabels: { 'app': 'istiod', 'istio.io/rev': '1-30-3' } });
    expect(ruleFor(objects, 'istiod-1-29-2', 15012).from).toStrictEqual(ruleFor(objects, 'istiod-1-30-3', 15012).from);
  });

  test('allowPlaintextXds opens 15010 next to 15012 for the same peers', () => {
    const chart = prodChart();
    new IstiodNetworkPolicy(chart, 'np', { allowPlaintextXds: true });
    const objects = chart.toJson() as Obj[];
    expectOnlyDefaultPolicy(objects);
    expect(ruleFor(objects, 'istiod', 15010).ports).toStrictEqual([{ port: 15010, protocol: 'TCP' }, { port: 15012, protocol: 'TCP' }]);
  });

  test('API server CIDRs narrow the webhook port; no monitoring namespaces drop the 15014 rule', () => {
    const chart = prodChart();
    new IstiodNetworkPolicy(chart, 'np', { apiServerCidrs: ['172.16.0.0/28', '10.0.0.1/32'], monitoringNamespaces: [] });
    const objects = chart.toJson() as Obj[];
    expectOnlyDefaultPolicy(objects);
    expect(ruleFor(objects, 'istiod', 15017)).toStrictEqual({
      from: [{ ipBlock: { cidr: '10.0.0.1/32' } }, { ipBlock: { cidr: '172.16.0.0/28' } }],
      ports: [{ port: 15017, protocol: 'TCP' }],
    });
    expect(ingressOf(objects, 'istiod').some((r) => r.ports.some((p) => p.port === 15014))).toBe(false);
  });

  test('rejects an empty CIDR list, a bad CIDR and a bad namespace', () => {
    expect(errorOf(() => new IstiodNetworkPolicy(prodChart(), 'np', { apiServerCidrs: [] })))
      .toBe('[prod/np] apiServerCidrs: [] is empty, which would block the API server from the webhook (no sidecar injection, no config validation). ' +
        'Fix: give the API server CIDRs, e.g. ["10.0.0.0/28"], or leave apiServerCidrs out to keep port 15017 open');
    expect(errorOf(() => new IstiodNetworkPolicy(prodChart(), 'np', { apiServerCidrs: ['10.0.0.1'] })))
      .toBe('[prod/np] apiServerCidrs[0]: "10.0.0.1" is not a CIDR range. Fix: give e.g. "172.16.0.0/28" (a single address as "172.16.0.2/32")');
    expect(errorOf(() => new IstiodNetworkPolicy(prodChart(), 'np', { gatewayNamespaces: ['Istio_Ingress'] })))
      .toMatch(/^\[prod\/np\] gatewayNamespaces\[0\]: "Istio_Ingress" is not a DNS label/);
  });
});
