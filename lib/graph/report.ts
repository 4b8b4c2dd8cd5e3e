/**
 * The service graph read back from synthesized objects (whoever wrote them): who may call whom (ALLOW
 * AuthorizationPolicies), which external hosts each workload reaches (Sidecar egress hosts that name a
 * ServiceEntry), and how many services each proxy sees before and after its Sidecar scopes it. `MeshApp`
 * writes it next to a chart's manifests (`graph.mmd`, `graph.dot`) when the chart has a `ServiceGraph`;
 * `cdk8s-istio graph <dir>` prints it for any YAML. Not exported from the package.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Chart } from 'cdk8s';
import { arr, labelsOf, specOf } from '../analysis/check';
import { AnalysisContext } from '../analysis/context';
import { EXTERNAL_ANNOTATION } from '../analysis/external';
import { exportToOf, visibleFrom } from '../analysis/hosts';
import { podInAmbientMode, podInMesh } from '../analysis/injection';
import { PodInfo } from '../analysis/pods';
import { GK, Resource } from '../analysis/resources';
import { isRecord } from '../core/records';

/** The marker a ServiceGraph puts on itself, so that MeshApp finds one without importing the class. */
export const SERVICE_GRAPH_MARKER = Symbol.for('cdk8s-istio.ServiceGraph');

/** Whether `chart` (not a nested chart of it) holds a ServiceGraph. */
export function chartHasServiceGraph(chart: Chart): boolean {
  return chart.node.findAll().some((c) => (c as unknown as Record<symbol, unknown>)[SERVICE_GRAPH_MARKER] === true && Chart.of(c) === chart);
}

/** How a workload's proxy is configured. */
export type ProxyKind = 'sidecar' | 'ambient' | 'gateway';

/** One workload's view of the mesh registry. */
export interface ProxyVisibility {
  /** `Kind namespace/name` of the workload object. */
  readonly workload: string;
  readonly kind: ProxyKind;
  /** `namespace/name` of the Sidecar that scopes it, if any. */
  readonly sidecar?: string;
  /** Services (hosts) its proxy is sent without scoping: every one exported to its namespace. */
  readonly before: number;
  /** Services its proxy is sent with its Sidecar's egress hosts (= before without a Sidecar). */
  readonly after: number;
  /** The hosts it sees after scoping, sorted. */
  readonly visible: string[];
  /** Of those, the hosts it is allowed to call (edges of the graph from its Services), sorted. */
  readonly called: string[];
}

/** A node of the graph: a Service (`namespace/name`), an external host, or an identity no Service runs as. */
export interface GraphNode {
  readonly id: string;
  readonly kind: 'service' | 'external' | 'identity';
}

/** A call the output allows (or an external host a workload reaches). */
export interface GraphEdge {
  readonly from: string;
  readonly to: string;
  /** `9080 GET,POST`, `443 TLS`, `9080` (any method). */
  readonly label: string;
}

/** The graph and the visibility figures of one set of objects. */
export interface GraphReport {
  readonly proxies: ProxyVisibility[];
  /** Every service (host) of the mesh registry. */
  readonly registry: number;
  readonly nodes: GraphNode[];
  readonly edges: GraphEdge[];
}

interface RegistryEntry {
  readonly host: string;
  readonly namespace: string;
  readonly exportTo: readonly string[];
  readonly resource: Resource;
}

