/**
 * Checks that the references between synthesized objects resolve inside the output: Services select
 * the pods of a Deployment, VirtualService destinations are Services, route subsets are defined by
 * the host's DestinationRule, and subsets select the pods of a Deployment behind the host. Each
 * helper returns its problems as readable lines (empty when all is well), so that a failing test says
 * which reference is dangling.
 */
import { all, Obj } from './charts';

type Labels = Record<string, string>;

/** A Service's name and namespace. */
export interface ServiceRef {
  readonly name: string;
  readonly namespace: string;
}

/** True when every label of `selector` is on `labels`. */
function covers(selector: Labels, labels: Labels): boolean {
  return Object.entries(selector).every(([key, value]) => labels[key] === value);
}

/** The pod template labels of the Deployments in `namespace`. */
function podLabels(objs: readonly Obj[], namespace: string): Labels[] {
  return all(objs, 'Deployment', undefined, namespace).map((d) => d.spec?.template?.metadata?.labels ?? {});
}

/**
 * The Service a host names, seen from `namespace`: a short name (`reviews`) is in `namespace`,
 * `reviews.bookinfo`, `reviews.bookinfo.svc` and `reviews.bookinfo.svc.cluster.local` are in
 * `bookinfo`. Undefined for any other host (an external name, a wildcard).
 */
export function serviceOfHost(host: string, namespace: string): ServiceRef | undefined {
  const parts = host.split('.');
  if (parts.length === 1) {
    return { name: host, namespace };
  }
  const [name, ns, ...rest] = parts;
  const suffix = rest.join('.');
  return ['', 'svc', 'svc.cluster.local'].includes(suffix) ? { name, namespace: ns } : undefined;
}

/** The Service `ref` names in the output, if any. */
function findService(objs: readonly Obj[], ref: ServiceRef | undefined): Obj | undefined {
  return ref ? all(objs, 'Service', ref.name, ref.namespace)[0] : undefined;
}

/** Each Service selects (by its whole selector) the pod template of at least one Deployment in its namespace. */
export function serviceSelectorProblems(objs: readonly Obj[]): string[] {
  return all(objs, 'Service').flatMap((service) => {
    const where = `Service ${service.metadata.namespace}/${service.metadata.name}`;
    const selector: Labels = service.spec?.selector ?? {};
    if (Object.keys(selector).length === 0) {
      return [`${where} has no selector`];
    }
    return podLabels(objs, service.metadata.namespace!).some((labels) => covers(selector, labels))
      ? []
      : [`${where} selects ${JSON.stringify(selector)}, which no Deployment's pods carry`];
  });
}

/** One destination of a VirtualService route, with where it is written. */
interface Destination {
  readonly where: string;
  readonly namespace: string;
  readonly host: string;
  readonly subset?: string;
  readonly port?: number;
}

/** Every destination of every http, tls and tcp route (and http mirror) of the VirtualServices in `objs`. */
export function virtualServiceDestinations(objs: readonly Obj[]): Destination[] {
  return all(objs, 'VirtualService').flatMap((vs) => {
    const namespace = vs.metadata.namespace!;
    return (['http', 'tls', 'tcp'] as const).flatMap((kind) => ((vs.spec?.[kind] ?? []) as any[]).flatMap((route, i) => {
      const where = `VirtualService ${namespace}/${vs.metadata.name} ${kind}[${i}]`;
      const targets: any[] = [...(route.route ?? []).map((r: any) => r.destination), ...(route.mirror ? [route.mirror] : [])];
      return targets.map((d) => ({ where, namespace, host: d.host, subset: d.subset, port: d.port?.number }));
    }));
  });
}

/** The DestinationRules (any namespace) whose host is the Service `ref`. */
function destinationRulesFor(objs: readonly Obj[], ref: ServiceRef): Obj[] {
  return all(objs, 'DestinationRule').filter((dr) => {
    const target = serviceOfHost(dr.spec.host, dr.metadata.namespace!);
    return target?.name === ref.name && target.namespace === ref.namespace;
  });
}

/**
 * Each VirtualService destination host is a Service in the output (with the destination's port, when
 * one is given), and each destination subset is a subset of a DestinationRule for that host.
 */
export function virtualServiceProblems(objs: readonly Obj[]): string[] {
  return virtualServiceDestinations(objs).flatMap((d) => {
    const ref = serviceOfHost(d.host, d.namespace);
    const service = findService(objs, ref);
    if (!ref || !service) {
      return [`${d.where} routes to ${d.host}, which is no Service in the output`];
    }
    const problems: string[] = [];
    if (d.port !== undefined && !(service.spec.ports ?? []).some((p: { port: number }) => p.port === d.port)) {
      problems.push(`${d.where} routes to port ${d.port} of ${d.host}, which the Service does not have`);
    }
    if (d.subset !== undefined) {
      const subsets = destinationRulesFor(objs, ref).flatMap((dr) => (dr.spec.subsets ?? []).map((s: { name: string }) => s.name));
      if (!subsets.includes(d.subset)) {
        problems.push(`${d.where} routes to subset ${d.subset} of ${d.host}, which no DestinationRule defines (subsets: ${JSON.stringify(subsets)})`);
      }
    }
    return problems;
  });
}

/**
 * Each DestinationRule is for a Service in the output, and each of its subsets selects the pods of
 * a Deployment that the Service selects too (the subset's endpoints exist).
 */
export function destinationRuleProblems(objs: readonly Obj[]): string[] {
  return all(objs, 'DestinationRule').flatMap((dr) => {
    const where = `DestinationRule ${dr.metadata.namespace}/${dr.metadata.name}`;
    const ref = serviceOfHost(dr.spec.host, dr.metadata.namespace!);
    const service = findService(objs, ref);
    if (!ref || !service) {
      return [`${where} is for ${dr.spec.host}, which is no Service in the output`];
    }
    const endpoints = podLabels(objs, ref.namespace).filter((labels) => covers(service.spec.selector ?? {}, labels));
    return (dr.spec.subsets ?? []).flatMap((subset: { name: string; labels?: Labels }) =>
      endpoints.some((labels) => covers(subset.labels ?? {}, labels))
        ? []
        : [`${where} subset ${subset.name} selects ${JSON.stringify(subset.labels ?? {})}, which no Deployment behind Service ${ref.namespace}/${ref.name} carries`]);
  });
}

/** All reference problems of `objs`. */
export function referenceProblems(objs: readonly Obj[]): string[] {
  return [...serviceSelectorProblems(objs), ...virtualServiceProblems(objs), ...destinationRuleProblems(objs)];
}
