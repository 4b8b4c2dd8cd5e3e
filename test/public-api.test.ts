import { Testing } from 'cdk8s';
import * as istio from '../lib';
import { find, Obj } from './support/charts';

describe('public API', () => {
  test('the validation API is exported from the package root, as the README lists it', () => {
    // GIVEN a plain cdk8s App, which (unlike MeshApp) does not validate its output
    const app = Testing.app();
    const chart = new istio.MeshChart(app, 'prod', { environment: istio.Environment.PROD });
    new istio.StrictMtls(chart, 'mtls');
    const objects = chart.toJson() as Obj[];
    const peerAuthentication = find(objects, 'PeerAuthentication', 'default', 'istio-system');
    // WHEN the user calls the validator directly THEN it checks the Istio objects
    expect(istio.ManifestValidator.validateAll(objects)).toStrictEqual([]);
    expect(istio.ManifestValidator.validate(peerAuthentication)).toStrictEqual([]);
    expect(istio.ManifestValidator.validateDetailed(objects)).toMatchObject({ issues: [], checked: 1 });
    const broken = { ...peerAuthentication, spec: { mtls: { mode: 'SOMETIMES' } } };
    const issues: istio.ManifestIssue[] = istio.ManifestValidator.validateAll([broken]);
    expect(issues).toHaveLength(1);
    expect(istio.ManifestValidator.format(issues)).toContain('PeerAuthentication istio-system/default: spec.mtls.mode: "SOMETIMES" is not one of');
    expect(istio.ManifestValidator.validateIstioOperator({ apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'x' }, spec: { unknownField: 1 } }))
      .toStrictEqual([{ kind: 'IstioOperator', name: 'x', path: 'spec.unknownField', message: 'unknown field' }]);
    expect(istio.ManifestValidator.ISTIO_VERSION).toBe('1.30.3');
  });
});
