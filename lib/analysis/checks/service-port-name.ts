import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { GK } from '../resources';

/** The protocols a port name prefix (or appProtocol) names, as Istio's `protocol.Parse` reads them (case-insensitive). */
const PROTOCOLS = new Set(['tcp', 'udp', 'grpc', 'grpc-web', 'http', 'http_proxy', 'http2', 'https', 'tls', 'mongo', 'redis', 'mysql']);
/** Ports Istio takes as TCP without a protocol (SMTP, DNS, MySQL, MongoDB): no sniffing there. */
const WELL_KNOWN_TCP = new Set([25, 53, 3306, 27017]);
/** The `appProtocol` values Kubernetes defines. */
const KUBERNETES_APP_PROTOCOLS = new Set(['kubernetes.io/h2c', 'kubernetes.io/ws', 'kubernetes.io/wss']);
/** Services that gateway controllers create (`gateway.istio.io/managed`), which users do not name. */
const MANAGED = new Set(['istio.io-gateway-controller', 'istio.io-mesh-controller', 'istio.io-eastwest-controller']);

/**
 * Whether Istio knows the protocol of a Service port (`kube.ConvertProtocol`): UDP ports are UDP;
 * else `appProtocol` when set, else the name: `grpc-web…`, or the part before the first `-` naming a
 * protocol (`http`, `http-web`, `tcp-db`, `grpc`…); else TCP on the well-known ports 25, 53, 3306
 * and 27017; anything else is unknown (the proxy sniffs the protocol).
 */
export function portProtocolKnown(port: number, name: string, protocol: string, appProtocol: string | undefined): boolean {
  if (protocol === 'UDP') return true;
  let n = name;
  if (appProtocol !== undefined) {
    if (KUBERNETES_APP_PROTOCOLS.has(appProtocol)) return true;
    n = appProtocol;
  }
  if (n.slice(0, 8).toLowerCase() === 'grpc-web') return true;
  const dash = n.indexOf('-');
  if (PROTOCOLS.has((dash >= 0 ? n.slice(0, dash) : n).toLowerCase())) return true;
  return WELL_KNOWN_TCP.has(port);
}

/**
 * Service port names (Istio's `service.PortNameAnalyzer`): a port whose protocol Istio cannot tell from
 * its `appProtocol` or its name (`<protocol>[-<suffix>]`) is sniffed (IST0118, Info); on an
 * ExternalName Service such a port, or one named plain `tcp`, keeps the proxy from forwarding it
 * correctly (IST0150). Control-plane Services (an `istio` label, or `release: istio`) and
 * Services made by gateway controllers are skipped, as in Istio.
 */
export const servicePortName: Check = {
  name: 'service.portname',
  codes: ['IST0118', 'IST0150'],
  description: 'Service ports whose protocol Istio cannot tell from their name or appProtocol',
  run(ctx) {
    for (const r of ctx.output(GK.Service)) {
      const labels = labelsOf(isRecord(r.raw.metadata) ? r.raw.metadata.labels : undefined);
      if (labels.istio !== undefined || labels.release === 'istio' || MANAGED.has(labels['gateway.istio.io/managed'])) continue;
      const spec = specOf(r.raw);
      const externalName = spec.type === 'ExternalName';
      arr(spec.ports).forEach((p, i) => {
        if (!isRecord(p) || typeof p.port !== 'number') return;
        const name = typeof p.name === 'string' ? p.name : '';
        const protocol = typeof p.protocol === 'string' ? p.protocol : 'TCP';
        const appProtocol = typeof p.appProtocol === 'string' ? p.appProtocol : undefined;
        const known = portProtocolKnown(p.port, name, protocol, appProtocol);
        if (known && !(externalName && name === 'tcp')) return;
        const field = `spec.ports[${i}].name`;
        if (externalName) {
          ctx.report('IST0150', r, field, [], `name the port after the protocol it carries other than plain "tcp", e.g. "https-${p.port}" or "tls-${p.port}" (or "tcp-${p.port}" for raw TCP)`);
          return;
        }
        const targetPort = typeof p.targetPort === 'number' || (typeof p.targetPort === 'string' && p.targetPort !== '') ? String(p.targetPort) : String(p.port);
        ctx.report('IST0118', r, field, [name, p.port, targetPort],
          `name it <protocol>[-<suffix>] (e.g. "http-${name || 'web'}", "grpc", "tcp-${name || 'db'}") or set appProtocol, so that Istio knows the protocol instead of sniffing it`);
      });
    }
  },
};
