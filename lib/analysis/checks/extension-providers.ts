import { arr, Check, specOf } from '../check';
import { describe, GK } from '../resources';

/**
 * The external authorizer of a CUSTOM AuthorizationPolicy (`provider.name`) must be an ext-authz
 * extension provider (`envoyExtAuthzHttp` or `envoyExtAuthzGrpc`) in `meshConfig.extensionProviders`:
 * istiod turns a CUSTOM policy whose provider it does not know into a deny of every request the policy
 * matches.
 *
 * - CDK8S-ISTIO-007 (error): mesh configs are in the output or declared (IstioOperator, Sail `Istio`,
 *   the `istio` ConfigMap) and none defines the provider as an authorizer. With several control planes
 *   (revisions), any one defining it is enough.
 * - CDK8S-ISTIO-031 (warning): no mesh config is in the output nor declared (the control plane is
 *   managed elsewhere), so the name cannot be checked. Declaring the control plane's mesh config
 *   (ExternalResources `objects`) turns this into the real check.
 */
export const extensionProviders: Check = {
  name: 'security.extensionproviders',
  codes: ['CDK8S-ISTIO-007', 'CDK8S-ISTIO-031'],
  description: 'CUSTOM AuthorizationPolicies whose provider no meshConfig defines as an ext-authz provider',
  run(ctx) {
    const custom = ctx.output(GK.AuthorizationPolicy).filter((p) => specOf(p.raw).action === 'CUSTOM');
    if (custom.length === 0) return;
    const authorizers = new Set<string>();
    const declared = ctx.meshConfigs.map((m) => {
      const providers = arr(m.meshConfig.extensionProviders).filter((p) => typeof p?.name === 'string');
      const ext = providers.filter((p) => p.envoyExtAuthzHttp !== undefined || p.envoyExtAuthzGrpc !== undefined).map((p) => p.name as string);
      ext.forEach((n) => authorizers.add(n));
      return { source: describe(m.resource), ext, other: new Set(providers.map((p) => p.name as string).filter((n) => !ext.includes(n))) };
    });
    for (const policy of custom) {
      const name = specOf(policy.raw).provider?.name;
      if (typeof name !== 'string' || name === '' || authorizers.has(name)) continue;
      if (declared.length === 0) {
        ctx.report('CDK8S-ISTIO-031', policy, 'spec.provider.name', [name],
          'declare the mesh config of the control plane that serves this namespace (ExternalResources objects: its IstioOperator, or the istio ConfigMap, '
          + 'with meshConfig.extensionProviders) so the name is checked: istiod denies every request a CUSTOM policy with an unknown provider matches');
        continue;
      }
      const detail = declared.map((d) => `${d.source} defines ${d.ext.length > 0 ? d.ext.map((n) => JSON.stringify(n)).join(', ') : 'no ext-authz provider'}`
        + (d.other.has(name) ? `, and its ${JSON.stringify(name)} is not an ext-authz provider` : '')).join('; ');
      ctx.report('CDK8S-ISTIO-007', policy, 'spec.provider.name', [name, detail],
        `add an extension provider named ${JSON.stringify(name)} with envoyExtAuthzHttp or envoyExtAuthzGrpc to meshConfig.extensionProviders `
        + '(MeshControlPlane meshConfig.extAuthzProviders: ExtAuthzProvider.http / .grpc), or name a defined one: '
        + 'istiod denies every request a CUSTOM policy with an unknown provider matches');
    }
  },
};
