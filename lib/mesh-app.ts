import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App, AppProps, Chart } from 'cdk8s';
import { MeshAnalyzer } from './analysis/analyzer';
import { ExternalResources } from './analysis/external';
import { AnalysisReport, FindingLevel } from './analysis/types';
import { entryPoint } from './core/entry-point';
import { isInstallObject } from './core/install-objects';
import { formatInputError, invalidInput } from './core/errors';
import { checkArray, checkBoolean, checkProps, checkString, describeType } from './core/input';
import { validateManifestsDetailed } from './validation/manifest';
import { YamlWriter } from './core/yaml-writer';
import { formatIssues } from './validation/format';
import { writeServiceGraph } from './graph/report';

/**
 * A synthesized Kubernetes object, as plain JSON.
 * @internal
 */
export interface ManifestObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name?: string; readonly namespace?: string; readonly [key: string]: unknown };
  readonly [key: string]: unknown;
}

/** Where one chart's objects go. */
export interface ChartOutput {
  /** The chart's id, which is its folder under the output directory. */
  readonly chart: string;
  /**
   * Objects that install the control plane for GitOps (`<outdir>/<chart>/control-plane/manifests.yaml`):
   * Helm releases or Argo CD Applications of Istio's charts, Sail resources, the control plane
   * namespace, revision-tag webhooks. Applied before `gitops`, whose Istio resources need the CRDs and
   * webhooks these install.
   */
  readonly controlPlane: { [key: string]: any }[];
  /** Objects a GitOps controller applies (`<outdir>/<chart>/gitops/manifests.yaml`), as plain JSON. */
  readonly gitops: { [key: string]: any }[];
  /** IstioOperator objects for `istioctl install -f` (`<outdir>/<chart>/istioctl/<name>.yaml`), never applied to a cluster. */
  readonly istioctl: { [key: string]: any }[];
  /** What the analyzer found in the chart (undefined when `validateOutput` is false). */
  readonly analysis?: AnalysisReport;
  /** The chart's `ExternalResources` declarations (`<outdir>/<chart>/external/declared.yaml`), never applied. */
  readonly external?: { [key: string]: any }[];
}

/**
 * True for objects no cluster may receive: the IstioOperator has had no CRD since Istio 1.24 and is
 * read by istioctl only.
 * @internal
 */
export function isInstallOnly(obj: ManifestObject): boolean {
  return obj.apiVersion.startsWith('install.istio.io/');
}

/** Cluster-wide and namespace objects first, so `kubectl apply -f` of one file never meets a missing namespace. */
const KIND_ORDER = ['Namespace', 'CustomResourceDefinition', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'ConfigMap', 'Secret'];

function rank(obj: ManifestObject): number {
  const i = KIND_ORDER.indexOf(obj.kind);
  return i === -1 ? KIND_ORDER.length : i;
}

/**
 * Splits a chart's synthesized objects into the GitOps set and the istioctl set, in a stable order.
 * @internal
 */
export function splitChart(chart: Chart, synthesized: ManifestObject[] = chart.toJson()): ChartOutput {
  const installKeys = new Set(chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && isInstallObject(c))
    .map((o) => objectKey(o.apiVersion, o.kind, o.metadata.namespace, o.name)));
  const isControlPlane = (o: ManifestObject) => installKeys.has(objectKey(o.apiVersion, o.kind, o.metadata.namespace, o.metadata.name));
  const objects = synthesized
    .map((obj, i) => ({ obj, i }))
    // A stable sort by kind rank; inside a rank, cdk8s's own (dependency, then definition) order stays.
    .sort((a, b) => rank(a.obj) - rank(b.obj) || a.i - b.i)
    .map(({ obj }) => obj);
  return {
    chart: chart.node.id,
    controlPlane: objects.filter((o) => !isInstallOnly(o) && isControlPlane(o)),
    gitops: objects.filter((o) => !isInstallOnly(o) && !isControlPlane(o)),
    istioctl: objects.filter(isInstallOnly),
    external: ExternalResources._objectsUnder(chart) as ManifestObject[],
  };
}

