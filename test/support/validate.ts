/**
 * Jest helper: asserts that synthesized manifests pass the Istio schema and CEL checks.
 */
import { formatIssues, validateManifestsDetailed } from '../../lib/validation';

/**
 * Fails the test with every problem found, listed by object and field path, and also fails
 * when none of `objs` was checked against a schema (so an empty or all-core-kinds input can't
 * pass vacuously). Returns how many objects were schema-checked.
 */
export function expectValidManifests(objs: readonly unknown[]): number {
  const report = validateManifestsDetailed(objs);
  if (report.issues.length > 0) throw new Error(formatIssues(report.issues));
  if (report.checked === 0) {
    throw new Error(`none of the ${objs.length} manifests has an Istio schema; nothing was validated`);
  }
  return report.checked;
}
