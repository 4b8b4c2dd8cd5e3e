import { k8s } from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkArray, checkBoolean, checkInstance, checkProps } from '../core/input';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { checkDnsLabel } from '../core/names';
import { isIpOrCidr } from '../core/network';
import { meshNamespaceSelectors } from '../workload/mesh-namespace';

/** The istiod ports the policy opens. */
export enum IstiodPort {
  /**
   * xDS over plaintext gRPC. Injected sidecars and gateways use 15012; only opened with
   * `allowPlaintextXds`.
   */
  XDS_PLAINTEXT = 15010,
  /** xDS and the CA over mTLS (sidecars, gateways, ztunnel, remote clusters). */
  XDS_TLS = 15012,
  /** Control-plane metrics (`/metrics`) for Prometheus. */
  MONITORING = 15014,
  /** The sidecar-injection and config-validation webhooks (Service port 443 → target port 15017). */
  WEBHOOK = 15017,
}

/** Props of an {@link IstiodNetworkPolicy}. */
export interface IstiodNetworkPolicyProps {
  /**
   * The control plane whose istiod pods are protected: its namespace, and its revision for the pod
   * selector.
   * @default namespace "istio-system", the default revision
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * Also open xDS over plaintext gRPC (15010), for clients that do not use the mTLS port: old or
   * hand-configured proxies, debugging tools. Injected sidecars, gateways and ztunnel use 15012.
   * @default false
   */
  readonly allowPlaintextXds?: boolean;
  /**
   * More namespaces whose pods talk xDS to istiod, by name: e.g. namespaces whose pods opt into
   * injection with the pod label `sidecar.istio.io/inject` instead of a namespace label.
   * @default none beyond the labelled mesh namespaces
   */
  readonly meshNamespaces?: string[];
  /**
   * Namespaces of gateways (ingress, egress, east-west), which need xDS but usually carry no
   * injection label.
   * @default none
   */
  readonly gatewayNamespaces?: string[];
  /**
   * Namespaces allowed to scrape istiod's metrics on 15014; `[]` allows none.
   * @default ["monitoring"]
   */
  readonly monitoringNamespaces?: string[];
  /**
   * CIDRs the Kubernetes API server calls the webhook port from. The API server usually sits outside
   * the pod network (managed control planes, host network), and some CNIs do not show it as an IP at
   * all, so a wrong CIDR silently breaks sidecar injection and config validation.
   * @default none: port 15017 is open to every source (and only that port)
   */
  readonly apiServerCidrs?: string[];
  /**
   * Name of the NetworkPolicy.
   * @default "istiod", or "istiod-<revision>"
   */
  readonly name?: string;
}

/**
 * A Kubernetes NetworkPolicy (networking.k8s.io/v1) that closes istiod's pods to everything except:
 *
 * - **xDS 15012** (and plaintext 15010 only with `allowPlaintextXds`) from mesh namespaces, selected
 *   by the labels Istio itself reads: any `istio.io/rev` (the key exists, whatever the revision),
 *   `istio-injection=enabled` and `istio.io/dataplane-mode=ambient` (waypoints); from istiod's own
 *   namespace (gateways installed there, ztunnel, the east-west gateway); and from `meshNamespaces`
 *   and `gatewayNamespaces` by name (`kubernetes.io/metadata.name`).
 *
 *   Mesh namespaces are not narrowed to this control plane's revision, on purpose: in a revision
 *   upgrade a namespace is relabelled to the new revision before its pods restart, and until they do
 *   their proxies keep reconnecting to the old istiod. A policy that only admitted
 *   `istio.io/rev=<old>` would refuse them from that moment. This matches `discoverySelectors` that
 *   select mesh namespaces by `istio.io/rev` Exists;
 * - **monitoring 15014** from `monitoringNamespaces` only;
 * - **webhook 15017** from the Kubernetes API server. The API server is usually not a pod, and its
 *   address is not stable or not visible to the CNI, so by default this one port is open to every
 *   source: locking it to the wrong peers breaks sidecar injection (pods start without a proxy) and
 *   config validation (every Istio resource apply fails). Give `apiServerCidrs` to narrow it.
 *
 * Egress is not restricted (`policyTypes: [Ingress]`): istiod must reach the API server and, for
 * remote JWKS, the issuers; restricting it belongs to a cluster-wide egress design.
 */
