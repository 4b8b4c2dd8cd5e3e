/**
 * A few checks that Istio's validating admission webhook (istiod) performs but the 1.30 CRD
 * schemas do not express. Without them a manifest could pass offline validation and still be
 * rejected at apply time. Each is written as a CEL rule so it is reported like a CRD rule.
 * Kept deliberately small: only checks whose webhook behaviour is unambiguous belong here.
 */
import { evaluateRule } from './cel';
import { formatPath, isRecord, type PathSegment } from './path';
import type { JsonSchema, Problem } from './types';

interface WebhookRule {
  /** Property path from the object root; `*` steps into every item of a list. */
  readonly path: readonly string[];
  readonly schema: JsonSchema;
  readonly rule: string;
  readonly message: string;
}

/** Rules by `<group>/<Kind>` (they apply to every served version). */
const WEBHOOK_RULES: Readonly<Record<string, readonly WebhookRule[]>> = {
  'networking.istio.io/Gateway': [
    {
      path: ['spec', 'servers', '*', 'port', 'number'],
      schema: { type: 'integer' },
      rule: '0 < self && self <= 65535',
      message: 'port number must be between 1 and 65535 (enforced by the istiod validating webhook; the CRD allows 0)',
    },
  ],
};

/** Evaluates the webhook-equivalent rules for an object of `<group>/<Kind>`. */
export function webhookProblems(groupKind: string, obj: unknown): Problem[] {
  const problems: Problem[] = [];
  for (const check of WEBHOOK_RULES[groupKind] ?? []) {
    for (const [path, value] of select(obj, check.path, [])) {
      const outcome = evaluateRule(check.rule, value, check.schema);
      if (outcome.status === 'pass') continue;
      const detail = outcome.status === 'error' ? ` (rule could not be evaluated: ${outcome.error})` : '';
      problems.push({ path: formatPath(path), message: check.message + detail, rule: check.rule });
    }
  }
  return problems;
}

/** All values reachable along `steps`, with their locations. */
function select(value: unknown, steps: readonly string[], at: PathSegment[]): Array<[PathSegment[], unknown]> {
  if (value === undefined) return [];
  if (steps.length === 0) return [[at, value]];
  const [step, ...rest] = steps;
  if (step === '*') return Array.isArray(value) ? value.flatMap((item, i) => select(item, rest, [...at, i])) : [];
  return isRecord(value) ? select(value[step], rest, [...at, step]) : [];
}
