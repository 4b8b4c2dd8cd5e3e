import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { entryPoint } from '../core/entry-point';
import { formatInputError, invalidInput, show } from '../core/errors';
import { checkString, describeType } from '../core/input';
import { parseServiceHost } from '../core/hostnames';
import { resolveNamespace } from '../core/namespace';
import {
  DestinationRule, DestinationRuleSpec, DestinationRuleSpecSubsets, DestinationRuleSpecSubsetsTrafficPolicy, DestinationRuleSpecTrafficPolicy,
  VirtualService, VirtualServiceSpec, VirtualServiceSpecHttp, VirtualServiceSpecTcp, VirtualServiceSpecTls,
} from '../../imports/networking.istio.io';
import { HttpRouteModel, qualifiedHost, renderHttpRoute, RouteDestinationModel } from './http-route';
import { checkCounter, checkServiceHost } from './checks';
import { canonicalHost } from './mesh-routes';
import { ClientTlsMode, TrafficPolicyParts } from './policy';
import { Subset } from './subset';

/**
 * An HTTP route of a host's VirtualService: the checked route model (see `renderHttpRoute`).
 * @internal
 */
export type HostHttpRoute = HttpRouteModel;

/**
 * A TCP or TLS route of a host's VirtualService, checked: matches already in Istio's shape, and
 * destinations whose `host` undefined means the TrafficHost's.
 * @internal
 */
export interface HostL4Route {
  readonly match?: Array<{ [key: string]: unknown }>;
  readonly destinations: RouteDestinationModel[];
}

interface Leaf {
  readonly value: unknown;
  readonly owner: IConstruct;
  readonly field: string;
}

interface SubsetEntry {
  readonly labels: { [key: string]: string };
  readonly owner: IConstruct;
  readonly field: string;
  readonly policy: Map<string, Leaf>;
}

interface RouteEntry {
  readonly route: HostHttpRoute;
  readonly owner: IConstruct;
  readonly field: string;
}

interface L4RouteEntry {
  readonly route: HostL4Route;
  readonly owner: IConstruct;
  readonly field: string;
}

/**
 * The TrafficHosts of one chart, in the order they were created, and indexed by canonical host and by
 * object identity (namespace and name): what the validations and gateway routes look up, so that no
 * lookup walks the chart's children (which made synthesis quadratic in the number of hosts).
 */
interface ChartHosts {
  readonly all: TrafficHost[];
  readonly byCanonicalHost: Map<string, TrafficHost[]>;
  readonly byObjectName: Map<string, TrafficHost[]>;
}

const CHART_HOSTS = new WeakMap<Chart, ChartHosts>();

function chartHosts(chart: Chart): ChartHosts {
  let hosts = CHART_HOSTS.get(chart);
  if (!hosts) {
    hosts = { all: [], byCanonicalHost: new Map(), byObjectName: new Map() };
    CHART_HOSTS.set(chart, hosts);
  }
  return hosts;
}

function addTo<K>(map: Map<K, TrafficHost[]>, key: K, host: TrafficHost): void {
  const list = map.get(key);
  if (list) list.push(host);
  else map.set(key, [host]);
}

/** Whether `host` is still a child of `chart` (a child removed with `node.tryRemoveChild` is not). */
function attached(chart: Chart, host: TrafficHost): boolean {
  return chart.node.tryFindChild(host.node.id) === host;
}

function objectNameKey(namespace: string, resourceName: string): string {
  return `${namespace}\u0000${resourceName}`;
}

/** Policy parts that are set as a whole (merging half of one TLS setting with half of another is never meant). */
const ATOMIC_PARTS = new Set(['tls', 'loadBalancer']);

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, v[k]])) : v));
}

/** The prop name a user wrote for an L1 path (the generated types spell `consecutive5xxErrors` as `consecutive5XxErrors`). */
function propPath(path: string): string {
  return path.replace('consecutive5XxErrors', 'consecutive5xxErrors');
}

function flatten(value: unknown, path: string, out: Array<[string, unknown]>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && !ATOMIC_PARTS.has(path)) {
    for (const [k, v] of Object.entries(value)) {
      flatten(v, path ? `${path}.${k}` : k, out);
    }
  } else if (path !== '' && value !== undefined) {
    out.push([path, value]);
  }
}

