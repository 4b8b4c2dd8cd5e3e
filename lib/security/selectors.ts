import { Construct, IConstruct } from 'constructs';
import { formatInputError, invalidInput, show } from '../core/errors';
import { crdLimits } from '../core/crd-limits';
import { checkOptions, copyOptions, describeType, isObject } from '../core/input';
import { isDnsLabel } from '../core/names';
import { PROPS_KEYS } from '../core/props-keys.generated';
import { Waypoint } from '../workload/waypoint';
import { PLUS_WORKLOAD_KINDS, PlusServiceAccount, PlusUse, PlusWorkload } from '../workload/plus-objects';

/** Kinds a policy `targetRefs` entry may name (istiod's `validatePolicyTargetReference`). */
export enum PolicyTargetKind {
  /** A Kubernetes Service (waypoint-enforced policies in ambient mode). */
  SERVICE = 'Service',
  /** An Istio ServiceEntry. */
  SERVICE_ENTRY = 'ServiceEntry',
  /** A Gateway API Gateway (`gateway.networking.k8s.io`). */
  GATEWAY = 'Gateway',
  /** A Gateway API GatewayClass. */
  GATEWAY_CLASS = 'GatewayClass',
}

const TARGET_GROUPS: Record<PolicyTargetKind, string> = {
  [PolicyTargetKind.SERVICE]: '',
  [PolicyTargetKind.SERVICE_ENTRY]: 'networking.istio.io',
  [PolicyTargetKind.GATEWAY]: 'gateway.networking.k8s.io',
  [PolicyTargetKind.GATEWAY_CLASS]: 'gateway.networking.k8s.io',
};

/**
 * A resource a policy attaches to instead of a workload selector (`targetRefs`). Always in the
 * policy's own namespace: Istio 1.30 does not support cross-namespace references.
 */
export class PolicyTargetRef {
  /** A Kubernetes Service. */
  public static service(name: string): PolicyTargetRef {
    return new PolicyTargetRef(PolicyTargetKind.SERVICE, name);
  }
  /** An Istio ServiceEntry. */
  public static serviceEntry(name: string): PolicyTargetRef {
    return new PolicyTargetRef(PolicyTargetKind.SERVICE_ENTRY, name);
  }
  /** A Gateway API Gateway. */
  public static gateway(name: string): PolicyTargetRef {
    return new PolicyTargetRef(PolicyTargetKind.GATEWAY, name);
  }
  /** A Gateway API GatewayClass. */
  public static gatewayClass(name: string): PolicyTargetRef {
    return new PolicyTargetRef(PolicyTargetKind.GATEWAY_CLASS, name);
  }
  /**
   * An ambient-mode waypoint (its Gateway API Gateway): the policy is enforced by the waypoint, at
   * L7, for the traffic that passes through it. The policy must be in the waypoint's namespace (its
   * namespace is taken from the waypoint when not given).
   *
   * @param waypoint a `Waypoint` construct
   */
  public static waypoint(waypoint: Waypoint): PolicyTargetRef {
    if (!(waypoint instanceof Waypoint)) {
      throw new Error(formatInputError('', 'PolicyTargetRef.waypoint(waypoint)', Construct.isConstruct(waypoint) ? (waypoint as IConstruct).node.path : waypoint,
        'is not a Waypoint', 'pass the Waypoint construct, or PolicyTargetRef.gateway("name") for a waypoint this program does not define'));
    }
    return new PolicyTargetRef(PolicyTargetKind.GATEWAY, waypoint.name, waypoint.namespace);
  }

  private constructor(
    /** The referenced kind. */
    public readonly kind: PolicyTargetKind,
    /** The referenced object's name. */
    public readonly name: string,
    /** The namespace of the referenced object, when known (a construct's); the policy must be there. */
    public readonly namespace?: string,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): { group: string; kind: string; name: string } {
    const maxLength = crdLimits('security.istio.io/v1/AuthorizationPolicy', 'spec.targetRefs[].name').maxLength ?? 253;
    if (typeof this.name !== 'string' || this.name.length === 0 || this.name.length > maxLength || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.name)) {
      throw invalidInput(scope, `${field}.name`, this.name, typeof this.name === 'string' ? 'is not a Kubernetes object name' : `is ${describeType(this.name)}, not a Kubernetes object name`,
        'name the Service, ServiceEntry or Gateway, e.g. "reviews"');
    }
    return { group: TARGET_GROUPS[this.kind], kind: this.kind, name: this.name };
  }
}

