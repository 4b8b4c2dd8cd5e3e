import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'shop', 'other'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

/** The IST0174 findings on `yaml`, as printed. */
function unknownHosts(yaml: string, external: any[] = []): string[] {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
  return MeshAnalyzer.analyze(objects, { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0174').map((f) => MeshAnalyzer.format([f]));
}

const rule = (name: string, namespace: string, host: string, extra = '') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  host: ${host}
  trafficPolicy: { loadBalancer: { simple: LEAST_REQUEST } }
${extra}
---`;

const service = (name: string, namespace: string, annotations = '') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} ${annotations} }
spec: { selector: { app: ${name} }, ports: [{ name: http, port: 8000 }] }
---`;

describe('destinationrule.unknownhost (IST0174)', () => {
  test('a host no service defines: the finding in full', () => {
    // GIVEN a DestinationRule for a Service that does not exist
    const objects = parseAllDocuments(rule('fake-host', 'default', 'fake-svc.default.svc.cluster.local')).map((d) => d.toJS()).filter((o) => o !== null);
    // WHEN analyzed THEN a warning on spec.host
    expect(MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings).toStrictEqual([{
      code: 'IST0174',
      messageName: 'UnknownDestinationRuleHost',
      level: 'Warning',
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      namespace: 'default',
      name: 'fake-host',
      field: 'spec.host',
      message: 'The host fake-svc.default.svc.cluster.local defined in the DestinationRule does not match any services in the mesh (spec.host). '
        + 'Fix: name an existing host (a Service as <name>.<namespace>.svc.cluster.local, or a ServiceEntry host visible from namespace default), '
        + 'or declare it existing (ExternalResources services or hosts)',
    }]);
  });

  test('a Service, fully qualified or by short name in its own namespace, is found', () => {
    expect(unknownHosts(service('cart', 'shop') + rule('fq', 'default', 'cart.shop.svc.cluster.local') + rule('short', 'shop', 'cart'))).toStrictEqual([]);
  });

  test('a short name resolves in the rule\'s namespace, so the Service of another namespace is not found', () => {
    expect(unknownHosts(service('cart', 'shop') + rule('short', 'default', 'cart'))).toStrictEqual([
      'Warning [IST0174] (DestinationRule default/short) The host cart defined in the DestinationRule does not match any services in the mesh (spec.host). '
      + 'Fix: name an existing host (a Service as <name>.<namespace>.svc.cluster.local; the short name resolves to cart.default.svc.cluster.local, '
      + 'or a ServiceEntry host visible from namespace default), or declare it existing (ExternalResources services or hosts)',
    ]);
    // `cart.shop` is taken as written (Istio does not expand it).
    expect(unknownHosts(service('cart', 'shop') + rule('partial', 'default', 'cart.shop'))).toHaveLength(1);
  });

  test('ServiceEntry hosts: exact, covered by a wildcard entry, and a wildcard rule covering services', () => {
    const entries = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: apis, namespace: other }
spec: { hosts: [api.example.com, '*.payments.example.com'], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: NONE }
---`;
    expect(unknownHosts(entries + service('cart', 'shop')
      + rule('exact', 'default', 'api.example.com')
      + rule('covered', 'default', 'eu.payments.example.com')
      + rule('wild', 'default', '"*.shop.svc.cluster.local"'))).toStrictEqual([]);
  });

  test('exportTo: an entry exported to its own namespace is not seen from another, unless the rule is exported there', () => {
    const entry = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: private, namespace: other }
spec: { hosts: [private.example.com], exportTo: ['.'], ports: [{ number: 443, name: tls, protocol: TLS }], resolution: DNS }
---`;
    expect(unknownHosts(entry + rule('own', 'other', 'private.example.com'))).toStrictEqual([]);
    expect(unknownHosts(entry + rule('elsewhere', 'default', 'private.example.com'))).toHaveLength(1);
    expect(unknownHosts(entry + rule('exported', 'default', 'private.example.com', '  exportTo: [other]'))).toStrictEqual([]);
    // A Service hidden by its exportTo annotation.
    expect(unknownHosts(service('cart', 'shop', ', annotations: { networking.istio.io/exportTo: "." }') + rule('hidden', 'default', 'cart.shop.svc.cluster.local')))
      .toHaveLength(1);
  });

  test('declared services and hosts satisfy the rule; declared rules are not reported', () => {
    expect(unknownHosts(rule('svc', 'default', 'otel.observability.svc.cluster.local') + rule('host', 'default', 'db.internal.example.com'), [
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'otel', namespace: 'observability' } },
      { apiVersion: 'cdk8s-istio.io/v1', kind: 'ExternalHost', hosts: ['*.internal.example.com'] },
    ])).toStrictEqual([]);
    expect(unknownHosts('', [{ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'theirs', namespace: 'default' }, spec: { host: 'nowhere' } }]))
      .toStrictEqual([]);
  });

  test('a rule without a host (or with a host that is no string) is skipped', () => {
    expect(unknownHosts(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: no-host, namespace: default }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: odd, namespace: default }
spec: { host: [a, b], exportTo: oops }
`)).toStrictEqual([]);
  });
});