/** Reads the graph and the figures from objects; those annotated `cdk8s-istio.io/external: "true"` are declarations. */
export function graphReport(objects: readonly unknown[], external: readonly unknown[] = []): GraphReport {
  const declared = (o: unknown) => isRecord(o) && isRecord(o.metadata) && isRecord(o.metadata.annotations) && o.metadata.annotations[EXTERNAL_ANNOTATION] === 'true';
  const ctx = new AnalysisContext({
    objects: objects.filter((o) => !declared(o)).map((object) => ({ object })),
    external: [...external, ...objects.filter(declared)],
    defaultNamespace: 'default',
  });

  // The mesh registry: every Service and ServiceEntry host, output and declared.
  const registry: RegistryEntry[] = [];
  const seen = new Set<string>();
  const addEntry = (host: string, r: Resource) => {
    const key = host.toLowerCase();
    if (seen.has(key) || r.namespace === undefined) return;
    seen.add(key);
    registry.push({ host: key, namespace: r.namespace, exportTo: exportToOf(r), resource: r });
  };
  for (const r of ctx.all(GK.Service)) addEntry(`${r.name}.${r.namespace}.svc.cluster.local`, r);
  for (const r of ctx.all(GK.ServiceEntry)) for (const h of arr(specOf(r.raw).hosts)) if (typeof h === 'string') addEntry(h, r);
  registry.sort((a, b) => cmp(a.host, b.host));

  const sidecars = ctx.output(GK.Sidecar);
  // One registry view per namespace and per Sidecar, so the figures grow with pods + registry, not their product.
  const beforeByNamespace = new Map<string, RegistryEntry[]>();
  const afterBySidecar = new Map<string, RegistryEntry[]>();
  const proxies: Omit<ProxyVisibility, 'called'>[] = [];
  const proxyPods: PodInfo[] = [];
  for (const pod of ctx.pods.pods()) {
    if (pod.owner.external) continue;
    const ambient = podInAmbientMode(ctx, pod);
    if (!ambient && !podInMesh(ctx, pod)) continue;
    const visibleBefore = cached(beforeByNamespace, pod.namespace, () => registry.filter((e) => visibleFrom(e.exportTo, e.namespace, pod.namespace)));
    const gateway = pod.annotations['inject.istio.io/templates'] === 'gateway';
    const kind: ProxyKind = gateway ? 'gateway' : ambient ? 'ambient' : 'sidecar';
    const sidecar = kind === 'sidecar' ? sidecarOf(ctx, sidecars, pod) : undefined;
    const after = sidecar === undefined ? visibleBefore : cached(afterBySidecar, `${pod.namespace}\u0000${sidecar.namespace}/${sidecar.name}`,
      () => visibleBefore.filter((e) => egressHosts(sidecar).some((h) => hostMatches(h, sidecar.namespace!, e))));
    proxyPods.push(pod);
    proxies.push({
      workload: `${pod.owner.kind} ${pod.owner.namespace}/${pod.owner.name}`,
      kind,
      ...(sidecar ? { sidecar: `${sidecar.namespace}/${sidecar.name}` } : {}),
      before: visibleBefore.length,
      after: after.length,
      visible: after.map((e) => e.host),
    });
  }

  // Nodes: Services by the pods they select; identities by the pods that run as them.
  const services = ctx.all(GK.Service).filter((s) => s.namespace !== undefined && Object.keys(labelsOf(specOf(s.raw).selector)).length > 0);
  const servicesByNamespace = new Map<string, Resource[]>();
  for (const svc of services) cached(servicesByNamespace, svc.namespace!, () => []).push(svc);
  const servicesOfPod = (pod: PodInfo) => (servicesByNamespace.get(pod.namespace) ?? [])
    .filter((s) => Object.entries(labelsOf(specOf(s.raw).selector)).every(([k, v]) => pod.labels[k] === v))
    .map((s) => `${s.namespace}/${s.name}`);
  const nodes = new Map<string, GraphNode>();
  const edges = new Map<string, GraphEdge>();
  const addEdge = (from: GraphNode, to: GraphNode, label: string) => {
    nodes.set(from.id, from);
    nodes.set(to.id, to);
    edges.set(`${from.id}\u0000${to.id}\u0000${label}`, { from: from.id, to: to.id, label });
  };

  for (const policy of ctx.output(GK.AuthorizationPolicy)) {
    const spec = specOf(policy.raw);
    if ((spec.action ?? 'ALLOW') !== 'ALLOW' || policy.namespace === undefined) continue;
    const callees = calleesOf(ctx, services, servicesOfPod, policy);
    if (callees.length === 0) continue;
    for (const rule of arr(spec.rules)) {
      const principals = arr(rule?.from).flatMap((f) => arr(f?.source?.principals)).filter((p): p is string => typeof p === 'string');
      const operations = arr(rule?.to).map((t) => (isRecord(t?.operation) ? t.operation : {}));
      const labels = (operations.length === 0 ? [{}] : operations).flatMap((op: Record<string, any>) => {
        const methods = arr(op.methods).filter((m) => typeof m === 'string').join(',');
        const ports = arr(op.ports).map(String);
        return (ports.length === 0 ? ['any port'] : ports).map((p) => (methods ? `${p} ${methods}` : p));
      });
      for (const principal of principals) {
        for (const caller of callersOf(ctx, servicesOfPod, principal)) {
          for (const callee of callees) for (const label of labels) addEdge(caller, { id: callee, kind: 'service' }, label);
        }
      }
    }
  }

  // External hosts a scoped workload reaches: its Sidecar's hosts that name a ServiceEntry host.
  const entries = registry.filter((e) => e.resource.groupKind === GK.ServiceEntry);
  for (const sidecar of sidecars) {
    const selector = labelsOf(specOf(sidecar.raw).workloadSelector?.labels);
    const pods = ctx.pods.matching(sidecar.namespace, selector);
    const callers = [...new Set(pods.flatMap(servicesOfPod))].sort();
    for (const entry of entries) {
      if (!egressHosts(sidecar).some((h) => h.split('/')[1] !== '*' && hostMatches(h, sidecar.namespace!, entry))) continue;
      const label = arr(specOf(entry.resource.raw).ports).map((p) => `${p?.number} ${p?.protocol}`).join(', ');
      for (const caller of callers) addEdge({ id: caller, kind: 'service' }, { id: entry.host, kind: 'external' }, label);
    }
  }

  // What each proxy sees that the graph says it calls: hosts of the Services and external hosts its edges lead to.
  const hostOf = (id: string) => (nodes.get(id)?.kind === 'service' ? `${id.split('/')[1]}.${id.split('/')[0]}.svc.cluster.local` : id);
  const callsFrom = new Map<string, Set<string>>();
  for (const e of edges.values()) {
    const set = callsFrom.get(e.from) ?? new Set<string>();
    set.add(hostOf(e.to));
    callsFrom.set(e.from, set);
  }
  const withCalls = proxies.map((p, i) => {
    const pod = proxyPods[i];
    const targets = new Set(servicesOfPod(pod).flatMap((id) => [...(callsFrom.get(id) ?? [])]));
    return { ...p, called: p.visible.filter((h) => targets.has(h)) };
  });

  return {
    proxies: withCalls.sort((a, b) => cmp(a.workload, b.workload)),
    registry: registry.length,
    nodes: [...nodes.values()].sort((a, b) => cmp(a.id, b.id)),
    edges: [...edges.values()].sort((a, b) => cmp(a.from, b.from) || cmp(a.to, b.to) || cmp(a.label, b.label)),
  };
}

