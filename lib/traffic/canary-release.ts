import { Construct, IConstruct } from 'constructs';
import { entryPoint } from '../core/entry-point';
import { checkCanaryStages, checkEnvironmentShape } from '../core/environment-shape';
import { invalidInput } from '../core/errors';
import { plainChartNote } from '../core/plain-chart';
import { checkArray, checkInstance, checkProps, checkString, describeType } from '../core/input';
import { EnvironmentProfile } from '../environment';
import { MeshChart } from '../mesh-chart';
import { FlaggerCanary, FlaggerCanaryProps } from '../delivery/flagger-canary';
import { VirtualServiceSpecHttpMatch } from '../../imports/networking.istio.io';
import { HttpMatch } from './match';
import { RouteResilience, renderResilience } from './route-options';
import { checkServiceHost } from './checks';
import { Subset } from './subset';
import { TrafficHost } from './traffic-host';
import { gatewayApiCanaryRoute } from './gateway-api-canary';
import { HttpRoute } from '../../imports/gateway.networking.k8s.io';
import { checkPort } from '../core/ports';
import { TrafficApi, trafficApiFor } from '../gateway/gateway-api';

/** One step of a staged canary rollout. */
export interface CanaryStage {
  /** Position in the plan, from 0; what {@link CanaryReleaseProps.stage} takes. */
  readonly index: number;
  /** Share of requests the canary gets, in percent. */
  readonly canaryPercent: number;
  /** Share the stable version keeps: always `100 - canaryPercent`. */
  readonly stablePercent: number;
}

/** Props of a {@link CanaryRelease}. */
export interface CanaryReleaseProps extends RouteResilience {
  /** The service host, e.g. `reviews` or `reviews.bookinfo.svc.cluster.local`. */
  readonly host: string;
  /**
   * Namespace of the DestinationRule and VirtualService.
   * @default the namespace a fully qualified service host names, else that of the subsets' workloads
   *   (`Subset.fromWorkload`), else the chart's (no fallback to "default"); another is an error
   */
  readonly namespace?: string;
  /**
   * The version that serves most traffic now: defined here (`Subset.fromWorkload`, `fromLabels`) or
   * defined elsewhere and named (`Subset.named`; the labels checks against the canary are then skipped).
   */
  readonly stable: Subset;
  /** The new version being rolled out, defined here or named as `stable` may be. */
  readonly canary: Subset;
  /**
   * Share of requests for the canary, a whole percentage 0–100; the stable version gets the rest, so
   * the weights always sum to 100. `0` is a rollback: every request, `routeToCanaryWhen` ones
   * included, goes to the stable version. Excludes `stage`.
   * @default the stage's percentage when `stage` is given, else the environment's
   *   `canary.initialPercent` (DEV 50, STAGING 25, PROD 10)
   */
  readonly canaryPercent?: number;
  /**
   * Synthesize this stage (index into {@link CanaryRelease.plan}, the environment's
   * `canary.stages`, by default 10, 25, 50, 75, 100 %). Excludes `canaryPercent`.
   * @default none: `canaryPercent` decides
   */
  readonly stage?: number;
  /**
   * Requests that match any of these always go to the canary (e.g. testers with a header or cookie),
   * in a route placed before the weighted one.
   * @default none
   */
  readonly routeToCanaryWhen?: HttpMatch[];
  /**
   * The API the routes are written in. `TrafficApi.GATEWAY_API` writes an HTTPRoute attached to the
   * host's Service (Gateway API mesh routing) instead of the VirtualService and DestinationRule
   * subsets: a Gateway API backend is a Service, so each version is the Service `<service>-<subset>`
   * (e.g. `reviews-v1`, selecting only that version's pods, as Istio's Bookinfo sample has them), and
   * `port` is required. Retries and faults have no Gateway API form there (an error).
   * @default the MeshChart's `trafficApi`, else TrafficApi.ISTIO
   */
  readonly trafficApi?: TrafficApi;
  /**
   * The Service port the versions are routed to (Gateway API only, where it is required).
   * @default none
   */
  readonly port?: number;
}

