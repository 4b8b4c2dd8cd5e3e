import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { formatInputError } from '../core/errors';

/**
 * Reads workloads and service accounts of any cdk8s-plus 2x library (cdk8s-plus-27 … cdk8s-plus-33).
 *
 * The public API takes them as `IConstruct`, which every version shares: each cdk8s-plus version has
 * its own classes, so a parameter typed with one version's `Deployment` rejects another version's at
 * compile time (TypeScript) and at run time (jsii languages), and `instanceof` is false across
 * versions. The checks here are by what every version has in common instead: the construct's default
 * child is the cdk8s `ApiObject` it synthesizes (its kind says what it is), and the members this
 * library reads (`podMetadata`, `matchLabels`, `metadata`, `serviceAccount`,
 * `toSubjectConfiguration()`) exist with the same meaning in every version.
 *
 * Not exported from the package: the constructs that take workloads document what they accept.
 */

/** The label cdk8s-plus puts on every pod it defines (`Pod.ADDRESS_LABEL`, the same in every 2x version). */
export const PLUS_ADDRESS_LABEL = 'cdk8s.io/metadata.addr';

/**
 * The kinds of the cdk8s-plus classes whose pods we select or whose identity we read, with whether the
 * kind must have a selector (so its `matchLabels` are guaranteed to be on its pods). A Job or CronJob
 * normally has none (Kubernetes generates it), and a Pod is its own pod.
 */
const POD_KINDS: Record<string, { selector: boolean }> = {
  Deployment: { selector: true },
  StatefulSet: { selector: true },
  DaemonSet: { selector: true },
  Job: { selector: false },
  CronJob: { selector: false },
  Pod: { selector: false },
};

/** The accepted workload kinds, for messages. */
export const PLUS_WORKLOAD_KINDS = 'a Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33)';

/** Where a value was given, for errors: the construct path in brackets (when there is one) and the field. */
export interface PlusUse {
  /** The path of the construct that received the value; the value's own path when none did (a static factory). */
  readonly where?: string;
  /** The parameter or field, e.g. `Subset.fromWorkload(workload)` or `from[2]`. */
  readonly field: string;
  /** How to mend a wrong value. */
  readonly fix: string;
  /**
   * What the value should have been, for the message.
   * @default "a cdk8s-plus workload that runs pods" / "a cdk8s-plus ServiceAccount"
   */
  readonly expected?: string;
}

interface MetadataLike {
  readonly namespace?: string;
  toJson(): { labels?: { [key: string]: string }; annotations?: { [key: string]: string } };
  addLabel?(key: string, value: string): void;
  addAnnotation?(key: string, value: string): void;
}

interface PlusMembers {
  readonly kind?: unknown;
  readonly metadata?: MetadataLike;
  readonly podMetadata?: MetadataLike;
  readonly matchLabels?: { [key: string]: string };
  readonly serviceAccount?: unknown;
  toSubjectConfiguration?(): { name?: string; namespace?: string };
}

/** A cdk8s-plus workload (any 2x version) whose members were checked; its labels are read when asked. */
export class PlusWorkload {
  /**
   * Checks that `value` is a cdk8s-plus workload that runs pods (see `PLUS_WORKLOAD_KINDS`) and wraps it.
   * Throws an error naming `use.where`, `use.field`, what was passed and `use.fix` otherwise.
   */
  public static read(value: unknown, use: PlusUse): PlusWorkload {
    if (!Construct.isConstruct(value)) {
      throw plusError(value, use, 'is not a construct');
    }
    const kind = plusKind(value);
    const members = value as unknown as PlusMembers;
    if (kind === undefined || !Object.prototype.hasOwnProperty.call(POD_KINDS, kind)) {
      throw plusError(value, use, `is ${describeConstruct(value)}, not ${use.expected ?? 'a cdk8s-plus workload that runs pods'}`);
    }
    const missing = [
      isMetadata(members.metadata) ? undefined : 'metadata',
      isMetadata(members.podMetadata) ? undefined : 'podMetadata',
      !POD_KINDS[kind].selector || isLabelMap(members.matchLabels) ? undefined : 'matchLabels',
    ].filter((m): m is string => m !== undefined);
    if (missing.length > 0) {
      throw plusError(value, use, `is a ${kind} construct without the cdk8s-plus member(s) ${missing.join(', ')}`);
    }
    return new PlusWorkload(value, kind);
  }

  private constructor(
    /** The workload construct. */
    public readonly construct: IConstruct,
    /** Its Kubernetes kind, e.g. `Deployment`. */
    public readonly kind: string,
  ) {}

  /** The construct path. */
  public get path(): string {
    return this.construct.node.path;
  }

  /** The workload's namespace (`metadata.namespace`), when it sets one or its chart does. */
  public get namespace(): string | undefined {
    return this.members.metadata!.namespace;
  }

  /** The labels of its pods as they are now (`podMetadata.labels`, a copy), including cdk8s-plus's address label. */
  public podLabels(): { [key: string]: string } {
    return { ...(this.members.podMetadata!.toJson().labels ?? {}) };
  }

