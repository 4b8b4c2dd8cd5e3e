import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { formatInputError, invalidInput } from '../core/errors';
import * as l1 from '../../imports/security.istio.io';
import { checkHostname } from '../core/hostnames';
import { checkDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { isIpOrCidr } from '../core/network';
import { checkPort, isPort } from '../core/ports';
import { isIstioStringMatch } from './common';
import { ACKNOWLEDGED, DENY_WIDENS_ON_TCP_ANNOTATION } from '../analysis/checks/deny-widens-on-tcp';
import { WorkloadSelector } from '../workload/workload-selector';
import { PolicyTargetRef, Principal, PrincipalOptions } from './selectors';

/** What an AuthorizationPolicy does with the requests its rules match. */
export enum AuthorizationAction {
  /** Admit matching requests. Once any ALLOW policy selects a workload, everything else is rejected. */
  ALLOW = 'ALLOW',
  /** Reject matching requests; evaluated before ALLOW, and wins over it. */
  DENY = 'DENY',
  /** Log matching requests for an audit sink; does not change the decision. */
  AUDIT = 'AUDIT',
  /** Delegate matching requests to an external authorizer (`provider`, from `meshConfig.extensionProviders`). */
  CUSTOM = 'CUSTOM',
}

/** HTTP methods for `to.methods`. */
export enum HttpMethod {
  GET = 'GET',
  HEAD = 'HEAD',
  POST = 'POST',
  PUT = 'PUT',
  PATCH = 'PATCH',
  DELETE = 'DELETE',
  OPTIONS = 'OPTIONS',
  CONNECT = 'CONNECT',
  TRACE = 'TRACE',
}

/**
 * Who sends the request (`rules[].from[].source`). Fields are AND-ed; values inside one field are OR-ed.
 * At least one field must be set, and no field may be an empty list (ISTIO-RULES A3).
 *
 * String values use Istio's match syntax: exact, `*`, prefix `abc*` or suffix `*abc`.
 */
export interface RequestSource {
  /**
   * mTLS identities `<trust domain>/ns/<ns>/sa/<sa>`, derived with `Principal.fromServiceAccount(...)`,
   * `Principal.fromWorkload(...)` or `Principal.of(namespace, name)`, or match patterns with
   * `Principal.pattern("cluster.local/ns/istio-ingress/sa/*")`.
   * @default any
   */
  readonly principals?: Principal[];
  /** Identities that must not match, as `Principal`s. @default none */
  readonly notPrincipals?: Principal[];
  /** JWT identities `<iss>/<sub>` (from a RequestAuthentication); `*` for any valid token. HTTP only. @default any */
  readonly requestPrincipals?: string[];
  /** JWT identities that must not match; `["*"]` matches requests without a valid token. HTTP only. @default none */
  readonly notRequestPrincipals?: string[];
  /** Namespaces of the calling workloads (from their mTLS identity). @default any */
  readonly namespaces?: string[];
  /** Namespaces that must not match. @default none */
  readonly notNamespaces?: string[];
  /** Peer IPs or CIDRs (the direct peer, e.g. the load balancer). @default any */
  readonly ipBlocks?: string[];
  /** Peer IPs or CIDRs that must not match. @default none */
  readonly notIpBlocks?: string[];
  /** Original client IPs or CIDRs (from X-Forwarded-For or PROXY protocol, per `numTrustedProxies`). @default any */
  readonly remoteIpBlocks?: string[];
  /** Original client IPs or CIDRs that must not match. @default none */
  readonly notRemoteIpBlocks?: string[];
}

/**
 * What the request does (`rules[].to[].operation`). Fields are AND-ed; values inside one field are OR-ed.
 * At least one field must be set, and no field may be an empty list (ISTIO-RULES A3). Only `ports`
 * and `notPorts` apply to TCP traffic; the rest are HTTP attributes.
 */
export interface RequestOperation {
  /** HTTP methods. @default any */
  readonly methods?: HttpMethod[];
  /** HTTP methods that must not match. @default none */
  readonly notMethods?: HttpMethod[];
  /** Paths: exact `/a`, prefix `/a/*`, suffix `*.html`, `*`, or a template `/a/{*}/b`, `/a/{**}`. @default any */
  readonly paths?: string[];
  /** Paths that must not match. @default none */
  readonly notPaths?: string[];
  /** Destination (workload) ports, 1–65535. @default any */
  readonly ports?: number[];
  /** Ports that must not match. @default none */
  readonly notPorts?: number[];
  /** Host / authority headers, e.g. `bookinfo.example.com` or `*.example.com`. @default any */
  readonly hosts?: string[];
  /** Hosts that must not match. @default none */
  readonly notHosts?: string[];
}

/**
 * An extra condition (`rules[].when[]`): an Istio attribute with the values it must or must not have.
 * Build keys with {@link ConditionKey}.
 */
export interface AuthorizationCondition {
  /** The attribute, e.g. `ConditionKey.claim('groups')` or `ConditionKey.SOURCE_IP`. */
  readonly key: string;
  /** Values of which one must match. @default none (then notValues is required) */
  readonly values?: string[];
  /** Values of which none may match. @default none (then values is required) */
  readonly notValues?: string[];
}

/** One rule: a request matches when it matches any `from`, any `to` and every `when`. */
export interface AuthorizationRule {
  /** Request sources; any one must match. @default any source */
  readonly from?: RequestSource[];
  /** Request operations; any one must match. @default any operation */
  readonly to?: RequestOperation[];
  /** Conditions; all must match. @default none */
  readonly when?: AuthorizationCondition[];
}

/** The attribute keys an AuthorizationPolicy `when` condition may use (istiod's `ValidateAttribute`). */
export class ConditionKey {
  /** Peer IP of the connection (IP or CIDR values). */
  public static readonly SOURCE_IP = 'source.ip';
  /** Original client IP (IP or CIDR values). */
  public static readonly REMOTE_IP = 'remote.ip';
  /** Namespace of the calling workload. */
  public static readonly SOURCE_NAMESPACE = 'source.namespace';
  /** mTLS identity of the calling workload. */
  public static readonly SOURCE_PRINCIPAL = 'source.principal';
  /** JWT identity `<iss>/<sub>`. */
  public static readonly REQUEST_PRINCIPAL = 'request.auth.principal';
  /** JWT audiences. */
  public static readonly REQUEST_AUDIENCES = 'request.auth.audiences';
  /** JWT authorized presenter (`azp`). */
  public static readonly REQUEST_PRESENTER = 'request.auth.presenter';
  /** Destination IP (IP or CIDR values). */
  public static readonly DESTINATION_IP = 'destination.ip';
  /** Destination port (0–65535). */
  public static readonly DESTINATION_PORT = 'destination.port';
  /** TLS server name of the connection. */
  public static readonly CONNECTION_SNI = 'connection.sni';

  /** A request header, e.g. `request.headers[x-api-key]`. */
  public static header(name: string): string {
    return `request.headers[${name}]`;
  }
  /** A JWT claim, e.g. `request.auth.claims[groups]`; nested claims as `claim('a', 'b')` → `[a][b]`. */
  public static claim(...path: string[]): string {
    return `request.auth.claims${path.map((p) => `[${p}]`).join('')}`;
  }

  private constructor() {}
}

/** The two preset ALLOW policies of {@link Authorization}. */
export enum AuthorizationPreset {
  /** An ALLOW policy without rules: admits nothing. */
  ALLOW_NOTHING = 'allow-nothing',
  /** An ALLOW policy with one empty rule: admits everything. */
  ALLOW_ALL = 'allow-all',
}

/**
 * The two ALLOW policies whose effect is easy to get by accident, made explicit:
 *
 * - `allowNothing()`: an ALLOW policy with no rules (`spec: {}` plus the selector). It matches no
 *   request, and since an ALLOW policy now selects the workloads, they reject every request that no
 *   other ALLOW policy admits: the deny-by-default baseline.
 * - `allowAll()`: an ALLOW policy with one empty rule (`rules: [{}]`): every request is admitted.
 *
 * Constructing an ALLOW policy with no rules, or with an empty rule, any other way is an error.
 */
export class Authorization {
  /** Admit nothing: the selected workloads only take what other ALLOW policies admit. */
  public static allowNothing(): Authorization {
    return new Authorization(AuthorizationPreset.ALLOW_NOTHING);
  }
  /** Admit every request to the selected workloads (DENY policies still apply). */
  public static allowAll(): Authorization {
    return new Authorization(AuthorizationPreset.ALLOW_ALL);
  }

  private constructor(
    /** Which of the two. */
    public readonly kind: AuthorizationPreset,
  ) {}
}

/** Props of an {@link AuthorizationPolicy}. */
export interface AuthorizationPolicyProps {
  /**
   * The namespace of the policy; it protects workloads in this namespace only (or the whole mesh
   * from the root namespace).
   * @default the namespace of the `selector`'s workload, else the chart's namespace (one is required)
   */
  readonly namespace?: string;
  /**
   * Name of the AuthorizationPolicy.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * What matching requests get.
   * @default AuthorizationAction.ALLOW
   */
  readonly action?: AuthorizationAction;
  /**
   * The rules; more can be added with {@link AuthorizationPolicy.addRule}. ALLOW needs at least one
   * non-empty rule (else use `preset`), DENY and CUSTOM need at least one (ISTIO-RULES A2).
   * @default none
   */
  readonly rules?: AuthorizationRule[];
  /**
   * An explicit allow-nothing or allow-all policy; excludes `action`, `rules` and `provider`.
   * @default none
   */
  readonly preset?: Authorization;
  /**
   * The external authorizer of a CUSTOM policy: the name of an `ExtAuthzProvider` in the
   * `meshConfig.extAuthzProviders` of the MeshControlPlane. Only with `AuthorizationAction.CUSTOM`,
   * where it is required. istiod turns a CUSTOM policy whose provider it does not know into a deny of
   * every request the policy matches, so the analyzer reports a provider that no mesh config in the
   * output (or declared) defines as an error (CDK8S-ISTIO-007), and warns when there is no mesh config
   * to check it against (CDK8S-ISTIO-031: declare the control plane's with ExternalResources).
   * @default none
   */
  readonly provider?: string;
  /**
   * The workloads the policy applies to. Excludes `targetRefs` (ISTIO-RULES A1).
   * @default every workload in the namespace (or the mesh, from the root namespace)
   */
  readonly selector?: WorkloadSelector;
  /**
   * Services, ServiceEntries or Gateways the policy attaches to (waypoints and Gateway API
   * gateways), at most 16. Excludes `selector` (ISTIO-RULES A1).
   * @default none
   */
  readonly targetRefs?: PolicyTargetRef[];
  /**
   * Accept that a DENY rule gets wider on TCP ports. istiod drops HTTP-only attributes (methods,
   * paths, hosts, request principals, `request.*` conditions) from a DENY rule on TCP filter chains,
   * so a source, an operation or a condition made only of them matches every TCP connection: the rule
   * is flagged if any `to` operation has HTTP attributes but no `ports`, if any `from` source has only
   * request principals, or if its HTTP conditions are all that narrows it. istiod only warns; the
   * analyzer makes it an error (CDK8S-ISTIO-004) unless acknowledged, because it silently cuts off TCP
   * services. Acknowledging writes the annotation `cdk8s-istio.io/deny-widens-on-tcp: acknowledged` on
   * a DENY policy, which the analyzer reads (so a hand-written policy can say the same).
   * The better fix is `ports` (the HTTP ports) in every operation of the rule's `to`.
   * @default false
   */
  readonly acknowledgeTcpBlocking?: boolean;
}

/** Props of {@link AuthorizationPolicy.denyAll}. */
export interface DenyAllProps {
  /** The namespace to lock down (the mesh root namespace locks down the whole mesh). */
  readonly namespace: string;
  /**
   * Name of the AuthorizationPolicy.
   * @default "allow-nothing"
   */
  readonly name?: string;
}

/** Props of {@link AuthorizationPolicy.allowFrom}. */
export interface AllowFromProps {
  /**
   * The callers, by the identity their pods run as: cdk8s-plus ServiceAccounts, or workloads
   * (Deployment, StatefulSet, DaemonSet, Job, CronJob, Pod: their service account), of any cdk8s-plus
   * 2x version (cdk8s-plus-27 … cdk8s-plus-33). Typed `IConstruct`, which every version shares; each
   * is checked here, and any other construct is an error naming it. At least one caller, here or in
   * `principals`.
   * @default none: `principals` names the callers
   */
  readonly from?: IConstruct[];
  /**
   * Callers given by identity, e.g. `Principal.of('istio-ingress', 'ingress')` for a service account
   * this program does not define. Each keeps its own trust domain (`trustDomain` applies to `from`).
   * @default none
   */
  readonly principals?: Principal[];
  /** The workloads being called. Their namespace is the policy's. */
  readonly to: WorkloadSelector;
  /**
   * Trust domain of the identities of the `from` callers.
   * @default "cluster.local"
   */
  readonly trustDomain?: string;
  /**
   * The namespace of the called workloads.
   * @default the namespace of the `to` workload, else the chart's
   */
  readonly namespace?: string;
  /**
   * Allowed methods.
   * @default any
   */
  readonly methods?: HttpMethod[];
  /**
   * Allowed paths (`/reviews/*`, ...).
   * @default any
   */
  readonly paths?: string[];
  /**
   * Allowed workload ports.
   * @default any
   */
  readonly ports?: number[];
  /**
   * Name of the AuthorizationPolicy.
   * @default the construct id
   */
  readonly name?: string;
}

const SOURCE_FIELDS = ['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces',
  'ipBlocks', 'notIpBlocks', 'remoteIpBlocks', 'notRemoteIpBlocks'] as const;
const OPERATION_FIELDS = ['methods', 'notMethods', 'paths', 'notPaths', 'ports', 'notPorts', 'hosts', 'notHosts'] as const;
/** Source fields istiod rejects in a CUSTOM policy. */
const CUSTOM_UNSUPPORTED_SOURCE = new Set(['principals', 'notPrincipals', 'requestPrincipals', 'notRequestPrincipals', 'namespaces', 'notNamespaces']);

const UNSUPPORTED_PATH_TEMPLATE = /\/{\w+=\*[*]?}|{\w*}|\/\*[*]?|\*[*]?\//;
/** A partial host name matched by prefix (`api.*`) or suffix (`*example.com`), which is not a DNS name. */
const PARTIAL_HOST = /^\*?[A-Za-z0-9.-]+\*?$/;

type RenderedRule = l1.AuthorizationPolicySpecRules;

/** A value check: undefined when fine, else the problem and the fix. */
type Check = (value: string) => readonly [string, string] | undefined;

function checkStrings(scope: IConstruct, field: string, values: unknown, check: Check): string[] {
  if (!Array.isArray(values)) {
    throw invalidInput(scope, field, values, 'is not a list', 'give a list of strings');
  }
  if (values.length === 0) {
    throw invalidInput(scope, field, values, 'is an empty list, which Istio reads as "not set"', 'give at least one value or leave the field out');
  }
  return values.map((v, i) => {
    if (typeof v !== 'string' || v.length === 0) {
      throw invalidInput(scope, `${field}[${i}]`, v, 'is empty (istiod rejects empty values)', 'give a non-empty value');
    }
    const problem = check(v);
    if (problem) {
      throw invalidInput(scope, `${field}[${i}]`, v, problem[0], problem[1]);
    }
    return v;
  });
}

function checkPorts(scope: IConstruct, field: string, values: unknown): string[] {
  if (!Array.isArray(values) || values.length === 0) {
    throw invalidInput(scope, field, values, 'is an empty list, which Istio reads as "not set"', 'give at least one port or leave the field out');
  }
  return values.map((p, i) => String(checkPort(scope, `${field}[${i}]`, p, 'give the workload port, e.g. 9080')));
}

/**
 * A `hosts` / `notHosts` value (the request's Host / :authority), with an optional `:port`: a DNS
 * name or `*.` wildcard, checked by the rule every host field uses (`checkHostname`), or Istio's
 * prefix (`api.*`) / suffix (`*example.com`) string match over a partial name.
 */
function checkAuthority(scope: IConstruct, field: string, value: string): string {
  const colon = value.lastIndexOf(':');
  const port = colon >= 0 ? value.slice(colon + 1) : undefined;
  const name = colon >= 0 ? value.slice(0, colon) : value;
  if (port !== undefined && !(/^[0-9]{1,5}$/.test(port) && isPort(Number(port)))) {
    throw invalidInput(scope, field, value, 'has a port that is not a number 1–65535', 'write the host as "bookinfo.example.com" or "bookinfo.example.com:8080"');
  }
  const dnsForm = name === '*' || name.startsWith('*.') || !name.includes('*');
  if (dnsForm) {
    checkHostname(scope, field, name);
  } else if (!PARTIAL_HOST.test(name)) {
    throw invalidInput(scope, field, value, 'is not a host', 'give a host name such as "bookinfo.example.com", "*.example.com" or a prefix match "api.*"');
  }
  return value;
}

const stringMatch = (what: string): Check => (v: string) => isIstioStringMatch(v) ? undefined
  : [`is not an Istio match (exact, "*", prefix "abc*" or suffix "*abc")`, `use at most one "*", at the start or the end of the ${what}`] as const;

function checkPath(v: string): readonly [string, string] | undefined {
  if (v.includes('{*}') || v.includes('{**}')) {
    return UNSUPPORTED_PATH_TEMPLATE.test(v)
      ? ['is a path template with named variables, "*" or "**" (unsupported)', 'use only {*} (one segment) and {**} (the rest) in a template, e.g. "/api/{*}/reviews"'] as const
      : undefined;
  }
  if (!v.startsWith('/') && !v.startsWith('*')) {
    return ['does not start with "/"', 'give a path such as "/reviews/*"'] as const;
  }
  return stringMatch('path')(v);
}

function checkMethod(v: string): readonly [string, string] | undefined {
  return (Object.values(HttpMethod) as string[]).includes(v) ? undefined : ['is not an HTTP method', `use HttpMethod.* (${Object.values(HttpMethod).join(', ')})`] as const;
}

/** Checks a `when` key the way istiod's `ValidateAttribute` does. Returns the problem and the fix, or undefined. */
function checkConditionKey(key: string): readonly [string, string] | undefined {
  const mapKey = /^[^[\]]+\[[^[\]]+\](\[[^[\]]+\])*$/;
  const exact = [ConditionKey.SOURCE_IP, ConditionKey.REMOTE_IP, ConditionKey.SOURCE_NAMESPACE, ConditionKey.SOURCE_PRINCIPAL, ConditionKey.REQUEST_PRINCIPAL,
    ConditionKey.REQUEST_AUDIENCES, ConditionKey.REQUEST_PRESENTER, ConditionKey.DESTINATION_IP, ConditionKey.DESTINATION_PORT, ConditionKey.CONNECTION_SNI];
  if (exact.includes(key)) {
    return undefined;
  }
  for (const prefix of ['request.headers', 'request.auth.claims', 'experimental.envoy.filters.']) {
    if (key.startsWith(prefix)) {
      return mapKey.test(key) ? undefined : ['has no [name] part', `write it as ${prefix === 'request.headers' ? 'request.headers[x-name]' : prefix === 'request.auth.claims' ? 'request.auth.claims[groups]' : `${prefix}<filter>[<key>]`} (ConditionKey.header / ConditionKey.claim)`] as const;
    }
  }
  if (key === 'destination.namespace') {
    return ['is not supported (replaced by the policy\'s namespace)', 'put the policy in that namespace instead'] as const;
  }
  if (key.startsWith('destination.labels')) {
    return ['is not supported (replaced by the workload selector)', 'use selector: WorkloadSelector.labels({...})'] as const;
  }
  if (key === 'destination.name' || key === 'destination.user') {
    return ['is a deprecated attribute that Istio no longer accepts', 'select the workload with selector instead'] as const;
  }
  return ['is not an Istio authorization attribute', `use one of ${exact.join(', ')}, request.headers[...], request.auth.claims[...] (ConditionKey.*)`] as const;
}

function checkConditionValue(key: string): Check {
  if (key === ConditionKey.SOURCE_IP || key === ConditionKey.REMOTE_IP || key === ConditionKey.DESTINATION_IP) {
    return (v) => isIpOrCidr(v) ? undefined : ['is not an IP address or CIDR range', 'give e.g. "10.0.0.1" or "10.0.0.0/16"'] as const;
  }
  if (key === ConditionKey.DESTINATION_PORT) {
    return (v) => /^\d+$/.test(v) && Number(v) <= 65535 ? undefined : ['is not a port number 0–65535', 'give the port as a string, e.g. "9080"'] as const;
  }
  return () => undefined;
}

/**
 * An Istio AuthorizationPolicy (security.istio.io/v1), checked against istiod's webhook rules A1–A4
 * before it reaches the cluster.
 *
 * Decisions (see also ISTIO-RULES.md):
 * - **Allow-nothing / allow-all are explicit.** An ALLOW policy with no rules denies everything not
 *   admitted elsewhere, and `rules: [{}]` admits everything; both are legal and both are classic
 *   mistakes. Here they come only from `preset: Authorization.allowNothing()` / `allowAll()` (or
 *   {@link AuthorizationPolicy.denyAll}); `rules: []`, an ALLOW policy that ends up with no rules, and
 *   an empty ALLOW rule are errors.
 * - **DENY rules that widen on TCP**: istiod drops HTTP-only attributes from DENY rules on TCP ports,
 *   so an operation with methods/paths/hosts but no ports, a source with only request principals, or
 *   a rule narrowed only by `request.*` conditions denies every TCP connection (istiod warns). The
 *   analyzer reports it on any AuthorizationPolicy object (CDK8S-ISTIO-004) unless the policy carries
 *   `cdk8s-istio.io/deny-widens-on-tcp: acknowledged`, which `acknowledgeTcpBlocking: true` writes.
 *   The better fix is `ports` in every operation of the rule's `to`.
 * - **Empty lists are errors** (`from: []`, `principals: []`): Istio reads them as "not set", which
 *   widens the rule instead of narrowing it.
 * - The output always uses `targetRefs` (the singular `targetRef` is its older form).
 */
export class AuthorizationPolicy extends Construct {
  /**
   * The deny-by-default baseline of a namespace: an ALLOW policy with no rules and no selector
   * (`Authorization.allowNothing()`). Every workload in the namespace then rejects each request that
   * no other ALLOW policy admits; add those with {@link AuthorizationPolicy.allowFrom}.
   *
   * It is deliberately not a DENY policy with `rules: [{}]`: DENY wins over ALLOW, so that would
   * also reject everything the explicit allows admit.
   */
  public static denyAll(scope: Construct, id: string, props: DenyAllProps): AuthorizationPolicy {
    return new AuthorizationPolicy(scope, id, { namespace: props.namespace, name: props.name ?? 'allow-nothing', preset: Authorization.allowNothing() });
  }

  /**
   * An ALLOW policy admitting requests from the given service accounts or workloads (`from`, cdk8s-plus
   * objects of any 2x version, checked here) and identities (`principals`), by their mTLS identity
   * `<trust domain>/ns/<ns>/sa/<sa>`, to the `to` workloads, optionally limited to methods, paths and ports.
   */
  public static allowFrom(scope: Construct, id: string, props: AllowFromProps): AuthorizationPolicy {
    const options: PrincipalOptions = { trustDomain: props.trustDomain };
    const where = `${scope.node.path}/${id}`;
    const from: unknown[] = props.from ?? [];
    const given: unknown[] = props.principals ?? [];
    if (!Array.isArray(from)) {
      throw new Error(formatInputError(where, 'from', from, 'is not a list', 'give a list of ServiceAccounts or workloads, e.g. from: [serviceAccount]'));
    }
    if (!Array.isArray(given)) {
      throw new Error(formatInputError(where, 'principals', given, 'is not a list', 'give a list of Principals, e.g. principals: [Principal.of("istio-ingress", "ingress")]'));
    }
    if (from.length === 0 && given.length === 0) {
      throw new Error(formatInputError(where, 'from', from, 'names no caller',
        'give the ServiceAccounts or workloads allowed to call, or their identities in principals: [Principal.of(namespace, serviceAccount)]'));
    }
    const derived = from.map((source, i) => {
      if (source instanceof Principal) {
        throw new Error(formatInputError(where, `from[${i}]`, source.value, 'is a Principal, not a ServiceAccount or workload',
          'give Principals in principals: [...] instead of from'));
      }
      return Principal._fromConstruct(source, { where, field: `from[${i}]` }, options);
    });
    const known = given.map((p, i) => {
      if (!(p instanceof Principal)) {
        throw new Error(formatInputError(where, `principals[${i}]`, Construct.isConstruct(p) ? p.node.path : p, 'is not a Principal',
          'use Principal.of(namespace, serviceAccount), or give the ServiceAccount or workload in from'));
      }
      return p;
    });
    const unique = new Map([...derived, ...known].map((p) => [p.value, p]));
    const principals = [...unique.keys()].sort().map((v) => unique.get(v)!);
    const operation: RequestOperation = {
      ...(props.methods ? { methods: props.methods } : {}),
      ...(props.paths ? { paths: props.paths } : {}),
      ...(props.ports ? { ports: props.ports } : {}),
    };
    const hasOperation = Object.keys(operation).length > 0;
    return new AuthorizationPolicy(scope, id, {
      namespace: props.namespace,
      name: props.name,
      action: AuthorizationAction.ALLOW,
      selector: props.to,
      rules: [{ from: [{ principals }], ...(hasOperation ? { to: [operation] } : {}) }],
    });
  }

  /** The namespace of the policy. */
  public readonly namespace: string;
  /** The action. */
  public readonly action: AuthorizationAction;
  /** The AuthorizationPolicy object. */
  public readonly resource: l1.AuthorizationPolicy;

  private readonly rules: RenderedRule[] = [];
  private readonly preset: Authorization | undefined;
  private readonly provider: string | undefined;
  private readonly selector: { [key: string]: string } | undefined;
  private readonly targetRefs: { group: string; kind: string; name: string }[] | undefined;
  private readonly acknowledgeTcpBlocking: boolean;

  constructor(scope: Construct, id: string, props: AuthorizationPolicyProps = {}) {
    super(scope, id);
    this.preset = props.preset;
    if (this.preset !== undefined) {
      if (!(this.preset instanceof Authorization)) {
        throw invalidInput(this, 'preset', this.preset, 'is not an Authorization', 'use Authorization.allowNothing() or Authorization.allowAll()');
      }
      for (const field of ['action', 'rules', 'provider'] as const) {
        if (props[field] !== undefined) {
          throw invalidInput(this, field, props[field], `is set together with preset ${this.preset.kind}`, 'either use the preset or give action and rules');
        }
      }
    }
    this.action = props.action ?? AuthorizationAction.ALLOW;
    if (!Object.values(AuthorizationAction).includes(this.action)) {
      throw invalidInput(this, 'action', this.action, 'is not an authorization action', 'use AuthorizationAction.ALLOW, DENY, AUDIT or CUSTOM');
    }

    // A2: provider only with CUSTOM, and CUSTOM needs a provider name.
    if (props.provider !== undefined && this.action !== AuthorizationAction.CUSTOM) {
      throw invalidInput(this, 'provider', props.provider, `is only used by CUSTOM policies, not ${this.action}`, 'drop provider, or set action: AuthorizationAction.CUSTOM');
    }
    if (this.action === AuthorizationAction.CUSTOM && (typeof props.provider !== 'string' || props.provider.trim() === '')) {
      throw invalidInput(this, 'provider', props.provider, 'is required by a CUSTOM policy (istiod: `provider.name` must not be empty)',
        'name the external authorizer, a meshConfig.extensionProviders entry, e.g. provider: "ext-authz"');
    }
    this.provider = props.provider;

    // A1: selector XOR targetRefs.
    if (props.selector !== undefined && props.targetRefs !== undefined) {
      throw invalidInput(this, 'selector/targetRefs', { selector: 'set', targetRefs: props.targetRefs.map((r) => `${r.kind}/${r.name}`) },
        'are both set; a policy attaches either to workloads by selector or to resources by targetRefs', 'keep one of them');
    }
    this.selector = props.selector?._render(this, 'selector');
    if (props.targetRefs !== undefined) {
      if (props.targetRefs.length === 0 || props.targetRefs.length > 16) {
        throw invalidInput(this, 'targetRefs', props.targetRefs.length, 'is not 1–16 references', 'give between 1 and 16 targets, or use selector');
      }
      this.targetRefs = props.targetRefs.map((r, i) => {
        if (!(r instanceof PolicyTargetRef)) {
          throw invalidInput(this, `targetRefs[${i}]`, r, 'is not a PolicyTargetRef', 'use PolicyTargetRef.service("..."), .gateway("...") or .serviceEntry("...")');
        }
        return r._render(this, `targetRefs[${i}]`);
      });
    }

    this.namespace = resolveNamespace(this, { given: props.namespace, target: props.selector?.namespace, targetName: 'the selected workload' });
    const name = checkDnsLabel(this, 'name', props.name ?? id, 'use a DNS label, e.g. "allow-productpage"');
    this.acknowledgeTcpBlocking = props.acknowledgeTcpBlocking ?? false;

    if (props.rules !== undefined) {
      if (!Array.isArray(props.rules)) {
        throw invalidInput(this, 'rules', props.rules, 'is not a list', 'give a list of AuthorizationRule');
      }
      if (props.rules.length === 0) {
        throw invalidInput(this, 'rules', [], this.emptyRulesProblem(), this.emptyRulesFix());
      }
      props.rules.forEach((r) => this.addRule(r));
    }

    const acknowledged = this.acknowledgeTcpBlocking && this.action === AuthorizationAction.DENY;
    this.resource = new l1.AuthorizationPolicy(this, 'Resource', {
      metadata: { name, namespace: this.namespace, ...(acknowledged ? { annotations: { [DENY_WIDENS_ON_TCP_ANNOTATION]: ACKNOWLEDGED } } : {}) },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as l1.AuthorizationPolicySpec,
    });
    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /** Adds a rule; checked at once (A3), with its index in the error message. */
  public addRule(rule: AuthorizationRule): AuthorizationPolicy {
    if (this.preset) {
      throw invalidInput(this, 'rules', rule, `cannot be added to the ${this.preset.kind} preset policy`, 'create a separate AuthorizationPolicy for these rules');
    }
    if (this.rules.length >= 512) {
      throw invalidInput(this, 'rules', this.rules.length + 1, 'exceeds the 512 rules the CRD allows', 'split the policy');
    }
    const field = `rules[${this.rules.length}]`;
    this.rules.push(this.renderRule(field, rule));
    return this;
  }

  /** The AuthorizationPolicy spec. */
  public toSpec(): l1.AuthorizationPolicySpec {
    const rules: RenderedRule[] | undefined = this.preset?.kind === AuthorizationPreset.ALLOW_ALL ? [{}]
      : this.preset?.kind === AuthorizationPreset.ALLOW_NOTHING ? undefined
        : this.rules.map((r) => ({ ...r }));
    return {
      ...(this.selector ? { selector: { matchLabels: { ...this.selector } } } : {}),
      ...(this.targetRefs ? { targetRefs: this.targetRefs.map((r) => ({ ...r })) } : {}),
      ...(this.preset ? {} : { action: this.action as unknown as l1.AuthorizationPolicySpecAction }),
      ...(this.provider !== undefined ? { provider: { name: this.provider } } : {}),
      ...(rules ? { rules } : {}),
    };
  }

  private emptyRulesProblem(): string {
    switch (this.action) {
      case AuthorizationAction.ALLOW:
        return 'gives an ALLOW policy no rules: it admits nothing, so the selected workloads reject every request no other ALLOW policy admits';
      case AuthorizationAction.DENY:
        return 'gives a DENY policy no rules: it never triggers (istiod rejects it)';
      case AuthorizationAction.CUSTOM:
        return 'gives a CUSTOM policy no rules: it never triggers (istiod rejects it)';
      default:
        return 'gives an AUDIT policy no rules: it never triggers';
    }
  }

  private emptyRulesFix(): string {
    return this.action === AuthorizationAction.ALLOW
      ? 'add rules, or say you mean it with preset: Authorization.allowNothing() (or AuthorizationPolicy.denyAll())'
      : 'add at least one rule (AuthorizationRule {} matches every request)';
  }

  private validatePolicy(): string[] {
    if (!this.preset && this.rules.length === 0) {
      return [formatInputError('', 'rules', [], this.emptyRulesProblem(), this.emptyRulesFix())];
    }
    return [];
  }

  private renderRule(field: string, rule: AuthorizationRule): RenderedRule {
    if (typeof rule !== 'object' || rule === null) {
      throw invalidInput(this, field, rule, 'is not a rule', 'give { from?, to?, when? }');
    }
    const out: { from?: l1.AuthorizationPolicySpecRulesFrom[]; to?: l1.AuthorizationPolicySpecRulesTo[]; when?: l1.AuthorizationPolicySpecRulesWhen[] } = {};
    const custom = this.action === AuthorizationAction.CUSTOM;
    if (rule.from !== undefined) {
      if (!Array.isArray(rule.from) || rule.from.length === 0) {
        throw invalidInput(this, `${field}.from`, rule.from, 'is empty (istiod: `from` must not be empty)', 'give at least one source or leave from out');
      }
      out.from = rule.from.map((src, j) => ({ source: this.renderSource(`${field}.from[${j}].source`, src, custom) }));
    }
    if (rule.to !== undefined) {
      if (!Array.isArray(rule.to) || rule.to.length === 0) {
        throw invalidInput(this, `${field}.to`, rule.to, 'is empty (istiod: `to` must not be empty)', 'give at least one operation or leave to out');
      }
      out.to = rule.to.map((op, j) => ({ operation: this.renderOperation(`${field}.to[${j}].operation`, op) }));
    }
    if (rule.when !== undefined) {
      if (!Array.isArray(rule.when) || rule.when.length === 0) {
        throw invalidInput(this, `${field}.when`, rule.when, 'is empty', 'give at least one condition or leave when out');
      }
      out.when = rule.when.map((c, j) => this.renderCondition(`${field}.when[${j}]`, c, custom));
    }
    if (!out.from && !out.to && !out.when && this.action === AuthorizationAction.ALLOW) {
      throw invalidInput(this, field, {}, 'is an empty ALLOW rule, which admits every request (allow-all)', 'narrow it with from/to/when, or say you mean it with preset: Authorization.allowAll()');
    }
    return out;
  }

  private renderSource(field: string, src: RequestSource, custom: boolean): l1.AuthorizationPolicySpecRulesFromSource {
    if (typeof src !== 'object' || src === null) {
      throw invalidInput(this, field, src, 'is not a source', 'give e.g. { principals: [...] }');
    }
    const set = SOURCE_FIELDS.filter((f) => src[f] !== undefined);
    if (set.length === 0) {
      throw invalidInput(this, field, src, 'sets no field (istiod: `from.source` must not be empty)', 'give principals, namespaces, ipBlocks, requestPrincipals or their not- forms');
    }
    const unknown = Object.keys(src).filter((k) => !(SOURCE_FIELDS as readonly string[]).includes(k));
    if (unknown.length) {
      throw invalidInput(this, field, unknown, 'are not source fields', `use ${SOURCE_FIELDS.join(', ')}`);
    }
    const out: Record<string, string[]> = {};
    for (const f of set) {
      if (custom && CUSTOM_UNSUPPORTED_SOURCE.has(f)) {
        const given: unknown = src[f];
        throw invalidInput(this, `${field}.${f}`, Array.isArray(given) ? given.map((v: unknown) => (v instanceof Principal ? v.value : v)) : given, 'is not supported with the CUSTOM action (istiod rejects it)', 'match on ipBlocks, remoteIpBlocks, to and when; let the external authorizer judge identities');
      }
      const check: Check = f.toLowerCase().endsWith('ipblocks')
        ? (v: string) => isIpOrCidr(v) ? undefined : ['is not an IP address or CIDR range', 'give e.g. "10.0.0.1" or "10.0.0.0/16"'] as const
        : f.toLowerCase().endsWith('namespaces')
          ? (v: string) => isIstioStringMatch(v) && /^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/.test(v) ? undefined : ['is not a namespace name or match', 'give e.g. "bookinfo" or "team-*"'] as const
          : stringMatch('identity');
      const values: unknown = src[f];
      if (f === 'principals' || f === 'notPrincipals') {
        (Array.isArray(values) ? values : []).forEach((v: unknown, i: number) => {
          if (!(v instanceof Principal)) {
            throw invalidInput(this, `${field}.${f}[${i}]`, v, 'is not a Principal',
              typeof v === 'string' ? `give Principal.pattern(${JSON.stringify(v)}), or derive it with Principal.fromServiceAccount(...)` : 'give Principal.of(namespace, serviceAccount) or Principal.pattern("...")');
          }
        });
      }
      out[f] = checkStrings(this, `${field}.${f}`, Array.isArray(values) ? values.map((v: unknown) => (v instanceof Principal ? v.value : v)) : values, check);
    }
    return out;
  }

  private renderOperation(field: string, op: RequestOperation): l1.AuthorizationPolicySpecRulesToOperation {
    if (typeof op !== 'object' || op === null) {
      throw invalidInput(this, field, op, 'is not an operation', 'give e.g. { methods: [HttpMethod.GET], paths: ["/reviews/*"] }');
    }
    const set = OPERATION_FIELDS.filter((f) => op[f] !== undefined);
    if (set.length === 0) {
      throw invalidInput(this, field, op, 'sets no field (istiod: `to.operation` must not be empty)', 'give methods, paths, ports, hosts or their not- forms');
    }
    const unknown = Object.keys(op).filter((k) => !(OPERATION_FIELDS as readonly string[]).includes(k));
    if (unknown.length) {
      throw invalidInput(this, field, unknown, 'are not operation fields', `use ${OPERATION_FIELDS.join(', ')}`);
    }
    const out: Record<string, string[]> = {};
    for (const f of set) {
      if (f === 'ports' || f === 'notPorts') {
        out[f] = checkPorts(this, `${field}.${f}`, op[f]);
      } else if (f === 'methods' || f === 'notMethods') {
        out[f] = checkStrings(this, `${field}.${f}`, op[f], checkMethod);
      } else if (f === 'paths' || f === 'notPaths') {
        out[f] = checkStrings(this, `${field}.${f}`, op[f], checkPath);
      } else {
        out[f] = checkStrings(this, `${field}.${f}`, op[f], stringMatch('host')).map((v, i) => checkAuthority(this, `${field}.${f}[${i}]`, v));
      }
    }
    return out;
  }

  private renderCondition(field: string, c: AuthorizationCondition, custom: boolean): l1.AuthorizationPolicySpecRulesWhen {
    if (typeof c !== 'object' || c === null || typeof c.key !== 'string' || c.key.trim() === '') {
      throw invalidInput(this, `${field}.key`, c?.key, 'is empty (istiod: `key` must not be empty)', 'name an attribute, e.g. ConditionKey.claim("groups")');
    }
    const keyProblem = checkConditionKey(c.key);
    if (keyProblem) {
      const [problem, fix] = keyProblem;
      throw invalidInput(this, `${field}.key`, c.key, problem, fix);
    }
    if (custom && (c.key === ConditionKey.SOURCE_NAMESPACE || c.key === ConditionKey.SOURCE_PRINCIPAL || c.key.startsWith('request.auth.'))) {
      throw invalidInput(this, `${field}.key`, c.key, 'is not supported with the CUSTOM action (istiod rejects it)', 'let the external authorizer judge identities and tokens');
    }
    if (c.values === undefined && c.notValues === undefined) {
      throw invalidInput(this, field, c, `has neither values nor notValues for key ${c.key} (istiod: at least one must be set)`, 'give values: [...] or notValues: [...]');
    }
    const check = checkConditionValue(c.key);
    return {
      key: c.key,
      ...(c.values !== undefined ? { values: checkStrings(this, `${field}.values`, c.values, check) } : {}),
      ...(c.notValues !== undefined ? { notValues: checkStrings(this, `${field}.notValues`, c.notValues, check) } : {}),
    };
  }
}
