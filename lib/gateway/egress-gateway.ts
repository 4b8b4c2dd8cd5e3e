import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { checkChildOptions } from './child-options';
import { GatewayServer } from './gateway-server';
import { GatewayDirection, GatewayServiceType, MeshGateway, MeshGatewayProps } from './mesh-gateway';
import {
  DestinationRule, DestinationRuleSpec, VirtualService, VirtualServiceSpec, VirtualServiceSpecHttp, VirtualServiceSpecTls,
} from '../../imports/networking.istio.io';
import { invalidInput } from '../core/errors';
import { checkInstance, checkProps, checkString } from '../core/input';
import { checkPort } from '../core/ports';
import { checkDnsLabel } from '../core/names';
import { ExternalService, ServiceProtocol, ServiceResolution } from '../traffic/service-entry';

/** Props of an {@link EgressGateway}. */
export type EgressGatewayProps = MeshGatewayProps;

/** Options of {@link EgressGateway.routeExternalHost}. */
export interface EgressRouteOptions {
  /** The registered external service (its ServiceEntry makes the host known to the mesh). */
  readonly service: ExternalService;
  /**
   * The host to route, one of the service's hosts.
   * @default the service's only host
   */
  readonly host?: string;
  /**
   * The service port to route: an HTTP port (the gateway forwards on port 80) or a TLS/HTTPS port (the
   * gateway passes TLS through on port 443, routing on SNI).
   * @default the service's only port
   */
  readonly port?: number;
  /**
   * Name of the gateway DestinationRule's subset for this route, and of the VirtualService when this
   * is the first route of its host through this gateway (later routes of the host join that one).
   * @default the construct id
   */
  readonly name?: string;
}

/** Props of an {@link EgressRoute}. */
export interface EgressRouteProps extends EgressRouteOptions {
  /** The egress gateway the traffic leaves through. */
  readonly gateway: EgressGateway;
}

const PLAIN = [ServiceProtocol.HTTP];
const SNI = [ServiceProtocol.TLS, ServiceProtocol.HTTPS];

/** The one mesh + gateway VirtualService of an external host routed through an egress gateway. */
interface HostVirtualService {
  readonly virtualService: VirtualService;
  readonly http: VirtualServiceSpecHttp[];
  readonly tls: VirtualServiceSpecTls[];
}

/**
 * An egress gateway: the same gateway workload as {@link IngressGateway} (ClusterIP Service, the
 * environment's `egressGateway` sizing) through which {@link routeExternalHost} sends traffic for
 * external hosts, as Istio's "Egress Gateways" task does. With `outboundTrafficPolicy: REGISTRY_ONLY`
 * this gives one audited exit point: sidecars reach the host only via the gateway.
 */
export class EgressGateway extends MeshGateway {
  private destinationRule?: DestinationRule;
  private readonly subsets: string[] = [];
  private readonly hostVirtualServices = new Map<string, HostVirtualService>();

  constructor(scope: Construct, id: string, props: EgressGatewayProps = {}) {
    super(scope, id, props, {
      defaultNamespace: 'istio-egress',
      defaultServiceType: GatewayServiceType.CLUSTER_IP,
      direction: GatewayDirection.EGRESS,
    });
  }

  /**
   * Routes one external host through this gateway (see {@link EgressRoute}); the route is a child of
   * this gateway with the given id. The host needs a Sidecar egress entry for the gateway's namespace
   * (`<namespace>/*`) where Sidecar scopes are used.
   */
  public routeExternalHost(id: string, options: EgressRouteOptions): EgressRoute {
    const props = checkChildOptions(this, 'routeExternalHost', id, options, 'EgressRouteOptions');
    return new EgressRoute(this, id, { ...props, gateway: this });
  }

  /**
   * Adds the server and the DestinationRule subset of one route; errors name the route.
   * @internal
   */
  public _addRoute(route: Construct, name: string, tls: boolean, host: string, gatewayPort: number): void {
    if (this.subsets.includes(name)) {
      throw invalidInput(route, 'name', name, 'already names a route of this egress gateway', 'give each route its own name');
    }
    this.addServer(tls ? GatewayServer.tlsPassthrough({ hosts: [host], port: gatewayPort }) : GatewayServer.http({ hosts: [host], port: gatewayPort }));
    this.subsets.push(name);
    if (!this.destinationRule) {
      this.destinationRule = new DestinationRule(this, 'DestinationRule', {
        metadata: { name: this.name, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this.toDestinationRuleSpec() }) as unknown as DestinationRuleSpec,
      });
    }
  }

  /**
   * The VirtualService of `host` (one per host and gateway, holding the `http` and `tls` routes of
   * every route of the host), made by `create` for the host's first route.
   * @internal
   */
  public _hostVirtualService(host: string, create: () => VirtualService): HostVirtualService {
    const key = host.toLowerCase();
    let entry = this.hostVirtualServices.get(key);
    if (!entry) {
      entry = { virtualService: create(), http: [], tls: [] };
      this.hostVirtualServices.set(key, entry);
    }
    return entry;
  }

  /** The DestinationRule for the gateway Service: one subset per route. */
  public toDestinationRuleSpec(): DestinationRuleSpec {
    return { host: this.serviceHost, subsets: this.subsets.map((name) => ({ name })) };
  }
}

