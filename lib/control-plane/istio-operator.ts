/**
 * Typed shape of the `install.istio.io/v1alpha1` IstioOperator that `istioctl install -f` reads.
 *
 * The IstioOperator has had no CRD since Istio 1.24: a cluster never receives it, so the apiserver
 * cannot check it. These interfaces are that check at compile time (they follow istioctl's own Go
 * types, `operator/pkg/apis/types.go`, for the fields this library writes); `meshConfig` and `values`
 * are also checked at test time against the schema Sail's `Istio` CRD carries for them.
 */

/** `metadata` of the IstioOperator. */
export interface IstioOperatorMetadata {
  readonly name: string;
  readonly namespace: string;
}

/** CPU/memory map of a container's requests or limits. */
export interface ResourceListJson {
  readonly cpu: string;
  readonly memory: string;
}

/** `resources` of a container. */
export interface ResourceRequirementsJson {
  readonly requests: ResourceListJson;
  readonly limits: ResourceListJson;
}

/** A label selector. */
export interface LabelSelectorJson {
  readonly matchLabels?: { readonly [key: string]: string };
  readonly matchExpressions?: readonly LabelSelectorRequirementJson[];
}

/** One `matchExpressions` entry. */
export interface LabelSelectorRequirementJson {
  readonly key: string;
  readonly operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  readonly values?: readonly string[];
}

/** `podAffinityTerm`. */
export interface PodAffinityTermJson {
  readonly labelSelector: LabelSelectorJson;
  readonly topologyKey: string;
}

/** `affinity` with the pod anti-affinity this library sets. */
export interface AffinityJson {
  readonly podAntiAffinity: {
    readonly requiredDuringSchedulingIgnoredDuringExecution?: readonly PodAffinityTermJson[];
    readonly preferredDuringSchedulingIgnoredDuringExecution?: readonly {
      readonly weight: number;
      readonly podAffinityTerm: PodAffinityTermJson;
    }[];
  };
}

/** autoscaling/v2 `HorizontalPodAutoscalerSpec` without the scale target (istioctl fills it in). */
export interface HpaSpecJson {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly metrics: readonly {
    readonly type: 'Resource';
    readonly resource: {
      readonly name: 'cpu' | 'memory';
      readonly target: { readonly type: 'Utilization'; readonly averageUtilization: number };
    };
  }[];
}

/** `strategy` of a Deployment: the rolling-update limits (a count or a percentage such as `"25%"`). */
export interface DeploymentStrategyJson {
  readonly rollingUpdate: {
    readonly maxSurge: number | string;
    readonly maxUnavailable: number | string;
  };
}

/** A toleration. */
export interface TolerationJson {
  readonly key?: string;
  readonly operator?: 'Equal' | 'Exists';
  readonly value?: string;
  readonly effect?: 'NoSchedule' | 'PreferNoSchedule' | 'NoExecute';
  readonly tolerationSeconds?: number;
}

/** An environment variable. */
export interface EnvVarJson {
  readonly name: string;
  readonly value: string;
}

/** `k8s` of a component: Kubernetes settings istioctl overlays on what it renders. */
export interface KubernetesResourcesJson {
  readonly replicaCount?: number;
  readonly resources?: ResourceRequirementsJson;
  readonly hpaSpec?: HpaSpecJson;
  readonly strategy?: DeploymentStrategyJson;
  readonly affinity?: AffinityJson;
  readonly podDisruptionBudget?: { readonly minAvailable?: number; readonly maxUnavailable?: number | string };
  readonly nodeSelector?: { readonly [key: string]: string };
  readonly tolerations?: readonly TolerationJson[];
  readonly env?: readonly EnvVarJson[];
  readonly priorityClassName?: string;
}

/** A component: pilot, cni, ztunnel. */
export interface ComponentJson {
  readonly enabled: boolean;
  readonly namespace?: string;
  readonly k8s?: KubernetesResourcesJson;
}

/** An ingress or egress gateway component. */
export interface GatewayComponentJson extends ComponentJson {
  readonly name: string;
  readonly label?: { readonly [key: string]: string };
}

/** `components`. */
export interface ComponentsJson {
  readonly pilot: ComponentJson;
  readonly cni?: ComponentJson;
  readonly ztunnel?: ComponentJson;
  readonly ingressGateways?: readonly GatewayComponentJson[];
  readonly egressGateways?: readonly GatewayComponentJson[];
}

