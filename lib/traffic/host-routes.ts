import { Construct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkArray, checkInstance, checkOptions, checkProps, checkString } from '../core/input';
import { MeshChart } from '../mesh-chart';
import { HttpMatch } from './match';
import { RouteResilience, renderResilience } from './route-options';
import { checkServiceHost } from './checks';
import { Subset } from './subset';
import { HostHttpRoute, TrafficHost } from './traffic-host';

/** One HTTP route of a {@link HostRoutes}. */
export interface HttpRouteOptions extends RouteResilience {
  /**
   * Route name, shown in proxy stats and access logs.
   * @default none
   */
  readonly name?: string;
  /**
   * Requests matching any of these take this route.
   * @default every request (the host's default route; at most one, and last)
   */
  readonly match?: HttpMatch[];
  /**
   * Send the requests to this subset (added to the host's DestinationRule if needed).
   * @default the whole host
   */
  readonly to?: Subset;
}

/** Props of a {@link HostRoutes}. */
export interface HostRoutesProps {
  /** The service host, e.g. `ratings` or `ratings.bookinfo.svc.cluster.local`. */
  readonly host: string;
  /**
   * Namespace of the VirtualService.
   * @default the namespace a fully qualified service host names, else that of the subsets' workloads
   *   (`Subset.fromWorkload`), else the chart's (no fallback to "default"); another is an error
   */
  readonly namespace?: string;
  /** The routes, in the order they are tried. */
  readonly routes: HttpRouteOptions[];
}

/**
 * Timeouts, retries and fault injection for a host without a canary: HTTP routes added to the host's
 * shared mesh VirtualService (see {@link TrafficHost}).
 *
 * ```ts
 * new HostRoutes(chart, 'ratings-routes', {
 *   host: 'ratings',
 *   routes: [{ timeout: Duration.seconds(2), retries: RetryPolicy.of({ attempts: 3, perTryTimeout: Duration.millis(500) }) }],
 * });
 * ```
 *
 * A route without `match` is the host's default route: at most one per host (a `CanaryRelease` of
 * the host has it), and in `routes` it must come last, since no route after it could be reached
 * (istioctl analyze IST0130). Fault injection is refused in production unless the fault allows it.
 */
export class HostRoutes extends Construct {
  /** The shared per-host objects these routes are added to. */
  public readonly trafficHost: TrafficHost;

  constructor(scope: Construct, id: string, props: HostRoutesProps) {
    super(scope, id);
    props = checkProps(this, props, 'HostRoutesProps');
    checkServiceHost(this, 'host', checkString(this, 'host', props.host, { fix: 'name the service, e.g. "ratings" or "ratings.bookinfo.svc.cluster.local"' }));
    if (props.namespace !== undefined) {
      checkString(this, 'namespace', props.namespace, { fix: 'give a namespace name such as "bookinfo"' });
    }
    const env = MeshChart.environmentOf(this);
    const routes = checkArray(this, 'routes', props.routes, (item) => item, { minItems: 1, fix: 'give at least one route' });
    const rendered = routes.map((item, i) => {
      const field = `routes[${i}]`;
      const r = checkOptions(this, field, item as HttpRouteOptions, 'HttpRouteOptions');
      const catchAll = r.match === undefined;
      const match = catchAll ? undefined : checkArray(this, `${field}.match`, r.match,
        (m, f) => checkInstance(this, f, m, HttpMatch, 'use HttpMatch.uriPrefix(), HttpMatch.header() and the like')._render(this, f),
        { minItems: 1, fix: 'list at least one HttpMatch, or leave match out for the default route' });
      if (catchAll && i < routes.length - 1) {
        throw invalidInput(this, `${field}.match`, undefined, `is missing, so this default route takes every request and routes[${i + 1}..] can never match (IST0130)`,
          'move the default route to the end, or give it a match');
      }
      const to = r.to === undefined ? undefined : checkInstance(this, `${field}.to`, r.to, Subset, 'use Subset.fromWorkload() or Subset.fromLabels()');
      to?._check(this, `${field}.to`);
      if (r.name !== undefined) {
        checkString(this, `${field}.name`, r.name, {
          pattern: /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/, what: 'a route name', fix: 'use letters, digits, "-", "_" and "."',
        });
      }
      const route: Omit<HostHttpRoute, 'destinations'> = {
        ...(r.name ? { name: r.name } : {}),
        ...(match ? { match } : {}),
        ...renderResilience(this, field, r, env),
      };
      return { field, route, to };
    });
    const subsetSources = rendered.map((r) => ({ field: `${r.field}.to`, subset: r.to }));
    this.trafficHost = TrafficHost._of(this, props.host, props.namespace, subsetSources);
    for (const { field, route, to } of rendered) {
      const subset = to ? this.trafficHost._addSubset(this, to, `${field}.to`) : undefined;
      this.trafficHost._addHttpRoute(this, { ...route, destinations: [subset ? { subset } : {}] }, field);
    }
  }
}
