import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { ServiceInfo } from '../hosts';
import { PodInfo } from '../pods';
import { GK } from '../resources';
import { gatewayWorkloads, isOperatorGatewayPod, scopeGatewayToNamespace } from './gateway-workloads';

/**
 * A Gateway (`networking.istio.io`) configures the gateway pods its selector picks: none picked (in the
 * output or declared) means it configures nothing (IST0101). A server port that no Service selecting
 * those pods exposes (as `port` or numeric `targetPort`) is listened on but unreachable through the
 * gateway's Service (IST0162). Pods declared external, or installed by an IstioOperator, are not
 * checked for ports: their Services are not in the output.
 */
export const gatewayPorts: Check = {
  name: 'gateway.ingressgatewayport',
  codes: ['IST0101', 'IST0162'],
  description: 'Gateway whose selector picks no pods, or whose server port no Service of those pods exposes',
  run(ctx) {
    const scoped = scopeGatewayToNamespace(ctx);
    let servicesByPod: Map<PodInfo, ServiceInfo[]> | undefined;
    const portsBySelector = new Map<string, { exposed: Set<number>; services: Set<string> }>();
    for (const { gateway, selectorText, pods } of gatewayWorkloads(ctx)) {
      if (gateway.external) continue;
      if (pods.length === 0) {
        ctx.report('IST0101', gateway, 'spec.selector', ['selector', selectorText],
          `run the gateway pods (labels ${selectorText || 'any'})${scoped ? ` in namespace ${gateway.namespace} (PILOT_SCOPE_GATEWAY_TO_NAMESPACE is on)` : ''} in the output, `
          + 'e.g. an IngressGateway, or declare them existing (ExternalResources workloads: { namespace, labels }); or select the labels of the gateway pods');
        continue;
      }
      if (pods.some((p) => p.owner.external || isOperatorGatewayPod(p))) continue;
      // Gateways of one selector (and, when scoped, namespace) share their pods, so their ports.
      const key = `${scoped ? gateway.namespace : ''}\u0000${selectorText}`;
      let ports = portsBySelector.get(key);
      if (ports === undefined) {
        servicesByPod ??= indexServicesByPod(ctx);
        ports = exposedPorts(pods, servicesByPod);
        portsBySelector.set(key, ports);
      }
      const { exposed, services } = ports;
      arr(specOf(gateway.raw).servers).forEach((server, i) => {
        const number = isRecord(server) && isRecord(server.port) ? server.port.number : undefined;
        if (typeof number !== 'number' || exposed.has(number)) return;
        const where = services.size === 0 ? 'no Service selects the gateway pods: add one' : `add it to the Service ${[...services].sort().join(', ')}`;
        ctx.report('IST0162', gateway, `spec.servers[${i}].port.number`, [number, selectorText],
          `${where} with port ${number} (targetPort ${number}), or listen on a port the Service exposes${exposed.size > 0 ? ` (${[...exposed].sort((a, b) => a - b).join(', ')})` : ''}`);
      });
    }
  },
};

/**
 * The ports the Services of `pods` expose to a gateway (TCP `port`s and their `targetPort`s, a named
 * target port read from the pod's container ports), and those Services.
 */
function exposedPorts(pods: readonly PodInfo[], servicesByPod: Map<PodInfo, ServiceInfo[]>): { exposed: Set<number>; services: Set<string> } {
  const exposed = new Set<number>();
  const services = new Set<string>();
  for (const pod of pods) {
    for (const s of servicesByPod.get(pod) ?? []) {
      services.add(`${s.namespace}/${s.resource.name}`);
      for (const p of s.ports) {
        if (p.protocol !== undefined && p.protocol.toUpperCase() !== 'TCP') continue;
        exposed.add(p.number);
        const target = typeof p.targetPort === 'string' ? pod.ports.find((c) => c.name === p.targetPort)?.containerPort : p.targetPort;
        if (target !== undefined && target !== 0) exposed.add(target);
      }
    }
  }
  return { exposed, services };
}

/** The Services (of the output, with a selector) that select each pod, found one Service at a time. */
function indexServicesByPod(ctx: AnalysisContext): Map<PodInfo, ServiceInfo[]> {
  const out = new Map<PodInfo, ServiceInfo[]>();
  for (const r of ctx.all(GK.Service)) {
    if (r.namespace === undefined) continue;
    const info = ctx.services.lookup(`${r.name}.${r.namespace}.svc.cluster.local`).find((s) => s.resource === r);
    if (info?.selector === undefined) continue;
    for (const pod of ctx.pods.matching(r.namespace, info.selector)) {
      const list = out.get(pod);
      if (list) list.push(info);
      else out.set(pod, [info]);
    }
  }
  return out;
}