/**
 * A canary rollout of one host: a weighted route that splits requests between a stable and a canary
 * subset (and optionally sends matching requests straight to the canary), written to the host's
 * shared DestinationRule (the two subsets) and mesh VirtualService (the routes), see {@link TrafficHost}.
 *
 * The rollout plan is data: {@link plan} lists the environment's stages and `stage` or
 * `canaryPercent` picks what to synthesize; promoting means changing one number and committing the
 * new manifests, rolling back is `canaryPercent: 0`. At 0 and 100 % both destinations stay in the
 * route (one with weight 0), so the next step is again a one-number change.
 *
 * `timeout`, `retries` and `fault` apply to every request of the host, so the host's default route
 * belongs to the CanaryRelease: a `HostRoutes` with a default route for the same host is an error.
 */
export class CanaryRelease extends Construct {
  /**
   * Hands the rollout of a Deployment to Flagger instead of static weights: a `FlaggerCanary`
   * (`flagger.app/v1beta1` Canary) that shifts traffic step by step (or by A/B matches) while its
   * metrics hold. Flagger then owns the host's routes: no CanaryRelease for the same host.
   */
  public static progressive(scope: Construct, id: string, props: FlaggerCanaryProps): FlaggerCanary {
    return new FlaggerCanary(scope, id, props);
  }

  /**
   * The stages of `env` as a plan. Throws, naming `scope`'s construct path, when the environment's
   * stages are not whole percentages in increasing order ending at 100, or `env` is no environment
   * profile.
   *
   * @param scope the construct the plan is for (named in errors)
   * @param env the environment
   * @default env the environment of `scope`'s MeshChart
   */
  public static planFor(scope: IConstruct, env?: EnvironmentProfile): CanaryStage[] {
    if (!Construct.isConstruct(scope)) {
      throw invalidInput(entryPoint('CanaryRelease.planFor'), 'scope', scope, `is ${describeType(scope)}, not a construct`,
        'pass the construct the plan is for, e.g. the MeshChart');
    }
    const profile = env === undefined ? MeshChart.environmentOf(scope) : checkEnvironmentShape(scope, 'environment', env, 'profile');
    return CanaryRelease.plan(scope, profile);
  }

  /** The plan of a checked profile. */
  private static plan(scope: IConstruct, env: EnvironmentProfile): CanaryStage[] {
    const stages = checkCanaryStages(scope, 'environment.canary.stages', env.canary.stages, env.name);
    return stages.map((canaryPercent, index) => ({ index, canaryPercent, stablePercent: 100 - canaryPercent }));
  }

  /** The environment's rollout plan. */
  public readonly plan: CanaryStage[];
  /** The canary's share in this synthesis, 0–100. */
  public readonly canaryPercent: number;
  /** The stable version's share, `100 - canaryPercent`. */
  public readonly stablePercent: number;
  /** The index of the synthesized percentage in {@link plan}, or undefined when it is not a stage (0 included). */
  public readonly stage: number | undefined;
  /** Name of the stable subset. */
  public readonly stableSubset: string;
  /** Name of the canary subset. */
  public readonly canarySubset: string;
  /** The shared per-host objects this release writes to (none of its routes with Gateway API). */
  public readonly trafficHost: TrafficHost;
  /** With `TrafficApi.GATEWAY_API`: the HTTPRoute attached to the host's Service. */
  public readonly httpRoute?: HttpRoute;

