import { CEL_DURATION_MAX_MS, crdLimits } from '../../lib/core/crd-limits';
import { validateManifest } from '../../lib/validation/manifest';

const SERVICE_ENTRY = 'networking.istio.io/v1/ServiceEntry';
const DESTINATION_RULE = 'networking.istio.io/v1/DestinationRule';

describe('crdLimits: the limits of an emitted field, read from the committed schema files', () => {
  test.each<[string, string, object]>([
    [SERVICE_ENTRY, 'spec.hosts', { minItems: 1, maxItems: 256 }],
    [SERVICE_ENTRY, 'spec.endpoints', { maxItems: 4096 }],
    [SERVICE_ENTRY, 'spec.endpoints[].weight', { minimum: 0, maximum: 4294967295 }],
    [SERVICE_ENTRY, 'spec.endpoints[].ports', { maxProperties: 128, maxKeyLength: 62 }],
    [SERVICE_ENTRY, 'spec.endpoints[].ports{}', { minimum: 0, maximum: 4294967295 }],
    [SERVICE_ENTRY, 'spec.ports[].name', { maxLength: 256 }],
    [DESTINATION_RULE, 'spec.trafficPolicy.connectionPool.tcp.maxConnections', { minimum: -2147483648, maximum: 2147483647, format: 'int32' }],
    [DESTINATION_RULE, 'spec.trafficPolicy.connectionPool.tcp.connectTimeout', { minDurationMs: 1, maxDurationMs: CEL_DURATION_MAX_MS }],
    ['security.istio.io/v1/AuthorizationPolicy', 'spec.selector.matchLabels', { maxProperties: 4096 }],
    ['security.istio.io/v1/AuthorizationPolicy', 'spec.rules[].from', { maxItems: 512 }],
    ['v1/Namespace', 'metadata.name', { minLength: 1, maxLength: 253 }],
  ])('%s %s', (resource, path, limits) => {
    // GIVEN a kind and a field path WHEN its limits are read THEN they are the schema's own numbers
    expect(crdLimits(resource, path)).toStrictEqual(limits);
  });

  test('the answer is cached: the same frozen object each time', () => {
    const first = crdLimits(SERVICE_ENTRY, 'spec.hosts');
    expect(crdLimits(SERVICE_ENTRY, 'spec.hosts')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
  });

  test('a kind or path the schema does not have is a programming error', () => {
    expect(() => crdLimits(SERVICE_ENTRY, 'spec.hostz')).toThrow('crdLimits: networking.istio.io/v1/ServiceEntry has no field spec.hostz (no hostz)');
    expect(() => crdLimits('networking.istio.io/v1/Nope', 'spec')).toThrow('crdLimits: no schema for networking.istio.io/v1/Nope');
    expect(() => crdLimits(SERVICE_ENTRY, 'spec.hosts{}')).toThrow('crdLimits: spec.hosts{} of networking.istio.io/v1/ServiceEntry is not a map');
  });

  test('the duration maximum is where the CEL rules start to fail', () => {
    // GIVEN a DestinationRule whose connect timeout is the largest duration, and one a millisecond longer
    const rule = (connectTimeout: string) => ({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'r', namespace: 'shop' },
      spec: { host: 'reviews', trafficPolicy: { connectionPool: { tcp: { connectTimeout } } } },
    });
    // WHEN validated THEN the first passes and the second fails its CEL rule
    expect(validateManifest(rule(`${CEL_DURATION_MAX_MS}ms`))).toStrictEqual([]);
    expect(validateManifest(rule(`${CEL_DURATION_MAX_MS + 1}ms`)).map((i) => i.path)).toStrictEqual(['spec.trafficPolicy.connectionPool.tcp.connectTimeout']);
  });
});
