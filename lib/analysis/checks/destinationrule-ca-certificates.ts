import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { GK, nsName } from '../resources';

const ORIGINATING = new Set(['SIMPLE', 'MUTUAL']);

/**
 * A DestinationRule that originates TLS (mode SIMPLE or MUTUAL) without `caCertificates`, as istioctl
 * 1.30 reports it (Warning). Since Istio 1.21 such a proxy verifies the server against its system CA
 * bundle (and, without `sni` and `subjectAltNames`, the name against the host), so the finding is a
 * warning that no CA is pinned, unless `insecureSkipVerify: true` turns verification off; istioctl
 * reports both alike, the fix text tells them apart. A `credentialName` counts as a CA only in a
 * DestinationRule with a `workloadSelector`: without one, sidecars ignore it and only gateways read it.
 * Destination level (IST0128) and each port level (IST0129); subsets are not read, as istioctl does not
 * read them.
 */
export const destinationRuleCaCertificates: Check = {
  name: 'destinationrule.cacertificates',
  codes: ['IST0128', 'IST0129'],
  description: 'DestinationRule TLS (SIMPLE/MUTUAL) without caCertificates: system CA bundle only, or no verification',
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
        return tls.mode;
      };
      const pin = 'give tls.caCertificates (the CA bundle that signed the server\'s certificate)'
        + (selected ? ' or a credentialName Secret holding ca.crt' : '; a credentialName counts only with a workloadSelector (sidecars ignore it)');
      const fixFor = (tls: unknown) => isRecord(tls) && tls.insecureSkipVerify === true
        ? `insecureSkipVerify: true turns server verification off; drop it to verify against the system CA bundle, or ${pin}`
        : `the proxy verifies the server against its system CA bundle only; to pin the CA, ${pin}`;

      const mode = unverified(policy.tls);
      if (mode !== undefined) {
        ctx.report('IST0128', r, 'spec.trafficPolicy.tls', [nsName(r), r.namespace, mode, host], fixFor(policy.tls));
      }
      arr(policy.portLevelSettings).forEach((p, i) => {
        const portMode = isRecord(p) ? unverified(p.tls) : undefined;
        if (portMode === undefined) return;
        const number = isRecord(p.port) && typeof p.port.number === 'number' ? p.port.number : undefined;
        ctx.report('IST0129', r, `spec.trafficPolicy.portLevelSettings[${i}].tls`,
          [nsName(r), r.namespace, portMode, host, number === undefined ? '' : `number:${number}`], fixFor(p.tls));
      });
    }
  },
};
