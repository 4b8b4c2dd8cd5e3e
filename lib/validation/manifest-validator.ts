/**
 * The validation API of the package root: static methods (jsii has no free functions), each a thin
 * entry point to the functions in manifest.ts and format.ts.
 */
import { formatIssues } from './format';
import { validateIstioOperator, validateManifest, validateManifestsDetailed } from './manifest';
import { ISTIO_SCHEMA_VERSION } from './schema-files';
import type { ManifestIssue, ValidationReport } from './types';

/**
 * Offline validation of synthesized manifests against strict schemas (the Istio 1.30 CRDs, core
 * Kubernetes 1.32 kinds and the other vendored CRDs; unknown fields are errors) and their CEL rules
 * (`x-kubernetes-validations`), and of `IstioOperator` resources against istioctl's mesh config and
 * Helm values schemas. `MeshApp` runs it before writing anything; call it yourself on a plain
 * cdk8s App's output or on any JSON objects.
 *
 * Objects of a kind with no schema are not checked and get no issue; {@link validateDetailed}
 * counts and names them.
 */
export class ManifestValidator {
  /** The Istio release whose CRDs the validator checks against. */
  public static readonly ISTIO_VERSION: string = ISTIO_SCHEMA_VERSION;

  /**
   * Validates one manifest (a plain JSON object such as `ApiObject.toJson()` returns).
   * @returns its issues; empty when it passes or has no schema
   */
  public static validate(manifest: any): ManifestIssue[] {
    return validateManifest(manifest);
  }

  /**
   * Validates many manifests, such as `chart.toJson()`.
   * @returns every issue, in input order
   */
  public static validateAll(manifests: any[]): ManifestIssue[] {
    return validateManifestsDetailed(manifests).issues;
  }

  /** Like {@link validateAll}, also counting the objects that had a schema and naming the kinds of those that had none. */
  public static validateDetailed(manifests: any[]): ValidationReport {
    return validateManifestsDetailed(manifests);
  }

  /**
   * Validates an `install.istio.io/v1alpha1` `IstioOperator`: the top-level `spec` fields istioctl
   * knows, `spec.meshConfig` against the mesh config schema and `spec.values` against the Helm values
   * schema (both from the Sail Operator CRD); unknown fields are errors.
   */
  public static validateIstioOperator(manifest: any): ManifestIssue[] {
    return validateIstioOperator(manifest);
  }

  /**
   * Renders issues one per line, e.g. `VirtualService default/reviews: spec.http[0].timeout: must be a
   * valid duration greater than 1ms [rule: duration(self) >= duration('1ms')]`.
   */
  public static format(issues: ManifestIssue[]): string {
    return formatIssues(issues);
  }

  private constructor() {}
}
