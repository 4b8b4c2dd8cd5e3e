import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { MeshApp } from '../../lib';
import { find, Obj } from '../support/charts';
import { expectValidManifests } from '../support/validate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-security-'));
const app = buildApp(new MeshApp({ outdir: tmp, printSummary: false }));
// The ingress gateway's TLS secret is issued outside the output (the analyzer reports it missing otherwise).
const outputs = app.synthOutputs();
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

function objectsOf(env: string): Obj[] {
  const out = outputs.find((o) => o.chart === env);
  if (!out) {
    throw new Error(`no chart ${env}`);
  }
  return [...out.controlPlane, ...out.gitops, ...out.istioctl] as Obj[];
}

const INGRESS = 'cluster.local/ns/istio-ingress/sa/ingress-gateway';
const PRODUCTPAGE = 'cluster.local/ns/bookinfo/sa/bookinfo-productpage';
const REVIEWS = 'cluster.local/ns/bookinfo/sa/bookinfo-reviews';

/** One rule of an ALLOW policy: one caller identity, `methods` (on `paths`) at port 9080. */
function allowRule(principal: string, methods: string[], paths?: string[]): object {
  return { from: [{ source: { principals: [principal] } }], to: [{ operation: { methods, ...(paths ? { paths } : {}), ports: ['9080'] } }] };
}

/** The ALLOW policy the service graph derives for a called service: its pods, one rule per call. */
function allowSpec(app: string, rules: object[]): object {
  return { selector: { matchLabels: { app } }, action: 'ALLOW', rules };
}

/** Every call Bookinfo makes, as the ALLOW policy (named as the called service) the graph derives. */
const ALLOWS: [string, object][] = [
  ['productpage', allowSpec('productpage', [allowRule(INGRESS, ['GET']), allowRule(INGRESS, ['POST'], ['/login'])])],
  ['details', allowSpec('details', [allowRule(PRODUCTPAGE, ['GET'], ['/details/*'])])],
  ['reviews', allowSpec('reviews', [allowRule(PRODUCTPAGE, ['GET'], ['/reviews/*'])])],
  ['ratings', allowSpec('ratings', [allowRule(REVIEWS, ['GET'], ['/ratings/*'])])],
];
/** How many calls (rules) that is. */
const CALLS = 5;

describe('PROD is secure by default', () => {
  const prod = objectsOf('prod');

  test('passes the Istio schema and CEL rules', () => {
    expectValidManifests(prod);
  });

  test('1. mesh-wide STRICT mTLS in the root namespace, without selector', () => {
    const pa = find(prod, 'PeerAuthentication', 'default', 'istio-system');
    expect(pa.spec).toStrictEqual({ mtls: { mode: 'STRICT' } });
    expect(prod.filter((o) => o.kind === 'PeerAuthentication')).toHaveLength(1);
  });

  test('2. deny-all baseline in bookinfo with explicit allows by SPIFFE identity', () => {
    expect(find(prod, 'AuthorizationPolicy', 'allow-nothing', 'bookinfo').spec).toStrictEqual({});
    // Every call Bookinfo makes has its allow, from the caller's identity only.
    for (const [name, spec] of ALLOWS) {
      expect([name, find(prod, 'AuthorizationPolicy', name, 'bookinfo').spec]).toStrictEqual([name, spec]);
    }
    // The identities exist, without an automounted token, and each service's pods run as its own.
    for (const app of ['productpage', 'details', 'reviews', 'ratings']) {
      const name = `bookinfo-${app}`;
      expect(find(prod, 'ServiceAccount', name, 'bookinfo')).toStrictEqual({
        apiVersion: 'v1', kind: 'ServiceAccount', automountServiceAccountToken: false, metadata: { name, namespace: 'bookinfo', labels: { account: app } },
      });
      const deployments = prod.filter((o) => o.kind === 'Deployment' && o.spec.template.metadata.labels.app === app);
      expect(deployments.length).toBeGreaterThan(0);
      for (const deployment of deployments) {
        expect([deployment.metadata.name, deployment.spec.template.spec.serviceAccountName]).toStrictEqual([deployment.metadata.name, name]);
      }
    }
    // No policy has a rule that matches every request, and the only DENY policy is the JWT requirement (test 5).
    const policies = prod.filter((o) => o.kind === 'AuthorizationPolicy');
    expect(policies.map((p) => p.metadata.name).sort()).toStrictEqual(
      ['allow-nothing', 'productpage-jwt-require-token', ...ALLOWS.map(([name]) => name)].sort());
    const rules = policies.flatMap((p) => (p.spec.rules ?? []).map((rule: Record<string, unknown[]>) => [p.metadata.name, rule] as const));
    expect(rules).toHaveLength(CALLS + 1);
    for (const [name, rule] of rules) {
      const parts = Object.entries(rule);
      expect([name, parts.length]).not.toStrictEqual([name, 0]);
      for (const [field, entries] of parts) {
        expect([name, field, Array.isArray(entries) && entries.length > 0]).toStrictEqual([name, field, true]);
      }
    }
    expect(policies.filter((p) => p.spec.action === 'DENY').map((p) => p.metadata.name)).toStrictEqual(['productpage-jwt-require-token']);
  });

  test('3. REGISTRY_ONLY outbound traffic', () => {
    // PROD installs istiod with the Helm chart through Flux: the mesh config is in the release's values.
    const release = find(prod, 'HelmRelease', 'istiod-1-30-3', 'flux-system');
    expect(release.spec.values.meshConfig.outboundTrafficPolicy).toStrictEqual({ mode: 'REGISTRY_ONLY' });
  });

  test('4. istiod NetworkPolicy: xDS from mesh and ingress namespaces, metrics from monitoring, webhook port', () => {
    const np = find(prod, 'NetworkPolicy', 'istiod-1-30-3', 'istio-system');
    expect(np.spec.podSelector).toStrictEqual({ matchLabels: { 'app': 'istiod', 'istio.io/rev': '1-30-3' } });
    const rules = np.spec.ingress as { from?: unknown[]; ports: { port: number }[] }[];
    const xds = rules.find((r) => r.ports.some((p) => p.port === 15012))!;
    expect(xds.from).toContainEqual({ namespaceSelector: { matchExpressions: [{ key: 'istio.io/rev', operator: 'Exists' }] } });
    expect(xds.ports).toStrictEqual([{ port: 15012, protocol: 'TCP' }]);
    expect(xds.from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-ingress' } } });
    expect(rules.find((r) => r.ports.some((p) => p.port === 15014))!.from)
      .toStrictEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }]);
    expect(rules.find((r) => r.ports.some((p) => p.port === 15017))).toStrictEqual({ ports: [{ port: 15017, protocol: 'TCP' }] });
  });

  test('5. JWT on productpage: RequestAuthentication plus a token requirement on /api/* of its HTTP port', () => {
    const ra = find(prod, 'RequestAuthentication', 'productpage-jwt', 'bookinfo');
    expect(ra.spec.selector).toStrictEqual({ matchLabels: { app: 'productpage' } });
    expect(ra.spec.jwtRules[0]).toMatchObject({ issuer: 'https://auth.example.com', jwks_uri: 'https://auth.example.com/.well-known/jwks.json' });
    expect(find(prod, 'AuthorizationPolicy', 'productpage-jwt-require-token', 'bookinfo').spec).toStrictEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*', '/api'], ports: ['9080'] } }] }],
    });
  });
});

