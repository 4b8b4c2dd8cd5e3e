import { ApiObject, Duration } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import {
  Canary, CanarySpec, CanarySpecAnalysis, CanarySpecAnalysisWebhooksType, CanarySpecProvider, CanarySpecTargetRefKind,
} from '../../imports/flagger.app';
import { istioDuration } from '../core/duration';
import { formatInputError, invalidInput } from '../core/errors';
import { checkHostname } from '../core/hostnames';
import { checkArray, checkEnum, checkInstance, checkInteger, checkNumber, checkOptions, checkProps, checkString, copyOptions } from '../core/input';
import { checkDnsLabel } from '../core/names';
import { checkPort } from '../core/ports';
import { TrafficApi, trafficApiFor } from '../gateway/gateway-api';
import { GatewayApiIngress } from '../gateway/gateway-api-ingress';
import { MeshChart } from '../mesh-chart';
import { HttpMatch } from '../traffic/match';
import { canonicalHost } from '../traffic/mesh-routes';
import { TrafficHost } from '../traffic/traffic-host';
import { PlusWorkload } from '../workload/plus-objects';

/** Which router Flagger shifts traffic with. */
export enum FlaggerProvider {
  /** Istio's VirtualService and DestinationRules, which Flagger writes. */
  ISTIO = 'istio',
  /** Gateway API HTTPRoutes (`gatewayapi:v1`), which Flagger writes. */
  GATEWAY_API = 'gatewayapi:v1',
}

/** When Flagger calls a webhook. */
export enum FlaggerWebhookType {
  /** Before traffic is routed to the canary; a failure stops the rollout (acceptance tests). */
  PRE_ROLLOUT = 'pre-rollout',
  /** At every analysis step (load tests). */
  ROLLOUT = 'rollout',
  /** Before the rollout starts: a gate that must answer 200. */
  CONFIRM_ROLLOUT = 'confirm-rollout',
  /** Before each traffic increase: a gate. */
  CONFIRM_TRAFFIC_INCREASE = 'confirm-traffic-increase',
  /** Before the canary is promoted: a gate (manual approval). */
  CONFIRM_PROMOTION = 'confirm-promotion',
  /** After the rollout finished or was rolled back. */
  POST_ROLLOUT = 'post-rollout',
  /** A gate that rolls back when it answers 200. */
  ROLLBACK = 'rollback',
}

/** Options of {@link FlaggerWebhook.loadTest}. */
export interface LoadTestOptions {
  /** The command the load tester runs, e.g. `hey -z 1m -q 10 -c 2 http://reviews-canary.bookinfo:9080/`. */
  readonly command: string;
  /**
   * The load tester's URL.
   * @default "http://flagger-loadtester.test/" (Flagger's load tester in the `test` namespace)
   */
  readonly url?: string;
  /**
   * Name of the webhook.
   * @default "load-test"
   */
  readonly name?: string;
  /**
   * How long Flagger waits for the call.
   * @default 5s (Flagger's default: the load tester starts the command and answers)
   */
  readonly timeout?: Duration;
}

/** Options of {@link FlaggerWebhook.gate} and {@link FlaggerWebhook.of}. */
export interface WebhookOptions {
  /** Name of the webhook, unique in the canary. */
  readonly name: string;
  /** URL Flagger calls (POST); an http or https URL. */
  readonly url: string;
  /**
   * When Flagger calls it.
   * @default FlaggerWebhookType.ROLLOUT (for `of`); CONFIRM_PROMOTION (for `gate`)
   */
  readonly type?: FlaggerWebhookType;
  /**
   * How long Flagger waits for the call.
   * @default Flagger's (10s)
   */
  readonly timeout?: Duration;
  /**
   * Metadata sent with the call.
   * @default none
   */
  readonly metadata?: { [key: string]: string };
}

/** A webhook of a Flagger analysis: load tests, acceptance tests and promotion gates. */
export class FlaggerWebhook {
  /** A load test run by Flagger's load tester at every analysis step (type `rollout`, metadata `cmd`). */
  public static loadTest(options: LoadTestOptions): FlaggerWebhook {
    return new FlaggerWebhook('load', copyOptions(options));
  }

