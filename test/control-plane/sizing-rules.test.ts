/**
 * Sizing rules (HPA minimum, anti-affinity, PodDisruptionBudget) reached through per-construct
 * overrides and through Environment.override; the field is the prop the value came from.
 */
import { AntiAffinityMode, AutoscalingSetting, DisruptionBudgetSetting, Environment, IngressGateway, GatewayServer, MeshChart, MeshControlPlane, PilotOptions } from '../../lib';
import { errorOf, meshApp, meshChart } from '../support/charts';

const PROD_HPA = { minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 80 };

function pilotError(pilot: PilotOptions): string {
  return errorOf(() => new MeshControlPlane(meshChart(Environment.PROD), 'cp', { pilot }));
}

describe('sizing overrides of one construct', () => {
  test.each([
    ['HPA minReplicas 0', { autoscaling: AutoscalingSetting.hpa({ ...PROD_HPA, minReplicas: 0 }) },
      '[prod/cp] pilot.autoscaling.minReplicas: 0 is not a whole number of at least 1. Fix: set minReplicas to 1 or more (2 for HA)'],
    ['fractional HPA minReplicas', { autoscaling: AutoscalingSetting.hpa({ ...PROD_HPA, minReplicas: 1.5 }) },
      '[prod/cp] pilot.autoscaling.minReplicas: 1.5 is not a whole number of at least 1. Fix: set minReplicas to 1 or more (2 for HA)'],
    ['an unknown anti-affinity mode', { antiAffinity: { mode: 'sometimes' as AntiAffinityMode, topologyKey: 'kubernetes.io/hostname' } },
      '[prod/cp] pilot.antiAffinity.mode: "sometimes" is not an anti-affinity mode. Fix: use one of none, preferred, required'],
    ['a topology key with a space', { antiAffinity: { mode: AntiAffinityMode.REQUIRED, topologyKey: 'kubernetes.io/host name' } },
      '[prod/cp] pilot.antiAffinity.topologyKey: "kubernetes.io/host name" is not a node label key. Fix: use "kubernetes.io/hostname" or "topology.kubernetes.io/zone"'],
    ['an empty topology key', { antiAffinity: { mode: AntiAffinityMode.REQUIRED, topologyKey: '' } },
      '[prod/cp] pilot.antiAffinity.topologyKey: "" is not a node label key. Fix: use "kubernetes.io/hostname" or "topology.kubernetes.io/zone"'],
    ['weight 0', { antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: 'kubernetes.io/hostname', weight: 0 } },
      '[prod/cp] pilot.antiAffinity.weight: 0 is not a whole number 1–100. Fix: use 100 for the strongest preference'],
    ['weight 101', { antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: 'kubernetes.io/hostname', weight: 101 } },
      '[prod/cp] pilot.antiAffinity.weight: 101 is not a whole number 1–100. Fix: use 100 for the strongest preference'],
    ['PDB minAvailable 0', { podDisruptionBudget: DisruptionBudgetSetting.minAvailable(0) },
      '[prod/cp] pilot.podDisruptionBudget.minAvailable: 0 is not a whole number of at least 1. Fix: keep at least 1 pod available, or set podDisruptionBudget: DisruptionBudgetSetting.NONE'],
  ] as [string, PilotOptions, string][])('%s is an error', (_case, pilot, message) => {
    // GIVEN / WHEN / THEN
    expect(pilotError(pilot)).toBe(message);
  });

  test('autoscaling and podDisruptionBudget take their value classes only (what JavaScript or an old config may pass instead)', () => {
    // GIVEN the shapes of an older API: false, and a plain object
    const off = false as unknown as AutoscalingSetting;
    const plain = { ...PROD_HPA } as unknown as AutoscalingSetting;
    const noBudget = false as unknown as DisruptionBudgetSetting;
    // WHEN / THEN each names the field, the value and the factories
    expect(pilotError({ autoscaling: off })).toBe('[prod/cp] pilot.autoscaling: false is not an AutoscalingSetting. '
      + 'Fix: give AutoscalingSetting.hpa({ minReplicas, maxReplicas, targetCpuUtilizationPercent }) or AutoscalingSetting.NONE');
    expect(pilotError({ autoscaling: plain })).toBe('[prod/cp] pilot.autoscaling: {"minReplicas":2,"maxReplicas":5,"targetCpuUtilizationPercent":80} is not an AutoscalingSetting. '
      + 'Fix: give AutoscalingSetting.hpa({ minReplicas, maxReplicas, targetCpuUtilizationPercent }) or AutoscalingSetting.NONE');
    expect(pilotError({ podDisruptionBudget: noBudget })).toBe('[prod/cp] pilot.podDisruptionBudget: false is not a DisruptionBudgetSetting. '
      + 'Fix: give DisruptionBudgetSetting.maxUnavailable(n), .maxUnavailablePercent(p), .minAvailable(n) or DisruptionBudgetSetting.NONE');
  });

  test('a gateway reports its sizing under "sizing"', () => {
    // GIVEN / WHEN
    const error = errorOf(() => new IngressGateway(meshChart(Environment.PROD), 'gw', {
      servers: [GatewayServer.http({ hosts: ['bookinfo.example.com'] })],
      sizing: { antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: 'topology.kubernetes.io/zone', weight: 1000 } },
    }));
    // THEN
    expect(error).toBe('[prod/gw] sizing.antiAffinity.weight: 1000 is not a whole number 1–100. Fix: use 100 for the strongest preference');
  });
});

describe('sizing of a derived environment', () => {
  test('an HPA minimum of 0 in Environment.override fails where a construct takes it, under the construct\'s path', () => {
    // GIVEN an environment whose istiod HPA starts at 0
    const env = Environment.override(Environment.PROD, { name: 'prod-eu', istiod: { autoscaling: { ...PROD_HPA, minReplicas: 0 } } });
    const chart = new MeshChart(meshApp(), 'prod-eu', { environment: env });
    // WHEN
    const error = errorOf(() => new MeshControlPlane(chart, 'cp'));
    // THEN
    expect(error).toBe('[prod-eu/cp] pilot.autoscaling.minReplicas: 0 is not a whole number of at least 1. Fix: set minReplicas to 1 or more (2 for HA)');
  });

  test('a PDB of 0 for the ingress gateway fails at the gateway', () => {
    // GIVEN
    const env = Environment.override(Environment.PROD, { name: 'prod-eu', ingressGateway: { podDisruptionBudget: { maxUnavailable: 0 } } });
    const chart = new MeshChart(meshApp(), 'prod-eu', { environment: env });
    // WHEN
    const error = errorOf(() => new IngressGateway(chart, 'gw', { servers: [GatewayServer.http({ hosts: ['bookinfo.example.com'] })] }));
    // THEN
    expect(error).toBe('[prod-eu/gw] sizing.podDisruptionBudget.maxUnavailable: 0 is not a whole number of at least 1. Fix: let a drain take at least 1 pod, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });
});
