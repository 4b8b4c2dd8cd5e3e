import * as kplus from 'cdk8s-plus-27';
import * as istio from '../../lib';
import { all, analyzed, errorOf, find, meshChart, synthError, synthValid } from '../support/charts';

/**
 * The declared service graph: what it derives (Sidecars, ALLOW policies over a deny-all baseline,
 * ServiceEntries and egress routes, NetworkPolicies), in sidecar and ambient namespaces, and the errors of
 * a call that cannot be right (naming both ends).
 */

const HTTP = istio.ServiceProtocol.HTTP;
const { GET, POST } = istio.HttpMethod;

/** A namespace with one Deployment (pods `app: <name>`, service account `<name>`) and its Service per name. */
function workloads(chart: istio.MeshChart, namespace: string, names: string[], mode = istio.DataPlaneMode.SIDECAR): Record<string, kplus.Deployment> {
  if (!chart.node.tryFindChild(`ns-${namespace}`)) new istio.MeshNamespace(chart, `ns-${namespace}`, { name: namespace, mode });
  return Object.fromEntries(names.map((name) => {
    const sa = new kplus.ServiceAccount(chart, `${namespace}-${name}-sa`, { metadata: { name, namespace } });
    const deployment = new kplus.Deployment(chart, `${namespace}-${name}`, {
      metadata: { name, namespace },
      podMetadata: { labels: { app: name } },
      serviceAccount: sa,
      containers: [{ image: `registry.example.com/${name}:1`, portNumber: 8080, securityContext: { user: 1000 } }],
    });
    new kplus.Service(chart, `${namespace}-${name}-svc`, { metadata: { name, namespace }, ports: [{ name: 'http', port: 8080 }] }).selectLabel('app', name);
    return [name, deployment];
  }));
}

function errors(chart: istio.MeshChart): string[] {
  return analyzed(chart).filter((f) => f.startsWith('Error'));
}