function unflatten(leaves: Map<string, Leaf>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, leaf] of leaves) {
    const keys = path.split('.');
    let node = out;
    for (const k of keys.slice(0, -1)) {
      node = (node[k] ??= {}) as Record<string, unknown>;
    }
    node[keys[keys.length - 1]] = leaf.value;
  }
  return out;
}

function resourceNameFor(canonical: string, namespace: string): string {
  const local = parseServiceHost(canonical, namespace);
  if (local && local.service !== '*' && local.namespace !== '*') {
    return local.namespace === namespace ? local.service : `${local.service}-${local.namespace}`;
  }
  return canonical.replace(/^\*\./, 'wildcard.').replace(/\./g, '-').slice(0, 253).replace(/-+$/, '');
}

/**
 * The namespace implied by `host` itself: that of a namespaced service host (`reviews.bookinfo.svc`,
 * `reviews.bookinfo.svc.cluster.local`, `*.bookinfo.svc.cluster.local`), else undefined.
 * @internal
 */
export function hostNamespace(host: string): string | undefined {
  if (typeof host !== 'string' || !host.includes('.')) {
    return undefined;
  }
  const service = parseServiceHost(host.toLowerCase(), '');
  return service && service.namespace !== '*' ? service.namespace : undefined;
}

/** Where a subset's pods are, for {@link trafficNamespace}. @internal */
export interface SubsetSource {
  /** The owner's prop that holds the subset, e.g. `stable`. */
  readonly field: string;
  /** The subset (anything else is skipped: the owner reports it). */
  readonly subset: unknown;
}

/**
 * The namespace of the DestinationRule and VirtualService a traffic construct writes for `host`:
 * `given`, else the namespace the host names (`cart.shop.svc.cluster.local` is in `shop`), else that of
 * the workloads the subsets were made from (`Subset.fromWorkload`), else the chart's; never a silent
 * `default`. A given namespace that differs from the host's or the workloads' is an error, and so are
 * subsets of workloads in another namespace than the host's: a subset selects endpoints of the host's
 * own Service.
 * @internal
 */
export function trafficNamespace(scope: IConstruct, host: string, given: string | undefined, subsets: readonly SubsetSource[] = []): string {
  let target = hostNamespace(host);
  let targetName = target === undefined ? undefined : `host ${host}`;
  for (const { field, subset } of subsets) {
    if (!(subset instanceof Subset) || subset.workloadNamespace === undefined) {
      continue;
    }
    const ns = subset.workloadNamespace;
    if (target !== undefined && ns !== target) {
      throw invalidInput(scope, field, subset.workloadPath, `is a workload in namespace ${JSON.stringify(ns)}, but ${targetName} is in ${JSON.stringify(target)}; a subset selects endpoints of the host's own Service`,
        'use a workload of the host\'s namespace, or name the host in the workload\'s namespace');
    }
    target = ns;
    targetName = `the workload ${subset.workloadPath} (${field})`;
  }
  return resolveNamespace(scope, { given, target, targetName });
}

/**
 * Everything the mesh is told about one service host, from one namespace of one chart: a single
 * DestinationRule and a single mesh VirtualService that every construct configuring that host
 * contributes to.
 *
 * Istio merges several DestinationRules for one host badly (only one wins, per proxy, without a
 * warning) and two mesh VirtualServices for one host conflict (istioctl analyze IST0109). So
 * `CanaryRelease`, `CircuitBreaker`, `DestinationPolicy` and `HostRoutes` never create these objects
 * themselves: they call {@link TrafficHost.of} and add subsets, policy and routes to the shared one.
 *
 * - Subsets: one name, one label set. Adding a subset again with the same labels is a no-op; with
 *   other labels it is an error naming both constructs.
 * - Policy (`connectionPool`, `outlierDetection` field by field; `tls` and `loadBalancer` as a whole),
 *   for the host or per subset: two constructs setting one field to different values is an error
 *   naming both.
 * - HTTP routes: matched routes in the order they were added, then the one default (catch-all) route
 *   last, so no route is unreachable (IST0130). A second default route is an error.
 *
 * The DestinationRule exists once a subset or policy is added; the VirtualService once a route is. Both
 * objects are named after the host: `reviews` for `reviews.<its namespace>.svc.cluster.local`,
 * `api-example-com` for `api.example.com`. What other objects say about the host (a subset a route
 * names that no DestinationRule defines, IST0101; another mesh VirtualService for the host, IST0109) is
 * the analyzer's to find (`MeshAnalyzer`, run by `MeshApp`), since it sees every object of the output.
 */
