import { Duration } from 'cdk8s';
import { IConstruct } from 'constructs';
import { istioDuration } from '../core/duration';
import { invalidInput } from '../core/errors';
import { isHeaderName } from '../core/names';
import { checkSecretName } from '../core/secrets';
import {
  DestinationRuleSpecTrafficPolicy,
  DestinationRuleSpecTrafficPolicyConnectionPool,
  DestinationRuleSpecTrafficPolicyConnectionPoolHttp,
  DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy,
  DestinationRuleSpecTrafficPolicyConnectionPoolTcp,
  DestinationRuleSpecTrafficPolicyLoadBalancer,
  DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash,
  DestinationRuleSpecTrafficPolicyLoadBalancerSimple,
  DestinationRuleSpecTrafficPolicyOutlierDetection,
  DestinationRuleSpecTrafficPolicyTls,
  DestinationRuleSpecTrafficPolicyTlsMode,
} from '../../imports/networking.istio.io';
import { checkWholePercent } from './checks';
import { crdLimits } from '../core/crd-limits';
import { checkBoolean, checkEnum, checkInteger, checkOptions, checkString, copyOptions, PropsInterface } from '../core/input';

const DESTINATION_RULE = 'networking.istio.io/v1/DestinationRule';

/** The parts of a DestinationRule traffic policy that this library's constructs set. */
export type TrafficPolicyParts = Pick<DestinationRuleSpecTrafficPolicy, 'connectionPool' | 'outlierDetection' | 'loadBalancer' | 'tls'>;

/** Whether HTTP/1.1 connections to the destination are upgraded to HTTP/2. */
export enum H2UpgradePolicy {
  /** Follow the mesh-wide `h2UpgradePolicy`. */
  DEFAULT = 'DEFAULT',
  /** Never upgrade. */
  DO_NOT_UPGRADE = 'DO_NOT_UPGRADE',
  /** Upgrade to HTTP/2; excludes `useClientProtocol` (ISTIO-RULES D2). */
  UPGRADE = 'UPGRADE',
}

/** TCP keepalive probes on upstream connections. */
export interface TcpKeepaliveOptions {
  /**
   * Unanswered probes before the connection is dropped.
   * @default the operating system's (9 on Linux)
   */
  readonly probes?: number;
  /**
   * Idle time before the first probe, at least 1ms.
   * @default the operating system's (2 hours on Linux)
   */
  readonly time?: Duration;
  /**
   * Time between probes, at least 1ms.
   * @default the operating system's (75s on Linux)
   */
  readonly interval?: Duration;
}

/** Limits shared by HTTP and TCP connections (`connectionPool.tcp`). */
export interface TcpPoolOptions {
  /**
   * Most HTTP/1.1 or TCP connections to the destination (per client proxy).
   * @default Istio's: 2^32-1 (no limit)
   */
  readonly maxConnections?: number;
  /**
   * TCP connect timeout, at least 1ms.
   * @default Istio's: 10s
   */
  readonly connectTimeout?: Duration;
  /**
   * How long a connection may be idle; `Duration.seconds(0)` turns the timeout off.
   * @default Istio's: 1 hour
   */
  readonly idleTimeout?: Duration;
  /**
   * Longest life of a connection, at least 1ms.
   * @default no limit
   */
  readonly maxConnectionDuration?: Duration;
  /**
   * TCP keepalive on upstream sockets.
   * @default off
   */
  readonly tcpKeepalive?: TcpKeepaliveOptions;
}

