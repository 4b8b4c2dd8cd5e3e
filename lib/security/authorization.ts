import { Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { formatInputError, invalidInput } from '../core/errors';
import * as l1 from '../../imports/security.istio.io';
import { checkHostname } from '../core/hostnames';
import { crdLimits } from '../core/crd-limits';
import { checkArray, checkBoolean, checkEnum, checkInstance, checkOptions, checkProps, checkString, describeType } from '../core/input';
import { checkDnsLabel, isHeaderName } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { isIpOrCidr } from '../core/network';
import { checkPort, isPort } from '../core/ports';
import { isIstioStringMatch } from './common';
import { ACKNOWLEDGED, DENY_WIDENS_ON_TCP_ANNOTATION, tcpWidening } from '../analysis/checks/deny-widens-on-tcp';
import { renderSelector } from '../traffic/selector';
import { WorkloadSelector } from '../workload/workload-selector';
import { checkTrustDomain, PolicyTargetRef, Principal, PrincipalOptions } from './selectors';

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
    if (!isHeaderName(name)) {
      throw new Error(formatInputError('', 'ConditionKey.header(name)', name, typeof name === 'string' ? 'is not an HTTP header name' : 'is not a string naming a header',
        'give a header name such as "x-api-key"'));
    }
    return `request.headers[${name}]`;
  }
  /** A JWT claim, e.g. `request.auth.claims[groups]`; nested claims as `claim('a', 'b')` → `[a][b]`. */
  public static claim(...path: string[]): string {
    if (path.length === 0) {
      throw new Error(formatInputError('', 'ConditionKey.claim(...path)', path, 'names no claim', 'give the claim, e.g. ConditionKey.claim("groups")'));
    }
    path.forEach((p, i) => {
      if (typeof p !== 'string' || p === '' || /[[\]]/.test(p)) {
        throw new Error(formatInputError('', `ConditionKey.claim(...path)[${i}]`, p, typeof p === 'string' ? 'is not a claim name (empty, or with "[" or "]")' : `is ${describeType(p)}, not a claim name`,
          'give each level of the claim as a string, e.g. ConditionKey.claim("realm_access", "roles")'));
      }
    });
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
   * request principals, or if its HTTP conditions are all that narrows it. istiod only warns; this
   * construct refuses such a rule when it is given, and the analyzer reports it on any policy object
   * (CDK8S-ISTIO-004), unless acknowledged, because it silently cuts off TCP services. Acknowledging
   * writes the annotation `cdk8s-istio.io/deny-widens-on-tcp: acknowledged`, which the analyzer reads
   * (so a hand-written policy can say the same). Only for DENY policies (an error on any other).
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
/** A namespace name or an Istio match over one (`team-*`, `*-test`, `*`). */
const NAMESPACE_MATCH = /^[a-z0-9*]([-a-z0-9*]*[a-z0-9*])?$/;

const AUTHORIZATION_POLICY = 'security.istio.io/v1/AuthorizationPolicy';
const PRINCIPAL_FIX = 'give Principal.of(namespace, serviceAccount), Principal.fromServiceAccount(...) or Principal.pattern("...")';

type RenderedRule = l1.AuthorizationPolicySpecRules;

/** A value check: undefined when fine, else the problem and the fix. */
type Check = (value: string) => readonly [string, string] | undefined;

/**
 * A list field of strings (`paths`, `namespaces`, ...): a non-empty list (Istio reads `[]` as "not
 * set", which widens a rule) of non-empty strings, each passing `check`.
 * @internal
 */
export function checkStrings(scope: IConstruct, field: string, values: unknown, check: Check): string[] {
  if (!Array.isArray(values)) {
    throw invalidInput(scope, field, values, `is ${describeType(values)}, not a list`, 'give a list of strings');
  }
  if (values.length === 0) {
    throw invalidInput(scope, field, values, 'is an empty list, which Istio reads as "not set"', 'give at least one value or leave the field out');
  }
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    const v: unknown = values[i];
    if (typeof v !== 'string') {
      throw invalidInput(scope, `${field}[${i}]`, v, `is ${describeType(v)}, not a string`, 'give a non-empty string');
    }
    if (v.length === 0) {
      throw invalidInput(scope, `${field}[${i}]`, v, 'is empty (istiod rejects empty values)', 'give a non-empty value');
    }
    const problem = check(v);
    if (problem) {
      throw invalidInput(scope, `${field}[${i}]`, v, problem[0], problem[1]);
    }
    out.push(v);
  }
  return out;
}

