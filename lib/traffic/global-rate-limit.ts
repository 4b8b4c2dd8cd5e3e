import { ApiObject, Duration, JsonPatch } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct, IConstruct } from 'constructs';
import { stringify } from 'yaml';
import { invalidInput } from '../core/errors';
import {
  checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkOptions, checkProps, checkString, copyOptions, UINT32_MAX,
} from '../core/input';
import { checkDnsLabel, isHeaderName } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { RUNTIME_DEFAULT_SECCOMP } from '../core/scheduling';
import { checkResources } from '../core/sizing';
import { ResourceRequirements } from '../environment';
import { MeshChart } from '../mesh-chart';
import { WorkloadSelector } from '../workload/workload-selector';
import {
  EnvoyApplyTo, EnvoyConfigPatch, EnvoyFilter, EnvoyFilterTarget, EnvoyObjectMatch, EnvoyPatchContext, EnvoyPatchOperation,
} from './envoy-filter';
import { RateLimitContext } from './rate-limit';

/** Envoy's rate limit service, pinned (the build Istio 1.30's rate-limit sample runs). */
const RATELIMIT_IMAGE = 'docker.io/envoyproxy/ratelimit:30a4ce1a';
/** Redis for the counters, pinned. */
const REDIS_IMAGE = 'docker.io/library/redis:7.4.2-alpine';
/** The uid of the `redis` user of the Redis image; the rate limit service runs as `nobody`. */
const REDIS_UID = 999;
const NOBODY = 65534;
const HTTP_PORT = 8080;
const GRPC_PORT = 8081;
const REDIS_PORT = 6379;
const CONFIG_DIR = '/data/ratelimit/config';

/** The time unit of a rate limit. */
export enum RateLimitUnit {
  /** Per second. */
  SECOND = 'second',
  /** Per minute. */
  MINUTE = 'minute',
  /** Per hour. */
  HOUR = 'hour',
  /** Per day. */
  DAY = 'day',
}

/** The limit of a descriptor: a number of requests per unit of time, or unlimited. */
export class RateLimitQuota {
  /** `requestsPerUnit` requests per `unit` (0 refuses every request the descriptor matches). */
  public static of(requestsPerUnit: number, unit: RateLimitUnit): RateLimitQuota {
    return new RateLimitQuota(requestsPerUnit, unit);
  }

  /** No limit: the descriptor is counted by none of its parents' limits (e.g. an allow-listed client). */
  public static unlimited(): RateLimitQuota {
    return new RateLimitQuota(undefined, undefined);
  }

  private constructor(private readonly requests: number | undefined, private readonly unit: RateLimitUnit | undefined) {}

  /** @internal The `rate_limit` / `unlimited` fields of the descriptor. */
  public _render(scope: IConstruct, field: string): Record<string, unknown> {
    if (this.unit === undefined) return { unlimited: true };
    const unit = checkEnum(scope, `${field}.unit`, this.unit, RateLimitUnit, 'RateLimitUnit');
    const requests = checkInteger(scope, `${field}.requestsPerUnit`, this.requests, { minimum: 0, maximum: UINT32_MAX, fix: 'use e.g. 100' });
    return { rate_limit: { unit, requests_per_unit: requests } };
  }

  /** @internal */
  public get _unlimited(): boolean {
    return this.unit === undefined;
  }
}

/** A descriptor of the rate limit service's configuration: a key (and value) and its limit, or nested descriptors. */
export interface RateLimitDescriptor {
  /** The descriptor key the proxy sends, e.g. "PATH" for `RateLimitAction.requestHeader(':path', 'PATH')`. */
  readonly key: string;
  /**
   * The value this descriptor limits, e.g. "/productpage".
   * @default every value of the key (each value counted separately)
   */
  readonly value?: string;
  /**
   * The limit.
   * @default none: then `descriptors` must narrow it down
   */
  readonly limit?: RateLimitQuota;
  /**
   * Count and report but never refuse (the service's `shadow_mode`), to try a limit out.
   * @default false
   */
  readonly shadowMode?: boolean;
  /**
   * Descriptors below this one, for requests whose next descriptor entry has their key.
   * @default none
   */
  readonly descriptors?: RateLimitDescriptor[];
}

/** Where the counters live: a Redis the construct deploys, or one you run. */
export class RateLimitRedis {
  /** A single-replica Redis (pinned image, no persistence: counters restart empty) deployed next to the service. */
  public static deploy(): RateLimitRedis {
    return new RateLimitRedis(undefined);
  }

