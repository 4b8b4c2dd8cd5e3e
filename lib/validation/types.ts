/**
 * Shared types of the manifest validator.
 */

/** One problem found in one manifest. */
export interface ManifestIssue {
  /** `kind` of the offending object (`<unknown>` if it has none). */
  readonly kind: string;
  /** `metadata.name` of the offending object (`<unnamed>` if it has none). */
  readonly name: string;
  /** `metadata.namespace`, when set. */
  readonly namespace?: string;
  /** Where in the object, e.g. `spec.http[0].timeout`; empty for the object itself. */
  readonly path: string;
  /** Human readable description of the problem. */
  readonly message: string;
  /** The CEL rule (`x-kubernetes-validations`) that failed, for rule violations. */
  readonly rule?: string;
}

/** Result of validating a batch of manifests. */
export interface ValidationReport {
  /** Every problem found, in input order. */
  readonly issues: ManifestIssue[];
  /** How many objects were checked against a schema. */
  readonly checked: number;
  /** How many objects were not checked (no schema for their kind, or not a manifest at all). */
  readonly unchecked: number;
  /** The kinds of the objects that were not checked, as `<apiVersion> <kind>`, sorted, each once. */
  readonly uncheckedKinds: string[];
}

/** A problem located inside one object, before the object's identity is attached. */
export interface Problem {
  readonly path: string;
  readonly message: string;
  readonly rule?: string;
}

/** One entry of `x-kubernetes-validations`. */
export interface CelRule {
  readonly rule: string;
  readonly message?: string;
  readonly messageExpression?: string;
  readonly reason?: string;
  readonly fieldPath?: string;
}

/** The parts of a Kubernetes structural (OpenAPI v3) schema this package reads. */
export interface JsonSchema {
  readonly type?: string | readonly string[];
  readonly properties?: Readonly<Record<string, JsonSchema>>;
  readonly additionalProperties?: boolean | JsonSchema;
  readonly items?: JsonSchema;
  readonly required?: readonly string[];
  readonly nullable?: boolean;
  readonly enum?: readonly unknown[];
  readonly anyOf?: readonly JsonSchema[];
  readonly oneOf?: readonly JsonSchema[];
  readonly allOf?: readonly JsonSchema[];
  readonly not?: JsonSchema;
  readonly 'x-kubernetes-validations'?: readonly CelRule[];
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean;
  readonly 'x-kubernetes-int-or-string'?: boolean;
  readonly 'x-kubernetes-list-type'?: string;
  readonly 'x-kubernetes-list-map-keys'?: readonly string[];
  readonly [keyword: string]: unknown;
}

/** Shape of the generated `schemas/<source>.json` files (written by scripts/gen-schemas.js). */
export interface SchemaFile {
  /** Who defines the kinds: `Istio`, `Kubernetes`, `Gateway API`, ... */
  readonly title: string;
  /** Release of `title` the schemas come from. */
  readonly version: string;
  /** Served versions, keyed by `<group>/<Kind>` (the group of apiVersion `v1` is `core`). */
  readonly versions: Readonly<Record<string, { readonly served: readonly string[]; readonly storage?: string | null }>>;
  /** Manifest schemas keyed by `<apiVersion>/<Kind>`, one entry per served version. */
  readonly schemas: Readonly<Record<string, JsonSchema>>;
  /** What the schemas refer to with `$ref: #/definitions/<name>` (only the Kubernetes file has any). */
  readonly definitions?: Readonly<Record<string, JsonSchema>>;
}

/** Shape of `schemas/istio-<version>.json`. */
export interface IstioSchemaFile extends SchemaFile {
  readonly istioVersion: string;
  readonly objectMeta: JsonSchema;
}

/** Shape of `schemas/index.json`: the schema file of each API group. */
export interface SchemaIndex {
  readonly groups: Readonly<Record<string, string>>;
}

/** Shape of `schemas/sail-istio-values.json` (written by scripts/gen-schemas.js). */
export interface SailValuesFile {
  readonly sailOperatorVersion: string;
  /** `spec.values` of the Sail Operator `Istio` CRD (Istio's Helm values). */
  readonly values: JsonSchema;
}
