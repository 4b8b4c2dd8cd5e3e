/**
 * Every check the analyzer runs, in a fixed order. A new check is a file in this folder and one line here.
 */
import { Check } from '../check';
import { destinationRuleCaCertificates } from './destinationrule-ca-certificates';
import { destinationRuleUnknownHost } from './destinationrule-host';
import { destinationRuleSubsets } from './destinationrule-subsets';
import { duplicates } from './duplicates';
import { gatewayCertificates } from './gateway-certificates';
import { gatewayConflicts } from './gateway-conflicts';
import { gatewayPorts } from './gateway-ports';
import { gatewaySecrets } from './gateway-secrets';
import { k8sGatewayCrdVersion } from './k8sgateway-crd-version';
import { k8sGatewaySelector } from './k8sgateway-selector';
import { namespaces } from './namespaces';
import { serviceEntryAddresses } from './serviceentry-addresses';

export const ALL_CHECKS: readonly Check[] = [
  duplicates,
  namespaces,
  destinationRuleCaCertificates,
  destinationRuleUnknownHost,
  destinationRuleSubsets,
  serviceEntryAddresses,
  gatewayPorts,
  gatewaySecrets,
  gatewayConflicts,
  gatewayCertificates,
  k8sGatewaySelector,
  k8sGatewayCrdVersion,
];
