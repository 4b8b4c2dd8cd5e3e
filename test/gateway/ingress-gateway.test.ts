import { Duration } from 'cdk8s';
import { Construct } from 'constructs';
import * as fc from 'fast-check';
import {
  AutoscalingSetting, DisruptionBudgetSetting,
  CanaryRelease, Environment, ExternalTrafficPolicy, GatewayServer, Subset, GatewayServiceType, IngressGateway, IngressGatewayProps, MeshControlPlane, MeshNamespace,
  GatewayRouteKind, ServerTlsMode, TlsProtocolVersion,
} from '../../lib';
import { expectValidManifests } from '../support/validate';
import { findingsOf } from '../support/charts';
import { find, meshChart, Obj, synth, synthError, synthValid, thrown } from './support';

const HTTPS = GatewayServer.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-tls', redirectHttp: true });

/** GIVEN a chart of `env` WHEN an ingress gateway with `props` is added THEN its synthesized, validated objects. */
function gatewayObjects(props: IngressGatewayProps = { servers: [HTTPS] }, env = Environment.PROD): Obj[] {
  const chart = meshChart(env);
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { revision: '1-30-3' });
  new IngressGateway(chart, 'ingress-gateway', { controlPlane, ...props });
  const objects = synth(chart);
  expectValidManifests(objects);
  return objects;
}

function errorFor(props: IngressGatewayProps): string {
  return thrown(() => new IngressGateway(meshChart(), 'gw', props));
}

