import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'istio-system', 'istio-ingress'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

function objectsOf(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
}

/** The findings of `gateway.ingressgatewayport` on `yaml`, as printed. */
function portFindings(yaml: string, external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objectsOf(yaml), { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0162' || (f.code === 'IST0101' && f.field === 'spec.selector')).map((f) => MeshAnalyzer.format([f]));
}

const gateway = (name: string, selector: string, ports: number[], namespace = 'default') => `
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: ${selector}
  servers:
${ports.map((p) => `  - { port: { number: ${p}, name: http-${p}, protocol: HTTP }, hosts: ["*"] }`).join('\n')}
---`;

const pod = (name: string, labels: string, namespace = 'default', ports = '') => `
apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: ${namespace}, labels: ${labels} }
spec: { containers: [{ name: istio-proxy, image: auto ${ports} }] }
---`;

const service = (name: string, selector: string, ports: string, namespace = 'default') => `
apiVersion: v1
kind: Service
metadata: { name: ${name}, namespace: ${namespace} }
spec: { selector: ${selector}, ports: ${ports} }
---`;

const notDefined = (gw: string, port: number, selector: string, index: number, fix: string) =>
  `Warning [IST0162] (Gateway ${gw}) The gateway is listening on a target port (port ${port}) that is not defined in the Service associated with its workload `
  + `instances (Pod selector ${selector}). If you need to access the gateway port through the gateway Service, it will not be available (spec.servers[${index}].port.number). `
  + `Fix: ${fix}`;

describe('gateway.ingressgatewayport (IST0101 selector, IST0162)', () => {
  test('a selector that picks no pod: IST0101, the finding in full', () => {
    const objects = objectsOf(gateway('httpbin-gateway', '{ istio: ingressgateway }', [80]));
    expect(MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings).toStrictEqual([{
      code: 'IST0101',
      messageName: 'ReferencedResourceNotFound',
      level: 'Error',
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      namespace: 'default',
      name: 'httpbin-gateway',
      field: 'spec.selector',
      message: 'Referenced selector not found: "istio=ingressgateway" (spec.selector). Fix: run the gateway pods (labels istio=ingressgateway) in the output, '
        + 'e.g. an IngressGateway, or declare them existing (ExternalResources workloads: { namespace, labels }); or select the labels of the gateway pods',
    }]);
  });

  test('pods of any namespace count, those of the output and the declared ones', () => {
    expect(portFindings(gateway('gw', '{ istio: ingressgateway }', [80]) + pod('ingress', '{ istio: ingressgateway }', 'istio-ingress')
      + service('ingress', '{ istio: ingressgateway }', '[{ name: http, port: 80, protocol: TCP }]', 'istio-ingress'))).toStrictEqual([]);
    expect(portFindings(gateway('gw', '{ istio: ingressgateway }', [80]),
      [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'helm-gw', namespace: 'istio-system', labels: { istio: 'ingressgateway' } } }])).toStrictEqual([]);
  });

  test('with PILOT_SCOPE_GATEWAY_TO_NAMESPACE istiod applies a Gateway to the pods of its own namespace only', () => {
    const operator = (env: string) => ({
      apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' },
      spec: { components: { pilot: { k8s: { env: [{ name: 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE', value: env }] } } } },
    });
    const objects = gateway('gw', '{ istio: ingressgateway }', [80]) + pod('ingress', '{ istio: ingressgateway }', 'istio-ingress')
      + service('ingress', '{ istio: ingressgateway }', '[{ port: 80 }]', 'istio-ingress');
    expect(portFindings(objects, [operator('false')])).toStrictEqual([]);
    expect(portFindings(objects, [operator('true')])).toStrictEqual([
      'Error [IST0101] (Gateway default/gw) Referenced selector not found: "istio=ingressgateway" (spec.selector). Fix: run the gateway pods (labels istio=ingressgateway) '
      + 'in namespace default (PILOT_SCOPE_GATEWAY_TO_NAMESPACE is on) in the output, e.g. an IngressGateway, or declare them existing '
      + '(ExternalResources workloads: { namespace, labels }); or select the labels of the gateway pods',
    ]);
    const sail = { apiVersion: 'sailoperator.io/v1', kind: 'Istio', metadata: { name: 'default' }, spec: { values: { pilot: { env: { PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' } } } } };
    expect(portFindings(objects, [sail])).toHaveLength(1);
  });

  test('the gateways an IstioOperator installs (by its profile or components) are gateway pods, whose ports are not checked', () => {
    const operator = (spec: Record<string, unknown>) => [{ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'cp', namespace: 'istio-system' }, spec }];
    const ingress = gateway('gw', '{ istio: ingressgateway }', [8443]);
    const egress = gateway('egress', '{ app: istio-egressgateway }', [443]);
    const edge = gateway('edge', '{ istio: edge }', [443]);
    expect(portFindings(ingress, operator({}))).toStrictEqual([]);
    expect(portFindings(ingress + egress, operator({ profile: 'demo' }))).toStrictEqual([]);
    expect(portFindings(ingress, operator({ profile: 'minimal' }))).toHaveLength(1);
    expect(portFindings(ingress + edge, operator({ profile: 'default', components: { ingressGateways: [{ name: 'edge', enabled: true, namespace: 'istio-ingress', label: { istio: 'edge' } }] } })))
      .toStrictEqual([
        'Error [IST0101] (Gateway default/gw) Referenced selector not found: "istio=ingressgateway" (spec.selector). Fix: run the gateway pods (labels istio=ingressgateway) in the '
        + 'output, e.g. an IngressGateway, or declare them existing (ExternalResources workloads: { namespace, labels }); or select the labels of the gateway pods',
      ]);
    expect(portFindings(ingress, operator({ components: { ingressGateways: [{ name: 'istio-ingressgateway', enabled: false }] } }))).toHaveLength(1);
  });

  test('a server port the Service does not expose: IST0162 (Istio\'s testdata)', () => {
    expect(portFindings(gateway('httpbin-gateway', '{ myapp: private-ingressgateway }', [8004]) + pod('my-ingressgateway', '{ myapp: private-ingressgateway }')
      + service('my-ingressgateway', '{ myapp: private-ingressgateway }', '[{ name: http2, nodePort: 31380, port: 80, protocol: TCP }]'))).toStrictEqual([
      notDefined('default/httpbin-gateway', 8004, 'myapp=private-ingressgateway', 0,
        'add it to the Service default/my-ingressgateway with port 8004 (targetPort 8004), or listen on a port the Service exposes (80)'),
    ]);
  });

  test('the Service port or its numeric targetPort both count; a named targetPort is read from the pod\'s container ports', () => {
    const objects = gateway('gw', '{ app: gw }', [80, 8003, 8443, 9000]) + pod('gw', '{ app: gw }', 'default', ', ports: [{ name: https, containerPort: 8443 }]')
      + service('gw', '{ app: gw }', '[{ name: http, port: 80, targetPort: 8003 }, { name: https, port: 443, targetPort: https }]');
    expect(portFindings(objects)).toStrictEqual([
      notDefined('default/gw', 9000, 'app=gw', 3, 'add it to the Service default/gw with port 9000 (targetPort 9000), or listen on a port the Service exposes (80, 443, 8003, 8443)'),
    ]);
  });

  test('only Services of the pods\' namespace that select them, and only TCP ports, count (Istio\'s svcselector testdata)', () => {
    const objects = gateway('httpbin8001-gateway', '{ myapp: ingressgateway-8001 }', [8001]) + gateway('httpbin8002-gateway', '{ myapp: ingressgateway-8001 }', [8002])
      + pod('my-ingressgateway-8001', '{ myapp: ingressgateway-8001 }') + pod('my-ingressgateway-8002', '{ myapp: ingressgateway-8002 }')
      + service('my-8002', '{ myapp: ingressgateway-8002 }', '[{ name: http2, port: 8002, protocol: TCP, targetPort: 80 }]')
      + service('my-8001', '{ myapp: ingressgateway-8001 }', '[{ name: http2, port: 8001, protocol: TCP }, { name: dns, port: 8002, protocol: UDP }]')
      + service('elsewhere', '{ myapp: ingressgateway-8001 }', '[{ port: 8002 }]', 'istio-system');
    expect(portFindings(objects)).toStrictEqual([
      notDefined('default/httpbin8002-gateway', 8002, 'myapp=ingressgateway-8001', 0,
        'add it to the Service default/my-8001 with port 8002 (targetPort 8002), or listen on a port the Service exposes (8001)'),
    ]);
  });

  test('gateway pods no Service selects: every server port; declared pods: ports not checked', () => {
    expect(portFindings(gateway('gw', '{ app: gw }', [80]) + pod('gw', '{ app: gw }'))).toStrictEqual([
      notDefined('default/gw', 80, 'app=gw', 0, 'no Service selects the gateway pods: add one with port 80 (targetPort 80), or listen on a port the Service exposes'),
    ]);
    expect(portFindings(gateway('gw', '{ app: gw }', [80]), [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'gw', namespace: 'default', labels: { app: 'gw' } } }]))
      .toStrictEqual([]);
  });

  test('declared Gateways are not reported; malformed Gateways do not throw', () => {
    expect(portFindings('', [{ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'theirs', namespace: 'default' }, spec: { selector: { a: 'b' } } }]))
      .toStrictEqual([]);
    expect(portFindings(`
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: { name: odd, namespace: default }
spec: { selector: { app: gw, n: 1 }, servers: [null, { port: 80 }, { port: { number: "80" } }] }
---${pod('gw', '{ app: gw }')}`)).toStrictEqual([]);
  });
});
