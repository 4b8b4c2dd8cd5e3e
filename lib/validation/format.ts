/**
 * Human readable rendering of validation issues.
 */
import type { ManifestIssue } from './types';

/**
 * Renders issues one per line, e.g.
 * `VirtualService default/reviews: spec.http[0].timeout: must be a valid duration greater than 1ms [rule: duration(self) >= duration('1ms')]`.
 */
export function formatIssues(issues: readonly ManifestIssue[]): string {
  if (issues.length === 0) return 'no issues';
  const lines = issues.map((issue) => {
    const object = `${issue.kind} ${issue.namespace !== undefined ? `${issue.namespace}/` : ''}${issue.name}`;
    const where = issue.path === '' ? '' : `${issue.path}: `;
    const rule = issue.rule !== undefined ? ` [rule: ${issue.rule}]` : '';
    return `  - ${object}: ${where}${issue.message}${rule}`;
  });
  return `${issues.length} manifest issue${issues.length === 1 ? '' : 's'}:\n${lines.join('\n')}`;
}