describe('IngressGateway workload', () => {
  const objects = gatewayObjects();
  const deployment = find(objects, 'Deployment', 'ingress-gateway', 'istio-ingress');
  const pod = deployment.spec.template;

  test('PROD sizing: guide requests/limits, HPA 3-10 at 60% CPU, PDB maxUnavailable 1 (scales with the HPA), preferred zone anti-affinity', () => {
    expect(pod.spec.containers[0].resources).toStrictEqual({ requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '2', memory: '2Gi' } });
    const hpa = find(objects, 'HorizontalPodAutoscaler', 'ingress-gateway', 'istio-ingress');
    expect(hpa.spec.minReplicas).toBe(3);
    expect(hpa.spec.maxReplicas).toBe(10);
    expect(hpa.spec.metrics).toStrictEqual([{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }]);
    expect(hpa.spec.scaleTargetRef).toStrictEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'ingress-gateway' });
    expect(deployment.spec.replicas).toBeUndefined();
    const pdb = find(objects, 'PodDisruptionBudget', 'ingress-gateway', 'istio-ingress');
    expect(pdb.spec).toStrictEqual({ maxUnavailable: 1, selector: { matchLabels: { app: 'ingress-gateway', istio: 'ingress-gateway' } } });
    expect(pod.spec.affinity).toStrictEqual({
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { labelSelector: { matchLabels: { app: 'ingress-gateway', istio: 'ingress-gateway' } }, topologyKey: 'topology.kubernetes.io/zone' },
        }],
      },
    });
  });

  test('DEV: one replica, no HPA, no PDB, no anti-affinity', () => {
    const dev = gatewayObjects(undefined, Environment.DEV);
    const d = find(dev, 'Deployment', 'ingress-gateway');
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.template.spec.affinity).toBeUndefined();
    expect(dev.filter((o) => o.kind === 'HorizontalPodAutoscaler' || o.kind === 'PodDisruptionBudget')).toStrictEqual([]);
  });

  test('sizing overrides win over the environment', () => {
    const o = gatewayObjects({ servers: [HTTPS], sizing: { autoscaling: AutoscalingSetting.NONE, podDisruptionBudget: DisruptionBudgetSetting.NONE, replicas: 4 } });
    expect(find(o, 'Deployment', 'ingress-gateway').spec.replicas).toBe(4);
    expect(o.filter((x) => x.kind === 'HorizontalPodAutoscaler' || x.kind === 'PodDisruptionBudget')).toStrictEqual([]);
  });

  test('pods are set up for gateway injection: template annotation, inject label, revision, image auto, istio-proxy', () => {
    expect(pod.metadata.annotations['inject.istio.io/templates']).toBe('gateway');
    expect(pod.metadata.labels['sidecar.istio.io/inject']).toBe('true');
    expect(pod.metadata.labels['istio.io/rev']).toBe('1-30-3');
    expect(pod.spec.containers).toHaveLength(1);
    expect(pod.spec.containers[0].name).toBe('istio-proxy');
    expect(pod.spec.containers[0].image).toBe('auto');
    expect(pod.spec.securityContext.sysctls).toStrictEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }]);
    expect(pod.spec.containers[0].securityContext).toMatchObject({
      runAsUser: 1337, runAsGroup: 1337, runAsNonRoot: true, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, privileged: false,
      capabilities: { drop: ['ALL'] },
    });
  });

  test('the Gateway selector, the Service selector and the Deployment selector all match the pod labels', () => {
    const gateway = find(objects, 'Gateway', 'ingress-gateway', 'istio-ingress');
    const service = find(objects, 'Service', 'ingress-gateway', 'istio-ingress');
    for (const selector of [gateway.spec.selector, service.spec.selector, deployment.spec.selector.matchLabels]) {
      expect(Object.keys(selector).length).toBeGreaterThan(0);
      for (const [k, v] of Object.entries(selector)) {
        expect(pod.metadata.labels[k]).toBe(v);
      }
    }
  });

  test('the Deployment selects on the stable gateway labels, not the construct path: renaming the construct changes no selector or pod label', () => {
    expect(deployment.spec.selector).toStrictEqual({ matchLabels: { app: 'ingress-gateway', istio: 'ingress-gateway' } });
    expect(Object.keys(pod.metadata.labels)).not.toContain('cdk8s.io/metadata.addr');
    const chart = meshChart();
    const controlPlane = new MeshControlPlane(chart, 'cp', { revision: '1-30-3' });
    new IngressGateway(chart, 'renamed-construct', { name: 'ingress-gateway', controlPlane, servers: [HTTPS] });
    const renamed = find(synthValid(chart), 'Deployment', 'ingress-gateway', 'istio-ingress');
    expect(renamed.spec.selector).toStrictEqual(deployment.spec.selector);
    expect(renamed.spec.template.metadata.labels).toStrictEqual(pod.metadata.labels);
  });

  test('namespace is created with the revision label', () => {
    const ns = find(objects, 'Namespace', 'istio-ingress');
    expect(ns.metadata.labels).toStrictEqual({ 'istio.io/rev': '1-30-3' });
  });

  test('an existing MeshNamespace is reused; createNamespace: false creates none', () => {
    const chart = meshChart();
    new MeshNamespace(chart, 'istio-ingress');
    new IngressGateway(chart, 'a', { servers: [HTTPS] });
    new IngressGateway(chart, 'b', { createNamespace: false, servers: [GatewayServer.http({ hosts: ['other.example.com'] })] });
    const objs = synthValid(chart);
    // `find` fails unless there is exactly one istio-ingress Namespace: the MeshNamespace's, reused by both gateways.
    expect(find(objs, 'Namespace', 'istio-ingress').metadata.labels).toStrictEqual({ 'istio-injection': 'enabled' });
    expect(objs.filter((o) => o.kind === 'Gateway').map((o) => [o.metadata.name, o.metadata.namespace])).toStrictEqual([['a', 'istio-ingress'], ['b', 'istio-ingress']]);
  });

  test('a MeshNamespace anywhere in the chart\'s tree is reused; one removed from the tree is not', () => {
    // GIVEN a MeshNamespace inside a construct of the chart, and one removed from the chart
    const chart = meshChart();
    new MeshNamespace(new Construct(chart, 'platform'), 'istio-ingress');
    new MeshNamespace(chart, 'removed', { name: 'istio-egress' });
    chart.node.tryRemoveChild('removed');
    // WHEN
    new IngressGateway(chart, 'in', { servers: [HTTPS] });
    new IngressGateway(chart, 'out', { namespace: 'istio-egress', servers: [GatewayServer.http({ hosts: ['other.example.com'] })] });
    // THEN the first gateway creates no Namespace, the second creates its own
    const namespaces = synthValid(chart).filter((o) => o.kind === 'Namespace').map((o) => [o.metadata.name, o.metadata.labels]);
    expect(namespaces).toStrictEqual([['istio-ingress', { 'istio-injection': 'enabled' }], ['istio-egress', { 'istio-injection': 'enabled' }]]);
  });

  test('a MeshNamespace of the same name added after the gateway is a second Namespace object, which the analyzer reports', () => {
    const chart = meshChart();
    new IngressGateway(chart, 'gw', { servers: [HTTPS] });
    new MeshNamespace(chart, 'istio-ingress');
    expect(findingsOf(chart, 'CDK8S-ISTIO-001')).toStrictEqual([
      'Error [CDK8S-ISTIO-001] (Namespace istio-ingress) Namespace istio-ingress is written 2 times (prod/gw/Namespace/Resource, prod/istio-ingress/Resource); '
      + 'a cluster keeps only the last one applied. Fix: give each object its own name, or let one construct own it (two constructs that configure one host share one TrafficHost) '
      + '[construct prod/istio-ingress/Resource]',
    ]);
  });

  test('RBAC is least privilege: get/watch/list secrets of its own namespace, bound to its ServiceAccount only', () => {
    const role = find(objects, 'Role', 'ingress-gateway', 'istio-ingress');
    expect(role.rules).toStrictEqual([{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }]);
    expect(objects.filter((o) => o.kind === 'ClusterRole' || o.kind === 'ClusterRoleBinding')).toStrictEqual([]);
    const binding = find(objects, 'RoleBinding', 'ingress-gateway', 'istio-ingress');
    expect(binding.roleRef).toStrictEqual({ apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'ingress-gateway' });
    expect(binding.subjects).toStrictEqual([{ apiGroup: '', kind: 'ServiceAccount', name: 'ingress-gateway', namespace: 'istio-ingress' }]);
    expect(pod.spec.serviceAccountName).toBe('ingress-gateway');
    expect(pod.spec.automountServiceAccountToken).toBe(false);
  });

  test('Service: LoadBalancer with the status port and every server port', () => {
    const service = find(objects, 'Service', 'ingress-gateway', 'istio-ingress');
    expect(service.spec.type).toBe('LoadBalancer');
    expect(service.spec.ports.map((p: any) => [p.name, p.port, p.targetPort])).toStrictEqual([
      ['status-port', 15021, 15021], ['https-443', 443, 443], ['http-80', 80, 80],
    ]);
  });

  test('Service type, annotations and external traffic policy are configurable', () => {
    const o = gatewayObjects({
      servers: [HTTPS], serviceType: GatewayServiceType.NODE_PORT, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL,
      serviceAnnotations: { 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' },
    });
    const service = find(o, 'Service', 'ingress-gateway');
    expect(service.spec.type).toBe('NodePort');
    expect(service.spec.externalTrafficPolicy).toBe('Local');
    expect(service.metadata.annotations).toStrictEqual({ 'service.beta.kubernetes.io/aws-load-balancer-type': 'nlb' });
    expect(errorFor({ servers: [HTTPS], serviceType: GatewayServiceType.CLUSTER_IP, externalTrafficPolicy: ExternalTrafficPolicy.LOCAL }))
      .toBe('[prod/gw] externalTrafficPolicy: "Local" only applies to LoadBalancer and NodePort Services (Kubernetes rejects it on ClusterIP). Fix: drop it or use serviceType LOAD_BALANCER / NODE_PORT');
  });

  test('name and namespace are checked', () => {
    expect(errorFor({ name: 'Ingress_GW', servers: [HTTPS] })).toMatch(/^\[prod\/gw\] name: "Ingress_GW" is not a DNS label/);
    expect(errorFor({ namespace: 'istio ingress', servers: [HTTPS] })).toMatch(/^\[prod\/gw\] namespace: "istio ingress" is not a DNS label/);
  });
});