  /** A Redis you run, as `host:port`, e.g. "redis.cache.svc.cluster.local:6379". */
  public static external(address: string): RateLimitRedis {
    return new RateLimitRedis(address);
  }

  private constructor(/** @internal */ public readonly _address: string | undefined) {}
}

/** Props of a {@link RateLimitService}. */
export interface RateLimitServiceProps {
  /**
   * Namespace of the service's objects; a namespace in the mesh (sidecars injected), so that the proxies
   * reach it over mutual TLS.
   * @default the chart's namespace (an error when it has none)
   */
  readonly namespace?: string;
  /**
   * Name of the Deployment, Service and ServiceAccount (the ConfigMap is `<name>-config`, Redis `<name>-redis`).
   * @default "ratelimit"
   */
  readonly name?: string;
  /** The domain of the descriptors, which the proxies' filter names too, e.g. "ratelimit". */
  readonly domain: string;
  /** The descriptors and their limits (at least one). */
  readonly descriptors: RateLimitDescriptor[];
  /**
   * Where the counters live.
   * @default RateLimitRedis.deploy()
   */
  readonly redis?: RateLimitRedis;
  /**
   * Replicas of the rate limit service (they share the counters in Redis).
   * @default 2 in a production environment, else 1
   */
  readonly replicas?: number;
  /**
   * Requests and limits of the rate limit service container.
   * @default requests 100m CPU / 128Mi, limits 1 CPU / 512Mi
   */
  readonly resources?: ResourceRequirements;
}

const SERVICE_RESOURCES: ResourceRequirements = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };
const REDIS_RESOURCES: ResourceRequirements = { requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } };

/**
 * Envoy's global rate limit service (envoyproxy/ratelimit, pinned) with its descriptor configuration
 * (a ConfigMap) and the Redis it keeps counters in, as in Istio's global rate-limit task: a Deployment
 * and Service `ratelimit` with ports `http` 8080 and `grpc` 8081 (named so that Istio selects HTTP and
 * gRPC), and a Redis Deployment and Service (port `tcp-redis`, plain TCP to Istio). Both run in the mesh
 * when their namespace is, non-root with a read-only root filesystem, all capabilities dropped, the
 * RuntimeDefault seccomp profile, no service account token and set resources.
 *
 * Proxies call it through a {@link GlobalRateLimit}. The counters are shared by every replica and proxy:
 * one exact limit for the whole mesh, unlike {@link LocalRateLimit}.
 */
export class RateLimitService extends Construct {
  /** Name of the Deployment and Service. */
  public readonly name: string;
  /** Namespace of the objects. */
  public readonly namespace: string;
  /** The descriptor domain. */
  public readonly domain: string;
  /** The service's host, e.g. `ratelimit.ratelimit.svc.cluster.local`. */
  public readonly host: string;
  /** The gRPC port the proxies call. */
  public readonly grpcPort: number = GRPC_PORT;
  /** The labels of the service's pods. */
  public readonly selectorLabels: { [key: string]: string };
  /** The descriptor configuration. */
  public readonly configMap: kplus.ConfigMap;
  /** The rate limit service. */
  public readonly deployment: kplus.Deployment;
  /** Its Service. */
  public readonly service: kplus.Service;
  /** The Redis Deployment, when deployed here. */
  public readonly redisDeployment?: kplus.Deployment;
  /** The Redis Service, when deployed here. */
  public readonly redisService?: kplus.Service;

  /** @internal The checked descriptors, for the actions of a GlobalRateLimit. */
  public readonly _descriptors: RateLimitDescriptor[];