/** A `ports` / `notPorts` list: port numbers 1–65535, written as strings. */
function checkPorts(scope: IConstruct, field: string, values: unknown): string[] {
  if (!Array.isArray(values)) {
    throw invalidInput(scope, field, values, `is ${describeType(values)}, not a list`, 'give a list of port numbers, e.g. [9080]');
  }
  if (values.length === 0) {
    throw invalidInput(scope, field, values, 'is an empty list, which Istio reads as "not set"', 'give at least one port or leave the field out');
  }
  const out: string[] = [];
  for (let i = 0; i < values.length; i++) {
    out.push(String(checkPort(scope, `${field}[${i}]`, values[i], 'give the workload port, e.g. 9080')));
  }
  return out;
}

/** A list of HTTP methods (`HttpMethod.*`). @internal */
export function checkMethods(scope: IConstruct, field: string, values: unknown): string[] {
  return checkStrings(scope, field, values, checkMethod);
}

/** A list of request paths (exact, prefix `/a/*`, suffix `*.html`, `*`, or a `{*}` / `{**}` template). @internal */
export function checkPaths(scope: IConstruct, field: string, values: unknown): string[] {
  return checkStrings(scope, field, values, checkPath);
}

/** A list of request principals (`<iss>/<sub>` in Istio's match syntax). @internal */
export function checkRequestPrincipals(scope: IConstruct, field: string, values: unknown): string[] {
  return checkStrings(scope, field, values, stringMatch('identity'));
}