function objectKey(apiVersion: string, kind: string, namespace: string | undefined, name: string | undefined): string {
  return [apiVersion, kind, namespace ?? '', name ?? ''].join('\u0000');
}

const MESH_APP = Symbol.for('cdk8s-istio.MeshApp');

/** A chart id MeshApp may use as a folder: no path separator, no `.` or `..`, nothing a shell must quote. */
const FOLDER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

/** Props of a {@link MeshApp}. */
export interface MeshAppProps extends AppProps {
  /**
   * Before anything is written, check every synthesized object against the schema of its kind (Istio
   * 1.30 CRDs, core Kubernetes 1.32 kinds, the other vendored CRDs; unknown fields are errors) and its CEL
   * rules, the IstioOperator against istioctl's mesh config and values schemas, and run the analyzer
   * (`MeshAnalyzer`) over each chart's objects with the chart's `ExternalResources`. A schema problem or an
   * analyzer error lists every problem by chart, object and field, and writes nothing; warnings are printed.
   * @default true
   */
  readonly validateOutput?: boolean;
  /**
   * Print a short summary per chart after writing it (objects by kind, checks run, findings) and the
   * analyzer's warnings, on standard error (the cdk8s CLI shows a program's standard error only).
   * @default true
   */
  readonly printSummary?: boolean;
}

/**
 * An App that writes each chart to its own folder, split by who applies it:
 *
 * ```
 * <outdir>/<chart>/control-plane/manifests.yaml  the control plane for GitOps (Helm releases, Sail, tags); apply first
 * <outdir>/<chart>/gitops/manifests.yaml     what Argo CD / Flux apply (Kubernetes and Istio CRs)
 * <outdir>/<chart>/istioctl/<name>.yaml      IstioOperator for `istioctl install -f`; never applied
 * <outdir>/<chart>/external/declared.yaml    the chart's ExternalResources, for `cdk8s-istio analyze`; never applied
 * ```
 *
 * Output is deterministic: resource names carry no hashes (MeshChart), objects keep a stable order, and
 * the folder of each chart is emptied before it is written, so a removed object leaves no stale file.
 *
 * Any chart works: MeshCharts and plain cdk8s Charts (whose constructs of this library take the PROD
 * defaults) alike. Every chart, a nested one too, is written to the folder of its own id and analyzed
 * on its own, as the unit one GitOps application syncs: what it uses from another chart is declared
 * with `ExternalResources`. A `MeshControlPlane` refuses to synthesize under any other App, which would
 * write its IstioOperator among the objects GitOps applies.
 */
export class MeshApp extends App {
  /**
   * Whether `x` is a MeshApp (also one made by another copy of this library, which `instanceof` would miss).
   */
  public static isMeshApp(x: any): boolean {
    return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[MESH_APP] === true;
  }

  private readonly validateOutput: boolean;
  private readonly printSummary: boolean;

  constructor(props: MeshAppProps = {}) {
    props = checkAppProps(props);
    if (props.yamlOutputType !== undefined) {
      throw new Error(`MeshApp yamlOutputType: ${JSON.stringify(props.yamlOutputType)} is not supported: MeshApp writes its own layout `
        + '(<outdir>/<chart>/gitops/manifests.yaml, istioctl/<name>.yaml, external/declared.yaml). Fix: leave yamlOutputType out, or use a plain cdk8s App.');
    }
    super(props);
    this.validateOutput = props.validateOutput ?? true;
    this.printSummary = props.printSummary ?? true;
    Object.defineProperty(this, MESH_APP, { value: true });
    // Charts that have `MeshAnalyzer.attach` are analyzed below, once, instead of in every validation.
    MeshAnalyzer._deferChartChecks(this);
  }

  /**
   * Synthesizes every chart into the folder layout above (after checking every object, unless
   * `validateOutput` is false). Returns nothing, like cdk8s's `App.synth`; {@link synthOutputs} does
   * the same and returns the objects written.
   */
  public synth(): void {
    this.synthOutputs();
  }

