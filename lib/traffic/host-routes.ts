import { Construct, IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkArray, checkInstance, checkOptions, checkProps, checkString } from '../core/input';
import { checkSelectorLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { MeshChart } from '../mesh-chart';
import { checkHostname } from '../core/hostnames';
import { checkServiceHost } from './checks';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { TrafficApi, trafficApiFor } from '../gateway/gateway-api';
import { gatewayApiHostRoute } from './gateway-api-routes';
import { checkHttpRoute, checkRouteDestinations, HttpRouteOptions, renderHttpRoute, RouteDestination, RouteDestinationModel, RouteSubsetDefinition } from './http-route';
import { canonicalHost } from './mesh-routes';
import { Subset } from './subset';
import { HostL4Route, hostNamespace, TrafficHost } from './traffic-host';

const CIDR = /^(([0-9]{1,3}\.){3}[0-9]{1,3}(\/([0-9]|[12][0-9]|3[0-2]))?|[0-9a-fA-F:]*:[0-9a-fA-F:.]*(\/([0-9]|[1-9][0-9]|1[01][0-9]|12[0-8]))?)$/;

/**
 * Checks a TCP or TLS route and returns it with the subsets it defines.
 * @internal
 */
export function checkL4Route(scope: IConstruct, field: string, options: TcpRouteOptions | TlsRouteOptions, kind: 'tcp' | 'tls', host: string):
{ route: HostL4Route; definitions: RouteSubsetDefinition[]; catchAll: boolean } {
  const r = checkOptions(scope, field, options, kind === 'tcp' ? 'TcpRouteOptions' : 'TlsRouteOptions');
  const definitions: RouteSubsetDefinition[] = [];
  const subsetOf = (value: unknown, sf: string, h: string | undefined): string => {
    const subset = checkInstance(scope, sf, value, Subset, 'use Subset.named("v1") for a subset defined elsewhere, or Subset.fromLabels() / Subset.fromWorkload()');
    const { name } = subset._check(scope, sf);
    if (!subset.isReference) definitions.push({ host: h, subset, field: sf });
    return name;
  };
  if (r.to !== undefined && r.destinations !== undefined) {
    throw invalidInput(scope, `${field}.to`, (r.to as Subset)?.name, 'is set together with destinations', 'give the subset in the destination instead (destinations: [{ subset }])');
  }
  let destinations: RouteDestinationModel[];
  if (r.destinations !== undefined) {
    const hostOf = (value: unknown, hf: string): string =>
      checkServiceHost(scope, hf, checkString(scope, hf, value, { fix: 'name the service, e.g. "mongodb"' }), false);
    destinations = checkRouteDestinations(scope, field, r.destinations, hostOf, subsetOf);
  } else {
    destinations = [r.to === undefined ? {} : { subset: subsetOf(r.to, `${field}.to`, undefined) }];
  }
  const canonical = canonicalHost(host, undefined);
  const matches = r.match === undefined ? undefined : checkArray(scope, `${field}.match`, r.match, (item, mf) => {
    const m = checkOptions(scope, mf, item as TlsMatchOptions, kind === 'tcp' ? 'L4MatchOptions' : 'TlsMatchOptions');
    const out: { [key: string]: unknown } = {};
    if (m.destinationSubnets !== undefined) {
      out.destinationSubnets = checkArray(scope, `${mf}.destinationSubnets`, m.destinationSubnets,
        (c, cf) => checkString(scope, cf, c, { pattern: CIDR, what: 'an IP address or CIDR', fix: 'use e.g. "10.0.0.0/16"' }), { minItems: 1, fix: 'list subnets, or leave it out' });
    }
    if (m.port !== undefined) out.port = checkPort(scope, `${mf}.port`, m.port);
    if (kind === 'tls') {
      const sni = m.sniHosts === undefined ? [host] : checkArray(scope, `${mf}.sniHosts`, m.sniHosts, (h, hf) => {
        const name = checkHostname(scope, hf, h, { wildcard: true, fullWildcard: false });
        const c = name.toLowerCase();
        const covered = c === canonical || (canonical.startsWith('*.') && c.endsWith(canonical.slice(1)));
        if (!covered) {
          throw invalidInput(scope, hf, name, `is not the route's host ${host} nor covered by it, which istiod rejects`, `use "${host}"`);
        }
        return name;
      }, { minItems: 1, fix: 'list SNI names, or leave sniHosts out for the host' });
      out.sniHosts = sni;
    }
    if (m.sourceLabels !== undefined) out.sourceLabels = checkSelectorLabels(scope, `${mf}.sourceLabels`, m.sourceLabels);
    if (m.sourceNamespace !== undefined) out.sourceNamespace = checkDnsLabel(scope, `${mf}.sourceNamespace`, m.sourceNamespace, 'give a namespace name such as "bookinfo"');
    if (Object.keys(out).length === 0) {
      throw invalidInput(scope, mf, item, 'sets no condition', 'give port, sourceLabels, sourceNamespace or destinationSubnets, or leave match out');
    }
    return out;
  }, { minItems: 1, fix: 'list at least one match, or leave match out' });
  // A TLS route always matches on SNI (the CRD requires match): by default the host itself.
  const match = kind === 'tls' && matches === undefined ? [{ sniHosts: [host] }] : matches;
  return { route: { ...(match ? { match } : {}), destinations }, definitions, catchAll: matches === undefined };
}

/**
 * Conditions on a TCP or TLS connection (`tcp[].match`, `tls[].match`); all given must hold.
 */
export interface L4MatchOptions {
  /**
   * The Service port the connection is for.
   * @default any port
   */
  readonly port?: number;
  /**
   * Labels the calling workload carries.
   * @default any workload
   */
  readonly sourceLabels?: { [key: string]: string };
  /**
   * Namespace of the calling workload.
   * @default any namespace
   */
  readonly sourceNamespace?: string;
  /**
   * IPv4 or IPv6 destination addresses or subnets (CIDR), e.g. `10.0.0.0/16`.
   * @default any address
   */
  readonly destinationSubnets?: string[];
}

/** A TLS connection condition (`tls[].match`). */
export interface TlsMatchOptions extends L4MatchOptions {
  /**
   * SNI names the connection must present; each must be the route's host or covered by it (a
   * wildcard host), as istiod requires.
   * @default the route's host
   */
  readonly sniHosts?: string[];
}

/** A TCP route (`tcp[]`): connections matching any entry go to the destinations. */
export interface TcpRouteOptions {
  /**
   * Connections matching any of these take this route.
   * @default every connection (the default TCP route: at most one per host, and last)
   */
  readonly match?: L4MatchOptions[];
  /**
   * Send to this subset of the host. Excludes `destinations`.
   * @default the whole host
   */
  readonly to?: Subset;
  /**
   * Weighted destinations (percent, summing to 100). Excludes `to`.
   * @default the host (with `to`'s subset)
   */
  readonly destinations?: RouteDestination[];
}

/** A TLS route (`tls[]`), routed on SNI without terminating TLS. */
export interface TlsRouteOptions {
  /**
   * Connections matching any of these take this route.
   * @default connections presenting the host as SNI
   */
  readonly match?: TlsMatchOptions[];
  /**
   * Send to this subset of the host. Excludes `destinations`.
   * @default the whole host
   */
  readonly to?: Subset;
  /**
   * Weighted destinations (percent, summing to 100). Excludes `to`.
   * @default the host (with `to`'s subset)
   */
  readonly destinations?: RouteDestination[];
}

/** Props of a {@link HostRoutes}. */
export interface HostRoutesProps {
  /** The service host, e.g. `ratings` or `ratings.bookinfo.svc.cluster.local`. */
  readonly host: string;
  /**
   * Namespace of the VirtualService.
   * @default the namespace a fully qualified service host names, else that of the subsets' workloads
   *   (`Subset.fromWorkload`), else the chart's (no fallback to "default"); another is an error
   */
  readonly namespace?: string;
  /**
   * HTTP routes, in the order they are tried.
   * @default none (give at least one of routes, tcpRoutes, tlsRoutes: ISTIO-RULES V6)
   */
  readonly routes?: HttpRouteOptions[];
  /**
   * TCP routes, in the order they are tried.
   * @default none
   */
  readonly tcpRoutes?: TcpRouteOptions[];
  /**
   * TLS (SNI) routes, in the order they are tried.
   * @default none
   */
  readonly tlsRoutes?: TlsRouteOptions[];
  /**
   * The API the routes are written in. `TrafficApi.GATEWAY_API` writes one HTTPRoute attached to the
   * host's Service (Gateway API mesh routing) instead of adding to the host's VirtualService, translated
   * from the same route model; a subset becomes the Service of its version, `<service>-<subset>`, and
   * what Gateway API cannot express (TCP and TLS routes, CORS, faults, direct responses, ...) is an error.
   * @default the MeshChart's `trafficApi`, else TrafficApi.ISTIO
   */
  readonly trafficApi?: TrafficApi;
  /**
   * With `TrafficApi.GATEWAY_API`: the Service port the HTTPRoute attaches to, and the port of
   * destinations that name none (Gateway API backends need one).
   * @default none (required with TrafficApi.GATEWAY_API, refused with TrafficApi.ISTIO)
   */
  readonly port?: number;
}

/**
 * The routes of a host, with Istio's full route model, added to the host's shared mesh
 * VirtualService (see {@link TrafficHost}): HTTP routes (several matches each, weighted A/B/n
 * destinations, rewrites, redirects, direct responses, header changes, CORS, mirrors, timeouts,
 * retries, faults), TCP routes and TLS (SNI) routes. Subsets are defined in place
 * (`Subset.fromLabels`) or named (`Subset.named`), e.g. those a `DestinationPolicy` defines.
 *
 * ```ts
 * new HostRoutes(chart, 'ratings-routes', {
 *   host: 'ratings',
 *   routes: [
 *     { match: [HttpMatch.header('end-user', 'jason')], to: Subset.named('v2') },
 *     { timeout: Duration.seconds(2), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.millis(500) }) },
 *   ],
 * });
 * ```
 *
 * A route without `match` is the host's default route: at most one per host (a `CanaryRelease` of
 * the host has it), and in `routes` it must come last, since no route after it could be reached
 * (istioctl analyze IST0130). Fault injection is refused in production unless the fault allows it.
 */
export class HostRoutes extends Construct {
  /** The shared per-host objects these routes are added to (undefined with TrafficApi.GATEWAY_API). */
  public readonly trafficHost?: TrafficHost;
  /** With `TrafficApi.GATEWAY_API`: the HTTPRoute attached to the host's Service. */
  public readonly httpRoute?: HttpRoute;

  constructor(scope: Construct, id: string, props: HostRoutesProps) {
    super(scope, id);
    props = checkProps(this, props, 'HostRoutesProps');
    checkServiceHost(this, 'host', checkString(this, 'host', props.host, { fix: 'name the service, e.g. "ratings" or "ratings.bookinfo.svc.cluster.local"' }));
    if (props.namespace !== undefined) {
      checkString(this, 'namespace', props.namespace, { fix: 'give a namespace name such as "bookinfo"' });
    }
    const env = MeshChart.environmentOf(this);
    if (props.routes === undefined && props.tcpRoutes === undefined && props.tlsRoutes === undefined) {
      throw invalidInput(this, 'routes', undefined, 'is missing, and so are tcpRoutes and tlsRoutes: a VirtualService needs at least one route (V6)', 'give at least one route');
    }
    const routes = props.routes === undefined ? [] : checkArray(this, 'routes', props.routes, (item) => item, { minItems: 1, fix: 'give at least one route' });
    const checked = routes.map((item, i) => {
      const field = `routes[${i}]`;
      const c = checkHttpRoute(this, field, item as HttpRouteOptions, env);
      if (c.catchAll && i < routes.length - 1) {
        throw invalidInput(this, `${field}.match`, undefined, `is missing, so this default route takes every request and routes[${i + 1}..] can never match (IST0130)`,
          'move the default route to the end, or give it a match');
      }
      return { field, ...c };
    });
    const l4 = (kind: 'tcp' | 'tls') => {
      const key = kind === 'tcp' ? 'tcpRoutes' : 'tlsRoutes';
      const list = props[key];
      if (list === undefined) return [];
      const items = checkArray(this, key, list, (item) => item, { minItems: 1, fix: `give at least one route, or leave ${key} out` });
      return items.map((item, i) => {
        const field = `${key}[${i}]`;
        const c = checkL4Route(this, field, item as TcpRouteOptions, kind, props.host);
        if (c.catchAll && i < items.length - 1) {
          throw invalidInput(this, `${field}.match`, undefined, `is missing, so this default route takes every connection and ${key}[${i + 1}..] can never match`,
            'move the default route to the end, or give it a match');
        }
        return { field, ...c };
      });
    };
    const tcp = l4('tcp');
    const tls = l4('tls');
    const api = trafficApiFor(this, props.trafficApi);
    if (api === TrafficApi.ISTIO && props.port !== undefined) {
      throw invalidInput(this, 'port', props.port, 'is for Gateway API routes, whose backends need a port', 'drop it, or set trafficApi: TrafficApi.GATEWAY_API');
    }
    if (api === TrafficApi.GATEWAY_API) {
      for (const key of ['tcpRoutes', 'tlsRoutes'] as const) {
        if (props[key] !== undefined) {
          throw invalidInput(this, key, props[key], `are ${key === 'tcpRoutes' ? 'TCPRoutes' : 'TLSRoutes'} in Gateway API, which are not in its standard channel (v1.5, what Istio 1.30 supports as stable)`,
            'route TCP and TLS connections with trafficApi: TrafficApi.ISTIO (a HostRoutes of its own)');
        }
      }
      const port = checkPort(this, 'port', props.port, 'give the Service port the routes serve, e.g. 9080');
      const models = checked.map((c) => c.model);
      this.httpRoute = gatewayApiHostRoute(this, {
        host: props.host,
        namespace: props.namespace ?? hostNamespace(props.host),
        port,
        render: (fqdn, p) => models.map((m) => renderHttpRoute(m, { host: fqdn, port: p })),
      });
      return;
    }
    const own = [...checked, ...tcp, ...tls].flatMap((c) => c.definitions.filter((d) => d.host === undefined).map((d) => ({ field: d.field, subset: d.subset })));
    const trafficHost = TrafficHost._of(this, props.host, props.namespace, own);
    this.trafficHost = trafficHost;
    const namespace = trafficHost.namespace;
    for (const c of [...checked, ...tcp, ...tls]) {
      for (const d of c.definitions) {
        const target = d.host === undefined ? trafficHost
          : TrafficHost._of(this, d.host, hostNamespace(d.host) === undefined && d.subset.workloadNamespace === undefined ? namespace : undefined, [{ field: d.field, subset: d.subset }]);
        target._addSubset(this, d.subset, d.field);
      }
    }
    for (const c of checked) {
      trafficHost._addHttpRoute(this, c.model, c.field);
    }
    for (const c of tcp) {
      trafficHost._addL4Route(this, 'tcp', c.route, c.field);
    }
    for (const c of tls) {
      trafficHost._addL4Route(this, 'tls', c.route, c.field);
    }
  }
}