describe('Gateway servers', () => {
  test('HTTPS with redirectHttp renders the TLS server and the port-80 redirect (ISTIO-RULES G2)', () => {
    const gateway = find(gatewayObjects(), 'Gateway', 'ingress-gateway');
    expect(gateway.spec.servers).toStrictEqual([
      { hosts: ['bookinfo.example.com'], port: { name: 'https-443', number: 443, protocol: 'HTTPS' }, tls: { mode: 'SIMPLE', credentialName: 'bookinfo-tls' } },
      { hosts: ['bookinfo.example.com'], port: { name: 'http-80', number: 80, protocol: 'HTTP' }, tls: { httpsRedirect: true } },
    ]);
  });

  test('MUTUAL with a CA secret, TLS versions, passthrough and plain HTTP all validate', () => {
    const o = gatewayObjects({
      servers: [
        GatewayServer.https({
          hosts: ['api.example.com'], credentialName: 'api-tls', mode: ServerTlsMode.MUTUAL, caCertCredentialName: 'api-client-ca',
          minProtocolVersion: TlsProtocolVersion.TLSV1_2, maxProtocolVersion: TlsProtocolVersion.TLSV1_3, subjectAltNames: ['spiffe://example.com/client'],
        }),
        GatewayServer.https({ hosts: ['site.example.com'], credentialNames: ['site-rsa', 'site-ecdsa'] }),
        GatewayServer.tlsPassthrough({ hosts: ['db.example.com'] }),
        GatewayServer.http({ hosts: ['*.example.com'] }),
      ],
    });
    const servers = find(o, 'Gateway', 'ingress-gateway').spec.servers;
    expect(servers.map((s: any) => s.port.name)).toStrictEqual(['https-443', 'https-443-2', 'tls-443', 'http-80']);
    expect(servers[0].tls).toStrictEqual({
      mode: 'MUTUAL', credentialName: 'api-tls', caCertCredentialName: 'api-client-ca', subjectAltNames: ['spiffe://example.com/client'],
      minProtocolVersion: 'TLSV1_2', maxProtocolVersion: 'TLSV1_3',
    });
    expect(servers[2].tls).toStrictEqual({ mode: 'PASSTHROUGH' });
    expect(servers[3].tls).toBeUndefined();
  });

  test('certificate files: SIMPLE needs certificate and key; MUTUAL also a CA (ISTIO-RULES G3)', () => {
    const files = { serverCertificate: '/etc/istio/certs/tls.crt', privateKey: '/etc/istio/certs/tls.key' };
    const o = gatewayObjects({ servers: [GatewayServer.https({ hosts: ['a.example.com'], certificateFiles: files })] });
    expect(find(o, 'Gateway', 'ingress-gateway').spec.servers[0].tls).toStrictEqual({ mode: 'SIMPLE', ...files });
    expect(errorFor({ servers: [GatewayServer.https({ hosts: ['a.example.com'], certificateFiles: files, mode: ServerTlsMode.MUTUAL })] }))
      .toBe('[prod/gw] servers[0].certificateFiles.caCertificates: undefined is missing: MUTUAL TLS needs a CA bundle to verify clients (ISTIO-RULES G3). '
        + 'Fix: give the path of the client CA bundle, or use credentialName with a secret holding ca.crt');
    expect(errorFor({ servers: [GatewayServer.https({ hosts: ['a.example.com'], certificateFiles: { ...files, privateKey: '' } })] }))
      .toMatch(/^\[prod\/gw\] servers\[0\]\.certificateFiles\.privateKey: "" is not an absolute file path \(SIMPLE TLS without a credential needs a certificate and a key; ISTIO-RULES G3\)/);
  });

  test.each([
    ['G1: a server without hosts', { servers: [GatewayServer.http({ hosts: [] })] },
      '[prod/gw] servers[0].hosts: [] is empty: every server needs at least one host (ISTIO-RULES G1). Fix: list the hosts it serves, e.g. ["bookinfo.example.com"]'],
    ['G1: duplicate port names', { servers: [GatewayServer.http({ hosts: ['a.example.com'], name: 'web' }), GatewayServer.http({ hosts: ['b.example.com'], port: 8080, name: 'web' })] },
      '[prod/gw] servers[1].name: "web" is already the name of another server of this gateway (port names must be unique; ISTIO-RULES G1). Fix: give each server its own name'],
    ['G1: a port out of range', { servers: [GatewayServer.http({ hosts: ['a.example.com'], port: 0 })] },
      '[prod/gw] servers[0].port: 0 is not a port number 1–65535. Fix: use a port number such as 80 or 443'],
    ['G2: HTTPS without a certificate', { servers: [GatewayServer.https({ hosts: ['a.example.com'] })] },
      '[prod/gw] servers[0].credentialName: undefined is missing: an HTTPS server needs a certificate (ISTIO-RULES G2). Fix: name the Kubernetes TLS secret in the gateway namespace, e.g. credentialName: "bookinfo-tls"'],
    ['G3: two certificate sources', { servers: [GatewayServer.https({ hosts: ['a.example.com'], credentialName: 'a', credentialNames: ['b'] })] },
      '[prod/gw] servers[0].credentialName: "a" is given together with another certificate source (only one of credentialName, credentialNames, certificateFiles; ISTIO-RULES G3). Fix: keep one of them'],
    ['G3: more than two credentialNames', { servers: [GatewayServer.https({ hosts: ['a.example.com'], credentialNames: ['a', 'b', 'c'] })] },
      '[prod/gw] servers[0].credentialNames: ["a","b","c"] does not hold one or two secret names (ISTIO-RULES G3). Fix: give e.g. ["site-rsa", "site-ecdsa"], or use credentialName for one'],
    ['a secret name with capitals', { servers: [GatewayServer.https({ hosts: ['a.example.com'], credentialName: 'Bookinfo_TLS' })] },
      '[prod/gw] servers[0].credentialName: "Bookinfo_TLS" is not a Kubernetes Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".", at most 253 characters). '
      + 'Fix: use lowercase letters, digits, "-" and ".", e.g. "bookinfo-tls"'],
    ['a CA on a SIMPLE server', { servers: [GatewayServer.https({ hosts: ['a.example.com'], credentialName: 'a', caCertCredentialName: 'ca' })] },
      '[prod/gw] servers[0].caCertCredentialName: "ca" is set on a SIMPLE TLS server, which verifies no client certificate. Fix: use mode: ServerTlsMode.MUTUAL or drop it'],
    ['plain HTTP and TLS on one port', { servers: [GatewayServer.http({ hosts: ['a.example.com'], port: 443 }), HTTPS] },
      '[prod/gw] servers[1].port: 443 is already a HTTP port of this gateway (server "http-443"); one port cannot serve plain HTTP and TLS. Fix: use another port number'],
    ['one host twice on one port', { servers: [HTTPS, GatewayServer.tlsPassthrough({ hosts: ['bookinfo.example.com'] })] },
      '[prod/gw] servers[1].hosts: "bookinfo.example.com" is already served on port 443 by server "https-443". Fix: serve each host once per port'],
    ['a malformed host', { servers: [GatewayServer.http({ hosts: ['foo.*.example.com'] })] },
      '[prod/gw] servers[0].hosts[0]: "foo.*.example.com" has an invalid DNS label "*" (a wildcard may only be the whole first label). Fix: use letters, digits and "-" in each label, e.g. "*.example.com" or "api.example.com"'],
    ['TLS versions reversed', { servers: [GatewayServer.https({ hosts: ['a.example.com'], credentialName: 'a', minProtocolVersion: TlsProtocolVersion.TLSV1_3, maxProtocolVersion: TlsProtocolVersion.TLSV1_2 })] },
      '[prod/gw] servers[0].minProtocolVersion: "TLSV1_3" is above maxProtocolVersion TLSV1_2. Fix: lower the minimum or raise the maximum'],
  ])('rejects %s', (_what, props, message) => {
    expect(errorFor(props as IngressGatewayProps)).toBe(message);
  });

  test('G1: a gateway without servers fails at synth', () => {
    const chart = meshChart();
    new IngressGateway(chart, 'gw');
    expect(synthError(chart)).toContain('[prod/gw] servers: [] is empty: a Gateway needs at least one server (ISTIO-RULES G1). Fix: pass servers: [GatewayServer.https({...})] or call addServer()');
  });

  test('property: any set of distinct hosts renders a valid Gateway with unique port names', () => {
    const label = fc.stringMatching(/^[a-z][a-z0-9]{0,10}$/);
    fc.assert(fc.property(fc.uniqueArray(fc.tuple(label, label).map(([a, b]) => `${a}.${b}.example.com`), { minLength: 1, maxLength: 6 }), (hosts) => {
      const chart = meshChart(Environment.DEV);
      const gw = new IngressGateway(chart, 'gw', { servers: hosts.map((h, i) => GatewayServer.https({ hosts: [h], credentialName: `cert-${i}`, redirectHttp: true })) });
      const objects = synth(chart);
      expectValidManifests(objects);
      const names = gw.toGatewaySpec().servers!.map((s) => s.port.name);
      expect(new Set(names).size).toBe(names.length);
      expect(names).toHaveLength(hosts.length * 2);
    }), { numRuns: 25 });
  });
});