/** HTTP connection-pool limits (`connectionPool.http`). */
export interface HttpPoolOptions {
  /**
   * Most requests queued while waiting for a connection.
   * @default Istio's: 2^32-1 (no limit)
   */
  readonly http1MaxPendingRequests?: number;
  /**
   * Most concurrent requests to the destination.
   * @default Istio's: 2^32-1 (no limit)
   */
  readonly http2MaxRequests?: number;
  /**
   * Requests per connection before it is closed; 1 turns keep-alive off.
   * @default 0 (no limit)
   */
  readonly maxRequestsPerConnection?: number;
  /**
   * Most retries outstanding to all endpoints at once.
   * @default Istio's: 2^32-1 (no limit)
   */
  readonly maxRetries?: number;
  /**
   * How long a pooled connection may be idle, at least 1ms.
   * @default Istio's: 1 hour
   */
  readonly idleTimeout?: Duration;
  /**
   * HTTP/2 upgrade of HTTP/1.1 connections.
   * @default H2UpgradePolicy.DEFAULT (the mesh-wide setting)
   */
  readonly h2UpgradePolicy?: H2UpgradePolicy;
  /**
   * Use the client's HTTP protocol to the destination; excludes `H2UpgradePolicy.UPGRADE`.
   * @default false
   */
  readonly useClientProtocol?: boolean;
  /**
   * Most concurrent streams per HTTP/2 connection.
   * @default Envoy's (2^31-1)
   */
  readonly maxConcurrentStreams?: number;
}

/** Connection-pool limits (`trafficPolicy.connectionPool`); at least one of `tcp`, `http`. */
export interface ConnectionPoolOptions {
  /**
   * TCP-level limits.
   * @default none
   */
  readonly tcp?: TcpPoolOptions;
  /**
   * HTTP-level limits.
   * @default none
   */
  readonly http?: HttpPoolOptions;
}

/** Ejection of misbehaving endpoints from the load-balancing pool (`trafficPolicy.outlierDetection`). */
export interface OutlierDetectionOptions {
  /**
   * Consecutive 5xx responses (and connection failures) that eject an endpoint; 0 turns the check off.
   * @default Istio's: 5
   */
  readonly consecutive5xxErrors?: number;
  /**
   * Consecutive 502/503/504 responses (and connection failures) that eject an endpoint; 0 turns it off.
   * @default off
   */
  readonly consecutiveGatewayErrors?: number;
  /**
   * Consecutive locally originated failures (connect timeouts, resets) that eject an endpoint;
   * needs `splitExternalLocalOriginErrors` (ISTIO-RULES D3).
   * @default Envoy's: 5, when splitExternalLocalOriginErrors is true
   */
  readonly consecutiveLocalOriginFailures?: number;
  /**
   * Count local failures separately from upstream responses.
   * @default false
   */
  readonly splitExternalLocalOriginErrors?: boolean;
  /**
   * Time between ejection sweeps, at least 1ms.
   * @default Istio's: 10s
   */
  readonly interval?: Duration;
  /**
   * Minimum ejection time (grows with each ejection of the same endpoint), at least 1ms.
   * @default Istio's: 30s
   */
  readonly baseEjectionTime?: Duration;
  /**
   * Most endpoints ejected at once, in percent (0–100).
   * @default Istio's: 10
   */
  readonly maxEjectionPercent?: number;
  /**
   * Outlier detection pauses when fewer than this percentage of endpoints are healthy (0–100).
   * @default Istio's: 0 (always on)
   */
  readonly minHealthPercent?: number;
}

const H2_UPGRADE: Record<H2UpgradePolicy, DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy> = {
  [H2UpgradePolicy.DEFAULT]: DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy.DEFAULT,
  [H2UpgradePolicy.DO_NOT_UPGRADE]: DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy.DO_UNDERSCORE_NOT_UNDERSCORE_UPGRADE,
  [H2UpgradePolicy.UPGRADE]: DestinationRuleSpecTrafficPolicyConnectionPoolHttpH2UpgradePolicy.UPGRADE,
};

function dropUndefined<T extends object>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}

/**
 * Checks a policy block's shape (an object of `iface`, no unknown keys) and that it sets some field:
 * D1, istiod rejects or ignores empty blocks.
 */
function requireSomeField(scope: IConstruct, field: string, value: unknown, iface: PropsInterface, fields: string): void {
  checkOptions(scope, field, value, iface);
  if (Object.values(value as object).every((v) => v === undefined)) {
    throw invalidInput(scope, field, value, `sets no field, which istiod rejects or ignores (ISTIO-RULES D1)`, `set at least one of ${fields}, or leave ${field} out`);
  }
}

