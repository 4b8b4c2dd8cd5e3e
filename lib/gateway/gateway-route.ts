import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { IngressGateway } from './ingress-gateway';
import {
  VirtualService, VirtualServiceSpec, VirtualServiceSpecHttp, VirtualServiceSpecTls,
} from '../../imports/networking.istio.io';
import { istioDuration } from '../core/duration';
import { formatInputError, invalidInput } from '../core/errors';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkOptions, checkProps, checkString, describeType } from '../core/input';
import { checkHostname, parseServiceHost } from '../core/hostnames';
import { checkDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { checkHostParts, checkServiceHost, checkSubsetName } from '../traffic/checks';
import { canonicalHost } from '../traffic/mesh-routes';
import { Subset } from '../traffic/subset';
import { hostNamespace, TrafficHost, trafficNamespace } from '../traffic/traffic-host';
import { frozenCopy } from '../core/records';
import { MeshChart } from '../mesh-chart';
import { checkHttpRoute, HttpRouteOptions, qualifiedHost, renderHttpRoute, RouteDestinationModel } from '../traffic/http-route';

/** Which servers of the gateway a route is for. */
export enum GatewayRouteKind {
  /** HTTP routing of requests on the gateway's HTTP and HTTPS servers (`http` routes). */
  HTTP = 'http',
  /** SNI routing of connections on TLS passthrough servers (`tls` routes). */
  TLS_PASSTHROUGH = 'tls',
}

/** Where a route sends traffic. */
export interface GatewayRouteDestination {
  /**
   * Service host: `productpage.bookinfo.svc.cluster.local`, or a short name (`productpage`) resolved in
   * the destination's namespace (see `namespace`), never in the gateway's. The VirtualService names the
   * fully qualified host, so the route goes to the same Service wherever the VirtualService lives.
   */
  readonly host: string;
  /**
   * Namespace of the destination Service, for a short `host`.
   * @default the namespace a qualified host names, else that of the subset's workload
   *   (`Subset.fromWorkload`), else the route's `namespace` when given, else the chart's
   */
  readonly namespace?: string;
  /**
   * Service port.
   * @default the service's only port (required by Istio when the service has several)
   */
  readonly port?: number;
  /**
   * Subset of the host, defined here: it is added to the host's shared DestinationRule (see
   * `TrafficHost`). For a subset another construct (or object) defines, give `subsetName` instead.
   *
   * When the host has mesh routes to subsets (a `CanaryRelease`, a `HostRoutes` route with `to`), give
   * a subset or `applyHostRoutes`: those routes live in the host's mesh-bound VirtualService, which a
   * gateway does not apply, so a route with neither would send ingress traffic to every version and
   * ignore the canary's weights and `routeToCanaryWhen` (an error at synth).
   * @default the whole host, no subset
   */
  readonly subset?: Subset;
  /**
   * The name of a subset of the host that another construct (or object) defines. The analyzer reports
   * a subset no DestinationRule of the host defines (IST0101, an error: requests would fail with 503).
   * Excludes `subset`.
   * @default the whole host, no subset
   */
  readonly subsetName?: string;
}

/** Options of {@link IngressGateway.addRoute}. */
export interface GatewayRouteOptions {
  /**
   * Hosts routed; each should be served by a server of the gateway for this kind of route (the
   * analyzer warns otherwise: IST0132, CDK8S-ISTIO-010).
   */
  readonly hosts: string[];
  /**
   * Where the traffic goes; with `routes`, where a route sends when it names no destination host (and
   * the host whose subsets a route's `to` picks, and whose namespace resolves a short host a route names).
   */
  readonly destination: GatewayRouteDestination;
  /**
   * HTTP or TLS-passthrough routing.
   * @default GatewayRouteKind.HTTP
   */
  readonly kind?: GatewayRouteKind;
  /**
   * Name of the VirtualService.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace of the VirtualService.
   * @default the gateway's namespace
   */
  readonly namespace?: string;
  /**
   * Only requests whose path starts with this prefix (HTTP routes).
   * @default every path
   */
  readonly pathPrefix?: string;
  /**
   * Request timeout (HTTP routes).
   * @default none (Istio's default: no timeout)
   */
  readonly timeout?: Duration;
  /**
   * Apply the destination host's mesh HTTP routes at the gateway too (HTTP routes, no
   * `destination.subset`): the VirtualService gets a copy of the routes that `CanaryRelease` and
   * `HostRoutes` wrote for the host — the canary's `routeToCanaryWhen` route and its weighted split,
   * timeouts, retries and faults — sending to the destination (and `destination.port`). A mesh
   * VirtualService is bound to `mesh` only, so without this ingress traffic would skip them. Copied at
   * synth, so constructs added later count. `pathPrefix` is added to every match (a mesh route that
   * matches on the URI itself is an error), `timeout` applies to routes without their own (a different
   * one is an error), and when the host has no default route, one to the whole host comes last.
   * @default false: one route to the destination
   */
  readonly applyHostRoutes?: boolean;
  /**
   * HTTP routes with Istio's full model, tried in order: several matches per route (exact, prefix and
   * regex URIs, headers, methods, query parameters, ports), weighted destinations, rewrites,
   * redirects, direct responses, header changes, CORS, mirrors, retries, timeouts and faults. A
   * destination that names no host goes to `destination` (its host, namespace and port; a route's
   * `to` picks a subset of it). A route without `match` is the default and must come last. Excludes
   * `pathPrefix`, `timeout`, `applyHostRoutes` and `destination.subset` / `subsetName` (each route
   * says where it goes). HTTP routes only.
   * @default one route to `destination`, scoped by `pathPrefix`
   */
  readonly routes?: HttpRouteOptions[];
}

/** Props of a {@link GatewayRoute}. */
export interface GatewayRouteProps extends GatewayRouteOptions {
  /** The gateway the VirtualService binds to. */
  readonly gateway: IngressGateway;
}


/**
 * A `networking.istio.io/v1` VirtualService bound to one gateway (`gateways: [<ns>/<name>]`) that routes
 * its hosts to one destination. Every host should be served by a server of the gateway of the matching
 * kind (HTTP/HTTPS for HTTP routes, TLS passthrough for passthrough routes), else the route never
 * receives traffic: the analyzer (`MeshAnalyzer`, run by `MeshApp`) reads the Gateway object as
 * synthesized and warns (IST0132, CDK8S-ISTIO-010), so servers added later, and escape hatches, count.
 *
 * The VirtualService is bound to the gateway only, and a host's mesh VirtualService (`CanaryRelease`
 * weights and matches, `HostRoutes`) to `mesh` only, so the gateway does not apply the host's routes by
 * itself. For a host with routes to subsets, give `applyHostRoutes: true` (the gateway route copies the
 * host's routes, so ingress traffic follows the canary), or a `destination.subset` pinning ingress
 * traffic to one version; with neither the synth fails, since ingress traffic would reach every
 * version whatever the weights.
 */
export class GatewayRoute extends Construct {
  /** The VirtualService. */
  public readonly resource: VirtualService;
  /** Name of the VirtualService. */
  public readonly name: string;
  /** Namespace of the VirtualService. */
  public readonly namespace: string;
  /** Routed hosts. */
  public readonly hosts: string[];
  /** The destination host as the VirtualService names it (fully qualified for a cluster Service). */
  public readonly destinationHost: string;

  private readonly spec: VirtualServiceSpec;
  /** With `applyHostRoutes`: the canonical destination host, whose mesh routes are copied at synth. */
  private readonly appliedHost?: string;
  private readonly destinationPort?: number;
  private readonly pathPrefix?: string;
  private readonly timeout?: string;

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    props = checkProps(this, props, 'GatewayRouteProps');
    const gateway = checkInstance(this, 'gateway', props.gateway, IngressGateway, 'create the route with ingressGateway.addRoute(...)');
    this.name = checkDnsLabel(this, 'name', props.name === undefined ? id : checkString(this, 'name', props.name, { fix: 'use e.g. "bookinfo"' }), 'use e.g. "bookinfo"');
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace === undefined ? gateway.namespace
      : checkString(this, 'namespace', props.namespace, { fix: 'use e.g. "bookinfo"' }), 'use e.g. "bookinfo"');
    const kind = props.kind === undefined ? GatewayRouteKind.HTTP : checkEnum(this, 'kind', props.kind, GatewayRouteKind, 'GatewayRouteKind');
    const hostsFix = 'list the hosts to route, e.g. ["bookinfo.example.com"]';
    if (Array.isArray(props.hosts) && props.hosts.length === 0) {
      throw invalidInput(this, 'hosts', props.hosts, 'is empty', hostsFix);
    }
    const hosts = checkArray(this, 'hosts', props.hosts, (h, f) => checkHostParts(this, f, checkHostname(this, f, h), false), { fix: hostsFix });
    const dup = hosts.find((h, i) => hosts.findIndex((o) => o.toLowerCase() === h.toLowerCase()) !== i);
    if (dup) {
      throw invalidInput(this, 'hosts', dup, 'is listed twice (ISTIO-RULES V6)', 'list each host once');
    }
    this.hosts = frozenCopy(hosts);
    const dest = checkOptions(this, 'destination', props.destination, 'GatewayRouteDestination');
    checkServiceHost(this, 'destination.host',
      checkString(this, 'destination.host', dest.host, { fix: 'name the service, e.g. "productpage.bookinfo.svc.cluster.local"' }), false);
    if (dest.namespace !== undefined) {
      checkString(this, 'destination.namespace', dest.namespace, { fix: 'give a namespace name such as "bookinfo"' });
    }
    const port = dest.port !== undefined ? { port: { number: checkPort(this, 'destination.port', dest.port) } } : {};
    if (dest.subset !== undefined && !(dest.subset instanceof Subset)) {
      throw invalidInput(this, 'destination.subset', dest.subset, `is ${describeType(dest.subset)}, not a Subset`,
        typeof dest.subset === 'string' ? `give subsetName: ${JSON.stringify(dest.subset)} for a subset defined elsewhere` : 'give Subset.fromLabels(...) or Subset.fromWorkload(...)');
    }
    if (dest.subset !== undefined && dest.subsetName !== undefined) {
      throw invalidInput(this, 'destination.subsetName', dest.subsetName, 'is given together with destination.subset',
        'give one: subset defines the subset here, subsetName names one defined elsewhere');
    }
    if (dest.subsetName !== undefined) {
      checkSubsetName(this, 'destination.subsetName', checkString(this, 'destination.subsetName', dest.subsetName, { fix: 'name the subset like "v1"' }));
    }
    const subsetName = dest.subset instanceof Subset ? dest.subset._check(this, 'destination.subset').name : dest.subsetName;
    const applyHostRoutes = props.applyHostRoutes === undefined ? false : checkBoolean(this, 'applyHostRoutes', props.applyHostRoutes);
    if (applyHostRoutes && kind !== GatewayRouteKind.HTTP) {
      throw invalidInput(this, 'applyHostRoutes', true, 'applies to HTTP routes only; a passthrough route cannot see requests',
        'drop it, or terminate TLS with an HTTPS server and an HTTP route');
    }
    if (applyHostRoutes && subsetName !== undefined) {
      throw invalidInput(this, 'applyHostRoutes', true, `is set together with destination.subset ${JSON.stringify(subsetName)}; the host's routes pick the subsets`,
        'give one of them: the subset pins every request to one version, applyHostRoutes follows the canary');
    }

    if (props.routes !== undefined) {
      const other = (['pathPrefix', 'timeout', 'applyHostRoutes'] as const).find((k) => props[k] !== undefined);
      if (kind !== GatewayRouteKind.HTTP) {
        throw invalidInput(this, 'routes', `${kind} route`, 'are HTTP routes; a passthrough route sees encrypted bytes', 'drop routes, or terminate TLS with an HTTPS server and an HTTP route');
      }
      if (other) {
        throw invalidInput(this, other, props[other] instanceof Duration ? `${(props[other] as Duration).toMilliseconds()}ms` : props[other],
          'is set together with routes, which say what every route does', `drop ${other}: give each route its match${other === 'timeout' ? ' and timeout' : ''}`);
      }
      if (subsetName !== undefined) {
        throw invalidInput(this, dest.subset !== undefined ? 'destination.subset' : 'destination.subsetName', subsetName, 'is set together with routes',
          'pick the subset in each route (to: Subset.named(...), or destinations)');
      }
    }
    const http: { -readonly [K in keyof VirtualServiceSpecHttp]: VirtualServiceSpecHttp[K] } = {};
    if (kind === GatewayRouteKind.HTTP) {
      if (props.pathPrefix !== undefined) {
        checkString(this, 'pathPrefix', props.pathPrefix, { fix: 'start it with "/", e.g. "/productpage"' });
        if (!props.pathPrefix.startsWith('/')) {
          throw invalidInput(this, 'pathPrefix', props.pathPrefix, 'is not a path prefix', 'start it with "/", e.g. "/productpage"');
        }
        http.match = [{ uri: { prefix: props.pathPrefix } }];
      }
      if (props.timeout !== undefined) {
        http.timeout = istioDuration(this, 'timeout', props.timeout);
      }
    } else if (props.pathPrefix !== undefined || props.timeout !== undefined) {
      throw invalidInput(this, props.pathPrefix !== undefined ? 'pathPrefix' : 'timeout', props.pathPrefix ?? props.timeout,
        'applies to HTTP routes only; a passthrough route sees encrypted bytes', 'drop it, or terminate TLS with an HTTPS server and an HTTP route');
    }

    // The destination's namespace (never the gateway's) decides what a short host means.
    const implied = hostNamespace(dest.host) ?? (dest.subset instanceof Subset ? dest.subset.workloadNamespace : undefined);
    if (dest.namespace !== undefined && implied !== undefined && dest.namespace !== implied) {
      throw invalidInput(this, 'destination.namespace', dest.namespace, `differs from the namespace of the destination (${JSON.stringify(implied)})`,
        `leave destination.namespace out or set it to "${implied}"`);
    }
    const destNamespace = trafficNamespace(this, dest.host, dest.namespace ?? (implied === undefined ? props.namespace : undefined),
      [{ field: 'destination.subset', subset: dest.subset }]);
    this.destinationHost = parseServiceHost(dest.host, destNamespace)?.fqdn ?? dest.host;
    if (dest.subset instanceof Subset) {
      // The subset belongs to the host's shared DestinationRule.
      TrafficHost.of(this, dest.host, destNamespace)._addSubset(this, dest.subset, 'destination.subset');
    }
    const destination = { host: this.destinationHost, ...port, ...(subsetName !== undefined ? { subset: subsetName } : {}) };
    /** Canonical hosts the routes send to without a subset (bypassing the host's mesh subset routes). */
    const wholeHosts = new Set<string>();
    if (props.routes !== undefined) {
      const env = MeshChart.environmentOf(this);
      const routes = checkArray(this, 'routes', props.routes, (item) => item, { minItems: 1, fix: 'give at least one route, or leave routes out' });
      const models = routes.map((item, i) => {
        const field = `routes[${i}]`;
        const c = checkHttpRoute(this, field, item as HttpRouteOptions, env);
        if (c.catchAll && i < routes.length - 1) {
          throw invalidInput(this, `${field}.match`, undefined, `is missing, so this default route takes every request and routes[${i + 1}..] can never match (IST0130)`,
            'move the default route to the end, or give it a match');
        }
        for (const d of c.definitions) {
          const target = d.host === undefined ? TrafficHost.of(this, dest.host, destNamespace)
            : TrafficHost._of(this, d.host, hostNamespace(d.host) === undefined && d.subset.workloadNamespace === undefined ? destNamespace : undefined, [{ field: d.field, subset: d.subset }]);
          target._addSubset(this, d.subset, d.field);
        }
        // Short hosts a route names resolve where the destination is, wherever this VirtualService lives.
        const q = (d: RouteDestinationModel): RouteDestinationModel => (d.host === undefined ? d : { ...d, host: qualifiedHost(d.host, destNamespace) });
        const model = { ...c.model, destinations: c.model.destinations.map(q), ...(c.model.mirror ? { mirror: q(c.model.mirror) } : {}) };
        for (const d of model.destinations) {
          if (d.subset === undefined) wholeHosts.add(canonicalHost(d.host ?? this.destinationHost, destNamespace));
        }
        return model;
      });
      this.spec = { hosts: [...hosts], gateways: [gateway.gatewayRef], http: models.map((m) => renderHttpRoute(m, { host: this.destinationHost, port: dest.port })) };
    } else if (kind === GatewayRouteKind.HTTP) {
      this.spec = { hosts: [...hosts], gateways: [gateway.gatewayRef], http: [{ ...http, route: [{ destination }] }] };
    } else {
      const tls: VirtualServiceSpecTls = { match: [{ sniHosts: [...hosts] }], route: [{ destination }] };
      this.spec = { hosts: [...hosts], gateways: [gateway.gatewayRef], tls: [tls] };
    }

    this.resource = new VirtualService(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as VirtualServiceSpec,
    });
    const canonical = canonicalHost(this.destinationHost, destNamespace);
    if (applyHostRoutes) {
      this.appliedHost = canonical;
      this.destinationPort = dest.port;
      this.pathPrefix = props.pathPrefix;
      this.timeout = http.timeout;
      this.node.addValidation({ validate: () => this.unappliableHostRoutes() });
    } else if (props.routes !== undefined) {
      this.node.addValidation({ validate: () => [...wholeHosts].flatMap((h) => this.bypassedMeshRoutes(h, true)) });
    } else if (subsetName === undefined) {
      this.node.addValidation({ validate: () => this.bypassedMeshRoutes(canonical) });
    }
  }

  /** The VirtualService spec (a copy); with `applyHostRoutes`, the host's mesh routes as they are now. */
  public toSpec(): VirtualServiceSpec {
    const spec = JSON.parse(JSON.stringify(this.spec)) as VirtualServiceSpec;
    const applied = this.appliedRoutes();
    return applied ? { ...spec, http: applied } : spec;
  }

  /** The TrafficHost whose routes `applyHostRoutes` copies, if it has any. */
  private appliedTrafficHost(): TrafficHost | undefined {
    return this.appliedHost === undefined ? undefined : TrafficHost._ofCanonicalHost(this, this.appliedHost).find((h) => h._hasRoutes);
  }

  /** The host's routes as this gateway route applies them (never throws: conflicts are reported by validation). */
  private appliedRoutes(): VirtualServiceSpecHttp[] | undefined {
    const host = this.appliedTrafficHost();
    if (!host) {
      return undefined;
    }
    const prefix = this.pathPrefix === undefined ? undefined : { prefix: this.pathPrefix };
    const rendered = host._renderHttpRoutes(this.destinationHost, this.destinationPort, true);
    const routes: VirtualServiceSpecHttp[] = rendered.map(({ name, match, ...rest }) => {
      const scoped = match ? match.map((m) => (prefix && !m.uri ? { ...m, uri: prefix } : m)) : (prefix ? [{ uri: prefix }] : undefined);
      return { ...(name ? { name } : {}), ...(scoped ? { match: scoped } : {}), ...rest, ...(this.timeout && !rest.timeout ? { timeout: this.timeout } : {}) };
    });
    if (rendered.every((r) => r.match !== undefined)) {
      // No default route among the host's: requests no route matches go to the whole host, as without applyHostRoutes.
      routes.push(...(JSON.parse(JSON.stringify(this.spec.http ?? [])) as VirtualServiceSpecHttp[]));
    }
    return routes;
  }

  /** Conflicts between this route's options and the host's routes it applies. */
  private unappliableHostRoutes(): string[] {
    const host = this.appliedTrafficHost();
    if (!host) {
      return [formatInputError('', 'applyHostRoutes', true, `finds no mesh routes for host ${this.destinationHost} (no CanaryRelease or HostRoutes routes it in this chart)`,
        'drop applyHostRoutes, or add the CanaryRelease / HostRoutes for the host')];
    }
    const errors: string[] = [];
    for (const r of host._renderHttpRoutes(this.destinationHost)) {
      const label = r.name ? `route "${r.name}"` : 'a route';
      if (this.pathPrefix !== undefined && (r.match ?? []).some((m) => m.uri !== undefined)) {
        errors.push(formatInputError('', 'pathPrefix', this.pathPrefix, `cannot be added to ${label} of host ${this.destinationHost}, which matches on the URI itself`,
          'drop pathPrefix, or give the gateway route no applyHostRoutes'));
      }
      if (this.timeout !== undefined && r.timeout !== undefined && r.timeout !== this.timeout) {
        errors.push(formatInputError('', 'timeout', this.timeout, `conflicts with the timeout ${JSON.stringify(r.timeout)} of ${label} of host ${this.destinationHost}`,
          'drop the gateway route\'s timeout, or set the same one'));
      }
    }
    return errors;
  }

  /**
   * A gateway route is bound to its gateway only, and a host's mesh VirtualService (a CanaryRelease's
   * weighted and match routes) is bound to `mesh` only: a gateway route to the host without a subset
   * sends every request to the whole Service, ignoring the weights. Refused unless the route applies
   * the host's routes or a subset says which version ingress traffic is for.
   */
  private bypassedMeshRoutes(canonical: string, routes = false): string[] {
    const owners = TrafficHost._ofCanonicalHost(this, canonical).flatMap((h) => h._subsetRoutes());
    if (owners.length === 0) {
      return [];
    }
    const names = [...new Set(owners.map((o) => `${o.owner.node.path} (${o.field})`))].join(', ');
    if (routes) {
      return [formatInputError('', 'routes', canonical,
        `send to the whole host without a subset while it has mesh routes to subsets from ${names}: those routes apply to sidecars only (gateways: mesh), `
        + 'so ingress traffic would reach every version of the Service, ignoring the canary weights and matches',
        'name a subset in every route to the host (to: Subset.named("v1"), or weighted destinations with subsets)')];
    }
    return [formatInputError('', 'destination.subset', undefined,
      `is missing while host ${this.destinationHost} has mesh routes to subsets from ${names}: those routes apply to sidecars only (gateways: mesh), `
      + 'so this gateway route would send ingress traffic to every version of the Service, ignoring the canary weights and matches',
      'set applyHostRoutes: true so the gateway applies the host\'s routes too, or give destination.subset (e.g. the stable subset) to pin ingress traffic to one version')];
  }
}
