/**
 * The analyzer's entry points: over any list of Kubernetes objects, over a cdk8s chart, and as a
 * validation attached to a chart so that its synthesis fails on errors.
 */
import { ApiObject, App, Chart, DependencyGraph } from 'cdk8s';
import { IConstruct } from 'constructs';
import { AnalysisContext, SourcedObject } from './context';
import { ALL_CHECKS } from './checks';
import { isRecord } from '../core/records';
import { EXTERNAL_ANNOTATION, ExternalResources } from './external';
import { compareFindings, formatFinding } from './format';
import { AnalysisReport, CheckInfo, Finding, FindingLevel, KindCount } from './types';
import { formatIssues } from '../validation/format';
import { validateManifests } from '../validation/manifest';

/** Options of an analysis. */
export interface AnalyzeOptions {
  /**
   * Objects that exist in the cluster but are not in the output: they satisfy references and are never
   * reported on. Partial objects are enough (`apiVersion`, `kind`, `metadata.name`/`namespace`). Objects
   * annotated `cdk8s-istio.io/external: "true"` among the analyzed ones count as external too.
   * @default none
   */
  readonly external?: any[];
  /**
   * The namespace of namespaced objects that name none (where `kubectl apply` would put them).
   * @default "default"
   */
  readonly defaultNamespace?: string;
  /**
   * Codes not to report (as istioctl's `--suppress`), e.g. `["IST0102"]`.
   * @default none
   */
  readonly suppress?: string[];
}

const SKIP_CHART_CHECK = new WeakSet<object>();

/**
 * The offline analyzer: reads Kubernetes objects, whoever made them (our constructs, plain
 * `ApiObject`s, `Include`d YAML, hand-written files), and reports what would not work once applied:
 * duplicate objects, dangling references, conflicts, policies that select nothing. Codes and levels are
 * Istio's (`istioctl analyze`) where Istio has the check, `CDK8S-ISTIO-*` where it has none.
 */
export class MeshAnalyzer {
  /** Analyzes `objects` (plain JSON Kubernetes objects). */
  public static analyze(objects: any[], options: AnalyzeOptions = {}): AnalysisReport {
    return run(objects.map((object) => ({ object })), options);
  }

  /**
   * Like {@link analyze}, for objects that each say where they were read (`source`, e.g. `file:line`);
   * findings carry it as their `source`. @internal
   */
  public static _analyzeSourced(objects: SourcedObject[], options: AnalyzeOptions = {}): AnalysisReport {
    return run(objects, options);
  }

  /**
   * Analyzes a chart's objects (each finding names the construct that wrote the object), with the
   * {@link ExternalResources} declared in the chart added to `options.external`.
   */
  public static analyzeChart(chart: Chart, options: AnalyzeOptions = {}): AnalysisReport {
    return runOnChart(chart, chartObjects(chart), options);
  }

  /**
   * {@link analyzeChart} for a chart already synthesized: `synthesized` is what `chart.toJson()` returned
   * and `external` the chart's `ExternalResources` objects, so that no object is serialized twice. @internal
   */
  public static _analyzeSynthesizedChart(chart: Chart, synthesized: any[], external: any[]): AnalysisReport {
    return run(chartObjects(chart, synthesized), { external });
  }

  /**
   * Makes the chart's synthesis fail (`app.synth()`, `chart.toJson()`, `Testing.synth`) when one of its
   * objects fails the schema check (`validateManifests`: strict schemas, CEL rules) or the analyzer finds
   * an error; warnings do not fail it (read them with {@link analyzeChart}). This is what `MeshApp` does
   * for every chart; call it for a chart in a plain cdk8s `App`.
   */
  public static attach(chart: Chart, options: AnalyzeOptions = {}): void {
    chart.node.addValidation({
      validate: () => {
        if (SKIP_CHART_CHECK.has(App.of(chart))) return [];
        const objects = chartObjects(chart);
        const issues = validateManifests(objects.map((o) => o.object));
        const report = runOnChart(chart, objects, options);
        return [
          ...(issues.length > 0 ? [formatIssues(issues)] : []),
          ...report.findings.filter((f) => f.level === FindingLevel.ERROR).map(formatFinding),
        ];
      },
    });
  }

  /** Every check, with the codes it reports. */
  public static checks(): CheckInfo[] {
    return ALL_CHECKS.map((c) => ({ name: c.name, codes: [...c.codes], description: c.description }));
  }

  /** Findings as istioctl prints them, one per line. */
  public static format(findings: Finding[]): string {
    return findings.map(formatFinding).join('\n');
  }