/** Options of a SPIFFE principal. */
export interface PrincipalOptions {
  /**
   * The mesh trust domain (`meshConfig.trustDomain`).
   * @default "cluster.local"
   */
  readonly trustDomain?: string;
}

const TRUST_DOMAIN = /^[a-z0-9]([-a-z0-9_.]*[a-z0-9])?$/;
const SA_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const SERVICE_ACCOUNT = 'a ServiceAccount of any cdk8s-plus 2x version (cdk8s-plus-27 … cdk8s-plus-33; ServiceAccount.fromServiceAccountName(...) for one created elsewhere)';
const PATTERN_FIX = 'give a match pattern such as "cluster.local/ns/istio-ingress/sa/*"';

/**
 * Checks a SPIFFE trust domain (`cluster.local`, `prod.example.com`) and returns it.
 * @internal
 */
export function checkTrustDomain(scope: IConstruct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.length > 253 || !TRUST_DOMAIN.test(value)) {
    throw invalidInput(scope, field, value, typeof value === 'string' ? 'is not a trust domain' : `is ${describeType(value)}, not a trust domain`,
      'use the mesh trust domain, e.g. "cluster.local"');
  }
  return value;
}

/** The parts a Principal is made of, as given; checked when a construct uses it (or its value is read). */
type PrincipalSource =
  | { readonly kind: 'identity'; readonly namespace: unknown; readonly serviceAccount: unknown; readonly options: unknown; readonly factory: string }
  | { readonly kind: 'pattern'; readonly pattern: unknown };

/** Throws the error of one part of a principal: under the construct that uses it, or under the factory. */
type Fail = (part: string, value: unknown, problem: string, fix: string) => never;

/**
 * The mTLS identity of a workload, as AuthorizationPolicy `principals` spell it:
 * `<trust domain>/ns/<namespace>/sa/<service account>` (the SPIFFE ID without `spiffe://`).
 *
 * Derive it from the cdk8s-plus ServiceAccount or workload instead of typing it: a typo in a
 * principal silently matches nothing. Those may come from any cdk8s-plus 2x version (cdk8s-plus-27 …
 * cdk8s-plus-33): the parameters are typed `IConstruct`, which every version shares, and checked
 * when called.
 *
 * Names, patterns and options are checked by the construct that uses the principal (an
 * AuthorizationPolicy, `AuthorizationPolicy.allowFrom`), so errors name its path and field; reading
 * `value` or `namespace` of a principal whose parts are wrong throws too.
 */
export class Principal {
  /**
   * The identity of pods running as this service account: a cdk8s-plus ServiceAccount of any 2x
   * version, created here or imported with `ServiceAccount.fromServiceAccountName(...)`. Its namespace
   * must be known.
   *
   * @param serviceAccount a cdk8s-plus ServiceAccount
   */
  public static fromServiceAccount(serviceAccount: IConstruct, options: PrincipalOptions = {}): Principal {
    return Principal.ofServiceAccount(PlusServiceAccount.read(serviceAccount, {
      field: 'Principal.fromServiceAccount(serviceAccount)',
      fix: `pass ${SERVICE_ACCOUNT}, or use Principal.of(namespace, serviceAccountName)`,
    }), options, 'Principal.fromServiceAccount');
  }

  /**
   * The identity of a cdk8s-plus workload: that of its service account. A workload without one runs
   * as its namespace's `default` account, which every other such pod shares, so that is an error.
   *
   * @param workload a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod of any 2x version
   */
  public static fromWorkload(workload: IConstruct, options: PrincipalOptions = {}): Principal {
    return Principal.ofWorkload(PlusWorkload.read(workload, {
      field: 'Principal.fromWorkload(workload)',
      fix: `pass ${PLUS_WORKLOAD_KINDS}, or use Principal.fromServiceAccount(serviceAccount)`,
    }), options, 'Principal.fromWorkload');
  }

