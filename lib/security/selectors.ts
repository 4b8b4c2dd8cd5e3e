import { IConstruct } from 'constructs';
import { formatInputError, invalidInput } from '../core/errors';
import { isDnsLabel } from '../core/names';
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

  private constructor(
    /** The referenced kind. */
    public readonly kind: PolicyTargetKind,
    /** The referenced object's name. */
    public readonly name: string,
  ) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): { group: string; kind: string; name: string } {
    if (typeof this.name !== 'string' || this.name.length === 0 || this.name.length > 253 || !/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(this.name)) {
      throw invalidInput(scope, `${field}.name`, this.name, 'is not a Kubernetes object name', 'name the Service, ServiceEntry or Gateway, e.g. "reviews"');
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

/**
 * The mTLS identity of a workload, as AuthorizationPolicy `principals` spell it:
 * `<trust domain>/ns/<namespace>/sa/<service account>` (the SPIFFE ID without `spiffe://`).
 *
 * Derive it from the cdk8s-plus ServiceAccount or workload instead of typing it: a typo in a
 * principal silently matches nothing. Those may come from any cdk8s-plus 2x version (cdk8s-plus-27 …
 * cdk8s-plus-33): the parameters are typed `IConstruct`, which every version shares, and checked
 * when called.
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
    }), options);
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
    }), options);
  }

  /**
   * A match pattern over identities, in Istio's string match syntax: exact, `*`, a prefix (`abc*`) or a
   * suffix (`*abc`), e.g. `cluster.local/ns/istio-ingress/sa/*` for every service account of a
   * namespace. Checked where it is used. Prefer the derived forms: a typo in a pattern silently matches
   * nothing.
   * @param pattern e.g. `cluster.local/ns/istio-ingress/sa/*`
   */
  public static pattern(pattern: string): Principal {
    if (typeof pattern !== 'string' || pattern === '') {
      throw new Error(formatInputError('Principal', 'pattern', pattern, 'is not a principal pattern', 'give e.g. "cluster.local/ns/istio-ingress/sa/*"'));
    }
    return new Principal(pattern, /\/ns\/([^/*]+)\//.exec(pattern)?.[1] ?? '*');
  }

  /** The identity of service account `serviceAccount` in `namespace`. */
  public static of(namespace: string, serviceAccount: string, options: PrincipalOptions = {}): Principal {
    return Principal.build(undefined, namespace, serviceAccount, options);
  }

  /**
   * The identity of a cdk8s-plus ServiceAccount, or of a workload's service account, told apart at
   * run time (any cdk8s-plus 2x version). `use` names where the value was given.
   * @internal
   */
  public static _fromConstruct(source: unknown, use: { where: string; field: string }, options: PrincipalOptions = {}): Principal {
    const fix = `pass ${SERVICE_ACCOUNT}, or a workload: ${PLUS_WORKLOAD_KINDS}`;
    if (PlusServiceAccount.is(source)) {
      return Principal.ofServiceAccount(PlusServiceAccount.read(source, { ...use, fix }), options);
    }
    const workload = PlusWorkload.read(source, { ...use, fix, expected: 'a cdk8s-plus ServiceAccount or a workload that runs pods' });
    return Principal.ofWorkload(workload, options);
  }

  private static ofServiceAccount(serviceAccount: PlusServiceAccount, options: PrincipalOptions): Principal {
    if (!serviceAccount.namespace) {
      throw invalidInput(serviceAccount.construct, 'metadata.namespace', serviceAccount.namespace, 'is not set, so the SPIFFE identity of the service account is unknown',
        'create the ServiceAccount with metadata: { namespace: "..." } (or in a chart with a namespace)');
    }
    return Principal.build(serviceAccount.construct, serviceAccount.namespace, serviceAccount.name ?? '', options);
  }

  private static ofWorkload(workload: PlusWorkload, options: PrincipalOptions): Principal {
    const serviceAccount = workload.serviceAccount;
    if (!serviceAccount) {
      throw invalidInput(workload.construct, 'serviceAccount', undefined, 'is not set: the pods run as the namespace\'s "default" service account, an identity every such pod shares',
        'give the workload its own ServiceAccount (serviceAccount: new kplus.ServiceAccount(...))');
    }
    const use: PlusUse = { where: workload.path, field: 'serviceAccount', fix: `give the workload ${SERVICE_ACCOUNT}` };
    return Principal.ofServiceAccount(PlusServiceAccount.read(serviceAccount, use), options);
  }

  private static build(scope: IConstruct | undefined, namespace: string, name: string, options: PrincipalOptions): Principal {
    const fail = (field: string, value: unknown, problem: string, fix: string) => scope
      ? invalidInput(scope, field, value, problem, fix)
      : new Error(formatInputError('Principal', field, value, problem, fix));
    const trustDomain = options.trustDomain ?? 'cluster.local';
    if (typeof trustDomain !== 'string' || trustDomain.length > 253 || !TRUST_DOMAIN.test(trustDomain)) {
      throw fail('trustDomain', trustDomain, 'is not a trust domain', 'use the mesh trust domain, e.g. "cluster.local"');
    }
    if (!isDnsLabel(namespace)) {
      throw fail('namespace', namespace, 'is not a namespace name', 'use the namespace of the service account, e.g. "bookinfo"');
    }
    if (typeof name !== 'string' || name.length > 253 || !SA_NAME.test(name)) {
      throw fail('serviceAccount', name, 'is not a service account name', 'use the ServiceAccount name, e.g. "bookinfo-productpage"');
    }
    return new Principal(`${trustDomain}/ns/${namespace}/sa/${name}`, namespace);
  }

  private constructor(
    /** `<trust domain>/ns/<namespace>/sa/<name>`. */
    public readonly value: string,
    /** The namespace of the service account; `*` for a pattern that names none. */
    public readonly namespace: string,
  ) {}

  /** The principal string. */
  public toString(): string {
    return this.value;
  }
}
