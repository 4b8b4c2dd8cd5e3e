import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { nsName, Resource } from '../resources';
import { gatewayWorkloads } from './gateway-workloads';

/**
 * Two Gateways (`networking.istio.io`) that configure the same gateway pods (the same selector, or
 * selectors that pick a common pod) with a server on one port for one host (as written, with the same
 * `bind`): the proxy keeps one of them and which one is undefined. Reported on each Gateway, per server.
 */
export const gatewayConflicts: Check = {
  name: 'gateway.conflictinggateway',
  codes: ['IST0145'],
  description: 'two Gateways serving one host on one port of the same gateway pods',
  run(ctx) {
    // Servers by (workload, port, host, bind): a workload is a selected pod, or the selector itself
    // (two Gateways with one selector share their workload even when no pod is known).
    const buckets = new Map<string, Set<Resource>>();
    const servers: { gateway: Resource; index: number; port: number; hosts: string[]; keys: string[]; selectorText: string }[] = [];
    const podIds = new Map<object, number>();
    for (const { gateway, selectorText, pods } of gatewayWorkloads(ctx)) {
      const workloads = [`selector\u0000${selectorText}`, ...pods.map((p) => {
        if (!podIds.has(p)) podIds.set(p, podIds.size);
        return `pod\u0000${podIds.get(p)}`;
      })];
      arr(specOf(gateway.raw).servers).forEach((server, index) => {
        if (!isRecord(server) || !isRecord(server.port) || typeof server.port.number !== 'number') return;
        const port = server.port.number;
        const bind = typeof server.bind === 'string' ? server.bind : '';
        const hosts = arr(server.hosts).filter((h): h is string => typeof h === 'string');
        const keys: string[] = [];
        for (const w of workloads) {
          for (const h of hosts) {
            const key = `${w}\u0000${port}\u0000${h}\u0000${bind}`;
            keys.push(key);
            const set = buckets.get(key);
            if (set) set.add(gateway);
            else buckets.set(key, new Set([gateway]));
          }
        }
        servers.push({ gateway, index, port, hosts, keys, selectorText });
      });
    }
    for (const { gateway, index, port, hosts, keys, selectorText } of servers) {
      if (gateway.external) continue;
      const others = new Set<string>();
      for (const key of keys) {
        for (const g of buckets.get(key) ?? []) if (g !== gateway) others.add(nsName(g));
      }
      if (others.size === 0) continue;
      const names = [...others].sort();
      ctx.report('IST0145', gateway, `spec.servers[${index}]`, [names.join(','), selectorText, String(port), hosts.join(',')],
        `serve each host on port ${port} of these gateway pods from one Gateway (merge the servers into one), or give the Gateways selectors that pick different pods`);
    }
  },
};
