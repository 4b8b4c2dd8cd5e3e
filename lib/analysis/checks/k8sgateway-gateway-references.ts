import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { describe, GK } from '../resources';
import { granted } from './k8sgateway-route-references';

/**
 * The references of Gateway API Gateways: each listener's TLS `certificateRefs` names a Secret that
 * exists (one in another namespace needs a ReferenceGrant there, CDK8S-ISTIO-070), and
 * `infrastructure.parametersRef` a ConfigMap of the Gateway's namespace (istiod does not deploy a
 * Gateway whose parameters are missing).
 */
export const k8sGatewayGatewayReferences: Check = {
  name: 'k8sgateway.gatewayreferences',
  codes: ['IST0101', 'CDK8S-ISTIO-070'],
  description: 'Gateway API Gateway certificate Secrets and infrastructure parameters exist, and cross-namespace certificates are granted',
  run(ctx) {
    for (const g of ctx.output(GK.K8sGateway)) {
      const spec = specOf(g.raw);
      arr(spec.listeners).forEach((l, i) => {
        if (!isRecord(l) || !isRecord(l.tls)) return;
        arr(l.tls.certificateRefs).forEach((c, j) => {
          if (!isRecord(c) || typeof c.name !== 'string' || (c.group ?? '') !== '' || (c.kind ?? 'Secret') !== 'Secret') return;
          const field = `spec.listeners[${i}].tls.certificateRefs[${j}]`;
          const namespace = typeof c.namespace === 'string' ? c.namespace : g.namespace!;
          if (ctx.find(GK.Secret, namespace, c.name).length === 0) {
            ctx.report('IST0101', g, field, ['Secret', `${namespace}/${c.name}`], 'create the TLS Secret (or declare it with ExternalResources when it is issued outside the output)');
          } else if (namespace !== g.namespace && !granted(ctx, g, namespace, 'Secret', c.name)) {
            ctx.report('CDK8S-ISTIO-070', g, field, [describe(g), `Secret ${c.name}`, namespace],
              `add a ReferenceGrant in ${namespace} from Gateways of ${g.namespace} to the Secret`);
          }
        });
      });
      const params = isRecord(spec.infrastructure) ? spec.infrastructure.parametersRef : undefined;
      if (isRecord(params) && params.kind === 'ConfigMap' && (params.group ?? '') === '' && typeof params.name === 'string'
        && ctx.find(GK.ConfigMap, g.namespace, params.name).length === 0) {
        ctx.report('IST0101', g, 'spec.infrastructure.parametersRef', ['ConfigMap', `${g.namespace}/${params.name}`], 'create the ConfigMap in the Gateway\'s namespace, or drop the parametersRef');
      }
    }
  },
};
