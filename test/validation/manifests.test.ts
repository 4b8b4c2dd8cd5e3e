import { type ManifestIssue } from '../../lib/validation';
import { validateManifest, validateManifests, validateManifestsDetailed } from '../../lib/validation/manifest';
import { formatIssues } from '../../lib/validation/format';
import { expectValidManifests } from '../support/validate';
import * as fx from './fixtures';

/** Deep-sets `value` at a dotted path with numeric array indexes (`spec.http.0.timeout`). */
function set(obj: object, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = obj as Record<string, unknown>;
  for (const key of keys.slice(0, -1)) node = node[key] as Record<string, unknown>;
  node[keys[keys.length - 1]] = value;
}

/** Summarises issues as `path: message` for compact assertions. */
const where = (issues: ManifestIssue[]) => issues.map((i) => `${i.path}: ${i.message}`);

describe('valid objects of every kind pass', () => {
  const valid = {
    VirtualService: fx.virtualService,
    DestinationRule: fx.destinationRule,
    Gateway: fx.gateway,
    ServiceEntry: fx.serviceEntry,
    Sidecar: fx.sidecar,
    PeerAuthentication: fx.peerAuthentication,
    AuthorizationPolicy: fx.authorizationPolicy,
    RequestAuthentication: fx.requestAuthentication,
    'Telemetry (v1)': fx.telemetry,
    'EnvoyFilter (v1alpha3)': fx.envoyFilter,
  };
  it.each(Object.entries(valid))('%s', (_name, make) => {
    expect(formatIssues(validateManifest(make()))).toBe('no issues');
  });

  it('expectValidManifests counts the Istio and the core Kubernetes objects it checked', () => {
    const configMap = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { anything: 'goes' } };
    const labels = { app: 'x' };
    const deployment = {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' },
      spec: { selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: 'x', image: 'x' }] } } },
    };
    expect(expectValidManifests([fx.virtualService(), fx.gateway(), configMap, deployment])).toBe(4);
  });

  it('expectValidManifests checks core Kubernetes objects against the Kubernetes schema', () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' }, spec: { replicas: 'three' } };
    expect(() => expectValidManifests([deployment])).toThrow('3 manifest issues:\n'
      + '  - Deployment web: spec.replicas: must be integer, got "three"\n'
      + '  - Deployment web: spec.selector: required field is missing\n'
      + '  - Deployment web: spec.template: required field is missing');
    expect(() => expectValidManifests([{ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'x' } }])).toThrow(/unknown Kubernetes kind apps\/v1 Deploymnet/);
  });

  it('expectValidManifests fails on objects without a schema and refuses to pass vacuously', () => {
    expect(() => expectValidManifests([fx.gateway(), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 's' } }])).toThrow('not checked (no schema): example.com/v1 Widget');
    expect(() => expectValidManifests([])).toThrow(/nothing was validated/);
  });

  it('expectValidManifests fails listing every problem', () => {
    const vs = fx.virtualService();
    set(vs, 'spec.http.0.timeout', '0.5ms');
    set(vs, 'spec.hostz', ['x']);
    expect(() => expectValidManifests([vs])).toThrow(/2 manifest issues:[\s\S]*spec\.hostz: unknown field[\s\S]*spec\.http\[0\]\.timeout/);
  });
});

