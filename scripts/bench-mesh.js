/**
 * The mesh `npm run bench` synthesizes, written twice: with this library's constructs (`buildOurs`) and
 * as the very same objects written by hand as plain cdk8s ApiObjects (`rawObjects`). `npm run bench`
 * checks, before it measures anything, that both write the same objects.
 *
 * One chart (PROD) of `n` services in namespaces of 50 services each:
 *   - a MeshControlPlane (IstioOperator), and per namespace a MeshNamespace (istio.io/rev) with an
 *     AuthorizationPolicy.denyAll;
 *   - an IngressGateway (HTTPS for *.example.com) with a route (applyHostRoutes) to every tenth service;
 *   - per service: a CircuitBreaker and a CanaryRelease (header match, timeout) on one host (one
 *     DestinationRule, one VirtualService), an ALLOW AuthorizationPolicy (allowFrom the previous
 *     service and the ingress gateway, GET/POST on 8080) and a SidecarScope for its pods;
 *   - what the workloads are (Services, v1 and v2 pods, their namespaces' TLS secret) is declared
 *     with ExternalResources, as in a platform team's mesh repository whose workloads other teams
 *     deploy. The mesh is clean: the analyzer finds no error in it.
 */
'use strict';

const SERVICES_PER_NAMESPACE = 50;
const REVISION = '1-30-3';
const INGRESS_NS = 'istio-ingress';

const nsOf = (i) => `team-${Math.floor(i / SERVICES_PER_NAMESPACE)}`;
const nameOf = (i) => `svc-${i}`;
const hostOf = (i) => `${nameOf(i)}.${nsOf(i)}.svc.cluster.local`;
const namespaceCount = (n) => Math.ceil(n / SERVICES_PER_NAMESPACE);
/** The service that calls service `i`: the previous one (the last for the first). */
const callerOf = (i, n) => (i + n - 1) % n;

/** Builds the mesh of `n` services with this library's constructs into `app` (a MeshApp). */
function buildOurs(istio, cdk8s, app, n) {
  const chart = new istio.MeshChart(app, 'mesh', { environment: istio.Environment.PROD });
  const controlPlane = new istio.MeshControlPlane(chart, 'control-plane', { revision: REVISION });
  const ingress = new istio.IngressGateway(chart, 'ingress', {
    namespace: INGRESS_NS,
    controlPlane,
    servers: [istio.GatewayServer.https({ hosts: ['*.example.com'], credentialName: 'mesh-tls' })],
  });
  const services = [];
  const workloads = [];
  for (let k = 0; k < namespaceCount(n); k++) {
    const ns = `team-${k}`;
    new istio.MeshNamespace(chart, ns, { controlPlane });
    istio.AuthorizationPolicy.denyAll(chart, `${ns}-deny-all`, { namespace: ns });
  }
  for (let i = 0; i < n; i++) {
    const ns = nsOf(i);
    const app = nameOf(i);
    const host = hostOf(i);
    new istio.CircuitBreaker(chart, `${app}-breaker`, {
      host,
      namespace: ns,
      connectionPool: { tcp: { maxConnections: 200 }, http: { http1MaxPendingRequests: 100, http2MaxRequests: 400 } },
      outlierDetection: { consecutive5xxErrors: 5, interval: cdk8s.Duration.seconds(10), baseEjectionTime: cdk8s.Duration.seconds(30), maxEjectionPercent: 50 },
    });
    new istio.CanaryRelease(chart, `${app}-canary`, {
      host,
      namespace: ns,
      stable: istio.Subset.fromLabels('v1', { app, version: 'v1' }),
      canary: istio.Subset.fromLabels('v2', { app, version: 'v2' }),
      routeToCanaryWhen: [istio.HttpMatch.header('x-canary', 'true')],
      timeout: cdk8s.Duration.seconds(5),
    });
    istio.AuthorizationPolicy.allowFrom(chart, `${app}-allow`, {
      namespace: ns,
      principals: [istio.Principal.of(nsOf(callerOf(i, n)), nameOf(callerOf(i, n))), istio.Principal.of(INGRESS_NS, 'ingress')],
      to: istio.WorkloadSelector.labels({ app }),
      methods: [istio.HttpMethod.GET, istio.HttpMethod.POST],
      ports: [8080],
    });
    new istio.SidecarScope(chart, `${app}-sidecar`, {
      namespace: ns,
      selector: istio.WorkloadSelector.labels({ app }),
      hosts: ['./*', 'istio-system/*'],
    });
    if (i % 10 === 0) {
      ingress.addRoute(`${app}-public`, { namespace: ns, hosts: [`${app}.example.com`], destination: { host, port: 80 }, applyHostRoutes: true });
    }
    services.push({ namespace: ns, name: app, ports: [80] });
    for (const version of ['v1', 'v2']) workloads.push({ namespace: ns, labels: { app, version }, serviceAccount: app });
  }
  new istio.ExternalResources(chart, 'workloads', {
    services,
    workloads,
    secrets: [{ namespace: INGRESS_NS, name: 'mesh-tls' }],
  });
  return chart;
}