/** A counter field of a DestinationRule: a whole number in the CRD's int32 range, not negative (ISTIO-RULES D2). */
function counter(scope: IConstruct, field: string, value: unknown, crdPath: string): number | undefined {
  return value === undefined ? undefined : checkInteger(scope, field, value, { ...crdLimits(DESTINATION_RULE, crdPath), minimum: 0 });
}

/** Checks and renders connection-pool limits (ISTIO-RULES D1, D2). */
export function renderConnectionPool(scope: IConstruct, field: string, pool: ConnectionPoolOptions): DestinationRuleSpecTrafficPolicyConnectionPool {
  requireSomeField(scope, field, pool, 'ConnectionPoolOptions', 'tcp, http');
  const cp = 'spec.trafficPolicy.connectionPool';
  let tcp: DestinationRuleSpecTrafficPolicyConnectionPoolTcp | undefined;
  if (pool.tcp !== undefined) {
    const t = pool.tcp;
    const f = `${field}.tcp`;
    requireSomeField(scope, f, t, 'TcpPoolOptions', 'maxConnections, connectTimeout, idleTimeout, maxConnectionDuration, tcpKeepalive');
    let keepalive;
    if (t.tcpKeepalive !== undefined) {
      const k = t.tcpKeepalive;
      requireSomeField(scope, `${f}.tcpKeepalive`, k, 'TcpKeepaliveOptions', 'probes, time, interval');
      keepalive = dropUndefined({
        probes: k.probes === undefined ? undefined
          : checkInteger(scope, `${f}.tcpKeepalive.probes`, k.probes, crdLimits(DESTINATION_RULE, `${cp}.tcp.tcpKeepalive.probes`)),
        time: k.time === undefined ? undefined : istioDuration(scope, `${f}.tcpKeepalive.time`, k.time),
        interval: k.interval === undefined ? undefined : istioDuration(scope, `${f}.tcpKeepalive.interval`, k.interval),
      });
    }
    tcp = dropUndefined({
      maxConnections: counter(scope, `${f}.maxConnections`, t.maxConnections, `${cp}.tcp.maxConnections`),
      connectTimeout: t.connectTimeout === undefined ? undefined : istioDuration(scope, `${f}.connectTimeout`, t.connectTimeout),
      // D2: a TCP idle timeout of 0s is allowed and turns the timeout off.
      idleTimeout: t.idleTimeout === undefined ? undefined : istioDuration(scope, `${f}.idleTimeout`, t.idleTimeout, { minMs: 0 }),
      maxConnectionDuration: t.maxConnectionDuration === undefined ? undefined : istioDuration(scope, `${f}.maxConnectionDuration`, t.maxConnectionDuration),
      tcpKeepalive: keepalive,
    });
  }
  let http: DestinationRuleSpecTrafficPolicyConnectionPoolHttp | undefined;
  if (pool.http !== undefined) {
    const h = pool.http;
    const f = `${field}.http`;
    requireSomeField(scope, f, h, 'HttpPoolOptions', 'http1MaxPendingRequests, http2MaxRequests, maxRequestsPerConnection, maxRetries, idleTimeout, h2UpgradePolicy, useClientProtocol, maxConcurrentStreams');
    const upgrade = h.h2UpgradePolicy === undefined ? undefined : checkEnum(scope, `${f}.h2UpgradePolicy`, h.h2UpgradePolicy, H2UpgradePolicy, 'H2UpgradePolicy');
    const useClientProtocol = h.useClientProtocol === undefined ? undefined : checkBoolean(scope, `${f}.useClientProtocol`, h.useClientProtocol);
    if (useClientProtocol === true && upgrade === H2UpgradePolicy.UPGRADE) {
      throw invalidInput(scope, `${f}.useClientProtocol`, true, 'is set together with h2UpgradePolicy UPGRADE, which istiod rejects (D2)',
        'either keep the client protocol or force the HTTP/2 upgrade, not both');
    }
    http = dropUndefined({
      http1MaxPendingRequests: counter(scope, `${f}.http1MaxPendingRequests`, h.http1MaxPendingRequests, `${cp}.http.http1MaxPendingRequests`),
      http2MaxRequests: counter(scope, `${f}.http2MaxRequests`, h.http2MaxRequests, `${cp}.http.http2MaxRequests`),
      maxRequestsPerConnection: counter(scope, `${f}.maxRequestsPerConnection`, h.maxRequestsPerConnection, `${cp}.http.maxRequestsPerConnection`),
      maxRetries: counter(scope, `${f}.maxRetries`, h.maxRetries, `${cp}.http.maxRetries`),
      maxConcurrentStreams: counter(scope, `${f}.maxConcurrentStreams`, h.maxConcurrentStreams, `${cp}.http.maxConcurrentStreams`),
      idleTimeout: h.idleTimeout === undefined ? undefined : istioDuration(scope, `${f}.idleTimeout`, h.idleTimeout),
      h2UpgradePolicy: upgrade === undefined ? undefined : H2_UPGRADE[upgrade],
      useClientProtocol,
    });
  }
  return dropUndefined({ tcp, http });
}

