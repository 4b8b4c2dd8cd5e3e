/**
 * The API boundary of IngressGateway, EgressGateway, GatewayServer and GatewayRoute (addRoute,
 * routeExternalHost): what callers without TypeScript's checks may pass gives our error, never a
 * crash, a silent drop, a weaker default or output the cluster would reject.
 */
import {
  AntiAffinityMode, AutoscalingSetting, DisruptionBudgetSetting, EgressGateway, Environment, ExternalService, GatewayServer, IngressGateway,
  IngressGatewayProps, ServiceProtocol, ServiceResolution,
} from '../../lib';
import { meshChart, synthValid, thrown as errorOf } from './support';

const SERVERS = [GatewayServer.http({ hosts: ['bookinfo.example.com'] })];

/** The error of an IngressGateway `gw` with the given props (typed loosely, as a JavaScript caller would pass them). */
function gatewayError(props: unknown): string {
  return errorOf(() => new IngressGateway(meshChart(), 'gw', props as IngressGatewayProps));
}

/** The error of an IngressGateway whose only server is `server`. */
function serverError(server: GatewayServer): string {
  return gatewayError({ servers: [server] });
}

/** The error of `gw.addRoute('r', options)`. */
function routeError(options: unknown): string {
  const gw = new IngressGateway(meshChart(), 'gw', { servers: SERVERS });
  return errorOf(() => gw.addRoute('r', options as never));
}

const ROUTE = { hosts: ['bookinfo.example.com'], destination: { host: 'productpage.bookinfo.svc.cluster.local', port: 9080 } };

