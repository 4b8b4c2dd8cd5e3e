import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'other'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

function objectsOf(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
}

/** The IST0145 findings on `yaml`, as printed. */
function conflicts(yaml: string, external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objectsOf(yaml), { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0145').map((f) => MeshAnalyzer.format([f]));
}

const gateway = (name: string, selector: string, servers: string, namespace = 'default') => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: ${selector}
  servers: ${servers}
---`;

const pod = (name: string, labels: string) => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: default, labels: ${labels} }
---`;

const conflict = (gw: string, others: string, selector: string, port: number, hosts: string, index = 0) =>
  `Error [IST0145] (Gateway ${gw}) Conflict with gateways ${others} (workload selector ${selector}, port ${port}, hosts ${hosts}) (spec.servers[${index}]). `
  + `Fix: serve each host on port ${port} of these gateway pods from one Gateway (merge the servers into one), or give the Gateways selectors that pick different pods`;

describe('gateway.conflictinggateway (IST0145)', () => {
  test('one selector, one port, one host: both Gateways, even without pods (Istio\'s testdata); the finding in full', () => {
    const objects = objectsOf(gateway('beta', '{ istio: ingressgateway }', '[{ port: { number: 80, name: tcp, protocol: TCP }, hosts: [foo.bar] }]')
      + gateway('alpha', '{ istio: ingressgateway }', '[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [foo.bar] }]'));
    const found = MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings.filter((f) => f.code === 'IST0145');
    expect(found[0]).toStrictEqual({
      code: 'IST0145', messageName: 'ConflictingGateways', level: 'Error', apiVersion: 'networking.istio.io/v1', kind: 'Gateway', namespace: 'default', name: 'alpha',
      field: 'spec.servers[0]', message: conflict('default/alpha', 'default/beta', 'istio=ingressgateway', 80, 'foo.bar').slice('Error [IST0145] (Gateway default/alpha) '.length),
    });
    expect(found.map((f) => f.name)).toStrictEqual(['alpha', 'beta']);
  });

  test('different ports, different hosts, a different bind, or servers without a port do not conflict', () => {
    expect(conflicts(gateway('a', '{ istio: ingressgateway }', '[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [foo.bar] }]')
      + gateway('b', '{ istio: ingressgateway }', '[{ port: { number: 8080, name: http, protocol: HTTP }, hosts: [foo.bar] }]')
      + gateway('c', '{ istio: ingressgateway }', '[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [bar.bar] }]')
      + gateway('d', '{ istio: ingressgateway }', '[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [foo.bar], bind: 10.0.0.1 }]')
      + gateway('e', '{ istio: ingressgateway }', '[{ hosts: [foo.bar] }]')
      + gateway('f', '{ istio: ingressgateway }', '[{ hosts: [foo.bar] }]'))).toStrictEqual([]);
  });

  test('selectors that pick a common pod conflict (Istio\'s sub-selector testdata); selectors picking different pods do not', () => {
    const servers = (name: string) => `[{ port: { number: 80, name: ${name}, protocol: HTTP }, hosts: [foo.bar] }]`;
    expect(conflicts(gateway('beta', '{ istio: ingressgateway, app: istio-ingressgateway, cusKey: cusValue }', servers('tcp'))
      + gateway('alpha', '{ istio: ingressgateway, cusKey: cusValue }', servers('http'))
      + pod('gw-1', '{ istio: ingressgateway, app: istio-ingressgateway, cusKey: cusValue }'))).toStrictEqual([
      conflict('default/alpha', 'default/beta', 'cusKey=cusValue,istio=ingressgateway', 80, 'foo.bar'),
      conflict('default/beta', 'default/alpha', 'app=istio-ingressgateway,cusKey=cusValue,istio=ingressgateway', 80, 'foo.bar'),
    ]);
    expect(conflicts(gateway('internal', '{ istio: ingressgateway, type: internal }', servers('a'))
      + gateway('public', '{ istio: ingressgateway, type: public }', servers('b'))
      + pod('internal', '{ istio: ingressgateway, type: internal }') + pod('public', '{ istio: ingressgateway, type: public }'))).toStrictEqual([]);
  });

  test('Gateways of several namespaces on one workload; every other Gateway is named, per server', () => {
    const servers = '[{ port: { number: 443, name: https, protocol: HTTPS }, hosts: [a.example.com, b.example.com], tls: { mode: PASSTHROUGH } }, '
      + '{ port: { number: 80, name: http, protocol: HTTP }, hosts: [c.example.com] }]';
    expect(conflicts(gateway('one', '{ app: edge }', servers) + gateway('two', '{ app: edge }', '[{ port: { number: 443, name: tls, protocol: TLS }, hosts: [b.example.com] }]', 'other')
      + gateway('three', '{ app: edge }', '[{ port: { number: 443, name: tls, protocol: TLS }, hosts: [a.example.com] }]') + pod('edge', '{ app: edge }'))).toStrictEqual([
      conflict('default/one', 'default/three,other/two', 'app=edge', 443, 'a.example.com,b.example.com'),
      conflict('default/three', 'default/one', 'app=edge', 443, 'a.example.com'),
      conflict('other/two', 'default/one', 'app=edge', 443, 'b.example.com'),
    ]);
  });

  test('a declared Gateway conflicts but is not reported; malformed servers are skipped', () => {
    const declared = objectsOf(gateway('theirs', '{ app: edge }', '[{ port: { number: 80 }, hosts: [x.example.com] }]'))[0];
    expect(conflicts(gateway('ours', '{ app: edge }', '[{ port: { number: 80, name: http, protocol: HTTP }, hosts: [x.example.com] }]'), [declared]))
      .toStrictEqual([conflict('default/ours', 'default/theirs', 'app=edge', 80, 'x.example.com')]);
    expect(conflicts(gateway('odd', '{ app: edge }', '[null, { port: { number: 80 }, hosts: x.example.com }, { port: { number: 80 }, hosts: [1] }]')
      + gateway('odd2', '{ app: edge }', '"none"'))).toStrictEqual([]);
  });
});