/** Checks and renders outlier detection (ISTIO-RULES D1, D3). */
export function renderOutlierDetection(scope: IConstruct, field: string, od: OutlierDetectionOptions): DestinationRuleSpecTrafficPolicyOutlierDetection {
  requireSomeField(scope, field, od, 'OutlierDetectionOptions',
    'consecutive5xxErrors, consecutiveGatewayErrors, interval, baseEjectionTime, maxEjectionPercent, minHealthPercent');
  const path = 'spec.trafficPolicy.outlierDetection';
  const split = od.splitExternalLocalOriginErrors === undefined ? undefined : checkBoolean(scope, `${field}.splitExternalLocalOriginErrors`, od.splitExternalLocalOriginErrors);
  const localOrigin = counter(scope, `${field}.consecutiveLocalOriginFailures`, od.consecutiveLocalOriginFailures, `${path}.consecutiveLocalOriginFailures`);
  if (localOrigin !== undefined && localOrigin > 0 && split !== true) {
    throw invalidInput(scope, `${field}.consecutiveLocalOriginFailures`, localOrigin,
      'only counts when local-origin errors are split from upstream errors (D3)', 'set splitExternalLocalOriginErrors: true');
  }
  return dropUndefined({
    consecutive5XxErrors: counter(scope, `${field}.consecutive5xxErrors`, od.consecutive5xxErrors, `${path}.consecutive5xxErrors`),
    consecutiveGatewayErrors: counter(scope, `${field}.consecutiveGatewayErrors`, od.consecutiveGatewayErrors, `${path}.consecutiveGatewayErrors`),
    consecutiveLocalOriginFailures: localOrigin,
    splitExternalLocalOriginErrors: split,
    interval: od.interval === undefined ? undefined : istioDuration(scope, `${field}.interval`, od.interval),
    baseEjectionTime: od.baseEjectionTime === undefined ? undefined : istioDuration(scope, `${field}.baseEjectionTime`, od.baseEjectionTime),
    maxEjectionPercent: od.maxEjectionPercent === undefined ? undefined : checkWholePercent(scope, `${field}.maxEjectionPercent`, od.maxEjectionPercent),
    minHealthPercent: od.minHealthPercent === undefined ? undefined : checkWholePercent(scope, `${field}.minHealthPercent`, od.minHealthPercent),
  });
}

/** The TLS mode of connections to a destination. */
export enum ClientTlsMode {
  /** Plain text. Conflicts with STRICT mTLS on the destination. */
  DISABLE = 'DISABLE',
  /** TLS to the destination, verifying its certificate. */
  SIMPLE = 'SIMPLE',
  /** Mutual TLS with certificates you supply. */
  MUTUAL = 'MUTUAL',
  /** Mutual TLS with Istio's workload certificates. */
  ISTIO_MUTUAL = 'ISTIO_MUTUAL',
}

/** Options of {@link ClientTls.istioMutual}. */
export interface IstioMutualTlsOptions {
  /**
   * SNI to present.
   * @default the destination host
   */
  readonly sni?: string;
  /**
   * Names the server certificate must carry.
   * @default the certificate is checked against the CA only
   */
  readonly subjectAltNames?: string[];
}