describe('structural errors', () => {
  it('reports an unknown field with its path', () => {
    const vs = fx.virtualService();
    set(vs, 'spec.http.0.retries.attemps', 3);
    const issues = validateManifest(vs);
    expect(issues).toEqual([
      { kind: 'VirtualService', name: 'reviews', namespace: 'bookinfo', path: 'spec.http[0].retries.attemps', message: 'unknown field (did you mean "attempts"?)' },
    ]);
  });

  it('reports unknown top-level and metadata fields', () => {
    const vs = { ...fx.virtualService(), specs: {} };
    set(vs, 'metadata.lables', { a: 'b' });
    expect(where(validateManifest(vs))).toEqual(['metadata.lables: unknown field (did you mean "labels"?)', 'specs: unknown field (did you mean "spec"?)']);
  });

  it('reports a wrong type', () => {
    const vs = fx.virtualService();
    set(vs, 'spec.http.0.retries.attempts', 'three');
    expect(where(validateManifest(vs))).toEqual(['spec.http[0].retries.attempts: must be integer, got "three"']);
  });

  it('reports an enum violation', () => {
    const dr = fx.destinationRule();
    set(dr, 'spec.trafficPolicy.loadBalancer.simple', 'FASTEST');
    const issues = validateManifest(dr);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue.path).toBe('spec.trafficPolicy.loadBalancer.simple');
    expect(issue.message).toMatch(/^"FASTEST" is not one of .*"LEAST_REQUEST"/);
  });

  it('reports mutually exclusive fields (oneOf)', () => {
    const dr = fx.destinationRule();
    set(dr, 'spec.trafficPolicy.loadBalancer.consistentHash', { useSourceIp: true });
    expect(where(validateManifest(dr))).toEqual([
      'spec.trafficPolicy.loadBalancer: at most one of simple, consistentHash may be set (found simple, consistentHash)',
    ]);
  });

  it('checks metadata names and label syntax', () => {
    const vs = fx.virtualService();
    set(vs, 'metadata.name', 'Reviews_V2');
    set(vs, 'metadata.labels', { 'bad key!': 'x', ok: 'not valid!' });
    const paths = validateManifest(vs).map((i) => i.path);
    expect(paths).toEqual(expect.arrayContaining(['metadata.name', 'metadata.labels', 'metadata.labels.ok']));
  });

  it('reports a missing required field', () => {
    const se = fx.serviceEntry();
    delete (se.spec as Partial<typeof se.spec>).hosts;
    expect(where(validateManifest(se))).toEqual(['spec.hosts: required field is missing']);
  });

  it('reports a duplicate key in an x-kubernetes-list-type=map list', () => {
    const wasm = {
      apiVersion: 'extensions.istio.io/v1alpha1',
      kind: 'WasmPlugin',
      metadata: { name: 'w', namespace: 'bookinfo' },
      spec: { url: 'oci://ghcr.io/example/filter:1.0', match: [{ ports: [{ number: 80 }, { number: 80 }] }] },
    };
    expect(where(validateManifest(wasm))).toEqual(['spec.match[0].ports[1]: duplicate entry: same number as item 0']);
  });
});