/** The `meshConfig` fields this library writes (Istio's MeshConfig API). */
export interface MeshConfigJson {
  readonly accessLogFile?: string;
  readonly accessLogEncoding?: 'TEXT' | 'JSON';
  readonly accessLogFormat?: string;
  readonly enableTracing?: boolean;
  readonly extensionProviders?: readonly ExtensionProviderJson[];
  readonly defaultProviders?: { readonly tracing?: readonly string[] };
  readonly outboundTrafficPolicy?: { readonly mode: 'REGISTRY_ONLY' | 'ALLOW_ANY' };
  readonly discoverySelectors?: readonly LabelSelectorJson[];
  readonly pathNormalization?: { readonly normalization: 'BASE' | 'MERGE_SLASHES' | 'DECODE_AND_MERGE_SLASHES' | 'NONE' };
  readonly enablePrometheusMerge?: boolean;
  readonly defaultConfig?: ProxyConfigJson;
}

/** A tracing or ext-authz extension provider (exactly one kind set). */
export interface ExtensionProviderJson {
  readonly name: string;
  readonly zipkin?: { readonly service: string; readonly port: number };
  readonly opentelemetry?: { readonly service: string; readonly port: number };
  readonly envoyExtAuthzHttp?: ExtAuthzHttpJson;
  readonly envoyExtAuthzGrpc?: ExtAuthzGrpcJson;
}

/** `includeRequestBodyInCheck` of an ext-authz provider. */
export interface ExtAuthzBodyJson {
  readonly maxRequestBytes: number;
  readonly allowPartialMessage?: boolean;
  readonly packAsBytes?: boolean;
}

/** `envoyExtAuthzGrpc`: Istio's `EnvoyExternalAuthorizationGrpcProvider`. */
export interface ExtAuthzGrpcJson {
  readonly service: string;
  readonly port: number;
  readonly timeout?: string;
  readonly failOpen?: boolean;
  readonly statusOnError?: string;
  readonly includeRequestBodyInCheck?: ExtAuthzBodyJson;
  readonly clearRouteCache?: boolean;
}

/** `envoyExtAuthzHttp`: Istio's `EnvoyExternalAuthorizationHttpProvider`. */
export interface ExtAuthzHttpJson extends ExtAuthzGrpcJson {
  readonly pathPrefix?: string;
  readonly includeRequestHeadersInCheck?: readonly string[];
  readonly includeAdditionalHeadersInCheck?: { readonly [name: string]: string };
  readonly headersToUpstreamOnAllow?: readonly string[];
  readonly headersToDownstreamOnAllow?: readonly string[];
  readonly headersToDownstreamOnDeny?: readonly string[];
}

/** `meshConfig.defaultConfig`: the default ProxyConfig of every sidecar. */
export interface ProxyConfigJson {
  readonly holdApplicationUntilProxyStarts?: boolean;
  readonly concurrency?: number;
  readonly proxyStatsMatcher?: {
    readonly inclusionPrefixes?: readonly string[];
    readonly inclusionSuffixes?: readonly string[];
    readonly inclusionRegexps?: readonly string[];
  };
  readonly proxyMetadata?: { readonly [key: string]: string };
  readonly tracing?: { readonly sampling: number; readonly zipkin?: { readonly address: string } };
}

/** The Helm `values` this library writes. */
export interface ValuesJson {
  readonly global: {
    readonly proxy: { readonly resources: ResourceRequirementsJson; readonly seccompProfile: { readonly type: string } };
    readonly defaultPodDisruptionBudget: { readonly enabled: boolean };
  };
  readonly pilot: {
    readonly autoscaleEnabled: boolean;
    readonly autoscaleMin?: number;
    readonly autoscaleMax?: number;
    readonly traceSampling?: number;
    readonly topologySpreadConstraints?: readonly { readonly [key: string]: unknown }[];
    readonly seccompProfile: { readonly type: string };
  };
  readonly cni?: { readonly seccompProfile: { readonly type: string } };
  /** Chart values shared by every istioctl gateway component of a kind. */
  readonly gateways?: {
    readonly 'istio-ingressgateway'?: { readonly autoscaleEnabled: boolean };
    readonly 'istio-egressgateway'?: { readonly autoscaleEnabled: boolean };
  };
}

/** `spec` of the IstioOperator. */
export interface IstioOperatorSpecJson {
  readonly profile: string;
  readonly hub: string;
  readonly tag: string;
  readonly revision?: string;
  readonly namespace: string;
  readonly meshConfig: MeshConfigJson;
  readonly components: ComponentsJson;
  readonly values: ValuesJson;
}
