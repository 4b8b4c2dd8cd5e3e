import {
  GatewayServer, GatewayTarget, GitOpsTool, IngressGateway, InstallProfile, MeshAnalyzer, MeshControlPlane, ExternalResources,
} from '../../lib';
import { meshChart } from '../support/charts';

const SERVERS = [GatewayServer.http({ hosts: ['shop.example.com'] })];
const FIX = (field: string, construct: string) => ` (${field}). Fix: rename this gateway; or bind to the installed one with GatewayTarget.existing({ selector, serviceAccount }) `
  + `instead of installing a second; or leave it out of the IstioOperator (profile minimal, or the component with enabled: false) [construct ${construct}]`;

/** GIVEN a control plane of `profile` WHEN a gateway named `name` in istio-system is added with `target` THEN the CDK8S-ISTIO-060 findings. */
function clashes(profile: InstallProfile, name: string, target: GatewayTarget, namespace = 'istio-system'): string[] {
  const chart = meshChart();
  const controlPlane = new MeshControlPlane(chart, 'control-plane', { profile });
  new IngressGateway(chart, 'gw', { name, namespace, controlPlane, target, servers: SERVERS, createNamespace: namespace !== 'istio-system' });
  new ExternalResources(chart, 'outside', { namespaces: ['istio-system'] });
  return MeshAnalyzer.analyzeChart(chart).findings.filter((f) => f.code === 'CDK8S-ISTIO-060').map((f) => MeshAnalyzer.format([f]));
}

describe('gateway.nameclash (CDK8S-ISTIO-060)', () => {
  test('our workload named istio-ingressgateway in istio-system next to istioctl\'s default-profile gateway: its Deployment and Service are reported', () => {
    expect(clashes(InstallProfile.DEFAULT, 'istio-ingressgateway', GatewayTarget.WORKLOAD)).toStrictEqual([
      'Error [CDK8S-ISTIO-060] (Deployment istio-system/istio-ingressgateway) Deployment istio-system/istio-ingressgateway installs the gateway istio-system/istio-ingressgateway, '
      + 'which IstioOperator istio-system/control-plane installs too: the two overwrite each other\'s Deployment, Service and ServiceAccount' + FIX('metadata.name', 'prod/gw/Deployment'),
      'Error [CDK8S-ISTIO-060] (Service istio-system/istio-ingressgateway) Service istio-system/istio-ingressgateway installs the gateway istio-system/istio-ingressgateway, '
      + 'which IstioOperator istio-system/control-plane installs too: the two overwrite each other\'s Deployment, Service and ServiceAccount' + FIX('metadata.name', 'prod/gw/Service'),
    ]);
  });

  test('a gateway chart release of that name is reported on the HelmRelease', () => {
    expect(clashes(InstallProfile.DEFAULT, 'istio-ingressgateway', GatewayTarget.helmChart({ tool: GitOpsTool.FLUX }))).toStrictEqual([
      'Error [CDK8S-ISTIO-060] (HelmRelease istio-system/istio-ingressgateway) HelmRelease istio-system/istio-ingressgateway installs the gateway istio-system/istio-ingressgateway, '
      + 'which IstioOperator istio-system/control-plane installs too: the two overwrite each other\'s Deployment, Service and ServiceAccount' + FIX('spec', 'prod/gw/Release'),
    ]);
  });

  test('no clash: the minimal profile installs no gateway, another name or namespace is another gateway, and GatewayTarget.existing installs nothing', () => {
    expect(clashes(InstallProfile.MINIMAL, 'istio-ingressgateway', GatewayTarget.WORKLOAD)).toStrictEqual([]);
    expect(clashes(InstallProfile.DEFAULT, 'shop-gateway', GatewayTarget.WORKLOAD)).toStrictEqual([]);
    expect(clashes(InstallProfile.DEFAULT, 'istio-ingressgateway', GatewayTarget.WORKLOAD, 'istio-ingress')).toStrictEqual([]);
    expect(clashes(InstallProfile.DEFAULT, 'istio-ingressgateway',
      GatewayTarget.existing({ selector: { istio: 'ingressgateway' }, serviceAccount: 'istio-ingressgateway-service-account' }))).toStrictEqual([]);
  });
});