/** The Services an ALLOW policy protects: by targetRefs to a Service, else those of the pods it selects. */
function calleesOf(ctx: AnalysisContext, services: readonly Resource[], servicesOfPod: (pod: PodInfo) => string[], policy: Resource): string[] {
  const spec = specOf(policy.raw);
  const refs = [...arr(spec.targetRefs), ...(isRecord(spec.targetRef) ? [spec.targetRef] : [])];
  if (refs.length > 0) {
    return refs.filter((r) => r?.kind === 'Service' && (r.group ?? '') === '' && typeof r.name === 'string')
      .map((r) => `${policy.namespace}/${r.name}`)
      .filter((id) => services.some((s) => `${s.namespace}/${s.name}` === id))
      .sort();
  }
  const selector = labelsOf(spec.selector?.matchLabels);
  if (Object.keys(selector).length === 0) return [];
  return [...new Set(ctx.pods.matching(policy.namespace, selector).flatMap(servicesOfPod))].sort();
}

/** The callers running as a principal: the Services of its pods, else the identity itself. */
function callersOf(ctx: AnalysisContext, servicesOfPod: (pod: PodInfo) => string[], principal: string): GraphNode[] {
  const m = /^[^/]+\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(principal);
  if (m) {
    const ids = [...new Set(ctx.pods.matching(m[1], {}).filter((p) => p.serviceAccount === m[2]).flatMap(servicesOfPod))].sort();
    if (ids.length > 0) return ids.map((id) => ({ id, kind: 'service' }));
    return [{ id: `${m[1]}/sa/${m[2]}`, kind: 'identity' }];
  }
  return [{ id: principal, kind: 'identity' }];
}

/** The Sidecar that scopes a pod as istiod picks it: one selecting it, else its namespace's default, else the root namespace's. */
function sidecarOf(ctx: AnalysisContext, sidecars: readonly Resource[], pod: PodInfo): Resource | undefined {
  const selecting = sidecars.filter((s) => s.namespace === pod.namespace && isRecord(specOf(s.raw).workloadSelector)
    && Object.entries(labelsOf(specOf(s.raw).workloadSelector.labels)).every(([k, v]) => pod.labels[k] === v));
  if (selecting.length > 0) return selecting.sort((a, b) => cmp(a.name, b.name))[0];
  const defaults = (ns: string) => sidecars.filter((s) => s.namespace === ns && !isRecord(specOf(s.raw).workloadSelector)).sort((a, b) => cmp(a.name, b.name))[0];
  return defaults(pod.namespace) ?? defaults(ctx.rootNamespace());
}

/** Every egress host of a Sidecar, all listeners. */
function egressHosts(sidecar: Resource): string[] {
  return arr(specOf(sidecar.raw).egress).flatMap((l) => arr(l?.hosts)).filter((h): h is string => typeof h === 'string');
}