  /**
   * The labels that select the workload's pods: the pod labels you gave it (`podMetadata.labels`, e.g.
   * `{ app: 'reviews', version: 'v1' }`), which pods carry verbatim. When you gave none: for a
   * Deployment, StatefulSet or DaemonSet its own selector (`matchLabels`, by default cdk8s-plus's
   * `cdk8s.io/metadata.addr` label, which Kubernetes guarantees is on the pods), else (Job, CronJob,
   * Pod) the address label cdk8s-plus puts on the pods. The address label is left out when you gave
   * labels of your own, since it changes with the construct path. Empty only for a workload created
   * with `select: false` and no pod labels.
   */
  public selectorLabels(): { [key: string]: string } {
    const podLabels = this.podLabels();
    const own = Object.fromEntries(Object.entries(podLabels).filter(([k]) => k !== PLUS_ADDRESS_LABEL));
    if (Object.keys(own).length > 0) {
      return own;
    }
    if (POD_KINDS[this.kind].selector) {
      return { ...this.members.matchLabels };
    }
    const address = podLabels[PLUS_ADDRESS_LABEL];
    return address === undefined ? {} : { [PLUS_ADDRESS_LABEL]: address };
  }

  /** The annotations of its pods as they are now (`podMetadata.annotations`, a copy). */
  public podAnnotations(): { [key: string]: string } {
    return { ...(this.members.podMetadata!.toJson().annotations ?? {}) };
  }

  /** Whether its pod metadata can take labels and annotations (every cdk8s-plus 2x version's can). */
  public get podMetadataWritable(): boolean {
    const m = this.members.podMetadata!;
    return typeof m.addLabel === 'function' && typeof m.addAnnotation === 'function';
  }

  /** Adds a label to its pod template (`podMetadata`), where Istio's injector reads pod labels. */
  public addPodLabel(key: string, value: string): void {
    this.members.podMetadata!.addLabel!(key, value);
  }

  /** Adds an annotation to its pod template (`podMetadata`), where Istio's injector reads pod annotations. */
  public addPodAnnotation(key: string, value: string): void {
    this.members.podMetadata!.addAnnotation!(key, value);
  }

  /** The service account its pods run as, when it has one (a construct of the same cdk8s-plus version). */
  public get serviceAccount(): unknown {
    return this.members.serviceAccount;
  }

  private get members(): PlusMembers {
    return this.construct as unknown as PlusMembers;
  }
}

/** The identity of a cdk8s-plus ServiceAccount (any 2x version): its name and namespace. */
export class PlusServiceAccount {
  /**
   * Checks that `value` is a cdk8s-plus ServiceAccount, created (`new ServiceAccount(...)`) or imported
   * (`ServiceAccount.fromServiceAccountName(...)`), and reads its subject.
   */
  public static read(value: unknown, use: PlusUse): PlusServiceAccount {
    if (!Construct.isConstruct(value)) {
      throw plusError(value, use, 'is not a construct');
    }
    if (!PlusServiceAccount.is(value)) {
      throw plusError(value, use, `is ${describeConstruct(value)}, not ${use.expected ?? 'a cdk8s-plus ServiceAccount'}`);
    }
    const subject = (value as unknown as Required<PlusMembers>).toSubjectConfiguration();
    return new PlusServiceAccount(value, subject.name, subject.namespace);
  }

  /** True when `value` is a cdk8s-plus ServiceAccount (the check of {@link PlusServiceAccount.read}). */
  public static is(value: unknown): boolean {
    if (!Construct.isConstruct(value)) {
      return false;
    }
    const members = value as unknown as PlusMembers;
    return members.kind === 'ServiceAccount' && typeof members.toSubjectConfiguration === 'function';
  }

  private constructor(
    /** The ServiceAccount construct. */
    public readonly construct: IConstruct,
    /** Its name. */
    public readonly name: string | undefined,
    /** Its namespace, when known. */
    public readonly namespace: string | undefined,
  ) {}
}

/** The kind of the Kubernetes object a construct synthesizes: that of its default child `ApiObject` (a cdk8s-plus construct). */
function plusKind(c: IConstruct): string | undefined {
  if (ApiObject.isApiObject(c)) {
    return undefined; // a plain ApiObject (or an imported L1 class) is not a cdk8s-plus construct
  }
  const child = c.node.defaultChild;
  return ApiObject.isApiObject(child) ? child.kind : undefined;
}

/**
 * What a construct is, for messages: `a cdk8s-plus-33 Service`, `an ApiObject of kind ConfigMap`,
 * `a construct whose object is a Service`, `a construct without a Kubernetes object`.
 */
export function describeConstruct(c: IConstruct): string {
  const fqn = jsiiFqn(c);
  const plus = fqn === undefined ? undefined : /^(cdk8s-plus-\d+)\.([A-Za-z0-9]+)$/.exec(fqn);
  if (plus) {
    return `a ${plus[1]} ${plus[2]}`;
  }
  if (ApiObject.isApiObject(c)) {
    return `an ApiObject of kind ${c.kind}`;
  }
  const child = c.node.defaultChild;
  if (ApiObject.isApiObject(child)) {
    return `a construct whose object is a ${child.kind}`;
  }
  return 'a construct without a Kubernetes object';
}

/** The jsii type name of a construct's class (`cdk8s-plus-33.Service`), which every cdk8s-plus class carries. */
function jsiiFqn(c: IConstruct): string | undefined {
  const rtti = (c.constructor as unknown as { [key: symbol]: { fqn?: unknown } | undefined })[Symbol.for('jsii.rtti')];
  return typeof rtti?.fqn === 'string' ? rtti.fqn : undefined;
}

/** The error for a wrong value: a construct is shown by its path, anything else as itself. */
function plusError(value: unknown, use: PlusUse, problem: string): Error {
  const path = Construct.isConstruct(value) ? value.node.path : undefined;
  return new Error(formatInputError(use.where ?? path ?? '', use.field, path ?? value, problem, use.fix));
}

function isMetadata(m: unknown): m is MetadataLike {
  return typeof m === 'object' && m !== null && typeof (m as MetadataLike).toJson === 'function';
}

function isLabelMap(m: unknown): boolean {
  return typeof m === 'object' && m !== null;
}
