/**
 * Validation of synthesized manifests against the schemas of their kinds: the Istio 1.30 CRDs,
 * core Kubernetes 1.32 kinds and the other vendored CRDs (see scripts/gen-schemas.js).
 */
import { chartValuesProblems } from './chart-values';
import { istioOperatorProblems, ISTIO_OPERATOR_API_VERSION, ISTIO_OPERATOR_KIND } from './istio-operator';
import { fileValidator, schemaProblems } from './json-schema';
import { isRecord } from './path';
import { ruleProblems } from './rules';
import { ISTIO_FILE, schemaFile, schemaFileNameFor } from './schema-files';
import { webhookProblems } from './webhook-rules';
import type { ManifestIssue, Problem, SchemaFile, ValidationReport } from './types';

/** What checking one object produced. */
interface ObjectResult {
  readonly issues: ManifestIssue[];
  /** Whether a schema was applied (false for objects without one, which are not checked). */
  readonly checked: boolean;
}

/**
 * Validates one manifest object.
 *
 * - Kinds with a schema are checked against it: structure, types, enums, formats and bounds,
 *   unknown fields (which the apiserver would silently drop), then every CEL rule
 *   (`x-kubernetes-validations`) at every level, then the few istiod webhook checks listed in
 *   `webhook-rules.ts`, and the values of a release of Istio's gateway chart (`chart-values.ts`). They are the Istio 1.30.3 CRDs, the core Kubernetes kinds listed in
 *   scripts/gen-schemas.js (Kubernetes 1.32 definitions, so fields added later are unknown),
 *   and the vendored Gateway API, cert-manager, Flux, Argo CD, Sail Operator, Prometheus
 *   Operator and Flagger CRDs.
 * - `install.istio.io/v1alpha1` `IstioOperator` is checked by {@link validateIstioOperator}.
 * - In an API group with schemas (or any `*.istio.io` group), a kind that does not exist or a
 *   version that is not served is an issue naming what is.
 * - Anything else (other kinds of those groups, other APIs) is not checked and has no issue;
 *   {@link validateManifestsDetailed} lists these kinds.
 */
export function validateManifest(obj: unknown): ManifestIssue[] {
  return checkObject(obj).issues;
}

/** Validates many manifests; issues are returned in input order. */
export function validateManifests(objs: readonly unknown[]): ManifestIssue[] {
  return validateManifestsDetailed(objs).issues;
}

/** Like {@link validateManifests}, also counting the objects that had a schema and naming the kinds of those that had none. */
export function validateManifestsDetailed(objs: readonly unknown[]): ValidationReport {
  const issues: ManifestIssue[] = [];
  const uncheckedKinds = new Set<string>();
  let checked = 0;
  for (const obj of objs) {
    const result = checkObject(obj);
    issues.push(...result.issues);
    if (result.checked) checked++;
    else if (isRecord(obj) && typeof obj.apiVersion === 'string' && typeof obj.kind === 'string' && obj.apiVersion !== '' && obj.kind !== '') {
      uncheckedKinds.add(`${obj.apiVersion} ${obj.kind}`);
    }
  }
  return { issues, checked, unchecked: objs.length - checked, uncheckedKinds: [...uncheckedKinds].sort() };
}

/**
 * Validates an `install.istio.io/v1alpha1` `IstioOperator`: the top-level `spec` fields
 * istioctl knows, `spec.meshConfig` against the mesh config schema and `spec.values`
 * against the Helm values schema (both from the Sail Operator CRD); unknown fields are errors.
 */
export function validateIstioOperator(obj: unknown): ManifestIssue[] {
  if (!isRecord(obj) || obj.apiVersion !== ISTIO_OPERATOR_API_VERSION || obj.kind !== ISTIO_OPERATOR_KIND) {
    return [issueFor(obj, { path: '', message: `not an ${ISTIO_OPERATOR_API_VERSION} ${ISTIO_OPERATOR_KIND}` })];
  }
  return byPath(istioOperatorProblems(obj)).map((p) => issueFor(obj, p));
}

