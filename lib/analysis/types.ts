/**
 * Public types of the analyzer: findings, their levels, and what one run reports.
 */

/** How serious a finding is (the levels of Istio's `messages.yaml`). */
export enum FindingLevel {
  /** The configuration will not work as written: synthesis fails, the CLI exits 1. */
  ERROR = 'Error',
  /** Probably a mistake, or works in a way few expect: printed, does not fail. */
  WARNING = 'Warning',
  /** Worth knowing: printed only when asked for. */
  INFO = 'Info',
}

/** One problem the analyzer found, on one object. */
export interface Finding {
  /** Istio's code where Istio has the check (`IST0101`), ours otherwise (`CDK8S-ISTIO-001`). */
  readonly code: string;
  /** The message's name in the table (`ReferencedResourceNotFound`). */
  readonly messageName: string;
  /** Error, Warning or Info. */
  readonly level: FindingLevel;
  /** `apiVersion` of the object the finding is about. */
  readonly apiVersion: string;
  /** `kind` of the object the finding is about. */
  readonly kind: string;
  /** Its namespace; undefined for cluster-scoped objects. */
  readonly namespace?: string;
  /** Its `metadata.name`. */
  readonly name: string;
  /** Where in the object, e.g. `spec.http[0].route[0].destination`; undefined for the whole object. */
  readonly field?: string;
  /** What is wrong and how to fix it. */
  readonly message: string;
  /** The cdk8s construct path of the object, when the analyzer ran on a chart. */
  readonly source?: string;
}

/** One check of the analyzer, as listed by `MeshAnalyzer.checks()`. */
export interface CheckInfo {
  /** The check's name, e.g. `virtualservice.destinationhosts` (Istio's analyzer names where Istio has one). */
  readonly name: string;
  /** The codes it can report. */
  readonly codes: string[];
  /** What it looks at. */
  readonly description: string;
}

/** How many objects of one kind an analysis read. */
export interface KindCount {
  /** `apiVersion` + `kind`, e.g. `networking.istio.io/v1 VirtualService`. */
  readonly kind: string;
  /** How many. */
  readonly count: number;
}

/** What one analysis found. */
export interface AnalysisReport {
  /** Every finding, sorted by level (errors first), code, object and field. */
  readonly findings: Finding[];
  /** The names of the checks that ran. */
  readonly checks: string[];
  /** The objects analyzed (declared external ones not counted), by kind, sorted. */
  readonly objects: KindCount[];
  /** How many findings are errors. */
  readonly errors: number;
  /** How many findings are warnings. */
  readonly warnings: number;
}
