import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { MeshApp } from '../../lib';
import { graphReport } from '../../lib/graph/report';

/**
 * Bookinfo declared through the service graph: in PROD each proxy is sent exactly the services it calls
 * (plus the tracing collector every proxy reports to), instead of the whole mesh registry.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-graph-'));
const outputs = buildApp(new MeshApp({ outdir: tmp, printSummary: false })).synthOutputs();
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const COLLECTOR = 'otel-collector.observability.svc.cluster.local';
const host = (name: string) => `${name}.bookinfo.svc.cluster.local`;

test.each(['dev', 'staging', 'prod'])('%s: each Bookinfo proxy sees its declared dependencies only', (env) => {
  // GIVEN the synthesized chart, read back from its objects
  const out = outputs.find((o) => o.chart === env)!;
  const report = graphReport(out.gitops, out.external);
  // THEN the mesh registry holds the 4 Bookinfo Services, the gateway's, the collector and api.stripe.com
  // (STAGING also the two Services of its ambient namespace, apps/ambient.ts)
  const registry = env === 'staging' ? 9 : 7;
  expect(report.registry).toBe(registry);
  // Workloads outside the graph are not scoped: STAGING's storefront (apps/delivery.ts) and its ambient
  // namespace (apps/ambient.ts), whose pods have no sidecar to scope
  const outside = report.proxies.filter((p) => !/ (bookinfo|istio-ingress)\//.test(p.workload));
  expect(outside.map((p) => [p.workload, p.before, p.after, p.called])).toStrictEqual(env === 'staging'
    ? [
      ['Canary shop/storefront', 9, 9, []],
      ['Deployment bookinfo-ambient/productpage-v1', 9, 9, []],
      ['Deployment bookinfo-ambient/reviews-v1', 9, 9, []],
      ['Deployment shop/storefront', 9, 9, []],
      ['Gateway bookinfo-ambient/waypoint', 9, 9, []],
      ['Gateway shop-ingress/shop-gateway', 9, 9, []],
    ]
    : []);
  const rows = Object.fromEntries(report.proxies.filter((p) => !outside.includes(p)).map((p) => [p.workload, [p.before, p.visible, p.called]]));
  const deps = (...called: string[]) => [registry, [...called, COLLECTOR].sort(), called.sort()];
  expect(rows).toStrictEqual({
    'Deployment bookinfo/details-v1': deps(),
    'Deployment bookinfo/productpage-v1': deps('api.stripe.com', host('details'), host('reviews')),
    'Deployment bookinfo/ratings-v1': deps(),
    'Deployment bookinfo/reviews-v1': deps(host('ratings')),
    'Deployment bookinfo/reviews-v2': deps(host('ratings')),
    'Deployment bookinfo/reviews-v3': deps(host('ratings')),
    // the gateway is not scoped by Sidecars
    'Deployment istio-ingress/ingress-gateway': [registry, report.proxies.find((p) => p.kind === 'gateway')!.visible, [host('productpage')]],
  });
  // 6 Bookinfo proxies see 1 + 4 + 1 + 2 + 2 + 2 services instead of the whole registry each
  const bookinfo = report.proxies.filter((p) => p.workload.includes(' bookinfo/'));
  expect(bookinfo.reduce((n, p) => [n[0] + p.before, n[1] + p.after], [0, 0])).toStrictEqual([6 * registry, 12]);
});

test('the graph is written next to the manifests, as Mermaid and DOT', () => {
  expect(fs.readFileSync(path.join(tmp, 'prod', 'graph.mmd'), 'utf8')).toBe([
    'flowchart LR',
    '  n0(["api.stripe.com"])',
    '  n1["bookinfo/details"]',
    '  n2["bookinfo/productpage"]',
    '  n3["bookinfo/ratings"]',
    '  n4["bookinfo/reviews"]',
    '  n5["istio-ingress/ingress-gateway"]',
    '  n2 -->|"443 TLS"| n0',
    '  n2 -->|"9080 GET"| n1',
    '  n2 -->|"9080 GET"| n4',
    '  n4 -->|"9080 GET"| n3',
    '  n5 -->|"9080 GET"| n2',
    '  n5 -->|"9080 POST"| n2',
    '',
  ].join('\n'));
  expect(fs.readFileSync(path.join(tmp, 'prod', 'graph.dot'), 'utf8')).toBe(fs.readFileSync(path.join(__dirname, '../../dist/prod/graph.dot'), 'utf8'));
});

test('routing constructs compose with the graph: one DestinationRule and one mesh VirtualService for reviews', () => {
  // GIVEN PROD's reviews canary and circuit breaker next to the graph's objects for reviews
  const prod = outputs.find((o) => o.chart === 'prod')!.gitops;
  // THEN the graph wrote none of its own, and each kind has one object of reviews' host
  expect(prod.filter((o) => o.kind === 'DestinationRule').map((o) => o.spec.host)).toStrictEqual(['reviews.bookinfo.svc.cluster.local']);
  expect(prod.filter((o) => o.kind === 'VirtualService' && (o.spec.gateways ?? ['mesh']).includes('mesh')).map((o) => o.spec.hosts))
    .toStrictEqual([['reviews.bookinfo.svc.cluster.local']]);
  expect(prod.filter((o) => o.metadata.namespace === 'bookinfo' && ['Sidecar', 'AuthorizationPolicy', 'NetworkPolicy'].includes(o.kind))
    .map((o) => `${o.kind} ${o.metadata.name}`).sort()).toStrictEqual([
    'AuthorizationPolicy allow-nothing', 'AuthorizationPolicy details', 'AuthorizationPolicy productpage', 'AuthorizationPolicy productpage-jwt-require-token',
    'AuthorizationPolicy ratings', 'AuthorizationPolicy reviews',
    'NetworkPolicy details', 'NetworkPolicy productpage', 'NetworkPolicy ratings', 'NetworkPolicy reviews',
    'Sidecar details', 'Sidecar productpage', 'Sidecar ratings', 'Sidecar reviews',
  ]);
});
