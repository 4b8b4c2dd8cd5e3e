import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { GK, nsName } from '../resources';

const ORIGINATING = new Set(['SIMPLE', 'MUTUAL']);

/**
 * A DestinationRule that originates TLS (mode SIMPLE or MUTUAL) without `caCertificates` sends traffic
 * to a server whose certificate nobody checks. A `credentialName` counts as a CA only in a
 * DestinationRule with a `workloadSelector`: without one, sidecars ignore it (istiod gives them no TLS
 * settings at all) and only gateways read it. `insecureSkipVerify: true` says the missing check is
 * wanted, so it is not reported. Destination level (IST0128) and each port level (IST0129); subsets are
 * not read, as istioctl does not read them.
 */
export const destinationRuleCaCertificates: Check = {
  name: 'destinationrule.cacertificates',
  codes: ['IST0128', 'IST0129'],
  description: 'DestinationRule TLS (SIMPLE/MUTUAL) that does not verify the server: no caCertificates',
  run(ctx) {
    for (const r of ctx.output(GK.DestinationRule)) {
      const spec = specOf(r.raw);
      const host = typeof spec.host === 'string' ? spec.host : '';
      const selected = isRecord(spec.workloadSelector);
      const policy = isRecord(spec.trafficPolicy) ? spec.trafficPolicy : {};
      const unverified = (tls: unknown): string | undefined => {
        if (!isRecord(tls) || typeof tls.mode !== 'string' || !ORIGINATING.has(tls.mode)) return undefined;
        if (typeof tls.caCertificates === 'string' && tls.caCertificates !== '') return undefined;
        if (typeof tls.credentialName === 'string' && tls.credentialName !== '' && selected) return undefined;
        if (tls.insecureSkipVerify === true) return undefined;
        return tls.mode;
      };
      const fix = 'give tls.caCertificates (the CA bundle that signed the server\'s certificate)'
        + (selected ? ' or a credentialName Secret holding ca.crt' : '; a credentialName counts only with a workloadSelector (sidecars ignore it)')
        + ', or set insecureSkipVerify: true if not verifying the server is intended';

      const mode = unverified(policy.tls);
      if (mode !== undefined) {
        ctx.report('IST0128', r, 'spec.trafficPolicy.tls', [nsName(r), r.namespace, mode, host], fix);
      }
      arr(policy.portLevelSettings).forEach((p, i) => {
        const portMode = isRecord(p) ? unverified(p.tls) : undefined;
        if (portMode === undefined) return;
        const number = isRecord(p.port) && typeof p.port.number === 'number' ? p.port.number : undefined;
        ctx.report('IST0129', r, `spec.trafficPolicy.portLevelSettings[${i}].tls`,
          [nsName(r), r.namespace, portMode, host, number === undefined ? '' : `number:${number}`], fix);
      });
    }
  },
};