  /** A gate: Flagger waits until the URL answers 200 (by default before promotion: manual approval). */
  public static gate(options: WebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook('gate', copyOptions(options));
  }

  /** Any webhook. */
  public static of(options: WebhookOptions): FlaggerWebhook {
    return new FlaggerWebhook('of', copyOptions(options));
  }

  private constructor(private readonly how: 'load' | 'gate' | 'of', private readonly options: LoadTestOptions | WebhookOptions) {}

  /** @internal */
  public _render(scope: IConstruct, field: string): Record<string, unknown> {
    if (this.how === 'load') {
      const o = checkOptions(scope, field, this.options as LoadTestOptions, 'LoadTestOptions');
      const command = checkString(scope, `${field}.command`, o.command, { minLength: 1, fix: 'give the command, e.g. "hey -z 1m -q 10 -c 2 http://reviews-canary.bookinfo:9080/"' });
      return {
        name: o.name === undefined ? 'load-test' : checkDnsLabel(scope, `${field}.name`, o.name, 'use e.g. "load-test"'),
        type: CanarySpecAnalysisWebhooksType.ROLLOUT,
        url: checkUrl(scope, `${field}.url`, o.url ?? 'http://flagger-loadtester.test/'),
        timeout: o.timeout === undefined ? '5s' : istioDuration(scope, `${field}.timeout`, o.timeout),
        metadata: { type: 'cmd', cmd: command },
      };
    }
    const o = checkOptions(scope, field, this.options as WebhookOptions, 'WebhookOptions');
    const type = o.type === undefined ? (this.how === 'gate' ? FlaggerWebhookType.CONFIRM_PROMOTION : FlaggerWebhookType.ROLLOUT)
      : checkEnum(scope, `${field}.type`, o.type, FlaggerWebhookType, 'FlaggerWebhookType');
    return {
      name: checkDnsLabel(scope, `${field}.name`, o.name, 'use e.g. "approve-promotion"'),
      type,
      url: checkUrl(scope, `${field}.url`, o.url),
      ...(o.timeout !== undefined ? { timeout: istioDuration(scope, `${field}.timeout`, o.timeout) } : {}),
      ...(o.metadata !== undefined ? { metadata: { ...o.metadata } } : {}),
    };
  }
}

function checkUrl(scope: IConstruct, field: string, value: unknown): string {
  const url = checkString(scope, field, value, { fix: 'give an http(s) URL, e.g. "http://flagger-loadtester.test/"' });
  if (!/^https?:\/\/[^\s/]+/.test(url)) {
    throw invalidInput(scope, field, url, 'is not an http or https URL', 'give an http(s) URL, e.g. "http://flagger-loadtester.test/"');
  }
  return url;
}

/** How Flagger analyses each step. */
export interface FlaggerAnalysis {
  /**
   * Time between steps (and between metric checks).
   * @default 1 minute
   */
  readonly interval?: Duration;
  /**
   * Failed checks before Flagger rolls back.
   * @default 5
   */
  readonly threshold?: number;
  /**
   * Canary weight steps, in percent, increasing, each below 100 (Flagger promotes after the last).
   * Excludes `stepWeight`/`maxWeight` and `iterations`.
   * @default the environment's canary stages below 100 (10, 25, 50, 75), unless `stepWeight` or `iterations` is given
   */
  readonly stepWeights?: number[];
  /**
   * Weight added at each step, up to `maxWeight`.
   * @default none (see stepWeights)
   */
  readonly stepWeight?: number;
  /**
   * Highest canary weight, in percent, before promotion (with `stepWeight`).
   * @default 50 with stepWeight
   */
  readonly maxWeight?: number;
  /**
   * A/B testing: this many checks with `match` traffic only to the canary, no weights.
   * @default none: weighted steps
   */
  readonly iterations?: number;
  /**
   * A/B testing: requests that go to the canary (with `iterations`), e.g. a header or cookie. Flagger
   * matches headers exactly, by prefix or regex; URI matches have no place here.
   * @default none
   */
  readonly match?: HttpMatch[];
  /**
   * The lowest share of non-5xx responses of the canary, in percent (Flagger's built-in
   * `request-success-rate`).
   * @default 99
   */
  readonly minSuccessRatePercent?: number;
  /**
   * The highest P99 request duration of the canary (Flagger's built-in `request-duration`).
   * @default 500 ms
   */
  readonly maxRequestDuration?: Duration;
  /**
   * Load tests, acceptance tests and gates.
   * @default none
   */
  readonly webhooks?: FlaggerWebhook[];
}