  /**
   * A match pattern over identities, in Istio's string match syntax: exact, `*`, a prefix (`abc*`) or a
   * suffix (`*abc`), e.g. `cluster.local/ns/istio-ingress/sa/*` for every service account of a
   * namespace. Checked where it is used. Prefer the derived forms: a typo in a pattern silently matches
   * nothing.
   * @param pattern e.g. `cluster.local/ns/istio-ingress/sa/*`
   */
  public static pattern(pattern: string): Principal {
    return new Principal({ kind: 'pattern', pattern });
  }

  /** The identity of service account `serviceAccount` in `namespace`. */
  public static of(namespace: string, serviceAccount: string, options: PrincipalOptions = {}): Principal {
    return new Principal({ kind: 'identity', namespace, serviceAccount, options: copyOptions(options), factory: 'Principal.of' });
  }

  /**
   * The identity of a cdk8s-plus ServiceAccount, or of a workload's service account, told apart at
   * run time (any cdk8s-plus 2x version). `use` names where the value was given.
   * @internal
   */
  public static _fromConstruct(source: unknown, use: { where: string; field: string }, options: PrincipalOptions = {}): Principal {
    const fix = `pass ${SERVICE_ACCOUNT}, or a workload: ${PLUS_WORKLOAD_KINDS}`;
    if (PlusServiceAccount.is(source)) {
      return Principal.ofServiceAccount(PlusServiceAccount.read(source, { ...use, fix }), options, 'Principal.fromServiceAccount', use);
    }
    const workload = PlusWorkload.read(source, { ...use, fix, expected: 'a cdk8s-plus ServiceAccount or a workload that runs pods' });
    return Principal.ofWorkload(workload, options, 'Principal.fromWorkload', use);
  }

  /**
   * A service account's identity. Its namespace and name are checked at once: under the ServiceAccount's
   * own path (the construct that holds them), or, when `use` says where it was given (a construct's
   * field), under that; the options where the principal is used.
   */
  private static ofServiceAccount(serviceAccount: PlusServiceAccount, options: PrincipalOptions, factory: string, use?: { where: string; field: string }): Principal {
    const scope = serviceAccount.construct;
    if (!serviceAccount.namespace) {
      const fix = 'create the ServiceAccount with metadata: { namespace: "..." } (or in a chart with a namespace)';
      throw use
        ? new Error(formatInputError(use.where, use.field, scope.node.path, 'is a ServiceAccount without a namespace, so its SPIFFE identity is unknown', fix))
        : invalidInput(scope, 'metadata.namespace', serviceAccount.namespace, 'is not set, so the SPIFFE identity of the service account is unknown', fix);
    }
    const principal = new Principal({ kind: 'identity', namespace: serviceAccount.namespace, serviceAccount: serviceAccount.name ?? '', options: copyOptions(options), factory });
    principal.checkName((part, value, problem, fix) => {
      const field = part === 'serviceAccount' ? 'metadata.name' : 'metadata.namespace';
      throw use
        ? new Error(formatInputError(use.where, use.field, scope.node.path, `is a ServiceAccount whose ${field} ${show(value)} ${problem}`, fix))
        : invalidInput(scope, field, value, problem, fix);
    });
    return principal;
  }

  private static ofWorkload(workload: PlusWorkload, options: PrincipalOptions, factory: string, use?: { where: string; field: string }): Principal {
    const serviceAccount = workload.serviceAccount;
    if (!serviceAccount) {
      const fix = 'give the workload its own ServiceAccount (serviceAccount: new kplus.ServiceAccount(...))';
      throw use
        ? new Error(formatInputError(use.where, use.field, workload.path, 'is a workload without a ServiceAccount: its pods run as the namespace\'s "default" service account, an identity every such pod shares', fix))
        : invalidInput(workload.construct, 'serviceAccount', undefined, 'is not set: the pods run as the namespace\'s "default" service account, an identity every such pod shares', fix);
    }
    const account: PlusUse = { where: workload.path, field: 'serviceAccount', fix: `give the workload ${SERVICE_ACCOUNT}` };
    return Principal.ofServiceAccount(PlusServiceAccount.read(serviceAccount, account), options, factory, use);
  }

