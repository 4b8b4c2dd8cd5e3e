/**
 * deployment.multiservice: one port number with two protocols (IST0116) and one target port behind
 * two service ports (IST0137), for Deployments with a sidecar.
 */
import { MeshAnalyzer } from '../../lib';

function deployment(name: string, labels: Record<string, string>, extra: { podLabels?: Record<string, string>; namespace?: string; containers?: any[] } = {}): any {
  return {
    apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: extra.namespace ?? 'bookinfo' },
    spec: {
      selector: { matchLabels: labels },
      template: { metadata: { labels: { ...labels, ...extra.podLabels } }, spec: { containers: extra.containers ?? [{ name: 'app', image: 'app:1', ports: [{ containerPort: 9080 }] }] } },
    },
  };
}

function service(name: string, selector: Record<string, string> | undefined, ports: any[], namespace = 'bookinfo'): any {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { ...(selector ? { selector } : {}), ports } };
}

function namespace(name: string, labels?: Record<string, string>): any {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, ...(labels ? { labels } : {}) } };
}

function lines(objs: any[]): string[] {
  return MeshAnalyzer.analyze(objs, { suppress: ['IST0118'] }).findings.map((f) => MeshAnalyzer.format([f]));
}

const INJECTED = namespace('bookinfo', { 'istio-injection': 'enabled' });
const FIX_0116 = 'Fix: give each protocol its own port number, or let only one of these Services select the pods: the sidecar has one listener, with one protocol, per port';