export class TrafficHost extends Construct {
  /**
   * The TrafficHost of `host` seen from `namespace` in `scope`'s chart, created on first use.
   *
   * @param scope any construct in the chart; errors about `host` name it
   * @param host a short (`reviews`) or fully qualified (`reviews.bookinfo.svc.cluster.local`) host;
   *   spellings of one service share one TrafficHost
   * @param namespace where the DestinationRule and VirtualService go: the namespace a fully qualified
   *   service host names (giving another is an error), else the chart's; there is no fallback to
   *   `default`
   */
  public static of(scope: IConstruct, host: string, namespace?: string): TrafficHost {
    checkEntry(scope, host, namespace);
    return TrafficHost._of(scope, host, namespace, []);
  }

  /**
   * {@link of}, for constructs that add subsets.
   * @param subsets the subsets the caller adds, by the prop that holds each: a subset made from a
   *   workload (`Subset.fromWorkload`) implies the workload's namespace
   * @internal
   */
  public static _of(scope: IConstruct, host: string, namespace: string | undefined, subsets: ReadonlyArray<{ readonly field: string; readonly subset: unknown }>): TrafficHost {
    const chart = Chart.of(scope);
    checkServiceHost(scope, 'host', host);
    const ns = trafficNamespace(scope, host, namespace, subsets);
    const canonical = canonicalHost(host, ns);
    const id = `traffic-host-${ns}-${canonical}`;
    const existing = chart.node.tryFindChild(id);
    if (existing instanceof TrafficHost) {
      existing.spellings.add(host);
      existing.configuredBy.push({ scope, host });
      return existing;
    }
    if (existing) {
      throw invalidInput(scope, 'host', host, `cannot be registered: the chart already has a construct with id "${id}"`, 'rename that construct');
    }
    const created = new TrafficHost(chart, id, host, ns, canonical);
    created.configuredBy.push({ scope, host });
    // On the construct that configured the host first, so that a failure names the user's construct.
    scope.node.addValidation({ validate: () => created.validateHost() });
    return created;
  }

  /** Every TrafficHost of `scope`'s chart, in the order they were created. */
  public static all(scope: IConstruct): TrafficHost[] {
    const chart = Chart.of(scope);
    return chartHosts(chart).all.filter((h) => attached(chart, h));
  }

  /**
   * The TrafficHosts of `scope`'s chart for one canonical host (one per namespace that configures it),
   * in the order they were created. @internal
   */
  public static _ofCanonicalHost(scope: IConstruct, canonical: string): TrafficHost[] {
    const chart = Chart.of(scope);
    return (chartHosts(chart).byCanonicalHost.get(canonical) ?? []).filter((h) => attached(chart, h));
  }

  /**
   * The DestinationRules of `scope`'s chart that traffic constructs created (one per host and namespace).
   * Their synthesized `spec.trafficPolicy.tls.mode` shows a `ClientTls` set on the host.
   */
  public static destinationRules(scope: IConstruct): DestinationRule[] {
    return TrafficHost.all(scope).flatMap((h) => (h.destinationRule ? [h.destinationRule] : []));
  }

  /** The namespace of the DestinationRule and VirtualService. */
  public readonly namespace: string;
  /** The host in canonical form (`reviews.bookinfo.svc.cluster.local`). */
  public readonly canonicalHost: string;
  /** `metadata.name` of the DestinationRule and the VirtualService. */
  public readonly resourceName: string;

  private readonly spellings = new Set<string>();
  /** The constructs that configure this host (the scopes given to `of`), first first, and the spelling each used: errors name them. */
  private readonly configuredBy: Array<{ readonly scope: IConstruct; readonly host: string }> = [];
  private readonly hostPolicy = new Map<string, Leaf>();
  private readonly subsetEntries = new Map<string, SubsetEntry>();
  private readonly routes: RouteEntry[] = [];
  private readonly tcpRoutes: L4RouteEntry[] = [];
  private readonly tlsRoutes: L4RouteEntry[] = [];
  private readonly portPolicy = new Map<number, { readonly owner: IConstruct; readonly field: string; readonly policy: Map<string, Leaf> }>();
  private _destinationRule?: DestinationRule;
  private _virtualService?: VirtualService;

