import { Testing } from 'cdk8s';
import { AntiAffinityMode, Environment, EnvironmentProfile, MeshChart } from '../lib';

describe('Environment profiles', () => {
  test('PROD follows the production guide', () => {
    const prod = Environment.PROD;
    expect(prod.istiod.replicas).toBe(3);
    expect(prod.istiod.autoscaling).toStrictEqual({ minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 80 });
    expect(prod.istiod.resources).toStrictEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    expect(prod.istiod.antiAffinity).toStrictEqual({ mode: AntiAffinityMode.REQUIRED, topologyKey: 'kubernetes.io/hostname' });
    expect(prod.istiod.podDisruptionBudget).toStrictEqual({ minAvailable: 1 });
    expect(prod.sidecar.resources).toStrictEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } });
    expect(prod.sidecar.optimized).toStrictEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    expect(prod.ingressGateway.autoscaling).toStrictEqual({ minReplicas: 3, maxReplicas: 10, targetCpuUtilizationPercent: 60 });
    expect(prod.production).toBe(true);
    expect(Environment.DEV.production).toBe(false);
    expect(prod.ingressGateway.resources).toStrictEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '2Gi' } });
  });

  test('DEV is a single small istiod without HPA, PDB or anti-affinity', () => {
    const dev = Environment.DEV;
    expect(dev.istiod.replicas).toBe(1);
    expect(dev.istiod.autoscaling).toBeUndefined();
    expect(dev.istiod.podDisruptionBudget).toBeUndefined();
    expect(dev.istiod.antiAffinity.mode).toBe(AntiAffinityMode.NONE);
  });

  test('STAGING sits between DEV and PROD', () => {
    const [dev, staging, prod] = Environment.ALL;
    expect(staging.istiod.replicas).toBeGreaterThan(dev.istiod.replicas);
    expect(staging.istiod.replicas).toBeLessThanOrEqual(prod.istiod.replicas);
    expect(staging.istiod.autoscaling!.maxReplicas).toBeLessThanOrEqual(prod.istiod.autoscaling!.maxReplicas);
    expect(staging.istiod.antiAffinity.mode).toBe(AntiAffinityMode.PREFERRED);
  });

  test('a chart keeps a copy of its profile, so changing a profile object later changes no chart', () => {
    // GIVEN a chart made from a derived profile
    const profile = Environment.override(Environment.PROD, { name: 'prod-eu' });
    const chart = new MeshChart(Testing.app(), 'prod-eu', { environment: profile });
    // WHEN the profile object is changed afterwards (plain data: jsii cannot hand frozen objects to other languages)
    (profile.istiod as { replicas: number }).replicas = 1;
    // THEN the chart and the stock profile keep their numbers
    expect(chart.environment.istiod.replicas).toBe(3);
    expect(MeshChart.environmentOf(chart).istiod.replicas).toBe(3);
    expect(Environment.PROD.istiod.replicas).toBe(3);
  });

  test('override merges at any depth and leaves the base untouched', () => {
    const eu = Environment.override(Environment.PROD, { name: 'prod-eu', istiod: { replicas: 5, resources: { requests: { cpu: '1', memory: '4Gi' } } } });
    expect(eu.name).toBe('prod-eu');
    expect(eu.istiod.replicas).toBe(5);
    expect(eu.istiod.resources).toStrictEqual({ requests: { cpu: '1', memory: '4Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    expect(eu.istiod.autoscaling).toStrictEqual(Environment.PROD.istiod.autoscaling);
    expect(Environment.PROD.istiod.replicas).toBe(3);
    // The result shares no object with the base: changing it leaves PROD as it was.
    (eu.istiod.autoscaling as { maxReplicas: number }).maxReplicas = 50;
    expect(Environment.PROD.istiod.autoscaling!.maxReplicas).toBe(5);
  });

  test('a MeshChart needs an environment whose name is a DNS label (it becomes an output folder)', () => {
    const make = (environment: EnvironmentProfile) => () => new MeshChart(Testing.app(), 'x', { environment });
    expect(make(Environment.override(Environment.DEV, { name: 'Dev_1' }))).toThrow(
      '[x] environment.name: "Dev_1" is not a DNS label (lowercase letters, digits and "-", at most 63 characters). Fix: name the environment like "dev", "staging" or "prod"');
    expect(make(undefined as unknown as EnvironmentProfile)).toThrow(
      '[x] environment: undefined is not an EnvironmentProfile. Fix: give Environment.DEV, Environment.STAGING, Environment.PROD or one derived with Environment.override');
  });
});
