/**
 * Validation of synthesized manifests against the Istio 1.30 CRD schemas.
 */
import { istioOperatorProblems, ISTIO_OPERATOR_API_VERSION, ISTIO_OPERATOR_KIND } from './istio-operator';
import { compiledValidator, schemaProblems } from './json-schema';
import { isRecord } from './path';
import { ruleProblems } from './rules';
import { istioSchemas } from './schema-files';
import { webhookProblems } from './webhook-rules';
import type { ManifestIssue, Problem, ValidationReport } from './types';

/** What checking one object produced. */
interface ObjectResult {
  readonly issues: ManifestIssue[];
  /** Whether a schema was applied (false for objects accepted as-is). */
  readonly checked: boolean;
}

/**
 * Validates one manifest object.
 *
 * - Istio kinds (`*.istio.io`) are checked against the schema of their served CRD version:
 *   structure, types, enums, formats and bounds, unknown fields (which the apiserver would
 *   silently drop), then every CEL rule (`x-kubernetes-validations`) at every level, then
 *   the few istiod webhook checks listed in `webhook-rules.ts`.
 * - `install.istio.io/v1alpha1` `IstioOperator` is checked by {@link validateIstioOperator}.
 * - An `*.istio.io` apiVersion/kind with no schema (misspelt kind, unserved version) is an issue.
 * - Anything else (core Kubernetes kinds, other APIs) is accepted as-is.
 */
export function validateManifest(obj: unknown): ManifestIssue[] {
  return checkObject(obj).issues;
}

/** Validates many manifests; issues are returned in input order. */
export function validateManifests(objs: readonly unknown[]): ManifestIssue[] {
  return validateManifestsDetailed(objs).issues;
}

/** Like {@link validateManifests}, also counting how many objects had a schema to check against. */
export function validateManifestsDetailed(objs: readonly unknown[]): ValidationReport {
  const issues: ManifestIssue[] = [];
  let checked = 0;
  for (const obj of objs) {
    const result = checkObject(obj);
    issues.push(...result.issues);
    if (result.checked) checked++;
  }
  return { issues, checked, unchecked: objs.length - checked };
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
  const key = `${apiVersion}/${kind}`;
  const schema = istioSchemas().schemas[key];
  if (schema) {
    const groupKind = `${apiVersion.slice(0, apiVersion.indexOf('/'))}/${kind}`;
    const problems: Problem[] = [
      ...schemaProblems(compiledValidator(key, schema), obj),
      ...ruleProblems(schema, obj),
      ...webhookProblems(groupKind, obj),
    ];
    return { issues: byPath(problems).map((p) => issueFor(obj, p)), checked: true };
  }
  const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
  if (group === 'istio.io' || group.endsWith('.istio.io')) {
    return unchecked([{ path: 'apiVersion', message: unknownIstioKind(group, apiVersion, kind) }], obj);
  }
  return { issues: [], checked: false };
}

/** Explains why an Istio apiVersion/kind has no schema, naming what would be valid. */
function unknownIstioKind(group: string, apiVersion: string, kind: string): string {
  const { versions, istioVersion } = istioSchemas();
  const crd = versions[`${group}/${kind}`];
  if (crd) return `${kind} is not served as ${apiVersion} in Istio ${istioVersion}; served versions: ${crd.served.join(', ')}`;
  const kinds = Object.keys(versions)
    .filter((k) => k.startsWith(`${group}/`))
    .map((k) => k.slice(group.length + 1));
  const known = kinds.length > 0 ? `known kinds in ${group}: ${kinds.join(', ')}` : `no Istio ${istioVersion} CRD has group ${group}`;
  return `unknown Istio kind ${apiVersion} ${kind} (${known})`;
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