describe('ServiceGraph in sidecar namespaces', () => {
  test('a cross-namespace call: the caller\'s Sidecar holds exactly the callee, the callee admits exactly the caller', () => {
    // GIVEN orders in shop calling payments in billing, POST /charge on 8080
    const chart = meshChart();
    const shop = workloads(chart, 'shop', ['orders']);
    const billing = workloads(chart, 'billing', ['payments']);
    const graph = new istio.ServiceGraph(chart, 'graph');
    const orders = graph.addService('orders', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: shop.orders });
    const payments = graph.addService('payments', { namespace: 'billing', ports: [{ number: 8080, protocol: HTTP }], workload: billing.payments });

    // WHEN the call is declared
    orders.calls(payments, { port: 8080, methods: [POST], paths: ['/charge'] });

    // THEN every object passes the schemas and the analyzer
    const objs = synthValid(chart);
    expect(errors(chart)).toStrictEqual([]);
    // orders' proxy sees payments and the control plane, nothing else
    expect(find(objs, 'Sidecar', 'orders', 'shop').spec).toStrictEqual({
      workloadSelector: { labels: { app: 'orders' } },
      egress: [{ hosts: ['istio-system/istiod.istio-system.svc.cluster.local', 'billing/payments.billing.svc.cluster.local'] }],
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect(find(objs, 'Sidecar', 'payments', 'billing').spec.egress).toStrictEqual([{ hosts: ['istio-system/istiod.istio-system.svc.cluster.local'] }]);
    // payments admits orders' identity on its target port, POST /charge only
    expect(find(objs, 'AuthorizationPolicy', 'payments', 'billing').spec).toStrictEqual({
      selector: { matchLabels: { app: 'payments' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/orders'] } }], to: [{ operation: { methods: ['POST'], paths: ['/charge'], ports: ['8080'] } }] }],
    });
    // nobody calls orders: no ALLOW policy, the baseline denies all
    expect(all(objs, 'AuthorizationPolicy', 'orders')).toStrictEqual([]);
    for (const ns of ['shop', 'billing']) expect(find(objs, 'AuthorizationPolicy', 'allow-nothing', ns).spec).toStrictEqual({});
    // PROD: a NetworkPolicy admits orders' pods (from shop) on 8080, and monitoring on the proxy metrics ports
    expect(find(objs, 'NetworkPolicy', 'payments', 'billing').spec).toStrictEqual({
      podSelector: { matchLabels: { app: 'payments' } },
      policyTypes: ['Ingress'],
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchLabels: { app: 'orders' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 15020 }, { protocol: 'TCP', port: 15090 }] },
      ],
    });
    expect(find(objs, 'NetworkPolicy', 'orders', 'shop').spec.ingress).toStrictEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 15020 }, { protocol: 'TCP', port: 15090 }] },
    ]);
  });

  test('call cycles are allowed: each side sees and admits the other', () => {
    // GIVEN a and b calling each other, and c calling itself through its Service
    const chart = meshChart(istio.Environment.DEV);
    const w = workloads(chart, 'shop', ['a', 'b']);
    const graph = new istio.ServiceGraph(chart, 'graph');
    const a = graph.addService('a', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: w.a });
    const b = graph.addService('b', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: w.b });
    // WHEN
    a.calls(b, { port: 8080 });
    b.calls(a, { port: 8080, methods: [GET] });
    // THEN
    const objs = synthValid(chart);
    expect(errors(chart)).toStrictEqual([]);
    expect(find(objs, 'Sidecar', 'a', 'shop').spec.egress[0].hosts).toStrictEqual(['istio-system/istiod.istio-system.svc.cluster.local', 'shop/b.shop.svc.cluster.local']);
    expect(find(objs, 'Sidecar', 'b', 'shop').spec.egress[0].hosts).toStrictEqual(['istio-system/istiod.istio-system.svc.cluster.local', 'shop/a.shop.svc.cluster.local']);
    expect(find(objs, 'AuthorizationPolicy', 'a', 'shop').spec.rules).toStrictEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/b'] } }], to: [{ operation: { methods: ['GET'], ports: ['8080'] } }] },
    ]);
    expect(find(objs, 'AuthorizationPolicy', 'b', 'shop').spec.rules).toStrictEqual([
      { from: [{ source: { principals: ['cluster.local/ns/shop/sa/a'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    // DEV: no NetworkPolicies by default
    expect(all(objs, 'NetworkPolicy')).toStrictEqual([]);
    expect([istio.ServiceGraph.isServiceGraph(graph), istio.ServiceGraph.isServiceGraph(chart), istio.ServiceGraph.isServiceGraph(null)]).toStrictEqual([true, false, false]);
  });

  test('an ingress gateway and an identity as outside callers; the control plane revision and platform hosts in every Sidecar', () => {
    // GIVEN a gateway and a revisioned control plane
    const chart = meshChart();
    const controlPlane = new istio.MeshControlPlane(chart, 'cp', { revision: '1-30-3' });
    workloads(chart, 'shop', ['web']);
    const gw = new istio.IngressGateway(chart, 'ingress', { namespace: 'istio-ingress', controlPlane, servers: [istio.GatewayServer.http({ hosts: ['shop.example.com'] })] });
    const graph = new istio.ServiceGraph(chart, 'graph', { controlPlane, platformHosts: ['observability/otel.observability.svc.cluster.local'], monitoringNamespaces: [] });
    const web = graph.addService('web', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], labels: { app: 'web' }, serviceAccountName: 'web' });
    // WHEN
    web.allowFrom(istio.GraphCaller.ingress(gw), { port: 8080, methods: [GET] })
      .allowFrom(istio.GraphCaller.ingress(gw), { port: 8080, methods: [POST], paths: ['/login'] })
      .allowFrom(istio.GraphCaller.principal('batch', 'reporter', { app: 'reporter' }), { port: 8080, methods: [GET], paths: ['/report'] });
    // THEN
    const objs = synthValid(chart);
    expect(errors(chart)).toStrictEqual([]);
    expect(find(objs, 'Sidecar', 'web', 'shop').spec.egress[0].hosts).toStrictEqual([
      'istio-system/istiod-1-30-3.istio-system.svc.cluster.local', 'observability/otel.observability.svc.cluster.local',
    ]);
    expect(find(objs, 'AuthorizationPolicy', 'web', 'shop').spec.rules).toStrictEqual([
      { from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/ingress'] } }], to: [{ operation: { methods: ['GET'], ports: ['8080'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/ingress'] } }], to: [{ operation: { methods: ['POST'], paths: ['/login'], ports: ['8080'] } }] },
      { from: [{ source: { principals: ['cluster.local/ns/batch/sa/reporter'] } }], to: [{ operation: { methods: ['GET'], paths: ['/report'], ports: ['8080'] } }] },
    ]);
    expect(find(objs, 'NetworkPolicy', 'web', 'shop').spec.ingress).toStrictEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'batch' } }, podSelector: { matchLabels: { app: 'reporter' } } }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } }, podSelector: { matchLabels: gw.selectorLabels } }], ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
  });

  test('a service under a Flagger canary: its primary pods are selected and admitted too', () => {
    // GIVEN reviews released by Flagger, called by web
    const chart = meshChart();
    const w = workloads(chart, 'shop', ['web', 'reviews']);
    const graph = new istio.ServiceGraph(chart, 'graph');
    const web = graph.addService('web', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: w.web, underFlaggerCanary: true });
    const reviews = graph.addService('reviews', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: w.reviews, underFlaggerCanary: true });
    // WHEN
    web.calls(reviews, { port: 8080 });
    // THEN the NetworkPolicy selects reviews and reviews-primary, and admits web and web-primary
    const objs = synthValid(chart);
    expect(errors(chart)).toStrictEqual([]);
    expect(find(objs, 'NetworkPolicy', 'reviews', 'shop').spec).toStrictEqual({
      podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['reviews', 'reviews-primary'] }] },
      policyTypes: ['Ingress'],
      ingress: [
        {
          from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } }, podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['web', 'web-primary'] }] } }],
          ports: [{ protocol: 'TCP', port: 8080 }],
        },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 15020 }, { protocol: 'TCP', port: 15090 }] },
      ],
    });
    // the analyzer warns that no pod of the output carries the primary labels (Flagger creates them)
    expect(analyzed(chart).filter((f) => f.includes('reviews-primary')).map((f) => f.slice(0, f.indexOf(')') + 1)))
      .toStrictEqual(['Warning [IST0127] (AuthorizationPolicy shop/reviews-primary)']);
    // and the primary pods get the same ALLOW rules
    expect(find(objs, 'AuthorizationPolicy', 'reviews-primary', 'shop').spec).toStrictEqual({
      ...find(objs, 'AuthorizationPolicy', 'reviews', 'shop').spec,
      selector: { matchLabels: { app: 'reviews-primary' } },
    });
  });
});

