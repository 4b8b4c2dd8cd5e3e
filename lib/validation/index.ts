/**
 * Offline validation of synthesized manifests against strict schemas (the Istio 1.30 CRDs, core
 * Kubernetes 1.32 kinds and the other vendored CRDs, CEL rules included) and of IstioOperator
 * resources against Istio's mesh config and Helm values schemas.
 */
export { validateManifest, validateManifests, validateManifestsDetailed, validateIstioOperator } from './manifest';
export { formatIssues } from './format';
export { ISTIO_SCHEMA_VERSION } from './schema-files';
export type { ManifestIssue, ValidationReport } from './types';
