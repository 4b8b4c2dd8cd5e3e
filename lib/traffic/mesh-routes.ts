import { ApiObject, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { formatInputError } from '../core/errors';
import { parseServiceHost } from '../core/hostnames';

/**
 * The canonical name of `host` seen from `namespace`: a cluster service host in any spelling (`reviews`,
 * `reviews.bookinfo.svc`, `reviews.bookinfo.svc.cluster.local`) becomes its fully qualified name; any
 * other host is compared case-insensitively, as Istio does, so it is lowercased.
 * @internal
 */
export function canonicalHost(host: string, namespace: string | undefined): string {
  const lower = host.toLowerCase();
  if (namespace === undefined && !lower.includes('.')) {
    return lower;
  }
  const service = parseServiceHost(lower, namespace ?? '');
  return service && service.namespace !== '*' ? service.fqdn : lower;
}

/** A networking.istio.io object of the chart, synthesized. */
interface IstioObject {
  readonly object: ApiObject;
  readonly namespace: string | undefined;
  readonly spec: Record<string, unknown>;
}

function istioObjects(chart: Chart, kind: string): IstioObject[] {
  return chart.node.findAll()
    .filter((c): c is ApiObject => c instanceof ApiObject && c.kind === kind && c.apiGroup === 'networking.istio.io')
    .map((object) => {
      const json = object.toJson() as { metadata?: { namespace?: string }; spec?: Record<string, unknown> };
      return { object, namespace: json.metadata?.namespace ?? chart.namespace, spec: json.spec ?? {} };
    });
}

/**
 * The subset names every DestinationRule of the chart (from any construct, or written as an L1
 * object) defines for the canonical host `canonical`.
 * @internal
 */
export function definedSubsets(chart: Chart, canonical: string): string[] {
  return istioObjects(chart, 'DestinationRule')
    .filter((dr) => typeof dr.spec.host === 'string' && canonicalHost(dr.spec.host, dr.namespace) === canonical)
    .flatMap((dr) => ((dr.spec.subsets ?? []) as Array<{ name?: string }>).map((s) => s.name ?? ''));
}

/** Duck-typed hook: the construct that really owns an object (a TrafficHost names the construct that added the first route). */
interface MeshRouteOwner {
  /** @internal */
  _ownerPathOf(object: ApiObject): string | undefined;
}

const CHECK_ID = 'cdk8s-istio-mesh-routes';

/**
 * IST0109 (ConflictingMeshGatewayVirtualServiceHosts) over the whole chart: two VirtualServices bound
 * to the mesh (no `gateways`, or `mesh` among them) that route one host leave it undefined which one a
 * sidecar uses. Every `networking.istio.io` VirtualService of the chart counts, whichever construct
 * made it (TrafficHost, EgressGateway routes, L1 objects), resolved at synth.
 */
class MeshRoutesCheck extends Construct {
  constructor(chart: Chart) {
    super(chart, CHECK_ID);
    this.node.addValidation({ validate: () => this.conflicts(chart) });
  }

  private conflicts(chart: Chart): string[] {
    const seen = new Map<string, { object: ApiObject; namespace: string | undefined; host: string }>();
    const errors: string[] = [];
    for (const vs of istioObjects(chart, 'VirtualService')) {
      const gateways = (vs.spec.gateways ?? []) as string[];
      if (gateways.length > 0 && !gateways.includes('mesh')) {
        continue;
      }
      for (const host of (vs.spec.hosts ?? []) as string[]) {
        const key = canonicalHost(host, vs.namespace);
        const first = seen.get(key);
        if (!first) {
          seen.set(key, { object: vs.object, namespace: vs.namespace, host });
          continue;
        }
        if (first.object === vs.object) {
          continue;
        }
        const where = first.namespace === vs.namespace ? `both in namespace ${vs.namespace}` : `in namespaces ${first.namespace} and ${vs.namespace}`;
        errors.push(formatInputError(ownerPath(vs.object), 'host', host,
          `is routed by mesh VirtualServices ${where}: ${first.object.name} (${ownerPath(first.object)}) and ${vs.object.name} (istioctl analyze IST0109; which one a sidecar uses is undefined)`,
          'route each host from one construct and namespace only'));
      }
    }
    return errors;
  }
}

function ownerPath(object: ApiObject): string {
  // An L2 construct names its object (`<construct>/Resource`); an L1 object made in a chart names itself.
  const parent = object.node.scope as (IConstruct & Partial<MeshRouteOwner>) | undefined;
  if (!parent || parent instanceof Chart) {
    return object.node.path;
  }
  return parent._ownerPathOf?.(object) ?? parent.node.path;
}

/**
 * Makes sure `scope`'s chart checks IST0109 across all its mesh VirtualServices (once per chart).
 * @internal
 */
export function checkMeshRoutes(scope: IConstruct): void {
  const chart = Chart.of(scope);
  if (!chart.node.tryFindChild(CHECK_ID)) {
    new MeshRoutesCheck(chart);
  }
}
