import { Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { crdLimits } from '../core/crd-limits';
import { formatInputError, invalidInput, show } from '../core/errors';
import { checkArray, checkBoolean, checkInstance, checkOptions, checkProps, copyOptions, describeType } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { checkPort } from '../core/ports';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { IndexedKind, indexedIn } from '../core/chart-index';
import * as l1 from '../../imports/security.istio.io';
import { MtlsScopeParts } from './common';
import { MtlsMode, MtlsScopeKind, PeerMtlsMode } from './mtls-modes';
import { PLUS_WORKLOAD_KINDS, PlusWorkload } from '../workload/plus-objects';
import { renderSelector } from '../traffic/selector';
import { WorkloadSelector } from '../workload/workload-selector';

const PEER_AUTHENTICATION = 'security.istio.io/v1/PeerAuthentication';

/**
 * A port-level mTLS exception of a workload-scoped policy (`portLevelMtls`). The port is the
 * workload's (container) port, not the Service port.
 */
export class PortMtls {
  /** Require mTLS on this port although the policy is PERMISSIVE. */
  public static strict(port: number): PortMtls {
    return new PortMtls(port, PeerMtlsMode.STRICT);
  }
  /** Accept plaintext too on this port, e.g. a metrics port scraped by a Prometheus outside the mesh. */
  public static permissive(port: number): PortMtls {
    return new PortMtls(port, PeerMtlsMode.PERMISSIVE);
  }
  /** Turn mTLS off on this port: plaintext only. Insecure; prefer `permissive`. */
  public static insecureDisable(port: number): PortMtls {
    return new PortMtls(port, PeerMtlsMode.DISABLE);
  }

  private constructor(
    /** The workload port, 1–65535. */
    public readonly port: number,
    /** The mode on that port. */
    public readonly mode: PeerMtlsMode,
  ) {}
}

/** Options of a mesh-wide scope. */
export interface MeshScopeOptions {
  /**
   * The control plane whose namespace is the mesh root namespace.
   * @default none: the root namespace is `rootNamespace`
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * The mesh root namespace (where istiod reads mesh-wide policies).
   * @default the control plane's namespace, else "istio-system"
   */
  readonly rootNamespace?: string;
}

/** Where a StrictMtls policy applies: the whole mesh, one namespace, or selected workloads. */
export class MtlsScope {
  /**
   * The whole mesh: a PeerAuthentication without selector in the root namespace (ISTIO-RULES P2).
   */
  public static mesh(options: MeshScopeOptions = {}): MtlsScope {
    return new MtlsScope(MtlsScopeKind.MESH, { options: copyOptions(options) });
  }
  /** Every workload in `namespace`. */
  public static namespace(namespace: string): MtlsScope {
    return new MtlsScope(MtlsScopeKind.NAMESPACE, { namespace, namespaceGiven: true });
  }
  /**
   * The workloads `selector` picks in `namespace`; the only scope that allows port-level exceptions.
   * Both are required: a workload-scoped policy without selector would cover the whole namespace.
   */
  public static workload(namespace: string, selector: WorkloadSelector): MtlsScope {
    return new MtlsScope(MtlsScopeKind.WORKLOAD, { namespace, namespaceGiven: true, selector, selectorGiven: true });
  }
  /**
   * The pods of a cdk8s-plus workload, in the workload's namespace (else the chart's): a Deployment,
   * StatefulSet, DaemonSet, Job, CronJob or Pod of any cdk8s-plus 2x version (cdk8s-plus-27 …
   * cdk8s-plus-33), checked when called. Its pods are selected as `WorkloadSelector.fromWorkload` does.
   *
   * @param workload a cdk8s-plus Deployment, StatefulSet, DaemonSet, Job, CronJob or Pod
   */
  public static fromWorkload(workload: IConstruct): MtlsScope {
    const selector = WorkloadSelector._fromPlus(PlusWorkload.read(workload, {
      field: 'MtlsScope.fromWorkload(workload)',
      fix: `pass ${PLUS_WORKLOAD_KINDS}, or use MtlsScope.workload(namespace, WorkloadSelector.labels({ app: "..." }))`,
    }));
    return new MtlsScope(MtlsScopeKind.WORKLOAD, { namespace: selector.namespace, selector, selectorGiven: true });
  }

  private constructor(
    /** Mesh, namespace or workload. */
    public readonly kind: MtlsScopeKind,
    private readonly parts: MtlsScopeParts,
  ) {}

  /**
   * What the factory was given, checked by the StrictMtls that uses the scope.
   * @internal
   */
  public get _parts(): MtlsScopeParts {
    return this.parts;
  }
}

/** Props of a {@link StrictMtls}. */
export interface StrictMtlsProps {
  /**
   * Where the policy applies.
   * @default MtlsScope.mesh(): every workload, from the root namespace
   */
  readonly scope?: MtlsScope;
  /**
   * The migration stage: `PERMISSIVE` first while plaintext clients remain, then `STRICT`.
   * @default MtlsMode.STRICT
   */
  readonly mode?: MtlsMode;
  /**
   * Turn mutual TLS off for the scope: workloads accept plaintext only and lose their peer identity
   * (so principal-based AuthorizationPolicies no longer match). Insecure; exists for the rare workload
   * that cannot speak mTLS at all. Excludes `mode`.
   * @default false
   */
  readonly insecureDisableMtls?: boolean;
  /**
   * Per-port exceptions; only with `MtlsScope.workload(...)` (ISTIO-RULES P1).
   * @default none
   */
  readonly portLevelMtls?: PortMtls[];
  /**
   * Name of the PeerAuthentication.
   * @default "default" for mesh and namespace scope (the name Istio's docs use), the construct id for workload scope
   */
  readonly name?: string;
}

const STRICT_MTLS = Symbol.for('cdk8s-istio.StrictMtls');

/**
 * Peer authentication (Istio `PeerAuthentication`): mutual TLS for the mesh, a namespace or selected
 * workloads, STRICT unless you say otherwise.
 *
 * Checks at construction: the scope rules (P1: port exceptions only with a workload selector, ports
 * 1–65535; P2: the mesh-wide policy sits in the root namespace and has no selector) and the selector
 * labels (A4). Checked at synth: the scope against the chart's MeshControlPlanes (a mesh-wide policy
 * outside the control plane's root namespace covers one namespace only; a namespace-wide one in the
 * root namespace is mesh-wide and must say so). That compares this construct's intent with the
 * control plane, which the objects do not carry, so it stays here.
 *
 * The analyzer (`MeshAnalyzer`, run by `MeshApp`) checks the PeerAuthentication objects, whoever
 * wrote them: two mesh-wide or two namespace-wide policies in one namespace (CDK8S-ISTIO-030, istiod
 * keeps the oldest), a DestinationRule that sends plaintext (`tls.mode: DISABLE`) to workloads a
 * STRICT policy covers (CDK8S-ISTIO-003), a selector that matches no workload (CDK8S-ISTIO-006).
 */
export class StrictMtls extends Construct {
  /** True if `x` is a StrictMtls (works across copies of this library). */
  public static isStrictMtls(x: unknown): x is StrictMtls {
    return typeof x === 'object' && x !== null && (x as Record<symbol, unknown>)[STRICT_MTLS] === true;
  }

  /** The namespace of the PeerAuthentication. */
  public readonly namespace: string;
  /** The scope kind. */
  public readonly scopeKind: MtlsScopeKind;
  /** The mode the policy enforces. */
  public readonly mode: PeerMtlsMode;
  /** The PeerAuthentication object. */
  public readonly resource: l1.PeerAuthentication;

  private readonly selector: { [key: string]: string } | undefined = undefined;
  private readonly ports = new Map<number, PeerMtlsMode>();

  constructor(scope: Construct, id: string, props: StrictMtlsProps = {}) {
    super(scope, id);
    Object.defineProperty(this, STRICT_MTLS, { value: true });
    props = checkProps(this, props, 'StrictMtlsProps');
    const mtlsScope = props.scope === undefined ? MtlsScope.mesh()
      : checkInstance(this, 'scope', props.scope, MtlsScope, 'use MtlsScope.mesh(), MtlsScope.namespace("..."), MtlsScope.workload("...", selector) or MtlsScope.fromWorkload(workload)');
    this.scopeKind = mtlsScope.kind;
    const parts = mtlsScope._parts;

    const disable = props.insecureDisableMtls === undefined ? false : checkBoolean(this, 'insecureDisableMtls', props.insecureDisableMtls);
    if (disable && props.mode !== undefined) {
      throw invalidInput(this, 'mode', props.mode, 'is set together with insecureDisableMtls', 'choose one: a mode, or insecureDisableMtls: true');
    }
    if (props.mode !== undefined && !Object.values(MtlsMode).includes(props.mode)) {
      throw invalidInput(this, 'mode', props.mode, 'is not an mTLS mode', 'use MtlsMode.STRICT or MtlsMode.PERMISSIVE (DISABLE only through insecureDisableMtls: true)');
    }
    this.mode = disable ? PeerMtlsMode.DISABLE : props.mode === MtlsMode.PERMISSIVE ? PeerMtlsMode.PERMISSIVE : PeerMtlsMode.STRICT;

    if (this.scopeKind === MtlsScopeKind.MESH) {
      // P2: the mesh-wide policy is the one in the root namespace, without selector.
      const options = checkOptions(this, 'scope', parts.options as MeshScopeOptions, 'MeshScopeOptions');
      const cp = options.controlPlane === undefined ? undefined
        : checkInstance(this, 'scope.controlPlane', options.controlPlane, MeshControlPlane, 'give the MeshControlPlane of the mesh, or leave controlPlane out');
      const root: unknown = options.rootNamespace;
      if (root !== undefined) {
        checkDnsLabel(this, 'scope.rootNamespace', root, 'use the mesh root namespace, e.g. "istio-system"');
      }
      if (cp && root !== undefined && root !== cp.namespace) {
        throw invalidInput(this, 'scope.rootNamespace', root, `is not the root namespace of control plane ${cp.node.path} (${JSON.stringify(cp.namespace)}); a mesh-wide policy anywhere else only covers that one namespace`,
          'leave rootNamespace out when you give controlPlane');
      }
      this.namespace = checkDnsLabel(this, 'scope.rootNamespace', root ?? cp?.namespace ?? 'istio-system', 'use the mesh root namespace, e.g. "istio-system"');
    } else {
      if (parts.namespaceGiven) {
        if (parts.namespace === undefined) {
          throw invalidInput(this, 'scope.namespace', undefined, `is missing: MtlsScope.${this.scopeKind}(namespace${this.scopeKind === MtlsScopeKind.WORKLOAD ? ', selector' : ''}) names the namespace of the policy`,
            'give the namespace, e.g. "bookinfo" (or use MtlsScope.fromWorkload(workload))');
        }
        checkDnsLabel(this, 'scope.namespace', parts.namespace, 'use a namespace name such as "bookinfo"');
      }
      if (parts.selectorGiven) {
        if (parts.selector === undefined) {
          throw invalidInput(this, 'scope.selector', undefined, `is missing: a workload-scoped PeerAuthentication without selector would apply to every workload of namespace ${show(parts.namespace)}${disable ? ', turning mTLS off for all of them' : ''}`,
            'give the selector, e.g. MtlsScope.workload("bookinfo", WorkloadSelector.labels({ app: "reviews" })), or use MtlsScope.namespace(...) for the whole namespace');
        }
        this.selector = renderSelector(this, 'scope.selector', parts.selector, crdLimits(PEER_AUTHENTICATION, 'spec.selector.matchLabels').maxProperties);
      }
      // A workload scope built from a cdk8s-plus workload without a namespace takes the chart's.
      const selectorNamespace = parts.selector instanceof WorkloadSelector ? parts.selector.namespace : undefined;
      this.namespace = resolveNamespace(this, this.scopeKind === MtlsScopeKind.WORKLOAD
        ? { given: parts.namespace as string | undefined, target: selectorNamespace, targetName: 'the selected workload' }
        : { given: parts.namespace as string | undefined });
    }

    if (props.portLevelMtls !== undefined) {
      const given: unknown = props.portLevelMtls;
      if (!Array.isArray(given)) {
        throw invalidInput(this, 'portLevelMtls', given, `is ${describeType(given)}, not a list`, 'give a list of PortMtls, e.g. [PortMtls.permissive(15020)]');
      }
      if (this.scopeKind !== MtlsScopeKind.WORKLOAD) {
        throw invalidInput(this, 'portLevelMtls', given.map((p: unknown) => (p instanceof PortMtls ? p.port : p)), `is only allowed with a workload selector, not with ${this.scopeKind} scope (Istio rejects port-level mTLS on mesh- and namespace-wide policies)`,
          'use scope: MtlsScope.workload(namespace, selector) for the workloads whose ports need an exception');
      }
      if (given.length === 0) {
        throw invalidInput(this, 'portLevelMtls', [], 'is empty', 'give at least one PortMtls or leave portLevelMtls out');
      }
      checkArray(this, 'portLevelMtls', given, (item, field) => {
        const p = checkInstance(this, field, item, PortMtls, 'use PortMtls.permissive(port), PortMtls.strict(port) or PortMtls.insecureDisable(port)');
        checkPort(this, `${field}.port`, p.port, 'give the workload (container) port, e.g. 8080');
        if (this.ports.has(p.port)) {
          throw invalidInput(this, `${field}.port`, p.port, 'appears twice', 'give each port one mode');
        }
        this.ports.set(p.port, p.mode);
      });
    }

    const name = checkDnsLabel(this, 'name', props.name ?? (this.scopeKind === MtlsScopeKind.WORKLOAD ? id : 'default'), 'use a DNS label, e.g. "default"');
    this.resource = new l1.PeerAuthentication(this, 'Resource', {
      metadata: { name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as l1.PeerAuthenticationSpec,
    });

    this.node.addValidation({ validate: () => this.validateRootNamespace() });
  }

  /** The PeerAuthentication spec. */
  public toSpec(): l1.PeerAuthenticationSpec {
    const ports = [...this.ports.keys()].sort((a, b) => a - b);
    return {
      ...(this.selector ? { selector: { matchLabels: { ...this.selector } } } : {}),
      mtls: { mode: this.mode as unknown as l1.PeerAuthenticationSpecMtlsMode },
      ...(ports.length ? {
        portLevelMtls: Object.fromEntries(ports.map((p) => [String(p), { mode: this.ports.get(p) as unknown as l1.PeerAuthenticationSpecPortLevelMtlsMode }])),
      } : {}),
    };
  }

  private validateRootNamespace(): string[] {
    const chart = Chart.of(this);
    let planes = indexedIn<MeshControlPlane>(chart, IndexedKind.MESH_CONTROL_PLANE);
    if (planes.length > 1) {
      // The first plane in the tree is the one an error names (rare: one chart with several control planes).
      planes = chart.node.findAll().filter((c): c is MeshControlPlane => c instanceof MeshControlPlane);
    }
    const roots = planes.length ? planes.map((p) => p.namespace) : ['istio-system'];
    if (this.scopeKind === MtlsScopeKind.MESH) {
      const other = planes.find((p) => p.namespace !== this.namespace);
      if (other) {
        return [formatInputError('', 'scope', `mesh (${this.namespace})`, `is not the root namespace of control plane ${other.node.path} (${JSON.stringify(other.namespace)}), so this policy would only cover namespace ${JSON.stringify(this.namespace)}`,
          'use MtlsScope.mesh({ controlPlane }) so the policy follows the control plane')];
      }
    } else if (roots.includes(this.namespace) && this.selector === undefined) {
      return [formatInputError('', 'scope', `namespace ${this.namespace}`, 'is the mesh root namespace, where a policy without selector applies to the whole mesh',
        'use MtlsScope.mesh() to say so')];
    }
    return [];
  }
}