describe('routes (VirtualService bound to the gateway)', () => {
  test('addRoute binds a v1 VirtualService by <namespace>/<name>', () => {
    const chart = meshChart();
    const gw = new IngressGateway(chart, 'ingress-gateway', { namespace: 'istio-ingress', servers: [HTTPS] });
    gw.addRoute('bookinfo', {
      hosts: ['bookinfo.example.com'], destination: { host: 'productpage.bookinfo.svc.cluster.local', port: 9080 },
      namespace: 'bookinfo', pathPrefix: '/', timeout: Duration.seconds(15),
    });
    const objects = synth(chart);
    expectValidManifests(objects);
    const vs = find(objects, 'VirtualService', 'bookinfo', 'bookinfo');
    expect(vs.apiVersion).toBe('networking.istio.io/v1');
    expect(vs.spec).toStrictEqual({
      hosts: ['bookinfo.example.com'],
      gateways: ['istio-ingress/ingress-gateway'],
      http: [{ match: [{ uri: { prefix: '/' } }], route: [{ destination: { host: 'productpage.bookinfo.svc.cluster.local', port: { number: 9080 } } }], timeout: '15s' }],
    });
  });

  test('TLS passthrough routes match on SNI', () => {
    const chart = meshChart();
    const gw = new IngressGateway(chart, 'gw', { servers: [GatewayServer.tlsPassthrough({ hosts: ['db.example.com'] })] });
    gw.addRoute('db', { kind: GatewayRouteKind.TLS_PASSTHROUGH, hosts: ['db.example.com'], destination: { host: 'db.data.svc.cluster.local', port: 5432 } });
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'VirtualService', 'db').spec.tls).toStrictEqual([
      { match: [{ sniHosts: ['db.example.com'] }], route: [{ destination: { host: 'db.data.svc.cluster.local', port: { number: 5432 } } }] },
    ]);
  });

  test('a wildcard server covers the route host; a server added after the route counts', () => {
    const chart = meshChart();
    const gw = new IngressGateway(chart, 'gw', { servers: [GatewayServer.http({ hosts: ['*.example.com'] })] });
    gw.addRoute('a', { hosts: ['a.example.com'], destination: { host: 'a.apps.svc.cluster.local' } });
    gw.addRoute('b', { hosts: ['b.example.org'], destination: { host: 'b.apps.svc.cluster.local' } });
    gw.addServer(GatewayServer.http({ hosts: ['b.example.org'] }));
    expectValidManifests(synth(chart));
    expect(findingsOf(chart, 'IST0132')).toStrictEqual([]);
    expect(findingsOf(chart, 'CDK8S-ISTIO-010')).toStrictEqual([]);
  });

  test('IST0132: the analyzer warns about a host no server serves', () => {
    const chart = meshChart();
    const gw = new IngressGateway(chart, 'gw', { servers: [HTTPS] });
    gw.addRoute('shop', { hosts: ['shop.example.com'], destination: { host: 'shop.apps.svc.cluster.local' } });
    expect(findingsOf(chart, 'IST0132')).toStrictEqual([
      'Warning [IST0132] (VirtualService istio-ingress/shop) one or more host [shop.example.com] defined in VirtualService istio-ingress/shop not found in '
        + 'Gateway istio-ingress/gw (spec.gateways[0]). Fix: add a server for the host to istio-ingress/gw, or bind the VirtualService to a Gateway that serves '
        + 'it (server hosts of istio-ingress/gw: ["bookinfo.example.com"]) [construct prod/gw/shop]',
    ]);
  });

  test('IST0132: the namespace part of a server host limits which VirtualServices it serves', () => {
    const chart = meshChart();
    const gw = new IngressGateway(chart, 'gw', { servers: [GatewayServer.http({ hosts: ['team-a/app.example.com'] })] });
    gw.addRoute('ok', { hosts: ['app.example.com'], namespace: 'team-a', destination: { host: 'app.team-a.svc.cluster.local' } });
    gw.addRoute('wrong-ns', { hosts: ['app.example.com'], namespace: 'team-b', destination: { host: 'app.team-a.svc.cluster.local' } });
    expect(findingsOf(chart, 'IST0132')).toStrictEqual([
      'Warning [IST0132] (VirtualService team-b/wrong-ns) one or more host [app.example.com] defined in VirtualService team-b/wrong-ns not found in Gateway '
        + 'istio-ingress/gw (spec.gateways[0]). Fix: add a server for the host to istio-ingress/gw, or bind the VirtualService to a Gateway that serves it '
        + '(server hosts of istio-ingress/gw: ["team-a/app.example.com"]; a host with a namespace part is served to VirtualServices of that namespace only, and '
        + 'this one is in team-b) [construct prod/gw/wrong-ns]',
    ]);
  });

  test('CDK8S-ISTIO-010: the analyzer warns about an HTTP route whose host only a passthrough server serves', () => {
    const chart = meshChart();
    const gw = new IngressGateway(chart, 'gw', { servers: [GatewayServer.tlsPassthrough({ hosts: ['db.example.com'] })] });
    gw.addRoute('db', { hosts: ['db.example.com'], destination: { host: 'db.data.svc.cluster.local' } });
    expect(findingsOf(chart, 'IST0132')).toStrictEqual([]);
    expect(findingsOf(chart, 'CDK8S-ISTIO-010')).toStrictEqual([
      'Warning [CDK8S-ISTIO-010] (VirtualService istio-ingress/db) Gateway istio-ingress/gw serves host db.example.com with TLS passthrough servers only, '
        + 'but the VirtualService has no tls routes: that traffic matches none of its rules (spec.hosts[0]). Fix: add tls routes for db.example.com, or serve '
        + 'the host with a server of the kind the routes are for (e.g. HTTPS with TLS termination for http routes) [construct prod/gw/db]',
    ]);
  });

  test('route input is checked', () => {
    const gw = new IngressGateway(meshChart(), 'gw', { servers: [HTTPS] });
    expect(thrown(() => gw.addRoute('r', { hosts: ['a.example.com', 'a.example.com'], destination: { host: 'a' } })))
      .toBe('[prod/gw/r] hosts: "a.example.com" is listed twice (ISTIO-RULES V6). Fix: list each host once');
    expect(thrown(() => gw.addRoute('r2', { hosts: ['a.example.com'], destination: { host: 'a', port: 70000 } })))
      .toBe('[prod/gw/r2] destination.port: 70000 is not a port number 1–65535. Fix: use a port number such as 80 or 443');
    expect(thrown(() => gw.addRoute('r3', { hosts: ['a.example.com'], destination: { host: 'a' }, timeout: Duration.millis(0.5) })))
      .toMatch(/^\[prod\/gw\/r3\] timeout: "0\.5ms"/);
    expect(thrown(() => gw.addRoute('r4', { kind: GatewayRouteKind.TLS_PASSTHROUGH, hosts: ['a.example.com'], destination: { host: 'a' }, pathPrefix: '/x' })))
      .toBe('[prod/gw/r4] pathPrefix: "/x" applies to HTTP routes only; a passthrough route sees encrypted bytes. Fix: drop it, or terminate TLS with an HTTPS server and an HTTP route');
  });
});

