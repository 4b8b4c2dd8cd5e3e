import { Duration, Testing } from 'cdk8s';
import { Environment, FaultInjection, HostRoutes, RetryOn, RetryPolicy } from '../../lib';
import { errorOf } from './support';

const scope = () => Testing.chart();

describe('RetryPolicy', () => {
  test('renders attempts, perTryTimeout, deduplicated retryOn tokens, backoff and retryRemoteLocalities', () => {
    const rendered = RetryPolicy.of({
      attempts: 3,
      perTryTimeout: Duration.millis(800),
      retryOn: [RetryOn.FIVE_XX, RetryOn.RESET, RetryOn.statusCode(503), RetryOn.of('unavailable'), RetryOn.FIVE_XX],
      backoff: Duration.millis(50),
      retryRemoteLocalities: true,
    })._render(scope(), 'retries', 3000);
    expect(rendered).toStrictEqual({ attempts: 3, perTryTimeout: '800ms', retryOn: '5xx,reset,503,unavailable', backoff: '50ms', retryRemoteLocalities: true });
  });

  test('disabled() is attempts 0', () => {
    expect(RetryPolicy.disabled()._render(scope(), 'retries')).toStrictEqual({ attempts: 0 });
  });

  test('every gRPC and HTTP policy istiod knows is accepted', () => {
    const all = [RetryOn.GATEWAY_ERROR, RetryOn.RESET_BEFORE_REQUEST, RetryOn.CONNECT_FAILURE, RetryOn.RETRIABLE_4XX, RetryOn.REFUSED_STREAM,
      RetryOn.RETRIABLE_STATUS_CODES, RetryOn.RETRIABLE_HEADERS, RetryOn.ENVOY_RATELIMITED, RetryOn.HTTP3_POST_CONNECT_FAILURE, RetryOn.CANCELLED,
      RetryOn.DEADLINE_EXCEEDED, RetryOn.INTERNAL, RetryOn.RESOURCE_EXHAUSTED, RetryOn.UNAVAILABLE];
    expect(RetryPolicy.of({ attempts: 1, retryOn: all })._render(scope(), 'retries').retryOn).toBe(
      'gateway-error,reset-before-request,connect-failure,retriable-4xx,refused-stream,retriable-status-codes,retriable-headers,envoy-ratelimited,'
      + 'http3-post-connect-failure,cancelled,deadline-exceeded,internal,resource-exhausted,unavailable');
  });
});

describe('RetryPolicy rejects (ISTIO-RULES V2, V3)', () => {
  test.each([
    ['perTryTimeout', { perTryTimeout: Duration.seconds(1) }, '"1000ms"'],
    ['retryOn', { retryOn: [RetryOn.FIVE_XX] }, '["5xx"]'],
    ['retryRemoteLocalities', { retryRemoteLocalities: true }, 'true'],
    ['backoff', { backoff: Duration.millis(25) }, '"25ms"'],
  ])('V3: attempts 0 with %s', (field, extra, shown) => {
    expect(errorOf(() => RetryPolicy.of({ attempts: 0, ...extra })._render(scope(), 'retries')))
      .toContain(`[test] retries.${field}: ${shown} is set while attempts is 0 (retries disabled), which istiod rejects (V3)`);
  });

  test('V3: negative attempts', () => {
    expect(errorOf(() => RetryPolicy.of({ attempts: -1 })._render(scope(), 'retries'))).toContain('[test] retries.attempts: -1 is not a whole number from 0');
  });

  test.each([
    [RetryOn.of('5xxx'), '"5xxx" is not a retryOn policy istiod accepts (V3)'],
    [RetryOn.of('gateway_error'), '"gateway_error" is not a retryOn policy istiod accepts (V3)'],
    [RetryOn.statusCode(999), '999 is not an HTTP status code istiod knows (V3)'],
  ])('V3: retryOn token %#', (token, message) => {
    expect(errorOf(() => RetryPolicy.of({ attempts: 2, retryOn: [RetryOn.FIVE_XX, token] })._render(scope(), 'retries')))
      .toContain(`[test] retries.retryOn[1]: ${message}`);
  });

  test('an empty retryOn', () => {
    expect(errorOf(() => RetryPolicy.of({ attempts: 2, retryOn: [] })._render(scope(), 'retries'))).toContain('[test] retries.retryOn: [] is empty');
  });

  test('V2: perTryTimeout and backoff under 1ms', () => {
    expect(errorOf(() => RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.millis(0) })._render(scope(), 'retries')))
      .toContain('[test] retries.perTryTimeout: "0ms" is below 1ms');
    expect(errorOf(() => RetryPolicy.of({ attempts: 2, backoff: Duration.millis(0.25) })._render(scope(), 'retries')))
      .toContain('[test] retries.backoff: "0.25ms" is not a whole number of milliseconds');
  });

  test('a perTryTimeout not shorter than the route timeout', () => {
    expect(errorOf(() => RetryPolicy.of({ attempts: 2, perTryTimeout: Duration.seconds(2) })._render(scope(), 'retries', 2000)))
      .toContain('[test] retries.perTryTimeout: "2s" is not shorter than the route timeout of 2000ms, so no retry could ever start');
  });
});

describe('FaultInjection', () => {
  test('percent 0 is allowed (V5)', () => {
    expect(FaultInjection.abort({ httpStatus: 503, percent: 0 })._render(scope(), 'fault', Environment.DEV))
      .toStrictEqual({ abort: { httpStatus: 503, percentage: { value: 0 } } });
  });

  test('outside a MeshChart the environment is PROD, so faults are refused', () => {
    const fault = FaultInjection.delay({ fixedDelay: Duration.seconds(1), percent: 1 });
    expect(errorOf(() => new HostRoutes(Testing.chart(), 'r', { host: 'ratings', namespace: 'bookinfo', routes: [{ fault }] })))
      .toContain('[test/r] routes[0].fault.delay: "prod" is a production environment, where fault injection would break real requests');
  });
});
