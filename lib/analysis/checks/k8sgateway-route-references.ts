import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { describe, GK, Resource } from '../resources';

const GATEWAY_GROUP = 'gateway.networking.k8s.io';
/** The Gateway API route kinds whose references are resolved. */
export const ROUTE_KINDS = [`${GATEWAY_GROUP}/HTTPRoute`, `${GATEWAY_GROUP}/GRPCRoute`];

/**
 * The references of Gateway API routes (HTTPRoute, GRPCRoute): each `parentRefs` entry names a Gateway
 * (with the listener of `sectionName`) or a Service (mesh routing) that exists; each backend (rules'
 * `backendRefs` and `RequestMirror` filters) a Service with the port given, or an Istio `Hostname`
 * (a ServiceEntry host). A backend in another namespace needs a ReferenceGrant there
 * (CDK8S-ISTIO-070).
 */
export const k8sGatewayRouteReferences: Check = {
  name: 'k8sgateway.routereferences',
  codes: ['IST0101', 'CDK8S-ISTIO-070'],
  description: 'Gateway API route parents and backends exist, with the listener and port named, and cross-namespace backends are granted',
  run(ctx) {
    for (const kind of ROUTE_KINDS) {
      for (const r of ctx.output(kind)) {
        const spec = specOf(r.raw);
        arr(spec.parentRefs).forEach((p, i) => parent(ctx, r, p, `spec.parentRefs[${i}]`));
        arr(spec.rules).forEach((rule, i) => {
          if (!isRecord(rule)) return;
          arr(rule.backendRefs).forEach((b, j) => backend(ctx, r, b, `spec.rules[${i}].backendRefs[${j}]`));
          arr(rule.filters).forEach((f, j) => {
            if (isRecord(f) && isRecord(f.requestMirror)) backend(ctx, r, f.requestMirror.backendRef, `spec.rules[${i}].filters[${j}].requestMirror.backendRef`);
          });
        });
      }
    }
  },
};

function parent(ctx: AnalysisContext, r: Resource, ref: unknown, field: string): void {
  if (!isRecord(ref) || typeof ref.name !== 'string') return;
  const group = typeof ref.group === 'string' ? ref.group : GATEWAY_GROUP;
  const kind = typeof ref.kind === 'string' ? ref.kind : 'Gateway';
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : r.namespace!;
  if (group === GATEWAY_GROUP && kind === 'Gateway') {
    const gateways = ctx.find(GK.K8sGateway, namespace, ref.name);
    if (gateways.length === 0) {
      ctx.report('IST0101', r, field, ['Gateway', `${namespace}/${ref.name}`], 'create the Gateway, declare it with ExternalResources, or fix the parentRef');
      return;
    }
    const listeners = arr(specOf(gateways[0].raw).listeners).filter(isRecord);
    if (typeof ref.sectionName === 'string' && !gateways[0].external && !listeners.some((l) => l.name === ref.sectionName)) {
      ctx.report('IST0101', r, `${field}.sectionName`, ['Gateway listener', `${namespace}/${ref.name}/${ref.sectionName}`],
        `name a listener of the Gateway (${listeners.map((l) => l.name).join(', ')})`);
    }
  } else if (group === '' && kind === 'Service') {
    if (ctx.lookupHost(`${ref.name}.${namespace}.svc.cluster.local`, r.namespace!).length === 0 && !ctx.isExternalHost(`${ref.name}.${namespace}.svc.cluster.local`, r.namespace!)) {
      ctx.report('IST0101', r, field, ['Service', `${namespace}/${ref.name}`], 'create the Service, declare it with ExternalResources, or fix the parentRef');
    }
  }
}

function backend(ctx: AnalysisContext, r: Resource, ref: unknown, field: string): void {
  if (!isRecord(ref) || typeof ref.name !== 'string') return;
  const group = typeof ref.group === 'string' ? ref.group : '';
  const kind = typeof ref.kind === 'string' ? ref.kind : 'Service';
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : r.namespace!;
  if (group === 'networking.istio.io' && kind === 'Hostname') {
    if (ctx.lookupHost(ref.name, r.namespace!).length === 0 && !ctx.isExternalHost(ref.name, r.namespace!)) {
      ctx.report('IST0101', r, field, ['host', ref.name], 'define the host with a ServiceEntry (ExternalService), or declare it with ExternalResources');
    }
    return;
  }
  if (group !== '' || kind !== 'Service') return;
  const host = `${ref.name}.${namespace}.svc.cluster.local`;
  const services = ctx.lookupHost(host, namespace);
  if (services.length === 0 && !ctx.isExternalHost(host, namespace)) {
    ctx.report('IST0101', r, field, ['Service', `${namespace}/${ref.name}`], 'create the Service, declare it with ExternalResources, or fix the backendRef');
    return;
  }
  const ports = services.flatMap((s) => s.ports.map((p) => p.number));
  if (typeof ref.port === 'number' && ports.length > 0 && !ports.includes(ref.port)) {
    ctx.report('IST0101', r, `${field}.port`, ['Service port', `${namespace}/${ref.name}:${ref.port}`], `use a port of the Service (${[...new Set(ports)].sort((a, b) => a - b).join(', ')})`);
  }
  if (namespace !== r.namespace && !granted(ctx, r, namespace, 'Service', ref.name)) {
    ctx.report('CDK8S-ISTIO-070', r, field, [describe(r), `Service ${ref.name}`, namespace],
      `add a ReferenceGrant in ${namespace} from ${r.kind}s of ${r.namespace} to the Service (GatewayApiIngress routes get one)`);
  }
}

/** Whether a ReferenceGrant in `namespace` lets objects of `r`'s kind and namespace refer to the core `kind` named `name`. */
export function granted(ctx: AnalysisContext, r: Resource, namespace: string, kind: string, name: string): boolean {
  return ctx.all(`${GATEWAY_GROUP}/ReferenceGrant`).some((g) => {
    if (g.namespace !== namespace) return false;
    const spec = specOf(g.raw);
    const from = arr(spec.from).some((f) => isRecord(f) && f.group === GATEWAY_GROUP && f.kind === r.kind && f.namespace === r.namespace);
    const to = arr(spec.to).some((t) => isRecord(t) && (t.group ?? '') === '' && t.kind === kind && (t.name === undefined || t.name === name));
    return from && to;
  });
}