function checkObject(obj: unknown): ObjectResult {
  if (!isRecord(obj)) return unchecked([{ path: '', message: `manifest must be an object, got ${Array.isArray(obj) ? 'an array' : String(obj)}` }], obj);
  const { apiVersion, kind } = obj;
  if (typeof apiVersion !== 'string' || apiVersion === '' || typeof kind !== 'string' || kind === '') {
    return unchecked([{ path: typeof apiVersion === 'string' && apiVersion !== '' ? 'kind' : 'apiVersion', message: 'apiVersion and kind must be non-empty strings' }], obj);
  }
  if (apiVersion === ISTIO_OPERATOR_API_VERSION && kind === ISTIO_OPERATOR_KIND) {
    return { issues: validateIstioOperator(obj), checked: true };
  }
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? 'core' : apiVersion.slice(0, slash);
  const fileName = schemaFileNameFor(group) ?? (group === 'istio.io' || group.endsWith('.istio.io') ? ISTIO_FILE : undefined);
  if (fileName === undefined) return { issues: [], checked: false };
  const file = schemaFile(fileName);
  const key = `${apiVersion}/${kind}`;
  const schema = file.schemas[key];
  if (schema) {
    const problems: Problem[] = [
      ...schemaProblems(fileValidator(fileName, file, key), obj),
      // Kubernetes definitions have no CEL rules, and `$ref`s the rule walker does not follow.
      ...(file.definitions ? [] : ruleProblems(schema, obj)),
      ...webhookProblems(`${group}/${kind}`, obj),
      ...chartValuesProblems(`${group}/${kind}`, obj),
    ];
    return { issues: byPath(problems).map((p) => issueFor(obj, p)), checked: true };
  }
  const problem = unknownKind(file, group, apiVersion, kind);
  return unchecked(problem !== undefined ? [{ path: 'apiVersion', message: problem }] : [], obj);
}

/**
 * Explains why an apiVersion/kind of a group with schemas has none, naming what would be valid;
 * undefined for a real kind the file has no schema for (a core Kubernetes kind not in the list).
 */
function unknownKind(file: SchemaFile, group: string, apiVersion: string, kind: string): string | undefined {
  const source = `${file.title} ${file.version}`;
  const known = file.versions[`${group}/${kind}`];
  if (known) {
    const version = apiVersion.slice(apiVersion.indexOf('/') + 1);
    return known.served.includes(version) ? undefined : `${kind} is not served as ${apiVersion} in ${source}; served versions: ${known.served.join(', ')}`;
  }
  const kinds = Object.keys(file.versions)
    .filter((k) => k.startsWith(`${group}/`))
    .map((k) => k.slice(group.length + 1));
  const valid = kinds.length > 0 ? `known kinds in ${group}: ${kinds.join(', ')}` : `no ${source} CRD has group ${group}`;
  return `unknown ${file.title} kind ${apiVersion} ${kind} (${valid})`;
}

/** Orders an object's problems by location (stable, so equal paths keep their order). */
function byPath(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

function unchecked(problems: Problem[], obj: unknown): ObjectResult {
  return { issues: problems.map((p) => issueFor(obj, p)), checked: false };
}

/** Attaches the object's identity (kind, name, namespace) to a located problem. */
function issueFor(obj: unknown, problem: Problem): ManifestIssue {
  const metadata = isRecord(obj) && isRecord(obj.metadata) ? obj.metadata : {};
  const kind = isRecord(obj) && typeof obj.kind === 'string' && obj.kind !== '' ? obj.kind : '<unknown>';
  const name = typeof metadata.name === 'string' && metadata.name !== '' ? metadata.name : '<unnamed>';
  const namespace = typeof metadata.namespace === 'string' ? metadata.namespace : undefined;
  return { kind, name, ...(namespace !== undefined ? { namespace } : {}), ...problem };
}