/** Options of {@link ClientTls.simple}. */
export interface SimpleTlsOptions extends IstioMutualTlsOptions {
  /**
   * A Secret (in the proxy's namespace) with the CA certificate (`ca.crt` or `cacert`) to verify the server with.
   * Excludes `caCertificates` (ISTIO-RULES D6).
   * @default none
   */
  readonly credentialName?: string;
  /**
   * Path of a CA bundle file mounted in the proxy. Excludes `credentialName`.
   * @default none: the server is verified against the proxy's system CA bundle (unless insecureSkipVerify)
   */
  readonly caCertificates?: string;
  /**
   * Skip verifying the server certificate. Only without a CA and subjectAltNames.
   * @default false
   */
  readonly insecureSkipVerify?: boolean;
}

/** Options of {@link ClientTls.mutual}. */
export interface MutualTlsOptions extends SimpleTlsOptions {
  /**
   * Path of the client certificate file; required with `privateKey` when there is no `credentialName` (D6).
   * @default none
   */
  readonly clientCertificate?: string;
  /**
   * Path of the client private key file; required with `clientCertificate` when there is no `credentialName` (D6).
   * @default none
   */
  readonly privateKey?: string;
}

/** The options interface of each mode's factory. */
const TLS_OPTIONS: Record<ClientTlsMode, PropsInterface> = {
  [ClientTlsMode.DISABLE]: 'IstioMutualTlsOptions',
  [ClientTlsMode.ISTIO_MUTUAL]: 'IstioMutualTlsOptions',
  [ClientTlsMode.SIMPLE]: 'SimpleTlsOptions',
  [ClientTlsMode.MUTUAL]: 'MutualTlsOptions',
};

/**
 * How proxies connect to a destination (`trafficPolicy.tls`). The mode is visible in the
 * synthesized DestinationRule, so chart-wide checks (e.g. STRICT mTLS against `DISABLE`) can see it.
 */
export class ClientTls {
  /** Plain text to the destination. */
  public static disable(): ClientTls {
    return new ClientTls(ClientTlsMode.DISABLE, {});
  }

  /** Istio mutual TLS (the default for meshed destinations with auto mTLS). */
  public static istioMutual(options: IstioMutualTlsOptions = {}): ClientTls {
    return new ClientTls(ClientTlsMode.ISTIO_MUTUAL, copyOptions(options));
  }

  /**
   * TLS originated by the proxy, verifying the server with a CA from `credentialName` or `caCertificates`,
   * or, with neither, against the proxy's system CA bundle (Istio 1.21 and later), which suits public
   * servers such as `api.stripe.com`. `istioctl analyze` still warns (IST0128/IST0129) without caCertificates.
   */
  public static simple(options: SimpleTlsOptions): ClientTls {
    return new ClientTls(ClientTlsMode.SIMPLE, copyOptions(options));
  }

  /**
   * Mutual TLS with a client certificate from `credentialName`, or from `clientCertificate` + `privateKey` files;
   * the server is verified as with {@link ClientTls.simple} (a given CA, else the system CA bundle).
   */
  public static mutual(options: MutualTlsOptions): ClientTls {
    return new ClientTls(ClientTlsMode.MUTUAL, copyOptions(options));
  }

  private constructor(
    /** The TLS mode. */
    public readonly mode: ClientTlsMode,
    private readonly options: MutualTlsOptions,
  ) {}