  private constructor(chart: Chart, id: string, host: string, namespace: string, canonical: string) {
    super(chart, id);
    this.namespace = namespace;
    this.canonicalHost = canonical;
    this.resourceName = resourceNameFor(canonical, namespace);
    this.spellings.add(host);
    const hosts = chartHosts(chart);
    hosts.all.push(this);
    addTo(hosts.byCanonicalHost, canonical, this);
    addTo(hosts.byObjectName, objectNameKey(namespace, this.resourceName), this);
  }

  /**
   * The host as written in the objects: the longest spelling any construct used, so a fully
   * qualified name wins over a short one.
   */
  public get host(): string {
    return [...this.spellings].sort((a, b) => b.length - a.length || a.localeCompare(b))[0];
  }

  /** The DestinationRule, once a subset or policy was added. */
  public get destinationRule(): DestinationRule | undefined {
    return this._destinationRule;
  }

  /** The mesh VirtualService, once a route was added. */
  public get virtualService(): VirtualService | undefined {
    return this._virtualService;
  }

  /** The host-level TLS mode set on the DestinationRule, if any. */
  public get tlsMode(): ClientTlsMode | undefined {
    const tls = this.hostPolicy.get('tls')?.value as { mode?: string } | undefined;
    return tls?.mode as ClientTlsMode | undefined;
  }

  /** Names of the subsets defined so far. */
  public get subsetNames(): string[] {
    return [...this.subsetEntries.keys()];
  }

  /**
   * Defines a subset (ISTIO-RULES D4). Returns its name. A reference ({@link Subset.named}) defines
   * nothing: its name is returned as it is.
   *
   * @param owner the construct that wants the subset (named in errors)
   * @param field the owner's prop that holds the subset, e.g. `stable`
   * @internal
   */
  public _addSubset(owner: IConstruct, subset: Subset, field: string): string {
    if (!(subset instanceof Subset)) {
      throw invalidInput(owner, field, subset, 'is not a Subset', 'use Subset.fromLabels() or Subset.fromWorkload()');
    }
    const { name, labels } = subset._check(owner, field);
    if (subset.isReference) {
      // Defined elsewhere: the analyzer checks that a DestinationRule of the host defines it (IST0101).
      return name;
    }
    const existing = this.subsetEntries.get(name);
    if (existing) {
      if (stable(existing.labels) !== stable(labels)) {
        throw invalidInput(owner, `${field}.labels`, labels,
          `differ from the labels ${show(existing.labels)} that [${existing.owner.node.path}] ${existing.field} gave subset "${name}" of host ${this.host}`,
          'use one label set per subset name, or give this subset another name');
      }
      return name;
    }
    this.ensureDestinationRule();
    this.subsetEntries.set(name, { labels, owner, field, policy: new Map() });
    return name;
  }

  /**
   * Sets host-level traffic policy (D1–D6 are checked by the renderers that make `parts`).
   *
   * @param field the owner's prop path the parts come from (`''` when the parts mirror the props), for errors
   * @internal
   */
  public _addPolicy(owner: IConstruct, parts: TrafficPolicyParts, field = ''): void {
    this.mergeLeaves(this.hostPolicy, owner, parts, field, `the DestinationRule of host ${this.host}`);
    this.ensureDestinationRule();
  }

  /** Sets traffic policy of one subset, which must have been added first. @internal */
  public _addSubsetPolicy(owner: IConstruct, subsetName: string, parts: TrafficPolicyParts, field = ''): void {
    const entry = this.subsetEntries.get(subsetName);
    if (!entry) {
      throw invalidInput(owner, field || 'subset', subsetName, `is not a subset of host ${this.host}`, 'add the subset before its policy');
    }
    this.mergeLeaves(entry.policy, owner, parts, field, `subset "${subsetName}" of host ${this.host}`);
  }

