/**
 * MeshControlPlane.addProxyStats: stats added after construction merge into
 * meshConfig.defaultConfig.proxyStatsMatcher, after the mesh config's own, without duplicates.
 */
import * as istio from '../../lib';
import { errorOf, find, meshChart, synthValid } from '../support/charts';

describe('MeshControlPlane.addProxyStats', () => {
  test('merges into the mesh config\'s matcher, in order, once each; the IstioOperator stays valid', () => {
    // GIVEN a control plane that keeps outlier stats
    const chart = meshChart();
    const cp = new istio.MeshControlPlane(chart, 'control-plane', { meshConfig: { proxyStatsMatcher: { inclusionPrefixes: ['cluster.outbound'], inclusionSuffixes: ['upstream_rq_timeout'] } } });

    // WHEN two constructs add what they need, overlapping
    cp.addProxyStats({ inclusionSuffixes: ['upstream_cx_overflow', 'upstream_rq_timeout'] });
    cp.addProxyStats({ inclusionRegexps: ['listener\\..*\\.ssl\\.handshake'], inclusionSuffixes: ['upstream_cx_overflow'] });

    // THEN
    const expected = {
      inclusionPrefixes: ['cluster.outbound'],
      inclusionSuffixes: ['upstream_rq_timeout', 'upstream_cx_overflow'],
      inclusionRegexps: ['listener\\..*\\.ssl\\.handshake'],
    };
    expect(cp.toSpec().meshConfig.defaultConfig.proxyStatsMatcher).toStrictEqual(expected);
    expect(find(synthValid(chart), 'IstioOperator', 'control-plane').spec.meshConfig.defaultConfig.proxyStatsMatcher).toStrictEqual(expected);
  });

  test('without additions the spec is unchanged; bad input names the call', () => {
    const chart = meshChart();
    const cp = new istio.MeshControlPlane(chart, 'control-plane');
    expect(cp.toSpec().meshConfig.defaultConfig.proxyStatsMatcher).toBeUndefined();
    expect(errorOf(() => cp.addProxyStats({ inclusionRegexps: ['(a'] })))
      .toMatch(/^\[prod\/control-plane\] addProxyStats\(matcher\)\.inclusionRegexps\[0\]: "\(a" /);
    expect(errorOf(() => cp.addProxyStats({ inclusionSufixes: ['x'] } as any)))
      .toBe('[prod/control-plane] addProxyStats(matcher): "inclusionSufixes" is not a field of ProxyStatsMatcher (did you mean "inclusionSuffixes"?). Fix: rename it to "inclusionSuffixes"');
    expect(errorOf(() => cp.addProxyStats({ inclusionSuffixes: [] })))
      .toBe('[prod/control-plane] addProxyStats(matcher).inclusionSuffixes: [] is empty. Fix: list at least one string, or leave inclusionSuffixes out');
  });
});