export class IstiodNetworkPolicy extends Construct {
  /** The NetworkPolicy object. */
  public readonly resource: k8s.KubeNetworkPolicy;
  /** The namespace of istiod. */
  public readonly namespace: string;

  constructor(scope: Construct, id: string, props: IstiodNetworkPolicyProps = {}) {
    super(scope, id);
    props = checkProps(this, props, 'IstiodNetworkPolicyProps');
    const cp = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'give the MeshControlPlane whose istiod the policy protects, or leave controlPlane out');
    this.namespace = cp?.namespace ?? 'istio-system';
    const revision = cp?.revision;
    const plaintextXds = props.allowPlaintextXds === undefined ? false : checkBoolean(this, 'allowPlaintextXds', props.allowPlaintextXds);
    const names = (field: string, list: readonly string[] | undefined): string[] => {
      if (list === undefined) {
        return [];
      }
      const checked = checkArray(this, field, list, (n, f) => checkDnsLabel(this, f, n, 'use a namespace name'), { fix: 'give namespace names, e.g. ["istio-ingress"]' });
      return [...new Set(checked)].sort();
    };
    const byName = (ns: string): k8s.NetworkPolicyPeer => ({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } });

    const explicit = [...new Set([this.namespace, ...names('meshNamespaces', props.meshNamespaces), ...names('gatewayNamespaces', props.gatewayNamespaces)])];
    const xdsPeers: k8s.NetworkPolicyPeer[] = [
      // The one definition of a mesh namespace, shared with MeshNamespace.discoverySelectors().
      ...meshNamespaceSelectors().map((namespaceSelector) => ({ namespaceSelector })),
      ...explicit.map(byName),
    ];
    const monitoring = names('monitoringNamespaces', props.monitoringNamespaces ?? ['monitoring']);

    const cidrs = props.apiServerCidrs;
    if (cidrs !== undefined) {
      if (Array.isArray(cidrs) && cidrs.length === 0) {
        throw invalidInput(this, 'apiServerCidrs', cidrs, 'is empty, which would block the API server from the webhook (no sidecar injection, no config validation)',
          'give the API server CIDRs, e.g. ["10.0.0.0/28"], or leave apiServerCidrs out to keep port 15017 open');
      }
      checkArray(this, 'apiServerCidrs', cidrs, (c, f) => {
        if (typeof c !== 'string' || !c.includes('/') || !isIpOrCidr(c)) {
          throw invalidInput(this, f, c, 'is not a CIDR range', 'give e.g. "172.16.0.0/28" (a single address as "172.16.0.2/32")');
        }
        return c;
      }, { fix: 'give the API server CIDRs, e.g. ["10.0.0.0/28"], or leave apiServerCidrs out to keep port 15017 open' });
    }

    const tcp = (port: IstiodPort): k8s.NetworkPolicyPort => ({ protocol: 'TCP', port: k8s.IntOrString.fromNumber(port) });
    const ingress: k8s.NetworkPolicyIngressRule[] = [
      { from: xdsPeers, ports: [...(plaintextXds ? [tcp(IstiodPort.XDS_PLAINTEXT)] : []), tcp(IstiodPort.XDS_TLS)] },
      ...(monitoring.length ? [{ from: monitoring.map(byName), ports: [tcp(IstiodPort.MONITORING)] }] : []),
      cidrs ? { from: [...new Set(cidrs)].sort().map((cidr) => ({ ipBlock: { cidr } })), ports: [tcp(IstiodPort.WEBHOOK)] } : { ports: [tcp(IstiodPort.WEBHOOK)] },
    ];

    const name = checkDnsLabel(this, 'name', props.name ?? (revision ? `istiod-${revision}` : 'istiod'), 'use a DNS label, e.g. "istiod"');
    this.resource = new k8s.KubeNetworkPolicy(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: {
        podSelector: { matchLabels: { app: 'istiod', ...(revision ? { 'istio.io/rev': revision } : {}) } },
        policyTypes: ['Ingress'],
        ingress,
      },
    });
  }
}
