/**
 * The API boundary of JwtAuthentication and TokenRequirement: our error naming `prod/jwt` and the
 * user's field, never a TypeError, a silent drop, or an error of the internal token policy
 * (`prod/jwt/RequireToken`).
 */
import { Duration } from 'cdk8s';
import {
  AuthorizationAction, AuthorizationPolicy, FindingLevel, JwtAuthentication, JwtAuthenticationProps, MeshAnalyzer, TokenRequirement, WorkloadSelector,
} from '../../lib';
import { errorOf, find, synthValid } from '../support/charts';
import { prodChart } from './support';

const productpage = WorkloadSelector.labels({ app: 'productpage' });
const issuer = { issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' };

function jwtError(props: unknown): string {
  return errorOf(() => new JwtAuthentication(prodChart(), 'jwt', props as JwtAuthenticationProps));
}

describe('JwtAuthentication props', () => {
  test('missing props and a missing issuers list are our errors (they were TypeErrors)', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError(undefined)).toBe('[prod/jwt] props: undefined are missing. Fix: give an object such as { issuers, ... }');
    expect(jwtError({ namespace: 'bookinfo' })).toBe('[prod/jwt] issuers: undefined is missing (JwtAuthenticationProps requires it). Fix: give issuers');
  });

  test('a plain object as selector is our error (it was a TypeError: props.selector?._render is not a function)', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ namespace: 'bookinfo', selector: { app: 'productpage' }, issuers: [issuer] }))
      .toBe('[prod/jwt] selector: {"app":"productpage"} is an object, not a WorkloadSelector. Fix: use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)');
  });

  test('more issuers than the CRD\'s 4096 is an error', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ namespace: 'bookinfo', issuers: Array.from({ length: 4097 }, () => issuer) }))
      .toMatch(/^\[prod\/jwt\] issuers: \[.*… has 4097 items, more than the 4096 allowed\. Fix: give at most 4096 items$/);
  });

  test('unknown issuer keys, a truthy string for a boolean and a number for a Duration are errors (they reached the output)', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ namespace: 'bookinfo', issuers: [{ ...issuer, audience: ['bookinfo'] }] }))
      .toBe('[prod/jwt] issuers[0]: "audience" is not a field of JwtIssuer (did you mean "audiences"?). Fix: rename it to "audiences"');
    expect(jwtError({ namespace: 'bookinfo', issuers: [{ ...issuer, forwardOriginalToken: 'yes' }] }))
      .toBe('[prod/jwt] issuers[0].forwardOriginalToken: "yes" is a string, not a boolean. Fix: give true or false');
    expect(jwtError({ namespace: 'bookinfo', issuers: [{ ...issuer, timeout: 5 }] }))
      .toBe('[prod/jwt] issuers[0].timeout: 5 is a number, not a cdk8s Duration. Fix: use Duration.millis(), Duration.seconds() or Duration.minutes() from cdk8s');
    expect(jwtError({ namespace: 'bookinfo', issuers: [{ ...issuer, timeout: Duration.millis(NaN) }] }))
      .toBe('[prod/jwt] issuers[0].timeout: Duration.millis(NaN) is not a finite duration. Fix: use a whole number of milliseconds, e.g. Duration.seconds(5)');
    expect(jwtError({ namespace: 'bookinfo', issuers: [{ ...issuer, audiences: 'bookinfo' }] }))
      .toBe('[prod/jwt] issuers[0].audiences: "bookinfo" is a string, not a list. Fix: give a list of non-empty strings or leave audiences out');
    expect(jwtError({ namespace: 'bookinfo', issuers: [{ ...issuer, fromHeaders: [null] }] }))
      .toBe('[prod/jwt] issuers[0].fromHeaders[0]: null is not a JwtHeader object. Fix: give an object such as { name, ... }');
  });

  test('a name too long for the "<name>-require-token" policy is an error of name, not of the internal policy', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ namespace: 'bookinfo', name: 'a'.repeat(50), issuers: [issuer] }))
      .toBe(`[prod/jwt] name: "${'a'.repeat(50)}" is 50 characters long: the token-requirement AuthorizationPolicy "<name>-require-token" would be longer than a DNS label's 63. `
        + 'Fix: use a name of at most 49 characters');
  });
});

