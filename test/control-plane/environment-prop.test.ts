/** A profile given to MeshControlPlane itself is checked as MeshChart checks one: its shape at any depth, then the parts the control plane uses. */
import { Environment, EnvironmentProfile, MeshControlPlane } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

function controlPlaneError(environment: unknown): string {
  return errorOf(() => new MeshControlPlane(meshChart(Environment.DEV), 'control-plane', { revision: '1-30-3', environment: environment as EnvironmentProfile }));
}

describe('MeshControlPlane environment prop', () => {
  test('a misspelt key deep in the profile names the closest field', () => {
    expect(controlPlaneError({ ...Environment.PROD, istiod: { ...Environment.PROD.istiod, replica: 3 } }))
      .toBe('[dev/control-plane] environment.istiod: "replica" is not a field of ComponentSizing (did you mean "replicas"?). Fix: rename it to "replicas"');
    expect(controlPlaneError({ ...Environment.PROD, ingressGateway: { ...Environment.PROD.ingressGateway, antiAffinity: { mode: 'preferred', topologyKey: 5 } } }))
      .toBe('[dev/control-plane] environment.ingressGateway.antiAffinity.topologyKey: 5 is a number, not a string. Fix: give a string');
  });

  test('the istiod sizing is range-checked under environment.istiod', () => {
    expect(controlPlaneError({ ...Environment.PROD, istiod: { ...Environment.PROD.istiod, autoscaling: undefined, replicas: 2, podDisruptionBudget: { minAvailable: 2 } } }))
      .toBe('[dev/control-plane] environment.istiod.podDisruptionBudget.minAvailable: 2 is not below the replica count (2), so no pod could ever be evicted and '
        + 'node drains would hang. Fix: set minAvailable below 2, raise the replicas, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });
});