  /** Does what {@link synth} does and returns the objects of each chart as they were written. */
  public synthOutputs(): ChartOutput[] {
    const { outputs, summaries } = this.checkedOutputs();
    const charts = new Map(this.chartsInOrder().map((c) => [c.node.id, c]));
    for (const out of outputs) {
      const dir = path.join(this.outdir, out.chart);
      fs.rmSync(dir, { recursive: true, force: true });
      if (out.controlPlane.length > 0) {
        fs.mkdirSync(path.join(dir, 'control-plane'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'control-plane', 'manifests.yaml'), YamlWriter.stringify(...out.controlPlane));
      }
      if (out.gitops.length > 0) {
        fs.mkdirSync(path.join(dir, 'gitops'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'gitops', 'manifests.yaml'), YamlWriter.stringify(...out.gitops));
      }
      if (out.istioctl.length > 0) {
        fs.mkdirSync(path.join(dir, 'istioctl'), { recursive: true });
        for (const op of out.istioctl) {
          fs.writeFileSync(path.join(dir, 'istioctl', `${op.metadata.name}.yaml`), YamlWriter.stringify(op));
        }
      }
      if (out.external && out.external.length > 0) {
        fs.mkdirSync(path.join(dir, 'external'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'external', 'declared.yaml'), YamlWriter.stringify(...out.external));
      }
      const graph = writeServiceGraph(charts.get(out.chart), out, dir);
      if (graph !== undefined) summaries.push(graph);
    }
    if (this.printSummary) {
      for (const line of summaries) process.stderr.write(`${line}\n`);
    }
    return outputs;
  }

  /**
   * The GitOps objects of every chart as one YAML stream, after the checks {@link synth} runs; nothing is
   * written. IstioOperators are left out (cdk8s's `App.synthYaml` would put them in): they are for
   * istioctl, which {@link synthOutputs} returns them for.
   */
  public synthYaml(): string {
    return YamlWriter.stringify(...this.checkedOutputs().outputs.flatMap((o) => [...o.controlPlane, ...o.gitops]));
  }

  /**
   * The charts in cdk8s's order (`App.charts`, the topology of the app's dependency graph). When no
   * construct has a dependency, that is the order of the tree, found without building the graph (a
   * vertex per construct).
   */
  private chartsInOrder(): Chart[] {
    const tree = this.node.findAll();
    return tree.every((c) => c.node.dependencies.length === 0) ? tree.filter((c): c is Chart => Chart.isChart(c)) : this.charts;
  }

  /** Every chart split and, with `validateOutput`, checked; throws on the first kind of problem found. */
  private checkedOutputs(): { outputs: ChartOutput[]; summaries: string[] } {
    const charts = this.chartsInOrder();
    for (const chart of charts) {
      if (!FOLDER_NAME.test(chart.node.id)) {
        throw new Error(formatInputError(chart.node.path, 'chart id', chart.node.id, 'is not a folder name MeshApp can write the chart to (<outdir>/<chart id>/)',
          'use letters, digits, "-", "_" and "." (not first), e.g. "my-chart"'));
      }
    }
    // Each chart is synthesized once: its objects are split, checked, analyzed and written as they are.
    const synthesized = charts.map((chart) => chart.toJson() as ManifestObject[]);
    let outputs = charts.map((chart, i) => splitChart(chart, synthesized[i]));
    const ids = outputs.map((o) => o.chart);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) {
      throw new Error(`[${dup}] chart id: "${dup}" is used by two charts, whose output folders would collide. Fix: give every chart its own id.`);
    }
    const summaries: string[] = [];
    if (this.validateOutput) {
      const problems: string[] = [];
      outputs = outputs.map((out, i) => {
        const schema = validateManifestsDetailed([...out.controlPlane, ...out.gitops, ...out.istioctl]);
        const analysis = MeshAnalyzer._analyzeSynthesizedChart(charts[i], synthesized[i], out.external ?? []);
        const errors = analysis.findings.filter((f) => f.level === FindingLevel.ERROR);
        if (schema.issues.length > 0 || errors.length > 0) {
          problems.push([
            `chart ${out.chart}:`,
            ...(schema.issues.length > 0 ? [formatIssues(schema.issues)] : []),
            ...(errors.length > 0 ? [`${errors.length} analyzer error${errors.length === 1 ? '' : 's'}:`, ...errors.map((f) => `  - ${MeshAnalyzer.format([f])}`)] : []),
          ].join('\n'));
        }
        summaries.push(summary(out, analysis, schema.checked));
        return { ...out, analysis };
      });
      if (problems.length) {
        throw new Error(`Synthesized objects fail their schemas, CEL rules or the analyzer; nothing was written.\n${problems.join('\n')}`);
      }
    }
    for (const out of outputs) {
      const names = out.istioctl.map((o) => o.metadata.name);
      const same = names.find((n, i) => names.indexOf(n) !== i);
      if (same) {
        throw new Error(`[${out.chart}] IstioOperator metadata.name: "${same}" is used twice; both would be written to istioctl/${same}.yaml. Fix: give each control plane its own name or revision.`);
      }
    }
    return { outputs, summaries };
  }
}