  /**
   * Adds an HTTP route to the host's mesh VirtualService (ISTIO-RULES V1 checked here).
   *
   * @param field the owner's prop path of the route, for errors
   * @internal
   */
  public _addHttpRoute(owner: IConstruct, route: HostHttpRoute, field: string): void {
    this.checkConcrete(owner);
    const answered = route?.redirect !== undefined || route?.directResponse !== undefined;
    if (!route || !Array.isArray(route.destinations) || (route.destinations.length === 0 && !answered)) {
      throw invalidInput(owner, `${field}.destinations`, route?.destinations, 'is empty: a route needs a destination, a redirect or a direct response (V4)', 'give at least one destination');
    }
    this.checkWeights(owner, field, route.destinations);
    const catchAll = !route.match || route.match.length === 0;
    if (catchAll) {
      const other = this.routes.find((r) => !r.route.match || r.route.match.length === 0);
      if (other) {
        throw invalidInput(owner, field, route.name ?? 'default route', `is a second default (catch-all) route for host ${this.host}; [${other.owner.node.path}] ${other.field} is the first, and only one can be reached (IST0130)`,
          'merge them into one construct (e.g. put timeout and retries on the CanaryRelease), or give this route a match');
      }
    }
    this.routes.push({ route: { ...route, destinations: route.destinations.map((d) => ({ ...d })) }, owner, field });
    this.ensureVirtualService();
  }

  /**
   * Adds a TCP route (`tcp`) or TLS route (`tls`) to the host's mesh VirtualService; a route without
   * match is the default, at most one per kind, and rendered after the matched ones.
   * @internal
   */
  public _addL4Route(owner: IConstruct, kind: 'tcp' | 'tls', route: HostL4Route, field: string): void {
    this.checkConcrete(owner);
    this.checkWeights(owner, field, route.destinations);
    const list = kind === 'tcp' ? this.tcpRoutes : this.tlsRoutes;
    if (!route.match || route.match.length === 0) {
      const other = list.find((r) => !r.route.match || r.route.match.length === 0);
      if (other) {
        throw invalidInput(owner, field, 'default route', `is a second default ${kind.toUpperCase()} route for host ${this.host}; [${other.owner.node.path}] ${other.field} is the first, and only one can be reached`,
          'give this route a match, or merge the routes into one construct');
      }
    }
    list.push({ route: { ...route, destinations: route.destinations.map((d) => ({ ...d })) }, owner, field });
    this.ensureVirtualService();
  }

  private checkConcrete(owner: IConstruct): void {
    if (this.host.startsWith('*.')) {
      throw invalidInput(owner, 'host', this.host, 'is a wildcard: a route needs one concrete destination', 'route each concrete host');
    }
  }

  /** ISTIO-RULES V1: weights ≥ 0, all given with several destinations, a total above 0. */
  private checkWeights(owner: IConstruct, field: string, destinations: readonly RouteDestinationModel[]): void {
    destinations.forEach((d, i) => {
      if (d.weight !== undefined) {
        checkCounter(owner, `${field}.destinations[${i}].weight`, d.weight);
      } else if (destinations.length > 1) {
        throw invalidInput(owner, `${field}.destinations[${i}].weight`, undefined, 'is missing while the route has several destinations (V1)', 'give every destination a weight');
      }
    });
    if (destinations.length > 1 && destinations.reduce((sum, d) => sum + (d.weight ?? 0), 0) <= 0) {
      throw invalidInput(owner, `${field}.destinations`, destinations.map((d) => d.weight), 'weigh 0 in total, so the route sends traffic nowhere (V1)',
        'give at least one destination a weight above 0');
    }
  }

