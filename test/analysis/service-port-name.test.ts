/**
 * service.portname: Service ports whose protocol Istio cannot tell (IST0118) and ExternalName ports
 * named badly (IST0150).
 */
import { MeshAnalyzer } from '../../lib';

function service(namespace: string, name: string, ports: any[], extra: any = {}, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, ...(labels ? { labels } : {}) }, spec: { selector: { app: name }, ports, ...extra } };
}

function lines(objs: any[]): string[] {
  const namespaces = [...new Set(objs.map((o) => o.metadata.namespace))].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
  return MeshAnalyzer.analyze([...namespaces, ...objs]).findings.map((f) => MeshAnalyzer.format([f]));
}

const FIX_EXTERNAL = (port: number) => `Fix: name the port after the protocol it carries other than plain "tcp", e.g. "https-${port}" or "tls-${port}" (or "tcp-${port}" for raw TCP)`;

describe('service.portname', () => {
  test('Istio\'s no-port-name case: unnamed ports and a name that names no protocol', () => {
    // GIVEN two unnamed ports on my-service1 and a port named "foo" on my-service2
    const objs = [
      service('my-namespace1', 'my-service1', [{ protocol: 'TCP', port: 8080, targetPort: 8080 }, { protocol: 'TCP', port: 8081, targetPort: 8081 }]),
      service('my-namespace2', 'my-service2', [{ name: 'foo', protocol: 'TCP', port: 8080, targetPort: 8080 }]),
    ];

    // WHEN
    const report = MeshAnalyzer.analyze(objs);

    // THEN (Info findings, the exact object for one)
    expect(report.findings.filter((f) => f.code === 'IST0118')[2]).toStrictEqual({
      code: 'IST0118',
      messageName: 'PortNameIsNotUnderNamingConvention',
      level: 'Info',
      apiVersion: 'v1',
      kind: 'Service',
      namespace: 'my-namespace2',
      name: 'my-service2',
      field: 'spec.ports[0].name',
      message: 'Port name foo (port: 8080, targetPort: 8080) doesn\'t follow the naming convention of Istio port (spec.ports[0].name). '
        + 'Fix: name it <protocol>[-<suffix>] (e.g. "http-foo", "grpc", "tcp-foo") or set appProtocol, so that Istio knows the protocol instead of sniffing it',
    });
    expect(lines(objs).map((l) => l.split(' doesn\'t ')[0])).toStrictEqual([
      'Info [IST0118] (Service my-namespace1/my-service1) Port name  (port: 8080, targetPort: 8080)',
      'Info [IST0118] (Service my-namespace1/my-service1) Port name  (port: 8081, targetPort: 8081)',
      'Info [IST0118] (Service my-namespace2/my-service2) Port name foo (port: 8080, targetPort: 8080)',
    ]);
  });

  test('names and appProtocols Istio reads are clean', () => {
    // GIVEN every form of a known protocol
    const objs = [service('shop', 'ok', [
      { name: 'http', port: 80 },
      { name: 'HTTP2-web', port: 81 },
      { name: 'grpc-web-ui', port: 82 },
      { name: 'tcp-db', port: 83 },
      { name: 'https', port: 443 },
      { name: 'tls-passthrough', port: 8443 },
      { name: 'mongo', port: 84 },
      { name: 'redis-cache', port: 85 },
      { name: 'mysql', port: 86 },
      { name: 'http_proxy', port: 87 },
      { name: 'web', port: 88, appProtocol: 'http' },
      { name: 'web2', port: 89, appProtocol: 'kubernetes.io/h2c' },
      { name: 'ws', port: 90, appProtocol: 'kubernetes.io/wss' },
      { name: 'stream', port: 91, protocol: 'UDP' },
      { port: 53 },
      { name: 'smtp', port: 25 },
      { port: 3306 },
      { port: 27017 },
    ])];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });

  test('appProtocol wins over the name; a named targetPort and a defaulted one are printed', () => {
    // GIVEN a port named http whose appProtocol names no protocol, and one without targetPort
    const objs = [service('shop', 'cart', [{ name: 'http', port: 80, targetPort: 'web', appProtocol: 'custom-thing' }, { name: 'metrics', port: 9090 }])];

    // WHEN / THEN
    expect(lines(objs).map((l) => l.split(' doesn\'t ')[0])).toStrictEqual([
      'Info [IST0118] (Service shop/cart) Port name http (port: 80, targetPort: web)',
      'Info [IST0118] (Service shop/cart) Port name metrics (port: 9090, targetPort: 9090)',
    ]);
  });

  test('control-plane Services and Services made by a gateway controller are skipped', () => {
    // GIVEN unnamed ports on services labelled istio=…, release=istio and gateway.istio.io/managed
    const objs = [
      service('istio-system', 'istiod', [{ port: 15010 }], {}, { istio: 'pilot' }),
      service('istio-system', 'legacy', [{ port: 15010 }], {}, { release: 'istio' }),
      service('shop', 'waypoint', [{ port: 15008 }], {}, { 'gateway.istio.io/managed': 'istio.io-mesh-controller' }),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });

  test('Istio\'s ExternalName cases: a name naming no protocol, no name, and plain "tcp" (IST0150); "https" is fine', () => {
    // GIVEN four ExternalName services
    const ext = { type: 'ExternalName', externalName: 'nginx.example.com' };
    const objs = [
      service('nginx-ns', 'nginx', [{ name: 'nginx', port: 443, protocol: 'TCP', targetPort: 443 }], ext),
      service('nginx-ns2', 'nginx-svc2', [{ port: 443, protocol: 'TCP', targetPort: 443 }], ext),
      service('nginx-ns3', 'nginx-svc3', [{ name: 'tcp', port: 443, protocol: 'TCP', targetPort: 443 }], ext),
      service('nginx-ns4', 'nginx-svc4', [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 443 }], ext),
    ];

    // WHEN / THEN
    const message = 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly (spec.ports[0].name).';
    expect(lines(objs)).toStrictEqual(['nginx-ns/nginx', 'nginx-ns2/nginx-svc2', 'nginx-ns3/nginx-svc3'].map((id) => `Warning [IST0150] (Service ${id}) ${message} ${FIX_EXTERNAL(443)}`));
  });

  test('declared Services are not reported; malformed ports are skipped', () => {
    // GIVEN a declared service with an unnamed port, and ports of odd shapes
    const report = MeshAnalyzer.analyze([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd', namespace: 'shop' }, spec: { ports: ['http', null, { name: 'x', port: '80' }] } },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'no-spec', namespace: 'shop' } },
    ], { external: [service('shop', 'declared', [{ port: 8080 }])] });

    // WHEN / THEN
    expect(report.findings).toStrictEqual([]);
  });
});
