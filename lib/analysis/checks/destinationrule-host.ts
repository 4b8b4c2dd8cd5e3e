import { arr, Check, specOf } from '../check';
import { AnalysisContext } from '../context';
import { resolveHost, ServiceInfo, visibleFrom } from '../hosts';
import { GK, Resource } from '../resources';

/** What a DestinationRule's host names: the services defining it, or a host declared to exist elsewhere. */
export interface DestinationRuleHost {
  /** The host, resolved from the DestinationRule's namespace. */
  readonly host: string;
  /** The Services, ServiceEntries and declared services that define it and that the rule sees. */
  readonly services: ServiceInfo[];
  /** Declared existing outside the output (ExternalResources hosts). */
  readonly external: boolean;
}

/**
 * The services a DestinationRule's host names, as istiod finds them: the host resolved from the rule's
 * namespace (a short name is a Service of that namespace), exact or covered by a wildcard host, among
 * the services visible from the rule's namespace or from a namespace the rule is exported to.
 * Undefined when the rule has no host.
 */
export function destinationRuleHost(ctx: AnalysisContext, r: Resource): DestinationRuleHost | undefined {
  const spec = specOf(r.raw);
  if (typeof spec.host !== 'string' || spec.host === '' || r.namespace === undefined) return undefined;
  const ns = r.namespace;
  const host = resolveHost(spec.host, ns);
  const exportTo = arr(spec.exportTo).filter((e): e is string => typeof e === 'string').map((e) => (e === '.' ? ns : e));
  const services = ctx.services.lookup(host).filter((s) => visibleFrom(s.exportTo, s.namespace, ns)
    || exportTo.some((e) => (e === '*' ? !s.exportTo.every((x) => x === '~') : visibleFrom(s.exportTo, s.namespace, e))));
  return { host, services, external: ctx.isExternalHost(spec.host, ns) };
}

/**
 * A DestinationRule for a host no service defines (no Service, ServiceEntry or declared host): it
 * applies to nothing, usually because of a typo or a short name resolved in the wrong namespace.
 */
export const destinationRuleUnknownHost: Check = {
  name: 'destinationrule.unknownhost',
  codes: ['IST0174'],
  description: 'DestinationRule host that matches no Service, ServiceEntry or declared host',
  run(ctx) {
    for (const r of ctx.output(GK.DestinationRule)) {
      const found = destinationRuleHost(ctx, r);
      if (found === undefined || found.services.length > 0 || found.external) continue;
      const short = !specOf(r.raw).host.includes('.');
      ctx.report('IST0174', r, 'spec.host', [specOf(r.raw).host],
        `name an existing host (a Service as <name>.<namespace>.svc.cluster.local${short ? `; the short name resolves to ${found.host}` : ''}, or a ServiceEntry host visible from namespace ${r.namespace}), `
        + 'or declare it existing (ExternalResources services or hosts)');
    }
  },
};
