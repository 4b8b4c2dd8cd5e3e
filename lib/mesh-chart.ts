import { Chart, ChartProps } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { checkEnvironmentShape } from './core/environment-shape';
import { invalidInput } from './core/errors';
import { checkBoolean, checkEnum, checkProps, checkString, isObject } from './core/input';
import { checkLabels } from './core/labels';
import { checkDnsLabel } from './core/names';
import { recordPlainChartDefault } from './core/plain-chart';
import { copyOf, Environment, EnvironmentProfile } from './environment';
import { TrafficApi } from './gateway/gateway-api';

/** Props of a {@link MeshChart}. */
export interface MeshChartProps extends ChartProps {
  /** The environment whose defaults every construct in this chart takes. */
  readonly environment: EnvironmentProfile;
  /**
   * The API the chart's routing constructs write (`GatewayApiIngress` needs Gateway API; an
   * `IngressGateway` writes Istio's): a construct's own `trafficApi` wins.
   * @default TrafficApi.ISTIO
   */
  readonly trafficApi?: TrafficApi;
}

const MESH_CHART = Symbol.for('cdk8s-istio.MeshChart');

/**
 * A chart for one environment of the mesh. Constructs placed in it take their sizing and availability
 * defaults from its {@link EnvironmentProfile}; `MeshApp.synth` writes it to `<outdir>/<chart id>/`
 * (`dist/<environment>/` in this repository's app).
 *
 * Resource names carry no hash suffix: names are the construct ids (or what a construct sets), so the
 * committed manifests read like hand-written ones and stay the same from run to run.
 */
export class MeshChart extends Chart {
  /** The MeshChart `scope` is in, or undefined when it is in another kind of chart. */
  public static tryFind(scope: IConstruct): MeshChart | undefined {
    for (let node: IConstruct | undefined = scope; node; node = node.node.scope) {
      if ((node as unknown as Record<symbol, unknown>)[MESH_CHART] === true) {
        return node as MeshChart;
      }
    }
    return undefined;
  }

  /**
   * The environment of the MeshChart `scope` is in, or PROD (the strictest) outside one. A construct that
   * takes PROD this way says so in every message its defaults cause.
   */
  public static environmentOf(scope: IConstruct): EnvironmentProfile {
    const chart = MeshChart.tryFind(scope);
    if (chart !== undefined) return chart.environment;
    recordPlainChartDefault(scope);
    return Environment.PROD;
  }

  /** The environment this chart is for: a copy of the profile it was given. */
  public readonly environment: EnvironmentProfile;
  /** The traffic API of the chart's routing constructs, unless a construct says otherwise. */
  public readonly trafficApi: TrafficApi;

  constructor(scope: Construct, id: string, props: MeshChartProps) {
    // cdk8s's Chart reads the props first: hand it only what passes, and check after (errors name this chart).
    super(scope, id, { disableResourceNameHashes: true, ...(isObject(props) ? chartProps(props) : {}) });
    if (isObject(props) && (props.environment === undefined || props.environment === null)) {
      throw invalidInput(this, 'environment', props.environment, 'is not an EnvironmentProfile', 'give Environment.DEV, Environment.STAGING, Environment.PROD or one derived with Environment.override');
    }
    props = checkProps(this, props, 'MeshChartProps');
    checkEnvironmentShape(this, 'environment', props.environment, 'profile');
    checkDnsLabel(this, 'environment.name', props.environment.name, 'name the environment like "dev", "staging" or "prod"');
    if (props.namespace !== undefined) {
      checkDnsLabel(this, 'namespace', checkString(this, 'namespace', props.namespace, { fix: 'give a namespace name such as "bookinfo"' }), 'give a namespace name such as "bookinfo"');
    }
    if (props.labels !== undefined) {
      checkLabels(this, 'labels', props.labels);
    }
    if (props.disableResourceNameHashes !== undefined) {
      checkBoolean(this, 'disableResourceNameHashes', props.disableResourceNameHashes);
    }
    // A copy: changing the profile object afterwards (profiles are plain data) changes nothing in this chart.
    this.environment = copyOf(props.environment);
    this.trafficApi = props.trafficApi === undefined ? TrafficApi.ISTIO : checkEnum(this, 'trafficApi', props.trafficApi, TrafficApi, 'TrafficApi');
    Object.defineProperty(this, MESH_CHART, { value: true });
  }
}

/** The props cdk8s's Chart reads, those of the right type only (the rest is reported after `super`). */
function chartProps(props: Record<string, unknown>): ChartProps {
  return {
    ...(typeof props.namespace === 'string' ? { namespace: props.namespace } : {}),
    ...(isObject(props.labels) ? { labels: { ...props.labels } as { [key: string]: string } } : {}),
    ...(typeof props.disableResourceNameHashes === 'boolean' ? { disableResourceNameHashes: props.disableResourceNameHashes } : {}),
  };
}
