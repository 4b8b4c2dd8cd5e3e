import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildApp } from '../../apps/main';
import { ManifestObject, MeshApp } from '../../lib';
import { expectValidManifests } from '../support/validate';

const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-security-'));
const outputs = buildApp(new MeshApp({ outdir: tmp })).synthOutputs();
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

type Obj = ManifestObject & { spec?: any };

function objectsOf(env: string): Obj[] {
  const out = outputs.find((o) => o.chart === env);
  if (!out) {
    throw new Error(`no chart ${env}`);
  }
  return [...out.gitops, ...out.istioctl] as Obj[];
}

function find(objects: Obj[], kind: string, name: string, namespace: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name && o.metadata.namespace === namespace);
  if (!found) {
    throw new Error(`no ${kind} ${namespace}/${name}`);
  }
  return found;
}

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
    expect(find(prod, 'AuthorizationPolicy', 'productpage-from-ingress', 'bookinfo').spec).toStrictEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'ALLOW',
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/istio-ingress/sa/ingress-gateway'] } }],
        to: [{ operation: { methods: ['GET'], ports: ['9080'] } }],
      }],
    });
    expect(find(prod, 'AuthorizationPolicy', 'reviews-from-productpage', 'bookinfo').spec).toStrictEqual({
      selector: { matchLabels: { app: 'reviews' } },
      action: 'ALLOW',
      rules: [{
        from: [{ source: { principals: ['cluster.local/ns/bookinfo/sa/bookinfo-productpage'] } }],
        to: [{ operation: { methods: ['GET'], paths: ['/reviews/*'], ports: ['9080'] } }],
      }],
    });
    expect(find(prod, 'ServiceAccount', 'bookinfo-productpage', 'bookinfo')).toBeDefined();
    // Every call Bookinfo makes has its allow, from the caller's identity only.
    const allowed = (name: string) => {
      const rule = find(prod, 'AuthorizationPolicy', name, 'bookinfo').spec.rules[0];
      return [rule.from[0].source.principals[0], rule.to[0].operation.methods.join(','), (rule.to[0].operation.paths ?? []).join(',')];
    };
    expect(allowed('productpage-login-from-ingress')).toStrictEqual(['cluster.local/ns/istio-ingress/sa/ingress-gateway', 'POST', '/login']);
    expect(allowed('details-from-productpage')).toStrictEqual(['cluster.local/ns/bookinfo/sa/bookinfo-productpage', 'GET', '/details/*']);
    expect(allowed('ratings-from-reviews')).toStrictEqual(['cluster.local/ns/bookinfo/sa/bookinfo-reviews', 'GET', '/ratings/*']);
    expect(find(prod, 'Deployment', 'reviews-v2', 'bookinfo').spec.template.spec.serviceAccountName).toBe('bookinfo-reviews');
    // No ALLOW policy admits everything, and no DENY policy overrides the explicit allows wholesale.
    const policies = prod.filter((o) => o.kind === 'AuthorizationPolicy');
    expect(policies.filter((p) => JSON.stringify(p.spec.rules) === '[{}]')).toStrictEqual([]);
  });

  test('3. REGISTRY_ONLY outbound traffic', () => {
    const op = prod.find((o) => o.kind === 'IstioOperator') as Obj;
    expect(op.spec.meshConfig.outboundTrafficPolicy).toStrictEqual({ mode: 'REGISTRY_ONLY' });
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

  test('5. JWT on productpage: RequestAuthentication plus a token requirement on /api/*', () => {
    const ra = find(prod, 'RequestAuthentication', 'productpage-jwt', 'bookinfo');
    expect(ra.spec.selector).toStrictEqual({ matchLabels: { app: 'productpage' } });
    expect(ra.spec.jwtRules[0]).toMatchObject({ issuer: 'https://auth.example.com', jwks_uri: 'https://auth.example.com/.well-known/jwks.json' });
    expect(find(prod, 'AuthorizationPolicy', 'productpage-jwt-require-token', 'bookinfo').spec).toStrictEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*', '/api'] } }] }],
    });
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
    expect(find(dev, 'NetworkPolicy', 'istiod-1-30-3', 'istio-system')).toBeDefined();
  });
});
