import { Check } from '../check';
import { istiodEnv } from '../istiod-env';
import { GK, nsName } from '../resources';

const ENV = 'BLOCKED_CIDRS_IN_JWKS_URIS';

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
        const found = istiodEnv(r);
        if (found === undefined || (found.env[ENV] ?? '') !== '') continue;
        ctx.report('IST0175', r, found.field, [names.length, shown],
          `set ${ENV} on istiod to the ranges it must not fetch keys from, e.g. the pod, service and node CIDRs and 169.254.0.0/16 `
          + `(MeshControlPlane pilot.env: { ${ENV}: "…" }, or values.pilot.env)`);
      }
    }
  },
};
