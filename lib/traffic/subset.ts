import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkString, describeType, isObject } from '../core/input';
import { checkSelectorLabels, labelsCover } from '../core/labels';
import { PLUS_WORKLOAD_KINDS, PlusWorkload } from '../workload/plus-objects';
import { checkSubsetName } from './checks';

const WORKLOAD_FIX = `pass ${PLUS_WORKLOAD_KINDS}, or use Subset.fromLabels(name, { version: "..." })`;

/**
 * A named set of a service's endpoints (a DestinationRule subset), selected by pod labels.
 *
 * Build it from labels, or from a cdk8s-plus workload so that the labels are guaranteed to be on that
 * workload's pods. Name and labels are checked when a construct uses the subset, so that errors name
 * the construct.
 */
export class Subset {
  /**
   * A subset of the endpoints that carry all of `labels`.
   *
   * @param name the subset name, a DNS label such as `v1` (ISTIO-RULES D4)
   * @example Subset.fromLabels('v2', { version: 'v2' })
   */
  public static fromLabels(name: string, labels: { readonly [key: string]: string }): Subset {
    // A copy of plain data (later changes to the caller's object change nothing); anything else is kept
    // as it is and reported by the construct that uses the subset.
    const proto = isObject(labels) ? Object.getPrototypeOf(labels) : undefined;
    return new Subset(name, proto === Object.prototype || proto === null ? { ...labels } : labels, undefined, undefined, undefined);
  }

  /**
   * The pods of a cdk8s-plus workload: a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of
   * any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33). The parameter is typed `IConstruct`,
   * which every version shares, and checked at run time: anything else (another construct, or no
   * construct at all) is an error naming it, raised by the construct that uses the subset, under its path.
   *
   * The labels are the ones you gave the workload's pods (`podMetadata.labels`, e.g.
   * `{ app: 'reviews', version: 'v1' }`) as they are when this is called; pods carry them verbatim.
   * When you gave none, the workload's own selector (`matchLabels`, by default cdk8s-plus's
   * `cdk8s.io/metadata.addr` label) is used for a Deployment, StatefulSet or DaemonSet: Kubernetes
   * guarantees the pods carry it; for a Job, CronJob or Pod, the address label cdk8s-plus puts on its pods.
   *
   * Pick pod labels that tell this workload apart from its siblings (a `version` label): a
   * `CanaryRelease` rejects a stable subset whose labels also select the canary workload's pods.
   *
   * The workload's namespace (when it sets one) is where the constructs using the subset put their
   * DestinationRule and VirtualService; a different `namespace` or a host in another namespace is an
   * error, since a subset selects endpoints of the host's own Service.
   *
   * @param name the subset name, a DNS label such as `v1` (ISTIO-RULES D4)
   * @param workload a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod
   */
  public static fromWorkload(name: string, workload: IConstruct): Subset {
    return Subset.workloadSubset(name, workload);
  }

  /**
   * A reference to a subset of the host that is defined elsewhere: by another construct of the chart
   * (`DestinationPolicy` `subsets`, a `CanaryRelease`, a route's `Subset.fromLabels`), or by a
   * DestinationRule the output holds or `ExternalResources` declares. A route that uses it names the
   * subset and defines nothing; the analyzer reports a subset no DestinationRule of the host defines
   * (IST0101, an error that fails `MeshApp`'s synth: requests to it would fail with 503).
   *
   * Where a definition is needed (a `DestinationPolicy` entry without policy, a `CanaryRelease`'s
   * labels check), a reference is refused or the check skipped, as documented there.
   *
   * @param name the subset name, a DNS label such as `v1` (ISTIO-RULES D4)
   * @example
   * new DestinationPolicy(chart, 'reviews-subsets', {
   *   host: 'reviews.bookinfo.svc.cluster.local',
   *   subsets: [{ subset: Subset.fromLabels('v1', { version: 'v1' }) }, { subset: Subset.fromLabels('v2', { version: 'v2' }) }],
   * });
   * new HostRoutes(chart, 'reviews-routes', {
   *   host: 'reviews.bookinfo.svc.cluster.local',
   *   routes: [{ to: Subset.named('v2') }],
   * });
   */
  public static named(name: string): Subset {
    return new Subset(name, {}, undefined, undefined, undefined, undefined, true);
  }

  private static workloadSubset(name: string, workload: IConstruct): Subset {
    let plus: PlusWorkload;
    try {
      plus = PlusWorkload.read(workload, { field: 'workload', fix: WORKLOAD_FIX });
    } catch {
      // Reported by the construct that uses the subset, under its path (`_check`).
      return new Subset(name, {}, undefined, undefined, undefined, { workload });
    }
    return new Subset(name, plus.selectorLabels(), plus.podLabels(), plus.path, plus.namespace);
  }

  private constructor(
    /** The subset name. */
    public readonly name: string,
    private readonly labelMap: { readonly [key: string]: string },
    private readonly podLabels: { readonly [key: string]: string } | undefined,
    /** The construct path of the workload this subset was made from, if any. */
    public readonly workloadPath: string | undefined,
    /** The namespace of the workload this subset was made from, when it sets one. */
    public readonly workloadNamespace: string | undefined,
    /** What `fromWorkload` was given when it was no cdk8s-plus workload (reported on use). */
    private readonly invalid?: { readonly workload: unknown },
    private readonly reference?: boolean,
  ) {}

  /** True for a reference to a subset defined elsewhere ({@link Subset.named}): it carries no labels. */
  public get isReference(): boolean {
    return this.reference === true;
  }

  /** The labels that select the subset's endpoints (a copy). */
  public get labels(): { [key: string]: string } {
    return isObject(this.labelMap) ? { ...this.labelMap } : {};
  }

  /**
   * True when this subset's labels are all on the pods of the workload `other` was made from, i.e.
   * this subset would also send traffic to `other`'s pods. Undefined when `other` has no workload.
   */
  public selectsPodsOf(other: Subset): boolean | undefined {
    if (!other.podLabels) {
      return undefined;
    }
    return labelsCover(this.labelMap, other.podLabels);
  }

  /** @internal Checks name and labels; returns them with the labels sorted. */
  public _check(scope: IConstruct, field: string): { name: string; labels: { [key: string]: string } } {
    if (this.invalid !== undefined) {
      PlusWorkload.read(this.invalid.workload, { where: scope.node.path, field: `${field}.workload`, fix: WORKLOAD_FIX });
    }
    const name = checkSubsetName(scope, `${field}.name`, checkString(scope, `${field}.name`, this.name, { fix: 'name the subset like "v1" or "canary"' }));
    if (this.reference) {
      return { name, labels: {} };
    }
    const labelMap: unknown = this.labelMap;
    const proto = isObject(labelMap) ? Object.getPrototypeOf(labelMap) : undefined;
    if (!isObject(labelMap) || (proto !== Object.prototype && proto !== null)) {
      throw invalidInput(scope, `${field}.labels`, labelMap, `is ${describeType(labelMap)}, not a map of labels`, 'give labels such as { app: "reviews", version: "v1" }');
    }
    if (this.workloadPath !== undefined && Object.keys(this.labelMap).length === 0) {
      throw invalidInput(scope, `${field}.labels`, {}, `are empty: workload ${this.workloadPath} has neither pod labels nor a selector`,
        'give the workload podMetadata labels such as { app: "reviews", version: "v1" }');
    }
    const labels = checkSelectorLabels(scope, `${field}.labels`, this.labelMap);
    return { name, labels };
  }
}
