/**
 * Every check the analyzer runs, in a fixed order. A new check is a file in this folder and one line here.
 */
import { Check } from '../check';
import { duplicates } from './duplicates';
import { namespaces } from './namespaces';
import { virtualServiceConflictingMeshGatewayHosts } from './virtualservice-conflictingmeshgatewayhosts';
import { virtualServiceDestinationHosts } from './virtualservice-destinationhosts';
import { virtualServiceDestinationRules } from './virtualservice-destinationrules';
import { virtualServiceGateways } from './virtualservice-gateways';
import { virtualServiceJwtClaimRoute } from './virtualservice-jwtclaimroute';
import { virtualServiceUnreachableRules } from './virtualservice-unreachablerules';

export const ALL_CHECKS: readonly Check[] = [
  duplicates,
  namespaces,
  virtualServiceGateways,
  virtualServiceDestinationHosts,
  virtualServiceDestinationRules,
  virtualServiceConflictingMeshGatewayHosts,
  virtualServiceUnreachableRules,
  virtualServiceJwtClaimRoute,
];
