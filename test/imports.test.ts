import * as extensions from '../imports/extensions.istio.io';
import * as networking from '../imports/networking.istio.io';
import * as security from '../imports/security.istio.io';
import * as telemetry from '../imports/telemetry.istio.io';

/**
 * `cdk8s import` gives the bare class name to the first version a CRD lists. These pins catch a CRD
 * update that would silently move our constructs to another API version.
 */
describe('generated imports target the Istio 1.30 API versions we write', () => {
  test.each([
    ['VirtualService', networking.VirtualService.GVK, 'networking.istio.io/v1'],
    ['DestinationRule', networking.DestinationRule.GVK, 'networking.istio.io/v1'],
    ['Gateway', networking.Gateway.GVK, 'networking.istio.io/v1'],
    ['ServiceEntry', networking.ServiceEntry.GVK, 'networking.istio.io/v1'],
    ['Sidecar', networking.Sidecar.GVK, 'networking.istio.io/v1'],
    ['WorkloadEntry', networking.WorkloadEntry.GVK, 'networking.istio.io/v1'],
    ['EnvoyFilter', networking.EnvoyFilter.GVK, 'networking.istio.io/v1alpha3'],
    ['PeerAuthentication', security.PeerAuthentication.GVK, 'security.istio.io/v1'],
    ['AuthorizationPolicy', security.AuthorizationPolicy.GVK, 'security.istio.io/v1'],
    ['RequestAuthentication', security.RequestAuthentication.GVK, 'security.istio.io/v1'],
    ['Telemetry', telemetry.Telemetry.GVK, 'telemetry.istio.io/v1'],
    ['WasmPlugin', extensions.WasmPlugin.GVK, 'extensions.istio.io/v1alpha1'],
  ])('%s is %s', (kind, gvk, apiVersion) => {
    expect(gvk).toStrictEqual({ apiVersion, kind });
  });
});
