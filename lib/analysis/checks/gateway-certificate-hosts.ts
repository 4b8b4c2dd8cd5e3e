import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { GK, nsName, Resource } from '../resources';
import { gatewayWorkloads, namespacesOf } from './gateway-workloads';

/**
 * A cert-manager `Certificate` issues the Secret a Gateway server presents (`credentialName`, in a
 * namespace where the gateway pods run), but does not name every host of the server: clients of such a
 * host get a certificate for other names and fail the TLS handshake. A certificate name covers a host
 * when it is equal to it (ignoring case) or is a wildcard `*.example.com` and the host is one label
 * under it (`api.example.com`, not `a.b.example.com`), as TLS clients match (RFC 6125). The names are
 * the Certificate's `dnsNames` (its `commonName` when it has none); server hosts are read without their
 * namespace part, and a server for any host (`*`) is left out (no certificate can name it).
 */
export const gatewayCertificateHosts: Check = {
  name: 'gateway.certificatehosts',
  codes: ['CDK8S-ISTIO-061'],
  description: 'Gateway server hosts that the cert-manager Certificate issuing the server\'s credential does not name',
  run(ctx) {
    let bySecret: Map<string, Resource[]> | undefined;
    for (const { gateway, pods } of gatewayWorkloads(ctx)) {
      if (gateway.external || pods.length === 0) continue;
      const namespaces = namespacesOf(pods);
      arr(specOf(gateway.raw).servers).forEach((server, i) => {
        const tls = isRecord(server) && isRecord(server.tls) ? server.tls : undefined;
        if (tls === undefined) return;
        const credentials = [tls.credentialName, ...arr(tls.credentialNames)].filter((c): c is string => typeof c === 'string' && c !== '');
        const hosts = arr(server.hosts).filter((h): h is string => typeof h === 'string')
          .map((h) => h.slice(h.indexOf('/') + 1).toLowerCase()).filter((h) => h !== '*');
        if (credentials.length === 0 || hosts.length === 0) return;
        bySecret ??= certificatesBySecret(ctx.all(GK.Certificate));
        const reported = new Set<Resource>();
        for (const credential of credentials) {
          for (const ns of namespaces) {
            for (const certificate of bySecret.get(`${ns}/${credential}`) ?? []) {
              if (reported.has(certificate)) continue;
              const names = namesOf(certificate);
              const missing = hosts.filter((h) => !names.some((n) => covers(n, h)));
              if (missing.length === 0) continue;
              reported.add(certificate);
              ctx.report('CDK8S-ISTIO-061', gateway, `spec.servers[${i}].hosts`, [missing, `${nsName(certificate)}`, credential, names],
                `add ${missing.join(', ')} to the Certificate's dnsNames (IngressGateway.issueCertificate derives them from the servers), or serve those hosts with another credential`);
            }
          }
        }
      });
    }
  },
};

/** Certificates of the output and declared, by `namespace/secretName`. */
function certificatesBySecret(certificates: readonly Resource[]): Map<string, Resource[]> {
  const out = new Map<string, Resource[]>();
  for (const c of certificates) {
    const secret = specOf(c.raw).secretName;
    if (typeof secret !== 'string' || c.namespace === undefined) continue;
    const key = `${c.namespace}/${secret}`;
    out.set(key, [...(out.get(key) ?? []), c]);
  }
  return out;
}

/** The DNS names a Certificate requests, lower case: `dnsNames`, else `commonName`. */
function namesOf(certificate: Resource): string[] {
  const spec = specOf(certificate.raw);
  const names = arr(spec.dnsNames).filter((n): n is string => typeof n === 'string');
  if (names.length > 0) return names.map((n) => n.toLowerCase());
  return typeof spec.commonName === 'string' && spec.commonName !== '' ? [spec.commonName.toLowerCase()] : [];
}

/** Whether the certificate name covers the host as a TLS client matches it: equal, or a wildcard for exactly one more label. */
function covers(name: string, host: string): boolean {
  if (name === host) return true;
  if (!name.startsWith('*.') || host.startsWith('*')) return false;
  const dot = host.indexOf('.');
  return dot > 0 && host.slice(dot) === name.slice(1);
}
