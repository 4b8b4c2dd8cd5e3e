import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { GatewayServer } from './gateway-server';
import { GatewayServiceType, MeshGateway, MeshGatewayProps } from './mesh-gateway';
import {
  DestinationRule, DestinationRuleSpec, VirtualService, VirtualServiceSpec,
} from '../../imports/networking.istio.io';
import { invalidInput } from '../core/errors';
import { checkDnsLabel } from '../core/names';
import { ExternalService, ServiceProtocol } from '../traffic/service-entry';

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
   * Name of the VirtualService.
   * @default the construct id
   */
  readonly name?: string;
}

const PLAIN = [ServiceProtocol.HTTP];
const SNI = [ServiceProtocol.TLS, ServiceProtocol.HTTPS];

/**
 * An egress gateway: the same gateway workload as {@link IngressGateway} (ClusterIP Service, the
 * environment's `egressGateway` sizing) through which {@link routeExternalHost} sends traffic for
 * external hosts, as Istio's "Egress Gateways" task does. With `outboundTrafficPolicy: REGISTRY_ONLY`
 * this gives one audited exit point: sidecars reach the host only via the gateway.
 */
export class EgressGateway extends MeshGateway {
  private destinationRule?: DestinationRule;
  private readonly subsets: string[] = [];

  constructor(scope: Construct, id: string, props: EgressGatewayProps = {}) {
    super(scope, id, props, {
      defaultNamespace: 'istio-egress',
      defaultServiceType: GatewayServiceType.CLUSTER_IP,
      sizingOf: (env) => env.egressGateway,
      sizingField: 'sizing',
    });
  }

  /**
   * Routes one external host through this gateway. Adds to the gateway a server for the host (HTTP on 80,
   * or TLS passthrough on 443) and a subset to the gateway's DestinationRule, and creates a VirtualService
   * (child `id`) bound to `mesh` and to the gateway: sidecars send the host's traffic to the gateway, the
   * gateway sends it on to the host. The host needs a Sidecar egress entry for the gateway's namespace
   * (`<namespace>/*`) where Sidecar scopes are used.
   */
  public routeExternalHost(id: string, options: EgressRouteOptions): VirtualService {
    const scope = new Construct(this, id);
    const service = options.service;
    if (!(service instanceof ExternalService)) {
      throw invalidInput(scope, 'service', service, 'is not an ExternalService', 'register the host with new ExternalService(...) and pass it');
    }
    const host = options.host ?? (service.hosts.length === 1 ? service.hosts[0] : undefined);
    if (host === undefined || !service.hosts.includes(host)) {
      throw invalidInput(scope, 'host', options.host, `is not one host of ${service.node.path} (hosts: ${service.hosts.join(', ')})`, 'name one of its hosts');
    }
    if (host.startsWith('*')) {
      throw invalidInput(scope, 'host', host, 'is a wildcard; an egress gateway forwards to one named host', 'route each concrete host, e.g. "en.wikipedia.org"');
    }
    const port = options.port !== undefined
      ? service.ports.find((p) => p.number === options.port)
      : (service.ports.length === 1 ? service.ports[0] : undefined);
    if (!port) {
      throw invalidInput(scope, 'port', options.port, `is not one port of ${service.node.path} (ports: ${service.ports.map((p) => p.number).join(', ')})`, 'name one of its port numbers');
    }
    const tls = SNI.includes(port.protocol);
    if (!tls && !PLAIN.includes(port.protocol)) {
      throw invalidInput(scope, 'port', port.number, `speaks ${port.protocol}; an egress gateway route needs HTTP or TLS/HTTPS (the gateway routes on Host or SNI)`,
        'route an HTTP or TLS port');
    }
    const name = checkDnsLabel(scope, 'name', options.name ?? id, 'use e.g. "stripe-egress"');
    if (this.subsets.includes(name)) {
      throw invalidInput(scope, 'name', name, 'already names a route of this egress gateway', 'give each route its own name');
    }
    const gatewayPort = tls ? 443 : 80;
    this.addServer(tls ? GatewayServer.tlsPassthrough({ hosts: [host], port: gatewayPort }) : GatewayServer.http({ hosts: [host], port: gatewayPort }));
    this.subsets.push(name);
    if (!this.destinationRule) {
      this.destinationRule = new DestinationRule(this, 'DestinationRule', {
        metadata: { name: this.name, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this.toDestinationRuleSpec() }) as unknown as DestinationRuleSpec,
      });
    }

    const toGateway = { destination: { host: this.serviceHost, subset: name, port: { number: gatewayPort } } };
    const toHost = { destination: { host, port: { number: port.number } } };
    const spec: VirtualServiceSpec = tls
      ? {
        hosts: [host],
        gateways: ['mesh', this.gatewayRef],
        tls: [
          { match: [{ gateways: ['mesh'], port: port.number, sniHosts: [host] }], route: [toGateway] },
          { match: [{ gateways: [this.gatewayRef], port: gatewayPort, sniHosts: [host] }], route: [toHost] },
        ],
      }
      : {
        hosts: [host],
        gateways: ['mesh', this.gatewayRef],
        http: [
          { match: [{ gateways: ['mesh'], port: port.number }], route: [toGateway] },
          { match: [{ gateways: [this.gatewayRef], port: gatewayPort }], route: [toHost] },
        ],
      };
    return new VirtualService(scope, 'Resource', { metadata: { name, namespace: this.namespace }, spec });
  }

  /** The DestinationRule for the gateway Service: one subset per route. */
  public toDestinationRuleSpec(): DestinationRuleSpec {
    return { host: this.serviceHost, subsets: this.subsets.map((name) => ({ name })) };
  }
}
