import { Chart, Lazy } from 'cdk8s';
import { k8s } from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { formatInputError, invalidInput } from '../core/errors';
import { IndexedKind, indexedIn } from '../core/chart-index';
import { checkNamespacedHost } from '../core/hostnames';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkOptions, checkProps, checkString } from '../core/input';
import { checkLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { EgressGateway } from '../gateway/egress-gateway';
import { MeshGateway } from '../gateway/mesh-gateway';
import { MeshChart } from '../mesh-chart';
import { AuthorizationAction, AuthorizationPolicy, AuthorizationRule, checkMethods, checkPaths, HttpMethod, RequestOperation } from '../security/authorization';
import { PolicyTargetRef, Principal } from '../security/selectors';
import { renderSelector } from '../traffic/selector';
import { ExternalService, ExternalServicePort, ServiceProtocol, ServiceResolution } from '../traffic/service-entry';
import { SidecarScope } from '../traffic/sidecar-scope';
import { DataPlaneMode, MeshNamespace } from '../workload/mesh-namespace';
import { PLUS_WORKLOAD_KINDS, PlusWorkload } from '../workload/plus-objects';
import { WorkloadSelector } from '../workload/workload-selector';
import { SERVICE_GRAPH_MARKER } from './report';

/** The port HBONE (ambient mode's mTLS tunnel) arrives on at every ambient pod. */
export const HBONE_PORT = 15008;
/** The address ztunnel sends the kubelet's probes of ambient pods from (SNAT). */
export const ZTUNNEL_PROBE_SOURCE = '169.254.7.127/32';
/** The label of the pods of a waypoint (and of any Kubernetes Gateway): the Gateway's name. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';
/** The label Flagger rewrites on a canary's primary pods (`app: <value>-primary`): its default selector label. */
const FLAGGER_SELECTOR_LABEL = 'app';
/** The sidecar's merged metrics (15020) and Envoy's own stats (15090): what Prometheus scrapes of a proxied pod. */
const PROXY_METRICS_PORTS = [15020, 15090];
/** Protocols whose requests carry methods and paths (what L7 authorization can match). */
const HTTP_PROTOCOLS = [ServiceProtocol.HTTP, ServiceProtocol.HTTP2, ServiceProtocol.GRPC];

/** A port of a {@link GraphService}. */
export interface GraphServicePort {
  /** The Service port number, 1–65535. */
  readonly number: number;
  /** What it speaks; calls with methods or paths need HTTP, HTTP2 or GRPC. */
  readonly protocol: ServiceProtocol;
  /**
   * The port the pods listen on: what AuthorizationPolicy `ports` and NetworkPolicies match.
   * @default the port number
   */
  readonly targetPort?: number;
}

/** How the pods of one namespace of a {@link ServiceGraph} join the mesh. */
export interface GraphNamespace {
  /** The namespace. */
  readonly name: string;
  /**
   * Sidecars or ambient: the graph writes a Sidecar per workload in sidecar mode only, and in ambient mode
   * L4 authorization on ztunnel (and L7 on the waypoint, when one is named). Give the same mode as the
   * namespace's `MeshNamespace`.
   * @default DataPlaneMode.SIDECAR
   */
  readonly mode?: DataPlaneMode;
  /**
   * The waypoint (a Kubernetes Gateway of class `istio-waypoint`) the namespace's services use, in this
   * namespace; ambient mode only. With one, calls may carry methods and paths: they are authorized on the
   * waypoint (a policy with `targetRefs` to the called Service), and ztunnel admits the waypoint's identity.
   * The namespace must use the waypoint (`istio.io/use-waypoint: <waypoint>` on it or its Services), and
   * the waypoint exist: the graph writes neither.
   * @default none: authorization is L4 only (principals and ports), and calls with methods or paths are errors
   */
  readonly waypoint?: string;
  /**
   * The service account the waypoint's pods run as.
   * @default the waypoint's name (what istiod gives the waypoints it deploys)
   */
  readonly waypointServiceAccount?: string;
}

/** Props of a {@link ServiceGraph}. */
export interface ServiceGraphProps {
  /**
   * The control plane: every Sidecar keeps its istiod host (`<namespace>/istiod[-<revision>].<namespace>.svc.cluster.local`).
   * @default istiod in istio-system, the default revision
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * How each namespace joins the mesh; namespaces not listed run sidecars.
   * @default every namespace in sidecar mode
   */
  readonly namespaces?: GraphNamespace[];
  /**
   * Hosts every Sidecar keeps besides the declared dependencies, in `namespace/dnsName` form: what the
   * proxies themselves use, such as the tracing collector (`observability/otel-collector.observability.svc.cluster.local`).
   * @default none
   */
  readonly platformHosts?: string[];
  /**
   * The egress gateway external hosts are routed through (each host's ports: HTTP or TLS/HTTPS); a Sidecar
   * of a caller then keeps the gateway's host too.
   * @default none: external hosts are reached directly (still only those with a ServiceEntry, under REGISTRY_ONLY)
   */
  readonly egressGateway?: EgressGateway;
  /**
   * Write a NetworkPolicy per service that admits exactly its callers' pods on the called ports, as a
   * second line of defence below Istio's authorization.
   * @default the environment's `production` (on in PROD)
   */
  readonly networkPolicies?: boolean;
  /**
   * Namespaces whose pods may scrape the proxies' metrics (15020 and 15090) through the NetworkPolicies; `[]` allows none.
   * @default ["monitoring"]
   */
  readonly monitoringNamespaces?: string[];
  /**
   * Trust domain of the callers' identities.
   * @default "cluster.local"
   */
  readonly trustDomain?: string;
}

/** Props of {@link ServiceGraph.addService}. */
export interface GraphServiceProps {
  /**
   * The Kubernetes Service's name (its host is `<name>.<namespace>.svc.cluster.local`).
   * @default the construct id
   */
  readonly name?: string;
  /** Its namespace. */
  readonly namespace: string;
  /** The ports it serves, each with its protocol. At least one. */
  readonly ports: GraphServicePort[];
  /**
   * The workload behind it, a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any 2x
   * version: its pod labels select it, and its service account is its identity. Give `workload` or `labels`.
   * @default none: `labels`
   */
  readonly workload?: IConstruct;
  /**
   * The labels of its pods (all versions), e.g. `{ app: 'reviews' }`. Give `workload` or `labels`.
   * @default the workload's pod labels
   */
  readonly labels?: { [key: string]: string };
  /**
   * The cdk8s-plus ServiceAccount its pods run as (its identity as a caller).
   * @default the workload's, else `serviceAccountName`
   */
  readonly serviceAccount?: IConstruct;
  /**
   * The name of the service account its pods run as, in its namespace.
   * @default the service account of `serviceAccount` or of the workload
   */
  readonly serviceAccountName?: string;
  /**
   * The workload is released by a Flagger Canary: Flagger runs the stable pods as a primary copy labelled
   * `app: <app>-primary` (Flagger's default selector label). The NetworkPolicies select and admit those
   * pods too, and the callee's ALLOW policy gets a copy for them (`<name>-primary`). The Sidecar still
   * selects `labels` only: a Sidecar whose selector matches no pod of the output fails the analyzer
   * (IST0101), and the primary Deployment is Flagger's, not the output's.
   * @default false
   */
  readonly underFlaggerCanary?: boolean;
}

/** Options of a call ({@link GraphService.calls}) or of an outside caller ({@link GraphService.allowFrom}). */
export interface GraphCallOptions {
  /** The called Service port; one the callee declares. */
  readonly port: number;
  /**
   * The protocol the caller speaks, when it matters to you: a port that speaks another is an error.
   * @default the port's protocol
   */
  readonly protocol?: ServiceProtocol;
  /**
   * The HTTP methods allowed (an HTTP, HTTP2 or GRPC port).
   * @default any
   */
  readonly methods?: HttpMethod[];
  /**
   * The paths allowed (`/charge`, `/reviews/*`; an HTTP, HTTP2 or GRPC port).
   * @default any
   */
  readonly paths?: string[];
}

/** Props of {@link ServiceGraph.addExternalHost}. */
export interface GraphExternalHostProps {
  /** The host outside the mesh, e.g. `api.stripe.com`. */
  readonly host: string;
  /** Its ports (HTTPS and TLS are passed through as TLS, routed on SNI). */
  readonly ports: ExternalServicePort[];
  /**
   * How the proxies find its addresses.
   * @default ServiceResolution.DNS
   */
  readonly resolution?: ServiceResolution;
  /**
   * Namespace of its ServiceEntry.
   * @default the control plane's namespace
   */
  readonly namespace?: string;
  /**
   * Route it through the graph's egress gateway.
   * @default true when the graph has an egressGateway
   */
  readonly viaEgressGateway?: boolean;
}

/** Options of {@link GraphService.reaches}. */
export interface GraphReachOptions {
  /** The external host's port. */
  readonly port: number;
}

/**
 * Who may call a {@link GraphService} from outside the graph: an ingress gateway, or an identity.
 */
export class GraphCaller {
  /** The pods of an ingress (or other) gateway of this library, by their service account and pod labels. */
  public static ingress(gateway: MeshGateway): GraphCaller {
    return new GraphCaller(gateway, undefined, undefined, undefined);
  }

  /**
   * Pods running as service account `serviceAccount` of `namespace`; `podLabels` narrows the NetworkPolicy
   * to those pods.
   * @param podLabels the callers' pod labels; by default every pod of the namespace (NetworkPolicy only)
   */
  public static principal(namespace: string, serviceAccount: string, podLabels?: { [key: string]: string }): GraphCaller {
    return new GraphCaller(undefined, namespace, serviceAccount, podLabels === undefined ? undefined : { ...podLabels });
  }

  private constructor(
    /** @internal */ public readonly _gateway: MeshGateway | undefined,
    /** @internal */ public readonly _namespace: string | undefined,
    /** @internal */ public readonly _serviceAccount: string | undefined,
    /** @internal */ public readonly _podLabels: { [key: string]: string } | undefined,
  ) {}
}

/** One caller of a service, resolved. */
interface Peer {
  readonly where: string;
  readonly namespace: string;
  readonly principal: Principal;
  /** Pod labels, or undefined for every pod of the namespace. */
  readonly labels?: { readonly [key: string]: string };
  readonly underFlaggerCanary: boolean;
  readonly service?: GraphService;
}

/** One inbound call, as the graph keeps it. */
interface Inbound {
  readonly peer: Peer;
  readonly port: GraphServicePort;
  readonly methods?: string[];
  readonly paths?: string[];
}

/** Fully qualified host of a Kubernetes Service. */
function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.cluster.local`;
}

/**
 * A declared service graph: each service once (namespace, ports with protocols, its pods, its identity),
 * the calls it makes, the external hosts it reaches and who may call it from outside. From that one
 * declaration it derives the least-privilege configuration:
 *
 * - per service in a sidecar namespace, a Sidecar (`SidecarScope`, named as the service) whose egress hosts
 *   are exactly its callees, its external hosts (and the egress gateway they go through), the control plane
 *   and `platformHosts`; with REGISTRY_ONLY nothing else is reachable, and the proxy holds nothing else;
 * - per namespace a deny-all baseline (`AuthorizationPolicy.denyAll`), and per called service an ALLOW
 *   policy (named as the service) with one rule per caller: its principal, the target port (always set,
 *   so nothing widens on TCP), methods and paths. In an ambient namespace the policy selects the pods and
 *   is enforced by ztunnel at L4 (principals and ports); with a waypoint, the L7 rules go to a policy
 *   `<name>-waypoint` targeting the Service (enforced by the waypoint the Service uses; a policy targeting
 *   the waypoint Gateway itself would apply to every service behind it) and ztunnel admits the waypoint;
 * - per external host an `ExternalService` (ServiceEntry) and, with an egress gateway, its routes;
 * - per service a NetworkPolicy (`networkPolicies`, on in PROD) admitting its callers' pods on the called
 *   target ports, the monitoring namespaces on the proxy metrics ports and, in ambient, HBONE (15008) and
 *   ztunnel's probe source 169.254.7.127/32.
 *
 * Calls are checked when declared (the callee is a service of this graph, the port one it serves, the
 * protocol the one the caller speaks); cycles are allowed. Routing constructs (`CanaryRelease`,
 * `CircuitBreaker`, `HostRoutes`) compose: the graph writes no DestinationRule or VirtualService of its
 * own services. `MeshApp` writes the graph as Mermaid and Graphviz DOT next to the chart's manifests.
 */
export class ServiceGraph extends Construct {
  /** Whether `x` is a ServiceGraph (also one made by another copy of this library, which `instanceof` would miss). */
  public static isServiceGraph(x: any): boolean {
    return x !== null && typeof x === 'object' && (x as Record<symbol, unknown>)[SERVICE_GRAPH_MARKER] === true;
  }

  /** The Sidecar host of the control plane, kept by every Sidecar. */
  public readonly controlPlaneHost: string;
  /** Whether the graph writes NetworkPolicies. */
  public readonly networkPolicies: boolean;

  /** @internal */ public readonly _trustDomain: string | undefined;
  /** @internal */ public readonly _platformHosts: string[];
  /** @internal */ public readonly _egressGateway: EgressGateway | undefined;
  /** @internal */ public readonly _monitoringNamespaces: string[];
  /** @internal */ public readonly _controlPlaneNamespace: string;
  private readonly namespaceModes = new Map<string, GraphNamespace>();
  private readonly baselines = new Set<string>();
  private readonly serviceNames = new Map<string, GraphService>();
  private readonly hostNames = new Set<string>();

  constructor(scope: Construct, id: string, props: ServiceGraphProps = {}) {
    super(scope, id);
    Object.defineProperty(this, SERVICE_GRAPH_MARKER, { value: true });
    props = checkProps(this, props, 'ServiceGraphProps');
    const cp = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'pass the MeshControlPlane, or leave controlPlane out');
    this._controlPlaneNamespace = cp?.namespace ?? 'istio-system';
    const istiod = cp?.revision ? `istiod-${cp.revision}` : 'istiod';
    this.controlPlaneHost = `${this._controlPlaneNamespace}/${serviceHost(istiod, this._controlPlaneNamespace)}`;
    this._platformHosts = props.platformHosts === undefined ? [] : checkArray(this, 'platformHosts', props.platformHosts, (h, f) => {
      checkNamespacedHost(this, f, h, true);
      return h as string;
    }, { fix: 'give hosts in namespace/dnsName form, e.g. ["observability/otel-collector.observability.svc.cluster.local"]' });
    this._egressGateway = props.egressGateway === undefined ? undefined
      : checkInstance(this, 'egressGateway', props.egressGateway, EgressGateway, 'pass an EgressGateway, or leave egressGateway out');
    this.networkPolicies = props.networkPolicies === undefined ? MeshChart.environmentOf(this).production : checkBoolean(this, 'networkPolicies', props.networkPolicies);
    this._monitoringNamespaces = checkArray(this, 'monitoringNamespaces', props.monitoringNamespaces ?? ['monitoring'],
      (n, f) => checkDnsLabel(this, f, n, 'use a namespace name, e.g. "monitoring"'), { fix: 'give namespace names, e.g. ["monitoring"]' });
    this._trustDomain = props.trustDomain === undefined ? undefined
      : checkString(this, 'trustDomain', props.trustDomain, { minLength: 1, fix: 'give the mesh trust domain, e.g. "cluster.local"' });
    if (props.namespaces !== undefined) {
      checkArray(this, 'namespaces', props.namespaces, (item, field) => {
        const ns = checkOptions(this, field, item as GraphNamespace, 'GraphNamespace');
        const name = checkDnsLabel(this, `${field}.name`, ns.name, 'use a namespace name such as "shop"');
        if (this.namespaceModes.has(name)) {
          throw invalidInput(this, `${field}.name`, name, 'is listed twice', 'list each namespace once');
        }
        const mode = ns.mode === undefined ? DataPlaneMode.SIDECAR : checkEnum(this, `${field}.mode`, ns.mode, DataPlaneMode, 'DataPlaneMode');
        if (mode === DataPlaneMode.NONE) {
          throw invalidInput(this, `${field}.mode`, mode, 'takes the namespace out of the mesh: no proxy would enforce what the graph derives',
            'use DataPlaneMode.SIDECAR or DataPlaneMode.AMBIENT, or declare the namespace\'s services elsewhere');
        }
        if (ns.waypoint !== undefined) {
          checkDnsLabel(this, `${field}.waypoint`, ns.waypoint, 'name the waypoint Gateway, e.g. "waypoint"');
          if (mode !== DataPlaneMode.AMBIENT) {
            throw invalidInput(this, `${field}.waypoint`, ns.waypoint, 'is set on a namespace in sidecar mode; waypoints serve ambient namespaces', 'set mode: DataPlaneMode.AMBIENT, or drop waypoint');
          }
        }
        if (ns.waypointServiceAccount !== undefined) {
          checkDnsLabel(this, `${field}.waypointServiceAccount`, ns.waypointServiceAccount, 'name the service account, e.g. "waypoint"');
          if (ns.waypoint === undefined) {
            throw invalidInput(this, `${field}.waypointServiceAccount`, ns.waypointServiceAccount, 'is set without a waypoint', 'name the waypoint too, or drop waypointServiceAccount');
          }
        }
        this.namespaceModes.set(name, { name, mode, waypoint: ns.waypoint, waypointServiceAccount: ns.waypointServiceAccount ?? ns.waypoint });
        return name;
      }, { fix: 'give a list of namespaces, e.g. [{ name: "shop", mode: DataPlaneMode.AMBIENT }]' });
    }
    this.node.addValidation({ validate: () => this.modesAgreeWithMeshNamespaces() });
  }

  /**
   * The graph derives per namespace mode (Sidecars or ztunnel and waypoint policies); a `MeshNamespace`
   * of the chart that puts one of its services' namespaces in another mode would make the derived
   * objects miss the pods, so the two must agree.
   */
  private modesAgreeWithMeshNamespaces(): string[] {
    const meshNamespaces = indexedIn<MeshNamespace>(Chart.of(this), IndexedKind.MESH_NAMESPACE);
    const namespaces = [...new Set([...this.serviceNames.values()].map((s) => s.namespace))].sort();
    const errors: string[] = [];
    for (const name of namespaces) {
      const declared = meshNamespaces.find((n) => n.name === name);
      const mode = this.modeOf(name);
      if (declared && declared.mode !== mode) {
        errors.push(formatInputError('', 'namespaces', name,
          `is in ${mode} mode in the graph, but ${declared.node.path} puts it in ${declared.mode} mode, so the derived ${mode === DataPlaneMode.SIDECAR ? 'Sidecars' : 'ztunnel policies'} would not fit its pods`,
          declared.mode === DataPlaneMode.NONE ? `put namespace "${name}" in the mesh, or declare its services outside the graph`
            : `declare { name: "${name}", mode: DataPlaneMode.${declared.mode.toUpperCase()} } in namespaces`));
      }
    }
    return errors;
  }

  /** Declares a service of the graph; the construct is a child of the graph with this id. */
  public addService(id: string, props: GraphServiceProps): GraphService {
    checkString(this, 'addService(id)', id, { minLength: 1, fix: 'give the service an id, e.g. "orders"' });
    return new GraphService(this, id, props);
  }

  /** Declares an external host the graph's services may reach (its ServiceEntry, and egress route). */
  public addExternalHost(id: string, props: GraphExternalHostProps): GraphExternalHost {
    checkString(this, 'addExternalHost(id)', id, { minLength: 1, fix: 'give the host an id, e.g. "stripe"' });
    return new GraphExternalHost(this, id, props);
  }

  /** How the pods of `namespace` join the mesh, as declared in `namespaces`. */
  public modeOf(namespace: string): DataPlaneMode {
    return this.namespaceModes.get(namespace)?.mode ?? DataPlaneMode.SIDECAR;
  }

  /** @internal */
  public _namespace(namespace: string): GraphNamespace {
    return this.namespaceModes.get(namespace) ?? { name: namespace, mode: DataPlaneMode.SIDECAR };
  }

  /** @internal Registers a service (one per namespace and name) and writes its namespace's deny-all baseline once. */
  public _register(service: GraphService): void {
    const key = `${service.namespace}/${service.name}`;
    const other = this.serviceNames.get(key);
    if (other) {
      throw invalidInput(service, 'name', service.name, `is already declared in namespace ${service.namespace} by ${other.node.path}`, 'declare each service once');
    }
    this.serviceNames.set(key, service);
    if (!this.baselines.has(service.namespace)) {
      this.baselines.add(service.namespace);
      AuthorizationPolicy.denyAll(this, `${service.namespace}-deny-all`, { namespace: service.namespace });
    }
  }

  /** @internal Checks that a host is declared once (`commit` false), or records it once its objects exist (`commit` true). */
  public _registerHost(host: GraphExternalHost, commit: boolean): void {
    const key = host.host.toLowerCase();
    if (!commit && this.hostNames.has(key)) {
      throw invalidInput(host, 'host', host.host, 'is already declared by another external host of this graph', 'declare each host once, with all its ports');
    }
    if (commit) this.hostNames.add(key);
  }
}

/** An external host of a {@link ServiceGraph}: its ServiceEntry and, with an egress gateway, its routes. */
export class GraphExternalHost extends Construct {
  /** The host. */
  public readonly host: string;
  /** The ServiceEntry. */
  public readonly service: ExternalService;
  /** Whether its traffic leaves through the graph's egress gateway. */
  public readonly viaEgressGateway: boolean;
  /** @internal */ public readonly _graph: ServiceGraph;

  constructor(graph: ServiceGraph, id: string, props: GraphExternalHostProps) {
    super(graph, id);
    this._graph = graph;
    props = checkProps(this, props, 'GraphExternalHostProps');
    this.host = checkString(this, 'host', props.host, { minLength: 1, fix: 'give the host, e.g. "api.stripe.com"' });
    graph._registerHost(this, false);
    this.service = new ExternalService(this, 'service-entry', {
      name: this.host.toLowerCase().replace(/^\*\./, 'wildcard.').replace(/\./g, '-').slice(0, 63).replace(/-+$/, ''),
      namespace: props.namespace ?? graph._controlPlaneNamespace,
      hosts: [this.host],
      ports: props.ports,
      resolution: props.resolution ?? ServiceResolution.DNS,
    });
    const via = props.viaEgressGateway === undefined ? graph._egressGateway !== undefined : checkBoolean(this, 'viaEgressGateway', props.viaEgressGateway);
    if (via && graph._egressGateway === undefined) {
      throw invalidInput(this, 'viaEgressGateway', true, `is set, but the graph ${graph.node.path} has no egressGateway`, 'give the graph an egressGateway, or drop viaEgressGateway');
    }
    this.viaEgressGateway = via;
    if (via) {
      for (const port of this.service.ports) {
        graph._egressGateway!.routeExternalHost(`${graph.node.id}-${id}-${port.number}`, { service: this.service, host: this.host, port: port.number });
      }
    }
    graph._registerHost(this, true);
  }

  /** The Sidecar egress hosts a caller needs: the ServiceEntry's host, and the egress gateway's when routed through it. */
  public get sidecarHosts(): string[] {
    const gw = this.viaEgressGateway ? [`${this._graph._egressGateway!.namespace}/${this._graph._egressGateway!.serviceHost}`] : [];
    return [...this.service.sidecarHosts, ...gw];
  }
}

/**
 * One service of a {@link ServiceGraph}, with what the graph derives for it (its Sidecar, ALLOW policy and
 * NetworkPolicy). Declare calls with {@link calls}, external hosts with {@link reaches}, outside callers
 * with {@link allowFrom}.
 */
export class GraphService extends Construct {
  /** The Service name. */
  public readonly name: string;
  /** The namespace. */
  public readonly namespace: string;
  /** Its fully qualified host. */
  public readonly host: string;
  /** How its pods join the mesh. */
  public readonly mode: DataPlaneMode;
  /** The labels of its pods. */
  public readonly labels: { readonly [key: string]: string };
  /** Its identity as a caller. */
  public readonly principal: Principal;
  /** Whether a Flagger Canary releases it (its primary pods are selected too). */
  public readonly underFlaggerCanary: boolean;
  /** Its Sidecar (sidecar mode only). */
  public readonly sidecar?: SidecarScope;

  private readonly graph: ServiceGraph;
  private readonly ports: GraphServicePort[];
  private readonly inbound: Inbound[] = [];
  private allow?: AuthorizationPolicy;
  private primaryAllow?: AuthorizationPolicy;
  private waypointAllow?: AuthorizationPolicy;
  private readonly waypointPorts = new Set<number>();

  constructor(graph: ServiceGraph, id: string, props: GraphServiceProps) {
    super(graph, id);
    this.graph = graph;
    props = checkProps(this, props, 'GraphServiceProps');
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use the Service name, e.g. "orders"');
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace, 'use a namespace name such as "shop"');
    this.host = serviceHost(this.name, this.namespace);
    this.mode = graph.modeOf(this.namespace);
    this.underFlaggerCanary = props.underFlaggerCanary === undefined ? false : checkBoolean(this, 'underFlaggerCanary', props.underFlaggerCanary);

    const numbers = new Set<number>();
    this.ports = checkArray(this, 'ports', props.ports, (item, field) => {
      const p = checkOptions(this, field, item as GraphServicePort, 'GraphServicePort');
      checkPort(this, `${field}.number`, p.number, 'use the Service port, e.g. 8080');
      const protocol = checkEnum(this, `${field}.protocol`, p.protocol, ServiceProtocol, 'ServiceProtocol');
      const targetPort = p.targetPort === undefined ? p.number : checkPort(this, `${field}.targetPort`, p.targetPort, 'use the container port, e.g. 8080');
      if (numbers.has(p.number)) {
        throw invalidInput(this, `${field}.number`, p.number, 'is already a port of this service', 'list each port once');
      }
      numbers.add(p.number);
      return { number: p.number, protocol, targetPort };
    }, { minItems: 1, fix: 'list the ports, e.g. [{ number: 8080, protocol: ServiceProtocol.HTTP }]' });

    // Its pods: a workload's labels, or the labels given.
    let selector: WorkloadSelector;
    let workload: PlusWorkload | undefined;
    if (props.workload !== undefined && props.labels !== undefined) {
      throw invalidInput(this, 'labels', props.labels, 'is given together with workload', 'give the workload (its pod labels are used) or the labels');
    }
    if (props.workload !== undefined) {
      workload = PlusWorkload.read(props.workload, { where: this.node.path, field: 'workload', fix: `pass ${PLUS_WORKLOAD_KINDS}, or give labels` });
      if (workload.namespace !== undefined && workload.namespace !== this.namespace) {
        throw invalidInput(this, 'workload', workload.path, `runs in namespace ${workload.namespace}, not in the service's namespace ${this.namespace}`, 'declare the service in the workload\'s namespace');
      }
      selector = WorkloadSelector._fromPlus(workload);
    } else if (props.labels !== undefined) {
      selector = WorkloadSelector.labels(checkLabels(this, 'labels', props.labels));
    } else {
      throw invalidInput(this, 'workload', undefined, 'is missing, and so are labels: the graph cannot select the service\'s pods', 'give workload (a cdk8s-plus workload) or labels (e.g. { app: "orders" })');
    }
    this.labels = Object.freeze(renderSelector(this, props.workload !== undefined ? 'workload' : 'labels', selector));
    if (this.underFlaggerCanary && this.labels[FLAGGER_SELECTOR_LABEL] === undefined) {
      throw invalidInput(this, 'underFlaggerCanary', true, `is set, but the pods have no "${FLAGGER_SELECTOR_LABEL}" label, which Flagger rewrites to "<value>-primary" on the primary pods`,
        `give the pods an "${FLAGGER_SELECTOR_LABEL}" label, or drop underFlaggerCanary`);
    }

    // Its identity.
    const options = graph._trustDomain === undefined ? {} : { trustDomain: graph._trustDomain };
    const given = [props.serviceAccount, props.serviceAccountName].filter((v) => v !== undefined).length;
    if (given > 1) {
      throw invalidInput(this, 'serviceAccountName', props.serviceAccountName, 'is given together with serviceAccount', 'give one of them');
    }
    if (props.serviceAccount !== undefined) {
      this.principal = Principal._fromConstruct(props.serviceAccount, { where: this.node.path, field: 'serviceAccount' }, options);
    } else if (props.serviceAccountName !== undefined) {
      this.principal = Principal.of(this.namespace, checkDnsLabel(this, 'serviceAccountName', props.serviceAccountName, 'use the service account name'), options);
    } else if (workload !== undefined) {
      this.principal = Principal._fromConstruct(props.workload, { where: this.node.path, field: 'workload' }, options);
    } else {
      throw invalidInput(this, 'serviceAccount', undefined, 'is missing: the graph cannot name the service\'s identity as a caller',
        'give serviceAccount (a cdk8s-plus ServiceAccount), serviceAccountName, or the workload (its service account is used)');
    }
    const value = this.principal._render(this, 'serviceAccount');
    if (!value.includes(`/ns/${this.namespace}/sa/`)) {
      throw invalidInput(this, 'serviceAccount', value, `is an identity of another namespace than the service's (${this.namespace})`, 'give the service account its pods run as');
    }

    graph._register(this);
    if (this.mode === DataPlaneMode.SIDECAR) {
      this.sidecar = new SidecarScope(this, 'sidecar', {
        namespace: this.namespace,
        name: this.name,
        selector: WorkloadSelector.labels(this.labels),
        hosts: [graph.controlPlaneHost, ...graph._platformHosts],
      });
    }
    if (graph.networkPolicies) {
      new k8s.KubeNetworkPolicy(this, 'network-policy', {
        metadata: { name: this.name, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this.networkPolicySpec() }) as unknown as k8s.NetworkPolicySpec,
      });
    }
  }

  /**
   * Declares that this service calls `callee` (a service of the same graph) on one of its ports: the
   * callee's host joins this service's Sidecar, and the callee admits this service's identity on that port
   * (with these methods and paths). Cycles are allowed. Returns this service, so that calls chain.
   */
  public calls(callee: GraphService, options: GraphCallOptions): GraphService {
    const field = 'calls(callee)';
    if (!(callee instanceof GraphService)) {
      throw invalidInput(this, field, Construct.isConstruct(callee) ? (callee as IConstruct).node.path : callee,
        `is not a service of the graph ${this.graph.node.path}`, 'declare the callee with graph.addService(...) and pass what it returns');
    }
    if (callee.graph !== this.graph) {
      throw invalidInput(this, field, callee.node.path, `is declared in another graph (${callee.graph.node.path}), not in ${this.graph.node.path}`,
        `declare ${callee.name} in ${this.graph.node.path} (one graph per mesh)`);
    }
    const opts = checkOptions(this, `calls(${callee.node.path}, options)`, options, 'GraphCallOptions');
    const call = callee.checkCall(this.node.path, `calls(${callee.node.path}, options)`, this, opts);
    this.sidecar?.addHosts(`${callee.namespace}/${callee.host}`);
    callee.admit({ ...call, peer: this.asPeer() });
    return this;
  }

  /** Declares that this service reaches an external host of the graph on one of its ports: it joins this service's Sidecar. */
  public reaches(external: GraphExternalHost, options: GraphReachOptions): GraphService {
    if (!(external instanceof GraphExternalHost) || external._graph !== this.graph) {
      throw invalidInput(this, 'reaches(external)', Construct.isConstruct(external) ? (external as IConstruct).node.path : external,
        `is not an external host of the graph ${this.graph.node.path}`, 'declare it with graph.addExternalHost(...) and pass what it returns');
    }
    const opts = checkOptions(this, `reaches(${external.node.path}, options)`, options, 'GraphReachOptions');
    checkPort(this, `reaches(${external.node.path}, options).port`, opts.port, 'name one of the host\'s ports');
    if (!external.service.ports.some((p) => p.number === opts.port)) {
      throw invalidInput(this, `reaches(${external.node.path}, options).port`, opts.port,
        `is not a port of ${external.host} (${external.node.path} declares ${external.service.ports.map((p) => `${p.number}/${p.protocol}`).join(', ')})`,
        `add port ${opts.port} to the external host, or reach one of its ports`);
    }
    this.sidecar?.addHosts(...external.sidecarHosts);
    return this;
  }

  /** Admits a caller from outside the graph (an ingress gateway, an identity) on one of this service's ports. */
  public allowFrom(caller: GraphCaller, options: GraphCallOptions): GraphService {
    const c = checkInstance(this, 'allowFrom(caller)', caller, GraphCaller, 'use GraphCaller.ingress(gateway) or GraphCaller.principal(namespace, serviceAccount)');
    let peer: Peer;
    const options2 = this.graph._trustDomain === undefined ? {} : { trustDomain: this.graph._trustDomain };
    if (c._gateway !== undefined) {
      const gw = checkInstance(this, 'allowFrom(caller)', c._gateway, MeshGateway, 'pass an IngressGateway');
      peer = {
        where: gw.node.path,
        namespace: gw.namespace,
        principal: Principal._fromConstruct(gw.serviceAccount, { where: this.node.path, field: 'allowFrom(caller)' }, options2),
        labels: gw.selectorLabels,
        underFlaggerCanary: false,
      };
    } else {
      const ns = checkDnsLabel(this, 'allowFrom(caller).namespace', c._namespace, 'use a namespace name');
      const sa = checkDnsLabel(this, 'allowFrom(caller).serviceAccount', c._serviceAccount, 'use a service account name');
      peer = {
        where: `${ns}/sa/${sa}`,
        namespace: ns,
        principal: Principal.of(ns, sa, options2),
        labels: c._podLabels === undefined ? undefined : checkLabels(this, 'allowFrom(caller).podLabels', c._podLabels),
        underFlaggerCanary: false,
      };
    }
    const opts = checkOptions(this, 'allowFrom(caller, options)', options, 'GraphCallOptions');
    this.admit({ ...this.checkCall(peer.where, 'allowFrom(caller, options)', this, opts), peer });
    return this;
  }

  /** The ports this service serves. */
  public get servicePorts(): GraphServicePort[] {
    return this.ports.map((p) => ({ ...p }));
  }

  /** This service as a caller. */
  private asPeer(): Peer {
    return { where: this.node.path, namespace: this.namespace, principal: this.principal, labels: this.labels, underFlaggerCanary: this.underFlaggerCanary, service: this };
  }

  /**
   * Checks a call to this service: the port is one it serves, the protocol the one the caller speaks, and
   * methods and paths only on HTTP ports (and, in ambient mode, only with a waypoint). Errors name both ends
   * under the caller's path (`reporter`).
   */
  private checkCall(callerPath: string, field: string, reporter: IConstruct, opts: GraphCallOptions): Omit<Inbound, 'peer'> {
    const ends = `${callerPath} → ${this.node.path}`;
    checkPort(reporter, `${field}.port`, opts.port, `name one of the ports of ${this.node.path}`);
    const port = this.ports.find((p) => p.number === opts.port);
    if (!port) {
      throw invalidInput(reporter, `${field}.port`, opts.port,
        `is not a port of ${this.node.path} (call ${ends}; it serves ${this.ports.map((p) => `${p.number}/${p.protocol}`).join(', ')})`,
        `call one of those ports, or add port ${opts.port} to ${this.node.path}'s ports`);
    }
    if (opts.protocol !== undefined) {
      const protocol = checkEnum(reporter, `${field}.protocol`, opts.protocol, ServiceProtocol, 'ServiceProtocol');
      if (protocol !== port.protocol) {
        throw invalidInput(reporter, `${field}.protocol`, protocol, `does not match port ${port.number} of ${this.node.path}, which speaks ${port.protocol} (call ${ends})`,
          `speak ${port.protocol} to that port, or declare the port of ${this.node.path} with protocol ServiceProtocol.${protocol}`);
      }
    }
    const methods = opts.methods === undefined ? undefined : checkMethods(reporter, `${field}.methods`, opts.methods);
    const paths = opts.paths === undefined ? undefined : checkPaths(reporter, `${field}.paths`, opts.paths);
    if ((methods !== undefined || paths !== undefined) && !HTTP_PROTOCOLS.includes(port.protocol)) {
      throw invalidInput(reporter, methods !== undefined ? `${field}.methods` : `${field}.paths`, methods ?? paths,
        `need an HTTP port, but port ${port.number} of ${this.node.path} speaks ${port.protocol} (call ${ends})`,
        `drop methods and paths, or declare the port with protocol ServiceProtocol.HTTP (HTTP2, GRPC)`);
    }
    const ns = this.graph._namespace(this.namespace);
    if ((methods !== undefined || paths !== undefined) && ns.mode === DataPlaneMode.AMBIENT && ns.waypoint === undefined) {
      throw invalidInput(reporter, methods !== undefined ? `${field}.methods` : `${field}.paths`, methods ?? paths,
        `cannot be enforced: ${this.node.path} runs in the ambient namespace ${this.namespace}, which has no waypoint, and ztunnel authorizes at L4 only (call ${ends})`,
        `declare a waypoint for ${this.namespace} in the graph's namespaces, or drop methods and paths`);
    }
    return { port, ...(methods ? { methods } : {}), ...(paths ? { paths } : {}) };
  }

  /** Adds one inbound call to this service's policies. */
  private admit(call: Inbound): void {
    const identity = call.peer.principal._render(this, 'principal');
    const same = (c: Inbound) => c.peer.principal._render(this, 'principal') === identity && c.port.number === call.port.number
      && JSON.stringify(c.methods ?? null) === JSON.stringify(call.methods ?? null) && JSON.stringify(c.paths ?? null) === JSON.stringify(call.paths ?? null);
    if (this.inbound.some(same)) {
      throw invalidInput(this, `callers[${identity}].port`, call.port.number, `already admits ${identity} with these methods and paths (call ${call.peer.where} → ${this.node.path})`,
        'declare each call once');
    }
    this.inbound.push(call);
    const ns = this.graph._namespace(this.namespace);
    const targetPort = call.port.targetPort ?? call.port.number;
    const operation: RequestOperation = {
      ports: [targetPort],
      ...(call.methods ? { methods: call.methods as HttpMethod[] } : {}),
      ...(call.paths ? { paths: call.paths } : {}),
    };
    if (ns.mode === DataPlaneMode.SIDECAR || ns.waypoint === undefined) {
      // Sidecar mode: the callee's proxy enforces all of it. Ambient without a waypoint: ztunnel, at L4
      // (checkCall refused methods and paths there).
      const rule: AuthorizationRule = { from: [{ principals: [call.peer.principal] }], to: [operation] };
      this.allowPolicy().addRule(rule);
      this.primaryAllowPolicy()?.addRule(rule);
      return;
    }
    // Ambient with a waypoint: L7 on the waypoint (the policy targets the Service, whose traffic the
    // waypoint handles; ports there are Service ports), and ztunnel admits the waypoint's identity.
    this.waypointPolicy().addRule({ from: [{ principals: [call.peer.principal] }], to: [{ ...operation, ports: [call.port.number] }] });
    if (!this.waypointPorts.has(targetPort)) {
      this.waypointPorts.add(targetPort);
      const waypoint = Principal.of(this.namespace, ns.waypointServiceAccount!, this.graph._trustDomain === undefined ? {} : { trustDomain: this.graph._trustDomain });
      const rule: AuthorizationRule = { from: [{ principals: [waypoint] }], to: [{ ports: [targetPort] }] };
      this.allowPolicy().addRule(rule);
      this.primaryAllowPolicy()?.addRule(rule);
    }
  }

  /** The ALLOW policy selecting this service's pods (created with the first caller). */
  private allowPolicy(): AuthorizationPolicy {
    if (!this.allow) {
      this.allow = new AuthorizationPolicy(this, 'allow', {
        namespace: this.namespace,
        name: this.name,
        action: AuthorizationAction.ALLOW,
        selector: WorkloadSelector.labels(this.labels),
      });
    }
    return this.allow;
  }

  /** The copy of the ALLOW policy for Flagger's primary pods, when the service is under a canary. */
  private primaryAllowPolicy(): AuthorizationPolicy | undefined {
    if (!this.underFlaggerCanary) return undefined;
    if (!this.primaryAllow) {
      this.primaryAllow = new AuthorizationPolicy(this, 'allow-primary', {
        namespace: this.namespace,
        name: `${this.name}-primary`,
        action: AuthorizationAction.ALLOW,
        selector: WorkloadSelector.labels(primaryLabels(this.labels)),
      });
    }
    return this.primaryAllow;
  }

  /** The L7 policy on the waypoint, targeting this Service. */
  private waypointPolicy(): AuthorizationPolicy {
    if (!this.waypointAllow) {
      this.waypointAllow = new AuthorizationPolicy(this, 'allow-waypoint', {
        namespace: this.namespace,
        name: `${this.name}-waypoint`,
        action: AuthorizationAction.ALLOW,
        targetRefs: [PolicyTargetRef.service(this.name)],
      });
    }
    return this.waypointAllow;
  }

  /** The NetworkPolicy: this service's pods admit their callers' pods on the called ports, and nothing else. */
  private networkPolicySpec(): k8s.NetworkPolicySpec {
    const ns = this.graph._namespace(this.namespace);
    const ambient = ns.mode === DataPlaneMode.AMBIENT;
    const tcp = (port: number): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const byName = (namespace: string) => ({ matchLabels: { 'kubernetes.io/metadata.name': namespace } });
    // One rule per caller, with its ports; callers in a stable order.
    const byPeer = new Map<string, { peer: k8s.NetworkPolicyPeer; ports: Set<number> }>();
    const add = (key: string, peer: k8s.NetworkPolicyPeer, port: number) => {
      const entry = byPeer.get(key) ?? { peer, ports: new Set<number>() };
      entry.ports.add(port);
      byPeer.set(key, entry);
    };
    for (const call of this.inbound) {
      const { peer } = call;
      const podSelector = peer.labels === undefined ? undefined : podSelectorOf(peer.labels, peer.underFlaggerCanary);
      const k8sPeer: k8s.NetworkPolicyPeer = { namespaceSelector: byName(peer.namespace), ...(podSelector ? { podSelector } : {}) };
      const key = `${peer.namespace}/${JSON.stringify(podSelector ?? {})}`;
      if (ambient && ns.waypoint !== undefined) {
        // Through the waypoint: its pods open the HBONE connection.
        add(`waypoint/${ns.waypoint}`, { podSelector: { matchLabels: { [GATEWAY_NAME_LABEL]: ns.waypoint } } }, HBONE_PORT);
      } else {
        add(key, k8sPeer, call.port.targetPort ?? call.port.number);
        if (ambient) add(key, k8sPeer, HBONE_PORT);
      }
    }
    const rules: k8s.NetworkPolicyIngressRule[] = [...byPeer.keys()].sort().map((key) => {
      const { peer, ports } = byPeer.get(key)!;
      return { from: [peer], ports: [...ports].sort((a, b) => a - b).map(tcp) };
    });
    const monitoring = [...new Set(this.graph._monitoringNamespaces)].sort();
    if (monitoring.length > 0 && !ambient) {
      rules.push({ from: monitoring.map((n) => ({ namespaceSelector: byName(n) })), ports: PROXY_METRICS_PORTS.map(tcp) });
    }
    if (ambient) {
      // ztunnel sends the kubelet's probes from this link-local address.
      rules.push({ from: [{ ipBlock: { cidr: ZTUNNEL_PROBE_SOURCE } }] });
    }
    return {
      podSelector: podSelectorOf(this.labels, this.underFlaggerCanary),
      policyTypes: ['Ingress'],
      ingress: rules,
    };
  }
}

/** The labels of a Flagger canary's primary pods: the selector label's value with `-primary`. */
function primaryLabels(labels: { readonly [key: string]: string }): { [key: string]: string } {
  return { ...labels, [FLAGGER_SELECTOR_LABEL]: `${labels[FLAGGER_SELECTOR_LABEL]}-primary` };
}

/** A pod selector of these labels; under a Flagger canary, the primary pods' `app` value too. */
function podSelectorOf(labels: { readonly [key: string]: string }, underFlaggerCanary: boolean): k8s.LabelSelector {
  if (!underFlaggerCanary) return { matchLabels: { ...labels } };
  const { [FLAGGER_SELECTOR_LABEL]: app, ...rest } = labels;
  return {
    ...(Object.keys(rest).length > 0 ? { matchLabels: rest } : {}),
    matchExpressions: [{ key: FLAGGER_SELECTOR_LABEL, operator: 'In', values: [app, `${app}-primary`] }],
  };
}