describe('deployment.multiservice', () => {
  test('Istio\'s multi-service case: two protocols on one port, two ports on one target port, separate ports, no services', () => {
    // GIVEN Istio's testdata, translated
    const objs = [
      INJECTED,
      deployment('multiple-svc-multiple-prot', { app: 'details', version: 'v1' }),
      service('details-tcp-v1', { app: 'details' }, [{ port: 9080, name: 'tcp', protocol: 'TCP' }]),
      service('details-http-v1', { app: 'details' }, [{ port: 9080, name: 'http', protocol: 'HTTP' }]),
      deployment('conflicting-ports', { app: 'conflicting-ports', version: 'v1' }),
      service('conflicting-ports-1', { app: 'conflicting-ports' }, [{ port: 9080, name: 'tcp', targetPort: 9080, protocol: 'TCP' }]),
      service('conflicting-ports-2', { app: 'conflicting-ports' }, [{ port: 9090, name: 'http', targetPort: 9080, protocol: 'HTTP' }]),
      deployment('reviews-v2', { app: 'reviews', version: 'v2' }),
      service('reviews-http-9080', { app: 'reviews' }, [{ port: 9080, name: 'http', protocol: 'HTTP' }]),
      service('reviews-http-9090', { app: 'reviews' }, [{ port: 9090, name: 'http', protocol: 'HTTP' }]),
      deployment('no-services', { app: 'ratings', version: 'v1' }),
      deployment('multiple-without-port', { app: 'productpage', version: 'v1' }, { containers: [{ name: 'productpage', image: 'pp:1' }] }),
      service('productpage-tcp-v1', { app: 'productpage' }, [{ port: 9080, name: 'tcp', protocol: 'TCP' }]),
      service('productpage-http-v1', { app: 'productpage' }, [{ port: 9080, name: 'http', protocol: 'HTTP' }]),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([
      'Warning [IST0116] (Deployment bookinfo/multiple-svc-multiple-prot) This deployment multiple-svc-multiple-prot is associated with multiple services using port 9080 but different protocols: '
        + `[bookinfo/details-http-v1 bookinfo/details-tcp-v1]. ${FIX_0116}`,
      'Warning [IST0116] (Deployment bookinfo/multiple-without-port) This deployment multiple-without-port is associated with multiple services using port 9080 but different protocols: '
        + `[bookinfo/productpage-http-v1 bookinfo/productpage-tcp-v1]. ${FIX_0116}`,
      'Warning [IST0137] (Deployment bookinfo/conflicting-ports) This deployment conflicting-ports is associated with multiple services [bookinfo/conflicting-ports-1 bookinfo/conflicting-ports-2] '
        + 'using targetPort "9080" but different ports: [9080 9090]. Fix: use one service port number for target port 9080 in every Service that selects these pods, or select the pods from one Service',
    ]);
  });

  test('Istio\'s different-namespace and no-selector cases are clean', () => {
    // GIVEN services of another namespace, and services without a selector
    const objs = [
      INJECTED, namespace('other'),
      deployment('details', { app: 'details' }),
      service('details-tcp', { app: 'details' }, [{ port: 9080, protocol: 'TCP' }], 'other'),
      service('details-udp', { app: 'details' }, [{ port: 9080, protocol: 'UDP' }]),
      service('no-selector-a', undefined, [{ port: 9080, protocol: 'UDP' }]),
    ];

    // WHEN / THEN
    expect(lines(objs)).toStrictEqual([]);
  });

  test('only Deployments with a sidecar: injection label, revision label, pod label, istio-proxy container; waypoints are skipped', () => {
    // GIVEN the same conflicting pair of services for deployments in several namespaces
    const conflict = (ns: string, app: string) => [
      service(`${app}-tcp`, { app }, [{ port: 80, protocol: 'TCP' }], ns),
      service(`${app}-udp`, { app }, [{ port: 80, protocol: 'UDP' }], ns),
    ];
    const objs = [
      namespace('plain'), namespace('rev', { 'istio.io/rev': 'canary' }), namespace('off', { 'istio-injection': 'disabled' }),
      deployment('plain-app', { app: 'plain-app' }, { namespace: 'plain' }), ...conflict('plain', 'plain-app'),
      deployment('pod-label', { app: 'pod-label' }, { namespace: 'plain', podLabels: { 'sidecar.istio.io/inject': 'true' } }), ...conflict('plain', 'pod-label'),
      deployment('manual', { app: 'manual' }, { namespace: 'plain', containers: [{ name: 'app', image: 'a' }, { name: 'istio-proxy', image: 'proxyv2' }] }), ...conflict('plain', 'manual'),
      deployment('rev-app', { app: 'rev-app' }, { namespace: 'rev' }), ...conflict('rev', 'rev-app'),
      deployment('off-app', { app: 'off-app' }, { namespace: 'off', podLabels: { 'istio.io/rev': 'canary' } }), ...conflict('off', 'off-app'),
      { ...deployment('waypoint', { app: 'waypoint' }, { namespace: 'rev' }), metadata: { name: 'waypoint', namespace: 'rev', labels: { 'gateway.istio.io/managed': 'istio.io-mesh-controller' } } },
      ...conflict('rev', 'waypoint'),
    ];

    // WHEN / THEN
    expect(MeshAnalyzer.analyze(objs).findings.filter((f) => f.code === 'IST0116').map((f) => `${f.namespace}/${f.name}`)).toStrictEqual([
      'plain/manual', 'plain/pod-label', 'rev/rev-app',
    ]);
  });

  test('a named target port and a defaulted one (targetPort = port) are compared as Istio does', () => {
    // GIVEN one service targeting "http" twice through ports 80 and 8080, another with no targetPort
    const objs = [
      INJECTED,
      deployment('web', { app: 'web' }),
      service('web', { app: 'web' }, [{ name: 'http', port: 80, targetPort: 'http' }, { name: 'http-alt', port: 8080, targetPort: 'http' }]),
      service('web-direct', { app: 'web' }, [{ name: 'http-direct', port: 9000 }]),
    ];

    // WHEN / THEN one service with two ports to one target port is reported with its name once
    expect(lines(objs).map((l) => l.split(' Fix: ')[0])).toStrictEqual([
      'Warning [IST0137] (Deployment bookinfo/web) This deployment web is associated with multiple services [bookinfo/web bookinfo/web] using targetPort "http" but different ports: [80 8080].',
    ]);
  });

  test('declared Services and pods take part, but declared Deployments are not reported; malformed services are skipped', () => {
    // GIVEN a declared service conflicting with the output's, a declared deployment, and odd services
    const objs = [
      INJECTED,
      deployment('mine', { app: 'mine' }),
      service('mine-tcp', { app: 'mine' }, [{ port: 80, protocol: 'TCP' }]),
      service('odd', 'app=mine' as never, [{ port: 80, protocol: 'UDP' }]),
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'odd2', namespace: 'bookinfo' }, spec: { selector: { app: 'mine' }, ports: ['x', { port: '80' }] } },
    ];
    const external = [
      service('theirs-udp', { app: 'mine' }, [{ port: 80, protocol: 'UDP' }]),
      deployment('theirs', { app: 'theirs' }),
      service('theirs-a', { app: 'theirs' }, [{ port: 80, protocol: 'UDP' }]),
      service('theirs-b', { app: 'theirs' }, [{ port: 80, protocol: 'TCP' }]),
    ];

    // WHEN / THEN
    expect(MeshAnalyzer.analyze(objs, { external, suppress: ['IST0118'] }).findings.map((f) => MeshAnalyzer.format([f]).split(' Fix: ')[0])).toStrictEqual([
      'Warning [IST0116] (Deployment bookinfo/mine) This deployment mine is associated with multiple services using port 80 but different protocols: [bookinfo/mine-tcp bookinfo/theirs-udp].',
    ]);
  });
});