/**
 * One external host routed through an {@link EgressGateway}, as Istio's "Egress Gateways" task does it:
 * a server for the host on the gateway (HTTP on 80, or TLS passthrough on 443), a subset of the
 * gateway's DestinationRule, and routes in a VirtualService bound to `mesh` and to the gateway — sidecars
 * send the host's traffic to the gateway, the gateway sends it on to the host. Made by
 * {@link EgressGateway.routeExternalHost}.
 *
 * The routes of one host through one gateway share one VirtualService (named after the host's first
 * route): routing both the HTTP port 80 and the TLS port 443 of a host gives one object with an `http`
 * and a `tls` section. It is a mesh VirtualService for the host, so another one for the same host (a
 * `HostRoutes`, a route of the host through another egress gateway) is an analyzer error (IST0109).
 *
 * The service must be one the gateway can forward to: its resolution must not be NONE (the gateway
 * would send the connection to its original destination, which is the gateway itself; use DNS, or
 * STATIC with endpoints), and its `exportTo` must let the gateway's namespace see it.
 */
export class EgressRoute extends Construct {
  /** The routed external host. */
  public readonly host: string;
  /** The service port routed. */
  public readonly port: number;
  /** The gateway port the traffic passes (80 for HTTP, 443 for TLS). */
  public readonly gatewayPort: number;
  /** Name of the gateway DestinationRule's subset for this route. */
  public readonly name: string;
  /** Namespace of the VirtualService (the gateway's). */
  public readonly namespace: string;
  /** The VirtualService of the host, shared by every route of the host through this gateway. */
  public readonly virtualService: VirtualService;

  constructor(scope: Construct, id: string, props: EgressRouteProps) {
    super(scope, id);
    props = checkProps(this, props, 'EgressRouteProps');
    const gateway = checkInstance(this, 'gateway', props.gateway, EgressGateway, 'create the route with egressGateway.routeExternalHost(...)');
    const service = checkInstance(this, 'service', props.service, ExternalService, 'register the host with new ExternalService(...) and pass it');
    if (props.host !== undefined) {
      checkString(this, 'host', props.host, { fix: 'name one of the service\'s hosts' });
    }
    if (props.port !== undefined) {
      checkPort(this, 'port', props.port, 'name one of the service\'s port numbers');
    }
    if (props.name !== undefined) {
      checkString(this, 'name', props.name, { fix: 'use e.g. "stripe-egress"' });
    }
    const host = props.host ?? (service.hosts.length === 1 ? service.hosts[0] : undefined);
    if (host === undefined || !service.hosts.includes(host)) {
      throw invalidInput(this, 'host', props.host, `is not one host of ${service.node.path} (hosts: ${service.hosts.join(', ')})`, 'name one of its hosts');
    }
    if (host.startsWith('*')) {
      throw invalidInput(this, 'host', host, 'is a wildcard; an egress gateway forwards to one named host', 'route each concrete host, e.g. "en.wikipedia.org"');
    }
    if (service.resolution === ServiceResolution.NONE) {
      throw invalidInput(this, 'service', service.node.path,
        `resolves ${host} with NONE: the gateway would forward each connection to its original destination, which is the gateway itself, in a loop (Istio's Egress Gateways task)`,
        'give the ExternalService resolution: ServiceResolution.DNS (or STATIC with endpoints)');
    }
    const exportTo = service.toSpec().exportTo;
    if (exportTo !== undefined && !exportTo.some((e) => e === '*' || e === gateway.namespace || (e === '.' && service.namespace === gateway.namespace))) {
      throw invalidInput(this, 'service', service.node.path,
        `has exportTo ${JSON.stringify(exportTo)} (ServiceEntry in namespace ${service.namespace}), which hides ${host} from the gateway's namespace ${gateway.namespace}, so the gateway cannot route to it`,
        `add "${gateway.namespace}" (or "*") to the ExternalService's exportTo, or leave exportTo out`);
    }
    const port = props.port !== undefined
      ? service.ports.find((p) => p.number === props.port)
      : (service.ports.length === 1 ? service.ports[0] : undefined);
    if (!port) {
      throw invalidInput(this, 'port', props.port, `is not one port of ${service.node.path} (ports: ${service.ports.map((p) => p.number).join(', ')})`, 'name one of its port numbers');
    }
    const tls = SNI.includes(port.protocol);
    if (!tls && !PLAIN.includes(port.protocol)) {
      throw invalidInput(this, 'port', port.number, `speaks ${port.protocol}; an egress gateway route needs HTTP or TLS/HTTPS (the gateway routes on Host or SNI)`,
        'route an HTTP or TLS port');
    }
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use e.g. "stripe-egress"');
    this.host = host;
    this.port = port.number;
    this.namespace = gateway.namespace;
    this.gatewayPort = tls ? 443 : 80;
    gateway._addRoute(this, this.name, tls, host, this.gatewayPort);

    const toGateway = { destination: { host: gateway.serviceHost, subset: this.name, port: { number: this.gatewayPort } } };
    const toHost = { destination: { host, port: { number: port.number } } };
    const shared = gateway._hostVirtualService(host, () => new VirtualService(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => ({
        hosts: [host],
        gateways: ['mesh', gateway.gatewayRef],
        ...(shared.http.length ? { http: shared.http } : {}),
        ...(shared.tls.length ? { tls: shared.tls } : {}),
      }) }) as unknown as VirtualServiceSpec,
    }));
    if (tls) {
      shared.tls.push(
        { match: [{ gateways: ['mesh'], port: port.number, sniHosts: [host] }], route: [toGateway] },
        { match: [{ gateways: [gateway.gatewayRef], port: this.gatewayPort, sniHosts: [host] }], route: [toHost] },
      );
    } else {
      shared.http.push(
        { match: [{ gateways: ['mesh'], port: port.number }], route: [toGateway] },
        { match: [{ gateways: [gateway.gatewayRef], port: this.gatewayPort }], route: [toHost] },
      );
    }
    this.virtualService = shared.virtualService;
  }
}
