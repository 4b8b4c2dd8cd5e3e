/**
 * What one check of the analyzer is. Each lives in a file of its own under `checks/`, reads the
 * indexes of an {@link AnalysisContext} and reports findings with codes from the messages table.
 */
import { AnalysisContext } from './context';
import { MessageCode } from './messages';

/** One small check. */
export interface Check {
  /** Istio's analyzer name where Istio has the check (`virtualservice.DestinationHostAnalyzer` → `virtualservice.destinationhosts`), ours otherwise. */
  readonly name: string;
  /** The codes it reports. */
  readonly codes: readonly MessageCode[];
  /** One line: what it checks. */
  readonly description: string;
  /** Runs the check, reporting into the context. */
  run(ctx: AnalysisContext): void;
}

/** `spec` of an object as a record (`{}` when missing or not an object). */
export function specOf(raw: Record<string, any>): Record<string, any> {
  const spec = raw.spec;
  return typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? spec : {};
}

/** The elements of `value` when it is an array, else none. */
export function arr(value: unknown): any[] {
  return Array.isArray(value) ? value : [];
}

/** The string entries of a label map. */
export function labelsOf(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value as Record<string, unknown>).filter(([, v]) => typeof v === 'string')) as Record<string, string>;
}
