/**
 * security.mtlsconflicts: CDK8S-ISTIO-003, a DestinationRule sending plaintext (tls.mode DISABLE) to
 * workloads that a STRICT PeerAuthentication makes accept mutual TLS only.
 */
import { parse } from 'yaml';
import { FindingLevel, MeshAnalyzer } from '../../lib';

const ns = (name: string) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'istio-injection': 'enabled' } } });
const peer = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name, namespace }, spec });
const rule = (namespace: string, name: string, spec: Record<string, unknown>) => ({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace }, spec });
const service = (namespace: string, name: string, selector: Record<string, string>, ports: { port: number; targetPort?: number | string }[]) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports },
});
const pod = (namespace: string, name: string, labels: Record<string, string>, ports: { name?: string; containerPort: number }[] = []) => ({
  apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace, labels }, spec: { containers: [{ name: 'app', image: 'x:1', ports }] },
});
const OFF = { tls: { mode: 'DISABLE' } };
const FIX = (pa: string) => `Fix: drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or make PeerAuthentication ${pa} PERMISSIVE `
  + '(StrictMtls mode: MtlsMode.PERMISSIVE) while plaintext clients remain';

function lines(objects: unknown[], external: unknown[] = []): string[] {
  return MeshAnalyzer.analyze(objects, { external }).findings.filter((f) => f.code === 'CDK8S-ISTIO-003').map((f) => MeshAnalyzer.format([f]));
}

const base = [ns('istio-system'), ns('bookinfo'), ns('legacy')];
const meshStrict = peer('istio-system', 'default', { mtls: { mode: 'STRICT' } });

