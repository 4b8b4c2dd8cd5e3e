import { Duration } from 'cdk8s';
import { JwtAuthentication, JwtAuthenticationProps, JwtIssuer, TokenRequirement, TokenRequirementKind, WorkloadSelector } from '../../lib';
import { findingsOf } from '../support/charts';
import { expectValidManifests } from '../support/validate';
import { errorOf, find, Obj, prodChart } from './support';

const productpage = WorkloadSelector.labels({ app: 'productpage' });
const issuer: JwtIssuer = { issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' };

function synth(props: Partial<JwtAuthenticationProps> = {}): Obj[] {
  const chart = prodChart();
  new JwtAuthentication(chart, 'jwt', { namespace: 'bookinfo', selector: productpage, issuers: [issuer], ...props });
  const objects = chart.toJson() as Obj[];
  expectValidManifests(objects);
  return objects;
}

function issuerError(i: JwtIssuer): string {
  return errorOf(() => new JwtAuthentication(prodChart(), 'jwt', { namespace: 'bookinfo', issuers: [i] }));
}

describe('JwtAuthentication output', () => {
  test('RequestAuthentication with every option, and by default a DENY policy requiring a token everywhere', () => {
    // GIVEN / WHEN
    const objects = synth({
      issuers: [{
        ...issuer,
        audiences: ['bookinfo'],
        forwardOriginalToken: true,
        fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
        fromParams: ['token'],
        outputPayloadToHeader: 'x-jwt-payload',
        outputClaimToHeaders: [{ claim: 'sub', header: 'x-jwt-sub' }],
        timeout: Duration.millis(1500),
      }],
    });
    // THEN
    expect(find(objects, 'RequestAuthentication', 'jwt')).toStrictEqual({
      apiVersion: 'security.istio.io/v1',
      kind: 'RequestAuthentication',
      metadata: { name: 'jwt', namespace: 'bookinfo' },
      spec: {
        selector: { matchLabels: { app: 'productpage' } },
        jwtRules: [{
          audiences: ['bookinfo'],
          forwardOriginalToken: true,
          fromHeaders: [{ name: 'Authorization', prefix: 'Bearer ' }],
          fromParams: ['token'],
          issuer: 'https://auth.example.com',
          jwks_uri: 'https://auth.example.com/.well-known/jwks.json',
          outputClaimToHeaders: [{ claim: 'sub', header: 'x-jwt-sub' }],
          outputPayloadToHeader: 'x-jwt-payload',
          timeout: '1500ms',
        }],
      },
    });
    expect(find(objects, 'AuthorizationPolicy', 'jwt-require-token').spec).toStrictEqual({
      selector: { matchLabels: { app: 'productpage' } },
      action: 'DENY',
      rules: [{ from: [{ source: { notRequestPrincipals: ['*'] } }] }],
    });
  });

  test('onPaths: only those paths of the HTTP ports need a token', () => {
    const policy = find(synth({ requireToken: TokenRequirement.onPaths(['/api/*']), ports: [9080, 8080] }), 'AuthorizationPolicy', 'jwt-require-token');
    expect(policy.spec.rules).toStrictEqual([{ from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*', '/api'], ports: ['9080', '8080'] } }] }]);
    expect(policy.metadata.annotations).toBeUndefined();
  });

  test('exceptPaths with specific request principals', () => {
    const policy = find(synth({ requireToken: TokenRequirement.exceptPaths(['/healthz'], { principals: ['https://auth.example.com/ci-bot'] }) }), 'AuthorizationPolicy', 'jwt-require-token');
    expect(policy.spec.rules).toStrictEqual([{ from: [{ source: { notRequestPrincipals: ['https://auth.example.com/ci-bot'] } }], to: [{ operation: { notPaths: ['/healthz'] } }] }]);
  });

  test('a TokenRequirement has an enum kind and keeps its own copy of the paths and principals', () => {
    const paths = ['/api/*'];
    const principals = ['https://auth.example.com/*'];
    const requirement = TokenRequirement.onPaths(paths, { principals });
    paths.push('/admin/*');
    principals.push('*');
    expect(requirement.kind).toBe(TokenRequirementKind.ON_PATHS);
    expect(requirement.paths).toStrictEqual(['/api/*']);
    expect(requirement.principals).toStrictEqual(['https://auth.example.com/*']);
    expect(TokenRequirement.exceptPaths(['/healthz']).kind).toBe(TokenRequirementKind.EXCEPT_PATHS);
    expect(TokenRequirement.everywhere().kind).toBe(TokenRequirementKind.EVERYWHERE);
    expect(TokenRequirement.optional().kind).toBe(TokenRequirementKind.OPTIONAL);
  });

  test('optional: no requirement policy', () => {
    const objects = synth({ requireToken: TokenRequirement.optional() });
    expect(objects.filter((o) => o.kind === 'AuthorizationPolicy')).toStrictEqual([]);
  });

  test('inline jwks', () => {
    const jwks = JSON.stringify({ keys: [{ kty: 'RSA', e: 'AQAB', n: 'xyz', kid: 'k1' }] });
    const ra = find(synth({ issuers: [{ issuer: 'https://auth.example.com', jwks }] }), 'RequestAuthentication', 'jwt');
    expect(ra.spec.jwtRules[0].jwks).toBe(jwks);
  });
});

describe('JwtAuthentication and DENY rules that widen on TCP (CDK8S-ISTIO-004)', () => {
  /** GIVEN a JwtAuthentication with `props` WHEN analyzed THEN its CDK8S-ISTIO-004 findings, and its policy. */
  function analyzedPolicy(props: Partial<JwtAuthenticationProps>): { findings: string[]; policy: Obj } {
    const chart = prodChart();
    new JwtAuthentication(chart, 'jwt', { namespace: 'bookinfo', selector: productpage, issuers: [issuer], ...props });
    const objects = chart.toJson() as Obj[];
    expectValidManifests(objects);
    return { findings: findingsOf(chart, 'CDK8S-ISTIO-004'), policy: find(objects, 'AuthorizationPolicy', 'jwt-require-token') };
  }

  test('with ports every operation is confined to them: nothing to acknowledge', () => {
    for (const requireToken of [TokenRequirement.everywhere(), TokenRequirement.onPaths(['/api/*']), TokenRequirement.exceptPaths(['/healthz'])]) {
      const { findings, policy } = analyzedPolicy({ requireToken, ports: [9080] });
      expect(findings).toStrictEqual([]);
      expect(policy.metadata.annotations).toBeUndefined();
      expect(policy.spec.rules[0].to.map((t: any) => t.operation.ports)).toStrictEqual([['9080']]);
    }
  });

  test('without ports, everywhere() and exceptPaths() deny every connection of non-HTTP ports on purpose, and say so', () => {
    for (const requireToken of [TokenRequirement.everywhere(), TokenRequirement.exceptPaths(['/healthz'])]) {
      const { findings, policy } = analyzedPolicy({ requireToken });
      expect(findings).toStrictEqual([]);
      expect(policy.metadata.annotations).toStrictEqual({ 'cdk8s-istio.io/deny-widens-on-tcp': 'acknowledged' });
    }
  });

  test('onPaths() needs the HTTP ports', () => {
    expect(errorOf(() => new JwtAuthentication(prodChart(), 'jwt', { namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.onPaths(['/api/*']) })))
      .toBe('[prod/jwt] ports: undefined is not set, but TokenRequirement.onPaths needs it: on a port istiod does not treat as HTTP it drops the paths and the token check from the DENY rule, '
        + 'which then rejects every connection. Fix: give the workload ports that serve HTTP, e.g. ports: [9080]');
  });

  test.each<[string, Partial<JwtAuthenticationProps>, string]>([
    ['an empty list', { ports: [] }, '[prod/jwt] ports: [] is empty. Fix: give the workload ports that serve HTTP, e.g. [9080], or leave ports out'],
    ['a port out of range', { ports: [0] }, '[prod/jwt] ports[0]: 0 is not a port number 1–65535. Fix: give the workload (container) port, e.g. 9080'],
    ['a port twice', { ports: [80, 80] }, '[prod/jwt] ports: [80,80] names port 80 twice. Fix: give each port once'],
    ['ports without a policy', { ports: [80], requireToken: TokenRequirement.optional() },
      '[prod/jwt] ports: [80] is set, but TokenRequirement.optional() writes no policy for them to confine. Fix: leave ports out, or require a token'],
  ])('ports: %s is refused', (_name, props, message) => {
    expect(errorOf(() => new JwtAuthentication(prodChart(), 'jwt', { namespace: 'bookinfo', issuers: [issuer], ...props }))).toBe(message);
  });
});

describe('JwtAuthentication rules (R1)', () => {
  test('R1: an issuer or a jwksUri', () => {
    expect(issuerError({ audiences: ['a'] }))
      .toBe('[prod/jwt] issuers[0]: {"audiences":["a"]} has neither issuer nor jwksUri (istiod: issuer or jwksUri must be non-empty). Fix: give the issuer (iss claim) and, unless it publishes OpenID discovery, its jwksUri');
  });

  test('R1: only one of jwks and jwksUri', () => {
    expect(issuerError({ ...issuer, jwks: '{"keys":[{"kty":"oct"}]}' }))
      .toBe('[prod/jwt] issuers[0].jwks: "<inline JWKS>" is set together with jwksUri "https://auth.example.com/.well-known/jwks.json"; only one of them may be set. ' +
        'Fix: keep jwksUri (keys rotate without a redeploy) or the inline jwks, not both');
  });

  test.each(['ftp://auth.example.com/jwks', 'auth.example.com/jwks'])('R1: jwksUri %s is not http(s)', (uri) => {
    expect(issuerError({ issuer: 'x', jwksUri: uri }))
      .toBe(`[prod/jwt] issuers[0].jwksUri: ${JSON.stringify(uri)} is not an http:// or https:// URL. Fix: give the JWKS URL, e.g. "https://auth.example.com/.well-known/jwks.json"`);
  });

  test('R1: timeout of at least 1 ms', () => {
    expect(issuerError({ ...issuer, timeout: Duration.millis(0) }))
      .toBe('[prod/jwt] issuers[0].timeout: "0ms" is below 1ms. Fix: use at least Duration.millis(1)');
  });

  test('inline jwks must be a key set; header names and empty lists are checked', () => {
    expect(issuerError({ issuer: 'x', jwks: 'not json' })).toMatch(/^\[prod\/jwt\] issuers\[0\]\.jwks: "<inline JWKS>" is not a JSON Web Key Set/);
    expect(issuerError({ ...issuer, outputClaimToHeaders: [{ claim: 'sub', header: 'x jwt' }] })).toMatch(/outputClaimToHeaders\[0\]\.header: "x jwt" is not a header name/);
    expect(issuerError({ ...issuer, audiences: [] })).toMatch(/issuers\[0\]\.audiences: \[\] is empty or has an empty entry/);
    expect(errorOf(() => new JwtAuthentication(prodChart(), 'jwt', { namespace: 'bookinfo', issuers: [] }))).toMatch(/^\[prod\/jwt\] issuers: \[\] is empty/);
    expect(errorOf(() => new JwtAuthentication(prodChart(), 'jwt', { namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.onPaths([]) })))
      .toMatch(/^\[prod\/jwt\] requireToken\.paths: \[\] is empty/);
  });
});