/** Props of a {@link FlaggerCanary}. */
export interface FlaggerCanaryProps {
  /**
   * The Deployment to roll out (any cdk8s-plus 2x Deployment). Flagger copies it to `<name>-primary`
   * (pods labelled `app: <name>-primary`), scales it to zero and uses it as the canary.
   */
  readonly target: IConstruct;
  /** The Service port Flagger creates `<name>`, `<name>-primary` and `<name>-canary` with. */
  readonly port: number;
  /**
   * The container port.
   * @default `port`
   */
  readonly targetPort?: number;
  /**
   * Name of the Canary, which is also the name of the Services and routes Flagger creates.
   * @default the Deployment's name
   */
  readonly name?: string;
  /**
   * Traffic router.
   * @default FlaggerProvider.GATEWAY_API when the chart's `trafficApi` is GATEWAY_API, else ISTIO
   */
  readonly provider?: FlaggerProvider;
  /**
   * Gateways whose traffic Flagger shifts too, `namespace/name` (Istio Gateways with the Istio
   * provider, Gateway API Gateways with GATEWAY_API; with GATEWAY_API at least one is required).
   * @default none: mesh traffic only (`mesh`)
   */
  readonly gateways?: string[];
  /**
   * A Gateway API ingress whose traffic for `hosts` Flagger shifts (provider GATEWAY_API): the
   * Canary's `gatewayRefs` name the gateway's listeners that serve the hosts (not the ones that
   * redirect to HTTPS), and the gateway admits routes from the Canary's namespace. Excludes `gateways`.
   * @default none
   */
  readonly ingress?: GatewayApiIngress;
  /**
   * Hosts of the routes Flagger writes, beside the Service's own name (required with `ingress`).
   * @default none
   */
  readonly hosts?: string[];
  /**
   * The analysis.
   * @default weighted steps from the environment's canary stages, a 1-minute interval, threshold 5, 99 % success, P99 under 500 ms
   */
  readonly analysis?: FlaggerAnalysis;
}

/** What Flagger creates for a Canary named `name`. @internal */
export function flaggerOwned(name: string): { primary: string; services: string[] } {
  return { primary: `${name}-primary`, services: [name, `${name}-primary`, `${name}-canary`] };
}

/**
 * A progressive rollout handed to Flagger (`flagger.app/v1beta1` Canary): Flagger copies the target
 * Deployment to `<name>-primary`, creates the Services `<name>`, `<name>-primary` and `<name>-canary`
 * and the routes (Istio VirtualService and DestinationRules, or a Gateway API HTTPRoute), then shifts
 * traffic step by step while its built-in metrics (`request-success-rate`, `request-duration`) stay
 * within the thresholds, running the webhooks (load tests, gates), and promotes or rolls back.
 *
 * Flagger owns the host's routes: a `CanaryRelease`, `HostRoutes` or `DestinationPolicy` for the same
 * host in the chart fails the synth, and the analyzer reports VirtualServices, DestinationRules and
 * HTTPRoutes of the output that route the host (CDK8S-ISTIO-072), and selectors that pick the
 * Deployment's pods but miss the primary's (CDK8S-ISTIO-073).
 */
export class FlaggerCanary extends Construct {
  /** The Canary object. */
  public readonly resource: Canary;
  /** Name of the Canary and of the Service Flagger creates. */
  public readonly name: string;
  /** Namespace of the Canary and its Deployment. */
  public readonly namespace: string;
  /** The host Flagger routes: `<name>.<namespace>.svc.cluster.local`. */
  public readonly host: string;
  /** The labels of the primary's pods that differ from the Deployment's: `app: <name>-primary`. */
  public readonly primaryLabels: { [key: string]: string };

