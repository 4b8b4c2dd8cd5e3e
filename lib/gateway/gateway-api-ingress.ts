import { ApiObject, Chart, Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { GatewayApiCrds } from './gateway-api';
import { GatewayServer, RenderedServer } from './gateway-server';
import { GatewayServiceType, ExternalTrafficPolicy } from './mesh-gateway';
import { backendTargets, BackendTarget, toHttpRouteRules } from './http-route';
import {
  Gateway as K8sGateway, GatewaySpec as K8sGatewaySpec, GatewaySpecListeners, GatewaySpecListenersTlsMode,
  GatewaySpecListenersAllowedRoutesNamespacesFrom, GrpcRoute, GrpcRouteSpec, GrpcRouteSpecRulesMatchesMethodType,
  HttpRoute, HttpRouteSpec, HttpRouteSpecRules, HttpRouteSpecRulesFiltersType, HttpRouteSpecRulesFiltersRequestRedirectScheme,
  HttpRouteSpecRulesFiltersRequestRedirectStatusCode, ReferenceGrant,
} from '../../imports/gateway.networking.k8s.io';
import { VirtualServiceSpecHttp } from '../../imports/networking.istio.io';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { IndexedKind, indexedIn } from '../core/chart-index';
import { istioDuration } from '../core/duration';
import { checkEnvironmentShape } from '../core/environment-shape';
import { formatInputError, invalidInput } from '../core/errors';
import { checkHostname } from '../core/hostnames';
import {
  checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkOptions, checkProps, checkString, checkStringMap,
} from '../core/input';
import { checkDnsLabel, isDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { sortedRecord } from '../core/records';
import { disruptionBudgetSpec, podAntiAffinity, resolveSizing, SizingOverrides } from '../core/sizing';
import { ComponentSizing, EnvironmentProfile } from '../environment';
import { MeshChart } from '../mesh-chart';
import { HttpMatch } from '../traffic/match';
import { checkHostParts } from '../traffic/checks';
import { MeshNamespace } from '../workload/mesh-namespace';

/** The label istiod puts on the pods it deploys for a Gateway API Gateway. */
const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

/** Props of a {@link GatewayApiIngress}. */
export interface GatewayApiIngressProps {
  /**
   * Name of the Gateway (istiod names the Deployment and Service it creates `<name>-istio`).
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the Gateway and of the pods istiod deploys for it.
   * @default "istio-ingress"
   */
  readonly namespace?: string;
  /**
   * Create the namespace (a `MeshNamespace`); one another construct of the chart created is reused.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The control plane that serves the Gateway: with a revision, the Gateway is labelled `istio.io/rev`.
   * @default the default revision
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * The environment whose `ingressGateway` sizing applies.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
  /**
   * Per-gateway sizing overrides (replicas, resources, HPA, anti-affinity, PDB).
   * @default the environment's `ingressGateway` sizing
   */
  readonly sizing?: SizingOverrides;
  /**
   * Type of the Service istiod creates.
   * @default GatewayServiceType.LOAD_BALANCER
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * Annotations of that Service (e.g. the cloud load balancer's settings).
   * @default none
   */
  readonly serviceAnnotations?: { [key: string]: string };
  /**
   * External traffic policy of a LoadBalancer or NodePort Service.
   * @default Kubernetes' (Cluster)
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * The servers, written as listeners: `GatewayServer.http` and `.https` (TLS mode Terminate with the
   * credential Secret as certificateRef; `redirectHttp` becomes an HTTPRoute that redirects to HTTPS).
   */
  readonly servers: GatewayServer[];
}

/** A backend of an {@link GatewayApiRouteRule}: a Service and port, with a relative weight. */
export interface GatewayApiBackend {
  /**
   * The Service: `reviews-v2.bookinfo.svc.cluster.local` (another namespace gets a ReferenceGrant
   * there), or a short name in the route's namespace. Each version of a canary is a Service of its own.
   */
  readonly host: string;
  /** The Service port (Gateway API requires it). */
  readonly port: number;
  /**
   * Relative weight among the rule's backends (Gateway API weights need not sum to 100).
   * @default 1 with several backends; none with one
   */
  readonly weight?: number;
}

/** One rule of a Gateway API route. */
export interface GatewayApiRouteRule {
  /**
   * Requests the rule takes: any of the matches (`HttpMatch.uriPrefix`, `uriExact`, `uriRegex`,
   * `header`, `headerRegex`, `cookie`, ...; `headerPrefix` has no Gateway API form).
   * @default every request
   */
  readonly matches?: HttpMatch[];
  /** Where the requests go; several split by weight. */
  readonly backends: GatewayApiBackend[];
  /**
   * Timeout of the whole request.
   * @default none
   */
  readonly timeout?: Duration;
  /**
   * Name of the rule (in istiod's route names and metrics).
   * @default none
   */
  readonly name?: string;
}

/** Options of {@link GatewayApiIngress.addRoute}. */
export interface GatewayApiRouteOptions {
  /** Hostnames the route serves; each must be one a listener of the gateway serves. */
  readonly hosts: string[];
  /** The rules, in order (Gateway API orders them by match precedence, not by position). */
  readonly rules: GatewayApiRouteRule[];
  /**
   * Name of the HTTPRoute.
   * @default the id
   */
  readonly name?: string;
  /**
   * Namespace of the HTTPRoute; another than the gateway's is admitted by the listeners'
   * `allowedRoutes`, which list the namespaces of the routes added.
   * @default the gateway's namespace
   */
  readonly namespace?: string;
}

/** Options of {@link GatewayApiIngress.addGrpcRoute}. */
export interface GatewayApiGrpcRouteOptions {
  /** Hostnames the route serves. */
  readonly hosts: string[];
  /** Where the calls go. */
  readonly backends: GatewayApiBackend[];
  /**
   * Only calls to this gRPC service (`package.Service`).
   * @default every service
   */
  readonly grpcService?: string;
  /**
   * Only calls to this method of `grpcService`.
   * @default every method
   */
  readonly grpcMethod?: string;
  /**
   * Name of the GRPCRoute.
   * @default the id
   */
  readonly name?: string;
  /**
   * Namespace of the GRPCRoute.
   * @default the gateway's namespace
   */
  readonly namespace?: string;
}

/** A listener with the hosts it serves, for route checks. */
interface ListenerInfo {
  readonly name: string;
  readonly hostname?: string;
  readonly protocol: string;
  readonly port: number;
  /** Answers every request with a redirect to HTTPS: routes do not bind to it. */
  readonly redirect: boolean;
}

/**
 * An ingress gateway in Kubernetes Gateway API (`gateway.networking.k8s.io/v1`): a `Gateway` of class
 * `istio` whose Deployment, Service, HPA and PodDisruptionBudget istiod creates (automated
 * deployment), sized from the environment's `ingressGateway` profile through
 * `infrastructure.parametersRef`: a ConfigMap `<name>-options` with Istio's overlay keys `deployment`
 * (replicas, resources, anti-affinity), `service` (type, annotations), `horizontalPodAutoscaler` and
 * `podDisruptionBudget` (istiod creates those two only when the ConfigMap has them).
 *
 * Routes are HTTPRoutes ({@link addRoute}) and GRPCRoutes ({@link addGrpcRoute}), translated from the
 * same route model Istio's API writes; a backend in another namespace gets a ReferenceGrant there. The
 * Gateway API CRDs are a prerequisite ({@link GatewayApiCrds}).
 *
 * @example
 * const gw = new GatewayApiIngress(chart, 'bookinfo-gateway', {
 *   servers: [GatewayServer.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-tls', redirectHttp: true })],
 * });
 * gw.addRoute('bookinfo', { hosts: ['bookinfo.example.com'], rules: [{ backends: [{ host: 'productpage.bookinfo.svc.cluster.local', port: 9080 }] }] });
 */
export class GatewayApiIngress extends Construct {
  /** Name of the Gateway. */
  public readonly name: string;
  /** Namespace of the Gateway. */
  public readonly namespace: string;
  /** The resolved sizing. */
  public readonly sizing: ComponentSizing;
  /** The Gateway. */
  public readonly gateway: K8sGateway;
  /** The ConfigMap of deployment overlays the Gateway's `infrastructure.parametersRef` names. */
  public readonly parameters: ApiObject;
  /** Name of the Service istiod creates for the Gateway (`<name>-istio`). */
  public readonly serviceName: string;

  private readonly listeners: ListenerInfo[] = [];
  private readonly routeNamespaces = new Set<string>();

  constructor(scope: Construct, id: string, props: GatewayApiIngressProps) {
    super(scope, id);
    props = checkProps(this, props, 'GatewayApiIngressProps');
    const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkEnvironmentShape(this, 'environment', props.environment, 'profile');
    const nameFix = 'name the gateway with lowercase letters, digits and "-", starting with a letter, e.g. "ingress"';
    this.name = checkDnsLabel(this, 'name', props.name === undefined ? id : checkString(this, 'name', props.name, { fix: nameFix }), nameFix);
    // istiod appends "-istio" to the names of the objects it creates, which must stay DNS-1035 labels.
    if (!/^[a-z]/.test(this.name) || this.name.length > 57) {
      throw invalidInput(this, 'name', this.name, 'does not start with a letter or is longer than 57 characters (istiod names its Service "<name>-istio", a DNS-1035 label)', nameFix);
    }
    this.serviceName = `${this.name}-${GatewayApiCrds.ISTIO_GATEWAY_CLASS}`;
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace === undefined ? 'istio-ingress'
      : checkString(this, 'namespace', props.namespace, { fix: 'use e.g. "istio-ingress"' }), 'use e.g. "istio-ingress"');
    const overrides = props.sizing === undefined ? {} : checkOptions(this, 'sizing', props.sizing, 'SizingOverrides');
    this.sizing = resolveSizing(this, 'sizing', env.ingressGateway, overrides);
    const serviceType = props.serviceType === undefined ? GatewayServiceType.LOAD_BALANCER : checkEnum(this, 'serviceType', props.serviceType, GatewayServiceType, 'GatewayServiceType');
    const trafficPolicy = props.externalTrafficPolicy === undefined ? undefined
      : checkEnum(this, 'externalTrafficPolicy', props.externalTrafficPolicy, ExternalTrafficPolicy, 'ExternalTrafficPolicy');
    if (trafficPolicy !== undefined && serviceType === GatewayServiceType.CLUSTER_IP) {
      throw invalidInput(this, 'externalTrafficPolicy', trafficPolicy, 'only applies to LoadBalancer and NodePort Services (Kubernetes rejects it on ClusterIP)',
        'drop it or use serviceType LOAD_BALANCER / NODE_PORT');
    }
    const annotations = props.serviceAnnotations === undefined ? undefined
      : checkStringMap(this, 'serviceAnnotations', props.serviceAnnotations, { fix: 'give annotations such as { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" }' });
    const createNamespace = props.createNamespace === undefined ? true : checkBoolean(this, 'createNamespace', props.createNamespace);
    const controlPlane = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'pass the MeshControlPlane construct that serves the gateway');
    if (Array.isArray(props.servers) && props.servers.length === 0) {
      throw invalidInput(this, 'servers', props.servers, 'is empty: a Gateway needs at least one listener', 'pass servers: [GatewayServer.https({...})]');
    }
    const servers = checkArray(this, 'servers', props.servers, (s, f) => checkInstance(this, f, s, GatewayServer, 'build servers with GatewayServer.http() or .https()'),
      { fix: 'pass servers: [GatewayServer.https({...})]' });

    if (createNamespace && !indexedIn<MeshNamespace>(Chart.of(this), IndexedKind.MESH_NAMESPACE).some((c) => c.name === this.namespace)) {
      new MeshNamespace(this, 'Namespace', { name: this.namespace, ...(controlPlane ? { controlPlane } : {}) });
    }

    // Listeners: one per server entry and host (a listener has one hostname).
    const taken = new Set<string>();
    const redirects: ListenerInfo[] = [];
    const rendered: { entry: RenderedServer; field: string }[] = [];
    servers.forEach((server, i) => {
      for (const entry of server._render(this, `servers[${i}]`, (n) => (taken.has(n) ? false : (taken.add(n), true)))) {
        rendered.push({ entry, field: `servers[${i}]` });
      }
    });
    const specs: GatewaySpecListeners[] = [];
    const usedNames = new Set<string>();
    for (const { entry, field } of rendered) {
      const s = entry.spec;
      if (entry.protocol === 'TLS') {
        throw invalidInput(this, field, 'tlsPassthrough', 'cannot be written as a Gateway API listener: TLS passthrough needs TLSRoute, which is not in the Gateway API v1.5 standard channel',
          'keep passthrough hosts on an IngressGateway (Istio\'s API)');
      }
      const tls = s.tls ?? {};
      for (const key of ['serverCertificate', 'minProtocolVersion', 'maxProtocolVersion', 'subjectAltNames', 'caCertCredentialName'] as const) {
        if ((tls as Record<string, unknown>)[key] !== undefined) {
          throw invalidInput(this, `${field}.${key === 'serverCertificate' ? 'certificateFiles' : key}`, (tls as Record<string, unknown>)[key],
            'cannot be written as a Gateway API listener (the v1.5 standard channel has certificate Secrets only, no mounted files, TLS versions or client validation)',
            'use credentialName, or keep this server on an IngressGateway (Istio\'s API)');
        }
      }
      if (entry.protocol === 'HTTPS' && String(tls.mode) !== 'SIMPLE') {
        throw invalidInput(this, `${field}.mode`, tls.mode, 'cannot be written as a Gateway API listener: client certificate validation is not in the v1.5 standard channel',
          'use ServerTlsMode.SIMPLE, or keep this server on an IngressGateway (Istio\'s API)');
      }
      for (const h of entry.hosts) {
        if (h.namespace !== undefined) {
          throw invalidInput(this, `${field}.hosts`, `${h.namespace}/${h.dnsName}`, 'has a namespace part, which Gateway API expresses with allowedRoutes, not per host',
            `give "${h.dnsName}"; the gateway admits the routes added with addRoute from their namespaces`);
        }
        const base = entry.hosts.length === 1 ? s.port.name : `${s.port.name}-${listenerSuffix(h.dnsName)}`;
        let name = base.slice(0, 63).replace(/-+$/, '');
        for (let n = 2; usedNames.has(name); n++) name = `${base.slice(0, 58)}-${n}`;
        usedNames.add(name);
        const hostname = h.dnsName === '*' ? undefined : h.dnsName;
        const listener: ListenerInfo = { name, port: s.port.number, protocol: entry.protocol, redirect: tls.httpsRedirect === true, ...(hostname ? { hostname } : {}) };
        this.listeners.push(listener);
        if (tls.httpsRedirect) redirects.push(listener);
        specs.push({
          name,
          port: s.port.number,
          protocol: entry.protocol,
          ...(hostname ? { hostname } : {}),
          ...(entry.protocol === 'HTTPS' ? {
            tls: {
              mode: GatewaySpecListenersTlsMode.TERMINATE,
              certificateRefs: (tls.credentialNames ?? [tls.credentialName!]).map((secret) => ({ kind: 'Secret', name: secret })),
            },
          } : {}),
        });
      }
    }

    const optionsName = `${this.name}-options`;
    this.parameters = new ApiObject(this, 'Parameters', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: optionsName, namespace: this.namespace },
      data: this.overlays(serviceType, trafficPolicy, annotations),
    });
    this.gateway = new K8sGateway(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace, ...(controlPlane?.injectionRevision ? { labels: { 'istio.io/rev': controlPlane.injectionRevision } } : {}) },
      spec: Lazy.any({ produce: () => this.toGatewaySpec(specs) }) as unknown as K8sGatewaySpec,
    });

    for (const listener of redirects) {
      new HttpRoute(this, `Redirect-${listener.name}`, {
        metadata: { name: `${this.name}-${listener.name}-redirect`.slice(0, 253), namespace: this.namespace },
        spec: {
          parentRefs: [{ name: this.name, sectionName: listener.name }],
          rules: [{
            filters: [{
              type: HttpRouteSpecRulesFiltersType.REQUEST_REDIRECT,
              requestRedirect: { scheme: HttpRouteSpecRulesFiltersRequestRedirectScheme.HTTPS, statusCode: HttpRouteSpecRulesFiltersRequestRedirectStatusCode.VALUE_301 },
            }],
          }],
        },
      });
    }
  }

  /** The listeners' names, ports, protocols and hostnames. */
  public get listenerNames(): string[] {
    return this.listeners.map((l) => l.name);
  }

  /**
   * Adds an HTTPRoute bound to this gateway's HTTP and HTTPS listeners (a listener that redirects to
   * HTTPS is left out): the rules' matches, relative weights and timeouts, translated as Istio's API
   * would route them. Every host must be one a listener serves.
   */
  public addRoute(id: string, options: GatewayApiRouteOptions): GatewayApiHttpRoute {
    return new GatewayApiHttpRoute(this, id, { ...checkOptions(this, `addRoute("${id}")`, options, 'GatewayApiRouteOptions'), gateway: this });
  }

  /** Adds a GRPCRoute bound to this gateway's HTTPS (and HTTP) listeners. */
  public addGrpcRoute(id: string, options: GatewayApiGrpcRouteOptions): GatewayApiGrpcRoute {
    return new GatewayApiGrpcRoute(this, id, { ...checkOptions(this, `addGrpcRoute("${id}")`, options, 'GatewayApiGrpcRouteOptions'), gateway: this });
  }

  /**
   * Admits routes of `namespace` to the listeners (`allowedRoutes`), for routes this construct does not
   * write: e.g. the HTTPRoute Flagger's Gateway API provider creates in the namespace of its Canary.
   * The routes added with {@link addRoute} admit their own namespaces.
   */
  public allowRoutesFrom(namespace: string): void {
    this.routeNamespaces.add(checkDnsLabel(this, 'allowRoutesFrom(namespace)',
      checkString(this, 'allowRoutesFrom(namespace)', namespace, { fix: 'give a namespace name such as "shop"' }), 'give a namespace name such as "shop"'));
  }

  /**
   * The listeners a route for `hosts` binds to (their names), checking each host is served.
   * @internal
   */
  public _bind(scope: IConstruct, field: string, hosts: readonly string[], routeNamespace: string): string[] {
    const serving = this.listeners.filter((l) => !l.redirect && (l.protocol === 'HTTP' || l.protocol === 'HTTPS'));
    for (const h of hosts) {
      if (!serving.some((l) => hostCovers(l.hostname, h))) {
        throw invalidInput(scope, field, h, `is not served by a listener of gateway ${this.namespace}/${this.name} (${serving.map((l) => `${l.name}: ${l.hostname ?? '*'}`).join(', ')})`,
          'add a server for the host to the gateway, or route a host it serves');
      }
    }
    this.routeNamespaces.add(routeNamespace);
    return serving.filter((l) => hosts.some((h) => hostCovers(l.hostname, h) || hostCovers(h, l.hostname ?? '*'))).map((l) => l.name);
  }

  private toGatewaySpec(listeners: readonly GatewaySpecListeners[]): K8sGatewaySpec {
    const others = [...this.routeNamespaces].filter((n) => n !== this.namespace).sort();
    const allowedRoutes = others.length === 0
      ? { namespaces: { from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SAME } }
      : {
        namespaces: {
          from: GatewaySpecListenersAllowedRoutesNamespacesFrom.SELECTOR,
          selector: { matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: [this.namespace, ...others] }] },
        },
      };
    return {
      gatewayClassName: GatewayApiCrds.ISTIO_GATEWAY_CLASS,
      infrastructure: { parametersRef: { group: '', kind: 'ConfigMap', name: `${this.name}-options` } },
      listeners: listeners.map((l) => ({ ...l, allowedRoutes })),
    };
  }

  /** The ConfigMap data: Istio's overlay keys, each a YAML strategic-merge patch. */
  private overlays(serviceType: GatewayServiceType, trafficPolicy: ExternalTrafficPolicy | undefined, annotations: { [key: string]: string } | undefined): { [key: string]: string } {
    const s = this.sizing;
    const affinity = podAntiAffinity(s, { [GATEWAY_NAME_LABEL]: this.name });
    const deployment = {
      spec: {
        ...(s.autoscaling ? {} : { replicas: s.replicas }),
        template: {
          spec: {
            ...(affinity ? { affinity } : {}),
            containers: [{ name: 'istio-proxy', resources: { requests: { ...s.resources.requests }, limits: { ...s.resources.limits } } }],
          },
        },
      },
    };
    const service = {
      ...(annotations ? { metadata: { annotations: sortedRecord(annotations) } } : {}),
      spec: { type: serviceType, ...(trafficPolicy ? { externalTrafficPolicy: trafficPolicy } : {}) },
    };
    const data: { [key: string]: string } = { deployment: stringify(deployment), service: stringify(service) };
    if (s.autoscaling) {
      data.horizontalPodAutoscaler = stringify({
        spec: {
          minReplicas: s.autoscaling.minReplicas,
          maxReplicas: s.autoscaling.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: s.autoscaling.targetCpuUtilizationPercent } } }],
        },
      });
    }
    if (s.podDisruptionBudget) {
      data.podDisruptionBudget = stringify({ spec: disruptionBudgetSpec(s.podDisruptionBudget) });
    }
    return data;
  }
}

