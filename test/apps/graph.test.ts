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
  expect(report.registry).toBe(7);
  // STAGING also runs the storefront (apps/delivery.ts), outside the graph: its proxies are not scoped
  const shop = report.proxies.filter((p) => p.workload.includes(' shop'));
  expect(shop.map((p) => [p.workload, p.before, p.after, p.called])).toStrictEqual(env === 'staging'
    ? [['Canary shop/storefront', 7, 7, []], ['Deployment shop/storefront', 7, 7, []], ['Gateway shop-ingress/shop-gateway', 7, 7, []]]
    : []);
  const rows = Object.fromEntries(report.proxies.filter((p) => !shop.includes(p)).map((p) => [p.workload, [p.before, p.visible, p.called]]));
  const deps = (...called: string[]) => [7, [...called, COLLECTOR].sort(), called.sort()];
  expect(rows).toStrictEqual({
    'Deployment bookinfo/details-v1': deps(),
    'Deployment bookinfo/productpage-v1': deps('api.stripe.com', host('details'), host('reviews')),
    'Deployment bookinfo/ratings-v1': deps(),
    'Deployment bookinfo/reviews-v1': deps(host('ratings')),
    'Deployment bookinfo/reviews-v2': deps(host('ratings')),
    'Deployment bookinfo/reviews-v3': deps(host('ratings')),
    // the gateway is not scoped by Sidecars
    'Deployment istio-ingress/ingress-gateway': [7, report.proxies.find((p) => p.kind === 'gateway')!.visible, [host('productpage')]],
  });
  expect(report.proxies.reduce((n, p) => [n[0] + p.before, n[1] + p.after], [0, 0])).toStrictEqual(env === 'staging' ? [70, 40] : [49, 19]);
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
