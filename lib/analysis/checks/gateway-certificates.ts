import { labelsCover } from '../../core/labels';
import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { nsName, Resource } from '../resources';
import { gatewayWorkloads, scopeGatewayToNamespace } from './gateway-workloads';

interface Holder {
  readonly gateway: Resource;
  readonly selector: Readonly<Record<string, string>>;
  readonly selectorText: string;
}

/**
 * One certificate on several Gateways (`networking.istio.io`) of the same gateway pods: a client that
 * reuses an HTTP/2 connection for another host the certificate covers reaches the wrong server block and
 * gets 404s. The same certificate is one `credentialName` (or one of `credentialNames`), or one pair of
 * `serverCertificate` and `privateKey` files. The other Gateways are those whose selector includes this
 * one's labels (with PILOT_SCOPE_GATEWAY_TO_NAMESPACE, in its namespace only). One finding per Gateway
 * and certificate, naming every other Gateway.
 */
export const gatewayCertificates: Check = {
  name: 'gateway.certificate',
  codes: ['IST0138'],
  description: 'one TLS certificate on several Gateways of the same gateway pods',
  run(ctx) {
    const scoped = scopeGatewayToNamespace(ctx);
    // Gateways by certificate, then by selector, so that only holders of one certificate are compared.
    const byCertificate = new Map<string, Map<string, Holder[]>>();
    const uses: { holder: Holder; certificate: string; field: string }[] = [];
    for (const { gateway, selector, selectorText } of gatewayWorkloads(ctx, false)) {
      const holder: Holder = { gateway, selector, selectorText };
      const seen = new Set<string>();
      arr(specOf(gateway.raw).servers).forEach((server, i) => {
        for (const { certificate, field } of certificatesOf(server, i)) {
          if (seen.has(certificate)) continue;
          seen.add(certificate);
          uses.push({ holder, certificate, field });
          let bySelector = byCertificate.get(certificate);
          if (!bySelector) byCertificate.set(certificate, bySelector = new Map());
          const list = bySelector.get(selectorText);
          if (list) list.push(holder);
          else bySelector.set(selectorText, [holder]);
        }
      });
    }
    for (const { holder, certificate, field } of uses) {
      if (holder.gateway.external) continue;
      const others: string[] = [];
      for (const group of byCertificate.get(certificate)?.values() ?? []) {
        if (!labelsCover(holder.selector, group[0].selector)) continue;
        for (const other of group) {
          if (other.gateway === holder.gateway || (scoped && other.gateway.namespace !== holder.gateway.namespace)) continue;
          others.push(nsName(other.gateway));
        }
      }
      if (others.length === 0) continue;
      ctx.report('IST0138', holder.gateway, field, [[nsName(holder.gateway), ...others.sort()]],
        'serve the hosts of one certificate from one Gateway (one server listing them all), or give each Gateway its own certificate');
    }
  },
};

/** The certificates a server presents, each as one key, with where it is written. */
function certificatesOf(server: unknown, i: number): { certificate: string; field: string }[] {
  const tls = isRecord(server) && isRecord(server.tls) ? server.tls : undefined;
  if (tls === undefined) return [];
  const out: { certificate: string; field: string }[] = [];
  if (typeof tls.credentialName === 'string' && tls.credentialName !== '') {
    out.push({ certificate: `secret\u0000${tls.credentialName}`, field: `spec.servers[${i}].tls.credentialName` });
  }
  arr(tls.credentialNames).forEach((n, j) => {
    if (typeof n === 'string' && n !== '') out.push({ certificate: `secret\u0000${n}`, field: `spec.servers[${i}].tls.credentialNames[${j}]` });
  });
  if (out.length === 0 && typeof tls.serverCertificate === 'string' && tls.serverCertificate !== ''
    && typeof tls.privateKey === 'string' && tls.privateKey !== '') {
    out.push({ certificate: `files\u0000${tls.serverCertificate}\u0000${tls.privateKey}`, field: `spec.servers[${i}].tls.serverCertificate` });
  }
  return out;
}