/** Props of a {@link GatewayApiHttpRoute}. */
export interface GatewayApiHttpRouteProps extends GatewayApiRouteOptions {
  /** The gateway the route binds to. */
  readonly gateway: GatewayApiIngress;
}

/** Props of a {@link GatewayApiGrpcRoute}. */
export interface GatewayApiGrpcRouteProps extends GatewayApiGrpcRouteOptions {
  /** The gateway the route binds to. */
  readonly gateway: GatewayApiIngress;
}

/**
 * An HTTPRoute bound to a {@link GatewayApiIngress}: its rules are rendered as Istio `http[]` routes
 * first (the one route model of the library) and translated to Gateway API, so a feature Gateway API
 * cannot express fails with the field and the alternative.
 */
export class GatewayApiHttpRoute extends Construct {
  /** The HTTPRoute. */
  public readonly resource: HttpRoute;
  /** Name of the HTTPRoute. */
  public readonly name: string;
  /** Namespace of the HTTPRoute. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: GatewayApiHttpRouteProps) {
    super(scope, id);
    props = checkProps(this, props, 'GatewayApiHttpRouteProps');
    const gateway = checkInstance(this, 'gateway', props.gateway, GatewayApiIngress, 'create the route with gatewayApiIngress.addRoute(...)');
    this.name = routeName(this, props.name, id);
    this.namespace = routeNamespace(this, props.namespace, gateway);
    const hosts = routeHosts(this, props.hosts);
    const http: VirtualServiceSpecHttp[] = checkArray(this, 'rules', props.rules, (r, f) => renderRule(this, f, r),
      { minItems: 1, maxItems: 16, fix: 'give at least one rule, e.g. { backends: [{ host, port }] }' });
    const names = http.map((r) => r.name).filter((n): n is string => n !== undefined);
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) {
      throw invalidInput(this, 'rules', twice, 'names two rules (rule names are unique within a route)', 'give each rule its own name');
    }
    const rules: HttpRouteSpecRules[] = toHttpRouteRules(this, 'rules', http, {
      namespace: this.namespace,
      alternative: 'route this host through an IngressGateway (Istio\'s API)',
    });
    const sections = gateway._bind(this, 'hosts', hosts, this.namespace);
    const spec: HttpRouteSpec = {
      parentRefs: sections.map((sectionName) => ({ name: gateway.name, ...(this.namespace !== gateway.namespace ? { namespace: gateway.namespace } : {}), sectionName })),
      hostnames: [...hosts],
      rules,
    };
    this.resource = new HttpRoute(this, 'Resource', { metadata: { name: this.name, namespace: this.namespace }, spec });
    grantBackends(this, 'HTTPRoute', this.namespace, backendTargets(rules));
  }
}

/** A GRPCRoute bound to a {@link GatewayApiIngress}. */
export class GatewayApiGrpcRoute extends Construct {
  /** The GRPCRoute. */
  public readonly resource: GrpcRoute;
  /** Name of the GRPCRoute. */
  public readonly name: string;
  /** Namespace of the GRPCRoute. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: GatewayApiGrpcRouteProps) {
    super(scope, id);
    props = checkProps(this, props, 'GatewayApiGrpcRouteProps');
    const gateway = checkInstance(this, 'gateway', props.gateway, GatewayApiIngress, 'create the route with gatewayApiIngress.addGrpcRoute(...)');
    this.name = routeName(this, props.name, id);
    this.namespace = routeNamespace(this, props.namespace, gateway);
    const hosts = routeHosts(this, props.hosts);
    const grpcName = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;
    const service = props.grpcService === undefined ? undefined : checkString(this, 'grpcService', props.grpcService, { pattern: grpcName, fix: 'give the fully qualified service, e.g. "helloworld.Greeter"' });
    const method = props.grpcMethod === undefined ? undefined : checkString(this, 'grpcMethod', props.grpcMethod, { pattern: /^[A-Za-z_][A-Za-z0-9_]*$/, fix: 'give the method name, e.g. "SayHello"' });
    if (method !== undefined && service === undefined) {
      throw invalidInput(this, 'grpcMethod', method, 'is given without grpcService', 'name the service the method belongs to');
    }
    const route = renderRule(this, 'backends', { backends: props.backends });
    const [rule] = toHttpRouteRules(this, 'backends', [route], { namespace: this.namespace, alternative: 'route this service through an IngressGateway (Istio\'s API)' });
    const sections = gateway._bind(this, 'hosts', hosts, this.namespace);
    const spec: GrpcRouteSpec = {
      parentRefs: sections.map((sectionName) => ({ name: gateway.name, ...(this.namespace !== gateway.namespace ? { namespace: gateway.namespace } : {}), sectionName })),
      hostnames: [...hosts],
      rules: [{
        ...(service !== undefined ? { matches: [{ method: { type: GrpcRouteSpecRulesMatchesMethodType.EXACT, service, ...(method ? { method } : {}) } }] } : {}),
        backendRefs: (rule.backendRefs ?? []).map((b) => ({ name: b.name, ...(b.namespace ? { namespace: b.namespace } : {}), ...(b.port ? { port: b.port } : {}), ...(b.weight !== undefined ? { weight: b.weight } : {}) })),
      }],
    };
    this.resource = new GrpcRoute(this, 'Resource', { metadata: { name: this.name, namespace: this.namespace }, spec });
    grantBackends(this, 'GRPCRoute', this.namespace, backendTargets([rule]));
  }
}

function routeName(scope: IConstruct, name: unknown, id: string): string {
  return checkDnsLabel(scope, 'name', name === undefined ? id : checkString(scope, 'name', name, { fix: 'use e.g. "bookinfo"' }), 'use e.g. "bookinfo"');
}

function routeNamespace(scope: IConstruct, namespace: unknown, gateway: GatewayApiIngress): string {
  return namespace === undefined ? gateway.namespace
    : checkDnsLabel(scope, 'namespace', checkString(scope, 'namespace', namespace, { fix: 'use e.g. "bookinfo"' }), 'use e.g. "bookinfo"');
}

function routeHosts(scope: IConstruct, value: unknown): string[] {
  const fix = 'list the hostnames to route, e.g. ["bookinfo.example.com"]';
  if (Array.isArray(value) && value.length === 0) {
    throw invalidInput(scope, 'hosts', value, 'is empty', fix);
  }
  const hosts = checkArray(scope, 'hosts', value, (h, f) => checkHostParts(scope, f, checkHostname(scope, f, h), false), { maxItems: 16, fix });
  for (const [i, h] of hosts.entries()) {
    if (h === '*' || h.includes('/')) {
      throw invalidInput(scope, `hosts[${i}]`, h, 'is not a Gateway API hostname (a DNS name, optionally with a leading "*.")', fix);
    }
    if (hosts.findIndex((o) => o.toLowerCase() === h.toLowerCase()) !== i) {
      throw invalidInput(scope, 'hosts', h, 'is listed twice', 'list each host once');
    }
  }
  return hosts.map((h) => h.toLowerCase());
}

/** One rule's options rendered as an Istio `http[]` route, the input of the translation. */
function renderRule(scope: IConstruct, field: string, value: unknown): VirtualServiceSpecHttp {
  const rule = checkOptions(scope, field, value as GatewayApiRouteRule, 'GatewayApiRouteRule');
  const matches = rule.matches === undefined ? [] : checkArray(scope, `${field}.matches`, rule.matches,
    (m, f) => checkInstance(scope, f, m, HttpMatch, 'use HttpMatch.uriPrefix(), HttpMatch.header() and the like')._render(scope, f),
    { minItems: 1, maxItems: 64, fix: 'list at least one HttpMatch, or leave matches out' });
  const backends = checkArray(scope, `${field}.backends`, rule.backends, (b, f) => {
    const backend = checkOptions(scope, f, b as GatewayApiBackend, 'GatewayApiBackend');
    const host = checkHostParts(scope, `${f}.host`, checkHostname(scope, `${f}.host`, backend.host));
    const port = checkPort(scope, `${f}.port`, backend.port);
    const weight = backend.weight === undefined ? undefined : checkInteger(scope, `${f}.weight`, backend.weight, { minimum: 0, maximum: 1000000, fix: 'give a relative weight from 0 to 1000000' });
    return { destination: { host, port: { number: port } }, ...(weight !== undefined ? { weight } : { weight: 1 }) };
  }, { minItems: 1, maxItems: 16, fix: 'give at least one backend, e.g. [{ host: "productpage.bookinfo.svc.cluster.local", port: 9080 }]' });
  if (backends.length > 1 && backends.every((b) => b.weight === 0)) {
    throw invalidInput(scope, `${field}.backends`, backends.map((b) => b.weight), 'are all 0, so the rule sends every request nowhere (ISTIO-RULES V1)', 'give at least one backend a weight above 0');
  }
  const name = rule.name === undefined ? undefined : checkString(scope, `${field}.name`, rule.name, { fix: 'use e.g. "reviews-canary"' });
  if (name !== undefined && !isDnsLabel(name)) {
    throw invalidInput(scope, `${field}.name`, name, 'is not a rule name (lowercase letters, digits and "-", at most 63 characters)', 'use e.g. "reviews-canary"');
  }
  const timeout = rule.timeout === undefined ? undefined : istioDuration(scope, `${field}.timeout`, rule.timeout);
  return {
    ...(name ? { name } : {}),
    ...(matches.length ? { match: matches } : {}),
    route: backends.length === 1 ? [{ destination: backends[0].destination }] : backends,
    ...(timeout ? { timeout } : {}),
  };
}

/**
 * ReferenceGrants for routes of `fromNamespace` whose backends are in other namespaces: one per
 * (route kind, route namespace, backend namespace) in the chart, listing exactly the Services routed to.
 */
function grantBackends(scope: IConstruct, kind: 'HTTPRoute' | 'GRPCRoute', fromNamespace: string, targets: readonly BackendTarget[]): void {
  const chart = Chart.of(scope);
  for (const target of targets) {
    if (target.namespace === undefined || target.namespace === fromNamespace || target.kind !== undefined) continue;
    const id = `gateway-api-grant-${kind.toLowerCase()}-${fromNamespace}-to-${target.namespace}`;
    const grant = (chart.node.tryFindChild(id) as ReferenceGrantSet | undefined) ?? new ReferenceGrantSet(chart, id, kind, fromNamespace, target.namespace);
    grant.services.add(target.name);
  }
}

/** A ReferenceGrant that lets routes of one namespace use the named Services of another. */
class ReferenceGrantSet extends Construct {
  public readonly services = new Set<string>();
  constructor(scope: Construct, id: string, kind: string, fromNamespace: string, toNamespace: string) {
    super(scope, id);
    new ReferenceGrant(this, 'Resource', {
      metadata: { name: `${kind.toLowerCase()}s-from-${fromNamespace}`.slice(0, 253), namespace: toNamespace },
      spec: Lazy.any({
        produce: () => ({
          from: [{ group: 'gateway.networking.k8s.io', kind, namespace: fromNamespace }],
          to: [...this.services].sort().map((name) => ({ group: '', kind: 'Service', name })),
        }),
      }) as any,
    });
  }
}

/** Whether a listener hostname (undefined: any) covers a route hostname. */
function hostCovers(listener: string | undefined, host: string): boolean {
  if (listener === undefined || listener === '*') return true;
  const l = listener.toLowerCase();
  const h = host.toLowerCase();
  if (l === h) return true;
  if (l.startsWith('*.')) return h.endsWith(l.slice(1)) && !h.slice(0, h.length - l.length + 1).includes('*');
  return false;
}

/** A listener-name suffix from a hostname. */
function listenerSuffix(host: string): string {
  return host.replace(/^\*\./, 'wildcard-').replace(/[^a-z0-9-]/g, '-');
}

/** The error for an IngressGateway in a chart that writes Gateway API. @internal */
export function gatewayApiIngressRequired(path: string): string {
  return formatInputError(path, 'trafficApi', 'gateway-api',
    'is the chart\'s traffic API, but an IngressGateway writes Istio\'s Gateway and VirtualServices',
    'create a GatewayApiIngress for a Gateway API ingress, or give this IngressGateway trafficApi: TrafficApi.ISTIO');
}
