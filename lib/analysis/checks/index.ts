/**
 * Every check the analyzer runs, in a fixed order. A new check is a file in this folder and one line here.
 */
import { Check } from '../check';
import { ambientIneffective } from './ambient-ineffective';
import { ambientUseWaypoint } from './ambient-use-waypoint';
import { ambientZtunnel } from './ambient-ztunnel';
import { ambientZtunnelPolicy } from './ambient-ztunnel-policy';
import { applicationUid } from './application-uid';
import { authorizationPolicies } from './authorization-policies';
import { blockedCidrs } from './blocked-cidrs';
import { denyWidensOnTcp } from './deny-widens-on-tcp';
import { deploymentServices } from './deployment-services';
import { destinationRuleCaCertificates } from './destinationrule-ca-certificates';
import { destinationRuleSubsets } from './destinationrule-subsets';
import { destinationRuleUnknownHost } from './destinationrule-host';
import { discoverySelectors } from './discovery-selectors';
import { duplicates } from './duplicates';
import { envoyFilterCluster } from './envoyfilter-cluster';
import { envoyFilterPatch } from './envoyfilter-patch';
import { extensionProviders } from './extension-providers';
import { gatewayCertificateHosts } from './gateway-certificate-hosts';
import { gatewayCertificates } from './gateway-certificates';
import { gatewayConflicts } from './gateway-conflicts';
import { gatewayNameClash } from './gateway-name-clash';
import { gatewayPorts } from './gateway-ports';
import { gatewaySecrets } from './gateway-secrets';
import { imageAuto } from './image-auto';
import { ineffectivePolicies } from './ineffective-policies';
import { injectionNamespaces } from './injection-namespaces';
import { k8sGatewayCrdVersion } from './k8sgateway-crd-version';
import { k8sGatewaySelector } from './k8sgateway-selector';
import { k8sGatewayRouteReferences } from './k8sgateway-route-references';
import { k8sGatewayGatewayReferences } from './k8sgateway-gateway-references';
import { k8sGatewayMeshRouteBypass } from './k8sgateway-mesh-route-bypass';
import { k8sGatewayConflictingHosts } from './k8sgateway-conflicting-hosts';
import { flaggerCanaries } from './flagger-canaries';
import { mtlsConflicts } from './mtls-conflicts';
import { namespaces } from './namespaces';
import { peerAuthenticationScope } from './peer-authentication-scope';
import { revisionReferences } from './revision-references';
import { policySelectors } from './policy-selectors';
import { serviceEntryAddresses } from './serviceentry-addresses';
import { servicePortName } from './service-port-name';
import { sidecarSelector } from './sidecar-selector';
import { telemetryDefaultSelector } from './telemetry-default-selector';
import { telemetryProviders } from './telemetry-providers';
import { proxyStats } from './proxy-stats';
import { telemetrySelector } from './telemetry-selector';
import { virtualServiceConflictingMeshGatewayHosts } from './virtualservice-conflictingmeshgatewayhosts';
import { virtualServiceDestinationHosts } from './virtualservice-destinationhosts';
import { virtualServiceDestinationRules } from './virtualservice-destinationrules';
import { virtualServiceGateways } from './virtualservice-gateways';
import { virtualServiceJwtClaimRoute } from './virtualservice-jwtclaimroute';
import { virtualServiceUnreachableRules } from './virtualservice-unreachablerules';
import { webhooks } from './webhooks';

export const ALL_CHECKS: readonly Check[] = [
  duplicates,
  namespaces,
  sidecarSelector,
  telemetryProviders,
  telemetrySelector,
  telemetryDefaultSelector,
  envoyFilterPatch,
  envoyFilterCluster,
  servicePortName,
  deploymentServices,
  applicationUid,
  injectionNamespaces,
  revisionReferences,
  imageAuto,
  webhooks,
  discoverySelectors,
  destinationRuleCaCertificates,
  destinationRuleUnknownHost,
  destinationRuleSubsets,
  serviceEntryAddresses,
  gatewayPorts,
  gatewaySecrets,
  gatewayConflicts,
  gatewayCertificates,
  gatewayNameClash,
  gatewayCertificateHosts,
  k8sGatewaySelector,
  k8sGatewayCrdVersion,
  k8sGatewayRouteReferences,
  k8sGatewayGatewayReferences,
  k8sGatewayConflictingHosts,
  k8sGatewayMeshRouteBypass,
  flaggerCanaries,
  authorizationPolicies,
  policySelectors,
  ineffectivePolicies,
  ambientZtunnel,
  ambientUseWaypoint,
  ambientZtunnelPolicy,
  ambientIneffective,
  mtlsConflicts,
  peerAuthenticationScope,
  denyWidensOnTcp,
  extensionProviders,
  blockedCidrs,
  virtualServiceGateways,
  virtualServiceDestinationHosts,
  virtualServiceDestinationRules,
  virtualServiceConflictingMeshGatewayHosts,
  virtualServiceUnreachableRules,
  virtualServiceJwtClaimRoute,
  proxyStats,
];