  /** @internal Checks (ISTIO-RULES D6, analyzer IST0128/IST0129) and renders the settings. */
  public _render(scope: IConstruct, field: string): DestinationRuleSpecTrafficPolicyTls {
    const o = this.options;
    checkOptions(scope, field, o, TLS_OPTIONS[this.mode]);
    const text = (k: 'sni' | 'caCertificates' | 'clientCertificate' | 'privateKey' | 'credentialName') => {
      if (o[k] !== undefined) checkString(scope, `${field}.${k}`, o[k], { minLength: 1, fix: `give ${k} as a non-empty string, or leave it out` });
    };
    (['sni', 'caCertificates', 'clientCertificate', 'privateKey', 'credentialName'] as const).forEach(text);
    if (o.insecureSkipVerify !== undefined) checkBoolean(scope, `${field}.insecureSkipVerify`, o.insecureSkipVerify);
    const originated = this.mode === ClientTlsMode.SIMPLE || this.mode === ClientTlsMode.MUTUAL;
    if (originated) {
      if (o.credentialName !== undefined) {
        checkSecretName(scope, `${field}.credentialName`, o.credentialName, 'name a Secret such as "api-client-tls"');
        const inline = (['clientCertificate', 'privateKey', 'caCertificates'] as const).find((k) => o[k] !== undefined);
        if (inline) {
          throw invalidInput(scope, `${field}.${inline}`, o[inline], 'is set together with credentialName, which istiod rejects (D6)',
            'keep the certificates in the credentialName Secret, or drop credentialName and give files');
        }
      } else if (this.mode === ClientTlsMode.MUTUAL && (!o.clientCertificate || !o.privateKey)) {
        throw invalidInput(scope, `${field}.${o.clientCertificate ? 'privateKey' : 'clientCertificate'}`, undefined,
          'is missing: MUTUAL TLS without credentialName needs clientCertificate and privateKey (D6)', 'give both files, or a credentialName Secret');
      }
      if (o.insecureSkipVerify === true) {
        if (o.caCertificates !== undefined || o.subjectAltNames !== undefined || (this.mode === ClientTlsMode.SIMPLE && o.credentialName !== undefined)) {
          throw invalidInput(scope, `${field}.insecureSkipVerify`, true, 'is set together with a CA or subjectAltNames, which istiod rejects',
            'verify the server (drop insecureSkipVerify) or drop the CA and names');
        }
      }
    } else if (o.insecureSkipVerify !== undefined) {
      throw invalidInput(scope, `${field}.insecureSkipVerify`, o.insecureSkipVerify, `has no meaning with ${this.mode}`, 'drop it');
    }
    if (o.subjectAltNames !== undefined && (!Array.isArray(o.subjectAltNames) || o.subjectAltNames.length === 0 || o.subjectAltNames.some((n) => typeof n !== 'string' || n === ''))) {
      throw invalidInput(scope, `${field}.subjectAltNames`, o.subjectAltNames, 'is empty or has an empty name', 'list the names, or leave subjectAltNames out');
    }
    return dropUndefined({
      mode: this.mode as string as DestinationRuleSpecTrafficPolicyTlsMode,
      credentialName: o.credentialName,
      caCertificates: o.caCertificates,
      clientCertificate: o.clientCertificate,
      privateKey: o.privateKey,
      sni: o.sni,
      subjectAltNames: o.subjectAltNames ? [...o.subjectAltNames] : undefined,
      insecureSkipVerify: o.insecureSkipVerify,
    });
  }
}

/** Options of the consistent-hash load balancers. */
export interface ConsistentHashOptions {
  /**
   * Use Maglev with this lookup table size: a prime below 5000011 (ISTIO-RULES D5).
   * @default ring hash
   */
  readonly maglevTableSize?: number;
}

/** Options of {@link LoadBalancer.consistentHashCookie}. */
export interface HashCookieOptions extends ConsistentHashOptions {
  /** The cookie name (required, D5). */
  readonly name: string;
  /**
   * Lifetime of the cookie the proxy sets when the request has none; 0 makes it a session cookie.
   * @default the proxy sets no cookie (requests without it are hashed at random)
   */
  readonly ttl?: Duration;
  /**
   * Path of the generated cookie.
   * @default none
   */
  readonly path?: string;
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) {
    if (n % d === 0) return false;
  }
  return true;
}

type LbKind =
  | { readonly simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple }
  | { readonly hash: 'cookie'; readonly cookie: HashCookieOptions }
  | { readonly hash: 'header' | 'query'; readonly name: string; readonly options: ConsistentHashOptions }
  | { readonly hash: 'sourceIp'; readonly options: ConsistentHashOptions };

