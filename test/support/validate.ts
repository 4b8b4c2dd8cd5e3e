/**
 * Jest helper: asserts that synthesized manifests are valid against the schemas of lib/validation
 * (Istio 1.30 CRDs with their CEL rules, core Kubernetes 1.32 kinds, the other vendored CRDs).
 */
import { validateManifestsDetailed } from '../../lib/validation/manifest';
import { formatIssues } from '../../lib/validation/format';

/**
 * Fails the test with every problem found, listed by object and field path; also fails when an
 * object had no schema to be checked against, or when there is nothing to check (so an empty input
 * cannot pass vacuously). Returns how many objects were schema-checked.
 */
export function expectValidManifests(objs: readonly unknown[]): number {
  const report = validateManifestsDetailed(objs);
  const problems = [
    ...(report.issues.length > 0 ? [formatIssues(report.issues)] : []),
    ...(report.uncheckedKinds.length > 0 ? [`not checked (no schema): ${report.uncheckedKinds.join(', ')}`] : []),
  ];
  if (problems.length > 0) throw new Error(problems.join('\n'));
  if (report.checked === 0) throw new Error(`none of the ${objs.length} manifests has a schema; nothing was validated`);
  return report.checked;
}
