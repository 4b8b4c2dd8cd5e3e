import { Duration } from 'cdk8s';
import { CircuitBreaker, CircuitBreakerProps, H2UpgradePolicy, Subset } from '../../lib';
import { errorOf, meshChart, one, synthValid } from './support';

function policyOf(props: Partial<CircuitBreakerProps> = {}) {
  const chart = meshChart();
  new CircuitBreaker(chart, 'reviews-cb', { host: 'reviews', namespace: 'bookinfo', ...props });
  return one(synthValid(chart), 'DestinationRule', 'reviews', 'bookinfo').spec;
}

function cbError(props: Partial<CircuitBreakerProps>): string {
  return errorOf(() => new CircuitBreaker(meshChart(), 'cb', { host: 'reviews', ...props }));
}

describe('CircuitBreaker', () => {
  test('production defaults when nothing is given', () => {
    expect(policyOf()).toStrictEqual({
      host: 'reviews',
      trafficPolicy: {
        connectionPool: {
          tcp: { maxConnections: 1024, connectTimeout: '5s' },
          http: { http1MaxPendingRequests: 1024, http2MaxRequests: 1024 },
        },
        outlierDetection: { consecutive5xxErrors: 5, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      },
    });
  });

  test('every field is overridable; fields left out keep their defaults', () => {
    const spec = policyOf({
      connectionPool: {
        tcp: { maxConnections: 100, tcpKeepalive: { probes: 3, time: Duration.minutes(2), interval: Duration.seconds(30) }, idleTimeout: Duration.seconds(0) },
        http: {
          http1MaxPendingRequests: 10, maxRequestsPerConnection: 1, maxRetries: 5, idleTimeout: Duration.seconds(90),
          h2UpgradePolicy: H2UpgradePolicy.DO_NOT_UPGRADE,
        },
      },
      outlierDetection: { consecutiveGatewayErrors: 2, maxEjectionPercent: 100, minHealthPercent: 20, interval: Duration.millis(2500) },
    });
    expect(spec.trafficPolicy).toStrictEqual({
      connectionPool: {
        tcp: { maxConnections: 100, connectTimeout: '5s', idleTimeout: '0s', tcpKeepalive: { probes: 3, time: '120s', interval: '30s' } },
        http: {
          http1MaxPendingRequests: 10, http2MaxRequests: 1024, maxRequestsPerConnection: 1, maxRetries: 5, idleTimeout: '90s', h2UpgradePolicy: 'DO_NOT_UPGRADE',
        },
      },
      outlierDetection: {
        consecutive5xxErrors: 5, consecutiveGatewayErrors: 2, interval: '2500ms', baseEjectionTime: '30s', maxEjectionPercent: 100, minHealthPercent: 20,
      },
    });
  });

  test('per-subset overrides are merged over the host-level values', () => {
    const spec = policyOf({
      subsets: [{
        subset: Subset.fromLabels('v2', { version: 'v2' }),
        connectionPool: { http: { http2MaxRequests: 50 } },
        outlierDetection: { consecutive5xxErrors: 1 },
      }],
    });
    expect(spec.subsets).toStrictEqual([{
      name: 'v2',
      labels: { version: 'v2' },
      trafficPolicy: {
        connectionPool: { tcp: { maxConnections: 1024, connectTimeout: '5s' }, http: { http1MaxPendingRequests: 1024, http2MaxRequests: 50 } },
        outlierDetection: { consecutive5xxErrors: 1, interval: '10s', baseEjectionTime: '30s', maxEjectionPercent: 50 },
      },
    }]);
  });

  test('local-origin failures with split errors', () => {
    expect(policyOf({ outlierDetection: { splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 4 } }).trafficPolicy.outlierDetection)
      .toMatchObject({ splitExternalLocalOriginErrors: true, consecutiveLocalOriginFailures: 4 });
  });
});

describe('CircuitBreaker rejects (ISTIO-RULES D1–D3)', () => {
  test.each([
    [{ connectionPool: { tcp: { maxConnections: -1 } } }, '[prod/cb] connectionPool.tcp.maxConnections: -1 is not a whole number from 0 to 2147483647'],
    [{ connectionPool: { http: { http2MaxRequests: 1.5 } } }, '[prod/cb] connectionPool.http.http2MaxRequests: 1.5 is not a whole number'],
    [{ connectionPool: { http: { maxRetries: 2 ** 32 } } }, '[prod/cb] connectionPool.http.maxRetries: 4294967296 is not a whole number'],
    [{ connectionPool: { tcp: { tcpKeepalive: { probes: -3 } } } }, '[prod/cb] connectionPool.tcp.tcpKeepalive.probes: -3 is not a whole number'],
    [{ outlierDetection: { consecutive5xxErrors: -2 } }, '[prod/cb] outlierDetection.consecutive5xxErrors: -2 is not a whole number'],
  ])('D2 counters: %j', (props, message) => {
    expect(cbError(props)).toContain(message);
  });

  test.each([
    [{ connectionPool: { tcp: { connectTimeout: Duration.millis(0) } } }, '[prod/cb] connectionPool.tcp.connectTimeout: "0ms" is below 1ms'],
    [{ connectionPool: { tcp: { maxConnectionDuration: Duration.millis(0.5) } } }, '[prod/cb] connectionPool.tcp.maxConnectionDuration: "0.5ms" is not a whole number of milliseconds'],
    [{ connectionPool: { http: { idleTimeout: Duration.seconds(0) } } }, '[prod/cb] connectionPool.http.idleTimeout: "0ms" is below 1ms'],
    [{ connectionPool: { tcp: { tcpKeepalive: { interval: Duration.millis(0) } } } }, '[prod/cb] connectionPool.tcp.tcpKeepalive.interval: "0ms" is below 1ms'],
    [{ outlierDetection: { interval: Duration.millis(0) } }, '[prod/cb] outlierDetection.interval: "0ms" is below 1ms'],
    [{ outlierDetection: { baseEjectionTime: Duration.millis(0) } }, '[prod/cb] outlierDetection.baseEjectionTime: "0ms" is below 1ms'],
  ])('D2/D3 durations: %#', (props, message) => {
    expect(cbError(props)).toContain(message);
  });

  test('D2: useClientProtocol with h2UpgradePolicy UPGRADE', () => {
    expect(cbError({ connectionPool: { http: { useClientProtocol: true, h2UpgradePolicy: H2UpgradePolicy.UPGRADE } } }))
      .toContain('[prod/cb] connectionPool.http.useClientProtocol: true is set together with h2UpgradePolicy UPGRADE, which istiod rejects (D2)');
  });

  test('D2: an h2UpgradePolicy that is not one', () => {
    expect(cbError({ connectionPool: { http: { h2UpgradePolicy: 'ALWAYS' as H2UpgradePolicy } } }))
      .toBe('[prod/cb] connectionPool.http.h2UpgradePolicy: "ALWAYS" is not a H2UpgradePolicy. Fix: use one of H2UpgradePolicy.DEFAULT, H2UpgradePolicy.DO_NOT_UPGRADE, H2UpgradePolicy.UPGRADE');
  });

  test.each([
    [{ maxEjectionPercent: 101 }, 'outlierDetection.maxEjectionPercent: 101 is not a whole percentage from 0 to 100'],
    [{ minHealthPercent: -1 }, 'outlierDetection.minHealthPercent: -1 is not a whole percentage from 0 to 100'],
  ])('D3 percentages: %j', (outlierDetection, message) => {
    expect(cbError({ outlierDetection })).toContain(`[prod/cb] ${message}`);
  });

  test('D3: consecutiveLocalOriginFailures without splitExternalLocalOriginErrors', () => {
    expect(cbError({ outlierDetection: { consecutiveLocalOriginFailures: 3 } }))
      .toContain('[prod/cb] outlierDetection.consecutiveLocalOriginFailures: 3 only counts when local-origin errors are split from upstream errors (D3)');
  });

  test('D1: an empty tcp or http block, keepalive or subset override', () => {
    expect(cbError({ connectionPool: { tcp: {} } })).toContain('[prod/cb] connectionPool.tcp: {} sets no field');
    expect(cbError({ connectionPool: { http: {} } })).toContain('[prod/cb] connectionPool.http: {} sets no field');
    expect(cbError({ connectionPool: { tcp: { tcpKeepalive: {} } } })).toContain('[prod/cb] connectionPool.tcp.tcpKeepalive: {} sets no field');
    expect(cbError({ subsets: [{ subset: Subset.fromLabels('v1', { version: 'v1' }) }] })).toContain('[prod/cb] subsets[0]: "v1" overrides nothing');
  });

  test('one subset overridden twice', () => {
    const s = Subset.fromLabels('v1', { version: 'v1' });
    expect(cbError({ subsets: [{ subset: s, outlierDetection: { consecutive5xxErrors: 1 } }, { subset: s, outlierDetection: { maxEjectionPercent: 10 } }] }))
      .toContain('[prod/cb] subsets: "v1" is overridden twice');
  });
});