describe('every environment', () => {
  test.each(['dev', 'staging', 'prod'])('%s: one ALLOW rule per Bookinfo call, from the caller\'s identity, GET (or the sign-in POST) on 9080', (env) => {
    const objs = objectsOf(env);
    for (const [name, spec] of ALLOWS) {
      expect([name, find(objs, 'AuthorizationPolicy', name, 'bookinfo').spec]).toStrictEqual([name, spec]);
    }
    expect(objs.filter((o) => o.kind === 'AuthorizationPolicy' && o.metadata.namespace === 'bookinfo' && o.spec.action === 'ALLOW').map((o) => o.metadata.name).sort())
      .toStrictEqual(ALLOWS.map(([name]) => name).sort());
    // Every workload an ALLOW admits exists, and every caller identity is the account of a Deployment's pods.
    const principals = new Set(objs.filter((o) => o.kind === 'Deployment')
      .map((d) => `cluster.local/ns/${d.metadata.namespace}/sa/${d.spec.template.spec.serviceAccountName}`));
    for (const [name] of ALLOWS) {
      const policy = find(objs, 'AuthorizationPolicy', name, 'bookinfo');
      const selected = objs.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === 'bookinfo'
        && Object.entries(policy.spec.selector.matchLabels).every(([k, v]) => o.spec.template.metadata.labels[k] === v));
      expect([name, selected.length > 0]).toStrictEqual([name, true]);
      for (const rule of policy.spec.rules) {
        for (const principal of rule.from[0].source.principals) expect([name, principals.has(principal)]).toStrictEqual([name, true]);
      }
    }
  });
});

describe('other environments', () => {
  test('STAGING is STRICT too', () => {
    expect(find(objectsOf('staging'), 'PeerAuthentication', 'default', 'istio-system').spec.mtls.mode).toBe('STRICT');
  });

  test('DEV relaxes mTLS to PERMISSIVE through the explicit switch, and keeps the rest', () => {
    const dev = objectsOf('dev');
    expect(find(dev, 'PeerAuthentication', 'default', 'istio-system').spec.mtls.mode).toBe('PERMISSIVE');
    expect(find(dev, 'AuthorizationPolicy', 'allow-nothing', 'bookinfo').spec).toStrictEqual({});
    expect(find(dev, 'NetworkPolicy', 'istiod-1-30-3', 'istio-system').spec).toStrictEqual(find(objectsOf('prod'), 'NetworkPolicy', 'istiod-1-30-3', 'istio-system').spec);
  });
});
