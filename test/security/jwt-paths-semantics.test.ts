import { JwtAuthentication, TokenRequirement, WorkloadSelector } from '../../lib';
import { find, synthValid } from '../support/charts';
import { prodChart } from './support';

function requirementRules(requireToken: TokenRequirement): unknown {
  const chart = prodChart();
  new JwtAuthentication(chart, 'jwt', {
    namespace: 'bookinfo',
    selector: WorkloadSelector.labels({ app: 'productpage' }),
    issuers: [{ issuer: 'https://auth.example.com', jwksUri: 'https://auth.example.com/jwks.json' }],
    requireToken,
    ports: [9080],
  });
  return find(synthValid(chart), 'AuthorizationPolicy', 'jwt-require-token').spec.rules;
}

describe('TokenRequirement.onPaths covers the bare prefix', () => {
  test('/api/* also protects /api', () => {
    expect(requirementRules(TokenRequirement.onPaths(['/api/*']))).toStrictEqual([
      { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { paths: ['/api/*', '/api'], ports: ['9080'] } }] },
    ]);
  });

  test('each prefix gets its bare path once; exact, suffix, root and template paths are left alone', () => {
    expect(requirementRules(TokenRequirement.onPaths(['/admin/*', '/admin', '/v1/users/*', '/login', '*.json', '/*', '/api/{*}/x'])))
      .toStrictEqual([{
        from: [{ source: { notRequestPrincipals: ['*'] } }],
        to: [{ operation: { paths: ['/admin/*', '/admin', '/v1/users/*', '/v1/users', '/login', '*.json', '/*', '/api/{*}/x'], ports: ['9080'] } }],
      }]);
  });

  test('exceptPaths (the fail-closed choice) is written as given', () => {
    expect(requirementRules(TokenRequirement.exceptPaths(['/public/*']))).toStrictEqual([
      { from: [{ source: { notRequestPrincipals: ['*'] } }], to: [{ operation: { notPaths: ['/public/*'], ports: ['9080'] } }] },
    ]);
  });
});
