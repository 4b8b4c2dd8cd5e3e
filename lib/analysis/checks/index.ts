/**
 * Every check the analyzer runs, in a fixed order. A new check is a file in this folder and one line here.
 */
import { Check } from '../check';
import { authorizationPolicies } from './authorization-policies';
import { blockedCidrs } from './blocked-cidrs';
import { denyWidensOnTcp } from './deny-widens-on-tcp';
import { duplicates } from './duplicates';
import { extensionProviders } from './extension-providers';
import { ineffectivePolicies } from './ineffective-policies';
import { mtlsConflicts } from './mtls-conflicts';
import { namespaces } from './namespaces';
import { peerAuthenticationScope } from './peer-authentication-scope';
import { policySelectors } from './policy-selectors';

export const ALL_CHECKS: readonly Check[] = [
  duplicates,
  namespaces,
  authorizationPolicies,
  policySelectors,
  ineffectivePolicies,
  mtlsConflicts,
  peerAuthenticationScope,
  denyWidensOnTcp,
  extensionProviders,
  blockedCidrs,
];
