import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { ServiceInfo } from '../hosts';
import { PodIndex, showLabels } from '../pods';
import { GK } from '../resources';
import { destinationRuleHost } from './destinationrule-host';

/**
 * Labels istiod adds to every endpoint from its node and cluster (region, zone, subzone, host name,
 * cluster, network). Their values are not in the output, so a subset that names one is matched on its
 * other labels only; an empty value is never added and so never matches.
 */
const TOPOLOGY_LABELS = new Set([
  'topology.kubernetes.io/region', 'topology.kubernetes.io/zone', 'topology.istio.io/subzone',
  'kubernetes.io/hostname', 'topology.istio.io/cluster', 'topology.istio.io/network',
]);

/**
 * A subset whose labels select none of its host's endpoints: every request routed to it fails with
 * 503 UH (no healthy upstream). The endpoints of a Kubernetes Service are the pods (and WorkloadEntries)
 * of its namespace that its selector selects; of a ServiceEntry with a `workloadSelector`, those of the
 * entry's namespace that the selector selects; of a ServiceEntry with `endpoints`, those endpoints. A
 * subset selects the endpoints carrying all its labels. Pods are the output's pod templates and the
 * declared workloads. Hosts whose endpoints the output cannot know are skipped: declared services and
 * hosts, Services without a selector, ServiceEntries resolved by DNS, wildcard hosts.
 */
export const destinationRuleSubsets: Check = {
  name: 'destinationrule.subsetselectpods',
  codes: ['IST0173'],
  description: 'DestinationRule subset whose labels select none of the host\'s pods',
  run(ctx) {
    let entries: PodIndex | undefined;
    const workloadEntries = () => (entries ??= workloadEntryIndex(ctx));
    for (const r of ctx.output(GK.DestinationRule)) {
      const subsets = arr(specOf(r.raw).subsets);
      if (subsets.length === 0) continue;
      const found = destinationRuleHost(ctx, r);
      if (found === undefined || found.external || found.services.length === 0 || found.host.startsWith('*')) continue;
      const services = found.services.filter((s) => s.host === found.host);
      if (services.length === 0) continue;
      subsets.forEach((subset, i) => {
        if (!isRecord(subset)) return;
        const wanted = subsetSelector(labelsOf(subset.labels));
        let unknown = false;
        for (const s of services) {
          const selects = selectsEndpoints(ctx, s, wanted, workloadEntries);
          if (selects === true) return;
          if (selects === undefined) unknown = true;
        }
        if (unknown) return;
        const name = typeof subset.name === 'string' ? subset.name : `#${i}`;
        ctx.report('IST0173', r, `spec.subsets[${i}]`, [name], `make the subset's labels (${showLabels(labelsOf(subset.labels)) || 'none'}) those of `
          + `${describeEndpoints(services)}, e.g. the version label of its Deployment's pod template; or declare workloads running outside the output (ExternalResources workloads)`);
      });
    }
  },
};

/** The subset's labels without the topology labels istiod fills in (kept when empty: those never match). */
function subsetSelector(labels: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(labels).filter(([k, v]) => !TOPOLOGY_LABELS.has(k) || v === ''));
}

/**
 * Whether some endpoint of `service` carries all of `labels`; undefined when the endpoints are not
 * known from the output.
 */
function selectsEndpoints(ctx: AnalysisContext, service: ServiceInfo, labels: Record<string, string>, workloadEntries: () => PodIndex): boolean | undefined {
  const r = service.resource;
  if (r.external || service.namespace === undefined) return undefined;
  if (r.groupKind === GK.Service) {
    return service.selector === undefined ? undefined : selects(ctx, workloadEntries(), service.namespace, service.selector, labels);
  }
  if (r.groupKind !== GK.ServiceEntry) return undefined;
  const spec = specOf(r.raw);
  if (isRecord(spec.workloadSelector)) {
    return selects(ctx, workloadEntries(), service.namespace, labelsOf(spec.workloadSelector.labels), labels);
  }
  const endpoints = arr(spec.endpoints).filter(isRecord);
  if (endpoints.length === 0) return undefined;
  return endpoints.some((e) => {
    const own = labelsOf(e.labels);
    return Object.entries(labels).every(([k, v]) => own[k] === v);
  });
}

/** Whether a pod or WorkloadEntry of `namespace` carries both the service's selector and the subset's labels. */
function selects(ctx: AnalysisContext, entries: PodIndex, namespace: string, selector: Readonly<Record<string, string>>, labels: Record<string, string>): boolean {
  if (Object.entries(labels).some(([k, v]) => selector[k] !== undefined && selector[k] !== v)) return false;
  const all = { ...selector, ...labels };
  return ctx.pods.matching(namespace, all).length > 0 || entries.matching(namespace, all).length > 0;
}

/** WorkloadEntries by namespace and label, as pods (a Service's or ServiceEntry's selector picks them too). */
function workloadEntryIndex(ctx: AnalysisContext): PodIndex {
  const index = new PodIndex();
  for (const r of ctx.all(GK.WorkloadEntry)) {
    if (r.namespace === undefined) continue;
    const spec = specOf(r.raw);
    index.add({ namespace: r.namespace, labels: labelsOf(spec.labels), annotations: {}, serviceAccount: String(spec.serviceAccount ?? 'default'), ports: [], owner: r, spec });
  }
  return index;
}

function describeEndpoints(services: ServiceInfo[]): string {
  const s = services[0];
  const spec = specOf(s.resource.raw);
  if (s.resource.groupKind === GK.Service) return `the pods of Service ${s.namespace}/${s.resource.name} (selector ${showLabels(s.selector ?? {})})`;
  if (isRecord(spec.workloadSelector)) return `the workloads of ServiceEntry ${s.namespace}/${s.resource.name} (workloadSelector ${showLabels(labelsOf(spec.workloadSelector.labels))})`;
  return `an endpoint of ServiceEntry ${s.namespace}/${s.resource.name}`;
}
