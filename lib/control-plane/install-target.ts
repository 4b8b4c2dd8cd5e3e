import { IConstruct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkEnum, checkInteger, checkOptions, checkString, copyOptions } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { GitOpsTool } from '../core/gitops';

/** The GitOps tool that applies Istio's Helm charts (shared with the gateway chart's releases). */
export { GitOpsTool };

/** How the mesh's pods get their proxy. */
export enum MeshDataplaneMode {
  /** An injected sidecar per pod. */
  SIDECAR = 'sidecar',
  /** Ambient mode as well: the istio-cni and ztunnel node agents are installed with istiod. */
  AMBIENT = 'ambient',
}

/** How the Sail Operator moves an `Istio` to a new version. */
export enum SailUpdateStrategy {
  /** Replace the control plane where it runs (one revision, named after the `Istio`). */
  IN_PLACE = 'InPlace',
  /**
   * Install each version as a revision of its own (`<name>-v1-30-3`) next to the old one; a revision
   * tag that targets the `Istio` follows it to the new revision, and the old revision is deleted once no
   * pod uses it and the grace period has passed.
   */
  REVISION_BASED = 'RevisionBased',
}

/** Options of {@link InstallTarget.helm}. */
export interface HelmTargetOptions {
  /** Flux or Argo CD. */
  readonly tool: GitOpsTool;
  /**
   * The Helm repository of Istio's charts.
   * @default "https://istio-release.storage.googleapis.com/charts"
   */
  readonly repositoryUrl?: string;
  /**
   * Namespace of the Flux or Argo CD objects (where the controller watches them).
   * @default "flux-system" with Flux, "argocd" with Argo CD
   */
  readonly toolNamespace?: string;
  /**
   * Argo CD project of the Applications (Argo CD only).
   * @default "default"
   */
  readonly argoCdProject?: string;
}

/** Options of {@link InstallTarget.sail}. */
export interface SailTargetOptions {
  /**
   * Name of the `Istio` object (and the prefix of the revisions Sail creates under RevisionBased).
   * @default "default"
   */
  readonly name?: string;
  /**
   * How a version change is rolled out.
   * @default SailUpdateStrategy.REVISION_BASED (canary upgrades; the revision tag follows)
   */
  readonly updateStrategy?: SailUpdateStrategy;
  /**
   * With RevisionBased: seconds an unused old revision is kept before Sail deletes it (time to roll back).
   * @default 30 (Sail's default)
   */
  readonly inactiveRevisionDeletionGracePeriodSeconds?: number;
}

/** @internal The resolved target. */
export interface ResolvedTarget {
  readonly kind: 'istioctl' | 'helm' | 'sail';
  readonly helm?: { tool: GitOpsTool; repositoryUrl: string; toolNamespace: string; argoCdProject: string };
  readonly sail?: { name: string; updateStrategy: SailUpdateStrategy; gracePeriodSeconds?: number };
}

/** The default Helm repository of Istio's charts. */
export const ISTIO_HELM_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';

/**
 * How the control plane is installed. Every target is rendered from the same model of the control
 * plane (sizing, HA, mesh config, components, revision); only the keys differ.
 *
 * - `InstallTarget.ISTIOCTL`: an IstioOperator for `istioctl install -f` (never applied to a cluster);
 * - `InstallTarget.helm({ tool })`: Istio's Helm charts as Flux `HelmRelease`s or Argo CD `Application`s;
 * - `InstallTarget.sail()`: Sail Operator `Istio` (+ `IstioCNI` and `ZTunnel` in ambient mode).
 */
export class InstallTarget {
  /** `istioctl install -f` of an IstioOperator written to `dist/<env>/istioctl/`. */
  public static readonly ISTIOCTL: InstallTarget = new InstallTarget('istioctl', undefined);

  /** Istio's Helm charts (base, istiod, cni, ztunnel), applied by Flux or Argo CD. */
  public static helm(options: HelmTargetOptions): InstallTarget {
    return new InstallTarget('helm', copyOptions(options));
  }

