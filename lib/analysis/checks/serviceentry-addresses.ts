import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { GK } from '../resources';

/**
 * A ServiceEntry without `addresses` with a TCP port (or a port without a protocol): a sidecar routes
 * TCP by destination address only, so it cannot tell which host such a connection is for. Not reported
 * when the mesh gives entries addresses itself: a meshConfig (of the output or declared) whose
 * `defaultConfig.proxyMetadata` turns on DNS capture (`ISTIO_META_DNS_CAPTURE`) and auto-allocation
 * (`ISTIO_META_DNS_AUTO_ALLOCATE` or `PILOT_ENABLE_IP_AUTOALLOCATE`), or an entry whose `status` already
 * holds allocated addresses. One finding per such port.
 */
export const serviceEntryAddresses: Check = {
  name: 'serviceentry.protocoladdresses',
  codes: ['IST0134'],
  description: 'ServiceEntry with a TCP port and no addresses while the mesh does not allocate them',
  run(ctx) {
    if (autoAllocates(ctx)) return;
    for (const r of ctx.output(GK.ServiceEntry)) {
      const spec = specOf(r.raw);
      if (spec.addresses !== undefined && spec.addresses !== null) continue;
      if (isRecord(r.raw.status) && arr(r.raw.status.addresses).length > 0) continue;
      arr(spec.ports).forEach((p, i) => {
        if (!isRecord(p) || (p.protocol !== undefined && p.protocol !== null && typeof p.protocol !== 'string')) return;
        const protocol = typeof p.protocol === 'string' ? p.protocol : '';
        if (protocol !== '' && protocol.toUpperCase() !== 'TCP') return;
        ctx.report('IST0134', r, `spec.ports[${i}]`, [],
          `give the entry addresses (the IPs or CIDRs its hosts resolve to)${protocol === '' ? ', or give the port the protocol it speaks (HTTP, TLS, …)' : ''}, `
          + 'or let the mesh allocate addresses: meshConfig.defaultConfig.proxyMetadata ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE "true" '
          + '(MeshControlPlane meshConfig dnsCapture and dnsAutoAllocate)');
      });
    }
  },
};

/** Whether some mesh config captures DNS and allocates addresses to ServiceEntries. */
function autoAllocates(ctx: AnalysisContext): boolean {
  return ctx.meshConfigs.some(({ meshConfig }) => {
    const meta = isRecord(meshConfig.defaultConfig) && isRecord(meshConfig.defaultConfig.proxyMetadata) ? meshConfig.defaultConfig.proxyMetadata : {};
    return meta.ISTIO_META_DNS_CAPTURE === 'true' && (meta.ISTIO_META_DNS_AUTO_ALLOCATE === 'true' || meta.PILOT_ENABLE_IP_AUTOALLOCATE === 'true');
  });
}