describe('ServiceGraph in ambient namespaces', () => {
  test('without a waypoint: no Sidecar, L4 authorization on ztunnel, NetworkPolicies admit HBONE and the probes', () => {
    // GIVEN an ambient namespace
    const chart = meshChart();
    const w = workloads(chart, 'mesh', ['front', 'back'], istio.DataPlaneMode.AMBIENT);
    const graph = new istio.ServiceGraph(chart, 'graph', { namespaces: [{ name: 'mesh', mode: istio.DataPlaneMode.AMBIENT }] });
    const front = graph.addService('front', { namespace: 'mesh', ports: [{ number: 8080, protocol: HTTP }], workload: w.front });
    const back = graph.addService('back', { namespace: 'mesh', ports: [{ number: 8080, protocol: HTTP }], workload: w.back });
    // WHEN
    front.calls(back, { port: 8080 });
    // THEN
    const objs = synthValid(chart);
    expect(errors(chart)).toStrictEqual([]);
    expect(all(objs, 'Sidecar')).toStrictEqual([]);
    expect(find(objs, 'AuthorizationPolicy', 'back', 'mesh').spec).toStrictEqual({
      selector: { matchLabels: { app: 'back' } },
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/mesh/sa/front'] } }], to: [{ operation: { ports: ['8080'] } }] }],
    });
    expect(find(objs, 'NetworkPolicy', 'back', 'mesh').spec.ingress).toStrictEqual([
      { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'mesh' } }, podSelector: { matchLabels: { app: 'front' } } }], ports: [{ protocol: 'TCP', port: 8080 }, { protocol: 'TCP', port: 15008 }] },
      { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] },
    ]);
    // AND methods cannot be enforced without a waypoint
    expect(errorOf(() => front.calls(back, { port: 8080, methods: [GET] }))).toBe(
      '[prod/graph/front] calls(prod/graph/back, options).methods: ["GET"] cannot be enforced: prod/graph/back runs in the ambient namespace mesh, which has no waypoint, '
      + 'and ztunnel authorizes at L4 only (call prod/graph/front → prod/graph/back). Fix: declare a waypoint for mesh in the graph\'s namespaces, or drop methods and paths');
  });

  test('with a waypoint: L7 rules on the waypoint (targetRefs to the Service), ztunnel admits the waypoint', () => {
    // GIVEN an ambient namespace with the waypoint "waypoint"
    const chart = meshChart();
    const w = workloads(chart, 'mesh', ['front', 'back'], istio.DataPlaneMode.AMBIENT);
    const graph = new istio.ServiceGraph(chart, 'graph', { namespaces: [{ name: 'mesh', mode: istio.DataPlaneMode.AMBIENT, waypoint: 'waypoint' }] });
    const front = graph.addService('front', { namespace: 'mesh', ports: [{ number: 80, protocol: HTTP, targetPort: 8080 }], workload: w.front });
    const back = graph.addService('back', { namespace: 'mesh', ports: [{ number: 80, protocol: HTTP, targetPort: 8080 }], workload: w.back });
    // WHEN
    front.calls(back, { port: 80, methods: [GET], paths: ['/items/*'] });
    // THEN
    const objs = synthValid(chart);
    expect(find(objs, 'AuthorizationPolicy', 'back-waypoint', 'mesh').spec).toStrictEqual({
      targetRefs: [{ group: '', kind: 'Service', name: 'back' }],
      action: 'ALLOW',
      rules: [{ from: [{ source: { principals: ['cluster.local/ns/mesh/sa/front'] } }], to: [{ operation: { methods: ['GET'], paths: ['/items/*'], ports: ['80'] } }] }],
    });
    expect(find(objs, 'AuthorizationPolicy', 'back', 'mesh').spec.rules).toStrictEqual([
      { from: [{ source: { principals: ['cluster.local/ns/mesh/sa/waypoint'] } }], to: [{ operation: { ports: ['8080'] } }] },
    ]);
    expect(find(objs, 'NetworkPolicy', 'back', 'mesh').spec.ingress).toStrictEqual([
      { from: [{ podSelector: { matchLabels: { 'gateway.networking.k8s.io/gateway-name': 'waypoint' } } }], ports: [{ protocol: 'TCP', port: 15008 }] },
      { from: [{ ipBlock: { cidr: '169.254.7.127/32' } }] },
    ]);
  });
});