  /**
   * Lets `app` run the analyzer itself (once per chart, after synthesis) instead of in every chart's
   * validation, which cdk8s runs for the whole app each time one chart is synthesized. @internal
   */
  public static _deferChartChecks(app: App): void {
    SKIP_CHART_CHECK.add(app);
  }
}

/** Whether `c` is an API object `chart` writes (not one of a nested chart). */
function ownObject(chart: Chart, c: IConstruct): c is ApiObject {
  return c instanceof ApiObject && Chart.of(c) === chart;
}

/**
 * A chart's API objects as JSON, in the order of the construct tree, each with the path of the
 * construct that wrote it. `synthesized` is the chart's `toJson()` when the caller has it: its objects
 * are taken as they are instead of serializing every object again.
 */
function chartObjects(chart: Chart, synthesized?: unknown[]): SourcedObject[] {
  const tree = chart.node.findAll();
  const objects = tree.filter((c): c is ApiObject => ownObject(chart, c));
  const json = synthesized === undefined ? undefined : synthesizedByObject(chart, tree, objects, synthesized);
  return objects.map((o) => ({ object: json?.get(o) ?? o.toJson(), source: userPath(o) }));
}

/**
 * Which API object wrote each object of `chart.toJson()`: cdk8s writes them in the order of the
 * chart's dependency graph. Without any dependency in the chart (the common case) that is the order of
 * the tree (`objects`); otherwise the graph is computed again here. Undefined if they do not line up.
 */
function synthesizedByObject(chart: Chart, tree: IConstruct[], objects: ApiObject[], synthesized: unknown[]): Map<ApiObject, unknown> | undefined {
  const ordered = tree.every((c) => c.node.dependencies.length === 0)
    ? objects
    : new DependencyGraph(chart.node).topology().filter((c): c is ApiObject => ownObject(chart, c));
  const lineUp = ordered.length === synthesized.length
    && ordered.every((o, i) => isRecord(synthesized[i]) && (synthesized[i] as Record<string, unknown>).kind === o.kind);
  return lineUp ? new Map(ordered.map((o, i) => [o, synthesized[i]])) : undefined;
}

/** Analyzes a chart's objects with the ExternalResources declared in the chart. */
function runOnChart(chart: Chart, objects: SourcedObject[], options: AnalyzeOptions): AnalysisReport {
  return run(objects, { ...options, external: [...(options.external ?? []), ...ExternalResources._objectsUnder(chart)] });
}

/**
 * The construct a user wrote: an L2's `Resource` child reports as its parent; an object of a shared
 * construct (a TrafficHost's DestinationRule) as the constructs that contributed to it (`_sourcePath`).
 */
function userPath(o: IConstruct): string {
  const scope = o.node.scope as (IConstruct & { _sourcePath?: (object: IConstruct) => string | undefined }) | undefined;
  const contributors = typeof scope?._sourcePath === 'function' ? scope._sourcePath(o) : undefined;
  if (contributors !== undefined) return contributors;
  return o.node.id === 'Resource' && scope && scope.node.path !== '' ? scope.node.path : o.node.path;
}

/** Whether an object is annotated as a declaration of something outside the output. */
function isDeclaredExternal(o: unknown): boolean {
  return isRecord(o) && isRecord(o.metadata) && isRecord(o.metadata.annotations) && o.metadata.annotations[EXTERNAL_ANNOTATION] === 'true';
}

function run(input: SourcedObject[], options: AnalyzeOptions): AnalysisReport {
  const objects = input.filter((o) => !isDeclaredExternal(o.object));
  const external = [...(options.external ?? []), ...input.filter((o) => isDeclaredExternal(o.object)).map((o) => o.object)];
  const ctx = new AnalysisContext({ objects, external, defaultNamespace: options.defaultNamespace ?? 'default' });
  for (const check of ALL_CHECKS) check.run(ctx);
  const suppressed = new Set(options.suppress ?? []);
  const findings = ctx.findings.filter((f) => !suppressed.has(f.code)).sort(compareFindings);
  const counts = new Map<string, number>();
  for (const r of ctx.resources) {
    if (!r.external) counts.set(`${r.apiVersion} ${r.kind}`, (counts.get(`${r.apiVersion} ${r.kind}`) ?? 0) + 1);
  }
  const kinds: KindCount[] = [...counts.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([kind, count]) => ({ kind, count }));
  return {
    findings,
    checks: ALL_CHECKS.map((c) => c.name),
    objects: kinds,
    errors: findings.filter((f) => f.level === FindingLevel.ERROR).length,
    warnings: findings.filter((f) => f.level === FindingLevel.WARNING).length,
  };
}
