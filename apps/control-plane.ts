import * as istio from '../lib';

/**
 * How each environment installs its control plane, one target style each, all from the same model:
 * DEV with istioctl (dist/dev/istioctl/), STAGING with the Sail Operator, PROD with Istio's Helm charts
 * through Flux (dist/<env>/control-plane/ for both). Namespaces and gateways point at the environment's
 * revision tag (`<env>-stable`), never at a revision, so an upgrade moves the tag.
 */
export function installTargetOf(env: istio.EnvironmentProfile): istio.InstallTarget {
  if (env === istio.Environment.PROD) return istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX });
  if (env === istio.Environment.STAGING) {
    // A rollback stays possible for an hour after the last workload left the old revision.
    return istio.InstallTarget.sail({ updateStrategy: istio.SailUpdateStrategy.REVISION_BASED, inactiveRevisionDeletionGracePeriodSeconds: 3600 });
  }
  return istio.InstallTarget.ISTIOCTL;
}

/** The control plane props that depend on the target: the revision (Sail names its own) and the tag. */
export function revisionProps(env: istio.EnvironmentProfile): { target: istio.InstallTarget; revision?: string; revisionTag: string } {
  const target = installTargetOf(env);
  return { target, ...(target.kind === 'sail' ? {} : { revision: '1-30-3' }), revisionTag: `${env.name}-stable` };
}