describe('ServiceGraph external hosts', () => {
  test('a ServiceEntry per host, in the caller\'s Sidecar; through the egress gateway when the graph has one', () => {
    // GIVEN an egress gateway and an external API
    const chart = meshChart();
    const w = workloads(chart, 'shop', ['orders']);
    new istio.ExternalResources(chart, 'outside', { namespaces: ['istio-system'] });   // the control plane's, installed by istioctl
    const egress = new istio.EgressGateway(chart, 'egress', {});
    const graph = new istio.ServiceGraph(chart, 'graph', { egressGateway: egress });
    const orders = graph.addService('orders', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: w.orders });
    const stripe = graph.addExternalHost('stripe', { host: 'api.stripe.com', ports: [{ number: 443, protocol: istio.ServiceProtocol.TLS }] });
    // WHEN
    orders.reaches(stripe, { port: 443 });
    // THEN
    const objs = synthValid(chart);
    expect(errors(chart)).toStrictEqual([]);
    expect(find(objs, 'ServiceEntry', 'api-stripe-com', 'istio-system').spec).toStrictEqual({
      hosts: ['api.stripe.com'],
      ports: [{ number: 443, protocol: 'TLS', name: 'tls-443' }],
      resolution: 'DNS',
      location: 'MESH_EXTERNAL',
    });
    expect(find(objs, 'Sidecar', 'orders', 'shop').spec.egress[0].hosts).toStrictEqual([
      'istio-system/istiod.istio-system.svc.cluster.local', 'istio-system/api.stripe.com', `istio-egress/${egress.serviceHost}`,
    ]);
    // the mesh sends api.stripe.com:443 to the gateway, which passes TLS through
    expect(all(objs, 'VirtualService').map((v) => v.spec.hosts)).toStrictEqual([['api.stripe.com']]);
    // AND a port the host does not have is an error naming both ends
    expect(errorOf(() => orders.reaches(stripe, { port: 80 }))).toBe(
      '[prod/graph/orders] reaches(prod/graph/stripe, options).port: 80 is not a port of api.stripe.com (prod/graph/stripe declares 443/TLS). '
      + 'Fix: add port 80 to the external host, or reach one of its ports');
  });
});