describe('IngressGateway props at the API boundary', () => {
  test('replicas: 3e9 is an error at construction (the Deployment schema holds an int32), not invalid output', () => {
    // GIVEN a replica count beyond int32 WHEN constructed THEN our error naming the schema's limit
    expect(gatewayError({ servers: SERVERS, sizing: { replicas: 3e9, autoscaling: AutoscalingSetting.NONE } }))
      .toBe('[prod/gw] sizing.replicas: 3000000000 is above 2147483647, the largest number the Kubernetes schema admits here (int32). Fix: give at most 2147483647; give 1 or more replicas (PROD runs 3)');
    expect(gatewayError({ servers: SERVERS, sizing: { autoscaling: AutoscalingSetting.hpa({ minReplicas: 3, maxReplicas: 3e9, targetCpuUtilizationPercent: 60 }) } }))
      .toBe('[prod/gw] sizing.autoscaling.maxReplicas: 3000000000 is above 2147483647, the largest number the Kubernetes schema admits here (int32). '
        + 'Fix: give at most 2147483647; set maxReplicas to at least minReplicas');
  });

  test('a numeric topologyKey is an error, not written into the pod anti-affinity', () => {
    expect(gatewayError({ servers: SERVERS, sizing: { antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologyKey: 5 } } }))
      .toBe('[prod/gw] sizing.antiAffinity.topologyKey: 5 is a number, not a string. Fix: use "kubernetes.io/hostname" or "topology.kubernetes.io/zone"');
    expect(gatewayError({ servers: SERVERS, sizing: { antiAffinity: { mode: AntiAffinityMode.PREFERRED, topologykey: 'kubernetes.io/hostname' } } }))
      .toBe('[prod/gw] sizing.antiAffinity: "topologykey" is not a field of AntiAffinity (did you mean "topologyKey"?). Fix: rename it to "topologyKey"');
  });

  test('sizing: unknown keys, wrong types and the options of the setting classes', () => {
    expect(gatewayError({ servers: SERVERS, sizing: { replica: 3 } }))
      .toBe('[prod/gw] sizing: "replica" is not a field of SizingOverrides (did you mean "replicas"?). Fix: rename it to "replicas"');
    expect(gatewayError({ servers: SERVERS, sizing: { replicas: '3' } }))
      .toBe('[prod/gw] sizing.replicas: "3" is a string, not a number. Fix: give 1 or more replicas (PROD runs 3)');
    expect(gatewayError({ servers: SERVERS, sizing: { autoscaling: AutoscalingSetting.hpa({ minReplica: 3, maxReplicas: 5, targetCpuUtilizationPercent: 60 } as never) } }))
      .toBe('[prod/gw] sizing.autoscaling: "minReplica" is not a field of Autoscaling (did you mean "minReplicas"?). Fix: rename it to "minReplicas"');
    expect(gatewayError({ servers: SERVERS, sizing: { autoscaling: AutoscalingSetting.hpa(null as never) } }))
      .toBe('[prod/gw] sizing.autoscaling: null is not an Autoscaling object. Fix: give an object such as { minReplicas, maxReplicas, targetCpuUtilizationPercent }');
    expect(gatewayError({ servers: SERVERS, sizing: { podDisruptionBudget: DisruptionBudgetSetting.minAvailable('1' as never) } }))
      .toBe('[prod/gw] sizing.podDisruptionBudget.minAvailable: "1" is a string, not a number. '
        + 'Fix: keep at least 1 pod available, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
    expect(gatewayError({ servers: SERVERS, sizing: { podDisruptionBudget: DisruptionBudgetSetting.minAvailable(NaN) } }))
      .toBe('[prod/gw] sizing.podDisruptionBudget.minAvailable: NaN is not a whole number of at least 1. '
        + 'Fix: keep at least 1 pod available, or set podDisruptionBudget: DisruptionBudgetSetting.NONE');
  });

  test('unknown keys, enums, booleans, annotations, names and the control plane', () => {
    expect(gatewayError({ servers: SERVERS, serviceTyp: 'LoadBalancer' }))
      .toBe('[prod/gw] props: "serviceTyp" is not a field of IngressGatewayProps (did you mean "serviceType"?). Fix: rename it to "serviceType"');
    expect(gatewayError({ servers: SERVERS, serviceType: 'Internal' }))
      .toBe('[prod/gw] serviceType: "Internal" is not a GatewayServiceType. Fix: use one of GatewayServiceType.LOAD_BALANCER, GatewayServiceType.NODE_PORT, GatewayServiceType.CLUSTER_IP');
    expect(gatewayError({ servers: SERVERS, createNamespace: 'no' })).toBe('[prod/gw] createNamespace: "no" is a string, not a boolean. Fix: give true or false');
    expect(gatewayError({ servers: SERVERS, serviceAnnotations: { a: 1 } }))
      .toBe('[prod/gw] serviceAnnotations.a: 1 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
    expect(gatewayError({ servers: SERVERS, serviceAnnotations: { 'bad key': 'x' } }))
      .toBe('[prod/gw] serviceAnnotations: "bad key" is not a valid annotation key. Fix: use an optional DNS prefix and a name of at most 63 characters, '
        + 'e.g. "service.beta.kubernetes.io/aws-load-balancer-type"');
    expect(gatewayError({ servers: SERVERS, controlPlane: { revision: '1-30' } }))
      .toBe('[prod/gw] controlPlane: {"revision":"1-30"} is an object, not a MeshControlPlane. Fix: pass the MeshControlPlane construct that injects the gateway');
    expect(gatewayError({ servers: SERVERS, name: '1gw' }))
      .toBe('[prod/gw] name: "1gw" does not start with a letter, which the name of its Service must (a DNS-1035 label). '
        + 'Fix: name the gateway with lowercase letters, digits and "-", starting with a letter, e.g. "ingress-gateway"');
    expect(gatewayError({ servers: SERVERS, environment: { name: 'x' } }))
      .toBe('[prod/gw] environment.production: undefined is missing (EnvironmentProfile requires it). Fix: give production');
    expect(gatewayError('x')).toBe('[prod/gw] props: "x" is a string, not an IngressGatewayProps object. Fix: give an object such as { servers, ... }');
  });

  test('annotations beyond 256 KiB are an error (the API server rejects the Service)', () => {
    expect(gatewayError({ servers: SERVERS, serviceAnnotations: { big: 'x'.repeat(256 * 1024) } }))
      .toBe(`[prod/gw] serviceAnnotations: {"big":"${'x'.repeat(111)}… hold 262147 bytes, more than the 262144 Kubernetes allows for an object's annotations. Fix: shorten the annotations`);
  });

  test('servers: a list of GatewayServer made by the factories', () => {
    expect(gatewayError({ servers: SERVERS[0] }))
      .toBe('[prod/gw] servers: GatewayServer {"config":{"kind":"http","http":{"hosts":["bookinfo.example.com"]}}} is a GatewayServer, not a list. '
        + 'Fix: pass servers: [GatewayServer.https({...})]');
    expect(gatewayError({ servers: [{ hosts: ['a.example.com'] }] }))
      .toBe('[prod/gw] servers[0]: {"hosts":["a.example.com"]} is an object, not a GatewayServer. Fix: build servers with GatewayServer.http(), .https() or .tlsPassthrough()');
    const gw = new IngressGateway(meshChart(), 'gw', { servers: SERVERS });
    expect(errorOf(() => gw.addServer({} as never)))
      .toBe('[prod/gw] servers[1]: {} is an object, not a GatewayServer. Fix: build servers with GatewayServer.http(), .https() or .tlsPassthrough()');
  });
});

describe('GatewayServer options, checked by the gateway', () => {
  test('unknown keys, null and wrong types', () => {
    expect(serverError(GatewayServer.http({ hosts: ['a.example.com'], prot: 80 } as never)))
      .toBe('[prod/gw] servers[0]: "prot" is not a field of HttpServerOptions (did you mean "port"?). Fix: rename it to "port"');
    expect(serverError(GatewayServer.http(null as never))).toBe('[prod/gw] servers[0]: null is not a HttpServerOptions object. Fix: give an object such as { hosts, ... }');
    expect(serverError(GatewayServer.http({ hosts: 'a.example.com' as never })))
      .toBe('[prod/gw] servers[0].hosts: "a.example.com" is a string, not a list. Fix: list the hosts it serves, e.g. ["bookinfo.example.com"]');
    expect(serverError(GatewayServer.http({ hosts: ['a.example.com'], name: 80 as never })))
      .toBe('[prod/gw] servers[0].name: 80 is a number, not a string. Fix: use e.g. "http-80"');
    expect(serverError(GatewayServer.https({ hosts: ['a.example.com'], credentialName: 'x', redirectHttp: 'yes' as never })))
      .toBe('[prod/gw] servers[0].redirectHttp: "yes" is a string, not a boolean. Fix: give true or false');
    expect(serverError(GatewayServer.https({ hosts: ['a.example.com'], certificateFiles: { serverCert: '/a', privateKey: '/b' } as never })))
      .toBe('[prod/gw] servers[0].certificateFiles: "serverCert" is not a field of CertificateFiles. Fix: drop it; CertificateFiles has serverCertificate, privateKey, caCertificates');
    expect(serverError(GatewayServer.tlsPassthrough({ hosts: ['a.example.com'], port: '443' as never })))
      .toBe('[prod/gw] servers[0].port: "443" is not a port number 1–65535. Fix: use a port number such as 80 or 443');
  });

  test('credentialNames: one or two (the Gateway schema\'s limits), as a list', () => {
    expect(serverError(GatewayServer.https({ hosts: ['a.example.com'], credentialNames: ['a', 'b', 'c'] })))
      .toBe('[prod/gw] servers[0].credentialNames: ["a","b","c"] does not hold one or two secret names (ISTIO-RULES G3). Fix: give e.g. ["site-rsa", "site-ecdsa"], or use credentialName for one');
    expect(serverError(GatewayServer.https({ hosts: ['a.example.com'], credentialNames: 'a' as never })))
      .toBe('[prod/gw] servers[0].credentialNames: "a" is a string, not a list. Fix: give e.g. ["site-rsa", "site-ecdsa"], or use credentialName for one');
  });
});

describe('IngressGateway.addRoute and GatewayRoute options at the API boundary', () => {
  test('the id and the options are checked before the route exists', () => {
    const gw = new IngressGateway(meshChart(), 'gw', { servers: SERVERS });
    expect(errorOf(() => gw.addRoute(5 as never, ROUTE))).toBe('[prod/gw] addRoute(id): 5 is a number, not a string. Fix: give the child an id, e.g. "bookinfo"');
    gw.addRoute('r', ROUTE);
    expect(errorOf(() => gw.addRoute('r', ROUTE))).toBe('[prod/gw] addRoute(id): "r" is already the id of a child of this gateway. Fix: give each route its own id');
    expect(errorOf(() => gw.addRoute('s', 'x' as never)))
      .toBe('[prod/gw] addRoute("s", options): "x" is a string, not a GatewayRouteOptions object. Fix: give an object such as { hosts, destination, ... }');
    expect(errorOf(() => gw.addRoute('s', { ...ROUTE, gateway: 1 } as never)))
      .toBe('[prod/gw] addRoute("s", options): "gateway" is not a field of GatewayRouteOptions. Fix: drop it: addRoute binds the route to this gateway');
  });

  test('the route reports its options under its own path', () => {
    expect(routeError({ ...ROUTE, hosts: undefined, host: ['bookinfo.example.com'] }))
      .toBe('[prod/gw/r] props: "host" is not a field of GatewayRouteProps (did you mean "hosts"?). Fix: rename it to "hosts"');
    expect(routeError({ ...ROUTE, destination: { host: 'productpage.bookinfo.svc.cluster.local', prot: 9080 } }))
      .toBe('[prod/gw/r] destination: "prot" is not a field of GatewayRouteDestination (did you mean "port"?). Fix: rename it to "port"');
    expect(routeError({ ...ROUTE, destination: 'productpage' }))
      .toBe('[prod/gw/r] destination: "productpage" is a string, not a GatewayRouteDestination object. Fix: give an object such as { host, ... }');
    expect(routeError({ ...ROUTE, hosts: 'bookinfo.example.com' }))
      .toBe('[prod/gw/r] hosts: "bookinfo.example.com" is a string, not a list. Fix: list the hosts to route, e.g. ["bookinfo.example.com"]');
    expect(routeError({ ...ROUTE, kind: 'grpc' })).toBe('[prod/gw/r] kind: "grpc" is not a GatewayRouteKind. Fix: use one of GatewayRouteKind.HTTP, GatewayRouteKind.TLS_PASSTHROUGH');
    expect(routeError({ ...ROUTE, applyHostRoutes: 'true' })).toBe('[prod/gw/r] applyHostRoutes: "true" is a string, not a boolean. Fix: give true or false');
    expect(routeError({ ...ROUTE, pathPrefix: 5 })).toBe('[prod/gw/r] pathPrefix: 5 is a number, not a string. Fix: start it with "/", e.g. "/productpage"');
    expect(routeError({ ...ROUTE, destination: { ...ROUTE.destination, subsetName: 1 } }))
      .toBe('[prod/gw/r] destination.subsetName: 1 is a number, not a string. Fix: name the subset like "v1"');
  });
});

describe('EgressGateway and routeExternalHost at the API boundary', () => {
  function egress() {
    const chart = meshChart(Environment.PROD);
    const gateway = new EgressGateway(chart, 'egw');
    const service = new ExternalService(chart, 'stripe', {
      namespace: 'istio-system', hosts: ['api.stripe.com'], ports: [{ number: 443, protocol: ServiceProtocol.TLS }], resolution: ServiceResolution.DNS,
    });
    return { chart, gateway, service };
  }

  test('an egress gateway has no servers prop', () => {
    expect(errorOf(() => new EgressGateway(meshChart(), 'egw', { servers: SERVERS } as never)))
      .toBe('[prod/egw] props: "servers" is not a field of MeshGatewayProps. Fix: drop it; MeshGatewayProps has name, namespace, createNamespace, controlPlane, '
        + 'environment, sizing, serviceType, serviceAnnotations, externalTrafficPolicy, priorityClass, zoneSpreading, target');
  });

  test('the options of a route: an object, no unknown key, a port number', () => {
    const { gateway, service } = egress();
    expect(errorOf(() => gateway.routeExternalHost('r', 'x' as never)))
      .toBe('[prod/egw] routeExternalHost("r", options): "x" is a string, not an EgressRouteOptions object. Fix: give an object such as { service, ... }');
    expect(errorOf(() => gateway.routeExternalHost('r', { service, hots: 'api.stripe.com' } as never)))
      .toBe('[prod/egw/r] props: "hots" is not a field of EgressRouteProps (did you mean "host"?). Fix: rename it to "host"');
    expect(errorOf(() => gateway.routeExternalHost('p', { service, port: '443' as never })))
      .toBe('[prod/egw/p] port: "443" is not a port number 1–65535. Fix: name one of the service\'s port numbers');
  });

  test('a valid route still synthesizes', () => {
    const { chart, gateway, service } = egress();
    gateway.routeExternalHost('stripe', { service });
    expect(synthValid(chart).filter((o) => o.kind === 'VirtualService').map((o) => o.metadata.name)).toStrictEqual(['stripe']);
  });
});
