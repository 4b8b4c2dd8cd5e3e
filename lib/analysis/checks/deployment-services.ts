import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { podInMesh } from '../injection';
import { PodInfo } from '../pods';
import { GK, nsName } from '../resources';

/** One port of a Service that selects a Deployment's pods. */
interface SelectingPort {
  readonly service: string;
  readonly port: number;
  readonly protocol: string;
  readonly targetPort: string;
}

/**
 * Services that select one Deployment's pods (Istio's `deployment.MultiServiceAnalyzer`), for
 * Deployments with a sidecar: one port number with two protocols (IST0116: the sidecar has one
 * listener per port), and one target port behind two different service ports (IST0137). Waypoint
 * Deployments are skipped. A Deployment has a sidecar as Istio's analyzers decide it (an `istio-proxy`
 * container, the `sidecar.istio.io/inject` label or annotation, `istio-injection=enabled` on the
 * namespace), and also with an `istio.io/rev` label on its namespace or pods, which Istio's `DeploymentInMesh` leaves out.
 */
export const deploymentServices: Check = {
  name: 'deployment.multiservice',
  codes: ['IST0116', 'IST0137'],
  description: 'Services that select one Deployment with one port number and two protocols, or one target port and two ports',
  run(ctx) {
    const byPod = new Map<PodInfo, SelectingPort[]>();
    for (const svc of ctx.all(GK.Service)) {
      const spec = specOf(svc.raw);
      const selector = labelsOf(spec.selector);
      if (Object.keys(selector).length === 0 || svc.namespace === undefined) continue;
      const ports = arr(spec.ports).filter((p) => isRecord(p) && typeof p.port === 'number').map((p) => ({
        service: nsName(svc),
        port: p.port as number,
        protocol: typeof p.protocol === 'string' && p.protocol !== '' ? p.protocol : 'TCP',
        targetPort: (typeof p.targetPort === 'number' && p.targetPort !== 0) || (typeof p.targetPort === 'string' && p.targetPort !== '') ? String(p.targetPort) : String(p.port),
      }));
      for (const pod of ctx.pods.matching(svc.namespace, selector)) {
        if (pod.owner.groupKind !== GK.Deployment || pod.owner.external) continue;
        byPod.set(pod, [...(byPod.get(pod) ?? []), ...ports]);
      }
    }
    for (const [pod, ports] of byPod) {
      const d = pod.owner;
      if (labelsOf(d.raw.metadata?.labels)['gateway.istio.io/managed'] === 'istio.io-mesh-controller' || !podInMesh(ctx, pod)) continue;
      protocolConflicts(ports, (port, services) => ctx.report('IST0116', d, undefined, [d.name, port, services],
        `give each protocol its own port number, or let only one of these Services select the pods: the sidecar has one listener, with one protocol, per port`));
      targetPortConflicts(ports, (targetPort, services, numbers) => ctx.report('IST0137', d, undefined, [d.name, services, targetPort, numbers],
        `use one service port number for target port ${targetPort} in every Service that selects these pods, or select the pods from one Service`));
    }
  },
};

/** Calls `found` for each port number that two protocols use (the services of both, sorted). */
function protocolConflicts(ports: readonly SelectingPort[], found: (port: number, services: string[]) => void): void {
  const byPort = new Map<number, Map<string, string[]>>();
  for (const p of ports) {
    const protocols = byPort.get(p.port) ?? new Map<string, string[]>();
    protocols.set(p.protocol, [...(protocols.get(p.protocol) ?? []), p.service]);
    byPort.set(p.port, protocols);
  }
  for (const port of [...byPort.keys()].sort((a, b) => a - b)) {
    const protocols = byPort.get(port)!;
    if (protocols.size > 1) found(port, [...protocols.values()].flat().sort());
  }
}

/** Calls `found` for each target port that two service port numbers lead to. */
function targetPortConflicts(ports: readonly SelectingPort[], found: (targetPort: string, services: string[], numbers: number[]) => void): void {
  const byTarget = new Map<string, Map<number, string>>();
  for (const p of ports) {
    const numbers = byTarget.get(p.targetPort) ?? new Map<number, string>();
    numbers.set(p.port, p.service);
    byTarget.set(p.targetPort, numbers);
  }
  for (const [targetPort, numbers] of [...byTarget.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (numbers.size < 2) continue;
    found(targetPort, [...numbers.values()].sort(), [...numbers.keys()].sort((a, b) => a - b));
  }
}
