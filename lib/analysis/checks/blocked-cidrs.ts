import { arr, Check, labelsOf, specOf } from '../check';
import { GK, nsName, Resource } from '../resources';

const ENV = 'BLOCKED_CIDRS_IN_JWKS_URIS';

/** Where each kind of control plane object sets istiod's environment, and whether it sets ENV there. */
function blockedCidrsSet(r: Resource): { field: string; set: boolean } | undefined {
  const spec = specOf(r.raw);
  const valuesEnv = spec.values?.pilot?.env;
  const inValues = typeof valuesEnv === 'object' && valuesEnv !== null && typeof valuesEnv[ENV] === 'string' && valuesEnv[ENV] !== '';
  const inList = (env: unknown) => arr(env).some((e) => e?.name === ENV && typeof e.value === 'string' && e.value !== '');
  switch (r.groupKind) {
    case GK.IstioOperator:
      return { field: 'spec.values.pilot.env', set: inValues || inList(spec.components?.pilot?.k8s?.env) };
    case GK.SailIstio:
    case 'sailoperator.io/IstioRevision':
      return { field: 'spec.values.pilot.env', set: inValues };
    case GK.Deployment:
      if (labelsOf(r.raw.metadata?.labels).app !== 'istiod') return undefined;
      return { field: 'spec.template.spec.containers', set: arr(spec.template?.spec?.containers).some((c) => inList(c?.env)) };
    default:
      return undefined;
  }
}

/**
 * IST0175 (as istioctl's `authn.BlockedCIDRsAnalyzer`): RequestAuthentications exist (in the output or
 * declared) but istiod is not told which networks it must never fetch a JWKS from
 * (`BLOCKED_CIDRS_IN_JWKS_URIS`), so a `jwksUri` pointing at an internal address makes istiod fetch
 * from inside the cluster (server-side request forgery). istioctl reads the running istiod
 * Deployment; offline the control plane is decided from the object that installs it: an
 * IstioOperator (`values.pilot.env` or `components.pilot.k8s.env`, where MeshControlPlane's
 * `pilot.env` goes), a Sail `Istio` / `IstioRevision` (`values.pilot.env`), or an istiod Deployment
 * (`app: istiod`) rendered into the output. When the output holds none of them, the control plane is
 * managed elsewhere and nothing is reported.
 */
export const blockedCidrs: Check = {
  name: 'authn.blockedcidrs',
  codes: ['IST0175'],
  description: 'RequestAuthentications while the control plane does not set BLOCKED_CIDRS_IN_JWKS_URIS',
  run(ctx) {
    const names = ctx.all(GK.RequestAuthentication).map(nsName).sort();
    if (names.length === 0) return;
    const shown = names.length <= 5 ? names.join(', ') : `${names.slice(0, 5).join(', ')}, and ${names.length - 5} more`;
    for (const gk of [GK.IstioOperator, GK.SailIstio, 'sailoperator.io/IstioRevision', GK.Deployment]) {
      for (const r of ctx.output(gk)) {
        const found = blockedCidrsSet(r);
        if (found === undefined || found.set) continue;
        ctx.report('IST0175', r, found.field, [names.length, shown],
          `set ${ENV} on istiod to the ranges it must not fetch keys from, e.g. the pod, service and node CIDRs and 169.254.0.0/16 `
          + `(MeshControlPlane pilot.env: { ${ENV}: "…" }, or values.pilot.env)`);
      }
    }
  },
};