  constructor(scope: Construct, id: string, props: FlaggerCanaryProps) {
    super(scope, id);
    props = checkProps(this, props, 'FlaggerCanaryProps');
    const workload = PlusWorkload.read(props.target, {
      where: this.node.path, field: 'target', fix: 'pass the cdk8s-plus Deployment to roll out', expected: 'a cdk8s-plus Deployment',
    });
    if (workload.kind !== 'Deployment') {
      throw invalidInput(this, 'target', workload.path, `is a ${workload.kind}; this Canary rolls out Deployments`, 'pass the cdk8s-plus Deployment to roll out');
    }
    const object = ApiObject.of(workload.construct);
    const deploymentName = object.name;
    const namespace = workload.namespace ?? object.metadata.namespace;
    if (namespace === undefined) {
      throw invalidInput(this, 'target', workload.path, 'has no namespace; the Canary lives in the Deployment\'s', 'give the Deployment metadata.namespace');
    }
    this.namespace = namespace;
    this.name = props.name === undefined ? checkDnsLabel(this, 'target', deploymentName, 'name the Deployment with a DNS label')
      : checkDnsLabel(this, 'name', checkString(this, 'name', props.name, { fix: 'use e.g. "reviews"' }), 'use e.g. "reviews"');
    this.host = `${this.name}.${this.namespace}.svc.cluster.local`;
    this.primaryLabels = { app: flaggerOwned(this.name).primary };
    const podLabels = workload.selectorLabels();
    if (podLabels.app !== this.name) {
      throw invalidInput(this, 'target', podLabels, `do not carry app: ${this.name}, the label Flagger selects the Deployment's pods by (and renames to app: ${this.name}-primary on the primary)`,
        `label the pods app: "${this.name}" or name the Canary after their app label`);
    }
    const port = checkPort(this, 'port', props.port);
    const targetPort = props.targetPort === undefined ? undefined : checkPort(this, 'targetPort', props.targetPort);
    const ingress = props.ingress === undefined ? undefined
      : checkInstance(this, 'ingress', props.ingress, GatewayApiIngress, 'pass the GatewayApiIngress construct, or name Istio gateways in gateways');
    const provider = props.provider !== undefined ? checkEnum(this, 'provider', props.provider, FlaggerProvider, 'FlaggerProvider')
      : ingress !== undefined || trafficApiFor(this, undefined) === TrafficApi.GATEWAY_API ? FlaggerProvider.GATEWAY_API : FlaggerProvider.ISTIO;
    if (ingress !== undefined && provider !== FlaggerProvider.GATEWAY_API) {
      throw invalidInput(this, 'ingress', ingress.node.path, 'is a Gateway API ingress, but the provider is istio (Istio Gateways and VirtualServices)',
        'use provider FlaggerProvider.GATEWAY_API, or name Istio gateways in gateways');
    }
    if (ingress !== undefined && props.gateways !== undefined) {
      throw invalidInput(this, 'gateways', props.gateways, 'is given with ingress', 'give one of them');
    }
    const gateways = props.gateways === undefined ? [] : checkArray(this, 'gateways', props.gateways, (g, f) => {
      const ref = checkString(this, f, g, { fix: 'give "namespace/name", e.g. "istio-ingress/bookinfo-gateway"' });
      const [ns, name, extra] = ref.split('/');
      if (extra !== undefined || name === undefined) {
        throw invalidInput(this, f, ref, 'is not "namespace/name"', 'give e.g. "istio-ingress/bookinfo-gateway"');
      }
      checkDnsLabel(this, f, ns, 'give e.g. "istio-ingress/bookinfo-gateway"');
      checkDnsLabel(this, f, name, 'give e.g. "istio-ingress/bookinfo-gateway"');
      return { namespace: ns, name };
    }, { minItems: 1, fix: 'list gateways as "namespace/name"' });
    if (provider === FlaggerProvider.GATEWAY_API && gateways.length === 0 && ingress === undefined) {
      throw invalidInput(this, 'gateways', props.gateways, 'is empty: Flagger\'s Gateway API provider attaches its HTTPRoute to gateways it is given',
        'name the Gateway API Gateway, e.g. gateways: ["istio-ingress/bookinfo-gateway"]');
    }
    const hosts = props.hosts === undefined ? [] : checkArray(this, 'hosts', props.hosts, (h, f) => checkHostname(this, f, h), { minItems: 1, fix: 'list hosts, e.g. ["bookinfo.example.com"]' });
    if (ingress !== undefined && hosts.length === 0) {
      throw invalidInput(this, 'hosts', props.hosts, 'is missing: with an ingress Flagger routes the hosts given here', `list the hosts the gateway serves, e.g. ["${'bookinfo.example.com'}"]`);
    }
    const gatewayRefs = ingress !== undefined
      ? ingress._bind(this, 'hosts', hosts, this.namespace).map((sectionName) => ({ name: ingress.name, namespace: ingress.namespace, sectionName }))
      : gateways.map((g) => ({ name: g.name, namespace: g.namespace }));
    const analysis = this.renderAnalysis(props.analysis === undefined ? {} : checkOptions(this, 'analysis', props.analysis, 'FlaggerAnalysis'));

    const spec: CanarySpec = {
      provider: provider as unknown as CanarySpecProvider,
      targetRef: { apiVersion: 'apps/v1', kind: CanarySpecTargetRefKind.DEPLOYMENT, name: deploymentName },
      service: {
        port,
        ...(targetPort !== undefined ? { targetPort } : {}),
        ...(provider === FlaggerProvider.ISTIO && gateways.length > 0 ? { gateways: [...gateways.map((g) => `${g.namespace}/${g.name}`), 'mesh'] } : {}),
        ...(provider === FlaggerProvider.GATEWAY_API ? { gatewayRefs } : {}),
        ...(hosts.length > 0 ? { hosts } : {}),
      },
      analysis,
    };
    this.resource = new Canary(this, 'Resource', { metadata: { name: this.name, namespace: this.namespace }, spec });
    this.node.addValidation({ validate: () => this.staticRoutes() });
  }

