import { Duration } from 'cdk8s';
import * as fc from 'fast-check';
import { CanaryRelease, Environment, HostRoutes, Subset } from '../../lib';
import { meshChart, Obj, one, synthValid } from './support';

const v1 = Subset.fromLabels('v1', { version: 'v1' });
const v2 = Subset.fromLabels('v2', { version: 'v2' });

/** The weighted route of the CanaryRelease `id` in the reviews VirtualService, found by its name. */
function weightedRoute(objs: readonly Obj[], id: string): any {
  const routes = one(objs, 'VirtualService', 'reviews').spec.http.filter((r: { name?: string }) => r.name === `${id}-weighted`);
  expect(routes).toHaveLength(1);
  return routes[0];
}

/** Parses an Istio duration string back to milliseconds. */
function toMs(text: string): number {
  const m = /^([0-9]+)(ms|s)$/.exec(text);
  if (!m) throw new Error(`not an Istio duration: ${text}`);
  return Number(m[1]) * (m[2] === 's' ? 1000 : 1);
}

describe('properties', () => {
  test('canary weights are whole, non-negative and always sum to 100; the manifests stay valid', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 100 }), (percent) => {
      const chart = meshChart();
      new CanaryRelease(chart, 'c', { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2, canaryPercent: percent });
      const weighted = weightedRoute(synthValid(chart), 'c');
      expect(weighted.route).toStrictEqual([
        { destination: { host: 'reviews', subset: 'v1' }, weight: 100 - percent },
        { destination: { host: 'reviews', subset: 'v2' }, weight: percent },
      ]);
    }), { numRuns: 40 });
  });

  test('the plan is the environment\'s stages, and each stage synthesizes to its weights', () => {
    const plans = fc.uniqueArray(fc.integer({ min: 0, max: 99 }), { maxLength: 6 }).map((xs) => [...xs.sort((a, b) => a - b), 100]);
    fc.assert(fc.property(plans, (stages) => {
      const env = Environment.override(Environment.DEV, { canary: { stages, initialPercent: stages[0] } });
      stages.forEach((percent, stage) => {
        const chart = meshChart(env);
        const c = new CanaryRelease(chart, 'c', { host: 'reviews', namespace: 'bookinfo', stable: v1, canary: v2, stage });
        expect(c.plan.map((s) => s.canaryPercent)).toStrictEqual(stages);
        expect(c.canaryPercent).toBe(percent);
        expect(weightedRoute(synthValid(chart), 'c').route.map((d: { weight: number }) => d.weight)).toStrictEqual([100 - percent, percent]);
      });
    }), { numRuns: 25 });
  });

  test('percentages that are not whole numbers 0–100 are always rejected', () => {
    const bad = fc.oneof(fc.integer({ min: 101 }), fc.integer({ max: -1 }), fc.double({ noNaN: true, noInteger: true, min: -1000, max: 1000 }));
    fc.assert(fc.property(bad, (percent) => {
      expect(() => new CanaryRelease(meshChart(), 'c', { host: 'reviews', stable: v1, canary: v2, canaryPercent: percent }))
        .toThrow(/\[prod\/c\] canaryPercent: .* is not a whole percentage from 0 to 100/);
    }));
  });

  test('any whole-millisecond duration renders to the same number of milliseconds, in ms or whole seconds', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 10_000_000 }), (ms) => {
      const chart = meshChart(Environment.DEV);
      new HostRoutes(chart, 'r', { host: 'ratings', namespace: 'bookinfo', routes: [{ timeout: Duration.millis(ms) }] });
      const timeout: string = one(synthValid(chart), 'VirtualService', 'ratings').spec.http[0].timeout;
      expect(toMs(timeout)).toBe(ms);
      expect(timeout.endsWith('ms')).toBe(ms % 1000 !== 0);
    }), { numRuns: 40 });
  });

  test('sub-millisecond durations are always rejected', () => {
    fc.assert(fc.property(fc.double({ min: 0.001, max: 1e6, noNaN: true }).filter((x) => !Number.isInteger(x)), (ms) => {
      expect(() => new HostRoutes(meshChart(Environment.DEV), 'r', { host: 'ratings', routes: [{ timeout: Duration.millis(ms) }] }))
        .toThrow(/\[dev\/r\] routes\[0\]\.timeout: ".*ms" is not a whole number of milliseconds/);
    }));
  });
});