  constructor(scope: Construct, id: string, props: RateLimitServiceProps) {
    super(scope, id);
    props = checkProps(this, props, 'RateLimitServiceProps');
    this.name = checkDnsLabel(this, 'name', props.name ?? 'ratelimit', 'use e.g. "ratelimit"');
    this.namespace = resolveNamespace(this, { given: props.namespace });
    this.domain = checkString(this, 'domain', props.domain, { minLength: 1, pattern: /^[A-Za-z0-9_.-]+$/, what: 'a domain (letters, digits, "_", "." and "-")', fix: 'use e.g. "ratelimit"' });
    this.host = `${this.name}.${this.namespace}.svc.cluster.local`;
    const descriptors = checkDescriptors(this, 'descriptors', props.descriptors);
    this._descriptors = copyDescriptors(props.descriptors);
    const redis = props.redis === undefined ? RateLimitRedis.deploy() : checkInstance(this, 'redis', props.redis, RateLimitRedis, 'use RateLimitRedis.deploy() or RateLimitRedis.external("host:port")');
    let redisAddress: string;
    if (redis._address !== undefined) {
      redisAddress = checkString(this, 'redis', redis._address, {
        pattern: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?:([1-9][0-9]{0,4})$/, what: 'a Redis address as "host:port"', fix: 'use e.g. RateLimitRedis.external("redis.cache.svc.cluster.local:6379")',
      });
      const port = Number(redisAddress.split(':')[1]);
      if (port > 65535) throw invalidInput(this, 'redis', redisAddress, 'has a port above 65535', 'use e.g. "redis.cache.svc.cluster.local:6379"');
    } else {
      redisAddress = `${this.name}-redis.${this.namespace}.svc.cluster.local:${REDIS_PORT}`;
    }
    const production = MeshChart.environmentOf(this).production;
    const replicas = props.replicas === undefined ? (production ? 2 : 1)
      : checkInteger(this, 'replicas', props.replicas, { minimum: 1, fix: 'give 1 or more replicas (2 or more in production)' });
    const resources = checkResources(this, 'resources', props.resources ?? SERVICE_RESOURCES);

    this.selectorLabels = { app: this.name };
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.selectorLabels } };
    this.configMap = new kplus.ConfigMap(this, 'Config', {
      metadata: { name: `${this.name}-config`, namespace: this.namespace, labels: { ...this.selectorLabels } },
      data: { 'config.yaml': stringify({ domain: this.domain, descriptors }, { lineWidth: 0 }) },
    });
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata, automountToken: false });
    const config = kplus.Volume.fromConfigMap(this, 'ConfigVolume', this.configMap, { name: 'config' });
    this.deployment = hardenedDeployment(this, 'Deployment', {
      metadata, labels: this.selectorLabels, replicas, serviceAccount, resources, uid: NOBODY,
      container: {
        name: 'ratelimit',
        image: RATELIMIT_IMAGE,
        command: ['/bin/ratelimit'],
        envVariables: Object.fromEntries(Object.entries({
          LOG_LEVEL: 'info',
          REDIS_SOCKET_TYPE: 'tcp',
          REDIS_URL: redisAddress,
          USE_STATSD: 'false',
          RUNTIME_ROOT: '/data',
          RUNTIME_SUBDIRECTORY: 'ratelimit',
          RUNTIME_WATCH_ROOT: 'false',
          RUNTIME_IGNOREDOTFILES: 'true',
        }).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)])),
        ports: [{ number: HTTP_PORT, name: 'http' }, { number: GRPC_PORT, name: 'grpc' }],
        readiness: kplus.Probe.fromHttpGet('/healthcheck', { port: HTTP_PORT }),
        volumeMounts: [{ path: CONFIG_DIR, volume: config, readOnly: true }],
      },
    });
    this.service = new kplus.Service(this, 'Service', {
      metadata,
      ports: [
        { name: 'http', port: HTTP_PORT, targetPort: HTTP_PORT, protocol: kplus.Protocol.TCP },
        { name: 'grpc', port: GRPC_PORT, targetPort: GRPC_PORT, protocol: kplus.Protocol.TCP },
      ],
    });
    this.service.selectLabel('app', this.name);
    if (replicas >= 2) {
      new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
        metadata, spec: { minAvailable: kplus.k8s.IntOrString.fromNumber(replicas - 1), selector: { matchLabels: { ...this.selectorLabels } } },
      });
    }

    if (redis._address === undefined) {
      const redisName = `${this.name}-redis`;
      const redisLabels = { app: redisName };
      const redisMeta = { name: redisName, namespace: this.namespace, labels: { ...redisLabels } };
      const redisAccount = new kplus.ServiceAccount(this, 'RedisServiceAccount', { metadata: redisMeta, automountToken: false });
      const data = kplus.Volume.fromEmptyDir(this, 'RedisData', 'data');
      this.redisDeployment = hardenedDeployment(this, 'RedisDeployment', {
        metadata: redisMeta, labels: redisLabels, replicas: 1, serviceAccount: redisAccount, resources: REDIS_RESOURCES, uid: REDIS_UID,
        container: {
          name: 'redis',
          image: REDIS_IMAGE,
          // Counters only: no snapshots, no append-only file (a restart empties the counters).
          args: ['--save', '', '--appendonly', 'no'],
          ports: [{ number: REDIS_PORT, name: 'tcp-redis' }],
          readiness: kplus.Probe.fromTcpSocket({ port: REDIS_PORT }),
          volumeMounts: [{ path: '/data', volume: data }],
        },
      });
      this.redisService = new kplus.Service(this, 'RedisService', {
        metadata: redisMeta,
        ports: [{ name: 'tcp-redis', port: REDIS_PORT, targetPort: REDIS_PORT, protocol: kplus.Protocol.TCP }],
      });
      this.redisService.selectLabel('app', redisName);
    }
  }
}

