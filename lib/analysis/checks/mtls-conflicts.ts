import { parseServiceHost } from '../../core/hostnames';
import { labelsCover, selectorsOverlap } from '../../core/labels';
import { arr, Check, labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { ServiceInfo } from '../hosts';
import { PodInfo, push, showLabels } from '../pods';
import { GK, nsName, Resource } from '../resources';

/**
 * CDK8S-ISTIO-003: a DestinationRule that sends plaintext (`tls.mode: DISABLE`, at the top level, in a
 * `portLevelSettings` entry or in a subset) to workloads that a STRICT PeerAuthentication makes accept
 * mutual TLS only. Every such request is reset. `istioctl analyze` stopped reporting this (IST0113
 * was removed in 2024). PeerAuthentications of any origin count (the output's and declared ones).
 *
 * Which workloads a DestinationRule host reaches (Istio's resolution, cluster domain `cluster.local`):
 * - a short name (`reviews`) is the Service of that name in the DestinationRule's namespace;
 * - `<svc>.<ns>.svc[.cluster.local]` is Service `<svc>` in `<ns>`; `*.<ns>.svc.cluster.local` every
 *   Service in `<ns>`;
 * - `*`, `*.svc.cluster.local`, `*.cluster.local`, `*.local` are every namespace;
 * - any other host is outside the mesh, where PeerAuthentication has no say: DISABLE is fine there.
 *
 * Which policy decides, pod by pod (as istiod composes them): the workload policy whose selector the
 * pod's labels include (outside the root namespace; of several, istiod keeps the oldest, which the
 * output cannot tell, so each is considered), over the namespace-wide policy, over the mesh-wide one
 * (the selector-less policy in the root namespace); a mode left UNSET inherits from the broader
 * policy, and no policy at all is PERMISSIVE. A subset's DISABLE reaches only the pods with the
 * subset's labels.
 *
 * The pods of a Service are those of the output (and declared workloads) that its selector picks.
 * Without them, the Service's selector stands for its pods: a workload policy whose selector can match
 * it is considered, and it hides the broader policy only when its labels are among the selector's (a
 * policy for `{app: web, version: v2}` leaves the other pods of Service `web` to the namespace policy).
 * Without the Service, its pods are taken to be those labelled `app` (or `app.kubernetes.io/name`)
 * equal to the Service name.
 *
 * Ports: PeerAuthentication port exceptions name the workload (container) port, DestinationRule
 * `portLevelSettings` the Service port. With the Service, a Service port maps to its `targetPort`, a
 * named one through the container ports of each pod (when that fails, the policy counts as STRICT if it
 * is STRICT on any port); a top-level DISABLE reaches every target port. Without the Service, the two
 * are taken to be equal and a top-level DISABLE reaches every port.
 */
export const mtlsConflicts: Check = {
  name: 'security.mtlsconflicts',
  codes: ['CDK8S-ISTIO-003'],
  description: 'DestinationRules that send plaintext to workloads a STRICT PeerAuthentication covers',
  run(ctx) {
    const rules = ctx.output(GK.DestinationRule).map((r) => ({ r, sites: disableSites(specOf(r.raw)) })).filter((x) => x.sites.length > 0);
    if (rules.length === 0) return;
    const peers = new PeerPolicies(ctx);
    if (peers.empty) return;
    for (const { r, sites } of rules) {
      const host = specOf(r.raw).host;
      if (typeof host !== 'string') continue;
      const target = parseServiceHost(host.toLowerCase(), r.namespace!);
      if (!target) continue;
      for (const site of sites) {
        const conflict = peers.conflict(target, site);
        if (!conflict) continue;
        const scope = target.namespace === '*' ? 'every namespace' : `namespace ${target.namespace}`;
        const mapped = site.port !== undefined && conflict.ports !== 'all' && conflict.ports.some((p) => p !== site.port) ? ` → workload port ${conflict.ports.join('/')}` : '';
        const port = site.port !== undefined ? `, port ${site.port}${mapped}` : '';
        const pa = nsName(conflict.by.resource);
        ctx.report('CDK8S-ISTIO-003', r, site.field, [`host ${JSON.stringify(host)} (${scope}${port})`, pa, peers.describe(conflict.by, conflict.port)],
          `drop tls.mode DISABLE from the DestinationRule (sidecars then use ISTIO_MUTUAL automatically), or make PeerAuthentication ${pa} PERMISSIVE `
          + '(StrictMtls mode: MtlsMode.PERMISSIVE) while plaintext clients remain');
      }
    }
  },
};

type Mode = 'STRICT' | 'PERMISSIVE' | 'DISABLE' | 'UNSET';

/** One PeerAuthentication as istiod reads it. */
interface Peer {
  readonly resource: Resource;
  readonly namespace: string;
  /** Its non-empty `selector.matchLabels`; undefined for a mesh- or namespace-wide policy. */
  readonly selector?: Record<string, string>;
  readonly mode: Mode;
  readonly ports: ReadonlyMap<number, Mode>;
}

/** The mode a pod ends up with, and which policy decided it (undefined: no policy, PERMISSIVE). */
interface Decided {
  readonly mode: Mode;
  readonly by?: Peer;
}

/** The composed policy of one pod: its mode and its port exceptions. */
interface Effective extends Decided {
  readonly ports: ReadonlyMap<number, Decided>;
}

/** A workload port, or `unknown` when a named targetPort cannot be resolved. */
type EndpointPort = number | 'unknown';

/** Where a DestinationRule turns TLS off. */
interface DisableSite {
  /** e.g. `spec.subsets[0].trafficPolicy.portLevelSettings[1].tls.mode`. */
  readonly field: string;
  /** The Service port of a port-level setting; undefined for every port. */
  readonly port?: number;
  /** The labels of the subset the setting belongs to. */
  readonly subset: Record<string, string>;
}

function readMode(value: unknown): Mode {
  const v = typeof value === 'string' ? value.toUpperCase() : '';
  return v === 'STRICT' || v === 'PERMISSIVE' || v === 'DISABLE' ? v : 'UNSET';
}

function tlsDisabled(policy: unknown): boolean {
  return typeof policy === 'object' && policy !== null && (policy as any).tls?.mode === 'DISABLE';
}

function sitesOf(policy: unknown, at: string, subset: Record<string, string>): DisableSite[] {
  if (typeof policy !== 'object' || policy === null) return [];
  const sites: DisableSite[] = tlsDisabled(policy) ? [{ field: `${at}.tls.mode`, subset }] : [];
  arr((policy as any).portLevelSettings).forEach((setting, i) => {
    if (tlsDisabled(setting) && typeof setting.port?.number === 'number') {
      sites.push({ field: `${at}.portLevelSettings[${i}].tls.mode`, port: setting.port.number, subset });
    }
  });
  return sites;
}

function disableSites(spec: Record<string, any>): DisableSite[] {
  const sites = sitesOf(spec.trafficPolicy, 'spec.trafficPolicy', {});
  arr(spec.subsets).forEach((subset, i) => {
    if (typeof subset === 'object' && subset !== null) sites.push(...sitesOf(subset.trafficPolicy, `spec.subsets[${i}].trafficPolicy`, labelsOf(subset.labels)));
  });
  return sites;
}

/** Every PeerAuthentication, indexed: the namespace-wide one per namespace, workload ones by their first label. */
class PeerPolicies {
  public readonly empty: boolean;
  private readonly root: string;
  private readonly nsWide = new Map<string, Peer>();
  private readonly workloads = new Map<string, Peer[]>();
  private readonly byFirstLabel = new Map<string, Peer[]>();

  constructor(private readonly ctx: AnalysisContext) {
    this.root = ctx.rootNamespace();
    const all = ctx.all(GK.PeerAuthentication);
    this.empty = all.length === 0;
    for (const resource of all) {
      const spec = specOf(resource.raw);
      const labels = labelsOf(spec.selector?.matchLabels);
      const ports = new Map<number, Mode>();
      const portLevel = spec.portLevelMtls;
      if (typeof portLevel === 'object' && portLevel !== null && !Array.isArray(portLevel)) {
        for (const [port, setting] of Object.entries(portLevel)) {
          if (/^\d+$/.test(port)) ports.set(Number(port), readMode((setting as any)?.mode));
        }
      }
      const keys = Object.keys(labels).sort();
      const peer: Peer = { resource, namespace: resource.namespace!, ...(keys.length > 0 ? { selector: labels } : {}), mode: readMode(spec.mtls?.mode), ports };
      if (keys.length === 0) {
        // Of several, istiod keeps the oldest; CDK8S-ISTIO-030 reports them, the first one stands in here.
        if (!this.nsWide.has(peer.namespace)) this.nsWide.set(peer.namespace, peer);
      } else if (peer.namespace !== this.root) {
        // A selector in the root namespace is ignored by istiod (IST0167).
        push(this.workloads, peer.namespace, peer);
        push(this.byFirstLabel, labelKey(peer.namespace, keys[0], labels[keys[0]]), peer);
      }
    }
  }

  /** The composed policy of a pod in `namespace` that `workload` (if any) selects. */
  private compose(namespace: string, workload?: Peer): Effective {
    let decided: Decided = { mode: 'PERMISSIVE' };
    const nsPolicy = namespace === this.root ? undefined : this.nsWide.get(namespace);
    for (const p of [this.nsWide.get(this.root), nsPolicy, workload]) {
      if (p && p.mode !== 'UNSET') decided = { mode: p.mode, by: p };
    }
    const ports = new Map<number, Decided>();
    for (const [port, mode] of workload?.ports ?? []) ports.set(port, mode === 'UNSET' ? decided : { mode, by: workload });
    return { ...decided, ports };
  }

  /** The workload policies whose selector a pod's labels include. */
  private selecting(pod: PodInfo): Peer[] {
    const out: Peer[] = [];
    for (const [k, v] of Object.entries(pod.labels)) {
      for (const p of this.byFirstLabel.get(labelKey(pod.namespace, k, v)) ?? []) if (labelsCover(p.selector!, pod.labels)) out.push(p);
    }
    return out;
  }

  /**
   * The policies that may decide for pods known only by (some of) their labels: those that can match
   * them, plus the broader policy unless one of those covers every such pod.
   */
  private virtual(namespace: string, matches: (p: Peer) => boolean, covers: (p: Peer) => boolean): Effective[] {
    const matching = (this.workloads.get(namespace) ?? []).filter(matches);
    return [...matching.map((p) => this.compose(namespace, p)), ...(matching.some(covers) ? [] : [this.compose(namespace)])];
  }

  /** The first policy that makes the workloads `site` reaches accept mutual TLS only, with the ports compared. */
  public conflict(target: { service: string; namespace: string }, site: DisableSite): { by: Peer; port?: number; ports: EndpointPort[] | 'all' } | undefined {
    const asIs: EndpointPort[] | 'all' = site.port === undefined ? 'all' : [site.port];
    const candidates: { eff: Effective; ports: EndpointPort[] | 'all' }[] = [];
    if (target.namespace === '*') {
      const effs = [this.compose(this.root), ...[...this.nsWide.keys()].map((ns) => this.compose(ns)),
        ...[...this.workloads.values()].flat().map((w) => this.compose(w.namespace, w))];
      candidates.push(...effs.map((eff) => ({ eff, ports: asIs })));
    } else if (target.service === '*') {
      candidates.push(...this.virtual(target.namespace, () => true, () => false).map((eff) => ({ eff, ports: asIs })));
    } else {
      const ns = target.namespace;
      const service = this.ctx.services.lookup(`${target.service}.${ns}.svc.cluster.local`)
        .find((s) => s.resource.groupKind === GK.Service && s.resource.namespace === ns);
      if (service) {
        const pods = service.selector ? this.ctx.pods.matching(ns, service.selector).filter((p) => labelsCover(site.subset, p.labels)) : [];
        for (const pod of pods) {
          const selecting = this.selecting(pod);
          const ports = endpointPorts(service, site.port, pod);
          for (const eff of selecting.length > 0 ? selecting.map((w) => this.compose(ns, w)) : [this.compose(ns)]) candidates.push({ eff, ports });
        }
        if (pods.length === 0) {
          const labels = { ...(service.selector ?? {}), ...site.subset };
          const ports = endpointPorts(service, site.port, undefined);
          candidates.push(...this.virtual(ns, (p) => selectorsOverlap(labels, p.selector!), (p) => labelsCover(p.selector!, labels)).map((eff) => ({ eff, ports })));
        }
      } else {
        const name = target.service;
        const implied = (p: Peer): Record<string, string> => (p.selector!.app === name ? { app: name } : { 'app.kubernetes.io/name': name });
        candidates.push(...this.virtual(ns,
          (p) => (p.selector!.app === name || p.selector!['app.kubernetes.io/name'] === name) && selectorsOverlap(p.selector!, site.subset),
          (p) => labelsCover(p.selector!, { ...implied(p), ...site.subset })).map((eff) => ({ eff, ports: asIs })));
      }
    }
    for (const { eff, ports } of candidates) {
      const strict = strictOn(eff, ports);
      if (strict) return { ...strict, ports };
    }
    return undefined;
  }

  /** How a policy decided, for the message: `mesh-wide STRICT`, `STRICT on port 8080 of workloads app=web`, … */
  public describe(peer: Peer, port?: number): string {
    if (peer.selector === undefined) return peer.namespace === this.root ? `mesh-wide STRICT, root namespace ${peer.namespace}` : `STRICT for namespace ${peer.namespace}`;
    return `STRICT ${port !== undefined ? `on port ${port} ` : ''}for workloads ${showLabels(peer.selector)}`;
  }
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}\u0000${value}`;
}

/**
 * The workload ports a DestinationRule setting reaches on `pod` (a Service port → its targetPort; a
 * named targetPort through the pod's container ports, `unknown` without the pod or the name). A Service
 * port the Service does not list is taken as it is; a top-level setting reaches every target port.
 */
function endpointPorts(service: ServiceInfo, port: number | undefined, pod: PodInfo | undefined): EndpointPort[] | 'all' {
  const entries = port === undefined ? service.ports : service.ports.filter((p) => p.number === port);
  if (entries.length === 0) return port === undefined ? 'all' : [port];
  const out = entries.map((e): EndpointPort => {
    const target = e.targetPort ?? e.number;
    if (typeof target === 'number') return target;
    return pod?.ports.find((q) => q.name === target)?.containerPort ?? 'unknown';
  });
  return [...new Set(out)];
}

/** The policy that makes `ports` accept mutual TLS only under `eff` (`all` / `unknown`: STRICT on any port). */
function strictOn(eff: Effective, ports: EndpointPort[] | 'all'): { by: Peer; port?: number } | undefined {
  const anywhere = (): { by: Peer; port?: number } | undefined => {
    if (eff.mode === 'STRICT' && eff.by) return { by: eff.by };
    for (const [port, d] of eff.ports) if (d.mode === 'STRICT' && d.by) return { by: d.by, ...(d.by.selector ? { port } : {}) };
    return undefined;
  };
  if (ports === 'all') return anywhere();
  for (const p of ports) {
    if (p === 'unknown') {
      const found = anywhere();
      if (found) return found;
      continue;
    }
    const exception = eff.ports.get(p);
    const d = exception ?? eff;
    if (d.mode === 'STRICT' && d.by) return { by: d.by, ...(exception && d.by.selector ? { port: p } : {}) };
  }
  return undefined;
}
