/**
 * Helm chart releases rendered for a GitOps engine: a Flux `HelmRelease` with its `HelmRepository`, or an
 * Argo CD `Application` with a Helm source and the values inline. One internal function for every chart
 * the library installs (Istio's gateway chart here; the control plane's charts may use it too).
 */
import { ApiObject, Chart, Lazy } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { Application, ApplicationSpec } from '../../imports/argoproj.io';
import {
  HelmRelease, HelmReleaseSpec, HelmReleaseSpecChartSpecSourceRefKind,
} from '../../imports/helm.toolkit.fluxcd.io';
import { HelmRepository } from '../../imports/source.toolkit.fluxcd.io';

/** The GitOps tool that installs Helm chart releases: the control plane's charts and the gateway chart. */
export enum GitOpsTool {
  /** Flux: a `HelmRepository` and a `HelmRelease` per chart (helm.toolkit.fluxcd.io/v2), ordered with `dependsOn`. */
  FLUX = 'flux',
  /** Argo CD: an `Application` per chart (argoproj.io/v1alpha1), Helm source, values inline, ordered with sync waves. */
  ARGO_CD = 'argo-cd',
}

/** Istio's Helm chart repository. */
export const ISTIO_CHART_REPOSITORY = 'https://istio-release.storage.googleapis.com/charts';
/** The name of the Flux HelmRepository of Istio's charts, one per namespace that has releases. */
export const ISTIO_HELM_REPOSITORY_NAME = 'istio';

/** One release of one chart, as {@link renderChartRelease} writes it. */
export interface ChartRelease {
  /** Helm release name (also the HelmRelease's name). */
  readonly releaseName: string;
  /** Namespace the chart is installed into (and of the HelmRelease / HelmRepository). */
  readonly namespace: string;
  /** Chart name in the repository, e.g. `gateway`. */
  readonly chart: string;
  /** Chart version, e.g. `1.30.3`. */
  readonly version: string;
  /** Repository URL (a classic Helm repository). */
  readonly repositoryUrl: string;
  /** The chart values, read at synth (so later changes of the construct count). */
  readonly values: () => { [key: string]: unknown };
  /** Flux: HelmReleases that must be ready first. */
  readonly dependsOn?: { readonly name: string; readonly namespace?: string }[];
  /** Argo CD: the Application's sync wave. */
  readonly syncWave?: number;
}

/** Where the engine's own objects go. */
export interface GitOpsPlacement {
  /** The engine. */
  readonly engine: GitOpsTool;
  /** Argo CD: namespace of the Application (the one Argo CD watches). */
  readonly argoCdNamespace: string;
  /** Argo CD: the AppProject. */
  readonly argoCdProject: string;
}

/** Rendered release: the object that installs the chart, and the repository it needs (Flux). */
export interface RenderedChartRelease {
  /** The HelmRelease or the Application. */
  readonly release: ApiObject;
  /** The Flux HelmRepository (shared by the releases of one chart in one namespace), undefined for Argo CD. */
  readonly repository?: ApiObject;
}

/** Flux repositories made so far, per chart and `namespace/url`. */
const repositories = new WeakMap<Chart, Map<string, HelmRepository>>();

/**
 * Writes one chart release as children of `scope` (id `Release`; the Flux HelmRepository is shared per
 * chart, namespace and URL, and created under the first scope that needs it, id `HelmRepository`).
 *
 * - Flux: `HelmRelease` named `releaseName` in `namespace`, chart from the `HelmRepository` named
 *   `istio` in the same namespace, reconciled every 10 minutes, three install and upgrade retries,
 *   `dependsOn` as given; the values inline.
 * - Argo CD: `Application` named `<namespace>-<releaseName>` in `argoCdNamespace`, destination the
 *   cluster Argo CD runs in and `namespace`, Helm source with `releaseName` and `valuesObject`,
 *   automated sync with prune and self-heal, `argocd.argoproj.io/sync-wave` when given.
 */
export function renderChartRelease(scope: Construct, release: ChartRelease, placement: GitOpsPlacement): RenderedChartRelease {
  if (placement.engine === GitOpsTool.ARGO_CD) {
    const application = new Application(scope, 'Release', {
      metadata: {
        name: `${release.namespace}-${release.releaseName}`,
        namespace: placement.argoCdNamespace,
        ...(release.syncWave !== undefined ? { annotations: { 'argocd.argoproj.io/sync-wave': String(release.syncWave) } } : {}),
      },
      spec: Lazy.any({
        produce: (): ApplicationSpec => ({
          project: placement.argoCdProject,
          destination: { server: 'https://kubernetes.default.svc', namespace: release.namespace },
          source: {
            repoUrl: release.repositoryUrl,
            chart: release.chart,
            targetRevision: release.version,
            helm: { releaseName: release.releaseName, valuesObject: release.values() },
          },
          syncPolicy: { automated: { prune: true, selfHeal: true } },
        }),
      }) as unknown as ApplicationSpec,
    });
    return { release: application };
  }
  const repository = fluxRepository(scope, release.namespace, release.repositoryUrl);
  const helmRelease = new HelmRelease(scope, 'Release', {
    metadata: { name: release.releaseName, namespace: release.namespace },
    spec: Lazy.any({
      produce: (): HelmReleaseSpec => ({
        interval: '10m',
        releaseName: release.releaseName,
        chart: {
          spec: {
            chart: release.chart,
            version: release.version,
            sourceRef: { kind: HelmReleaseSpecChartSpecSourceRefKind.HELM_REPOSITORY, name: ISTIO_HELM_REPOSITORY_NAME, namespace: release.namespace },
          },
        },
        install: { remediation: { retries: 3 } },
        upgrade: { remediation: { retries: 3 } },
        ...(release.dependsOn && release.dependsOn.length > 0 ? { dependsOn: release.dependsOn.map((d) => ({ ...d })) } : {}),
        values: release.values(),
      }),
    }) as unknown as HelmReleaseSpec,
  });
  return { release: helmRelease, repository };
}

/** The Flux HelmRepository of `url` in `namespace`, created once per chart. */
function fluxRepository(scope: IConstruct, namespace: string, url: string): HelmRepository {
  const chart = Chart.of(scope);
  let byKey = repositories.get(chart);
  if (!byKey) repositories.set(chart, byKey = new Map());
  const key = `${namespace}/${url}`;
  let repository = byKey.get(key);
  // A repository removed from the tree (tryRemoveChild) is made again.
  if (!repository || repository.node.scope?.node.tryFindChild(repository.node.id) !== repository) {
    repository = new HelmRepository(scope as Construct, 'HelmRepository', {
      metadata: { name: ISTIO_HELM_REPOSITORY_NAME, namespace },
      spec: { url, interval: '1h' },
    });
    byKey.set(key, repository);
  }
  return repository;
}
