/**
 * Validator paths no other test reaches: the byte, date-time and int64 formats, int-or-string
 * (anyOf) messages, the webhook port rule on a value of the wrong type or shape, and a CEL rule over an
 * object holding a value CEL cannot take.
 */
import { type ManifestIssue } from '../../lib/validation';
import { validateManifest } from '../../lib/validation/manifest';
import * as fx from './fixtures';

/** Issues as `path: message [rule]`, for full-message assertions. */
const where = (issues: ManifestIssue[]) => issues.map((i) => `${i.path}: ${i.message}${i.rule !== undefined ? ` [rule: ${i.rule}]` : ''}`);

describe('formats', () => {
  function directResponse(bytes: string) {
    const vs: any = fx.virtualService();
    vs.spec.http = [{ name: 'static', directResponse: { status: 200, body: { bytes } } }];
    return vs;
  }

  test('byte: base64 passes, anything else is reported with its value', () => {
    // GIVEN / WHEN / THEN
    expect(where(validateManifest(directResponse('aGVsbG8=')))).toStrictEqual([]);
    expect(where(validateManifest(directResponse('not base64!'))))
      .toStrictEqual(['spec.http[0].directResponse.body.bytes: "not base64!" is not a valid byte']);
  });

  test('date-time: RFC 3339 passes; other text and impossible dates are reported', () => {
    // GIVEN a DestinationRule as read back from a cluster, with status conditions
    const dr: any = fx.destinationRule();
    dr.status = {
      conditions: [
        { type: 'Reconciled', status: 'True', lastTransitionTime: '2024-01-02T03:04:05Z' },
        { type: 'Reconciled', status: 'True', lastTransitionTime: 'yesterday' },
        { type: 'Reconciled', status: 'True', lastTransitionTime: '2024-13-45T00:00:00Z' },
      ],
    };
    // WHEN / THEN
    expect(where(validateManifest(dr))).toStrictEqual([
      'status.conditions[1].lastTransitionTime: "yesterday" is not a valid date-time',
      'status.conditions[2].lastTransitionTime: "2024-13-45T00:00:00Z" is not a valid date-time',
    ]);
  });

  function operator(tolerationSeconds: number) {
    return {
      apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'control-plane', namespace: 'istio-system' },
      spec: { values: { global: { defaultTolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds }] } } },
    };
  }

  test('int64 (IstioOperator values): a whole number passes, a fraction is reported', () => {
    // GIVEN / WHEN / THEN
    expect(where(validateManifest(operator(300)))).toStrictEqual([]);
    expect(where(validateManifest(operator(1.5)))).toStrictEqual([
      'spec.values.global.defaultTolerations[0].tolerationSeconds: must be integer, got 1.5',
      'spec.values.global.defaultTolerations[0].tolerationSeconds: 1.5 is not a valid int64',
    ]);
  });
});

describe('int-or-string fields (anyOf)', () => {
  test('a boolean observedGeneration is "must be integer or string"', () => {
    // GIVEN
    const dr: any = fx.destinationRule();
    dr.status = { observedGeneration: true };
    // WHEN / THEN
    expect(where(validateManifest(dr))).toStrictEqual(['status.observedGeneration: must be integer or string, got true']);
  });

  test('a boolean resource quantity in IstioOperator values is "must be integer or string"', () => {
    // GIVEN
    const op = {
      apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'control-plane', namespace: 'istio-system' },
      spec: { values: { global: { proxy: { resources: { limits: { cpu: true, memory: '1Gi' } } } } } },
    };
    // WHEN / THEN
    expect(where(validateManifest(op))).toStrictEqual(['spec.values.global.proxy.resources.limits.cpu: must be integer or string, got true']);
  });
});

describe('webhook port rule on malformed servers', () => {
  test('a port number written as a string fails the type and cannot be evaluated by the webhook rule', () => {
    // GIVEN
    const gw: any = fx.gateway();
    gw.spec.servers[0].port.number = '443';
    // WHEN / THEN
    expect(where(validateManifest(gw))).toStrictEqual([
      'spec.servers[0].port.number: must be integer, got "443"',
      'spec.servers[0].port.number: port number must be between 1 and 65535 (enforced by the istiod validating webhook; the CRD allows 0) '
        + '(rule could not be evaluated: found no matching overload for \'_<_\' applied to \'(int, string)\') [rule: 0 < self && self <= 65535]',
    ]);
  });

  test.each([
    ['servers that are an object', { https: { port: { number: 0 } } }, 'spec.servers: must be array, got an object'],
    ['a server that is a string', ['https'], 'spec.servers[0]: must be object, got "https"'],
    ['a server without a port', [{ hosts: ['bookinfo.example.com'] }], 'spec.servers[0].port: required field is missing'],
  ])('%s: only the type is reported (the rule finds no port)', (_case, servers, issue) => {
    // GIVEN
    const gw: any = fx.gateway();
    gw.spec.servers = servers;
    // WHEN / THEN
    expect(where(validateManifest(gw))).toStrictEqual([issue]);
  });
});

describe('CEL over values CEL cannot take', () => {
  test('an undefined list item fails the type, and the spec-level rule reports why it could not be evaluated', () => {
    // GIVEN an AuthorizationPolicy built in code with a hole in its rules
    const ap = {
      apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name: 'p', namespace: 'bookinfo' },
      spec: { action: 'ALLOW', rules: [undefined] },
    };
    // WHEN / THEN
    expect(where(validateManifest(ap))).toStrictEqual([
      'spec: only one of targetRefs or selector can be set (rule could not be evaluated: cannot convert undefined to CEL) '
        + '[rule: (has(self.selector) ? 1 : 0) + (has(self.targetRef) ? 1 : 0) + (has(self.targetRefs) ? 1 : 0) <= 1]',
      'spec.rules[0]: must be object, got undefined',
    ]);
  });
});

describe('values JSON cannot hold', () => {
  test('a bigint (from a hand-built object) is reported, not thrown', () => {
    const vs = fx.virtualService() as any;
    vs.spec.http[0].route[0].weight = BigInt(10);
    const issues: ManifestIssue[] = validateManifest(vs);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toStrictEqual(['spec.http[0].route[0].weight: must be integer, got 10n']);
  });
});