describe('ServiceGraph errors name both ends, the field, the value and the fix', () => {
  function graphOf(env = istio.Environment.DEV) {
    const chart = meshChart(env);
    const graph = new istio.ServiceGraph(chart, 'graph');
    const port = (number: number, protocol: istio.ServiceProtocol) => ({ number, protocol });
    const a = graph.addService('a', { namespace: 'shop', ports: [port(8080, HTTP)], labels: { app: 'a' }, serviceAccountName: 'a' });
    const db = graph.addService('db', { namespace: 'data', ports: [port(5432, istio.ServiceProtocol.TCP)], labels: { app: 'db' }, serviceAccountName: 'db' });
    return { chart, graph, a, db };
  }

  test('a call to an undeclared service', () => {
    const { chart, a } = graphOf();
    const other = new istio.ServiceGraph(chart, 'other').addService('b', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], labels: { app: 'b' }, serviceAccountName: 'b' });
    const service = new kplus.Service(chart, 'plain', { metadata: { namespace: 'shop' }, ports: [{ port: 80 }] });
    expect(errorOf(() => a.calls(service as unknown as istio.GraphService, { port: 80 }))).toBe(
      '[dev/graph/a] calls(callee): "dev/plain" is not a service of the graph dev/graph. Fix: declare the callee with graph.addService(...) and pass what it returns');
    expect(errorOf(() => a.calls(other, { port: 8080 }))).toBe(
      '[dev/graph/a] calls(callee): "dev/other/b" is declared in another graph (dev/other), not in dev/graph. Fix: declare b in dev/graph (one graph per mesh)');
  });

  test('a port the callee does not expose', () => {
    const { a, db } = graphOf();
    expect(errorOf(() => a.calls(db, { port: 5433 }))).toBe(
      '[dev/graph/a] calls(dev/graph/db, options).port: 5433 is not a port of dev/graph/db (call dev/graph/a → dev/graph/db; it serves 5432/TCP). '
      + 'Fix: call one of those ports, or add port 5433 to dev/graph/db\'s ports');
  });

  test('a protocol mismatch', () => {
    const { a, db } = graphOf();
    expect(errorOf(() => a.calls(db, { port: 5432, protocol: istio.ServiceProtocol.HTTP }))).toBe(
      '[dev/graph/a] calls(dev/graph/db, options).protocol: "HTTP" does not match port 5432 of dev/graph/db, which speaks TCP (call dev/graph/a → dev/graph/db). '
      + 'Fix: speak TCP to that port, or declare the port of dev/graph/db with protocol ServiceProtocol.HTTP');
    expect(errorOf(() => a.calls(db, { port: 5432, methods: [GET] }))).toBe(
      '[dev/graph/a] calls(dev/graph/db, options).methods: ["GET"] need an HTTP port, but port 5432 of dev/graph/db speaks TCP (call dev/graph/a → dev/graph/db). '
      + 'Fix: drop methods and paths, or declare the port with protocol ServiceProtocol.HTTP (HTTP2, GRPC)');
  });

  test('a call declared twice, a service declared twice, a service without pods or identity', () => {
    const { graph, a, db } = graphOf();
    db.calls(a, { port: 8080 });
    expect(errorOf(() => db.calls(a, { port: 8080 }))).toBe(
      '[dev/graph/a] callers[cluster.local/ns/data/sa/db].port: 8080 already admits cluster.local/ns/data/sa/db with these methods and paths (call dev/graph/db → dev/graph/a). Fix: declare each call once');
    expect(errorOf(() => graph.addService('a2', { name: 'a', namespace: 'shop', ports: [{ number: 1, protocol: HTTP }], labels: { app: 'a' }, serviceAccountName: 'a' }))).toBe(
      '[dev/graph/a2] name: "a" is already declared in namespace shop by dev/graph/a. Fix: declare each service once');
    expect(errorOf(() => graph.addService('c', { namespace: 'shop', ports: [{ number: 1, protocol: HTTP }], serviceAccountName: 'c' }))).toBe(
      '[dev/graph/c] workload: undefined is missing, and so are labels: the graph cannot select the service\'s pods. Fix: give workload (a cdk8s-plus workload) or labels (e.g. { app: "orders" })');
    expect(errorOf(() => graph.addService('d', { namespace: 'shop', ports: [{ number: 1, protocol: HTTP }], labels: { app: 'd' } }))).toBe(
      '[dev/graph/d] serviceAccount: undefined is missing: the graph cannot name the service\'s identity as a caller. '
      + 'Fix: give serviceAccount (a cdk8s-plus ServiceAccount), serviceAccountName, or the workload (its service account is used)');
    expect(errorOf(() => graph.addService('e', { namespace: 'shop', ports: [{ number: 1, protocol: HTTP }], labels: { version: 'v1' }, serviceAccountName: 'e', underFlaggerCanary: true }))).toBe(
      '[dev/graph/e] underFlaggerCanary: true is set, but the pods have no "app" label, which Flagger rewrites to "<value>-primary" on the primary pods. '
      + 'Fix: give the pods an "app" label, or drop underFlaggerCanary');
  });

  test('unknown keys and a waypoint on a sidecar namespace', () => {
    const chart = meshChart();
    expect(errorOf(() => new istio.ServiceGraph(chart, 'g', { networkPolicy: true } as istio.ServiceGraphProps))).toBe(
      '[prod/g] props: "networkPolicy" is not a field of ServiceGraphProps. Fix: drop it; ServiceGraphProps has controlPlane, namespaces, platformHosts, egressGateway, networkPolicies, monitoringNamespaces, trustDomain');
    expect(errorOf(() => new istio.ServiceGraph(chart, 'h', { namespaces: [{ name: 'shop', waypoint: 'waypoint' }] }))).toBe(
      '[prod/h] namespaces[0].waypoint: "waypoint" is set on a namespace in sidecar mode; waypoints serve ambient namespaces. Fix: set mode: DataPlaneMode.AMBIENT, or drop waypoint');
  });
});

