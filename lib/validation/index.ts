/**
 * Offline validation of synthesized manifests against strict schemas (the Istio 1.30 CRDs, core
 * Kubernetes 1.32 kinds and the other vendored CRDs, CEL rules included) and of IstioOperator
 * resources against Istio's mesh config and Helm values schemas.
 */
export { ManifestValidator } from './manifest-validator';
export type { ManifestIssue, ValidationReport } from './types';
