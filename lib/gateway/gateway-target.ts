import { GitOpsTool } from '../core/gitops';

/** A Flux HelmRelease another release waits for. */
export interface HelmReleaseReference {
  /** Name of the HelmRelease, e.g. `istiod`. */
  readonly name: string;
  /**
   * Its namespace.
   * @default the namespace of the release that waits
   */
  readonly namespace?: string;
}

/** Options of {@link GatewayTarget.helmChart}. */
export interface GatewayHelmChartOptions {
  /** The GitOps tool that installs the release: Flux or Argo CD. */
  readonly tool: GitOpsTool;
  /**
   * Flux: releases that must be ready before this one (e.g. the istiod release, whose injector fills in
   * the gateway pods).
   * @default none
   */
  readonly dependsOn?: HelmReleaseReference[];
  /**
   * Argo CD: the Application's sync wave (`argocd.argoproj.io/sync-wave`), after istiod's.
   * @default none
   */
  readonly syncWave?: number;
  /**
   * Argo CD: the namespace Argo CD watches for Applications.
   * @default "argocd"
   */
  readonly argoCdNamespace?: string;
  /**
   * Argo CD: the AppProject of the Application.
   * @default "default"
   */
  readonly argoCdProject?: string;
}

/** Options of {@link GatewayTarget.existing}. */
export interface ExistingGatewayOptions {
  /**
   * Labels of the existing gateway's pods, which the Gateway selects, e.g. `{ istio: 'ingressgateway' }`
   * for the `istio-ingressgateway` that `istioctl install` (default profile) runs in istio-system.
   */
  readonly selector: { [key: string]: string };
  /**
   * The ServiceAccount its pods run as (`istio-ingressgateway-service-account` for istioctl's; the
   * release name for a gateway chart release), so AuthorizationPolicies can name the gateway.
   */
  readonly serviceAccount: string;
  /**
   * Its Service, in the gateway's namespace (what an EgressGateway's DestinationRule routes to).
   * @default the gateway's name
   */
  readonly serviceName?: string;
}

/** @internal */
export type GatewayTargetKind = 'workload' | 'helm' | 'existing';

/**
 * What runs the gateway pods a gateway construct configures:
 *
 * - {@link GatewayTarget.WORKLOAD}: this library's own objects (Deployment, Service, ServiceAccount,
 *   Role, HPA, PodDisruptionBudget), applied by GitOps with the rest;
 * - {@link GatewayTarget.helmChart}: Istio's `gateway` Helm chart (1.30.3), installed by Flux or Argo CD,
 *   with values from the same sizing (replicas, HPA, resources, PodDisruptionBudget, Service, labels,
 *   revision, anti-affinity, zone spreading, priority class, seccomp);
 * - {@link GatewayTarget.existing}: a gateway installed elsewhere (by `istioctl install`, another team's
 *   chart): only the Gateway (and routes, certificates) are written, selecting its pods.
 */
export class GatewayTarget {
  /** The gateway workload as this library's own Kubernetes objects. */
  public static readonly WORKLOAD: GatewayTarget = new GatewayTarget('workload', undefined, undefined);

  /** A release of Istio's `gateway` Helm chart, installed by Flux or Argo CD. */
  public static helmChart(options: GatewayHelmChartOptions): GatewayTarget {
    return new GatewayTarget('helm', options && typeof options === 'object' ? { ...options } : options, undefined);
  }

  /** A gateway installed elsewhere: no workload is written, the Gateway selects its pods. */
  public static existing(options: ExistingGatewayOptions): GatewayTarget {
    return new GatewayTarget('existing', undefined, options && typeof options === 'object' ? { ...options } : options);
  }

  private constructor(
    /** @internal */
    public readonly _kind: GatewayTargetKind,
    /** @internal */
    public readonly _helm: GatewayHelmChartOptions | undefined,
    /** @internal */
    public readonly _existing: ExistingGatewayOptions | undefined,
  ) {}
}