  constructor(scope: Construct, id: string, props: CanaryReleaseProps) {
    super(scope, id);
    props = checkProps(this, props, 'CanaryReleaseProps');
    const env = MeshChart.environmentOf(this);
    this.plan = CanaryRelease.plan(this, env);
    checkServiceHost(this, 'host', checkString(this, 'host', props.host, { fix: 'name the service, e.g. "reviews" or "reviews.bookinfo.svc.cluster.local"' }));
    if (props.namespace !== undefined) {
      checkString(this, 'namespace', props.namespace, { fix: 'give a namespace name such as "bookinfo"' });
    }

    // Percentages.
    if (props.stage !== undefined && props.canaryPercent !== undefined) {
      throw invalidInput(this, 'stage', props.stage, 'is set together with canaryPercent', 'give one of them');
    }
    if (props.stage !== undefined && (typeof props.stage !== 'number' || !Number.isInteger(props.stage) || props.stage < 0 || props.stage >= this.plan.length)) {
      throw invalidInput(this, 'stage', props.stage, typeof props.stage !== 'number' ? `is ${describeType(props.stage)}, not a number`
        : `is not a stage of the ${env.name} plan (${this.plan.map((s) => `${s.index}: ${s.canaryPercent}%`).join(', ')})${plainChartNote(this)}`,
      `use an index from 0 to ${this.plan.length - 1}`);
    }
    const percent: unknown = props.stage !== undefined ? this.plan[props.stage].canaryPercent : props.canaryPercent ?? env.canary.initialPercent;
    if (typeof percent !== 'number' || !Number.isInteger(percent) || percent < 0 || percent > 100) {
      throw invalidInput(this, props.canaryPercent === undefined ? 'environment.canary.initialPercent' : 'canaryPercent', percent,
        typeof percent !== 'number' ? `is ${describeType(percent)}, not a number` : 'is not a whole percentage from 0 to 100',
        'use e.g. 10; 0 rolls back, 100 completes the rollout');
    }
    this.canaryPercent = percent === 0 ? 0 : percent;
    this.stablePercent = 100 - this.canaryPercent;
    this.stage = this.plan.find((s) => s.canaryPercent === percent)?.index;

    // Subsets.
    const subsetFix = 'use Subset.fromWorkload() or Subset.fromLabels()';
    const stableSubset = checkInstance(this, 'stable', props.stable, Subset, subsetFix);
    const canarySubset = checkInstance(this, 'canary', props.canary, Subset, subsetFix);
    const stable = stableSubset._check(this, 'stable');
    const canary = canarySubset._check(this, 'canary');
    if (stable.name === canary.name) {
      throw invalidInput(this, 'canary.name', canary.name, 'is also the stable subset\'s name', 'name the subsets after their versions, e.g. "v1" and "v2"');
    }
    if (!stableSubset.isReference && !canarySubset.isReference && JSON.stringify(stable.labels) === JSON.stringify(canary.labels)) {
      throw invalidInput(this, 'canary.labels', canary.labels, 'are the stable subset\'s labels, so both subsets select the same pods', 'tell the versions apart with a label such as version');
    }
    for (const [field, a, b] of [['stable', stableSubset, canarySubset], ['canary', canarySubset, stableSubset]] as const) {
      if (a.selectsPodsOf(b)) {
        throw invalidInput(this, `${field}.labels`, a.labels, `also select the pods of ${b.workloadPath}, so the "${a.name}" subset would send traffic to both versions`,
          `add a label that tells the versions apart (e.g. version) to both workloads' pod labels`);
      }
    }

    // Routes.
    const matches: VirtualServiceSpecHttpMatch[] = props.routeToCanaryWhen === undefined ? [] : checkArray(this, 'routeToCanaryWhen', props.routeToCanaryWhen,
      (m, field) => checkInstance(this, field, m, HttpMatch, 'use HttpMatch.header(), HttpMatch.cookie() and the like')._render(this, field),
      { minItems: 1, fix: 'list at least one HttpMatch, or leave routeToCanaryWhen out' });
    const resilience = renderResilience(this, '', props, env);

    const api = trafficApiFor(this, props.trafficApi);
    if (api === TrafficApi.ISTIO && props.port !== undefined) {
      throw invalidInput(this, 'port', props.port, 'is for Gateway API routes, whose backends need a port', 'drop it, or set trafficApi: TrafficApi.GATEWAY_API');
    }
    const port = api === TrafficApi.GATEWAY_API ? checkPort(this, 'port', props.port) : undefined;

    // All input is checked: now contribute to the shared host.
    this.trafficHost = TrafficHost._of(this, props.host, props.namespace, [{ field: 'stable', subset: stableSubset }, { field: 'canary', subset: canarySubset }]);
    if (port !== undefined) {
      this.stableSubset = stable.name;
      this.canarySubset = canary.name;
      this.httpRoute = gatewayApiCanaryRoute(this, {
        id, host: props.host, namespace: this.trafficHost.namespace, port, stable: stable.name, canary: canary.name,
        stablePercent: this.stablePercent, canaryPercent: this.canaryPercent, matches, resilience,
      });
      return;
    }

    this.stableSubset = this.trafficHost._addSubset(this, stableSubset, 'stable');
    this.canarySubset = this.trafficHost._addSubset(this, canarySubset, 'canary');
    if (matches.length > 0 && this.canaryPercent > 0) {
      this.trafficHost._addHttpRoute(this, {
        name: `${id}-match`,
        match: matches,
        destinations: [{ subset: this.canarySubset }],
        ...resilience,
      }, 'routeToCanaryWhen');
    }
    this.trafficHost._addHttpRoute(this, {
      name: `${id}-weighted`,
      destinations: [
        { subset: this.stableSubset, weight: this.stablePercent },
        { subset: this.canarySubset, weight: this.canaryPercent },
      ],
      ...resilience,
    }, 'canaryPercent');
  }
}
