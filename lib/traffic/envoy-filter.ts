import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { EnvoyFilter as EnvoyFilterL1, EnvoyFilterSpec } from '../../imports/networking.istio.io';
import { crdLimits } from '../core/crd-limits';
import { invalidInput } from '../core/errors';
import {
  checkArray, checkEnum, checkInteger, checkOptions, checkProps, checkString, checkStringMap, copyOptions, describeType, INT32_MAX, INT32_MIN, isObject,
} from '../core/input';
import { checkDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { checkPort } from '../core/ports';
import { checkRegex } from '../core/regex';
import { WorkloadSelector } from '../workload/workload-selector';
import { renderSelector } from './selector';

const ENVOY_FILTER = 'networking.istio.io/v1alpha3/EnvoyFilter';
/** The network filter whose HTTP filters a `subFilter` match selects (Istio accepts only this name there). */
const HCM = 'envoy.filters.network.http_connection_manager';

/** The configuration generation context a patch applies in (`match.context`). */
export enum EnvoyPatchContext {
  /** Listeners, routes and clusters of sidecars and gateways. */
  ANY = 'ANY',
  /** Inbound listeners, routes and clusters of sidecars. */
  SIDECAR_INBOUND = 'SIDECAR_INBOUND',
  /** Outbound listeners, routes and clusters of sidecars. */
  SIDECAR_OUTBOUND = 'SIDECAR_OUTBOUND',
  /** Listeners, routes and clusters of gateways. */
  GATEWAY = 'GATEWAY',
  /** Waypoint proxies (ambient); takes an `EnvoyObjectMatch.waypoint` match. */
  WAYPOINT = 'WAYPOINT',
}

/**
 * The Envoy object a patch applies to (`applyTo`). `BOOTSTRAP` is not offered: it is deprecated and
 * istiod 1.30 no longer applies it.
 */
export enum EnvoyApplyTo {
  /** A listener. Operations: MERGE, ADD, REMOVE. */
  LISTENER = 'LISTENER',
  /** A filter chain of a listener. Operations: MERGE, ADD, REMOVE. */
  FILTER_CHAIN = 'FILTER_CHAIN',
  /** A network filter of a filter chain. Every operation. */
  NETWORK_FILTER = 'NETWORK_FILTER',
  /** An HTTP filter of the HTTP connection manager. Every operation. */
  HTTP_FILTER = 'HTTP_FILTER',
  /** A listener filter. Every operation but REPLACE. */
  LISTENER_FILTER = 'LISTENER_FILTER',
  /** A route configuration (RDS output). Operation: MERGE only. */
  ROUTE_CONFIGURATION = 'ROUTE_CONFIGURATION',
  /** A virtual host of a route configuration. Operations: MERGE, ADD, REMOVE, REPLACE. */
  VIRTUAL_HOST = 'VIRTUAL_HOST',
  /** A route of a virtual host. Operations: MERGE, INSERT_BEFORE, INSERT_AFTER, INSERT_FIRST. */
  HTTP_ROUTE = 'HTTP_ROUTE',
  /** A cluster (CDS output); ADD adds one. Operations: MERGE, ADD, REMOVE. */
  CLUSTER = 'CLUSTER',
  /** An extension configuration (ECDS, HTTP filters only). Operation: ADD only. */
  EXTENSION_CONFIG = 'EXTENSION_CONFIG',
}

/** How a patch is applied (`patch.operation`). */
export enum EnvoyPatchOperation {
  /** Merge the value into the matched object (proto merge). */
  MERGE = 'MERGE',
  /** Add the value to the list (listeners, filter chains, filters, virtual hosts, clusters, extension configs). */
  ADD = 'ADD',
  /** Remove the matched object; takes no value. */
  REMOVE = 'REMOVE',
  /** Insert the value before the matched filter or route (first when nothing is matched). */
  INSERT_BEFORE = 'INSERT_BEFORE',
  /** Insert the value after the matched filter or route (last when nothing is matched). */
  INSERT_AFTER = 'INSERT_AFTER',
  /** Insert the value first in the list. */
  INSERT_FIRST = 'INSERT_FIRST',
  /** Replace the matched filter or virtual host with the value. */
  REPLACE = 'REPLACE',
}

/** The route action a route match selects (`vhost.route.action`). */
export enum EnvoyRouteAction {
  /** Any action. */
  ANY = 'ANY',
  /** Routes to a cluster or weighted clusters. */
  ROUTE = 'ROUTE',
  /** Redirects. */
  REDIRECT = 'REDIRECT',
  /** Responds directly. */
  DIRECT_RESPONSE = 'DIRECT_RESPONSE',
}

/** The transport protocol of a sidecar inbound filter chain (`filterChain.transportProtocol`). */
export enum EnvoyTransportProtocol {
  /** No TLS detected. */
  RAW_BUFFER = 'raw_buffer',
  /** TLS detected by the TLS inspector. */
  TLS = 'tls',
}

/** The operations each `applyTo` takes: the ones istiod 1.30 applies (others are ignored or `istioctl analyze` errors IST0152–IST0154). */
const OPERATIONS: Record<EnvoyApplyTo, EnvoyPatchOperation[]> = (() => {
  const O = EnvoyPatchOperation;
  const every = [O.MERGE, O.ADD, O.REMOVE, O.INSERT_BEFORE, O.INSERT_AFTER, O.INSERT_FIRST, O.REPLACE];
  return {
    [EnvoyApplyTo.LISTENER]: [O.MERGE, O.ADD, O.REMOVE],
    [EnvoyApplyTo.FILTER_CHAIN]: [O.MERGE, O.ADD, O.REMOVE],
    [EnvoyApplyTo.NETWORK_FILTER]: every,
    [EnvoyApplyTo.HTTP_FILTER]: every,
    [EnvoyApplyTo.LISTENER_FILTER]: every.filter((o) => o !== O.REPLACE),
    [EnvoyApplyTo.ROUTE_CONFIGURATION]: [O.MERGE],
    [EnvoyApplyTo.VIRTUAL_HOST]: [O.MERGE, O.ADD, O.REMOVE, O.REPLACE],
    [EnvoyApplyTo.HTTP_ROUTE]: [O.MERGE, O.INSERT_BEFORE, O.INSERT_AFTER, O.INSERT_FIRST],
    [EnvoyApplyTo.CLUSTER]: [O.MERGE, O.ADD, O.REMOVE],
    [EnvoyApplyTo.EXTENSION_CONFIG]: [O.ADD],
  };
})();

/** Which match kind each `applyTo` reads (outside the WAYPOINT context). */
const MATCH_KIND: Record<EnvoyApplyTo, MatchKind | undefined> = {
  [EnvoyApplyTo.LISTENER]: 'listener',
  [EnvoyApplyTo.FILTER_CHAIN]: 'listener',
  [EnvoyApplyTo.NETWORK_FILTER]: 'listener',
  [EnvoyApplyTo.HTTP_FILTER]: 'listener',
  [EnvoyApplyTo.LISTENER_FILTER]: 'listener',
  [EnvoyApplyTo.ROUTE_CONFIGURATION]: 'routeConfiguration',
  [EnvoyApplyTo.VIRTUAL_HOST]: 'routeConfiguration',
  [EnvoyApplyTo.HTTP_ROUTE]: 'routeConfiguration',
  [EnvoyApplyTo.CLUSTER]: 'cluster',
  [EnvoyApplyTo.EXTENSION_CONFIG]: undefined,
};

type MatchKind = 'listener' | 'routeConfiguration' | 'cluster' | 'waypoint';

/** A filter chain of a listener to match (`listener.filterChain`). */
export interface EnvoyFilterChainMatch {
  /**
   * The filter chain's name.
   * @default any filter chain
   */
  readonly name?: string;
  /**
   * The SNI of the filter chain's match.
   * @default any
   */
  readonly sni?: string;
  /**
   * The transport protocol (SIDECAR_INBOUND context only).
   * @default any
   */
  readonly transportProtocol?: EnvoyTransportProtocol;
  /**
   * Application protocols the filter chain matches (sidecars only): "h2", "http/1.1", "http/1.0".
   * @default any
   */
  readonly applicationProtocols?: string[];
  /**
   * The destination port of the filter chain's match.
   * @default any
   */
  readonly destinationPort?: number;
  /**
   * A network filter of the chain, e.g. "envoy.filters.network.http_connection_manager" (not with
   * applyTo LISTENER or FILTER_CHAIN, where Istio ignores it).
   * @default any filter
   */
  readonly filter?: string;
  /**
   * An HTTP filter inside the HTTP connection manager `filter`, e.g. "envoy.filters.http.router"
   * (applyTo HTTP_FILTER only; `filter` must then be the HTTP connection manager).
   * @default any HTTP filter
   */
  readonly subFilter?: string;
}

/** Options of {@link EnvoyObjectMatch.listener}. */
export interface EnvoyListenerMatchOptions {
  /**
   * The listener's name (istiod names them `IP_port`, e.g. "0.0.0.0_8080", or "virtualInbound").
   * @default any listener
   */
  readonly name?: string;
  /**
   * The service port or gateway port the listener serves.
   * @default any port
   */
  readonly portNumber?: number;
  /**
   * A listener filter by name, e.g. "envoy.filters.listener.tls_inspector" (applyTo LISTENER_FILTER only).
   * @default any listener filter
   */
  readonly listenerFilter?: string;
  /**
   * A filter chain of the listener (and a filter in it).
   * @default every filter chain
   */
  readonly filterChain?: EnvoyFilterChainMatch;
}

/** A virtual host (and a route in it) to match (`routeConfiguration.vhost`). */
export interface EnvoyVirtualHostMatch {
  /**
   * The virtual host's name: `host:port` as istiod names them, e.g. "reviews.bookinfo.svc.cluster.local:9080".
   * @default any virtual host
   */
  readonly name?: string;
  /**
   * A domain the virtual host serves.
   * @default any
   */
  readonly domainName?: string;
  /**
   * The route's name (a VirtualService route's `name`, else "default"; applyTo HTTP_ROUTE only).
   * @default any route
   */
  readonly routeName?: string;
  /**
   * The route's action (applyTo HTTP_ROUTE only).
   * @default EnvoyRouteAction.ANY
   */
  readonly routeAction?: EnvoyRouteAction;
}

/** Options of {@link EnvoyObjectMatch.routeConfiguration}. */
export interface EnvoyRouteConfigurationMatchOptions {
  /**
   * The route configuration's name, e.g. "http.8080" on a gateway, "9080" or "http_proxy" on a sidecar.
   * @default any
   */
  readonly name?: string;
  /**
   * The service port or gateway server port the route configuration is for.
   * @default any port
   */
  readonly portNumber?: number;
  /**
   * The gateway server's port name (GATEWAY context only).
   * @default any
   */
  readonly portName?: string;
  /**
   * The Istio Gateway as "namespace/name" (GATEWAY context only).
   * @default any gateway
   */
  readonly gateway?: string;
  /**
   * A virtual host in the route configuration (not with applyTo ROUTE_CONFIGURATION, where Istio ignores it).
   * @default every virtual host
   */
  readonly virtualHost?: EnvoyVirtualHostMatch;
}

/** Options of {@link EnvoyObjectMatch.cluster}. */
export interface EnvoyClusterMatchOptions {
  /**
   * The cluster's exact name, e.g. "PassthroughCluster"; alone (Istio matches the name only without the other fields).
   * @default any cluster
   */
  readonly name?: string;
  /**
   * The service host the cluster is for, e.g. "reviews.bookinfo.svc.cluster.local" (ignored by Istio for inbound clusters).
   * @default any service
   */
  readonly service?: string;
  /**
   * The subset the cluster is for.
   * @default any subset
   */
  readonly subset?: string;
  /**
   * The service port the cluster is for (for inbound clusters, the target port).
   * @default any port
   */
  readonly portNumber?: number;
}

/** Options of {@link EnvoyObjectMatch.waypoint}. */
export interface EnvoyWaypointMatchOptions {
  /**
   * The service port.
   * @default any port
   */
  readonly portNumber?: number;
  /**
   * A filter, e.g. "envoy.filters.network.http_connection_manager".
   * @default any filter
   */
  readonly filter?: string;
  /**
   * An HTTP filter inside `filter`.
   * @default any
   */
  readonly subFilter?: string;
  /**
   * A route by name.
   * @default any route
   */
  readonly routeName?: string;
}

/**
 * Which Envoy object a patch matches: a listener (and filter chain, filter), a route configuration
 * (and virtual host, route), a cluster, or a waypoint's object. One kind per patch, as the CRD requires.
 */
export class EnvoyObjectMatch {
  /** Listeners, filter chains and filters (applyTo LISTENER, FILTER_CHAIN, NETWORK_FILTER, HTTP_FILTER, LISTENER_FILTER). */
  public static listener(options: EnvoyListenerMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch('listener', copyOptions(options));
  }

  /** Route configurations, virtual hosts and routes (applyTo ROUTE_CONFIGURATION, VIRTUAL_HOST, HTTP_ROUTE). */
  public static routeConfiguration(options: EnvoyRouteConfigurationMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch('routeConfiguration', copyOptions(options));
  }

  /** Clusters (applyTo CLUSTER). */
  public static cluster(options: EnvoyClusterMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch('cluster', copyOptions(options));
  }

  /** Objects of a waypoint proxy (context WAYPOINT, which requires this match). */
  public static waypoint(options: EnvoyWaypointMatchOptions = {}): EnvoyObjectMatch {
    return new EnvoyObjectMatch('waypoint', copyOptions(options));
  }

  private constructor(
    /** @internal */ public readonly _kind: MatchKind,
    private readonly options: object,
  ) {}

  /** @internal Checks the match against the patch's applyTo and context, and renders `{ <kind>: {...} }`. */
  public _render(scope: IConstruct, field: string, applyTo: EnvoyApplyTo, context: EnvoyPatchContext): Record<string, unknown> {
    const o = this.options;
    switch (this._kind) {
      case 'listener': return { listener: renderListener(scope, field, checkOptions(scope, field, o as EnvoyListenerMatchOptions, 'EnvoyListenerMatchOptions'), applyTo, context) };
      case 'routeConfiguration': return { routeConfiguration: renderRoute(scope, field, checkOptions(scope, field, o as EnvoyRouteConfigurationMatchOptions, 'EnvoyRouteConfigurationMatchOptions'), applyTo, context) };
      case 'cluster': return { cluster: renderCluster(scope, field, checkOptions(scope, field, o as EnvoyClusterMatchOptions, 'EnvoyClusterMatchOptions')) };
      default: return { waypoint: renderWaypoint(scope, field, checkOptions(scope, field, o as EnvoyWaypointMatchOptions, 'EnvoyWaypointMatchOptions')) };
    }
  }
}

function name(scope: IConstruct, field: string, value: unknown, example: string): string {
  return checkString(scope, field, value, { minLength: 1, fix: `give a name such as "${example}", or leave it out` });
}

function drop<T extends object>(o: T): T {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as T;
}

function renderListener(scope: IConstruct, field: string, o: EnvoyListenerMatchOptions, applyTo: EnvoyApplyTo, context: EnvoyPatchContext): object {
  if (o.listenerFilter !== undefined && applyTo !== EnvoyApplyTo.LISTENER_FILTER) {
    throw invalidInput(scope, `${field}.listenerFilter`, o.listenerFilter, `selects a listener filter, which only applyTo LISTENER_FILTER reads (this patch applies to ${applyTo})`,
      'use applyTo EnvoyApplyTo.LISTENER_FILTER, or drop listenerFilter');
  }
  let filterChain: object | undefined;
  if (o.filterChain !== undefined) {
    const f = `${field}.filterChain`;
    const fc = checkOptions(scope, f, o.filterChain, 'EnvoyFilterChainMatch');
    if (fc.transportProtocol !== undefined) {
      checkEnum(scope, `${f}.transportProtocol`, fc.transportProtocol, EnvoyTransportProtocol, 'EnvoyTransportProtocol');
      if (context !== EnvoyPatchContext.SIDECAR_INBOUND) {
        throw invalidInput(scope, `${f}.transportProtocol`, fc.transportProtocol, `applies only in the SIDECAR_INBOUND context (this patch is ${context})`,
          'use context EnvoyPatchContext.SIDECAR_INBOUND, or drop transportProtocol');
      }
    }
    const protocols = fc.applicationProtocols === undefined ? undefined
      : checkArray(scope, `${f}.applicationProtocols`, fc.applicationProtocols, (p, pf) => {
        if (p !== 'h2' && p !== 'http/1.1' && p !== 'http/1.0') {
          throw invalidInput(scope, pf, p, 'is not an application protocol Istio matches', 'use "h2", "http/1.1" or "http/1.0"');
        }
        return p;
      }, { minItems: 1 });
    if (protocols !== undefined && context !== EnvoyPatchContext.SIDECAR_INBOUND && context !== EnvoyPatchContext.SIDECAR_OUTBOUND) {
      throw invalidInput(scope, `${f}.applicationProtocols`, protocols, `apply only to sidecars (this patch is ${context})`,
        'use context SIDECAR_INBOUND or SIDECAR_OUTBOUND, or drop applicationProtocols');
    }
    if (fc.filter === undefined && fc.subFilter !== undefined) {
      throw invalidInput(scope, `${f}.subFilter`, fc.subFilter, 'is set without filter', `give filter: "${HCM}"`);
    }
    let filter: object | undefined;
    if (fc.filter !== undefined) {
      name(scope, `${f}.filter`, fc.filter, HCM);
      if (applyTo === EnvoyApplyTo.LISTENER || applyTo === EnvoyApplyTo.FILTER_CHAIN) {
        throw invalidInput(scope, `${f}.filter`, fc.filter, `has no effect with applyTo ${applyTo} (istiod ignores a filter match there)`,
          'drop filter, or patch the filter itself (applyTo NETWORK_FILTER or HTTP_FILTER)');
      }
      if (fc.subFilter !== undefined) {
        name(scope, `${f}.subFilter`, fc.subFilter, 'envoy.filters.http.router');
        if (applyTo !== EnvoyApplyTo.HTTP_FILTER) {
          throw invalidInput(scope, `${f}.subFilter`, fc.subFilter, `can be used with applyTo HTTP_FILTER only (this patch applies to ${applyTo}); istiod rejects it`,
            'use applyTo EnvoyApplyTo.HTTP_FILTER, or drop subFilter');
        }
        if (fc.filter !== HCM) {
          throw invalidInput(scope, `${f}.filter`, fc.filter, `is not the HTTP connection manager, which a subFilter match requires (istiod rejects it)`, `use filter: "${HCM}"`);
        }
      }
      filter = drop({ name: fc.filter, subFilter: fc.subFilter === undefined ? undefined : { name: fc.subFilter } });
    }
    filterChain = drop({
      name: fc.name === undefined ? undefined : name(scope, `${f}.name`, fc.name, 'inbound_0.0.0.0_8080'),
      sni: fc.sni === undefined ? undefined : name(scope, `${f}.sni`, fc.sni, 'api.example.com'),
      transportProtocol: fc.transportProtocol,
      applicationProtocols: protocols?.join(','),
      destinationPort: fc.destinationPort === undefined ? undefined : checkPort(scope, `${f}.destinationPort`, fc.destinationPort),
      filter,
    });
  }
  return drop({
    name: o.name === undefined ? undefined : name(scope, `${field}.name`, o.name, '0.0.0.0_8080'),
    portNumber: o.portNumber === undefined ? undefined : checkPort(scope, `${field}.portNumber`, o.portNumber),
    listenerFilter: o.listenerFilter === undefined ? undefined : name(scope, `${field}.listenerFilter`, o.listenerFilter, 'envoy.filters.listener.tls_inspector'),
    filterChain,
  });
}

function renderRoute(scope: IConstruct, field: string, o: EnvoyRouteConfigurationMatchOptions, applyTo: EnvoyApplyTo, context: EnvoyPatchContext): object {
  for (const k of ['portName', 'gateway'] as const) {
    if (o[k] !== undefined && context !== EnvoyPatchContext.GATEWAY) {
      throw invalidInput(scope, `${field}.${k}`, o[k], `applies only in the GATEWAY context (istiod ignores it in ${context})`, 'use context EnvoyPatchContext.GATEWAY, or drop it');
    }
  }
  if (o.gateway !== undefined) {
    checkString(scope, `${field}.gateway`, o.gateway, { pattern: /^[a-z0-9]([-a-z0-9]*[a-z0-9])?\/[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/, what: 'a gateway as "namespace/name"', fix: 'use e.g. "istio-ingress/bookinfo-gateway"' });
  }
  let vhost: object | undefined;
  if (o.virtualHost !== undefined) {
    const f = `${field}.virtualHost`;
    const v = checkOptions(scope, f, o.virtualHost, 'EnvoyVirtualHostMatch');
    if (applyTo === EnvoyApplyTo.ROUTE_CONFIGURATION) {
      throw invalidInput(scope, f, v, 'has no effect with applyTo ROUTE_CONFIGURATION (istiod matches the route configuration only)',
        'drop virtualHost, or patch the virtual host (applyTo VIRTUAL_HOST) or its routes (HTTP_ROUTE)');
    }
    for (const k of ['routeName', 'routeAction'] as const) {
      if (v[k] !== undefined && applyTo !== EnvoyApplyTo.HTTP_ROUTE) {
        throw invalidInput(scope, `${f}.${k}`, v[k], `selects a route, which only applyTo HTTP_ROUTE reads (this patch applies to ${applyTo})`, `use applyTo EnvoyApplyTo.HTTP_ROUTE, or drop ${k}`);
      }
    }
    const route = v.routeName === undefined && v.routeAction === undefined ? undefined : drop({
      name: v.routeName === undefined ? undefined : name(scope, `${f}.routeName`, v.routeName, 'default'),
      action: v.routeAction === undefined ? undefined : checkEnum(scope, `${f}.routeAction`, v.routeAction, EnvoyRouteAction, 'EnvoyRouteAction'),
    });
    vhost = drop({
      name: v.name === undefined ? undefined : name(scope, `${f}.name`, v.name, 'reviews.bookinfo.svc.cluster.local:9080'),
      domainName: v.domainName === undefined ? undefined : name(scope, `${f}.domainName`, v.domainName, 'bookinfo.example.com'),
      route,
    });
  }
  return drop({
    name: o.name === undefined ? undefined : name(scope, `${field}.name`, o.name, 'http.8080'),
    portNumber: o.portNumber === undefined ? undefined : checkPort(scope, `${field}.portNumber`, o.portNumber),
    portName: o.portName === undefined ? undefined : name(scope, `${field}.portName`, o.portName, 'http'),
    gateway: o.gateway,
    vhost,
  });
}

function renderCluster(scope: IConstruct, field: string, o: EnvoyClusterMatchOptions): object {
  if (o.name !== undefined) {
    const other = (['service', 'subset', 'portNumber'] as const).find((k) => o[k] !== undefined);
    if (other !== undefined) {
      throw invalidInput(scope, `${field}.${other}`, o[other], 'is set together with name; Istio matches a cluster by name only when the other fields are empty',
        `drop ${other}, or match by service, subset and port without name`);
    }
  }
  return drop({
    name: o.name === undefined ? undefined : name(scope, `${field}.name`, o.name, 'PassthroughCluster'),
    service: o.service === undefined ? undefined : name(scope, `${field}.service`, o.service, 'reviews.bookinfo.svc.cluster.local'),
    subset: o.subset === undefined ? undefined : name(scope, `${field}.subset`, o.subset, 'v1'),
    portNumber: o.portNumber === undefined ? undefined : checkPort(scope, `${field}.portNumber`, o.portNumber),
  });
}

function renderWaypoint(scope: IConstruct, field: string, o: EnvoyWaypointMatchOptions): object {
  if (o.filter === undefined && o.subFilter !== undefined) {
    throw invalidInput(scope, `${field}.subFilter`, o.subFilter, 'is set without filter', `give filter: "${HCM}"`);
  }
  return drop({
    portNumber: o.portNumber === undefined ? undefined : checkPort(scope, `${field}.portNumber`, o.portNumber),
    filter: o.filter === undefined ? undefined : drop({
      name: name(scope, `${field}.filter`, o.filter, HCM),
      subFilter: o.subFilter === undefined ? undefined : { name: name(scope, `${field}.subFilter`, o.subFilter, 'envoy.filters.http.router') },
    }),
    route: o.routeName === undefined ? undefined : { name: name(scope, `${field}.routeName`, o.routeName, 'default') },
  });
}

/** One patch of an {@link EnvoyFilter} (`configPatches[]`). */
export interface EnvoyConfigPatch {
  /** The Envoy object the patch applies to; it decides which operations and which match work. */
  readonly applyTo: EnvoyApplyTo;
  /**
   * The configuration context: sidecar inbound or outbound, gateway, waypoint, or any.
   * @default EnvoyPatchContext.ANY
   */
  readonly context?: EnvoyPatchContext;
  /**
   * The object to patch (or to insert relative to).
   * @default every object of `applyTo` in the context
   */
  readonly match?: EnvoyObjectMatch;
  /**
   * Apply only to proxies whose Istio version matches this RE2 regex, e.g. "^1\\.30.*".
   * @default every proxy version
   */
  readonly proxyVersion?: string;
  /**
   * Apply only to proxies with this node metadata (exact string values).
   * @default any metadata
   */
  readonly proxyMetadata?: { [key: string]: string };
  /** How the patch is applied. */
  readonly operation: EnvoyPatchOperation;
  /**
   * The Envoy configuration (JSON) to merge, add, insert or replace with, as Envoy's v3 API spells it
   * (`typed_config` with `@type`). Required for every operation but REMOVE, which takes none.
   * @default none (REMOVE only)
   */
  readonly value?: { [key: string]: any };
}

/** The kinds an EnvoyFilter's `targetRefs` name. */
export enum EnvoyFilterTargetKind {
  /** A Gateway API `Gateway` (gateway.networking.k8s.io) in the filter's namespace. */
  GATEWAY = 'Gateway',
  /** A `Service` in the filter's namespace; for waypoints only (every patch must have the WAYPOINT context). */
  SERVICE = 'Service',
  /** An Istio `ServiceEntry` in the filter's namespace. */
  SERVICE_ENTRY = 'ServiceEntry',
}

const TARGET_GROUP: Record<EnvoyFilterTargetKind, string> = {
  [EnvoyFilterTargetKind.GATEWAY]: 'gateway.networking.k8s.io',
  [EnvoyFilterTargetKind.SERVICE]: '',
  [EnvoyFilterTargetKind.SERVICE_ENTRY]: 'networking.istio.io',
};

/** A resource an EnvoyFilter attaches to (`targetRefs[]`), in the filter's namespace. */
export interface EnvoyFilterTargetRef {
  /** The kind. */
  readonly kind: EnvoyFilterTargetKind;
  /** The resource's name. */
  readonly name: string;
}

/**
 * Which proxies an {@link EnvoyFilter} patches: selected workloads, attached resources (targetRefs), or
 * every proxy of its namespace. One of them, as the CRD requires; the namespace-wide choice is explicit.
 */
export class EnvoyFilterTarget {
  /** The proxies of the selected pods (`workloadSelector`); its namespace is the filter's. */
  public static workloads(selector: WorkloadSelector): EnvoyFilterTarget {
    return new EnvoyFilterTarget(selector, undefined);
  }

  /** The proxies of Gateway API Gateways, Services (waypoints) or ServiceEntries in the filter's namespace (`targetRefs`, 1 to 16). */
  public static references(refs: EnvoyFilterTargetRef[]): EnvoyFilterTarget {
    return new EnvoyFilterTarget(undefined, Array.isArray(refs) ? refs.map((r) => (isObject(r) ? { ...r } : r)) : refs);
  }

  /** Every proxy of the filter's namespace; in the root namespace (istio-system), every proxy of the mesh. */
  public static namespaceWide(): EnvoyFilterTarget {
    return new EnvoyFilterTarget(undefined, undefined);
  }

  private constructor(
    /** @internal */ public readonly _selector: WorkloadSelector | undefined,
    /** @internal */ public readonly _refs: EnvoyFilterTargetRef[] | undefined,
  ) {}
}

/** Props of an {@link EnvoyFilter}. */
export interface EnvoyFilterProps {
  /**
   * Namespace of the EnvoyFilter.
   * @default the selected workload's namespace, else the chart's (an error when neither is known)
   */
  readonly namespace?: string;
  /**
   * Name of the EnvoyFilter.
   * @default the construct id
   */
  readonly name?: string;
  /** The proxies to patch: `EnvoyFilterTarget.workloads(...)`, `.references([...])` or `.namespaceWide()`. */
  readonly target: EnvoyFilterTarget;
  /** The patches, applied in order (at least one). */
  readonly patches: EnvoyConfigPatch[];
  /**
   * The order among EnvoyFilters of a context (int32; lower first, after the root namespace's). Relative
   * patches (INSERT_BEFORE/AFTER, REPLACE, REMOVE) without one get `istioctl analyze` IST0151.
   * @default 0 (not written)
   */
  readonly priority?: number;
}

/**
 * A `networking.istio.io/v1alpha3` EnvoyFilter: patches to the Envoy configuration istiod generates,
 * for what no other construct writes (a filter Istio does not configure, a cluster setting). It is
 * checked at construction as istiod validates it and as it applies it: each `applyTo` takes the
 * operations istiod applies there and the match kind it reads, REMOVE takes no value and the others
 * one, a filter match needs a name and a sub-filter match the HTTP connection manager, the proxy
 * version is an RE2 regex, and the match fields that apply only in one context are refused in the
 * others. Envoy's own configuration in `value` is not checked here: istiod checks it against Envoy's
 * protos when the filter is applied.
 *
 * EnvoyFilters expose Envoy internals that change between Istio releases: pin patches to a proxy
 * version when they depend on one, and prefer a typed construct (`LocalRateLimit`, `GlobalRateLimit`)
 * where one exists.
 */
export class EnvoyFilter extends Construct {
  /** The EnvoyFilter. */
  public readonly resource: EnvoyFilterL1;
  /** Name of the EnvoyFilter. */
  public readonly name: string;
  /** Namespace of the EnvoyFilter. */
  public readonly namespace: string;

  private readonly spec: EnvoyFilterSpec;

  constructor(scope: Construct, id: string, props: EnvoyFilterProps) {
    super(scope, id);
    props = checkProps(this, props, 'EnvoyFilterProps');
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use e.g. "reviews-lua"');
    if (!(props.target instanceof EnvoyFilterTarget)) {
      throw invalidInput(this, 'target', props.target, `is ${describeType(props.target)}, not an EnvoyFilterTarget`,
        'use EnvoyFilterTarget.workloads(WorkloadSelector.labels({ app: "reviews" })), EnvoyFilterTarget.references([...]) or EnvoyFilterTarget.namespaceWide()');
    }
    const target = props.target;
    this.namespace = resolveNamespace(this, { given: props.namespace, target: target._selector?.namespace, targetName: 'the selected workload' });
    const patches = checkArray(this, 'patches', props.patches, (p, f) => renderPatch(this, f, p), { minItems: 1, fix: 'give at least one EnvoyConfigPatch' });
    const priority = props.priority === undefined ? undefined
      : checkInteger(this, 'priority', props.priority, { minimum: INT32_MIN, maximum: INT32_MAX, fix: 'use e.g. 10 (a multiple of 10 leaves room between filters)' });

    let selection: Partial<EnvoyFilterSpec> = {};
    if (target._selector !== undefined) {
      selection = { workloadSelector: { labels: renderSelector(this, 'target.selector', target._selector, crdLimits(ENVOY_FILTER, 'spec.workloadSelector.labels').maxProperties) } };
    } else if (target._refs !== undefined) {
      const refs = checkArray(this, 'target.refs', target._refs, (r, f) => {
        const ref = checkOptions(this, f, r as EnvoyFilterTargetRef, 'EnvoyFilterTargetRef');
        const kind = checkEnum(this, `${f}.kind`, ref.kind, EnvoyFilterTargetKind, 'EnvoyFilterTargetKind');
        const refName = checkDnsLabel(this, `${f}.name`, ref.name, 'name the resource, e.g. "bookinfo-gateway"');
        return { kind, name: refName };
      }, { minItems: 1, maxItems: crdLimits(ENVOY_FILTER, 'spec.targetRefs').maxItems ?? 16, fix: 'name 1 to 16 resources' });
      const service = refs.findIndex((r) => r.kind === EnvoyFilterTargetKind.SERVICE);
      const notWaypoint = patches.findIndex((p) => p.context !== EnvoyPatchContext.WAYPOINT);
      if (service >= 0 && notWaypoint >= 0) {
        throw invalidInput(this, `patches[${notWaypoint}].context`, patches[notWaypoint].context,
          `is not WAYPOINT, but target.refs[${service}] is a Service, which Istio supports for waypoints only`,
          'give every patch context: EnvoyPatchContext.WAYPOINT, or target a Gateway or ServiceEntry');
      }
      selection = { targetRefs: refs.map((r) => drop({ group: TARGET_GROUP[r.kind] || undefined, kind: r.kind, name: r.name })) as EnvoyFilterSpec['targetRefs'] };
    }

    this.spec = drop({ ...selection, priority, configPatches: patches.map((p) => p.rendered) }) as EnvoyFilterSpec;
    this.resource = new EnvoyFilterL1(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as EnvoyFilterSpec,
    });
  }

  /** The EnvoyFilter spec (a copy). */
  public toSpec(): EnvoyFilterSpec {
    return JSON.parse(JSON.stringify(this.spec));
  }
}

/** Checks one patch and renders it as `configPatches[]` writes it. */
function renderPatch(scope: IConstruct, field: string, value: unknown): { context: EnvoyPatchContext; rendered: any } {
  const p = checkOptions(scope, field, value as EnvoyConfigPatch, 'EnvoyConfigPatch');
  const applyTo = checkEnum(scope, `${field}.applyTo`, p.applyTo, EnvoyApplyTo, 'EnvoyApplyTo');
  const context = p.context === undefined ? EnvoyPatchContext.ANY : checkEnum(scope, `${field}.context`, p.context, EnvoyPatchContext, 'EnvoyPatchContext');
  const operation = checkEnum(scope, `${field}.operation`, p.operation, EnvoyPatchOperation, 'EnvoyPatchOperation');
  const allowed = OPERATIONS[applyTo];
  if (!allowed.includes(operation)) {
    throw invalidInput(scope, `${field}.operation`, operation, `is not applied by istiod to ${applyTo} (it takes ${allowed.join(', ')})`,
      `use one of ${allowed.map((o) => `EnvoyPatchOperation.${o}`).join(', ')}`);
  }
  if (operation === EnvoyPatchOperation.REMOVE && p.value !== undefined) {
    throw invalidInput(scope, `${field}.value`, p.value, 'is set on a REMOVE, which takes no value (it would be ignored)', 'drop value');
  }
  if (operation !== EnvoyPatchOperation.REMOVE) {
    if (!isObject(p.value) || Object.keys(p.value).length === 0) {
      throw invalidInput(scope, `${field}.value`, p.value, `is ${p.value === undefined ? 'missing' : isObject(p.value) ? 'empty' : describeType(p.value)}: ${operation} needs the Envoy configuration to apply (istiod rejects a patch without one)`,
        'give the configuration as a JSON object, e.g. { name: "envoy.filters.http.lua", typed_config: { "@type": "...", ... } }');
    }
    checkJson(scope, `${field}.value`, p.value);
  }

  let match: Record<string, unknown> = {};
  if (p.match !== undefined) {
    if (!(p.match instanceof EnvoyObjectMatch)) {
      throw invalidInput(scope, `${field}.match`, p.match, `is ${describeType(p.match)}, not an EnvoyObjectMatch`,
        'use EnvoyObjectMatch.listener({...}), .routeConfiguration({...}), .cluster({...}) or .waypoint({...})');
    }
    const want = context === EnvoyPatchContext.WAYPOINT ? 'waypoint' : MATCH_KIND[applyTo];
    if (p.match._kind === 'waypoint' && context !== EnvoyPatchContext.WAYPOINT) {
      throw invalidInput(scope, `${field}.match`, 'EnvoyObjectMatch.waypoint', `is a waypoint match, which the CRD allows only with context WAYPOINT (this patch is ${context})`,
        'use context EnvoyPatchContext.WAYPOINT, or another match');
    }
    if (p.match._kind !== want) {
      throw invalidInput(scope, `${field}.match`, `EnvoyObjectMatch.${p.match._kind}`,
        want === undefined ? `does not apply to ${applyTo}, which istiod matches by context and proxy only` : `does not match ${applyTo} objects (istiod rejects it)`,
        want === undefined ? 'drop match' : `use EnvoyObjectMatch.${want}(...)`);
    }
    match = p.match._render(scope, `${field}.match`, applyTo, context);
  } else if (context === EnvoyPatchContext.WAYPOINT) {
    throw invalidInput(scope, `${field}.match`, undefined, 'is missing: the CRD requires a waypoint match with context WAYPOINT', 'give match: EnvoyObjectMatch.waypoint({...})');
  }
  let proxy: object | undefined;
  if (p.proxyVersion !== undefined || p.proxyMetadata !== undefined) {
    proxy = drop({
      proxyVersion: p.proxyVersion === undefined ? undefined : checkRegex(scope, `${field}.proxyVersion`, checkString(scope, `${field}.proxyVersion`, p.proxyVersion, { minLength: 1, fix: 'give an RE2 regex such as "^1\\\\.30.*"' })),
      metadata: p.proxyMetadata === undefined ? undefined : checkStringMap(scope, `${field}.proxyMetadata`, p.proxyMetadata),
    });
  }
  return {
    context,
    rendered: {
      applyTo,
      match: drop({ context, proxy, ...match }),
      patch: drop({ operation, value: p.value === undefined ? undefined : JSON.parse(JSON.stringify(p.value)) }),
    },
  };
}

/** Checks that `value` is JSON: strings, finite numbers, booleans, null, arrays and plain objects, nothing undefined. */
function checkJson(scope: IConstruct, field: string, value: unknown, depth = 0): void {
  if (depth > 64) {
    throw invalidInput(scope, field, '…', 'is nested more than 64 levels deep', 'flatten the configuration');
  }
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidInput(scope, field, value, 'is not a finite number (JSON has no NaN or Infinity)', 'give a finite number');
    return;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) checkJson(scope, `${field}[${i}]`, value[i], depth + 1);
    return;
  }
  if (isObject(value) && (Object.getPrototypeOf(value) === Object.prototype || Object.getPrototypeOf(value) === null)) {
    for (const [k, v] of Object.entries(value)) checkJson(scope, `${field}.${k}`, v, depth + 1);
    return;
  }
  throw invalidInput(scope, field, value, `is ${describeType(value)}, which is not JSON (it would be dropped or mangled in the YAML)`, 'give strings, numbers, booleans, null, lists and plain objects');
}
