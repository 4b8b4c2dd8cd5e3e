import { Duration, Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import { ServerTlsMode } from './gateway-server';
import { MeshGateway } from './mesh-gateway';
import {
  Certificate, CertificateSpec, CertificateSpecPrivateKeyAlgorithm, CertificateSpecPrivateKeyRotationPolicy,
} from '../../imports/cert-manager.io';
import { formatInputError, invalidInput } from '../core/errors';
import { checkEnum, checkInstance, checkInteger, checkOptions, checkProps, describeType } from '../core/input';
import { checkSecretName } from '../core/secrets';

/** Which cert-manager issuer signs a certificate: {@link CertificateIssuer.clusterIssuer} or {@link CertificateIssuer.issuer}. */
export class CertificateIssuer {
  /** A cluster-wide `ClusterIssuer` (e.g. an ACME issuer such as `letsencrypt-prod`). */
  public static clusterIssuer(name: string): CertificateIssuer {
    return new CertificateIssuer('ClusterIssuer', name);
  }

  /** A namespaced `Issuer`, which must live in the namespace of the Certificate: the gateway's. */
  public static issuer(name: string): CertificateIssuer {
    return new CertificateIssuer('Issuer', name);
  }

  private constructor(
    /** `Issuer` or `ClusterIssuer`. */
    public readonly kind: string,
    /** The issuer's name. */
    public readonly name: string,
  ) {}
}

/** Algorithm of a certificate's private key. */
export enum PrivateKeyAlgorithm {
  /** Elliptic curve keys: P-256 (default), P-384 or P-521; small and fast, supported by every current client. */
  ECDSA = 'ECDSA',
  /** RSA keys of 2048 (default), 4096 or 8192 bits, for clients that cannot use ECDSA. */
  RSA = 'RSA',
}

/** When cert-manager makes a new private key. */
export enum PrivateKeyRotationPolicy {
  /** A new key at every issuance (renewal included): a leaked key stops working at the next renewal. */
  ALWAYS = 'Always',
  /** Keep the key of the existing Secret across renewals (only for keys pinned elsewhere). */
  NEVER = 'Never',
}

/** The private key of a certificate. */
export interface CertificatePrivateKey {
  /**
   * Key algorithm.
   * @default PrivateKeyAlgorithm.ECDSA
   */
  readonly algorithm?: PrivateKeyAlgorithm;
  /**
   * Key size in bits: 256, 384 or 521 for ECDSA; 2048, 4096 or 8192 for RSA.
   * @default 256 for ECDSA, 2048 for RSA
   */
  readonly size?: number;
  /**
   * When a new key is made.
   * @default PrivateKeyRotationPolicy.ALWAYS
   */
  readonly rotationPolicy?: PrivateKeyRotationPolicy;
}

/** Options of {@link IngressGateway.issueCertificate}. */
export interface GatewayCertificateOptions {
  /**
   * The Secret the certificate is written to: the `credentialName` (or one of the `credentialNames`) of
   * the gateway's HTTPS servers. The certificate carries the hosts of every server that uses it.
   */
  readonly credentialName: string;
  /** The cert-manager issuer that signs it. */
  readonly issuer: CertificateIssuer;
  /**
   * Requested lifetime, at least 1 hour (an ACME issuer such as Let's Encrypt ignores it).
   * @default cert-manager's (90 days)
   */
  readonly duration?: Duration;
  /**
   * How long before expiry cert-manager renews it: at least 5 minutes, and shorter than `duration`.
   * @default cert-manager's (a third of the lifetime)
   */
  readonly renewBefore?: Duration;
  /**
   * The private key.
   * @default ECDSA P-256, a new key at every issuance
   */
  readonly privateKey?: CertificatePrivateKey;
  /**
   * Name of the Certificate object.
   * @default the credentialName
   */
  readonly name?: string;
}

/** Props of a {@link GatewayCertificate}. */
export interface GatewayCertificateProps extends GatewayCertificateOptions {
  /** The gateway whose servers present the certificate. */
  readonly gateway: MeshGateway;
}

const RSA_SIZES = [2048, 4096, 8192];
const ECDSA_SIZES = [256, 384, 521];
const HOUR_MS = 3_600_000;
const MIN_RENEW_BEFORE_MS = 5 * 60_000;

/**
 * A cert-manager `Certificate` (cert-manager.io/v1) that issues the TLS Secret a gateway's HTTPS servers
 * name in `credentialName`: `secretName` is that credential, the namespace is the gateway's (where the
 * gateway pods run and istiod reads the Secret), and `dnsNames` are the hosts of every server of the
 * gateway that presents it, read at synth (servers added later count).
 *
 * Hosts are taken as Istio reads them: the namespace part of `namespace/host` only says which
 * VirtualServices may bind, so the certificate carries `host`; a wildcard `*.example.com` is carried as
 * it is (an ACME issuer needs a DNS-01 solver for it); a server for any host (`*`) cannot be covered by
 * a certificate and fails the synth. A MUTUAL or OPTIONAL_MUTUAL server must name its client CA with
 * `caCertCredentialName`: otherwise istiod would verify clients against the `ca.crt` cert-manager writes
 * into the Secret, which is the issuer's CA, not the clients'.
 */
export class GatewayCertificate extends Construct {
  /** The Secret the certificate is written to (the servers' credentialName). */
  public readonly secretName: string;
  /** Namespace of the Certificate and its Secret: the gateway's. */
  public readonly namespace: string;
  /** The generated cert-manager Certificate. */
  public readonly resource: Certificate;

  private readonly gateway: MeshGateway;

  constructor(scope: Construct, id: string, props: GatewayCertificateProps) {
    super(scope, id);
    props = checkProps(this, props, 'GatewayCertificateProps');
    this.gateway = checkInstance(this, 'gateway', props.gateway, MeshGateway, 'create the certificate with gateway.issueCertificate(...)');
    this.secretName = checkSecretName(this, 'credentialName', props.credentialName, 'name the Secret the HTTPS servers use, e.g. "shop-tls"');
    const issuer = checkInstance(this, 'issuer', props.issuer, CertificateIssuer, 'use CertificateIssuer.clusterIssuer("letsencrypt-prod") or CertificateIssuer.issuer("...")');
    checkSecretName(this, 'issuer.name', issuer.name, 'name the cert-manager Issuer or ClusterIssuer, e.g. "letsencrypt-prod"');
    const name = props.name === undefined ? this.secretName : checkSecretName(this, 'name', props.name, 'name the Certificate, e.g. "shop-tls"');
    const duration = props.duration === undefined ? undefined : goDuration(this, 'duration', props.duration, HOUR_MS, 'Duration.days(90)');
    const renewBefore = props.renewBefore === undefined ? undefined : goDuration(this, 'renewBefore', props.renewBefore, MIN_RENEW_BEFORE_MS, 'Duration.days(30)');
    if (renewBefore !== undefined && renewBefore.ms >= (duration?.ms ?? 90 * 24 * HOUR_MS)) {
      throw invalidInput(this, 'renewBefore', renewBefore.text, `is not shorter than the certificate's lifetime (${duration ? duration.text : '2160h, cert-manager\'s default'}), so it would be renewed without end`,
        'renew before a fraction of the lifetime, e.g. a third');
    }
    const privateKey = this.privateKey(props.privateKey);
    this.namespace = this.gateway.namespace;

    this.resource = new Certificate(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({
        produce: (): CertificateSpec => ({
          secretName: this.secretName,
          issuerRef: { group: 'cert-manager.io', kind: issuer.kind, name: issuer.name },
          dnsNames: this.dnsNames().names,
          ...(duration ? { duration: duration.text } : {}),
          ...(renewBefore ? { renewBefore: renewBefore.text } : {}),
          privateKey,
        }),
      }) as unknown as CertificateSpec,
    });
    this.node.addValidation({ validate: () => this.dnsNames().problems });
  }

  /** The DNS names the certificate carries: the hosts of the servers presenting it, in order, once each. */
  public get dnsNameList(): string[] {
    return this.dnsNames().names;
  }

  private privateKey(value: CertificatePrivateKey | undefined) {
    const key = value === undefined ? {} : checkOptions(this, 'privateKey', value, 'CertificatePrivateKey');
    const algorithm = key.algorithm === undefined ? PrivateKeyAlgorithm.ECDSA : checkEnum(this, 'privateKey.algorithm', key.algorithm, PrivateKeyAlgorithm, 'PrivateKeyAlgorithm');
    const sizes = algorithm === PrivateKeyAlgorithm.RSA ? RSA_SIZES : ECDSA_SIZES;
    const size = key.size === undefined ? sizes[0] : checkInteger(this, 'privateKey.size', key.size, { minimum: 1, fix: `use one of ${sizes.join(', ')}` });
    if (!sizes.includes(size)) {
      throw invalidInput(this, 'privateKey.size', size, `is not a size cert-manager makes ${algorithm} keys of`, `use one of ${sizes.join(', ')}`);
    }
    const rotationPolicy = key.rotationPolicy === undefined ? PrivateKeyRotationPolicy.ALWAYS
      : checkEnum(this, 'privateKey.rotationPolicy', key.rotationPolicy, PrivateKeyRotationPolicy, 'PrivateKeyRotationPolicy');
    return {
      algorithm: algorithm as unknown as CertificateSpecPrivateKeyAlgorithm,
      size,
      rotationPolicy: rotationPolicy as unknown as CertificateSpecPrivateKeyRotationPolicy,
    };
  }

  /** The names from the gateway's servers, and what keeps them from being certified (never throws: read in a Lazy). */
  private dnsNames(): { names: string[]; problems: string[] } {
    const names: string[] = [];
    const problems: string[] = [];
    const servers = this.gateway._servers().filter((s) => {
      const tls = s.spec.tls;
      return tls !== undefined && (tls.credentialName === this.secretName || (tls.credentialNames ?? []).includes(this.secretName));
    });
    if (servers.length === 0) {
      problems.push(formatInputError('', 'credentialName', this.secretName, `is the credential of no HTTPS server of the gateway ${this.gateway.gatewayRef}, so the certificate would carry no host`,
        `give a server credentialName: "${this.secretName}" (GatewayServer.https), or name the credential one of its servers uses`));
    }
    for (const server of servers) {
      const mode = server.spec.tls?.mode as unknown as string;
      if ((mode === ServerTlsMode.MUTUAL || mode === ServerTlsMode.OPTIONAL_MUTUAL) && server.spec.tls?.caCertCredentialName === undefined) {
        problems.push(formatInputError('', 'credentialName', this.secretName,
          `is the credential of the ${mode} server "${server.spec.port.name}", which would verify clients against the ca.crt cert-manager writes into the Secret (the issuer's CA, not your clients')`,
          'give the server caCertCredentialName: the Secret or ConfigMap with the CA of your clients'));
      }
      for (const host of server.hosts) {
        const dnsName = host.dnsName.toLowerCase();
        if (dnsName === '*') {
          problems.push(formatInputError('', 'credentialName', this.secretName,
            `is the credential of server "${server.spec.port.name}", which serves any host ("${host.namespace ? `${host.namespace}/` : ''}*"): no certificate can carry that name`,
            'serve named hosts or a domain wildcard ("*.example.com") on this server, or give it a certificate of your own'));
          continue;
        }
        if (!names.includes(dnsName)) names.push(dnsName);
      }
    }
    return { names, problems };
  }
}

/** A duration in Go's `time.ParseDuration` syntax, in the largest whole unit (`2160h`, `90m`, `45s`), with its milliseconds. */
function goDuration(scope: Construct, field: string, value: Duration, minMs: number, example: string): { text: string; ms: number } {
  if (!(value instanceof Duration)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, not a cdk8s Duration`, `use e.g. ${example} from cdk8s`);
  }
  let ms: number;
  try {
    ms = value.toMilliseconds({ integral: false });
  } catch {
    ms = NaN;
  }
  if (!Number.isFinite(ms) || !Number.isInteger(ms / 1000)) {
    throw invalidInput(scope, field, value.toHumanString(), 'is not a whole number of seconds', `use e.g. ${example}`);
  }
  if (ms < minMs) {
    throw invalidInput(scope, field, value.toHumanString(), `is below ${minMs / 60_000} minutes, the least cert-manager accepts`, `use e.g. ${example}`);
  }
  const text = ms % HOUR_MS === 0 ? `${ms / HOUR_MS}h` : ms % 60_000 === 0 ? `${ms / 60_000}m` : `${ms / 1000}s`;
  return { text, ms };
}
