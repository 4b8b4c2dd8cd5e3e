import { Duration, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { ServerProtocol } from './gateway-server';
import type { IngressGateway } from './ingress-gateway';
import {
  VirtualService, VirtualServiceSpec, VirtualServiceSpecHttp, VirtualServiceSpecTls,
} from '../../imports/networking.istio.io';
import { istioDuration } from '../core/duration';
import { formatInputError, invalidInput } from '../core/errors';
import { checkHostname, hostCoveredBy } from '../core/hostnames';
import { checkDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';

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
   * Service host; give the FQDN (`productpage.bookinfo.svc.cluster.local`): a short name is resolved in
   * the VirtualService's namespace.
   */
  readonly host: string;
  /**
   * Service port.
   * @default the service's only port (required by Istio when the service has several)
   */
  readonly port?: number;
  /**
   * Subset of a DestinationRule for the host.
   * @default none
   */
  readonly subset?: string;
}

/** Options of {@link IngressGateway.addRoute}. */
export interface GatewayRouteOptions {
  /** Hosts routed; each must be served by a server of the gateway (IST0132). */
  readonly hosts: string[];
  /** Where the traffic goes. */
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
}

/** Props of a {@link GatewayRoute}. */
export interface GatewayRouteProps extends GatewayRouteOptions {
  /** The gateway the VirtualService binds to. */
  readonly gateway: IngressGateway;
}

const SUBSET = /^[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/**
 * A `networking.istio.io/v1` VirtualService bound to one gateway (`gateways: [<ns>/<name>]`) that routes
 * its hosts to one destination. Every host must be served by a server of the gateway of the matching kind
 * (HTTP/HTTPS for HTTP routes, TLS for passthrough): istioctl reports IST0132 otherwise, and the route
 * would never receive traffic. Checked at synth, so servers added later count.
 */
export class GatewayRoute extends Construct {
  /** The VirtualService. */
  public readonly resource: VirtualService;
  /** Name of the VirtualService. */
  public readonly name: string;
  /** Namespace of the VirtualService. */
  public readonly namespace: string;
  /** Routed hosts. */
  public readonly hosts: readonly string[];

  private readonly spec: VirtualServiceSpec;

  constructor(scope: Construct, id: string, props: GatewayRouteProps) {
    super(scope, id);
    const gateway = props.gateway;
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use e.g. "bookinfo"');
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace ?? gateway.namespace, 'use e.g. "bookinfo"');
    const kind = props.kind ?? GatewayRouteKind.HTTP;
    if (!Object.values(GatewayRouteKind).includes(kind)) {
      throw invalidInput(this, 'kind', kind, 'is not a route kind', 'use GatewayRouteKind.HTTP or GatewayRouteKind.TLS_PASSTHROUGH');
    }
    if (!Array.isArray(props.hosts) || props.hosts.length === 0) {
      throw invalidInput(this, 'hosts', props.hosts, 'is empty', 'list the hosts to route, e.g. ["bookinfo.example.com"]');
    }
    const hosts = props.hosts.map((h, i) => checkHostname(this, `hosts[${i}]`, h));
    const dup = hosts.find((h, i) => hosts.findIndex((o) => o.toLowerCase() === h.toLowerCase()) !== i);
    if (dup) {
      throw invalidInput(this, 'hosts', dup, 'is listed twice (ISTIO-RULES V6)', 'list each host once');
    }
    this.hosts = Object.freeze([...hosts]);
    const dest = props.destination;
    if (!dest || typeof dest !== 'object') {
      throw invalidInput(this, 'destination', dest, 'is missing', 'give { host: "productpage.bookinfo.svc.cluster.local", port: 9080 }');
    }
    const destHost = checkHostname(this, 'destination.host', dest.host, { wildcard: false });
    const destination = {
      host: destHost,
      ...(dest.port !== undefined ? { port: { number: checkPort(this, 'destination.port', dest.port) } } : {}),
      ...(dest.subset !== undefined ? { subset: checkSubset(this, dest.subset) } : {}),
    };

    if (kind === GatewayRouteKind.HTTP) {
      const http: { -readonly [K in keyof VirtualServiceSpecHttp]: VirtualServiceSpecHttp[K] } = { route: [{ destination }] };
      if (props.pathPrefix !== undefined) {
        if (typeof props.pathPrefix !== 'string' || !props.pathPrefix.startsWith('/')) {
          throw invalidInput(this, 'pathPrefix', props.pathPrefix, 'is not a path prefix', 'start it with "/", e.g. "/productpage"');
        }
        http.match = [{ uri: { prefix: props.pathPrefix } }];
      }
      if (props.timeout !== undefined) {
        http.timeout = istioDuration(this, 'timeout', props.timeout);
      }
      this.spec = { hosts: [...hosts], gateways: [gateway.gatewayRef], http: [http] };
    } else {
      if (props.pathPrefix !== undefined || props.timeout !== undefined) {
        throw invalidInput(this, props.pathPrefix !== undefined ? 'pathPrefix' : 'timeout', props.pathPrefix ?? props.timeout,
          'applies to HTTP routes only; a passthrough route sees encrypted bytes', 'drop it, or terminate TLS with an HTTPS server and an HTTP route');
      }
      const tls: VirtualServiceSpecTls = { match: [{ sniHosts: [...hosts] }], route: [{ destination }] };
      this.spec = { hosts: [...hosts], gateways: [gateway.gatewayRef], tls: [tls] };
    }

    this.resource = new VirtualService(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as VirtualServiceSpec,
    });
    this.node.addValidation({ validate: () => this.uncoveredHosts(gateway, kind) });
  }

  /** The VirtualService spec (a copy). */
  public toSpec(): VirtualServiceSpec {
    return JSON.parse(JSON.stringify(this.spec));
  }

  /** IST0132: every host must be served by a server of the gateway, of the route's kind. */
  private uncoveredHosts(gateway: IngressGateway, kind: GatewayRouteKind): string[] {
    const servers = gateway.servers.filter((s) => (kind === GatewayRouteKind.HTTP ? s.protocol !== ServerProtocol.TLS : s.protocol === ServerProtocol.TLS));
    const errors: string[] = [];
    for (const host of this.hosts) {
      const covered = servers.some((s) => s.hosts.some((h) => this.namespaceMatches(h.namespace, gateway.namespace) && hostCoveredBy(host, h.dnsName)));
      if (!covered) {
        const served = servers.flatMap((s) => s.spec.hosts);
        errors.push(formatInputError('', 'hosts', host,
          `is not served by any ${kind === GatewayRouteKind.HTTP ? 'HTTP/HTTPS' : 'TLS passthrough'} server of gateway ${gateway.gatewayRef} for a VirtualService in namespace "${this.namespace}" (IST0132 VirtualServiceHostNotFoundInGateway; served: ${JSON.stringify(served)})`,
          `add a server for "${host}" to the gateway, or route only hosts it serves`));
      }
    }
    return errors;
  }

  private namespaceMatches(serverNamespace: string | undefined, gatewayNamespace: string): boolean {
    if (serverNamespace === undefined || serverNamespace === '*') {
      return true;
    }
    if (serverNamespace === '.') {
      return this.namespace === gatewayNamespace;
    }
    return serverNamespace === this.namespace;
  }
}

function checkSubset(scope: IConstruct, value: unknown): string {
  if (typeof value !== 'string' || !SUBSET.test(value)) {
    throw invalidInput(scope, 'destination.subset', value, 'is not a subset name', 'use the name of a DestinationRule subset, e.g. "v1"');
  }
  return value;
}