interface HardenedDeploymentOptions {
  readonly metadata: { name: string; namespace: string; labels: { [key: string]: string } };
  readonly labels: { [key: string]: string };
  readonly replicas: number;
  readonly serviceAccount: kplus.ServiceAccount;
  readonly resources: ResourceRequirements;
  readonly uid: number;
  readonly container: kplus.ContainerProps;
}

/** A Deployment selecting on `labels` only, non-root, read-only, no capabilities, RuntimeDefault seccomp, exact resources. */
function hardenedDeployment(scope: Construct, id: string, o: HardenedDeploymentOptions): kplus.Deployment {
  const deployment = new kplus.Deployment(scope, id, {
    metadata: o.metadata,
    replicas: o.replicas,
    select: false,
    serviceAccount: o.serviceAccount,
    automountServiceAccountToken: false,
    podMetadata: { labels: { ...o.labels } },
    securityContext: { ensureNonRoot: true, user: o.uid, group: o.uid },
    containers: [{
      ...o.container,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      securityContext: { user: o.uid, group: o.uid, ensureNonRoot: true, readOnlyRootFilesystem: true, privileged: false, allowPrivilegeEscalation: false },
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels: { ...o.labels } }));
  const object = ApiObject.of(deployment);
  object.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/~/g, '~0').replace(/\//g, '~1')}`));
  const quantities = (a: { readonly cpu: string; readonly memory: string }) => ({
    cpu: kplus.k8s.Quantity.fromString(a.cpu), memory: kplus.k8s.Quantity.fromString(a.memory),
  });
  object.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', { requests: quantities(o.resources.requests), limits: quantities(o.resources.limits) }));
  object.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
  object.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', RUNTIME_DEFAULT_SECCOMP));
  return deployment;
}

/** A deep copy of checked descriptors (later changes to the caller's objects change nothing). */
function copyDescriptors(descriptors: RateLimitDescriptor[]): RateLimitDescriptor[] {
  return descriptors.map((d) => ({ ...copyOptions(d), ...(d.descriptors === undefined ? {} : { descriptors: copyDescriptors(d.descriptors) }) }));
}

/** Checks the descriptors (keys, no duplicate key/value among siblings, a limit or children on each) and renders them as the service reads them. */
function checkDescriptors(scope: IConstruct, field: string, value: unknown, depth = 0): Record<string, unknown>[] {
  if (depth > 16) throw invalidInput(scope, field, '…', 'nests descriptors more than 16 levels deep', 'flatten the descriptors');
  const seen = new Set<string>();
  return checkArray(scope, field, value, (item, f) => {
    const d = checkOptions(scope, f, item as RateLimitDescriptor, 'RateLimitDescriptor');
    const key = checkString(scope, `${f}.key`, d.key, { minLength: 1, fix: 'give the descriptor key, e.g. "PATH"' });
    const val = d.value === undefined ? undefined : checkString(scope, `${f}.value`, d.value, { minLength: 1, fix: 'give the value, e.g. "/productpage", or leave value out for every value' });
    const id = JSON.stringify([key, val ?? null]);
    if (seen.has(id)) {
      throw invalidInput(scope, f, val === undefined ? key : `${key}=${val}`, 'repeats a descriptor of the same level, which the rate limit service refuses to load',
        'merge the two descriptors, or give them different keys or values');
    }
    seen.add(id);
    const limit = d.limit === undefined ? undefined : checkInstance(scope, `${f}.limit`, d.limit, RateLimitQuota, 'use RateLimitQuota.of(100, RateLimitUnit.MINUTE) or RateLimitQuota.unlimited()');
    const shadow = d.shadowMode === undefined ? undefined : checkBoolean(scope, `${f}.shadowMode`, d.shadowMode);
    const children = d.descriptors === undefined ? undefined : checkDescriptors(scope, `${f}.descriptors`, d.descriptors, depth + 1);
    if (limit === undefined && children === undefined) {
      throw invalidInput(scope, `${f}.limit`, undefined, 'is missing and there are no nested descriptors, so this descriptor limits nothing',
        'give limit: RateLimitQuota.of(100, RateLimitUnit.MINUTE), or nested descriptors');
    }
    if (shadow === true && (limit === undefined || limit._unlimited)) {
      throw invalidInput(scope, `${f}.shadowMode`, true, 'is set on a descriptor without a limit, where there is nothing to try out', 'give a limit, or drop shadowMode');
    }
    return {
      key,
      ...(val === undefined ? {} : { value: val }),
      ...(limit === undefined ? {} : limit._render(scope, `${f}.limit`)),
      ...(shadow ? { shadow_mode: true } : {}),
      ...(children === undefined ? {} : { descriptors: children }),
    };
  }, { minItems: 1, fix: 'give at least one descriptor' });
}

/** One entry of the descriptor a proxy sends for a request (an Envoy rate limit action). */
export class RateLimitAction {
  /**
   * The value of a request header under `descriptorKey`, e.g. `requestHeader(':path', 'PATH')` as in
   * Istio's task; a request without the header sends no descriptor for this rate limit.
   */
  public static requestHeader(headerName: string, descriptorKey: string): RateLimitAction {
    return new RateLimitAction('request_headers', headerName, descriptorKey);
  }

  /** The client's address (from `x-forwarded-for` at a gateway that trusts it) under the key `remote_address`. */
  public static remoteAddress(): RateLimitAction {
    return new RateLimitAction('remote_address', undefined, 'remote_address');
  }

  /**
   * A fixed value under `descriptorKey`, e.g. to count every request of a route together.
   * @param descriptorKey default "generic_key"
   */
  public static genericKey(value: string, descriptorKey?: string): RateLimitAction {
    return new RateLimitAction('generic_key', value, descriptorKey ?? 'generic_key');
  }

  private constructor(private readonly kind: string, private readonly arg: string | undefined, /** @internal */ public readonly _key: string) {}

  /** @internal The value a generic key sends. */
  public get _value(): string | undefined {
    return this.kind === 'generic_key' ? this.arg : undefined;
  }

  /** @internal */
  public _render(scope: IConstruct, field: string): Record<string, unknown> {
    const key = checkString(scope, `${field}.descriptorKey`, this._key, { minLength: 1, fix: 'give a descriptor key, e.g. "PATH"' });
    switch (this.kind) {
      case 'request_headers': {
        const header = checkString(scope, `${field}.headerName`, this.arg, { fix: 'give a header name, e.g. ":path" or "x-api-key"' });
        const bare = header.startsWith(':') ? header.slice(1) : header;
        if (!isHeaderName(bare) || header !== header.toLowerCase()) {
          throw invalidInput(scope, `${field}.headerName`, header, 'is not a lowercase HTTP header name (or pseudo-header such as ":path")', 'use e.g. ":path" or "x-api-key"');
        }
        return { request_headers: { header_name: header, descriptor_key: key } };
      }
      case 'remote_address':
        return { remote_address: {} };
      default:
        return { generic_key: { descriptor_value: checkString(scope, `${field}.value`, this.arg, { minLength: 1, fix: 'give the value, e.g. "checkout"' }), descriptor_key: key } };
    }
  }
}

/** Rate limit actions for one route (an HTTP route of the selected proxies' route configuration). */
export interface RateLimitRoute {
  /** The route's name: the `name` of the VirtualService HTTP route Istio built it from. */
  readonly routeName: string;
  /**
   * The virtual host of the route, `host:port` as istiod names them, e.g. "bookinfo.example.com:80".
   * @default any virtual host
   */
  readonly virtualHost?: string;
  /** The entries of the descriptor sent for the route's requests, in order (at least one). */
  readonly actions: RateLimitAction[];
}

/** Props of a {@link GlobalRateLimit}. */
export interface GlobalRateLimitProps {
  /**
   * Namespace of the EnvoyFilter: the namespace of the selected workloads (or of the gateway).
   * @default the selected workload's namespace, else the chart's (an error when neither is known)
   */
  readonly namespace?: string;
  /**
   * Name of the EnvoyFilter.
   * @default the construct id
   */
  readonly name?: string;
  /** The rate limit service the proxies ask. */
  readonly service: RateLimitService;
  /** The pods whose proxies ask, e.g. `WorkloadSelector.labels(ingress.selectorLabels)` (required: an unscoped filter would hit every proxy of the namespace). */
  readonly selector: WorkloadSelector;
  /**
   * Gateway listeners, or sidecars' inbound listeners.
   * @default RateLimitContext.GATEWAY
   */
  readonly context?: RateLimitContext;
  /**
   * Descriptor entries sent for every request (on each virtual host), in order. Envoy applies them only
   * to routes that have no actions of their own (`routes`).
   * @default none (then give `routes`)
   */
  readonly actions?: RateLimitAction[];
  /**
   * Descriptor entries for single routes.
   * @default none (then give `actions`)
   */
  readonly routes?: RateLimitRoute[];
  /**
   * Refuse requests (500) when the service cannot be asked, instead of letting them through.
   * @default false (Envoy's default: an unavailable service does not take the gateway down with it)
   */
  readonly failureModeDeny?: boolean;
  /**
   * How long the proxy waits for the service's answer (then `failureModeDeny` decides).
   * @default 20 ms (Envoy's default; not written)
   */
  readonly timeout?: Duration;
}

/**
 * Global rate limiting for the selected proxies, as in Istio's global rate-limit task: an EnvoyFilter
 * (priority 10) inserting Envoy's `envoy.filters.http.ratelimit` filter before the router, calling the
 * {@link RateLimitService} over gRPC (the `outbound|8081||<host>` cluster, through the proxy: mutual TLS
 * in the mesh), and merging the rate limit actions into every virtual host (`actions`) or into named
 * routes (`routes`). Each action list must lead to descriptors the service is configured with, key by
 * key, or nothing would ever be limited; that is checked here.
 *
 * The proxies must know the service's cluster: a gateway sees every exported service, but a sidecar
 * whose `SidecarScope` limits its egress hosts needs the service's host among them (else Envoy rejects
 * the filter). The analyzer reports a filter whose cluster no service defines (CDK8S-ISTIO-055).
 */
export class GlobalRateLimit extends Construct {
  /** The EnvoyFilter. */
  public readonly envoyFilter: EnvoyFilter;

  constructor(scope: Construct, id: string, props: GlobalRateLimitProps) {
    super(scope, id);
    props = checkProps(this, props, 'GlobalRateLimitProps');
    const service = checkInstance(this, 'service', props.service, RateLimitService, 'give the RateLimitService construct');
    checkInstance(this, 'selector', props.selector, WorkloadSelector, 'use WorkloadSelector.labels(ingress.selectorLabels) or WorkloadSelector.fromWorkload(deployment)');
    const context = props.context === undefined ? RateLimitContext.GATEWAY : checkEnum(this, 'context', props.context, RateLimitContext, 'RateLimitContext');
    const patchContext = context as unknown as EnvoyPatchContext;
    if (props.actions === undefined && props.routes === undefined) {
      throw invalidInput(this, 'actions', undefined, 'is missing and so are routes: without actions the proxy sends no descriptor and nothing is limited',
        'give actions: [RateLimitAction.requestHeader(":path", "PATH")], or routes');
    }
    const failureModeDeny = props.failureModeDeny === undefined ? false : checkBoolean(this, 'failureModeDeny', props.failureModeDeny);
    const timeout = props.timeout === undefined ? undefined : protoSeconds(this, 'timeout', props.timeout);

    const rendered = (field: string, actions: unknown) => {
      const list = checkArray(this, field, actions, (a, f) => checkInstance(this, f, a, RateLimitAction, 'use RateLimitAction.requestHeader(":path", "PATH") and the like'), { minItems: 1, fix: 'give at least one RateLimitAction' });
      checkAgainstDescriptors(this, field, list, service);
      return [{ actions: list.map((a, i) => a._render(this, `${field}[${i}]`)) }];
    };
    const patches: EnvoyConfigPatch[] = [{
      applyTo: EnvoyApplyTo.HTTP_FILTER,
      context: patchContext,
      match: EnvoyObjectMatch.listener({ filterChain: { filter: 'envoy.filters.network.http_connection_manager', subFilter: 'envoy.filters.http.router' } }),
      operation: EnvoyPatchOperation.INSERT_BEFORE,
      value: {
        name: 'envoy.filters.http.ratelimit',
        typed_config: {
          '@type': 'type.googleapis.com/envoy.extensions.filters.http.ratelimit.v3.RateLimit',
          'domain': service.domain,
          'failure_mode_deny': failureModeDeny,
          ...(timeout === undefined ? {} : { timeout }),
          'rate_limit_service': {
            grpc_service: { envoy_grpc: { cluster_name: `outbound|${service.grpcPort}||${service.host}`, authority: service.host } },
            transport_api_version: 'V3',
          },
        },
      },
    }];
    if (props.actions !== undefined) {
      patches.push({
        applyTo: EnvoyApplyTo.VIRTUAL_HOST,
        context: patchContext,
        match: EnvoyObjectMatch.routeConfiguration(),
        operation: EnvoyPatchOperation.MERGE,
        value: { rate_limits: rendered('actions', props.actions) },
      });
    }
    if (props.routes !== undefined) {
      checkArray(this, 'routes', props.routes, (r, f) => {
        const route = checkOptions(this, f, r as RateLimitRoute, 'RateLimitRoute');
        const routeName = checkString(this, `${f}.routeName`, route.routeName, { minLength: 1, fix: 'give the VirtualService HTTP route\'s name' });
        const virtualHost = route.virtualHost === undefined ? undefined
          : checkString(this, `${f}.virtualHost`, route.virtualHost, { pattern: /^[^:\s]+:[0-9]+$/, what: 'a virtual host as "host:port"', fix: 'use e.g. "bookinfo.example.com:80"' });
        patches.push({
          applyTo: EnvoyApplyTo.HTTP_ROUTE,
          context: patchContext,
          match: EnvoyObjectMatch.routeConfiguration({ virtualHost: { ...(virtualHost === undefined ? {} : { name: virtualHost }), routeName } }),
          operation: EnvoyPatchOperation.MERGE,
          value: { route: { rate_limits: rendered(`${f}.actions`, route.actions) } },
        });
      }, { minItems: 1, fix: 'give at least one route, or leave routes out' });
    }
    this.envoyFilter = new EnvoyFilter(this, 'Filter', {
      name: props.name ?? id,
      ...(props.namespace === undefined ? {} : { namespace: props.namespace }),
      target: EnvoyFilterTarget.workloads(props.selector),
      // Relative to the router (INSERT_BEFORE): after the EnvoyFilters of default priority (IST0151).
      priority: 10,
      patches,
    });
  }
}

/** A Duration as Envoy's protobuf JSON spells it: seconds with an "s", e.g. "0.02s" (at least 1 ms). */
function protoSeconds(scope: IConstruct, field: string, value: unknown): string {
  const d = checkInstance(scope, field, value, Duration, 'use e.g. Duration.millis(100)');
  const ms = d.toMilliseconds({ integral: false });
  if (!Number.isInteger(ms) || ms < 1) {
    throw invalidInput(scope, field, `${ms}ms`, 'is not a whole number of milliseconds of at least 1', 'use e.g. Duration.millis(100)');
  }
  return `${ms / 1000}s`;
}

/**
 * Checks that an action list leads to configured descriptors: the first action's key among the top-level
 * descriptors, the next among their children, and so on (a generic key's value must match the descriptor's value when it has one).
 */
function checkAgainstDescriptors(scope: IConstruct, field: string, actions: RateLimitAction[], service: RateLimitService): void {
  let level: RateLimitDescriptor[] | undefined = service._descriptors;
  actions.forEach((a, i) => {
    const fit = (level ?? []).filter((d) => d.key === a._key && (a._value === undefined || d.value === undefined || d.value === a._value));
    if (fit.length === 0) {
      const keys = [...new Set((level ?? []).map((d) => d.key))];
      throw invalidInput(scope, `${field}[${i}]`, a._key,
        `has no descriptor with this key ${i === 0 ? 'at the top level' : 'below the previous entries'} of ${service.node.path} (domain ${JSON.stringify(service.domain)}), so the service would never limit these requests`
        + (keys.length ? ` (keys there: ${keys.join(', ')})` : ' (the descriptors there have no children)'),
        'use a configured key, or add the descriptor to the service');
    }
    level = fit.flatMap((d) => d.descriptors ?? []);
  });
}