describe('CDK8S-ISTIO-003 MtlsConflict', () => {
  test('mesh-wide STRICT and a DISABLE for a short host: the finding names both objects and the field', () => {
    const objects = [...base, meshStrict, rule('bookinfo', 'reviews', { host: 'reviews', trafficPolicy: OFF })];
    expect(MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'CDK8S-ISTIO-003')).toStrictEqual([{
      code: 'CDK8S-ISTIO-003', messageName: 'MtlsConflict', level: FindingLevel.ERROR,
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', namespace: 'bookinfo', name: 'reviews', field: 'spec.trafficPolicy.tls.mode',
      message: 'DestinationRule sends plaintext (tls.mode DISABLE) to host "reviews" (namespace bookinfo), but PeerAuthentication istio-system/default '
        + '(mesh-wide STRICT, root namespace istio-system) makes those workloads accept mutual TLS only, so every request fails (spec.trafficPolicy.tls.mode). '
        + FIX('istio-system/default'),
    }]);
  });

  test('port-level and subset DISABLE with an FQDN host from another namespace', () => {
    const objects = [...base, peer('bookinfo', 'default', { mtls: { mode: 'STRICT' } }), rule('legacy', 'ratings', {
      host: 'ratings.bookinfo.svc.cluster.local',
      trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, ...OFF }] },
      subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: OFF }],
    })];
    expect(lines(objects)).toStrictEqual([
      'Error [CDK8S-ISTIO-003] (DestinationRule legacy/ratings) DestinationRule sends plaintext (tls.mode DISABLE) to host "ratings.bookinfo.svc.cluster.local" (namespace bookinfo), '
        + 'but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo) makes those workloads accept mutual TLS only, so every request fails (spec.subsets[0].trafficPolicy.tls.mode). ' + FIX('bookinfo/default'),
      'Error [CDK8S-ISTIO-003] (DestinationRule legacy/ratings) DestinationRule sends plaintext (tls.mode DISABLE) to host "ratings.bookinfo.svc.cluster.local" (namespace bookinfo, port 9080), '
        + 'but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo) makes those workloads accept mutual TLS only, so every request fails (spec.trafficPolicy.portLevelSettings[0].tls.mode). ' + FIX('bookinfo/default'),
    ]);
  });

  test('a Service port is compared on its targetPort, a named one through each pod\'s container ports', () => {
    // GIVEN web is PERMISSIVE except workload port 8080, STRICT; Service port 80 → 8080 (numbered) and 81 → "http" (named, 8080 on the pod)
    const objects = [...base,
      peer('bookinfo', 'web', { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'PERMISSIVE' }, portLevelMtls: { 8080: { mode: 'STRICT' } } }),
      service('bookinfo', 'web', { app: 'web' }, [{ port: 80, targetPort: 8080 }, { port: 81, targetPort: 'http' }, { port: 82, targetPort: 9090 }]),
      pod('bookinfo', 'web-1', { app: 'web' }, [{ name: 'http', containerPort: 8080 }, { name: 'admin', containerPort: 9090 }]),
      rule('bookinfo', 'web', { host: 'web', trafficPolicy: { portLevelSettings: [80, 81, 82].map((number) => ({ port: { number }, ...OFF })) } })];
    // THEN ports 80 and 81 conflict, 82 (→ 9090, PERMISSIVE) does not
    expect(lines(objects).map((l) => l.slice(l.indexOf('to host'), l.indexOf(' makes')))).toStrictEqual([
      'to host "web" (namespace bookinfo, port 80 → workload port 8080), but PeerAuthentication bookinfo/web (STRICT on port 8080 for workloads app=web)',
      'to host "web" (namespace bookinfo, port 81 → workload port 8080), but PeerAuthentication bookinfo/web (STRICT on port 8080 for workloads app=web)',
    ]);
  });

  test('a named targetPort no pod of the output resolves is compared conservatively: STRICT on any port conflicts', () => {
    const objects = [...base,
      peer('bookinfo', 'web', { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'STRICT' }, portLevelMtls: { 8080: { mode: 'PERMISSIVE' } } }),
      service('bookinfo', 'web', { app: 'web' }, [{ port: 80, targetPort: 'http' }]),
      rule('bookinfo', 'web', { host: 'web', trafficPolicy: { portLevelSettings: [{ port: { number: 80 }, ...OFF }] } })];
    expect(lines(objects)[0]).toContain('(namespace bookinfo, port 80 → workload port unknown), but PeerAuthentication bookinfo/web (STRICT for workloads app=web)');
  });

  test('the most specific policy wins pod by pod, and a subset reaches only its pods', () => {
    // GIVEN the namespace is STRICT, but the v1 pods of reviews are PERMISSIVE
    const objects = [...base, peer('bookinfo', 'default', { mtls: { mode: 'STRICT' } }),
      peer('bookinfo', 'reviews-v1', { selector: { matchLabels: { app: 'reviews', version: 'v1' } }, mtls: { mode: 'PERMISSIVE' } }),
      service('bookinfo', 'reviews', { app: 'reviews' }, [{ port: 9080 }]),
      pod('bookinfo', 'reviews-v1', { app: 'reviews', version: 'v1' }), pod('bookinfo', 'reviews-v2', { app: 'reviews', version: 'v2' }),
      rule('bookinfo', 'reviews', {
        host: 'reviews',
        subsets: [{ name: 'v1', labels: { version: 'v1' }, trafficPolicy: OFF }, { name: 'v2', labels: { version: 'v2' }, trafficPolicy: OFF }],
      }),
      rule('bookinfo', 'reviews-all', { host: 'reviews.bookinfo.svc', trafficPolicy: OFF })];
    // THEN the v2 subset and the whole host conflict (through the v2 pods), the v1 subset does not
    expect(lines(objects).map((l) => `${l.slice(l.indexOf('('), l.indexOf(')') + 1)} ${l.slice(l.lastIndexOf('(spec'), l.lastIndexOf('Fix') - 1)}`)).toStrictEqual([
      '(DestinationRule bookinfo/reviews) (spec.subsets[1].trafficPolicy.tls.mode).',
      '(DestinationRule bookinfo/reviews-all) (spec.trafficPolicy.tls.mode).',
    ]);
  });

  test('a mode left UNSET inherits from the broader policy; no policy at all is PERMISSIVE', () => {
    const objects = [...base, meshStrict, peer('bookinfo', 'default', { mtls: {} }), peer('legacy', 'default', { mtls: { mode: 'PERMISSIVE' } }),
      rule('bookinfo', 'a', { host: 'a', trafficPolicy: OFF }), rule('legacy', 'b', { host: 'b', trafficPolicy: OFF })];
    expect(lines(objects).map((l) => l.slice(0, l.indexOf(' makes')))).toStrictEqual([
      'Error [CDK8S-ISTIO-003] (DestinationRule bookinfo/a) DestinationRule sends plaintext (tls.mode DISABLE) to host "a" (namespace bookinfo), '
        + 'but PeerAuthentication istio-system/default (mesh-wide STRICT, root namespace istio-system)',
    ]);
    expect(lines([...base, rule('bookinfo', 'a', { host: 'a', trafficPolicy: OFF })])).toStrictEqual([]);
  });

  test('without the Service\'s pods its selector stands for them; without the Service, app=<name>', () => {
    const narrow = [...base, meshStrict, peer('bookinfo', 'web-v2', { selector: { matchLabels: { app: 'web', version: 'v2' } }, mtls: { mode: 'PERMISSIVE' } })];
    const whole = [...base, meshStrict, peer('bookinfo', 'web', { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'PERMISSIVE' } })];
    const dr = rule('bookinfo', 'web', { host: 'web', trafficPolicy: OFF });
    const svc = service('bookinfo', 'web', { app: 'web' }, [{ port: 80 }]);
    expect(lines([...narrow, dr, svc])).toHaveLength(1);
    expect(lines([...narrow, dr])).toHaveLength(1);
    expect(lines([...whole, dr, svc])).toStrictEqual([]);
    expect(lines([...whole, dr])).toStrictEqual([]);
  });

  test('a STRICT workload policy under a PERMISSIVE mesh, found through the Service\'s selector', () => {
    const objects = [...base, peer('istio-system', 'default', { mtls: { mode: 'PERMISSIVE' } }),
      peer('bookinfo', 'details', { selector: { matchLabels: { component: 'details', tier: 'backend' } }, mtls: { mode: 'STRICT' } }),
      service('bookinfo', 'details', { component: 'details' }, [{ port: 9080 }]), rule('bookinfo', 'details', { host: 'details', trafficPolicy: OFF })];
    expect(lines(objects)[0]).toContain('but PeerAuthentication bookinfo/details (STRICT for workloads component=details,tier=backend)');
  });

  test('of several workload policies selecting one pod istiod keeps the oldest, unknown offline: each is considered', () => {
    const objects = [...base, pod('bookinfo', 'web', { app: 'web', tier: 'front' }), service('bookinfo', 'web', { app: 'web' }, [{ port: 80 }]),
      peer('bookinfo', 'a', { selector: { matchLabels: { app: 'web' } }, mtls: { mode: 'PERMISSIVE' } }),
      peer('bookinfo', 'b', { selector: { matchLabels: { tier: 'front' } }, mtls: { mode: 'STRICT' } }),
      rule('bookinfo', 'web', { host: 'web', trafficPolicy: OFF })];
    expect(lines(objects)[0]).toContain('but PeerAuthentication bookinfo/b (STRICT for workloads tier=front)');
  });

  test.each(['*', '*.svc.cluster.local', '*.local'])('a DISABLE for host %s meets a STRICT policy of any namespace', (host) => {
    const objects = [...base, peer('bookinfo', 'default', { mtls: { mode: 'STRICT' } }), rule('legacy', 'all', { host, trafficPolicy: OFF })];
    expect(lines(objects)).toStrictEqual([`Error [CDK8S-ISTIO-003] (DestinationRule legacy/all) DestinationRule sends plaintext (tls.mode DISABLE) to host ${JSON.stringify(host)} (every namespace), `
      + 'but PeerAuthentication bookinfo/default (STRICT for namespace bookinfo) makes those workloads accept mutual TLS only, so every request fails (spec.trafficPolicy.tls.mode). ' + FIX('bookinfo/default')]);
  });

  test('a wildcard host of one namespace: every workload policy there counts', () => {
    const objects = [...base, peer('bookinfo', 'default', { mtls: { mode: 'PERMISSIVE' } }), peer('bookinfo', 'db', { selector: { matchLabels: { app: 'db' } }, mtls: { mode: 'STRICT' } }),
      rule('bookinfo', 'all', { host: '*.bookinfo.svc.cluster.local', trafficPolicy: OFF })];
    expect(lines(objects)[0]).toContain('to host "*.bookinfo.svc.cluster.local" (namespace bookinfo), but PeerAuthentication bookinfo/db (STRICT for workloads app=db)');
  });

  test('clean: a host outside the mesh, an unresolved two-label name, PERMISSIVE, a port exception, a root-namespace selector, no DISABLE', () => {
    const objects = [...base, meshStrict,
      peer('istio-system', 'ignored', { selector: { matchLabels: { app: 'api' } }, mtls: { mode: 'PERMISSIVE' } }),
      peer('bookinfo', 'ratings', { selector: { matchLabels: { app: 'ratings' } }, portLevelMtls: { 9080: { mode: 'PERMISSIVE' } } }),
      peer('legacy', 'default', { mtls: { mode: 'PERMISSIVE' } }),
      rule('bookinfo', 'external', { host: 'api.example.com', trafficPolicy: OFF }),
      rule('bookinfo', 'two-labels', { host: 'reviews.bookinfo', trafficPolicy: OFF }),
      rule('legacy', 'legacy', { host: 'app', trafficPolicy: OFF }),
      rule('bookinfo', 'ratings', { host: 'ratings', trafficPolicy: { portLevelSettings: [{ port: { number: 9080 }, ...OFF }] } }),
      rule('bookinfo', 'mutual', { host: 'reviews', trafficPolicy: { tls: { mode: 'ISTIO_MUTUAL' } } })];
    expect(lines(objects)).toStrictEqual([]);
  });

  test('a declared PeerAuthentication counts; a declared DestinationRule is not reported', () => {
    const external = [meshStrict, rule('bookinfo', 'theirs', { host: 'details', trafficPolicy: OFF })];
    const found = lines([...base, rule('bookinfo', 'reviews', { host: 'reviews', trafficPolicy: OFF })], external);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('(DestinationRule bookinfo/reviews) DestinationRule sends plaintext (tls.mode DISABLE) to host "reviews" (namespace bookinfo), but PeerAuthentication istio-system/default');
  });

  test('hand-written YAML, malformed parts included, does not throw', () => {
    const objects = parse(`
- {apiVersion: v1, kind: Namespace, metadata: {name: shop}}
- {apiVersion: security.istio.io/v1beta1, kind: PeerAuthentication, metadata: {name: default, namespace: shop}, spec: {mtls: {mode: strict}, portLevelMtls: [1, 2]}}
- {apiVersion: networking.istio.io/v1beta1, kind: DestinationRule, metadata: {name: a, namespace: shop}, spec: {host: cart, trafficPolicy: {tls: {mode: DISABLE}, portLevelSettings: [null, {port: 80}]}, subsets: "v1"}}
- {apiVersion: networking.istio.io/v1beta1, kind: DestinationRule, metadata: {name: b, namespace: shop}, spec: {host: 42, trafficPolicy: {tls: {mode: DISABLE}}}}
- {apiVersion: networking.istio.io/v1beta1, kind: DestinationRule, metadata: {name: c, namespace: shop}}
`);
    const found = lines(objects);
    expect(found).toHaveLength(1);
    expect(found[0]).toContain('(DestinationRule shop/a) DestinationRule sends plaintext (tls.mode DISABLE) to host "cart" (namespace shop), but PeerAuthentication shop/default (STRICT for namespace shop)');
  });
});