  private ensureVirtualService(): void {
    if (!this._virtualService) {
      this._virtualService = new VirtualService(this, 'VirtualService', {
        metadata: { name: this.resourceName, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this.toVirtualServiceSpec() }) as unknown as VirtualServiceSpec,
      });
    }
  }

  /**
   * Sets the traffic policy of one Service port of the host (`trafficPolicy.portLevelSettings`);
   * merged field by field with what other constructs set for that port, as host-level policy is.
   * @internal
   */
  public _addPortPolicy(owner: IConstruct, port: number, parts: TrafficPolicyParts, field: string): void {
    let entry = this.portPolicy.get(port);
    const policy = entry?.policy ?? new Map<string, Leaf>();
    this.mergeLeaves(policy, owner, parts, field, `port ${port} of host ${this.host}`);
    if (!entry) {
      entry = { owner, field, policy };
      this.portPolicy.set(port, entry);
    }
    this.ensureDestinationRule();
  }

  /**
   * The routes of this host's mesh VirtualService that pick subsets (a CanaryRelease's weighted and
   * match routes, a HostRoutes route with `to`), by the construct and prop that added them. A gateway
   * route to the host without a subset bypasses them.
   * @internal
   */
  public _subsetRoutes(): Array<{ readonly owner: IConstruct; readonly field: string }> {
    return this.routes.filter((r) => r.route.destinations.some((d) => d.subset !== undefined && d.host === undefined)).map(({ owner, field }) => ({ owner, field }));
  }

  /** The DestinationRule spec as synthesized, or undefined when nothing asked for one. */
  public toDestinationRuleSpec(): DestinationRuleSpec | undefined {
    if (!this._destinationRule) {
      return undefined;
    }
    const portLevelSettings = [...this.portPolicy].sort(([a], [b]) => a - b)
      .map(([number, entry]) => ({ port: { number }, ...unflatten(entry.policy) }));
    const trafficPolicy = {
      ...unflatten(this.hostPolicy),
      ...(portLevelSettings.length ? { portLevelSettings } : {}),
    } as DestinationRuleSpecTrafficPolicy;
    const subsets: DestinationRuleSpecSubsets[] = [...this.subsetEntries].map(([name, s]) => ({
      name,
      labels: { ...s.labels },
      ...(s.policy.size ? { trafficPolicy: unflatten(s.policy) as DestinationRuleSpecSubsetsTrafficPolicy } : {}),
    }));
    return {
      host: this.host,
      ...(this.hostPolicy.size || portLevelSettings.length ? { trafficPolicy } : {}),
      ...(subsets.length ? { subsets } : {}),
    };
  }

  /** The VirtualService spec as synthesized, or undefined when no route was added. */
  public toVirtualServiceSpec(): VirtualServiceSpec | undefined {
    if (!this._virtualService) {
      return undefined;
    }
    const l4 = (list: L4RouteEntry[]) => [
      ...list.filter((r) => r.route.match && r.route.match.length > 0),
      ...list.filter((r) => !r.route.match || r.route.match.length === 0),
    ].map(({ route }) => ({
      ...(route.match && route.match.length ? { match: JSON.parse(JSON.stringify(route.match)) } : {}),
      route: route.destinations.map((d) => ({
        destination: { host: d.host ?? this.host, ...(d.port !== undefined ? { port: { number: d.port } } : {}), ...(d.subset !== undefined ? { subset: d.subset } : {}) },
        ...(d.weight !== undefined && (route.destinations.length > 1 || d.weight !== 100) ? { weight: d.weight } : {}),
      })),
    }));
    return {
      hosts: [this.host],
      ...(this.routes.length ? { http: this._renderHttpRoutes(this.host) } : {}),
      ...(this.tcpRoutes.length ? { tcp: l4(this.tcpRoutes) as VirtualServiceSpecTcp[] } : {}),
      ...(this.tlsRoutes.length ? { tls: l4(this.tlsRoutes) as VirtualServiceSpecTls[] } : {}),
    };
  }

  /**
   * The HTTP routes of the host in VirtualService order (matched routes first, the default route
   * last), each rendered by `renderHttpRoute`, sending to `host` (and `port`, when given) where a
   * destination names no host: the mesh VirtualService's, or a gateway route's that applies them
   * (`GatewayRouteOptions.applyHostRoutes`). With `qualify`, destination hosts a route names are
   * written fully qualified in this host's namespace (for a VirtualService in another namespace).
   * Never throws.
   * @internal
   */
  public _renderHttpRoutes(host: string, port?: number, qualify = false): VirtualServiceSpecHttp[] {
    const ordered = [
      ...this.routes.filter((r) => r.route.match && r.route.match.length > 0),
      ...this.routes.filter((r) => !r.route.match || r.route.match.length === 0),
    ];
    const q = (d: RouteDestinationModel): RouteDestinationModel => (qualify && d.host !== undefined ? { ...d, host: qualifiedHost(d.host, this.namespace) } : d);
    return ordered.map(({ route }) => renderHttpRoute({
      ...route,
      destinations: route.destinations.map(q),
      ...(route.mirror ? { mirror: q(route.mirror) } : {}),
    }, { host, port }));
  }

  /**
   * The constructs that wrote `object` (this host's DestinationRule or VirtualService), as the
   * analyzer names them in findings: the user's `prod/dp`, not this shared construct's path.
   * @internal
   */
  public _sourcePath(object: IConstruct): string | undefined {
    const owners = new Set<string>();
    if (object === this._destinationRule) {
      for (const leaf of this.hostPolicy.values()) owners.add(leaf.owner.node.path);
      for (const entry of this.portPolicy.values()) {
        for (const leaf of entry.policy.values()) owners.add(leaf.owner.node.path);
      }
      for (const entry of this.subsetEntries.values()) {
        owners.add(entry.owner.node.path);
        for (const leaf of entry.policy.values()) owners.add(leaf.owner.node.path);
      }
    } else if (object === this._virtualService) {
      for (const route of [...this.routes, ...this.tcpRoutes, ...this.tlsRoutes]) owners.add(route.owner.node.path);
    }
    return owners.size > 0 ? [...owners].join(', ') : undefined;
  }

  /** Whether any construct added an HTTP route to the host. @internal */
  public get _hasRoutes(): boolean {
    return this.routes.length > 0;
  }

  private ensureDestinationRule(): void {
    if (!this._destinationRule) {
      this._destinationRule = new DestinationRule(this, 'DestinationRule', {
        metadata: { name: this.resourceName, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this.toDestinationRuleSpec() }) as unknown as DestinationRuleSpec,
      });
    }
  }

  private mergeLeaves(target: Map<string, Leaf>, owner: IConstruct, parts: TrafficPolicyParts, field: string, where: string): void {
    const leaves: Array<[string, unknown]> = [];
    flatten(parts, '', leaves);
    if (leaves.length === 0) {
      throw invalidInput(owner, field || 'trafficPolicy', parts, 'sets no field (ISTIO-RULES D1)', 'set at least one policy field');
    }
    const prefix = field ? `${field}.` : '';
    // Check every leaf before taking any, so a failed call leaves the host unchanged.
    for (const [path, value] of leaves) {
      const old = target.get(path);
      if (old && stable(old.value) !== stable(value)) {
        throw invalidInput(owner, `${prefix}${propPath(path)}`, value,
          `conflicts with ${show(old.value)} that [${old.owner.node.path}] set as ${old.field}${propPath(path)} on ${where}`,
          'set the field in one construct only, or give both the same value');
      }
    }
    for (const [path, value] of leaves) {
      if (!target.has(path)) {
        target.set(path, { value, owner, field: prefix });
      }
    }
  }

  /** Two hosts of the chart whose objects would get one name in one namespace. */
  private validateHost(): string[] {
    const errors: string[] = [];
    const chart = Chart.of(this);
    if (!attached(chart, this)) return errors;
    for (const other of chartHosts(chart).byObjectName.get(objectNameKey(this.namespace, this.resourceName)) ?? []) {
      if (other !== this && attached(chart, other)) {
        // Named after the user's constructs (the first to configure each host), not this internal construct.
        const mine = this.configuredBy[0] ?? { scope: this, host: this.host };
        const theirs = other.configuredBy[0] ?? { scope: other, host: other.host };
        errors.push(formatInputError(mine.scope.node.path, 'host', mine.host,
          `gets the object name "${this.resourceName}" in namespace ${this.namespace} (its DestinationRule and VirtualService), as does host "${theirs.host}" of ${theirs.scope.node.path}`,
          'spell one of the hosts differently (e.g. fully qualified)'));
      }
    }
    return errors;
  }
}

/** The input checks of {@link TrafficHost.of}: a construct in a chart, a host and a namespace of the right types. */
function checkEntry(scope: unknown, host: unknown, namespace: unknown): void {
  if (!Construct.isConstruct(scope)) {
    throw invalidInput(entryPoint('TrafficHost.of'), 'scope', scope, `is ${describeType(scope)}, not a construct`, 'pass a construct of the chart, e.g. the construct that configures the host');
  }
  if (!(scope as IConstruct).node.scopes.some((c) => Chart.isChart(c))) {
    throw invalidInput(scope as IConstruct, 'scope', scope, 'is in no chart', 'pass a construct of a MeshChart');
  }
  checkServiceHost(scope as IConstruct, 'host', checkString(scope, 'host', host, { fix: 'name the service, e.g. "reviews" or "reviews.bookinfo.svc.cluster.local"' }));
  if (namespace !== undefined) {
    checkString(scope, 'namespace', namespace, { fix: 'give a namespace name such as "bookinfo"' });
  }
}