describe('TokenRequirement', () => {
  test('paths and principals are checked under requireToken (they were reported as [prod/jwt/RequireToken] rules[0].to[0]…)', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.exceptPaths(['healthz']) }))
      .toBe('[prod/jwt] requireToken.paths[0]: "healthz" does not start with "/". Fix: give a path such as "/reviews/*"');
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.onPaths(['/api/*/x*']), ports: [9080] }))
      .toBe('[prod/jwt] requireToken.paths[0]: "/api/*/x*" is not an Istio match (exact, "*", prefix "abc*" or suffix "*abc"). Fix: use at most one "*", at the start or the end of the path');
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.everywhere({ principals: ['a*b*'] }) }))
      .toBe('[prod/jwt] requireToken.principals[0]: "a*b*" is not an Istio match (exact, "*", prefix "abc*" or suffix "*abc"). Fix: use at most one "*", at the start or the end of the identity');
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.exceptPaths('/healthz' as never) }))
      .toBe('[prod/jwt] requireToken.paths: "/healthz" is a string, not a list. Fix: give a list of strings');
  });

  test('options that are not TokenRequirementOptions are errors (null was a TypeError, a typo was dropped)', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.everywhere(null as never) }))
      .toBe('[prod/jwt] requireToken: null is not a TokenRequirementOptions object. Fix: give an object such as { principals }');
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: TokenRequirement.everywhere({ principal: ['https://auth.example.com/*'] } as never) }))
      .toBe('[prod/jwt] requireToken: "principal" is not a field of TokenRequirementOptions (did you mean "principals"?). Fix: rename it to "principals"');
    expect(jwtError({ namespace: 'bookinfo', issuers: [issuer], requireToken: { kind: 'everywhere' } }))
      .toBe('[prod/jwt] requireToken: {"kind":"everywhere"} is an object, not a TokenRequirement. Fix: use TokenRequirement.everywhere(), .onPaths([...]), .exceptPaths([...]) or .optional()');
  });
});

describe('the token policy keeps the TCP-widening rule a user\'s DENY policy must keep', () => {
  test.each([
    ['everywhere()', TokenRequirement.everywhere()],
    ['exceptPaths()', TokenRequirement.exceptPaths(['/healthz'])],
    ['onPaths()', TokenRequirement.onPaths(['/api/*'])],
  ])('%s: with ports every operation is confined to them; without them (never for onPaths) the policy is acknowledged as a user\'s must be', (_name, requireToken) => {
    for (const ports of [[9080], undefined]) {
      // GIVEN
      const chart = prodChart();
      // WHEN
      const build = () => new JwtAuthentication(chart, 'jwt', { namespace: 'bookinfo', selector: productpage, issuers: [issuer], requireToken, ...(ports ? { ports } : {}) });
      if (requireToken.kind === 'paths' && ports === undefined) {
        expect(errorOf(build)).toMatch(/^\[prod\/jwt\] ports: undefined is not set, but TokenRequirement.onPaths needs it/);
        continue;
      }
      build();
      // THEN the analyzer finds no DENY rule that widens on TCP
      const policy = find(synthValid(chart), 'AuthorizationPolicy', 'jwt-require-token');
      expect(MeshAnalyzer.analyzeChart(chart).findings.filter((f) => f.level === FindingLevel.ERROR && f.code === 'CDK8S-ISTIO-004')).toStrictEqual([]);
      if (ports) {
        expect(policy.metadata.annotations).toBeUndefined();
        expect(policy.spec.rules[0].to.every((t: { operation: { ports?: string[] } }) => t.operation.ports?.join() === '9080')).toBe(true);
      } else {
        expect(policy.metadata.annotations).toStrictEqual({ 'cdk8s-istio.io/deny-widens-on-tcp': 'acknowledged' });
        // the same rule from a user, unacknowledged, is refused: the construct takes the user's way out, not a shortcut
        expect(errorOf(() => new AuthorizationPolicy(prodChart(), 'user', {
          namespace: 'bookinfo', selector: productpage, action: AuthorizationAction.DENY,
          rules: [{ from: policy.spec.rules[0].from.map((f: { source: object }) => f.source), ...(policy.spec.rules[0].to ? { to: policy.spec.rules[0].to.map((t: { operation: object }) => t.operation) } : {}) }],
        }))).toMatch(/^\[prod\/user\] rules\[0\]: .* is a DENY rule with HTTP-only attributes that istiod drops on non-HTTP ports/);
      }
    }
  });
});