describe('CEL rules (x-kubernetes-validations)', () => {
  it('duration(self) >= duration("1ms"): a 0.5ms timeout', () => {
    const vs = fx.virtualService();
    set(vs, 'spec.http.0.timeout', '0.5ms');
    expect(validateManifest(vs)).toEqual([
      {
        kind: 'VirtualService',
        name: 'reviews',
        namespace: 'bookinfo',
        path: 'spec.http[0].timeout',
        message: 'must be a valid duration greater than 1ms',
        rule: "duration(self) >= duration('1ms')",
      },
    ]);
  });

  it('a value repeated across objects and places is judged each time (rule outcomes on strings are reused)', () => {
    // GIVEN three VirtualServices: two with the same too-short timeout at two places, one with a valid one
    const bad = () => {
      const vs = fx.virtualService();
      set(vs, 'spec.http.0.timeout', '0.5ms');
      set(vs, 'spec.http.0.retries.perTryTimeout', '0.5ms');
      return vs;
    };
    const good = fx.virtualService();
    set(good, 'spec.http.0.timeout', '5s');
    // WHEN
    const issues = validateManifests([bad(), good, bad()]);
    // THEN
    const tooShort = (path: string) => ({
      kind: 'VirtualService', name: 'reviews', namespace: 'bookinfo', path, message: 'must be a valid duration greater than 1ms', rule: "duration(self) >= duration('1ms')",
    });
    expect(issues).toEqual([
      tooShort('spec.http[0].retries.perTryTimeout'), tooShort('spec.http[0].timeout'),
      tooShort('spec.http[0].retries.perTryTimeout'), tooShort('spec.http[0].timeout'),
    ]);
  });

  it('an unparsable duration is a failure, never a pass', () => {
    const vs = fx.virtualService();
    set(vs, 'spec.http.0.timeout', 'ten seconds');
    const issues = validateManifest(vs);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue.path).toBe('spec.http[0].timeout');
    expect(issue.message).toMatch(/rule could not be evaluated/);
  });

  it('integers reach CEL as int: port 0 on a ServiceEntry port', () => {
    const se = fx.serviceEntry();
    set(se, 'spec.ports.0.number', 0);
    expect(where(validateManifest(se))).toEqual(['spec.ports[0].number: port must be between 1-65535']);
  });

  it('port 0 on a Gateway server (istiod webhook rule; the CRD allows 0)', () => {
    const gw = fx.gateway();
    set(gw, 'spec.servers.0.port.number', 0);
    const issues = validateManifest(gw);
    expect(where(issues)).toEqual([expect.stringMatching(/^spec\.servers\[0\]\.port\.number: port number must be between 1 and 65535/)]);
    expect(issues[0].rule).toBe('0 < self && self <= 65535');
  });

  it('wildcard in a selector label key and value', () => {
    const ap = fx.authorizationPolicy();
    set(ap, 'spec.selector.matchLabels', { 'app*': 'reviews', version: 'v*' });
    expect(where(validateManifest(ap))).toEqual([
      'spec.selector.matchLabels: wildcard not allowed in label key match',
      'spec.selector.matchLabels.version: wildcard not allowed in label value match',
    ]);
  });

  it('ServiceEntry with resolution NONE and endpoints', () => {
    const se = fx.serviceEntry();
    set(se, 'spec.resolution', 'NONE');
    set(se, 'spec.endpoints', [{ address: '10.0.0.1' }]);
    const issues = validateManifest(se);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('spec');
    expect(issues[0].rule).toMatch(/== "NONE"\) \? !has\(self\.endpoints\)/);
  });

  it('RequestAuthentication jwksUri with scheme ftp', () => {
    const ra = fx.requestAuthentication();
    set(ra, 'spec.jwtRules.0.jwksUri', 'ftp://accounts.example.com/jwks.json');
    expect(where(validateManifest(ra))).toEqual(['spec.jwtRules[0].jwksUri: url must have scheme http:// or https://']);
  });

  it('PeerAuthentication portLevelMtls without selector', () => {
    const pa = fx.peerAuthentication();
    delete pa.spec.selector;
    expect(where(validateManifest(pa))).toEqual(['spec: portLevelMtls requires selector']);
  });

  it('PeerAuthentication portLevelMtls key that is not a port number', () => {
    const pa = fx.peerAuthentication();
    pa.spec.portLevelMtls = { http: { mode: 'STRICT' } };
    const issues = validateManifest(pa);
    expect(issues).toHaveLength(1);
    const [issue] = issues;
    expect(issue.path).toBe('spec.portLevelMtls');
    expect(issue.message).toMatch(/^port must be between 1-65535 \(rule could not be evaluated/);
  });

  it('AuthorizationPolicy with both selector and targetRef', () => {
    const ap = fx.authorizationPolicy();
    ap.spec.targetRef = { kind: 'Gateway', group: 'gateway.networking.k8s.io', name: 'waypoint' };
    expect(where(validateManifest(ap))).toEqual(['spec: only one of targetRefs or selector can be set']);
  });

  it('WasmPlugin url: isURL()/url() accept oci:// and bare registry references', () => {
    const wasm = (url: string) => ({
      apiVersion: 'extensions.istio.io/v1alpha1',
      kind: 'WasmPlugin',
      metadata: { name: 'w', namespace: 'bookinfo' },
      spec: { url },
    });
    expect(validateManifests([wasm('oci://ghcr.io/x/f:1'), wasm('ghcr.io/x/f:1'), wasm('https://x.io/f.wasm')])).toEqual([]);
    expect(where(validateManifest(wasm('ftp://x.io/f.wasm')))).toEqual(['spec.url: url must have schema one of [http, https, file, oci]']);
  });
});

describe('apiVersion/kind dispatch', () => {
  it('reports a misspelt Istio kind and an unserved version', () => {
    const issues = validateManifests([
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualServic', metadata: { name: 'a' } },
      { apiVersion: 'networking.istio.io/v2', kind: 'VirtualService', metadata: { name: 'b' } },
    ]);
    expect(issues.map((i) => i.message)).toEqual([
      expect.stringMatching(/^unknown Istio kind networking\.istio\.io\/v1 VirtualServic \(known kinds in networking\.istio\.io: .*VirtualService/),
      'VirtualService is not served as networking.istio.io/v2 in Istio 1.30.3; served versions: v1, v1alpha3, v1beta1',
    ]);
  });

  it('accepts every served version of a kind', () => {
    const report = validateManifestsDetailed(
      ['v1', 'v1beta1', 'v1alpha3'].map((v) => ({ ...fx.virtualService(), apiVersion: `networking.istio.io/${v}` })),
    );
    expect(report).toEqual({ issues: [], checked: 3, unchecked: 0, uncheckedKinds: [] });
  });

  it('reports non-objects and objects without apiVersion/kind', () => {
    expect(validateManifests([null, 'x', { metadata: { name: 'n' } }]).map((i) => i.message)).toEqual([
      'manifest must be an object, got null',
      'manifest must be an object, got x',
      'apiVersion and kind must be non-empty strings',
    ]);
  });
});
