/**
 * JwtAuthentication rules no other test reaches: empty principal lists, empty issuer fields, long JWKS
 * URLs, and header names of token sources and outputs.
 */
import { Environment, JwtAuthentication, JwtAuthenticationProps, JwtIssuer, TokenRequirement, WorkloadSelector } from '../../lib';
import { errorOf } from '../support/charts';
import { meshChart } from '../support/charts';

const issuer: JwtIssuer = { issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/.well-known/jwks.json' };

function jwtError(props: Partial<JwtAuthenticationProps>): string {
  return errorOf(() => new JwtAuthentication(meshChart(Environment.PROD), 'jwt', {
    namespace: 'bookinfo', selector: WorkloadSelector.labels({ app: 'productpage' }), issuers: [issuer], ...props,
  }));
}

function issuerError(overrides: Partial<JwtIssuer>): string {
  return jwtError({ issuers: [{ ...issuer, ...overrides }] });
}

describe('requireToken', () => {
  test('an empty principals list is an error (it would accept no token at all)', () => {
    // GIVEN / WHEN / THEN
    expect(jwtError({ requireToken: TokenRequirement.everywhere({ principals: [] }) }))
      .toBe('[prod/jwt] requireToken.principals: [] is empty. Fix: leave principals out (any valid token) or name the accepted <iss>/<sub>');
  });
});

describe('issuer fields', () => {
  test.each([
    ['issuer', ''],
    ['issuer', '   '],
    ['jwksUri', ''],
  ])('%s %j is an error', (field, value) => {
    // GIVEN / WHEN / THEN
    expect(issuerError({ [field]: value })).toBe(`[prod/jwt] issuers[0].${field}: ${JSON.stringify(value)} is empty. Fix: give a value or leave ${field} out`);
  });

  test('an inline jwks that is only spaces is an error', () => {
    // GIVEN / WHEN / THEN
    expect(issuerError({ jwksUri: undefined, jwks: ' ' })).toBe('[prod/jwt] issuers[0].jwks: " " is empty. Fix: give a value or leave jwks out');
  });

  test('a jwksUri longer than 2048 characters is an error showing its first 40 characters', () => {
    // GIVEN
    const jwksUri = `https://auth.example.com/${'k'.repeat(2048)}`;
    // WHEN / THEN
    expect(issuerError({ jwksUri }))
      .toBe('[prod/jwt] issuers[0].jwksUri: "https://auth.example.com/kkkkkkkkkkkkkkk..." is longer than 2048 characters. Fix: shorten the URL');
  });
});

describe('header names', () => {
  test('a token header with a space is an error', () => {
    // GIVEN / WHEN / THEN
    expect(issuerError({ fromHeaders: [{ name: 'Authorization' }, { name: 'X Token', prefix: 'Bearer ' }] }))
      .toBe('[prod/jwt] issuers[0].fromHeaders[1].name: "X Token" is not a header name. Fix: give a header such as "Authorization"');
  });

  test('an empty fromHeaders list is an error', () => {
    // GIVEN / WHEN / THEN
    expect(issuerError({ fromHeaders: [] })).toBe('[prod/jwt] issuers[0].fromHeaders: [] is empty. Fix: give at least one header or leave fromHeaders out');
  });

  test('an outputPayloadToHeader with a colon is an error', () => {
    // GIVEN / WHEN / THEN
    expect(issuerError({ outputPayloadToHeader: 'x-jwt:payload' }))
      .toBe('[prod/jwt] issuers[0].outputPayloadToHeader: "x-jwt:payload" is not a header name. Fix: use letters, digits, "-" and "_", e.g. "x-jwt-payload"');
  });

  test('an outputClaimToHeaders entry without a claim is an error', () => {
    // GIVEN / WHEN / THEN
    expect(issuerError({ outputClaimToHeaders: [{ claim: 'sub', header: 'x-jwt-sub' }, { claim: '', header: 'x-jwt-groups' }] }))
      .toBe('[prod/jwt] issuers[0].outputClaimToHeaders[1].claim: "" is empty. Fix: name the claim, e.g. "sub"');
  });
});
