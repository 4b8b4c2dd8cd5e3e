import * as fs from 'fs';
import * as path from 'path';
import { App, AppProps, Chart, Yaml } from 'cdk8s';
import { formatIssues, validateManifests } from './validation';

/** A synthesized Kubernetes object, as plain JSON. */
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
  /** Objects a GitOps controller applies (`<outdir>/<chart>/gitops/manifests.yaml`). */
  readonly gitops: readonly ManifestObject[];
  /** IstioOperator objects for `istioctl install -f` (`<outdir>/<chart>/istioctl/<name>.yaml`), never applied to a cluster. */
  readonly istioctl: readonly ManifestObject[];
}

/**
 * True for objects no cluster may receive: the IstioOperator has had no CRD since Istio 1.24 and is
 * read by istioctl only.
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
export function splitChart(chart: Chart): ChartOutput {
  const objects = (chart.toJson() as ManifestObject[])
    .map((obj, i) => ({ obj, i }))
    // A stable sort by kind rank; inside a rank, cdk8s's own (dependency, then definition) order stays.
    .sort((a, b) => rank(a.obj) - rank(b.obj) || a.i - b.i)
    .map(({ obj }) => obj);
  return {
    chart: chart.node.id,
    gitops: objects.filter((o) => !isInstallOnly(o)),
    istioctl: objects.filter(isInstallOnly),
  };
}

/** Props of a {@link MeshApp}. */
export interface MeshAppProps extends Omit<AppProps, 'yamlOutputType'> {
  /**
   * Check every synthesized object against the schema of its kind (Istio 1.30 CRDs, core Kubernetes 1.32
   * kinds, the other vendored CRDs; unknown fields are errors) and their CEL rules, and the IstioOperator
   * against istioctl's mesh config and values schemas, before anything is written. A failure lists every problem by chart, object and field, and writes nothing.
   * @default true
   */
  readonly validateOutput?: boolean;
}

/**
 * An App that writes each chart to its own folder, split by who applies it:
 *
 * ```
 * <outdir>/<chart>/gitops/manifests.yaml     what Argo CD / Flux apply (Kubernetes and Istio CRs)
 * <outdir>/<chart>/istioctl/<name>.yaml      IstioOperator for `istioctl install -f`; never applied
 * ```
 *
 * Output is deterministic: resource names carry no hashes (MeshChart), objects keep a stable order, and
 * the folder of each chart is emptied before it is written, so a removed object leaves no stale file.
 */
export class MeshApp extends App {
  private readonly validateOutput: boolean;

  constructor(props: MeshAppProps = {}) {
    super(props);
    this.validateOutput = props.validateOutput ?? true;
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
    const outputs = this.charts.map(splitChart);
    const ids = outputs.map((o) => o.chart);
    const dup = ids.find((id, i) => ids.indexOf(id) !== i);
    if (dup) {
      throw new Error(`[${dup}] chart id: "${dup}" is used by two charts, whose output folders would collide. Fix: give every chart its own id.`);
    }
    if (this.validateOutput) {
      const problems = outputs.flatMap((out) => {
        const issues = validateManifests([...out.gitops, ...out.istioctl]);
        return issues.length ? [`chart ${out.chart}:\n${formatIssues(issues)}`] : [];
      });
      if (problems.length) {
        throw new Error(`Synthesized objects fail their schema or CEL rules; nothing was written.\n${problems.join('\n')}`);
      }
    }
    for (const out of outputs) {
      const names = out.istioctl.map((o) => o.metadata.name);
      const same = names.find((n, i) => names.indexOf(n) !== i);
      if (same) {
        throw new Error(`[${out.chart}] IstioOperator metadata.name: "${same}" is used twice; both would be written to istioctl/${same}.yaml. Fix: give each control plane its own name or revision.`);
      }
    }
    for (const out of outputs) {
      const dir = path.join(this.outdir, out.chart);
      fs.rmSync(dir, { recursive: true, force: true });
      if (out.gitops.length > 0) {
        fs.mkdirSync(path.join(dir, 'gitops'), { recursive: true });
        fs.writeFileSync(path.join(dir, 'gitops', 'manifests.yaml'), Yaml.stringify(...out.gitops));
      }
      if (out.istioctl.length > 0) {
        fs.mkdirSync(path.join(dir, 'istioctl'), { recursive: true });
        for (const op of out.istioctl) {
          fs.writeFileSync(path.join(dir, 'istioctl', `${op.metadata.name}.yaml`), Yaml.stringify(op));
        }
      }
    }
    return outputs;
  }
}