/** How a proxy picks an endpoint of the destination (`trafficPolicy.loadBalancer`). */
export class LoadBalancer {
  /** Round robin. */
  public static roundRobin(): LoadBalancer {
    return new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.ROUND_UNDERSCORE_ROBIN });
  }
  /** The endpoint with fewest active requests among two picked at random (Istio's default). */
  public static leastRequest(): LoadBalancer {
    return new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.LEAST_UNDERSCORE_REQUEST });
  }
  /** A random endpoint. */
  public static random(): LoadBalancer {
    return new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.RANDOM });
  }
  /** The original destination address of the connection, no load balancing. */
  public static passthrough(): LoadBalancer {
    return new LoadBalancer({ simple: DestinationRuleSpecTrafficPolicyLoadBalancerSimple.PASSTHROUGH });
  }
  /** Session affinity on an HTTP cookie. */
  public static consistentHashCookie(options: HashCookieOptions): LoadBalancer {
    return new LoadBalancer({ hash: 'cookie', cookie: copyOptions(options) });
  }
  /** Session affinity on a request header. */
  public static consistentHashHeader(name: string, options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer({ hash: 'header', name, options: copyOptions(options) });
  }
  /** Session affinity on a query parameter. */
  public static consistentHashQueryParameter(name: string, options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer({ hash: 'query', name, options: copyOptions(options) });
  }
  /** Session affinity on the client's IP address. */
  public static consistentHashSourceIp(options: ConsistentHashOptions = {}): LoadBalancer {
    return new LoadBalancer({ hash: 'sourceIp', options: copyOptions(options) });
  }

  private constructor(private readonly kind: LbKind) {}

  /** @internal Checks (ISTIO-RULES D5) and renders the settings. */
  public _render(scope: IConstruct, field: string): DestinationRuleSpecTrafficPolicyLoadBalancer {
    const k = this.kind;
    if ('simple' in k) {
      return { simple: k.simple };
    }
    const options: ConsistentHashOptions = k.hash === 'cookie'
      ? checkOptions(scope, field, k.cookie, 'HashCookieOptions')
      : checkOptions(scope, field, k.options, 'ConsistentHashOptions');
    let hash: DestinationRuleSpecTrafficPolicyLoadBalancerConsistentHash;
    const f = `${field}.consistentHash`;
    switch (k.hash) {
      case 'cookie':
        if (!isHeaderName(k.cookie.name)) {
          throw invalidInput(scope, `${f}.httpCookie.name`, k.cookie.name, 'is not a cookie name (a consistent-hash cookie needs one, D5)', 'name the cookie, e.g. "session"');
        }
        if (k.cookie.path !== undefined) {
          checkString(scope, `${f}.httpCookie.path`, k.cookie.path, { pattern: /^\/\S*$/, what: 'a path starting with "/"', fix: 'give a cookie path such as "/"' });
        }
        hash = {
          httpCookie: dropUndefined({
            name: k.cookie.name,
            path: k.cookie.path,
            ttl: k.cookie.ttl === undefined ? undefined : istioDuration(scope, `${f}.httpCookie.ttl`, k.cookie.ttl, { minMs: 0 }),
          }),
        };
        break;
      case 'header':
        if (!isHeaderName(k.name) || k.name !== k.name.toLowerCase()) {
          throw invalidInput(scope, `${f}.httpHeaderName`, k.name, 'is not a lowercase HTTP header name', 'use e.g. "x-user-id"');
        }
        hash = { httpHeaderName: k.name };
        break;
      case 'query':
        if (typeof k.name !== 'string' || k.name === '') {
          throw invalidInput(scope, `${f}.httpQueryParameterName`, k.name, 'is empty', 'name the query parameter, e.g. "user"');
        }
        hash = { httpQueryParameterName: k.name };
        break;
      default:
        hash = { useSourceIp: true };
    }
    if (options.maglevTableSize !== undefined) {
      const size = options.maglevTableSize;
      if (typeof size !== 'number' || !Number.isInteger(size) || size <= 0 || size >= 5000011 || !isPrime(size)) {
        throw invalidInput(scope, `${f}.maglev.tableSize`, size, 'is not a prime below 5000011 (D5)', 'use a prime such as 65537');
      }
      hash = { ...hash, maglev: { tableSize: size } };
    }
    return { consistentHash: hash };
  }
}