  private renderAnalysis(a: FlaggerAnalysis): CanarySpecAnalysis {
    const env = MeshChart.environmentOf(this);
    const interval = istioDuration(this, 'analysis.interval', a.interval ?? Duration.minutes(1), { minMs: 1000 });
    const threshold = a.threshold === undefined ? 5 : checkInteger(this, 'analysis.threshold', a.threshold, { minimum: 1, maximum: 1000, fix: 'give e.g. 5' });
    const percent = (f: string, v: unknown) => checkInteger(this, f, v, { minimum: 1, maximum: 100, fix: 'give a whole percentage from 1 to 100' });
    const abTesting = a.iterations !== undefined || a.match !== undefined;
    const weighted = a.stepWeight !== undefined || a.stepWeights !== undefined || a.maxWeight !== undefined;
    if (abTesting && weighted) {
      throw invalidInput(this, a.stepWeights !== undefined ? 'analysis.stepWeights' : a.stepWeight !== undefined ? 'analysis.stepWeight' : 'analysis.maxWeight',
        a.stepWeights ?? a.stepWeight ?? a.maxWeight, 'is given with iterations/match: A/B testing sends the matching requests only, with no weights',
        'give iterations and match for A/B testing, or stepWeights (or stepWeight and maxWeight) for a weighted rollout');
    }
    const steps: Record<string, unknown> = {};
    if (abTesting) {
      if (a.iterations === undefined || a.match === undefined) {
        throw invalidInput(this, a.iterations === undefined ? 'analysis.iterations' : 'analysis.match', undefined,
          'is missing: A/B testing needs both the number of iterations and the requests that go to the canary', 'give iterations (e.g. 10) and match: [HttpMatch.header("x-canary", "insider")]');
      }
      steps.iterations = checkInteger(this, 'analysis.iterations', a.iterations, { minimum: 1, maximum: 1000, fix: 'give e.g. 10' });
      steps.match = checkArray(this, 'analysis.match', a.match, (m, f) => flaggerMatch(this, f, checkInstance(this, f, m, HttpMatch, 'use HttpMatch.header(), HttpMatch.cookie() and the like')),
        { minItems: 1, fix: 'list at least one HttpMatch' });
    } else if (a.stepWeights !== undefined && a.stepWeight !== undefined) {
      throw invalidInput(this, 'analysis.stepWeight', a.stepWeight, 'is given with stepWeights', 'give one of them');
    } else if (a.stepWeight !== undefined || a.maxWeight !== undefined) {
      if (a.stepWeight === undefined) {
        throw invalidInput(this, 'analysis.stepWeight', undefined, 'is missing: maxWeight needs a step', 'give stepWeight, e.g. 10');
      }
      steps.stepWeight = percent('analysis.stepWeight', a.stepWeight);
      steps.maxWeight = a.maxWeight === undefined ? 50 : percent('analysis.maxWeight', a.maxWeight);
      if ((steps.stepWeight as number) > (steps.maxWeight as number)) {
        throw invalidInput(this, 'analysis.stepWeight', steps.stepWeight, `is above maxWeight ${steps.maxWeight}`, 'lower the step or raise maxWeight');
      }
    } else {
      const given = a.stepWeights !== undefined;
      const list = given ? checkArray(this, 'analysis.stepWeights', a.stepWeights, (v, f) => checkInteger(this, f, v, { minimum: 1, maximum: 99, fix: 'give percentages from 1 to 99' }),
        { minItems: 1, fix: 'give increasing percentages below 100, e.g. [10, 25, 50]' }) : env.canary.stages.filter((s) => s < 100);
      if (list.length === 0) {
        throw invalidInput(this, 'environment.canary.stages', env.canary.stages, 'has no stage below 100 to step through', 'give analysis.stepWeights, e.g. [10, 25, 50]');
      }
      list.forEach((w, i) => {
        if (i > 0 && w <= list[i - 1]) {
          throw invalidInput(this, given ? `analysis.stepWeights[${i}]` : 'environment.canary.stages', w, `is not above the step before (${list[i - 1]})`, 'give increasing percentages');
        }
      });
      steps.stepWeights = [...list];
    }
    const successRate = a.minSuccessRatePercent === undefined ? 99 : checkNumber(this, 'analysis.minSuccessRatePercent', a.minSuccessRatePercent,
      { minimum: 0, maximum: 100, fix: 'give a percentage, e.g. 99' });
    const durationMs = a.maxRequestDuration === undefined ? 500 : Number(istioDuration(this, 'analysis.maxRequestDuration', a.maxRequestDuration).replace(/ms$/, '').replace(/^(\d+)s$/, (_, s) => String(Number(s) * 1000)));
    const webhooks = a.webhooks === undefined ? [] : checkArray(this, 'analysis.webhooks', a.webhooks,
      (w, f) => checkInstance(this, f, w, FlaggerWebhook, 'use FlaggerWebhook.loadTest(), .gate() or .of()')._render(this, f), { minItems: 1, fix: 'list webhooks or leave the field out' });
    const names = webhooks.map((w) => w.name as string);
    const dup = names.find((n, i) => names.indexOf(n) !== i);
    if (dup !== undefined) {
      throw invalidInput(this, 'analysis.webhooks', dup, 'names two webhooks', 'give each webhook its own name');
    }
    return {
      interval,
      threshold,
      ...steps,
      metrics: [
        { name: 'request-success-rate', interval, thresholdRange: { min: successRate } },
        { name: 'request-duration', interval, thresholdRange: { max: durationMs } },
      ],
      ...(webhooks.length > 0 ? { webhooks: webhooks as any } : {}),
    };
  }

  /** A CanaryRelease, HostRoutes or DestinationPolicy of the chart for the host Flagger owns. */
  private staticRoutes(): string[] {
    const hosts = TrafficHost._ofCanonicalHost(this, canonicalHost(this.host, this.namespace));
    return hosts.length === 0 ? [] : [formatInputError('', 'target', this.host,
      `is routed by ${hosts.map((h) => h.node.path).join(', ')} too, but Flagger owns the routes and DestinationRules of the host it rolls out`,
      'drop the CanaryRelease / HostRoutes / DestinationPolicy of this host, or roll it out without Flagger')];
  }
}

/** An HttpMatch as a Flagger match: headers (exact, prefix, regex) only. */
function flaggerMatch(scope: IConstruct, field: string, m: HttpMatch): Record<string, unknown> {
  const rendered = m._render(scope, field);
  if (rendered.uri !== undefined) {
    throw invalidInput(scope, `${field}.uri`, rendered.uri, 'is a URI match: Flagger\'s A/B match picks requests by headers (cookies included)',
      'match a header or cookie, e.g. HttpMatch.cookie("canary", "always")');
  }
  return { headers: JSON.parse(JSON.stringify(rendered.headers ?? {})) };
}