  private constructor(private readonly source: PrincipalSource) {}

  /**
   * `<trust domain>/ns/<namespace>/sa/<name>`, or the pattern as given. Throws when the parts given to
   * the factory do not make a principal.
   */
  public get value(): string {
    return this.resolve(this.standalone()).value;
  }

  /** The namespace of the service account; `*` for a pattern that names none. */
  public get namespace(): string {
    return this.resolve(this.standalone()).namespace;
  }

  /** The principal string. */
  public toString(): string {
    return this.value;
  }

  /**
   * The checked principal string, for `field` of the construct `scope`: errors name them.
   * @internal
   */
  public _render(scope: IConstruct, field: string): string {
    return this.resolve((part, value, problem, fix) => {
      throw invalidInput(scope, part === '' ? field : `${field}.${part}`, value, problem, fix);
    }, scope, field).value;
  }

  /** Errors of a principal read outside a construct: under the factory and its parameter. */
  private standalone(): Fail {
    const factory = this.source.kind === 'pattern' ? 'Principal.pattern' : this.source.factory;
    return (part, value, problem, fix) => {
      throw new Error(formatInputError('', `${factory}(${part === '' ? 'pattern' : part})`, value, problem, fix));
    };
  }

  private checkName(fail: Fail): void {
    if (this.source.kind !== 'identity') return;
    const { namespace, serviceAccount } = this.source;
    if (!isDnsLabel(namespace)) {
      fail('namespace', namespace, typeof namespace === 'string' ? 'is not a namespace name' : `is ${describeType(namespace)}, not a namespace name`,
        'use the namespace of the service account, e.g. "bookinfo"');
    }
    if (typeof serviceAccount !== 'string' || serviceAccount.length > 253 || !SA_NAME.test(serviceAccount)) {
      fail('serviceAccount', serviceAccount, typeof serviceAccount === 'string' ? 'is not a service account name' : `is ${describeType(serviceAccount)}, not a service account name`,
        'use the ServiceAccount name, e.g. "bookinfo-productpage"');
    }
  }

  private resolve(fail: Fail, scope?: IConstruct, field?: string): { value: string; namespace: string } {
    const source = this.source;
    if (source.kind === 'pattern') {
      const pattern = source.pattern;
      if (typeof pattern !== 'string') {
        fail('', pattern, `is ${describeType(pattern)}, not a principal pattern`, PATTERN_FIX);
      }
      if (pattern === '') {
        fail('', pattern, 'is empty, not a principal pattern', PATTERN_FIX);
      }
      return { value: pattern, namespace: /\/ns\/([^/*]+)\//.exec(pattern)?.[1] ?? '*' };
    }
    this.checkName(fail);
    const options = source.options;
    if (scope !== undefined && field !== undefined) {
      checkOptions(scope, field, options, 'PrincipalOptions');
    } else if (!isObject(options) || Object.keys(options).some((k) => !PROPS_KEYS.PrincipalOptions.keys.includes(k as 'trustDomain'))) {
      fail('options', options, 'is not a PrincipalOptions object ({ trustDomain })', 'give { trustDomain: "cluster.local" } or leave options out');
    } else if (options.trustDomain === null) {
      fail('trustDomain', null, 'is null', 'leave trustDomain out for "cluster.local", or give the mesh trust domain');
    }
    const trustDomain: unknown = (options as PrincipalOptions).trustDomain ?? 'cluster.local';
    if (typeof trustDomain !== 'string' || trustDomain.length > 253 || !TRUST_DOMAIN.test(trustDomain)) {
      fail('trustDomain', trustDomain, typeof trustDomain === 'string' ? 'is not a trust domain' : `is ${describeType(trustDomain)}, not a trust domain`,
        'use the mesh trust domain, e.g. "cluster.local"');
    }
    return { value: `${trustDomain}/ns/${source.namespace}/sa/${source.serviceAccount}`, namespace: source.namespace as string };
  }
}