describe('route destinations: hosts and subsets like TrafficHost', () => {
  const gatewayIn = (chart: ReturnType<typeof meshChart>) => new IngressGateway(chart, 'gw', { namespace: 'istio-ingress', servers: [HTTPS] });

  test('a short host resolves in the destination\'s namespace, not the gateway\'s, and is written fully qualified', () => {
    const chart = meshChart();
    const gw = gatewayIn(chart);
    const route = gw.addRoute('shop', { hosts: ['bookinfo.example.com'], destination: { host: 'cart', namespace: 'shop', port: 8080 } });
    expect(route.destinationHost).toBe('cart.shop.svc.cluster.local');
    const vs = find(synthValid(chart), 'VirtualService', 'shop', 'istio-ingress');
    expect(vs.spec.http[0].route).toStrictEqual([{ destination: { host: 'cart.shop.svc.cluster.local', port: { number: 8080 } } }]);
    // Without destination.namespace, the route's own namespace applies (the chart's when that is unset).
    expect(gw.addRoute('r2', { hosts: ['bookinfo.example.com'], namespace: 'shop', destination: { host: 'cart' } }).destinationHost).toBe('cart.shop.svc.cluster.local');
    expect(thrown(() => gw.addRoute('r3', { hosts: ['bookinfo.example.com'], destination: { host: 'cart.shop.svc.cluster.local', namespace: 'other' } })))
      .toBe('[prod/gw/r3] destination.namespace: "other" differs from the namespace of the destination ("shop"). Fix: leave destination.namespace out or set it to "shop"');
  });

  test('IST0101: the analyzer reports a subset name no DestinationRule defines, on the route', () => {
    const chart = meshChart();
    gatewayIn(chart).addRoute('cart', { hosts: ['bookinfo.example.com'], destination: { host: 'cart', namespace: 'shop', subsetName: 'nope' } });
    expect(findingsOf(chart, 'IST0101').filter((f) => f.includes('host+subset'))).toStrictEqual([
      'Error [IST0101] (VirtualService istio-ingress/cart) Referenced host+subset in destinationrule not found: "cart.shop.svc.cluster.local+nope" '
        + '(spec.http[0].route[0].destination.subset). Fix: add a DestinationRule for cart.shop.svc.cluster.local with subset "nope" (visible from namespace '
        + 'istio-ingress), or route to the whole host (no subset) [construct prod/gw/cart]',
    ]);
  });

  test('a subset name some other construct defines, or a Subset the route adds to the host\'s shared DestinationRule', () => {
    const chart = meshChart();
    const gw = gatewayIn(chart);
    new CanaryRelease(chart, 'cart-canary', {
      host: 'cart.shop.svc.cluster.local', stable: Subset.fromLabels('v1', { version: 'v1' }), canary: Subset.fromLabels('v2', { version: 'v2' }),
    });
    gw.addRoute('cart', { hosts: ['bookinfo.example.com'], destination: { host: 'cart', namespace: 'shop', subsetName: 'v2' } });
    gw.addRoute('beta', { hosts: ['beta.example.com'], destination: { host: 'cart.shop.svc.cluster.local', subset: Subset.fromLabels('beta', { version: 'beta' }) } });
    gw.addServer(GatewayServer.http({ hosts: ['beta.example.com'], port: 8080 }));
    const objects = synth(chart);
    expectValidManifests(objects);
    expect(find(objects, 'DestinationRule', 'cart', 'shop').spec.subsets.map((s: { name: string }) => s.name)).toStrictEqual(['v1', 'v2', 'beta']);
    expect(find(objects, 'VirtualService', 'beta', 'istio-ingress').spec.http[0].route[0].destination).toStrictEqual({ host: 'cart.shop.svc.cluster.local', subset: 'beta' });
    expect(findingsOf(chart, 'IST0101').filter((f) => f.includes('host+subset'))).toStrictEqual([]);
  });

  test('a subset name that is no DNS label', () => {
    const gw = gatewayIn(meshChart());
    expect(thrown(() => gw.addRoute('r', { hosts: ['bookinfo.example.com'], destination: { host: 'cart', namespace: 'shop', subsetName: 'V_1' } })))
      .toContain('[prod/gw/r] destination.subsetName: "V_1" is not a subset name');
  });

  test('a name given as subset, or both subset and subsetName, is an error that says which to use', () => {
    const gw = gatewayIn(meshChart());
    const v1 = Subset.fromLabels('v1', { version: 'v1' });
    // GIVEN a JavaScript caller passing a name where a Subset belongs WHEN routed THEN the fix names subsetName
    expect(thrown(() => gw.addRoute('r', { hosts: ['bookinfo.example.com'], destination: { host: 'cart', namespace: 'shop', subset: 'v1' as unknown as Subset } })))
      .toBe('[prod/gw/r] destination.subset: "v1" is a string, not a Subset. Fix: give subsetName: "v1" for a subset defined elsewhere');
    expect(thrown(() => gw.addRoute('s', { hosts: ['bookinfo.example.com'], destination: { host: 'cart', namespace: 'shop', subset: v1, subsetName: 'v1' } })))
      .toBe('[prod/gw/s] destination.subsetName: "v1" is given together with destination.subset. Fix: give one: subset defines the subset here, subsetName names one defined elsewhere');
  });
});

