/**
 * Constructs in a plain cdk8s Chart take the PROD environment's defaults; every refusal those defaults
 * cause says so, and the same constructs in a MeshChart are not given the note.
 */
import { Chart } from 'cdk8s';
import {
  AutoscalingSetting, CanaryRelease, Environment, FaultInjection, HostRoutes, IngressGateway, MeshChart, SizingOverrides, Subset,
} from '../lib';
import { errorOf, meshApp, synth } from './support/charts';

const NOTE = ' (this construct is in a plain cdk8s Chart, not a MeshChart, so it takes the PROD environment\'s defaults; '
  + 'put it in a MeshChart with the environment you mean, e.g. { environment: Environment.DEV }, to take that one\'s)';

const FAULT = () => FaultInjection.abort({ httpStatus: 503, percent: 5 });

describe('a plain cdk8s Chart takes PROD defaults, and says so', () => {
  test('fault injection refused in a plain Chart names the plain-Chart default', () => {
    // GIVEN a plain Chart (no environment anywhere) with a fault on a route
    const chart = new Chart(meshApp(), 'test');
    // WHEN the route is made THEN the refusal explains where "prod" came from
    expect(errorOf(() => new HostRoutes(chart, 'ratings', { host: 'ratings', namespace: 'bookinfo', routes: [{ fault: FAULT() }] }))).toBe(
      `[test/ratings] routes[0].fault.abort: "prod" is a production environment, where fault injection would break real requests${NOTE}. `
      + 'Fix: inject faults in DEV or STAGING, or set allowInProduction: true for a deliberate production chaos test');
  });

  test('the same fault in a MeshChart of PROD is refused without the note, and accepted in a MeshChart of DEV', () => {
    const prod = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD });
    expect(errorOf(() => new HostRoutes(prod, 'ratings', { host: 'ratings', namespace: 'bookinfo', routes: [{ fault: FAULT() }] }))).toBe('[prod/ratings] routes[0].fault.abort: "prod" is a production environment, where fault injection would '
      + 'break real requests. Fix: inject faults in DEV or STAGING, or set allowInProduction: true for a deliberate production chaos test');
    const dev = new MeshChart(meshApp(), 'dev', { environment: Environment.DEV });
    new HostRoutes(dev, 'ratings', { host: 'ratings', namespace: 'bookinfo', routes: [{ fault: FAULT() }] });
    expect(synth(dev).find((o) => o.kind === 'VirtualService')!.spec.http[0].fault).toStrictEqual({ abort: { httpStatus: 503, percentage: { value: 5 } } });
  });

  test('a canary stage outside the PROD plan, in a plain Chart', () => {
    const chart = new Chart(meshApp(), 'test');
    expect(errorOf(() => new CanaryRelease(chart, 'reviews', {
      host: 'reviews', namespace: 'bookinfo', stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }), stage: 9,
    }))).toBe(`[test/reviews] stage: 9 is not a stage of the prod plan (0: 10%, 1: 25%, 2: 50%, 3: 75%, 4: 100%)${NOTE}. Fix: use an index from 0 to 4`);
  });

  test('gateway sizing that clashes with the PROD PodDisruptionBudget, in a plain Chart', () => {
    const chart = new Chart(meshApp(), 'test');
    // GIVEN one fixed replica where PROD's budget lets a drain take one pod
    const sizing: SizingOverrides = { autoscaling: AutoscalingSetting.NONE, replicas: 1 };
    // THEN the refusal names the plain-Chart default
    expect(errorOf(() => new IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', sizing }))).toBe(
      `[test/ingress] sizing.podDisruptionBudget.maxUnavailable: 1 is not below the replica count (1), so a drain could take every pod at once${NOTE}. `
      + 'Fix: set maxUnavailable below 1 (1 takes one pod at a time), raise the replicas, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });

  test('a construct given its own environment in a plain Chart gets no note', () => {
    const chart = new Chart(meshApp(), 'test');
    const sizing: SizingOverrides = { autoscaling: AutoscalingSetting.NONE, replicas: 1 };
    expect(errorOf(() => new IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', environment: Environment.PROD, sizing }))).toBe(
      '[test/ingress] sizing.podDisruptionBudget.maxUnavailable: 1 is not below the replica count (1), so a drain could take every pod at once. '
      + 'Fix: set maxUnavailable below 1 (1 takes one pod at a time), raise the replicas, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });
});
