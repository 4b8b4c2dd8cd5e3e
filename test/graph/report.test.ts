import { formatVisibility, graphReport, toDot, toMermaid } from '../../lib/graph/report';

/**
 * The graph read back from plain objects (whoever wrote them): visibility per proxy under Istio's
 * `exportTo` and Sidecar host rules, edges from ALLOW policies and Sidecar hosts, Mermaid and DOT text.
 */

const ns = (name: string, labels: Record<string, string>) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } });
const deployment = (name: string, namespace: string, labels: Record<string, string>, sa: string, annotations: Record<string, string> = {}) => ({
  apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace },
  spec: { selector: { matchLabels: labels }, template: { metadata: { labels, annotations }, spec: { serviceAccountName: sa, containers: [{ name, image: 'x' }] } } },
});
const service = (name: string, namespace: string, selector: Record<string, string>, port = 8080) => ({
  apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ name: 'http', port }] },
});

/** A small mesh: shop (sidecars) with web → api, "ops" ambient, an external host visible to shop only, a namespace-wide Sidecar. */
function mesh(): unknown[] {
  return [
    ns('shop', { 'istio-injection': 'enabled' }),
    ns('ops', { 'istio.io/dataplane-mode': 'ambient' }),
    ns('other', {}),
    deployment('web', 'shop', { app: 'web' }, 'web'),
    deployment('api', 'shop', { app: 'api' }, 'api'),
    deployment('batch', 'shop', { app: 'batch' }, 'batch'),
    deployment('agent', 'ops', { app: 'agent' }, 'agent'),
    deployment('plain', 'other', { app: 'plain' }, 'plain'),
    service('web', 'shop', { app: 'web' }),
    service('api', 'shop', { app: 'api' }),
    service('agent', 'ops', { app: 'agent' }),
    service('plain', 'other', { app: 'plain' }),
    {
      apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'pay', namespace: 'shop' },
      spec: { hosts: ['pay.example.com'], exportTo: ['.'], ports: [{ number: 443, name: 'tls', protocol: 'TLS' }], resolution: 'DNS' },
    },
    {
      apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'web', namespace: 'shop' },
      spec: { workloadSelector: { labels: { app: 'web' } }, egress: [{ hosts: ['./api.shop.svc.cluster.local', 'shop/pay.example.com'] }] },
    },
    { apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: 'default', namespace: 'shop' }, spec: { egress: [{ hosts: ['./*'] }] } },
    {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'api', namespace: 'shop' },
      spec: {
        selector: { matchLabels: { app: 'api' } },
        rules: [
          { from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { ports: ['8080'], methods: ['GET', 'POST'] } }] },
          { from: [{ source: { principals: ['cluster.local/ns/tools/sa/"probe"'] } }], to: [{ operation: { ports: ['8080'] } }] },
        ],
      },
    },
    // DENY policies and namespace-wide ones say nothing about who calls whom
    { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: 'shop' }, spec: {} },
    {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'deny', namespace: 'shop' },
      spec: { selector: { matchLabels: { app: 'web' } }, action: 'DENY', rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/api'] } }] }] },
    },
  ];
}