describe('chart-level gateway conflicts', () => {
  test('IST0145 and IST0138: two gateways with the same selector serving one host on one port with one certificate', () => {
    // GIVEN two gateways named alike (so with one selector) in two namespaces, serving one host with one certificate
    const chart = meshChart();
    new IngressGateway(chart, 'a', { name: 'edge', namespace: 'edge-a', servers: [HTTPS] });
    new IngressGateway(chart, 'b', { name: 'edge', namespace: 'edge-b', servers: [HTTPS] });
    // WHEN the chart is analyzed THEN each Gateway conflicts with the other on both ports and shares its certificate
    const conflict = (gw: string, other: string, server: number, port: number) => `Error [IST0145] (Gateway ${gw}) Conflict with gateways ${other} `
      + `(workload selector app=edge,istio=edge, port ${port}, hosts bookinfo.example.com) (spec.servers[${server}]). Fix: serve each host on port ${port} of these `
      + `gateway pods from one Gateway (merge the servers into one), or give the Gateways selectors that pick different pods [construct prod/${gw === 'edge-a/edge' ? 'a' : 'b'}]`;
    expect(findingsOf(chart, 'IST0145')).toStrictEqual([
      conflict('edge-a/edge', 'edge-b/edge', 0, 443), conflict('edge-a/edge', 'edge-b/edge', 1, 80),
      conflict('edge-b/edge', 'edge-a/edge', 0, 443), conflict('edge-b/edge', 'edge-a/edge', 1, 80),
    ]);
    const duplicate = (gws: string, path: string) => `Warning [IST0138] (Gateway ${gws.split(' ')[0]}) Duplicate certificate in multiple gateways [${gws}] may cause 404s `
      + 'if clients re-use HTTP2 connections (spec.servers[0].tls.credentialName). Fix: serve the hosts of one certificate from one Gateway (one server listing them all), '
      + `or give each Gateway its own certificate [construct prod/${path}]`;
    expect(findingsOf(chart, 'IST0138')).toStrictEqual([duplicate('edge-a/edge edge-b/edge', 'a'), duplicate('edge-b/edge edge-a/edge', 'b')]);
    // AND the constructs themselves accept it: the analyzer (MeshApp) is what fails the synth
    expectValidManifests(synth(chart));
  });

  test('gateways with different names do not conflict', () => {
    const chart = meshChart();
    new IngressGateway(chart, 'a', { servers: [HTTPS] });
    new IngressGateway(chart, 'b', { servers: [HTTPS], createNamespace: false });
    expectValidManifests(synth(chart));
    expect(findingsOf(chart, 'IST0145')).toStrictEqual([]);
    expect(findingsOf(chart, 'IST0138')).toStrictEqual([]);
  });
});
