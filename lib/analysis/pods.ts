/**
 * The pods an output would run: one template per workload object (Deployments, StatefulSets,
 * DaemonSets, ReplicaSets, ReplicationControllers, Jobs, CronJobs, Argo Rollouts, bare Pods), plus pods
 * declared external. Checks that read pods (gateway workloads, subsets, policy selectors) read these.
 */
import { isRecord } from '../core/records';
import { labelsOf } from './check';
import { Resource } from './resources';

/** A container port of a pod. */
export interface PodPort {
  readonly name?: string;
  readonly containerPort: number;
  readonly protocol: string;
}

/** One pod template, as the analyzer sees it. */
export interface PodInfo {
  readonly namespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly annotations: Readonly<Record<string, string>>;
  readonly serviceAccount: string;
  readonly ports: readonly PodPort[];
  /** The workload object the template belongs to. */
  readonly owner: Resource;
  /** `spec.template` (or the Pod's own) spec, for checks that read containers. */
  readonly spec: Record<string, any>;
}

/** Where each workload kind keeps its pod template. */
const TEMPLATE_PATHS: Record<string, readonly string[]> = {
  'apps/Deployment': ['spec', 'template'],
  'apps/StatefulSet': ['spec', 'template'],
  'apps/DaemonSet': ['spec', 'template'],
  'apps/ReplicaSet': ['spec', 'template'],
  ReplicationController: ['spec', 'template'],
  'batch/Job': ['spec', 'template'],
  'batch/CronJob': ['spec', 'jobTemplate', 'spec', 'template'],
  'argoproj.io/Rollout': ['spec', 'template'],
  Pod: [],
};

function at(obj: unknown, path: readonly string[]): unknown {
  let cur: unknown = obj;
  for (const key of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[key];
  }
  return cur;
}

/** The pod template of a workload object, or undefined for other kinds. */
export function podOf(resource: Resource): PodInfo | undefined {
  const path = TEMPLATE_PATHS[resource.groupKind];
  if (path === undefined || resource.namespace === undefined) return undefined;
  const template = at(resource.raw, path);
  if (!isRecord(template)) return undefined;
  const metadata = isRecord(template.metadata) ? template.metadata : {};
  const spec = isRecord(template.spec) ? template.spec : {};
  const ports: PodPort[] = [];
  for (const container of Array.isArray(spec.containers) ? spec.containers : []) {
    for (const port of isRecord(container) && Array.isArray(container.ports) ? container.ports : []) {
      if (isRecord(port) && typeof port.containerPort === 'number') {
        ports.push({
          ...(typeof port.name === 'string' ? { name: port.name } : {}),
          containerPort: port.containerPort,
          protocol: typeof port.protocol === 'string' ? port.protocol : 'TCP',
        });
      }
    }
  }
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  return {
    namespace: resource.namespace,
    labels: labelsOf(metadata.labels),
    annotations: labelsOf(metadata.annotations),
    serviceAccount: typeof sa === 'string' && sa !== '' ? sa : 'default',
    ports,
    owner: resource,
    spec,
  };
}

/** A Kubernetes label selector (`matchLabels` and `matchExpressions`). */
export interface LabelSelector {
  readonly matchLabels?: Readonly<Record<string, string>>;
  readonly matchExpressions?: readonly { readonly key: string; readonly operator: string; readonly values?: readonly string[] }[];
}

/** Whether `labels` satisfy a Kubernetes label selector (`{}` selects everything). */
export function selectorMatches(selector: LabelSelector, labels: Readonly<Record<string, string>>): boolean {
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) {
    if (labels[k] !== v) return false;
  }
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has) return false; break;
      case 'DoesNotExist': if (has) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Reads a label selector from JSON; undefined when it is not one. */
export function readLabelSelector(value: unknown): LabelSelector | undefined {
  if (!isRecord(value)) return undefined;
  const expressions = Array.isArray(value.matchExpressions)
    ? value.matchExpressions.filter(isRecord).map((e) => ({
      key: String(e.key),
      operator: String(e.operator),
      values: Array.isArray(e.values) ? e.values.map(String) : [],
    }))
    : undefined;
  return { matchLabels: labelsOf(value.matchLabels), ...(expressions ? { matchExpressions: expressions } : {}) };
}

/** Renders labels as `k=v,k2=v2` (sorted), as istioctl prints selectors. */
export function showLabels(labels: Readonly<Record<string, string>>): string {
  return Object.keys(labels).sort().map((k) => `${k}=${labels[k]}`).join(',');
}

/** Pods by namespace and by `key=value` label, so a selector finds its pods without a scan. */
export class PodIndex {
  private readonly byNamespace = new Map<string, PodInfo[]>();
  private readonly byLabel = new Map<string, PodInfo[]>();
  private readonly all: PodInfo[] = [];

  public add(pod: PodInfo): void {
    this.all.push(pod);
    push(this.byNamespace, pod.namespace, pod);
    for (const [k, v] of Object.entries(pod.labels)) push(this.byLabel, labelKey(pod.namespace, k, v), pod);
    for (const [k, v] of Object.entries(pod.labels)) push(this.byLabel, labelKey('*', k, v), pod);
  }

  /** Every pod, in input order. */
  public pods(): readonly PodInfo[] {
    return this.all;
  }

  /** Pods of `namespace` (every namespace when undefined) whose labels include all of `labels`. */
  public matching(namespace: string | undefined, labels: Readonly<Record<string, string>>): PodInfo[] {
    const entries = Object.entries(labels);
    if (entries.length === 0) return [...(namespace === undefined ? this.all : this.byNamespace.get(namespace) ?? [])];
    let smallest: readonly PodInfo[] | undefined;
    for (const [k, v] of entries) {
      const list = this.byLabel.get(labelKey(namespace ?? '*', k, v)) ?? [];
      if (smallest === undefined || list.length < smallest.length) smallest = list;
      if (list.length === 0) return [];
    }
    return (smallest ?? []).filter((p) => entries.every(([k, v]) => p.labels[k] === v));
  }

  /** Pods of `namespace` that a Kubernetes label selector (with expressions) selects. */
  public selecting(namespace: string | undefined, selector: LabelSelector): PodInfo[] {
    return this.matching(namespace, selector.matchLabels ?? {}).filter((p) => selectorMatches(selector, p.labels));
  }
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

/** Appends `value` to the list at `key`. */
export function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
