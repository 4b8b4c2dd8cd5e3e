import { Construct } from 'constructs';
import { GatewayCertificate, GatewayCertificateOptions } from './gateway-certificate';
import { GatewayRoute, GatewayRouteOptions } from './gateway-route';
import { GatewayServer } from './gateway-server';
import { TrafficApi, trafficApiFor } from './gateway-api';
import { gatewayApiIngressRequired } from './gateway-api-ingress';
import { checkChildOptions } from './child-options';
import { GatewayDirection, GatewayServiceType, MeshGateway, MeshGatewayProps } from './mesh-gateway';
import { checkArray, PropsInterface } from '../core/input';

/** Props of an {@link IngressGateway}. */
export interface IngressGatewayProps extends MeshGatewayProps {
  /**
   * Servers of the Gateway; more can be added with `addServer`. At synth the gateway must have at least
   * one (ISTIO-RULES G1).
   * @default none
   */
  readonly servers?: GatewayServer[];
  /**
   * The traffic API: an IngressGateway writes Istio's (`TrafficApi.ISTIO`); in a chart whose
   * `trafficApi` is `GATEWAY_API` give `TrafficApi.ISTIO` here to keep this gateway on Istio's API, or
   * use a `GatewayApiIngress`.
   * @default the MeshChart's `trafficApi`, else TrafficApi.ISTIO
   */
  readonly trafficApi?: TrafficApi;
}

/**
 * An ingress gateway: the gateway workload in its own namespace (Deployment injected with Istio's
 * `gateway` template, a LoadBalancer Service with the status port 15021 and every server port, HPA,
 * PodDisruptionBudget and zone anti-affinity from the environment's `ingressGateway` sizing, a
 * ServiceAccount whose Role reads only the secrets of that namespace) and the `networking.istio.io/v1`
 * Gateway for it. Bind VirtualServices with {@link addRoute}.
 *
 * @example
 * const gw = new IngressGateway(chart, 'ingress-gateway', {
 *   namespace: 'istio-ingress',
 *   controlPlane,
 *   servers: [GatewayServer.https({ hosts: ['bookinfo.example.com'], credentialName: 'bookinfo-tls', redirectHttp: true })],
 * });
 * gw.addRoute('bookinfo', { hosts: ['bookinfo.example.com'], destination: { host: 'productpage.bookinfo.svc.cluster.local', port: 9080 } });
 */
export class IngressGateway extends MeshGateway {
  constructor(scope: Construct, id: string, props: IngressGatewayProps = {}) {
    // MeshGateway checks props (an object, no unknown key) before anything reads them.
    super(scope, id, props, {
      defaultNamespace: 'istio-ingress',
      defaultServiceType: GatewayServiceType.LOAD_BALANCER,
      direction: GatewayDirection.INGRESS,
    });
    if (trafficApiFor(this, props.trafficApi) === TrafficApi.GATEWAY_API) {
      throw new Error(gatewayApiIngressRequired(this.node.path));
    }
    if (props.servers !== undefined) {
      // Checked one by one as added, so each error names its index.
      const servers = checkArray(this, 'servers', props.servers, (server) => server, { fix: 'pass servers: [GatewayServer.https({...})]' });
      for (const server of servers) {
        this.addServer(server as GatewayServer);
      }
    }
    this._requireServers();
  }

  /**
   * Binds a VirtualService to this gateway that routes `hosts` to `destination`. The route is a child
   * of this gateway with the given id; every host must be served by one of the gateway's servers.
   */
  public addRoute(id: string, options: GatewayRouteOptions): GatewayRoute {
    const props = checkChildOptions(this, 'addRoute', id, options, 'GatewayRouteOptions');
    return new GatewayRoute(this, id, { ...props, gateway: this });
  }

  /**
   * Has cert-manager issue the TLS Secret `options.credentialName` of this gateway's HTTPS servers: a
   * `Certificate` (see {@link GatewayCertificate}) in the gateway's namespace, child of this gateway with
   * the given id, whose DNS names are the hosts of the servers that use the credential.
   */
  public issueCertificate(id: string, options: GatewayCertificateOptions): GatewayCertificate {
    const props = checkChildOptions(this, 'issueCertificate', id, options, 'GatewayCertificateOptions');
    return new GatewayCertificate(this, id, { ...props, gateway: this });
  }

  /** @internal */
  protected _propsInterface(): PropsInterface {
    return 'IngressGatewayProps';
  }
}
