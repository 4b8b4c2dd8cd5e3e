import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { namespaceLabels } from '../injection';
import { readLabelSelector, selectorMatches } from '../pods';
import { GK, Resource } from '../resources';

const USE_WAYPOINT = 'istio.io/use-waypoint';
const USE_WAYPOINT_NAMESPACE = 'istio.io/use-waypoint-namespace';

/**
 * `istio.io/use-waypoint` on a Namespace, a Service or a pod template names a waypoint (a Gateway API
 * Gateway, in the object's namespace or `istio.io/use-waypoint-namespace`) that neither the output
 * nor a declaration has (IST0101): istiod then leaves the traffic without its L7 policies. A waypoint
 * in another namespace must admit the object's namespace on its HBONE listener (`allowedRoutes`),
 * else istiod refuses the binding (CDK8S-ISTIO-057). `none` is Istio's "no waypoint".
 */
export const ambientUseWaypoint: Check = {
  name: 'ambient.usewaypoint',
  codes: ['IST0101', 'CDK8S-ISTIO-057'],
  description: 'istio.io/use-waypoint labels naming a waypoint that does not exist or does not admit the namespace',
  run(ctx) {
    const labelled: { resource: Resource; field: string; labels: Record<string, string>; namespace: string }[] = [];
    for (const ns of ctx.output(GK.Namespace)) {
      labelled.push({ resource: ns, field: 'metadata.labels', labels: labelsOf(ns.raw.metadata?.labels), namespace: ns.name });
    }
    for (const svc of ctx.output(GK.Service)) {
      labelled.push({ resource: svc, field: 'metadata.labels', labels: labelsOf(svc.raw.metadata?.labels), namespace: svc.namespace! });
    }
    for (const pod of ctx.pods.pods()) {
      if (pod.owner.external || pod.owner.groupKind === GK.K8sGateway || pod.owner.groupKind === GK.IstioOperator) continue;
      labelled.push({ resource: pod.owner, field: `${podMetadataPath(pod.owner.groupKind)}.labels`, labels: pod.labels, namespace: pod.namespace });
    }
    for (const { resource, field, labels, namespace } of labelled) {
      const name = labels[USE_WAYPOINT];
      if (name === undefined || name === 'none') continue;
      const wpNamespace = labels[USE_WAYPOINT_NAMESPACE] ?? namespace;
      const gateway = ctx.find(GK.K8sGateway, wpNamespace, name)[0];
      if (gateway === undefined) {
        ctx.report('IST0101', resource, `${field}["${USE_WAYPOINT}"]`, ['waypoint', `${wpNamespace}/${name}`],
          `create the waypoint (Waypoint construct, namespace "${wpNamespace}") or declare it with ExternalResources objects, or correct the label`);
        continue;
      }
      if (gateway.external || wpNamespace === namespace) continue;
      if (!admits(specOf(gateway.raw), namespaceLabels(ctx, namespace))) {
        ctx.report('CDK8S-ISTIO-057', resource, `${field}["${USE_WAYPOINT}"]`, [`${wpNamespace}/${name}`, namespace],
          'use the waypoint through MeshNamespace useWaypoint or Waypoint.useForService, which admit the namespace, or set the listener\'s allowedRoutes.namespaces');
      }
    }
  },
};

/** Where a workload kind keeps its pods' metadata, as a field path. */
function podMetadataPath(groupKind: string): string {
  if (groupKind === GK.Pod) return 'metadata';
  if (groupKind === 'batch/CronJob') return 'spec.jobTemplate.spec.template.metadata';
  return 'spec.template.metadata';
}

/** Whether the waypoint's HBONE listener (port 15008) admits a namespace with these labels (istiod's rule). */
function admits(spec: Record<string, any>, nsLabels: Record<string, string>): boolean {
  const listener = arr(spec.listeners).find((l) => isRecord(l) && l.protocol === 'HBONE' && l.port === 15008);
  const namespaces = isRecord(listener) && isRecord(listener.allowedRoutes) && isRecord(listener.allowedRoutes.namespaces) ? listener.allowedRoutes.namespaces : {};
  if (namespaces.from === 'All') return true;
  if (namespaces.from === 'Selector') {
    const selector = readLabelSelector(namespaces.selector);
    return selector !== undefined && selectorMatches(selector, nsLabels);
  }
  return false;
}
