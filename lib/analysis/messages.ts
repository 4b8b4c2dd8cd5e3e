/**
 * The one table of the analyzer's messages: Istio's codes, names, levels and templates (from
 * istio/istio 1.30.3 `pkg/config/analysis/msg/messages.yaml`, a public spec) for the checks Istio has,
 * and our own `CDK8S-ISTIO-*` codes for the checks it does not have.
 *
 * Templates use Go's verbs as Istio's do: `%s` and `%v` print a value as it is, `%q` quotes it,
 * `%d` prints a number. Every finding adds what to do about it (`Fix: …`).
 */
import { FindingLevel } from './types';

/** One row of the table. */
export interface MessageType {
  readonly code: string;
  readonly name: string;
  readonly level: FindingLevel;
  readonly template: string;
}

const E = FindingLevel.ERROR;
const W = FindingLevel.WARNING;
const I = FindingLevel.INFO;

function row(code: string, name: string, level: FindingLevel, template: string): MessageType {
  return { code, name, level, template };
}

/** Every message the analyzer can report, by code. */
export const MESSAGES = {
  // Istio's, from messages.yaml (1.30.3).
  IST0002: row('IST0002', 'Deprecated', W, 'Deprecated: %s'),
  IST0101: row('IST0101', 'ReferencedResourceNotFound', E, 'Referenced %s not found: %q'),
  IST0102: row('IST0102', 'NamespaceNotInjected', I, 'The namespace is not enabled for Istio injection. Run \'kubectl label namespace %s istio-injection=enabled\' to enable it, or \'kubectl label namespace %s istio-injection=disabled\' to explicitly mark it as not needing injection.'),
  IST0107: row('IST0107', 'MisplacedAnnotation', W, 'Misplaced annotation: %s can only be applied to %s'),
  IST0108: row('IST0108', 'UnknownAnnotation', W, 'Unknown annotation: %s'),
  IST0109: row('IST0109', 'ConflictingMeshGatewayVirtualServiceHosts', E, 'The VirtualServices %s associated with mesh gateway define the same host %s which can lead to undefined behavior. This can be fixed by merging the conflicting VirtualServices into a single resource.'),
  IST0110: row('IST0110', 'ConflictingSidecarWorkloadSelectors', E, 'The Sidecars %v in namespace %q select the same workload pod %q, which can lead to undefined behavior.'),
  IST0111: row('IST0111', 'MultipleSidecarsWithoutWorkloadSelectors', E, 'The Sidecars %v in namespace %q have no workload selector, which can lead to undefined behavior.'),
  IST0112: row('IST0112', 'VirtualServiceDestinationPortSelectorRequired', E, 'This VirtualService routes to a service %q that exposes multiple ports %v. Specifying a port in the destination is required to disambiguate.'),
  IST0116: row('IST0116', 'DeploymentAssociatedToMultipleServices', W, 'This deployment %s is associated with multiple services using port %d but different protocols: %v'),
  IST0118: row('IST0118', 'PortNameIsNotUnderNamingConvention', I, 'Port name %s (port: %d, targetPort: %s) doesn\'t follow the naming convention of Istio port.'),
  IST0123: row('IST0123', 'NamespaceMultipleInjectionLabels', W, 'The namespace has more than one type of injection labels %v, which may lead to undefined behavior. Make sure only one injection label exists.'),
  IST0125: row('IST0125', 'InvalidAnnotation', W, 'Invalid annotation %s: %s'),
  IST0127: row('IST0127', 'NoMatchingWorkloadsFound', W, 'No matching workloads for this resource with the following labels: %s'),
  IST0128: row('IST0128', 'NoServerCertificateVerificationDestinationLevel', W, 'DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s'),
  IST0129: row('IST0129', 'NoServerCertificateVerificationPortLevel', W, 'DestinationRule %s in namespace %s has TLS mode set to %s but no caCertificates are set to validate server identity for host: %s at port %s'),
  IST0130: row('IST0130', 'VirtualServiceUnreachableRule', W, 'VirtualService rule %v not used (%s).'),
  IST0131: row('IST0131', 'VirtualServiceIneffectiveMatch', I, 'VirtualService rule %v match %v is not used (duplicate/overlapping match in rule %v).'),
  IST0132: row('IST0132', 'VirtualServiceHostNotFoundInGateway', W, 'one or more host %v defined in VirtualService %s not found in Gateway %s.'),
  IST0134: row('IST0134', 'ServiceEntryAddressesRequired', W, 'ServiceEntry addresses are required for this protocol.'),
  IST0135: row('IST0135', 'DeprecatedAnnotation', I, 'Annotation %q has been deprecated%s and may not work in future Istio versions.'),
  IST0136: row('IST0136', 'AlphaAnnotation', I, 'Annotation %q is part of an alpha-phase feature and may be incompletely supported.'),
  IST0137: row('IST0137', 'DeploymentConflictingPorts', W, 'This deployment %s is associated with multiple services %v using targetPort %q but different ports: %v.'),
  IST0138: row('IST0138', 'GatewayDuplicateCertificate', W, 'Duplicate certificate in multiple gateways %v may cause 404s if clients re-use HTTP2 connections.'),
  IST0139: row('IST0139', 'InvalidWebhook', E, '%v'),
  IST0140: row('IST0140', 'IngressRouteRulesNotAffected', W, 'Subset in virtual service %s has no effect on ingress gateway %s requests'),
  IST0143: row('IST0143', 'LocalhostListener', E, 'Port %v is exposed in a Service but listens on localhost. It will not be exposed to other pods.'),
  IST0144: row('IST0144', 'InvalidApplicationUID', W, 'User ID (UID) 1337 is reserved for the sidecar proxy.'),
  IST0145: row('IST0145', 'ConflictingGateways', E, 'Conflict with gateways %s (workload selector %s, port %s, hosts %v).'),
  IST0146: row('IST0146', 'ImageAutoWithoutInjectionWarning', W, '%s %s contains `image: auto` but does not match any Istio injection webhook selectors.'),
  IST0147: row('IST0147', 'ImageAutoWithoutInjectionError', E, '%s %s contains `image: auto` but does not match any Istio injection webhook selectors.'),
  IST0149: row('IST0149', 'JwtClaimBasedRoutingWithoutRequestAuthN', E, 'The virtual service uses the JWT claim based routing (key: %s) but found no request authentication for the gateway (%s) pod (%s). The request authentication must first be applied for the gateway pods to validate the JWT token and make the claims available for routing.'),
  IST0150: row('IST0150', 'ExternalNameServiceTypeInvalidPortName', W, 'Port name for ExternalName service is invalid. Proxy may prevent tcp named ports and unmatched traffic for ports serving TCP protocol from being forwarded correctly'),
  IST0151: row('IST0151', 'EnvoyFilterUsesRelativeOperation', W, 'This EnvoyFilter does not have a priority and has a relative patch operation set which can cause the EnvoyFilter not to be applied. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.'),
  IST0152: row('IST0152', 'EnvoyFilterUsesReplaceOperationIncorrectly', E, 'The REPLACE operation is only valid for HTTP_FILTER and NETWORK_FILTER.'),
  IST0153: row('IST0153', 'EnvoyFilterUsesAddOperationIncorrectly', E, 'The ADD operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.'),
  IST0154: row('IST0154', 'EnvoyFilterUsesRemoveOperationIncorrectly', E, 'The REMOVE operation will be ignored when applyTo is set to ROUTE_CONFIGURATION, or HTTP_ROUTE.'),
  IST0155: row('IST0155', 'EnvoyFilterUsesRelativeOperationWithProxyVersion', W, 'This EnvoyFilter does not have a priority and has a relative patch operation (NSTERT_BEFORE/AFTER, REPLACE, MERGE, DELETE) and proxyVersion set which can cause the EnvoyFilter not to be applied during an upgrade. Using the INSERT_FIRST or ADD option or setting the priority may help in ensuring the EnvoyFilter is applied correctly.'),
  IST0157: row('IST0157', 'InvalidTelemetryProvider', W, 'The Telemetry %v in namespace %q with empty providers will be ignored.'),
  IST0159: row('IST0159', 'ConflictingTelemetryWorkloadSelectors', E, 'The Telemetries %v in namespace %q select the same workload pod %q, which can lead to undefined behavior.'),
  IST0160: row('IST0160', 'MultipleTelemetriesWithoutWorkloadSelectors', E, 'The Telemetries %v in namespace %q have no workload selector, which can lead to undefined behavior.'),
  IST0161: row('IST0161', 'InvalidGatewayCredential', E, 'The credential referenced by the Gateway %s in namespace %s is invalid, which can cause the traffic not to work as expected.'),
  IST0162: row('IST0162', 'GatewayPortNotDefinedOnService', W, 'The gateway is listening on a target port (port %d) that is not defined in the Service associated with its workload instances (Pod selector %s). If you need to access the gateway port through the gateway Service, it will not be available.'),
  IST0165: row('IST0165', 'ReferencedInternalGateway', W, 'Gateway reference in VirtualService %s is to an implementation-generated internal Gateway: %s.'),
  IST0166: row('IST0166', 'IneffectiveSelector', W, 'Ineffective selector on Kubernetes Gateway %s. Use the TargetRef field instead.'),
  IST0167: row('IST0167', 'IneffectivePolicy', W, 'The policy has no impact: %s.'),
  IST0173: row('IST0173', 'DestinationRuleSubsetNotSelectPods', E, 'The Subset %s defined in the DestinationRule does not select any pods. Which may lead to 503 UH (NoHealthyUpstream).'),
  IST0174: row('IST0174', 'UnknownDestinationRuleHost', W, 'The host %s defined in the DestinationRule does not match any services in the mesh.'),
  IST0175: row('IST0175', 'JwksUriFetchUnrestricted', W, 'BLOCKED_CIDRS_IN_JWKS_URIS is not configured but %d RequestAuthentication resource(s) exist (%s). Consider configuring it to restrict JWKS URI fetches to trusted networks.'),
  IST0176: row('IST0176', 'GatewayAPICRDVersionBelowMinimum', W, 'Gateway API CRD %q is at version %q but Istio requires at least %q; resources of this kind will not be processed. Upgrade the Gateway API CRDs to satisfy the minimum version.'),

  // Ours: checks Istio does not have.
  'CDK8S-ISTIO-001': row('CDK8S-ISTIO-001', 'DuplicateObject', E, '%s %s is written %d times (%s); a cluster keeps only the last one applied'),
  'CDK8S-ISTIO-002': row('CDK8S-ISTIO-002', 'NamespaceNotFound', E, 'Namespace %q is neither created by the output nor declared existing'),
  'CDK8S-ISTIO-003': row('CDK8S-ISTIO-003', 'MtlsConflict', E, 'DestinationRule sends plaintext (tls.mode DISABLE) to %s, but PeerAuthentication %s (%s) makes those workloads accept mutual TLS only, so every request fails'),
  'CDK8S-ISTIO-004': row('CDK8S-ISTIO-004', 'DenyWidensOnTcp', E, 'DENY rule %d has HTTP-only attributes that istiod drops on non-HTTP ports (%s): there it matches more connections than written, up to every one'),
  'CDK8S-ISTIO-005': row('CDK8S-ISTIO-005', 'NamespaceOutsideDiscovery', E, 'Namespace %q %s, but the discoverySelectors of %s leave it out: its workloads get no configuration and its Istio objects are ignored'),
  'CDK8S-ISTIO-006': row('CDK8S-ISTIO-006', 'PolicySelectsNothing', W, 'The %s selector %s matches no workload in the mesh (%s), so it has no effect'),
  'CDK8S-ISTIO-007': row('CDK8S-ISTIO-007', 'ExtensionProviderNotFound', E, 'CUSTOM action names the extension provider %q, which no meshConfig in the output or declared defines as an authorizer (%s)'),
  'CDK8S-ISTIO-010': row('CDK8S-ISTIO-010', 'GatewayServerRouteKindMismatch', W, 'Gateway %s serves host %s with %s only, but the VirtualService has no %s routes: that traffic matches none of its rules'),
  'CDK8S-ISTIO-030': row('CDK8S-ISTIO-030', 'MultipleNamespacePeerAuthentications', E, 'The PeerAuthentications %v in namespace %q have no workload selector: istiod applies only the oldest as the %s policy and ignores the others'),
  'CDK8S-ISTIO-031': row('CDK8S-ISTIO-031', 'ExtensionProviderUnverified', W, 'CUSTOM action names the extension provider %q, but no meshConfig is in the output or declared, so whether istiod knows it cannot be checked'),
  'CDK8S-ISTIO-040': row('CDK8S-ISTIO-040', 'TelemetryProviderNotFound', E, 'The provider %q is not among the extensionProviders of %s, so istiod skips it and this telemetry is not sent'),
  'CDK8S-ISTIO-050': row('CDK8S-ISTIO-050', 'EnvoyStatNotKept', W, 'The query reads %s, an Envoy stat the proxyStatsMatcher of %s does not keep: the proxies do not export it, so the query has no data'),
  'CDK8S-ISTIO-055': row('CDK8S-ISTIO-055', 'EnvoyFilterClusterNotFound', E, 'The patch calls the cluster %q, but %s: istiod builds no such cluster and Envoy rejects the patched listener'),
  'CDK8S-ISTIO-056': row('CDK8S-ISTIO-056', 'AmbientWithoutZtunnel', E, 'Namespace %q is in ambient mode, but nothing in the output or declared installs ztunnel (control planes: %s), so its pods join no mesh: no mTLS, no policy'),
  'CDK8S-ISTIO-057': row('CDK8S-ISTIO-057', 'WaypointNotAdmitted', E, 'The waypoint %s does not admit namespace %q on its HBONE listener (allowedRoutes), so istiod refuses the binding and the traffic bypasses it'),
  'CDK8S-ISTIO-058': row('CDK8S-ISTIO-058', 'ZtunnelPolicyUnsupported', E, 'ztunnel enforces this policy on workloads in ambient mode (%s) but cannot evaluate %s: %s'),
  'CDK8S-ISTIO-059': row('CDK8S-ISTIO-059', 'AmbientMtlsDisable', W, 'mTLS mode DISABLE applies to workloads in ambient mode (%s), where ztunnel keeps mTLS between mesh workloads and istiod treats DISABLE as PERMISSIVE'),
  'CDK8S-ISTIO-060': row('CDK8S-ISTIO-060', 'GatewayNameClash', E, '%s installs the gateway %s, which %s installs too: the two overwrite each other\'s Deployment, Service and ServiceAccount'),
  'CDK8S-ISTIO-061': row('CDK8S-ISTIO-061', 'CertificateMissesGatewayHosts', W, 'Server hosts %v are not among the names of Certificate %s, which issues the Secret %q (%v): clients of those hosts get a certificate that does not name them and fail the TLS handshake'),
  'CDK8S-ISTIO-070': row('CDK8S-ISTIO-070', 'RouteReferenceNotPermitted', E, '%s refers to %s in namespace %q, which no ReferenceGrant in that namespace allows: the reference is refused and its traffic fails'),
  'CDK8S-ISTIO-071': row('CDK8S-ISTIO-071', 'HostRoutedByBothApis', E, 'Host %s is routed by both %s and %s: Istio merges the two APIs\' routes for one host unpredictably; route each host with one API'),
  'CDK8S-ISTIO-072': row('CDK8S-ISTIO-072', 'FlaggerOwnedHost', E, '%s configures host %s, which Flagger Canary %s owns: Flagger writes that host\'s routes and DestinationRules at run time and this object conflicts with them'),
  'CDK8S-ISTIO-073': row('CDK8S-ISTIO-073', 'SelectorMissesFlaggerPrimary', E, 'The selector %s picks the pods of Deployment %s, which Flagger Canary %s rolls out, but not those of its primary (app: %s), which serve the traffic after promotion'),
  'CDK8S-ISTIO-074': row('CDK8S-ISTIO-074', 'GatewayBypassesMeshRoute', W, '%s sends gateway traffic to %s, whose mesh route %s the gateway does not apply: that traffic reaches every pod of the Service, whatever the mesh route\'s weights and matches'),
  'CDK8S-ISTIO-080': row('CDK8S-ISTIO-080', 'RevisionNotInstalled', E, '%s point at the revision %q, which no control plane of the output has as its revision or revision tag (%s): no webhook injects them and no istiod configures them'),
} as const;

/** A code of the table. */
export type MessageCode = keyof typeof MESSAGES;

/**
 * Fills a template as Go's fmt would for the verbs Istio's templates use: `%s`/`%v` as is (arrays
 * as `[a b]`), `%q` JSON-quoted, `%d` a number.
 */
export function formatTemplate(template: string, args: readonly unknown[]): string {
  let i = 0;
  return template.replace(/%[svqd]/g, (verb) => {
    const arg = args[i++];
    if (verb === '%q') return JSON.stringify(typeof arg === 'string' ? arg : String(arg));
    if (Array.isArray(arg)) return `[${arg.map(String).join(' ')}]`;
    return String(arg);
  });
}
