/**
 * Text output of findings, in istioctl's shape:
 * `Error [IST0101] (VirtualService bookinfo/reviews) Referenced host+subset in destinationrule not found: "reviews+v3" (…). Fix: …`
 */
import { Finding, FindingLevel } from './types';

const RANK: Record<string, number> = { [FindingLevel.ERROR]: 0, [FindingLevel.WARNING]: 1, [FindingLevel.INFO]: 2 };

/** Orders findings: errors first, then by code, object, field and message (a total, stable order). */
export function compareFindings(a: Finding, b: Finding): number {
  return (RANK[a.level] - RANK[b.level])
    || cmp(a.code, b.code) || cmp(a.kind, b.kind) || cmp(a.namespace ?? '', b.namespace ?? '') || cmp(a.name, b.name)
    || cmp(a.field ?? '', b.field ?? '') || cmp(a.message, b.message);
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** One finding as one line. */
export function formatFinding(f: Finding): string {
  const object = f.namespace === undefined ? `${f.kind} ${f.name}` : `${f.kind} ${f.namespace}/${f.name}`;
  const source = f.source !== undefined ? ` [construct ${f.source}]` : '';
  return `${f.level} [${f.code}] (${object}) ${f.message}${source}`;
}
