/**
 * Jest helper: asserts that synthesized manifests are valid: Istio objects against the Istio 1.30 CRD
 * schemas and CEL rules (lib/validation), core Kubernetes objects against the Kubernetes schema
 * (test/support/kubernetes.ts).
 */
import { isCoreKubernetes, kubernetesProblems } from './kubernetes';
import { formatIssues, validateManifestsDetailed } from '../../lib/validation';

type Manifest = { apiVersion: string; kind: string; metadata?: { name?: string } };

/**
 * Fails the test with every problem found, listed by object and field path, and also fails when
 * none of `objs` was checked against a schema (so an empty input cannot pass vacuously). Returns how
 * many objects were schema-checked.
 */
export function expectValidManifests(objs: readonly unknown[]): number {
  const report = validateManifestsDetailed(objs);
  const core = (objs as Manifest[]).filter((o) => o && typeof o.apiVersion === 'string' && isCoreKubernetes(o.apiVersion));
  const coreProblems = core.flatMap(kubernetesProblems);
  const problems = [
    ...(report.issues.length > 0 ? [formatIssues(report.issues)] : []),
    ...(coreProblems.length > 0 ? [`${coreProblems.length} Kubernetes schema problem(s):\n${coreProblems.map((p) => `  - ${p}`).join('\n')}`] : []),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  const checked = report.checked + core.length;
  if (checked === 0) {
    throw new Error(`none of the ${objs.length} manifests has a schema; nothing was validated`);
  }
  return checked;
}