/** Whether a Sidecar egress host `namespace/dnsName` (of a Sidecar in `own`) selects a registry entry. */
function hostMatches(egressHost: string, own: string, entry: RegistryEntry): boolean {
  const slash = egressHost.indexOf('/');
  const ns = slash < 0 ? '*' : egressHost.slice(0, slash);
  const dns = (slash < 0 ? egressHost : egressHost.slice(slash + 1)).toLowerCase();
  if (ns === '~') return false;
  if (ns !== '*' && (ns === '.' ? own : ns) !== entry.namespace) return false;
  if (dns === '*') return true;
  if (dns.startsWith('*.')) return entry.host.endsWith(dns.slice(1));
  return dns === entry.host;
}

/** The value at `key`, made once. */
function cached<T>(map: Map<string, T>, key: string, make: () => T): T {
  let value = map.get(key);
  if (value === undefined) {
    value = make();
    map.set(key, value);
  }
  return value;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The graph as a Mermaid flowchart: services as boxes, external hosts as stadiums, identities as parallelograms. */
export function toMermaid(report: GraphReport): string {
  const ids = new Map(report.nodes.map((n, i) => [n.id, `n${i}`]));
  const text = (s: string) => s.replace(/"/g, '#quot;');
  const shape = (n: GraphNode) => (n.kind === 'external' ? `(["${text(n.id)}"])` : n.kind === 'identity' ? `[/"${text(n.id)}"/]` : `["${text(n.id)}"]`);
  return [
    'flowchart LR',
    ...report.nodes.map((n) => `  ${ids.get(n.id)}${shape(n)}`),
    ...report.edges.map((e) => `  ${ids.get(e.from)} -->|"${text(e.label)}"| ${ids.get(e.to)}`),
  ].join('\n') + '\n';
}

/** The graph in Graphviz DOT. */
export function toDot(report: GraphReport): string {
  const q = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
  const shape = (n: GraphNode) => (n.kind === 'external' ? 'ellipse' : n.kind === 'identity' ? 'parallelogram' : 'box');
  return [
    'digraph mesh {',
    '  rankdir=LR;',
    ...report.nodes.map((n) => `  ${q(n.id)} [shape=${shape(n)}];`),
    ...report.edges.map((e) => `  ${q(e.from)} -> ${q(e.to)} [label=${q(e.label)}];`),
    '}',
  ].join('\n') + '\n';
}

/** The figures as text: one line per proxy, `before → after`, and the totals. */
export function formatVisibility(report: GraphReport, title: string): string {
  const width = Math.max(0, ...report.proxies.map((p) => p.workload.length));
  const before = report.proxies.reduce((n, p) => n + p.before, 0);
  const after = report.proxies.reduce((n, p) => n + p.after, 0);
  return [
    `${title}: mesh registry ${report.registry} service${report.registry === 1 ? '' : 's'}; services each proxy is sent, before → after scoping:`,
    ...report.proxies.map((p) => {
      const others = p.visible.filter((h) => !p.called.includes(h));
      const split = p.kind === 'sidecar' && p.sidecar ? ` (${p.called.length} called${others.length > 0 ? `, plus ${others.join(', ')}` : ''})` : '';
      const how = p.kind === 'sidecar' ? (p.sidecar ? `Sidecar ${p.sidecar}` : 'no Sidecar') : p.kind === 'ambient' ? 'ambient (no Sidecar)' : 'gateway (not scoped by Sidecars)';
      return `  ${p.workload.padEnd(width)}  ${String(p.before).padStart(3)} → ${String(p.after).padEnd(3)} ${how}${split}`;
    }),
    `  total ${before} → ${after} over ${report.proxies.length} prox${report.proxies.length === 1 ? 'y' : 'ies'}`,
  ].join('\n') + '\n';
}

/**
 * With a ServiceGraph in `chart`, writes `graph.mmd` and `graph.dot` into the chart's folder `dir` and
 * returns the figures as text (for MeshApp's summary); otherwise writes nothing.
 */
export function writeServiceGraph(chart: Chart | undefined, out: { chart: string; gitops: unknown[]; external?: unknown[] }, dir: string): string | undefined {
  if (chart === undefined || !chartHasServiceGraph(chart)) return undefined;
  const report = graphReport(out.gitops, out.external ?? []);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'graph.mmd'), toMermaid(report));
  fs.writeFileSync(path.join(dir, 'graph.dot'), toDot(report));
  return formatVisibility(report, out.chart).trimEnd();
}
