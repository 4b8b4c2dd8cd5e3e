import { IConstruct } from 'constructs';
import { crdLimits } from '../core/crd-limits';
import { invalidInput } from '../core/errors';
import { checkArray, checkBoolean, checkOptions, checkString, copyOptions } from '../core/input';
import { checkNamespacedHost, NamespacedHost } from '../core/hostnames';
import { isDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { checkSecretName } from '../core/secrets';
import {
  GatewaySpecServers, GatewaySpecServersTls, GatewaySpecServersTlsMaxProtocolVersion, GatewaySpecServersTlsMinProtocolVersion,
  GatewaySpecServersTlsMode,
} from '../../imports/networking.istio.io';

/** The protocol a gateway server speaks to clients. */
export enum ServerProtocol {
  /** Plain HTTP/1.1 and HTTP/2 (h2c). */
  HTTP = 'HTTP',
  /** HTTP over TLS that the gateway terminates. */
  HTTPS = 'HTTPS',
  /** TLS the gateway does not terminate: routed on SNI (`tls` routes of a VirtualService). */
  TLS = 'TLS',
}

/**
 * How a gateway server terminates TLS (the server side; a DestinationRule's client side is
 * `ClientTlsMode`). Passthrough is not a mode here: use `GatewayServer.tlsPassthrough`.
 */
export enum ServerTlsMode {
  /** Server-side TLS: the gateway presents its certificate. */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS: clients must present a certificate signed by the configured CA. */
  MUTUAL = 'MUTUAL',
  /** Like MUTUAL, but a client without a certificate is still admitted. */
  OPTIONAL_MUTUAL = 'OPTIONAL_MUTUAL',
}

/**
 * TLS protocol versions a gateway may be limited to. TLS 1.0 and 1.1 are left out on purpose: Envoy no
 * longer offers ciphers for them unless `cipherSuites` are set, and they are deprecated (RFC 8996).
 */
export enum TlsProtocolVersion {
  /** Envoy's default (TLS 1.2 minimum, TLS 1.3 maximum). */
  TLS_AUTO = 'TLS_AUTO',
  /** TLS 1.2. */
  TLSV1_2 = 'TLSV1_2',
  /** TLS 1.3. */
  TLSV1_3 = 'TLSV1_3',
}

/** Certificate files mounted into the gateway pod (the alternative to a Kubernetes secret). */
export interface CertificateFiles {
  /** Path of the PEM server certificate, e.g. `/etc/istio/certs/tls.crt`. */
  readonly serverCertificate: string;
  /** Path of the PEM private key. */
  readonly privateKey: string;
  /**
   * Path of the PEM CA bundle that verifies client certificates; required for MUTUAL / OPTIONAL_MUTUAL.
   * @default none
   */
  readonly caCertificates?: string;
}

/** Options of {@link GatewayServer.http}. */
export interface HttpServerOptions {
  /** Hosts served, `[namespace/]dnsName` (`bookinfo.example.com`, `*.example.com`, `bookinfo/*`). */
  readonly hosts: string[];
  /**
   * Port the gateway listens on.
   * @default 80
   */
  readonly port?: number;
  /**
   * Port name, unique among the gateway's servers.
   * @default "http-<port>" (with a numeric suffix when taken)
   */
  readonly name?: string;
  /**
   * This server answers every request with a 301 redirect to HTTPS and routes nothing (Istio's
   * `tls.httpsRedirect`). For an HTTPS server that also wants its port-80 redirect, use
   * `GatewayServer.https({ redirectHttp: true })` instead, which adds exactly such a server.
   * @default false
   */
  readonly httpsRedirect?: boolean;
}

/** Options of {@link GatewayServer.https}. Give exactly one of `credentialName`, `credentialNames`, `certificateFiles`. */
export interface HttpsServerOptions {
  /** Hosts served, `[namespace/]dnsName`. */
  readonly hosts: string[];
  /**
   * Kubernetes secret (in the gateway's namespace) holding `tls.crt`/`tls.key` (and `ca.crt` for MUTUAL,
   * or a `<name>-cacert` secret).
   * @default none: give credentialNames or certificateFiles instead
   */
  readonly credentialName?: string;
  /**
   * Up to two secrets, e.g. an RSA and an ECDSA certificate for the same hosts.
   * @default none
   */
  readonly credentialNames?: string[];
  /**
   * Certificates mounted as files into the gateway pod.
   * @default none
   */
  readonly certificateFiles?: CertificateFiles;
  /**
   * For MUTUAL: a secret or ConfigMap that holds the client CA, apart from the server certificate.
   * @default the CA in the credential secret (`ca.crt` or `<credentialName>-cacert`)
   */
  readonly caCertCredentialName?: string;
  /**
   * TLS mode.
   * @default ServerTlsMode.SIMPLE
   */
  readonly mode?: ServerTlsMode;
  /**
   * Also add a plain HTTP server on `httpPort` for the same hosts that answers every request with a 301
   * redirect to HTTPS (the same as a separate `GatewayServer.http({ hosts, httpsRedirect: true })`).
   * @default false
   */
  readonly redirectHttp?: boolean;
  /**
   * Port of the HTTPS server.
   * @default 443
   */
  readonly port?: number;
  /**
   * Port of the redirecting HTTP server (with `redirectHttp`).
   * @default 80
   */
  readonly httpPort?: number;
  /**
   * Port name, unique among the gateway's servers.
   * @default "https-<port>" (with a numeric suffix when taken)
   */
  readonly name?: string;
  /**
   * Lowest TLS version accepted.
   * @default Envoy's (TLS 1.2)
   */
  readonly minProtocolVersion?: TlsProtocolVersion;
  /**
   * Highest TLS version accepted.
   * @default Envoy's (TLS 1.3)
   */
  readonly maxProtocolVersion?: TlsProtocolVersion;
  /**
   * For MUTUAL: accepted client certificate subject alternative names.
   * @default any certificate the CA signed
   */
  readonly subjectAltNames?: string[];
}

/** Options of {@link GatewayServer.tlsPassthrough}. */
export interface TlsPassthroughServerOptions {
  /** Hosts (SNI names) routed through, `[namespace/]dnsName`. */
  readonly hosts: string[];
  /**
   * Port the gateway listens on.
   * @default 443
   */
  readonly port?: number;
  /**
   * Port name, unique among the gateway's servers.
   * @default "tls-<port>" (with a numeric suffix when taken)
   */
  readonly name?: string;
}

/** A server as a gateway renders it: the L1 spec plus what cross-checks need. @internal */
export interface RenderedServer {
  /** The `servers[]` entry. */
  readonly spec: GatewaySpecServers;
  /** Protocol. */
  readonly protocol: ServerProtocol;
  /** Whether TLS is terminated or passed through on this port (HTTPS, TLS). */
  readonly tlsBased: boolean;
  /** Hosts, split. */
  readonly hosts: readonly NamespacedHost[];
}

interface ServerConfig {
  readonly kind: 'http' | 'https' | 'passthrough';
  readonly http?: HttpServerOptions;
  readonly https?: HttpsServerOptions;
  readonly passthrough?: TlsPassthroughServerOptions;
}

/**
 * One `servers[]` entry of an Istio Gateway (or two: an HTTPS server with `redirectHttp` also yields the
 * redirecting port-80 server). Build it with the static factories; the gateway it is added to checks it
 * (ISTIO-RULES G1–G3) and reports errors under its own construct path.
 */
export class GatewayServer {
  /** A plain HTTP server, optionally redirecting every request to HTTPS. */
  public static http(options: HttpServerOptions): GatewayServer {
    return new GatewayServer({ kind: 'http', http: copyOptions(options) });
  }

  /** An HTTPS server terminating TLS with a certificate from a secret (or mounted files). */
  public static https(options: HttpsServerOptions): GatewayServer {
    return new GatewayServer({ kind: 'https', https: copyOptions(options) });
  }

  /** A TLS server that routes on SNI without terminating TLS (mode PASSTHROUGH). */
  public static tlsPassthrough(options: TlsPassthroughServerOptions): GatewayServer {
    return new GatewayServer({ kind: 'passthrough', passthrough: copyOptions(options) });
  }

  private constructor(private readonly config: ServerConfig) {}

  /**
   * Checks the server and renders its entries. `takeName` reserves a port name (returns false when taken).
   * @internal
   */
  public _render(scope: IConstruct, field: string, takeName: (name: string) => boolean): RenderedServer[] {
    const c = this.config;
    if (c.kind === 'http') {
      const o = checkOptions(scope, field, c.http!, 'HttpServerOptions');
      const port = checkPort(scope, `${field}.port`, o.port ?? 80);
      const redirect = o.httpsRedirect === undefined ? false : checkBoolean(scope, `${field}.httpsRedirect`, o.httpsRedirect);
      return [plain(scope, field, o.hosts, port, o.name, takeName, redirect)];
    }
    if (c.kind === 'passthrough') {
      const o = checkOptions(scope, field, c.passthrough!, 'TlsPassthroughServerOptions');
      const port = checkPort(scope, `${field}.port`, o.port ?? 443);
      const hosts = checkHosts(scope, `${field}.hosts`, o.hosts);
      const name = portName(scope, `${field}.name`, o.name, `tls-${port}`, takeName);
      return [{
        spec: { hosts: hosts.map(joinHost), port: { number: port, name, protocol: ServerProtocol.TLS }, tls: { mode: GatewaySpecServersTlsMode.PASSTHROUGH } },
        protocol: ServerProtocol.TLS,
        tlsBased: true,
        hosts,
      }];
    }
    const o = checkOptions(scope, field, c.https!, 'HttpsServerOptions');
    const port = checkPort(scope, `${field}.port`, o.port ?? 443);
    const hosts = checkHosts(scope, `${field}.hosts`, o.hosts);
    const tls = this.renderTls(scope, field, o);
    const redirectHttp = o.redirectHttp === undefined ? false : checkBoolean(scope, `${field}.redirectHttp`, o.redirectHttp);
    if (!redirectHttp && o.httpPort !== undefined) {
      throw invalidInput(scope, `${field}.httpPort`, o.httpPort, 'is set without redirectHttp', 'set redirectHttp: true or drop httpPort');
    }
    const httpPort = redirectHttp ? checkPort(scope, `${field}.httpPort`, o.httpPort ?? 80) : undefined;
    if (httpPort === port) {
      throw invalidInput(scope, `${field}.httpPort`, httpPort, 'is the HTTPS port too (one port cannot serve plain HTTP and TLS)', 'use 80 for the redirect and 443 for HTTPS');
    }
    const name = portName(scope, `${field}.name`, o.name, `https-${port}`, takeName);
    const https: RenderedServer = {
      spec: { hosts: hosts.map(joinHost), port: { number: port, name, protocol: ServerProtocol.HTTPS }, tls: tls.spec },
      protocol: ServerProtocol.HTTPS,
      tlsBased: true,
      hosts,
    };
    return httpPort === undefined ? [https] : [https, plain(scope, field, o.hosts, httpPort, undefined, takeName, true)];
  }

  private renderTls(scope: IConstruct, field: string, o: HttpsServerOptions): { spec: GatewaySpecServersTls } {
    const mode = o.mode ?? ServerTlsMode.SIMPLE;
    if (!Object.values(ServerTlsMode).includes(mode)) {
      throw invalidInput(scope, `${field}.mode`, mode, 'is not a TLS mode for an HTTPS server', `use one of ${Object.values(ServerTlsMode).join(', ')} (ServerTlsMode.*)`);
    }
    const sources = [o.credentialName !== undefined, o.credentialNames !== undefined, o.certificateFiles !== undefined].filter(Boolean).length;
    if (sources === 0) {
      throw invalidInput(scope, `${field}.credentialName`, undefined, 'is missing: an HTTPS server needs a certificate (ISTIO-RULES G2)',
        'name the Kubernetes TLS secret in the gateway namespace, e.g. credentialName: "bookinfo-tls"');
    }
    if (sources > 1) {
      throw invalidInput(scope, `${field}.credentialName`, o.credentialName ?? o.credentialNames,
        'is given together with another certificate source (only one of credentialName, credentialNames, certificateFiles; ISTIO-RULES G3)', 'keep one of them');
    }
    const spec: { -readonly [K in keyof GatewaySpecServersTls]: GatewaySpecServersTls[K] } = { mode: mode as unknown as GatewaySpecServersTlsMode };
    if (o.credentialName !== undefined) {
      spec.credentialName = checkSecretName(scope, `${field}.credentialName`, o.credentialName);
    } else if (o.credentialNames !== undefined) {
      const limits = crdLimits('networking.istio.io/v1/Gateway', 'spec.servers[].tls.credentialNames');
      if (Array.isArray(o.credentialNames) && (o.credentialNames.length < (limits.minItems ?? 1) || o.credentialNames.length > (limits.maxItems ?? 2))) {
        throw invalidInput(scope, `${field}.credentialNames`, o.credentialNames, 'does not hold one or two secret names (ISTIO-RULES G3)', 'give e.g. ["site-rsa", "site-ecdsa"], or use credentialName for one');
      }
      const credentials = checkArray(scope, `${field}.credentialNames`, o.credentialNames, (n, f) => checkSecretName(scope, f, n),
        { fix: 'give e.g. ["site-rsa", "site-ecdsa"], or use credentialName for one' });
      if (credentials[0] === credentials[1]) {
        throw invalidInput(scope, `${field}.credentialNames`, o.credentialNames, 'names the same secret twice', 'give two different secrets or use credentialName');
      }
      spec.credentialNames = credentials;
    } else {
      const files = checkOptions(scope, `${field}.certificateFiles`, o.certificateFiles!, 'CertificateFiles');
      for (const key of ['serverCertificate', 'privateKey'] as const) {
        checkString(scope, `${field}.certificateFiles.${key}`, files[key], { fix: 'give the path where the file is mounted, e.g. "/etc/istio/certs/tls.crt"' });
        if (!files[key].startsWith('/')) {
          throw invalidInput(scope, `${field}.certificateFiles.${key}`, files[key], `is not an absolute file path (${mode} TLS without a credential needs a certificate and a key; ISTIO-RULES G3)`,
            'give the path where the file is mounted, e.g. "/etc/istio/certs/tls.crt"');
        }
      }
      if (files.caCertificates !== undefined) {
        checkString(scope, `${field}.certificateFiles.caCertificates`, files.caCertificates, { fix: 'give the path of the mounted CA bundle' });
        if (!files.caCertificates.startsWith('/')) {
          throw invalidInput(scope, `${field}.certificateFiles.caCertificates`, files.caCertificates, 'is not an absolute file path', 'give the path of the mounted CA bundle');
        }
      }
      if (mode !== ServerTlsMode.SIMPLE && files.caCertificates === undefined) {
        throw invalidInput(scope, `${field}.certificateFiles.caCertificates`, undefined, `is missing: ${mode} TLS needs a CA bundle to verify clients (ISTIO-RULES G3)`,
          'give the path of the client CA bundle, or use credentialName with a secret holding ca.crt');
      }
      spec.serverCertificate = files.serverCertificate;
      spec.privateKey = files.privateKey;
      if (files.caCertificates !== undefined) {
        spec.caCertificates = files.caCertificates;
      }
    }
    if (o.caCertCredentialName !== undefined) {
      if (mode === ServerTlsMode.SIMPLE) {
        throw invalidInput(scope, `${field}.caCertCredentialName`, o.caCertCredentialName, 'is set on a SIMPLE TLS server, which verifies no client certificate', 'use mode: ServerTlsMode.MUTUAL or drop it');
      }
      spec.caCertCredentialName = checkSecretName(scope, `${field}.caCertCredentialName`, o.caCertCredentialName);
    }
    if (o.subjectAltNames !== undefined) {
      if (mode === ServerTlsMode.SIMPLE) {
        throw invalidInput(scope, `${field}.subjectAltNames`, o.subjectAltNames, 'is set on a SIMPLE TLS server, which verifies no client certificate', 'use mode: ServerTlsMode.MUTUAL or drop it');
      }
      spec.subjectAltNames = checkArray(scope, `${field}.subjectAltNames`, o.subjectAltNames,
        (n, f) => checkString(scope, f, n, { minLength: 1, fix: 'give e.g. ["spiffe://example.com/client"]' }),
        { minItems: 1, fix: 'give e.g. ["spiffe://example.com/client"]' });
    }
    const order = [TlsProtocolVersion.TLS_AUTO, TlsProtocolVersion.TLSV1_2, TlsProtocolVersion.TLSV1_3];
    for (const key of ['minProtocolVersion', 'maxProtocolVersion'] as const) {
      const v = o[key];
      if (v !== undefined && !order.includes(v)) {
        throw invalidInput(scope, `${field}.${key}`, v, 'is not a supported TLS version', 'use TlsProtocolVersion.TLSV1_2 or TLSV1_3');
      }
    }
    if (o.minProtocolVersion && o.maxProtocolVersion && o.minProtocolVersion !== TlsProtocolVersion.TLS_AUTO && o.maxProtocolVersion !== TlsProtocolVersion.TLS_AUTO
      && order.indexOf(o.minProtocolVersion) > order.indexOf(o.maxProtocolVersion)) {
      throw invalidInput(scope, `${field}.minProtocolVersion`, o.minProtocolVersion, `is above maxProtocolVersion ${o.maxProtocolVersion}`, 'lower the minimum or raise the maximum');
    }
    if (o.minProtocolVersion !== undefined) {
      spec.minProtocolVersion = o.minProtocolVersion as unknown as GatewaySpecServersTlsMinProtocolVersion;
    }
    if (o.maxProtocolVersion !== undefined) {
      spec.maxProtocolVersion = o.maxProtocolVersion as unknown as GatewaySpecServersTlsMaxProtocolVersion;
    }
    return { spec };
  }
}

function plain(scope: IConstruct, field: string, rawHosts: string[], port: number, name: string | undefined,
  takeName: (name: string) => boolean, httpsRedirect: boolean): RenderedServer {
  const hosts = checkHosts(scope, `${field}.hosts`, rawHosts);
  const portNameValue = portName(scope, `${field}.name`, name, `http-${port}`, takeName);
  return {
    // G2: a plain HTTP server carries no TLS settings except httpsRedirect.
    spec: { hosts: hosts.map(joinHost), port: { number: port, name: portNameValue, protocol: ServerProtocol.HTTP }, ...(httpsRedirect ? { tls: { httpsRedirect: true } } : {}) },
    protocol: ServerProtocol.HTTP,
    tlsBased: false,
    hosts,
  };
}

function joinHost(h: NamespacedHost): string {
  return h.namespace === undefined ? h.dnsName : `${h.namespace}/${h.dnsName}`;
}

function checkHosts(scope: IConstruct, field: string, hosts: unknown): NamespacedHost[] {
  if (Array.isArray(hosts) && hosts.length === 0) {
    throw invalidInput(scope, field, hosts, 'is empty: every server needs at least one host (ISTIO-RULES G1)', 'list the hosts it serves, e.g. ["bookinfo.example.com"]');
  }
  const parsed = checkArray(scope, field, hosts, (h, f) => checkNamespacedHost(scope, f, h, false),
    { fix: 'list the hosts it serves, e.g. ["bookinfo.example.com"]' });
  const seen = new Set<string>();
  for (const h of parsed) {
    const key = joinHost(h).toLowerCase();
    if (seen.has(key)) {
      throw invalidInput(scope, field, joinHost(h), 'is listed twice', 'list each host once');
    }
    seen.add(key);
  }
  return parsed;
}

function portName(scope: IConstruct, field: string, name: string | undefined, base: string, takeName: (name: string) => boolean): string {
  if (name !== undefined) {
    checkString(scope, field, name, { fix: `use e.g. "${base}"` });
    if (!isDnsLabel(name)) {
      throw invalidInput(scope, field, name, 'is not a port name (lowercase letters, digits and "-", at most 63 characters)', `use e.g. "${base}"`);
    }
    if (!takeName(name)) {
      throw invalidInput(scope, field, name, 'is already the name of another server of this gateway (port names must be unique; ISTIO-RULES G1)', 'give each server its own name');
    }
    return name;
  }
  for (let n = 1; ; n++) {
    const candidate = n === 1 ? base : `${base}-${n}`;
    if (takeName(candidate)) {
      return candidate;
    }
  }
}