describe('ServiceGraph input checks', () => {
  const chart = meshChart(istio.Environment.DEV);
  const graph = new istio.ServiceGraph(chart, 'graph');
  const base = { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], labels: { app: 'x' }, serviceAccountName: 'x' };

  test.each<[string, object, string]>([
    ['unknown key', { ...base, port: 1 },
      '[dev/graph/s0] props: "port" is not a field of GraphServiceProps (did you mean "ports"?). Fix: rename it to "ports"'],
    ['protocol not in the enum', { ...base, ports: [{ number: 8080, protocol: 'http' }] },
      '[dev/graph/s1] ports[0].protocol: "http" is not a ServiceProtocol. Fix: use one of ServiceProtocol.HTTP, ServiceProtocol.HTTP2, ServiceProtocol.HTTPS, '
      + 'ServiceProtocol.GRPC, ServiceProtocol.TLS, ServiceProtocol.TCP, ServiceProtocol.MONGO, ServiceProtocol.MYSQL, ServiceProtocol.REDIS'],
    ['no ports', { ...base, ports: [] },
      '[dev/graph/s2] ports: [] is empty. Fix: list the ports, e.g. [{ number: 8080, protocol: ServiceProtocol.HTTP }]'],
    ['a port out of range', { ...base, ports: [{ number: 70000, protocol: HTTP }] },
      '[dev/graph/s3] ports[0].number: 70000 is not a port number 1–65535. Fix: use the Service port, e.g. 8080'],
    ['workload and labels', { ...base, workload: new kplus.Deployment(chart, 'd', { containers: [{ image: 'x' }] }) },
      '[dev/graph/s4] labels: {"app":"x"} is given together with workload. Fix: give the workload (its pod labels are used) or the labels'],
    ['a Service as workload', { ...base, labels: undefined, workload: new kplus.Service(chart, 'svc', { ports: [{ port: 80 }] }) },
      '[dev/graph/s5] workload: "dev/svc" is a cdk8s-plus-27 Service, not a cdk8s-plus workload that runs pods. '
      + 'Fix: pass a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33), or give labels'],
  ])('%s', (_, props, message) => {
    const id = `s${graph.node.children.length}`;
    const error = errorOf(() => graph.addService(id, props as istio.GraphServiceProps));
    expect(error).toBe(message);
  });
});

