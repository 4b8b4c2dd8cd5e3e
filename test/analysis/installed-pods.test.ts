/**
 * Pods the control plane runs without a template in the output: IstioOperator gateways and the pods
 * istiod deploys for Kubernetes Gateways. Every pod-reading check sees them.
 */
import { MeshAnalyzer } from '../../lib';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
const codes = (objects: any[]) => MeshAnalyzer.analyze(objects).findings.map((f) => `${f.code} ${f.kind} ${f.namespace}/${f.name}`);

describe('installed pods', () => {
  test('an AuthorizationPolicy selecting the pods of a Kubernetes Gateway by label is IST0166 only, not IST0127', () => {
    // GIVEN an istio-class Gateway and a policy that selects its pods instead of targeting it
    const objects = [
      ns('web'),
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'web' },
        spec: { gatewayClassName: 'istio', listeners: [{ name: 'http', port: 80, protocol: 'HTTP' }] } },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'ap', namespace: 'web' },
        spec: { selector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'public' } }, action: 'DENY', rules: [{ from: [{ source: { notNamespaces: ['web'] } }] }] } },
    ];
    // WHEN / THEN
    expect(codes(objects)).toStrictEqual(['IST0166 AuthorizationPolicy web/ap']);
  });

  test('the ingress gateway of an IstioOperator profile is the workload of a Gateway selecting istio=ingressgateway', () => {
    // GIVEN the default profile (which installs istio-ingressgateway) and a Gateway for it
    const gateway = { apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'gw', namespace: 'istio-system' },
      spec: { selector: { istio: 'ingressgateway' }, servers: [{ port: { number: 80, name: 'http', protocol: 'HTTP' }, hosts: ['*'] }] } };
    const operator = (profile: string) => ({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' }, spec: { profile } });
    // WHEN / THEN: with the default profile the selector finds the pods; with minimal (no gateways) it does not
    expect(codes([operator('default'), gateway])).toStrictEqual([]);
    expect(codes([operator('minimal'), gateway])).toStrictEqual(['IST0101 Gateway istio-system/gw']);
  });
});
