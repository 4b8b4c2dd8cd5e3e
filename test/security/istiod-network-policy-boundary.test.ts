/** The API boundary of IstiodNetworkPolicy: our error naming the field, never a silently opened port. */
import { IstiodNetworkPolicy, IstiodNetworkPolicyProps } from '../../lib';
import { errorOf } from '../support/charts';
import { prodChart } from './support';

function policyError(props: unknown): string {
  return errorOf(() => new IstiodNetworkPolicy(prodChart(), 'np', props as IstiodNetworkPolicyProps));
}

describe('IstiodNetworkPolicy at the API boundary', () => {
  test('a truthy string for allowPlaintextXds is an error, not an opened 15010', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ allowPlaintextXds: 'no' })).toBe('[prod/np] allowPlaintextXds: "no" is a string, not a boolean. Fix: give true or false');
  });

  test('unknown keys, a look-alike control plane and a namespace string are errors', () => {
    // GIVEN / WHEN / THEN
    expect(policyError({ monitoringNamespace: ['monitoring'] }))
      .toBe('[prod/np] props: "monitoringNamespace" is not a field of IstiodNetworkPolicyProps (did you mean "monitoringNamespaces"?). Fix: rename it to "monitoringNamespaces"');
    expect(policyError({ controlPlane: { namespace: 'istio-system' } }))
      .toBe('[prod/np] controlPlane: {"namespace":"istio-system"} is an object, not a MeshControlPlane. Fix: give the MeshControlPlane whose istiod the policy protects, or leave controlPlane out');
    expect(policyError({ gatewayNamespaces: 'istio-ingress' })).toBe('[prod/np] gatewayNamespaces: "istio-ingress" is a string, not a list. Fix: give namespace names, e.g. ["istio-ingress"]');
    expect(policyError({ apiServerCidrs: [null] })).toBe('[prod/np] apiServerCidrs[0]: null is not a CIDR range. Fix: give e.g. "172.16.0.0/28" (a single address as "172.16.0.2/32")');
    expect(policyError({ apiServerCidrs: null })).toBe('[prod/np] apiServerCidrs: null is null. Fix: leave apiServerCidrs out for its default or give a value');
  });
});
