/**
 * The on-disk cache of compiled validators (lib/validation/validator-cache.ts): a run with a warm cache
 * reports exactly what a compiling run reports, without loading the ajv compiler; a damaged file is
 * compiled again; `CDK8S_ISTIO_CACHE=off` writes nothing.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { ManifestIssue } from '../../lib/validation';

/** Objects that exercise the cached code: unknown fields with a guess, a oneOf, a Kubernetes kind with $refs, a CEL rule, an IstioOperator. */
const MANIFESTS: unknown[] = [
  {
    apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }], retries: { attemps: 3 } }] },
  },
  {
    apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: { host: 'reviews', trafficPolicy: { loadBalancer: { simple: 'ROUND_ROBIN', consistentHash: { httpHeaderName: 'x-user' } } } },
  },
  {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'reviews', namespace: 'bookinfo' },
    spec: { selector: { matchLabels: { app: 'reviews' } }, template: { metadata: { labels: { app: 'reviews' } }, spec: { containers: [{ name: 'app', image: 'x' }] } }, replicas: 'three' },
  },
  {
    apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: 'istio-ingress' },
    spec: { selector: { istio: 'ingress' }, servers: [{ port: { number: 0, name: 'http', protocol: 'HTTP' }, hosts: ['*.example.com'] }] },
  },
  {
    apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'control-plane', namespace: 'istio-system' },
    spec: { profile: 'minimal', meshConfig: { accessLogFile: '/dev/stdout', accesLogEncoding: 'JSON' }, values: { pilot: { replicaCount: 'two' } } },
  },
];

/** Validates MANIFESTS in a fresh copy of the library (as a new process would), with `cache` as CDK8S_ISTIO_CACHE. */
function validateFresh(cache: string, options: { forbidCompiler?: boolean } = {}): ManifestIssue[] {
  const previous = process.env.CDK8S_ISTIO_CACHE;
  process.env.CDK8S_ISTIO_CACHE = cache;
  try {
    let issues: ManifestIssue[] = [];
    jest.isolateModules(() => {
      if (options.forbidCompiler) {
        jest.doMock('ajv', () => {
          throw new Error('the ajv compiler was loaded');
        });
      }
      const { validateManifests } = require('../../lib/validation/manifest') as typeof import('../../lib/validation/manifest');
      issues = validateManifests(MANIFESTS);
    });
    return issues;
  } finally {
    jest.dontMock('ajv');
    if (previous === undefined) delete process.env.CDK8S_ISTIO_CACHE;
    else process.env.CDK8S_ISTIO_CACHE = previous;
  }
}

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'validator-cache-'));
}

describe('validator cache', () => {
  test('a run with a warm cache reports exactly what the compiling run reported, without loading the compiler', () => {
    // GIVEN an empty cache directory, filled by a first (compiling) run
    const dir = tmpDir();
    const compiled = validateFresh(dir);
    const files = fs.readdirSync(dir).sort();
    // WHEN a second run loads the validators from it, with the ajv compiler unavailable
    const cached = validateFresh(dir, { forbidCompiler: true });
    // THEN the issues are the same, every one of them, and no file was added
    expect(compiled.map((i) => `${i.kind} ${i.name}: ${i.path}: ${i.message}`)).toStrictEqual([
      'VirtualService reviews: spec.http[0].retries.attemps: unknown field (did you mean "attempts"?)',
      'DestinationRule reviews: spec.trafficPolicy.loadBalancer: at most one of simple, consistentHash may be set (found simple, consistentHash)',
      'Deployment reviews: spec.replicas: must be integer, got "three"',
      'Gateway public: spec.servers[0].port.number: port number must be between 1 and 65535 (enforced by the istiod validating webhook; the CRD allows 0)',
      'IstioOperator control-plane: spec.meshConfig.accesLogEncoding: unknown field (did you mean "accessLogEncoding"?)',
      'IstioOperator control-plane: spec.values.pilot.replicaCount: must be integer, got "two"',
    ]);
    expect(cached).toStrictEqual(compiled);
    expect(files.length).toBeGreaterThanOrEqual(5);
    expect(files.every((f) => /^[0-9a-f]{40}\.js$/.test(f))).toBe(true);
    expect(fs.readdirSync(dir).sort()).toStrictEqual(files);
  });

  test('a damaged cache file is compiled again, with the same issues', () => {
    // GIVEN a warm cache whose every file is damaged
    const dir = tmpDir();
    const compiled = validateFresh(dir);
    for (const f of fs.readdirSync(dir)) fs.writeFileSync(path.join(dir, f), 'module.exports = (');
    // WHEN
    const again = validateFresh(dir);
    // THEN
    expect(again).toStrictEqual(compiled);
  });

  test('CDK8S_ISTIO_CACHE=off reads and writes no cache: the compiler is needed, and gives the same issues', () => {
    // GIVEN a warm cache, and the cache turned off
    const dir = tmpDir();
    const compiled = validateFresh(dir);
    // WHEN / THEN: without the compiler nothing can be validated, so the cache was not read
    expect(() => validateFresh('off', { forbidCompiler: true })).toThrow('the ajv compiler was loaded');
    expect(validateFresh('off')).toStrictEqual(compiled);
  });
});