/**
 * The objects `buildOurs` writes for `n` services, written out by hand: `fixed` are the objects that do
 * not depend on `n` (the control plane's IstioOperator, the ingress gateway's workload and Gateway, the
 * declared TLS secret), which `npm run bench` takes from the library's output for 0 services.
 */
function rawObjects(fixed, n) {
  const objects = [...fixed];
  const external = { 'cdk8s-istio.io/external': 'true' };
  for (let k = 0; k < namespaceCount(n); k++) {
    const ns = `team-${k}`;
    objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { labels: { 'istio.io/rev': REVISION }, name: ns }, spec: {} });
    objects.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'allow-nothing', namespace: ns }, spec: {} });
  }
  for (let i = 0; i < n; i++) {
    const ns = nsOf(i);
    const app = nameOf(i);
    const host = hostOf(i);
    const routes = (port) => [
      { match: [{ headers: { 'x-canary': { exact: 'true' } } }], name: `${app}-canary-match`, route: [{ destination: { host, ...port, subset: 'v2' } }], timeout: '5s' },
      { name: `${app}-canary-weighted`, route: [{ destination: { host, ...port, subset: 'v1' }, weight: 90 }, { destination: { host, ...port, subset: 'v2' }, weight: 10 }], timeout: '5s' },
    ];
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: app, namespace: ns },
      spec: {
        host,
        subsets: [{ labels: { app, version: 'v1' }, name: 'v1' }, { labels: { app, version: 'v2' }, name: 'v2' }],
        trafficPolicy: {
          connectionPool: { http: { http1MaxPendingRequests: 100, http2MaxRequests: 400 }, tcp: { connectTimeout: '5s', maxConnections: 200 } },
          outlierDetection: { baseEjectionTime: '30s', consecutive5xxErrors: 5, interval: '10s', maxEjectionPercent: 50 },
        },
      },
    });
    objects.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: app, namespace: ns }, spec: { hosts: [host], http: routes({}) } });
    const caller = callerOf(i, n);
    objects.push({
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: `${app}-allow`, namespace: ns },
      spec: {
        action: 'ALLOW',
        rules: [{
          from: [{ source: { principals: [`cluster.local/ns/${INGRESS_NS}/sa/ingress`, `cluster.local/ns/${nsOf(caller)}/sa/${nameOf(caller)}`].sort() } }],
          to: [{ operation: { methods: ['GET', 'POST'], ports: ['8080'] } }],
        }],
        selector: { matchLabels: { app } },
      },
    });
    objects.push({
      apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name: `${app}-sidecar`, namespace: ns },
      spec: { egress: [{ hosts: ['./*', 'istio-system/*'] }], outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' }, workloadSelector: { labels: { app } } },
    });
    if (i % 10 === 0) {
      objects.push({
        apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: `${app}-public`, namespace: ns },
        spec: { gateways: [`${INGRESS_NS}/ingress`], hosts: [`${app}.example.com`], http: routes({ port: { number: 80 } }) },
      });
    }
    objects.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: app, namespace: ns, annotations: external }, spec: { ports: [{ port: 80 }] } });
  }
  for (let i = 0; i < n; i++) {
    for (const [j, version] of [[0, 'v1'], [1, 'v2']]) {
      objects.push({
        apiVersion: 'v1', kind: 'Pod',
        metadata: { name: `external-workload-${2 * i + j}`, namespace: nsOf(i), labels: { app: nameOf(i), version }, annotations: external },
        spec: { serviceAccountName: nameOf(i), containers: [] },
      });
    }
  }
  return objects;
}

module.exports = { buildOurs, rawObjects };