  /** The Sail Operator's `Istio` resource (the operator must be installed in the cluster). */
  public static sail(options: SailTargetOptions = {}): InstallTarget {
    return new InstallTarget('sail', copyOptions(options));
  }

  private constructor(
    /** `istioctl`, `helm` or `sail`. */
    public readonly kind: string,
    private readonly options: HelmTargetOptions | SailTargetOptions | undefined,
  ) {}

  /** @internal Checks the options in the scope of the control plane that uses the target. */
  public _resolve(scope: IConstruct): ResolvedTarget {
    if (this.kind === 'istioctl') return { kind: 'istioctl' };
    if (this.kind === 'helm') {
      const o = checkOptions(scope, 'target', this.options as HelmTargetOptions, 'HelmTargetOptions');
      const tool = checkEnum(scope, 'target.tool', o.tool, GitOpsTool, 'GitOpsTool');
      const repositoryUrl = o.repositoryUrl === undefined ? ISTIO_HELM_REPOSITORY
        : checkString(scope, 'target.repositoryUrl', o.repositoryUrl, { fix: `give an https URL such as "${ISTIO_HELM_REPOSITORY}"` });
      if (!/^https?:\/\/[^\s]+$/.test(repositoryUrl)) {
        throw invalidInput(scope, 'target.repositoryUrl', repositoryUrl, 'is not an http(s) URL', `give e.g. "${ISTIO_HELM_REPOSITORY}"`);
      }
      if (o.argoCdProject !== undefined && tool !== GitOpsTool.ARGO_CD) {
        throw invalidInput(scope, 'target.argoCdProject', o.argoCdProject, 'is only read with GitOpsTool.ARGO_CD', 'drop argoCdProject or choose GitOpsTool.ARGO_CD');
      }
      const toolNamespace = checkDnsLabel(scope, 'target.toolNamespace', o.toolNamespace ?? (tool === GitOpsTool.FLUX ? 'flux-system' : 'argocd'),
        'name the namespace the controller watches, e.g. "flux-system" or "argocd"');
      const argoCdProject = checkDnsLabel(scope, 'target.argoCdProject', o.argoCdProject ?? 'default', 'name an Argo CD AppProject, e.g. "default"');
      return { kind: 'helm', helm: { tool, repositoryUrl, toolNamespace, argoCdProject } };
    }
    const o = checkOptions(scope, 'target', this.options as SailTargetOptions, 'SailTargetOptions');
    const name = checkDnsLabel(scope, 'target.name', o.name ?? 'default', 'name the Istio object, e.g. "default"');
    const updateStrategy = o.updateStrategy === undefined ? SailUpdateStrategy.REVISION_BASED
      : checkEnum(scope, 'target.updateStrategy', o.updateStrategy, SailUpdateStrategy, 'SailUpdateStrategy');
    let gracePeriodSeconds: number | undefined;
    if (o.inactiveRevisionDeletionGracePeriodSeconds !== undefined) {
      gracePeriodSeconds = checkInteger(scope, 'target.inactiveRevisionDeletionGracePeriodSeconds', o.inactiveRevisionDeletionGracePeriodSeconds,
        { minimum: 0, maximum: 2147483647, fix: 'give whole seconds, e.g. 3600 to keep an unused revision an hour for a rollback' });
      if (updateStrategy !== SailUpdateStrategy.REVISION_BASED) {
        throw invalidInput(scope, 'target.inactiveRevisionDeletionGracePeriodSeconds', gracePeriodSeconds, 'is only read with SailUpdateStrategy.REVISION_BASED',
          'drop it, or choose SailUpdateStrategy.REVISION_BASED');
      }
    }
    return { kind: 'sail', sail: { name, updateStrategy, ...(gracePeriodSeconds !== undefined ? { gracePeriodSeconds } : {}) } };
  }
}