/**
 * One chart's summary: where it went, its objects by kind, the checks run and the warnings, e.g.
 * `prod: 31 objects -> dist/prod (Deployment 4, Service 4, …); 16 schema-checked; 40 analyzer checks: 0 errors, 1 warning`.
 */
function summary(out: ChartOutput, analysis: AnalysisReport, schemaChecked: number): string {
  const total = out.controlPlane.length + out.gitops.length + out.istioctl.length;
  const byKind = new Map<string, number>();
  for (const k of analysis.objects) {
    const kind = k.kind.slice(k.kind.lastIndexOf(' ') + 1);
    byKind.set(kind, (byKind.get(kind) ?? 0) + k.count);
  }
  const kinds = [...byKind.keys()].sort().map((k) => `${k} ${byKind.get(k)}`).join(', ');
  const head = `${out.chart}: ${total} object${total === 1 ? '' : 's'} (${kinds}); ${schemaChecked} schema-checked; `
    + `${analysis.checks.length} analyzer checks: ${analysis.errors} error${analysis.errors === 1 ? '' : 's'}, `
    + `${analysis.warnings} warning${analysis.warnings === 1 ? '' : 's'}`;
  const warnings = analysis.findings.filter((f) => f.level === FindingLevel.WARNING).map((f) => `  ${MeshAnalyzer.format([f])}`);
  return [head, ...warnings].join('\n');
}

/**
 * The props of a MeshApp, checked before cdk8s's App reads them (errors name `MeshApp`: the app is the
 * root of the construct tree and has no path): an object without unknown keys, each value of its type.
 */
function checkAppProps(given: MeshAppProps): MeshAppProps {
  const where = entryPoint('MeshApp');
  const props = checkProps(where, given, 'MeshAppProps');
  if (props.outdir !== undefined) {
    checkString(where, 'outdir', props.outdir, { minLength: 1, fix: 'give the output directory, e.g. "dist"' });
  }
  for (const key of ['validateOutput', 'printSummary', 'recordConstructMetadata'] as const) {
    if (props[key] !== undefined) checkBoolean(where, key, props[key]);
  }
  // AppProps that cdk8s's own synth reads and MeshApp's layout has no use for: refused rather than ignored.
  if (props.outputFileExtension !== undefined) {
    throw invalidInput(where, 'outputFileExtension', props.outputFileExtension,
      'is not supported: MeshApp writes its own file names (<outdir>/<chart>/gitops/manifests.yaml, istioctl/<name>.yaml, external/declared.yaml)',
      'leave outputFileExtension out, or use a plain cdk8s App');
  }
  if (props.recordConstructMetadata === true) {
    throw invalidInput(where, 'recordConstructMetadata', true, 'is not supported: MeshApp writes no construct metadata file',
      'leave recordConstructMetadata out, or use a plain cdk8s App');
  }
  if (props.resolvers !== undefined) {
    checkArray(where, 'resolvers', props.resolvers, (r, field) => {
      if (typeof r !== 'object' || r === null || typeof (r as { resolve?: unknown }).resolve !== 'function') {
        throw invalidInput(where, field, r, `is ${describeType(r)}, not a cdk8s resolver (an object with a resolve method)`, 'pass resolvers such as new LazyResolver()');
      }
      return r;
    });
  }
  return props;
}