describe('ServiceGraph namespaces and external hosts: what cannot be enforced is refused', () => {
  test('a namespace outside the mesh, an egress route without a gateway', () => {
    const chart = meshChart();
    expect(errorOf(() => new istio.ServiceGraph(chart, 'a', { namespaces: [{ name: 'legacy', mode: istio.DataPlaneMode.NONE }] }))).toBe(
      '[prod/a] namespaces[0].mode: "none" takes the namespace out of the mesh: no proxy would enforce what the graph derives. '
      + 'Fix: use DataPlaneMode.SIDECAR or DataPlaneMode.AMBIENT, or declare the namespace\'s services elsewhere');
    const graph = new istio.ServiceGraph(chart, 'b');
    expect(errorOf(() => graph.addExternalHost('x', { host: 'api.example.com', ports: [{ number: 443, protocol: istio.ServiceProtocol.TLS }], viaEgressGateway: true }))).toBe(
      '[prod/b/x] viaEgressGateway: true is set, but the graph prod/b has no egressGateway. Fix: give the graph an egressGateway, or drop viaEgressGateway');
    graph.addExternalHost('y', { host: 'api.example.com', ports: [{ number: 443, protocol: istio.ServiceProtocol.TLS }] });
    expect(errorOf(() => graph.addExternalHost('z', { host: 'api.example.com', ports: [{ number: 80, protocol: HTTP }] }))).toBe(
      '[prod/b/z] host: "api.example.com" is already declared by another external host of this graph. Fix: declare each host once, with all its ports');
  });
});

describe('SidecarScope.addHosts', () => {
  test('adds checked hosts to the catch-all listener once', () => {
    const chart = meshChart();
    const scope = new istio.SidecarScope(chart, 'scope', { namespace: 'shop', hosts: ['./*'] });
    scope.addHosts('istio-system/*', './*');
    expect(scope.toSpec().egress).toStrictEqual([{ hosts: ['./*', 'istio-system/*'] }]);
    expect(errorOf(() => scope.addHosts('*/*'))).toBe(
      '[prod/scope] addHosts(hosts)[0]: "*/*" would list "*/*" (every host) together with other hosts. Fix: use "*/*" alone, or list the hosts');
  });
});

describe('ServiceGraph and the MeshNamespaces of the chart', () => {
  test('a namespace the graph takes for sidecar mode while its MeshNamespace runs ambient fails the synth, naming both', () => {
    // GIVEN shop in ambient mode by its MeshNamespace, and a graph that does not say so
    const chart = meshChart();
    const shop = workloads(chart, 'shop', ['orders'], istio.DataPlaneMode.AMBIENT);
    const graph = new istio.ServiceGraph(chart, 'graph');
    graph.addService('orders', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: shop.orders });
    // WHEN synthesized THEN the error names the graph, the namespace, the MeshNamespace and the fix
    expect(synthError(chart)).toContain('[prod/graph] namespaces: "shop" is in sidecar mode in the graph, but prod/ns-shop puts it in ambient mode, '
      + 'so the derived Sidecars would not fit its pods. Fix: declare { name: "shop", mode: DataPlaneMode.AMBIENT } in namespaces');
  });

  test('modes that agree synthesize', () => {
    // GIVEN the same namespace declared ambient in the graph too
    const chart = meshChart();
    const shop = workloads(chart, 'shop', ['orders'], istio.DataPlaneMode.AMBIENT);
    const graph = new istio.ServiceGraph(chart, 'graph', { namespaces: [{ name: 'shop', mode: istio.DataPlaneMode.AMBIENT }] });
    graph.addService('orders', { namespace: 'shop', ports: [{ number: 8080, protocol: HTTP }], workload: shop.orders });
    // THEN no Sidecar is derived and the output is valid
    expect(all(synthValid(chart), 'Sidecar')).toStrictEqual([]);
  });
});