/** A list of workload ports. @internal */
export function checkWorkloadPorts(scope: IConstruct, field: string, values: unknown): number[] {
  return checkPorts(scope, field, values).map(Number);
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

/** A `namespaces` / `notNamespaces` value: a namespace name, or an Istio match over one (`team-*`, `*-test`, `*`). */
function checkNamespaceMatch(v: string): readonly [string, string] | undefined {
  const name = v.replace('*', '');
  return isIstioStringMatch(v) && NAMESPACE_MATCH.test(v) && name.length <= 63 ? undefined
    : ['is not a namespace name or match (a DNS label of at most 63 characters, with at most one "*" at the start or the end)', 'give e.g. "bookinfo" or "team-*"'] as const;
}

/** A principal in a message: its string, or the value as it is when it is no (valid) Principal. */
function principalText(value: unknown): unknown {
  if (!(value instanceof Principal)) return value;
  try {
    return value.value;
  } catch {
    return value;
  }
}

/** A stand-in scope for errors of a static factory before its construct exists: the path the construct will have. */
function pathScope(scope: IConstruct, id: string): IConstruct {
  const parent = Construct.isConstruct(scope) ? scope.node.path : '';
  return { node: { path: parent === '' ? String(id) : `${parent}/${id}` } } as unknown as IConstruct;
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
 *   a rule narrowed only by `request.*` conditions denies every TCP connection (istiod warns). Such a
 *   rule is an error when it is given (the same judgement as the analyzer's CDK8S-ISTIO-004, which
 *   covers any AuthorizationPolicy object) unless `acknowledgeTcpBlocking: true`, which writes the
 *   annotation `cdk8s-istio.io/deny-widens-on-tcp: acknowledged` the analyzer reads. The better fix is
 *   `ports` in every operation of the rule's `to`.
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
    const at = pathScope(scope, id);
    const checked = checkProps(at, props, 'DenyAllProps');
    return new AuthorizationPolicy(scope, id, { namespace: checked.namespace, name: checked.name ?? 'allow-nothing', preset: Authorization.allowNothing() });
  }

  /**
   * An ALLOW policy admitting requests from the given service accounts or workloads (`from`, cdk8s-plus
   * objects of any 2x version, checked here) and identities (`principals`), by their mTLS identity
   * `<trust domain>/ns/<ns>/sa/<sa>`, to the `to` workloads, optionally limited to methods, paths and ports.
   */
  public static allowFrom(scope: Construct, id: string, props: AllowFromProps): AuthorizationPolicy {
    const at = pathScope(scope, id);
    const checked = checkProps(at, props, 'AllowFromProps');
    const where = at.node.path;
    renderSelector(at, 'to', checked.to, crdLimits(AUTHORIZATION_POLICY, 'spec.selector.matchLabels').maxProperties);
    const from = checked.from === undefined ? [] : checkArray(at, 'from', checked.from, (v) => v,
      { fix: 'give a list of ServiceAccounts or workloads, e.g. from: [serviceAccount]' });
    const given = checked.principals === undefined ? [] : checkArray(at, 'principals', checked.principals, (v) => v,
      { fix: 'give a list of Principals, e.g. principals: [Principal.of("istio-ingress", "ingress")]' });
    if (from.length === 0 && given.length === 0) {
      throw invalidInput(at, 'from', from, 'names no caller',
        'give the ServiceAccounts or workloads allowed to call, or their identities in principals: [Principal.of(namespace, serviceAccount)]');
    }
    if (checked.trustDomain !== undefined) {
      checkTrustDomain(at, 'trustDomain', checked.trustDomain);
      if (from.length === 0) {
        throw invalidInput(at, 'trustDomain', checked.trustDomain, 'is set, but only principals name the callers, and each Principal keeps its own trust domain, so it would be ignored',
          'give the trust domain to each Principal (Principal.of(namespace, serviceAccount, { trustDomain })), or leave trustDomain out');
      }
    }
    const options: PrincipalOptions = checked.trustDomain === undefined ? {} : { trustDomain: checked.trustDomain };
    const derived = from.map((source, i) => {
      if (source instanceof Principal) {
        throw invalidInput(at, `from[${i}]`, principalText(source), 'is a Principal, not a ServiceAccount or workload', 'give Principals in principals: [...] instead of from');
      }
      const principal = Principal._fromConstruct(source, { where, field: `from[${i}]` }, options);
      return { principal, value: principal._render(at, `from[${i}]`) };
    });
    const known = given.map((p, i) => {
      if (!(p instanceof Principal)) {
        throw invalidInput(at, `principals[${i}]`, Construct.isConstruct(p) ? p.node.path : p,
          Construct.isConstruct(p) ? 'is not a Principal' : `is ${describeType(p)}, not a Principal`,
          'use Principal.of(namespace, serviceAccount), or give the ServiceAccount or workload in from');
      }
      return { principal: p, value: p._render(at, `principals[${i}]`) };
    });
    known.forEach(({ value }, i) => {
      const problem = stringMatch('identity')(value);
      if (problem) throw invalidInput(at, `principals[${i}]`, value, problem[0], problem[1]);
    });
    const unique = new Map([...derived, ...known].map((p) => [p.value, p.principal]));
    const principals = [...unique.keys()].sort().map((v) => unique.get(v)!);
    const operation: RequestOperation = {
      ...(checked.methods !== undefined ? { methods: checkMethods(at, 'methods', checked.methods) as HttpMethod[] } : {}),
      ...(checked.paths !== undefined ? { paths: checkPaths(at, 'paths', checked.paths) } : {}),
      ...(checked.ports !== undefined ? { ports: checkWorkloadPorts(at, 'ports', checked.ports) } : {}),
    };
    const hasOperation = Object.keys(operation).length > 0;
    return new AuthorizationPolicy(scope, id, {
      ...(checked.namespace !== undefined ? { namespace: checked.namespace } : {}),
      ...(checked.name !== undefined ? { name: checked.name } : {}),
      action: AuthorizationAction.ALLOW,
      selector: checked.to,
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
    props = checkProps(this, props, 'AuthorizationPolicyProps');
    this.preset = props.preset === undefined ? undefined
      : checkInstance(this, 'preset', props.preset, Authorization, 'use Authorization.allowNothing() or Authorization.allowAll()');
    if (this.preset !== undefined) {
      for (const field of ['action', 'rules', 'provider'] as const) {
        if (props[field] !== undefined) {
          throw invalidInput(this, field, props[field], `is set together with preset ${this.preset.kind}`, 'either use the preset or give action and rules');
        }
      }
    }
    this.action = props.action === undefined ? AuthorizationAction.ALLOW : checkEnum(this, 'action', props.action, AuthorizationAction, 'AuthorizationAction');

    // A2: provider only with CUSTOM, and CUSTOM needs a provider name.
    if (props.provider !== undefined && this.action !== AuthorizationAction.CUSTOM) {
      throw invalidInput(this, 'provider', props.provider, `is only used by CUSTOM policies, not ${this.action}`, 'drop provider, or set action: AuthorizationAction.CUSTOM');
    }
    if (this.action === AuthorizationAction.CUSTOM && (typeof props.provider !== 'string' || props.provider.trim() === '')) {
      throw invalidInput(this, 'provider', props.provider, typeof props.provider === 'string' || props.provider === undefined
        ? 'is required by a CUSTOM policy (istiod: `provider.name` must not be empty)' : `is ${describeType(props.provider)}, not the name of an external authorizer`,
      'name the external authorizer, a meshConfig.extensionProviders entry, e.g. provider: "ext-authz"');
    }
    this.provider = props.provider;

    // A1: selector XOR targetRefs.
    if (props.selector !== undefined && props.targetRefs !== undefined) {
      const refs: unknown = props.targetRefs;
      throw invalidInput(this, 'selector/targetRefs', {
        selector: 'set', targetRefs: Array.isArray(refs) ? refs.map((r: unknown) => (r instanceof PolicyTargetRef ? `${r.kind}/${r.name}` : r)) : refs,
      },
        'are both set; a policy attaches either to workloads by selector or to resources by targetRefs', 'keep one of them');
    }
    this.selector = props.selector === undefined ? undefined
      : renderSelector(this, 'selector', props.selector, crdLimits(AUTHORIZATION_POLICY, 'spec.selector.matchLabels').maxProperties);
    if (props.targetRefs !== undefined) {
      const max = crdLimits(AUTHORIZATION_POLICY, 'spec.targetRefs').maxItems!;
      const refs: unknown = props.targetRefs;
      if (Array.isArray(refs) && (refs.length === 0 || refs.length > max)) {
        throw invalidInput(this, 'targetRefs', refs.length, `is not 1–${max} references`, `give between 1 and ${max} targets, or use selector`);
      }
      this.targetRefs = checkArray(this, 'targetRefs', refs, (r, field) => checkInstance(this, field, r, PolicyTargetRef,
        'use PolicyTargetRef.service("..."), .waypoint(waypoint), .gateway("..."), .gatewayClass("...") or .serviceEntry("...")')._render(this, field),
      { fix: 'give a list of PolicyTargetRef, e.g. [PolicyTargetRef.service("reviews")]' });
    }

    if (props.namespace !== undefined) {
      checkDnsLabel(this, 'namespace', props.namespace, 'use a namespace name such as "bookinfo"');
    }
    // A waypoint's policy lives in the waypoint's namespace (Istio 1.30 resolves targetRefs there only).
    const targetNamespaces = [...new Set((Array.isArray(props.targetRefs) ? props.targetRefs : [])
      .map((r) => (r instanceof PolicyTargetRef ? r.namespace : undefined)).filter((n): n is string => n !== undefined))];
    if (targetNamespaces.length > 1) {
      throw invalidInput(this, 'targetRefs', targetNamespaces, 'name waypoints of different namespaces, but a policy reaches targets in its own namespace only',
        'write one policy per waypoint namespace');
    }
    this.namespace = props.selector !== undefined
      ? resolveNamespace(this, { given: props.namespace, target: props.selector.namespace, targetName: 'the selected workload' })
      : resolveNamespace(this, { given: props.namespace, target: targetNamespaces[0], targetName: 'the target waypoint' });
    const name = checkDnsLabel(this, 'name', props.name ?? id, 'use a DNS label, e.g. "allow-productpage"');
    this.acknowledgeTcpBlocking = props.acknowledgeTcpBlocking === undefined ? false : checkBoolean(this, 'acknowledgeTcpBlocking', props.acknowledgeTcpBlocking);
    if (this.acknowledgeTcpBlocking && this.action !== AuthorizationAction.DENY) {
      throw invalidInput(this, 'acknowledgeTcpBlocking', true, `is set on ${this.preset ? `the ${this.preset.kind} preset` : `an ${this.action} policy`}; only DENY rules widen on TCP ports (istiod narrows ALLOW rules there)`,
        'leave acknowledgeTcpBlocking out');
    }

    if (props.rules !== undefined) {
      const rules = checkArray(this, 'rules', props.rules, (r) => r as AuthorizationRule,
        { maxItems: crdLimits(AUTHORIZATION_POLICY, 'spec.rules').maxItems, fix: 'give a list of AuthorizationRule, e.g. [{ from: [{ namespaces: ["istio-ingress"] }] }]' });
      if (rules.length === 0) {
        throw invalidInput(this, 'rules', [], this.emptyRulesProblem(), this.emptyRulesFix());
      }
      rules.forEach((r) => this.addRule(r));
    }

    const acknowledged = this.acknowledgeTcpBlocking && this.action === AuthorizationAction.DENY;
    this.resource = new l1.AuthorizationPolicy(this, 'Resource', {
      metadata: { name, namespace: this.namespace, ...(acknowledged ? { annotations: { [DENY_WIDENS_ON_TCP_ANNOTATION]: ACKNOWLEDGED } } : {}) },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as l1.AuthorizationPolicySpec,
    });
    this.node.addValidation({ validate: () => this.validatePolicy() });
  }

  /**
   * Adds a rule; checked at once (A3, and a DENY rule that istiod would widen on TCP ports), with its
   * index in the error message.
   */
  public addRule(rule: AuthorizationRule): AuthorizationPolicy {
    if (this.preset) {
      throw invalidInput(this, 'rules', rule, `cannot be added to the ${this.preset.kind} preset policy`, 'create a separate AuthorizationPolicy for these rules');
    }
    const maxRules = crdLimits(AUTHORIZATION_POLICY, 'spec.rules').maxItems!;
    if (this.rules.length >= maxRules) {
      throw invalidInput(this, 'rules', this.rules.length + 1, `exceeds the ${maxRules} rules the CRD allows`, 'split the policy');
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

  private renderRule(field: string, given: AuthorizationRule): RenderedRule {
    const rule = checkOptions(this, field, given, 'AuthorizationRule');
    const out: { from?: l1.AuthorizationPolicySpecRulesFrom[]; to?: l1.AuthorizationPolicySpecRulesTo[]; when?: l1.AuthorizationPolicySpecRulesWhen[] } = {};
    const custom = this.action === AuthorizationAction.CUSTOM;
    const nonEmpty = (f: string, value: unknown, problem: string, fix: string) => {
      if (Array.isArray(value) && value.length === 0) throw invalidInput(this, `${field}.${f}`, value, problem, fix);
    };
    if (rule.from !== undefined) {
      nonEmpty('from', rule.from, 'is empty (istiod: `from` must not be empty)', 'give at least one source or leave from out');
      out.from = checkArray(this, `${field}.from`, rule.from, (src, f) => ({ source: this.renderSource(f, src as RequestSource, custom) }),
        { maxItems: crdLimits(AUTHORIZATION_POLICY, 'spec.rules[].from').maxItems, fix: 'give a list of sources, e.g. [{ namespaces: ["istio-ingress"] }]' });
    }
    if (rule.to !== undefined) {
      nonEmpty('to', rule.to, 'is empty (istiod: `to` must not be empty)', 'give at least one operation or leave to out');
      out.to = checkArray(this, `${field}.to`, rule.to, (op, f) => ({ operation: this.renderOperation(f, op as RequestOperation) }),
        { fix: 'give a list of operations, e.g. [{ methods: [HttpMethod.GET], ports: [9080] }]' });
    }
    if (rule.when !== undefined) {
      nonEmpty('when', rule.when, 'is empty', 'give at least one condition or leave when out');
      out.when = checkArray(this, `${field}.when`, rule.when, (c, f) => this.renderCondition(f, c as AuthorizationCondition, custom),
        { fix: 'give a list of conditions, e.g. [{ key: ConditionKey.SOURCE_IP, values: ["10.0.0.0/8"] }]' });
    }
    if (!out.from && !out.to && !out.when && this.action === AuthorizationAction.ALLOW) {
      throw invalidInput(this, field, {}, 'is an empty ALLOW rule, which admits every request (allow-all)', 'narrow it with from/to/when, or say you mean it with preset: Authorization.allowAll()');
    }
    if (this.action === AuthorizationAction.DENY && !this.acknowledgeTcpBlocking) {
      // The analyzer's judgement (CDK8S-ISTIO-004), on the rule as written, with the user's field names.
      const reasons = tcpWidening(out).map((r) => r.replace(/\b(from|to)\[(\d+)\]\.(source|operation)\b/g, '$1[$2]'));
      if (reasons.length > 0) {
        const shown = {
          ...(out.from ? { from: out.from.map((f) => f.source) } : {}),
          ...(out.to ? { to: out.to.map((t) => Object.fromEntries(Object.entries(t.operation ?? {}).map(([k, v]) => [k, k.endsWith('orts') ? (v as string[]).map(Number) : v]))) } : {}),
          ...(out.when ? { when: out.when } : {}),
        };
        throw invalidInput(this, field, shown, `is a DENY rule with HTTP-only attributes that istiod drops on non-HTTP ports (${reasons.join('; ')}): there it matches more connections than written, up to every one`,
          'add the HTTP ports to every operation of the rule (to: [{ ..., ports: [9080] }]), or, if the selected workloads serve HTTP only, set acknowledgeTcpBlocking: true');
      }
    }
    return out;
  }

  private renderSource(field: string, given: RequestSource, custom: boolean): l1.AuthorizationPolicySpecRulesFromSource {
    const src = checkOptions(this, field, given, 'RequestSource');
    const set = SOURCE_FIELDS.filter((f) => src[f] !== undefined);
    if (set.length === 0) {
      throw invalidInput(this, field, src, 'sets no field (istiod: `from.source` must not be empty)', 'give principals, namespaces, ipBlocks, requestPrincipals or their not- forms');
    }
    const out: Record<string, string[]> = {};
    for (const f of set) {
      const values: unknown = src[f];
      if (custom && CUSTOM_UNSUPPORTED_SOURCE.has(f)) {
        throw invalidInput(this, `${field}.${f}`, Array.isArray(values) ? values.map(principalText) : values, 'is not supported with the CUSTOM action (istiod rejects it)', 'match on ipBlocks, remoteIpBlocks, to and when; let the external authorizer judge identities');
      }
      if (f === 'principals' || f === 'notPrincipals') {
        const rendered = checkArray(this, `${field}.${f}`, values, (v, vf) => {
          if (!(v instanceof Principal)) {
            throw invalidInput(this, vf, v, `is ${describeType(v)}, not a Principal`,
              typeof v === 'string' ? `give Principal.pattern(${JSON.stringify(v)}), or derive it with Principal.fromServiceAccount(...)` : PRINCIPAL_FIX);
          }
          return v._render(this, vf);
        }, { fix: 'give a list of Principals, e.g. [Principal.of("istio-ingress", "ingress")]' });
        out[f] = checkStrings(this, `${field}.${f}`, rendered, stringMatch('identity'));
      } else if (f === 'ipBlocks' || f === 'notIpBlocks' || f === 'remoteIpBlocks' || f === 'notRemoteIpBlocks') {
        out[f] = checkStrings(this, `${field}.${f}`, values, (v) => isIpOrCidr(v) ? undefined : ['is not an IP address or CIDR range', 'give e.g. "10.0.0.1" or "10.0.0.0/16"'] as const);
      } else if (f === 'namespaces' || f === 'notNamespaces') {
        out[f] = checkStrings(this, `${field}.${f}`, values, checkNamespaceMatch);
      } else {
        out[f] = checkRequestPrincipals(this, `${field}.${f}`, values);
      }
    }
    return out;
  }

  private renderOperation(field: string, given: RequestOperation): l1.AuthorizationPolicySpecRulesToOperation {
    const op = checkOptions(this, field, given, 'RequestOperation');
    const set = OPERATION_FIELDS.filter((f) => op[f] !== undefined);
    if (set.length === 0) {
      throw invalidInput(this, field, op, 'sets no field (istiod: `to.operation` must not be empty)', 'give methods, paths, ports, hosts or their not- forms');
    }
    const out: Record<string, string[]> = {};
    for (const f of set) {
      if (f === 'ports' || f === 'notPorts') {
        out[f] = checkPorts(this, `${field}.${f}`, op[f]);
      } else if (f === 'methods' || f === 'notMethods') {
        out[f] = checkMethods(this, `${field}.${f}`, op[f]);
      } else if (f === 'paths' || f === 'notPaths') {
        out[f] = checkPaths(this, `${field}.${f}`, op[f]);
      } else {
        out[f] = checkStrings(this, `${field}.${f}`, op[f], stringMatch('host')).map((v, i) => checkAuthority(this, `${field}.${f}[${i}]`, v));
      }
    }
    return out;
  }

  private renderCondition(field: string, given: AuthorizationCondition, custom: boolean): l1.AuthorizationPolicySpecRulesWhen {
    const c = checkOptions(this, field, given, 'AuthorizationCondition');
    const key = checkString(this, `${field}.key`, c.key, { fix: 'name an attribute, e.g. ConditionKey.claim("groups")' });
    if (key.trim() === '') {
      throw invalidInput(this, `${field}.key`, key, 'is empty (istiod: `key` must not be empty)', 'name an attribute, e.g. ConditionKey.claim("groups")');
    }
    const keyProblem = checkConditionKey(key);
    if (keyProblem) {
      const [problem, fix] = keyProblem;
      throw invalidInput(this, `${field}.key`, key, problem, fix);
    }
    if (custom && (key === ConditionKey.SOURCE_NAMESPACE || key === ConditionKey.SOURCE_PRINCIPAL || key.startsWith('request.auth.'))) {
      throw invalidInput(this, `${field}.key`, key, 'is not supported with the CUSTOM action (istiod rejects it)', 'let the external authorizer judge identities and tokens');
    }
    if (c.values === undefined && c.notValues === undefined) {
      throw invalidInput(this, field, c, `has neither values nor notValues for key ${key} (istiod: at least one must be set)`, 'give values: [...] or notValues: [...]');
    }
    const check = checkConditionValue(key);
    return {
      key,
      ...(c.values !== undefined ? { values: checkStrings(this, `${field}.values`, c.values, check) } : {}),
      ...(c.notValues !== undefined ? { notValues: checkStrings(this, `${field}.notValues`, c.notValues, check) } : {}),
    };
  }
}
