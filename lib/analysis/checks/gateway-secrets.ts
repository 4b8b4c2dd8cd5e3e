import { X509Certificate } from 'crypto';
import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { GK, Resource } from '../resources';
import { gatewayWorkloads, namespacesOf } from './gateway-workloads';

/** Secret types istiod does not watch (so a credential in one is never found). */
const IGNORED_TYPES = new Set(['helm.sh/release.v1', 'kubernetes.io/service-account-token']);

/**
 * A Gateway server's `credentialName` (and each of `credentialNames`) is a Secret that istiod reads in
 * the namespace of the gateway *pods* (not of the Gateway object): in every namespace where pods the
 * selector picks run, the Secret must exist — in the output, produced by a cert-manager `Certificate`
 * (`spec.secretName`), an `ExternalSecret` or a `SealedSecret`, or declared existing (IST0101). A Secret
 * of the output must hold a certificate and key as istiod reads them (`tls.crt` and `tls.key`, or `cert`
 * and `key`, not empty, the certificate PEM X.509), in a type istiod watches (IST0161). Gateways whose
 * selector picks no pods are left to `gateway.ingressgatewayport`.
 */
export const gatewaySecrets: Check = {
  name: 'gateway.secret',
  codes: ['IST0101', 'IST0161'],
  description: 'Gateway credentialName with no Secret where the gateway pods run, or a Secret without a usable certificate',
  run(ctx) {
    let producers: Set<string> | undefined;
    for (const { gateway, pods } of gatewayWorkloads(ctx)) {
      if (gateway.external || pods.length === 0) continue;
      const namespaces = namespacesOf(pods);
      for (const { name, field } of credentialsOf(gateway)) {
        producers ??= secretProducers(ctx);
        const missing: string[] = [];
        for (const ns of namespaces) {
          const secrets = ctx.find(GK.Secret, ns, name);
          if (secrets.length === 0) {
            if (!producers.has(`${ns}/${name}`)) missing.push(ns);
            continue;
          }
          const problem = secrets.filter((s) => !s.external).map(credentialProblem).find((p) => p !== undefined);
          if (problem !== undefined) {
            ctx.report('IST0161', gateway, field, [gateway.name, ns],
              `Secret ${ns}/${name} ${problem}: give it tls.crt and tls.key (a PEM certificate chain and its key), e.g. as a kubernetes.io/tls Secret or from a cert-manager Certificate`);
          }
        }
        if (missing.length > 0) {
          ctx.report('IST0101', gateway, field, ['credentialName', name],
            `create Secret ${name} (tls.crt, tls.key) in namespace${missing.length > 1 ? 's' : ''} ${missing.join(', ')}, where the gateway pods run and istiod reads it `
            + `(e.g. a cert-manager Certificate with secretName ${name}), or declare it existing (ExternalResources secrets: [`
            + `${missing.map((ns) => `{ namespace: '${ns}', name: '${name}' }`).join(', ')}])`);
        }
      }
    }
  },
};

/** The credential names of a Gateway's servers, with where each is. */
function credentialsOf(gateway: Resource): { name: string; field: string }[] {
  const out: { name: string; field: string }[] = [];
  arr(specOf(gateway.raw).servers).forEach((server, i) => {
    const tls = isRecord(server) && isRecord(server.tls) ? server.tls : undefined;
    if (tls === undefined) return;
    const add = (value: unknown, field: string) => {
      if (typeof value !== 'string' || value === '') return;
      const name = value.startsWith('kubernetes://') ? value.slice('kubernetes://'.length) : value;
      // Other SDS sources (files, istiod's built-in certificates) are not Secrets.
      if (name === '' || name.includes('://') || name.startsWith('file-')) return;
      out.push({ name, field });
    };
    add(tls.credentialName, `spec.servers[${i}].tls.credentialName`);
    arr(tls.credentialNames).forEach((n, j) => add(n, `spec.servers[${i}].tls.credentialNames[${j}]`));
  });
  return out;
}

/** `namespace/name` of every Secret that an object of the output or a declared one will create. */
function secretProducers(ctx: AnalysisContext): Set<string> {
  const out = new Set<string>();
  for (const r of ctx.all(GK.Certificate)) {
    const name = specOf(r.raw).secretName;
    if (typeof name === 'string' && name !== '') out.add(`${r.namespace}/${name}`);
  }
  for (const r of ctx.all('external-secrets.io/ExternalSecret')) {
    const target = specOf(r.raw).target;
    const name = isRecord(target) && typeof target.name === 'string' && target.name !== '' ? target.name : r.name;
    out.add(`${r.namespace}/${name}`);
  }
  for (const r of ctx.all('bitnami.com/SealedSecret')) out.add(`${r.namespace}/${r.name}`);
  return out;
}

/** Why istiod cannot serve the Secret as a gateway credential; undefined when it can. */
function credentialProblem(secret: Resource): string | undefined {
  const type = secret.raw.type;
  if (typeof type === 'string' && IGNORED_TYPES.has(type)) return `is of type ${type}, which istiod does not read`;
  const values = new Map<string, string>();
  if (isRecord(secret.raw.data)) {
    for (const [k, v] of Object.entries(secret.raw.data)) values.set(k, typeof v === 'string' ? Buffer.from(v, 'base64').toString('utf8') : '');
  }
  if (isRecord(secret.raw.stringData)) {
    for (const [k, v] of Object.entries(secret.raw.stringData)) values.set(k, typeof v === 'string' ? v : '');
  }
  const pair = [['cert', 'key'], ['tls.crt', 'tls.key']].find(([c, k]) => (values.get(c) ?? '') !== '' && (values.get(k) ?? '') !== '');
  if (pair === undefined) {
    const empty = [['cert', 'key'], ['tls.crt', 'tls.key']].find(([c, k]) => values.has(c) && values.has(k));
    if (empty) return `has the keys ${empty[0]} and ${empty[1]}, but they are empty`;
    const keys = [...values.keys()].sort();
    return `has neither tls.crt and tls.key nor cert and key (its keys: ${keys.length > 0 ? keys.join(', ') : 'none'})`;
  }
  try {
    new X509Certificate(values.get(pair[0])!);
  } catch {
    return `holds a ${pair[0]} that is not a PEM X.509 certificate`;
  }
  return undefined;
}