describe('graphReport', () => {
  test('counts what each proxy is sent before and after its Sidecar, under exportTo', () => {
    // WHEN
    const report = graphReport(mesh());
    // THEN the registry has 4 Services and the ServiceEntry; shop sees all 5, ops 4 (pay.example.com is exported to shop only)
    expect(report.registry).toBe(5);
    expect(report.proxies).toStrictEqual([
      { workload: 'Deployment ops/agent', kind: 'ambient', before: 4, after: 4, visible: ['agent.ops.svc.cluster.local', 'api.shop.svc.cluster.local', 'plain.other.svc.cluster.local', 'web.shop.svc.cluster.local'], called: [] },
      // api and batch fall back to the namespace's default Sidecar (./*)
      { workload: 'Deployment shop/api', kind: 'sidecar', sidecar: 'shop/default', before: 5, after: 3, visible: ['api.shop.svc.cluster.local', 'pay.example.com', 'web.shop.svc.cluster.local'], called: [] },
      { workload: 'Deployment shop/batch', kind: 'sidecar', sidecar: 'shop/default', before: 5, after: 3, visible: ['api.shop.svc.cluster.local', 'pay.example.com', 'web.shop.svc.cluster.local'], called: [] },
      { workload: 'Deployment shop/web', kind: 'sidecar', sidecar: 'shop/web', before: 5, after: 2, visible: ['api.shop.svc.cluster.local', 'pay.example.com'], called: ['api.shop.svc.cluster.local', 'pay.example.com'] },
    ]);
    // and the pods of a namespace outside the mesh have no proxy to count
    expect(report.proxies.map((p) => p.workload)).not.toContain('Deployment other/plain');
    expect(formatVisibility(report, 'test')).toBe([
      'test: mesh registry 5 services; services each proxy is sent, before → after scoping:',
      '  Deployment ops/agent     4 → 4   ambient (no Sidecar)',
      '  Deployment shop/api      5 → 3   Sidecar shop/default (0 called, plus api.shop.svc.cluster.local, pay.example.com, web.shop.svc.cluster.local)',
      '  Deployment shop/batch    5 → 3   Sidecar shop/default (0 called, plus api.shop.svc.cluster.local, pay.example.com, web.shop.svc.cluster.local)',
      '  Deployment shop/web      5 → 2   Sidecar shop/web (2 called)',
      '  total 19 → 12 over 4 proxies',
      '',
    ].join('\n'));
  });

  test('edges: ALLOW rules from callers\' Services (or identities no Service runs as), and external hosts named by Sidecars', () => {
    const report = graphReport(mesh());
    expect(report.nodes).toStrictEqual([
      { id: 'pay.example.com', kind: 'external' },
      { id: 'shop/api', kind: 'service' },
      { id: 'shop/web', kind: 'service' },
      { id: 'tools/sa/"probe"', kind: 'identity' },
    ]);
    expect(report.edges).toStrictEqual([
      { from: 'shop/web', to: 'pay.example.com', label: '443 TLS' },
      { from: 'shop/web', to: 'shop/api', label: '8080 GET,POST' },
      { from: 'tools/sa/"probe"', to: 'shop/api', label: '8080' },
    ]);
  });

  test('Mermaid and DOT, exactly, with quotes escaped; the same objects give the same bytes', () => {
    const report = graphReport(mesh());
    expect(toMermaid(report)).toBe([
      'flowchart LR',
      '  n0(["pay.example.com"])',
      '  n1["shop/api"]',
      '  n2["shop/web"]',
      '  n3[/"tools/sa/#quot;probe#quot;"/]',
      '  n2 -->|"443 TLS"| n0',
      '  n2 -->|"8080 GET,POST"| n1',
      '  n3 -->|"8080"| n1',
      '',
    ].join('\n'));
    expect(toDot(report)).toBe([
      'digraph mesh {',
      '  rankdir=LR;',
      '  "pay.example.com" [shape=ellipse];',
      '  "shop/api" [shape=box];',
      '  "shop/web" [shape=box];',
      '  "tools/sa/\\"probe\\"" [shape=parallelogram];',
      '  "shop/web" -> "pay.example.com" [label="443 TLS"];',
      '  "shop/web" -> "shop/api" [label="8080 GET,POST"];',
      '  "tools/sa/\\"probe\\"" -> "shop/api" [label="8080"];',
      '}',
      '',
    ].join('\n'));
    // deterministic: the input order does not matter
    const reversed = graphReport([...mesh()].reverse());
    expect([toMermaid(reversed), toDot(reversed)]).toStrictEqual([toMermaid(report), toDot(report)]);
  });

  test('declared objects count in the registry but are not proxies', () => {
    const declared = [{ ...service('collector', 'observability', { app: 'otel' }), metadata: { name: 'collector', namespace: 'observability', annotations: { 'cdk8s-istio.io/external': 'true' } } }];
    const report = graphReport([...mesh(), ...declared]);
    expect(report.registry).toBe(6);
    expect(graphReport(mesh(), declared).registry).toBe(6);
  });
});
