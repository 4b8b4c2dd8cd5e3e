import { Duration } from 'cdk8s';
import * as istio from '../lib';

/** The environment whose ingress certificate cert-manager issues; the others get theirs from outside this output. */
const ISSUED_IN = istio.Environment.PROD;

/** Whether the ingress gateway's TLS Secret comes from outside this output in `env` (and is declared so). */
export function ingressSecretIsExternal(env: istio.EnvironmentProfile): boolean {
  return env !== ISSUED_IN;
}

/**
 * PROD's ingress certificate: cert-manager issues the Secret `credentialName` of the gateway's HTTPS
 * server into the gateway's namespace, from the cluster's `letsencrypt-prod` ClusterIssuer (an ACME
 * issuer installed with cert-manager), for the server's hosts; an ECDSA P-256 key, new at every
 * renewal, renewed 30 days before the 90 days Let's Encrypt gives run out.
 */
export function issueIngressCertificate(env: istio.EnvironmentProfile, ingress: istio.IngressGateway, credentialName: string): void {
  if (ingressSecretIsExternal(env)) return;
  ingress.issueCertificate('certificate', {
    credentialName,
    issuer: istio.CertificateIssuer.clusterIssuer('letsencrypt-prod'),
    renewBefore: Duration.days(30),
  });
}
