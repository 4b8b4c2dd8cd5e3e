import { ApiObject, Chart, JsonPatch, Lazy } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { GatewayServer, RenderedServer } from './gateway-server';
import { ExistingGatewayOptions, GatewayHelmChartOptions, GatewayTarget, HelmReleaseReference } from './gateway-target';
import { Gateway, GatewaySpec } from '../../imports/networking.istio.io';
import { MeshControlPlane } from '../control-plane/mesh-control-plane';
import { IndexedKind, indexedIn } from '../core/chart-index';
import { checkEnvironmentShape } from '../core/environment-shape';
import { formatInputError, invalidInput } from '../core/errors';
import { GitOpsTool, ISTIO_CHART_REPOSITORY, renderChartRelease } from '../core/gitops';
import {
  checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkOptions, checkProps, checkString, checkStringMap, INT32_MIN, PropsInterface,
} from '../core/input';
import { checkSelectorLabels, isLabelKey } from '../core/labels';
import { checkSecretName } from '../core/secrets';
import { checkDnsLabel } from '../core/names';
import { PodPriorityClass, RUNTIME_DEFAULT_SECCOMP, ZoneSpreading, ZoneSpreadMode } from '../core/scheduling';
import { disruptionBudgetSpec, podAntiAffinity, resolveSizing, SizingOverrides } from '../core/sizing';
import { ComponentSizing, DisruptionBudget, EnvironmentProfile } from '../environment';
import { MeshChart } from '../mesh-chart';
import { ISTIO_SCHEMA_VERSION } from '../validation/schema-files';
import { MeshNamespace } from '../workload/mesh-namespace';

/** How the gateway's Service is exposed. */
export enum GatewayServiceType {
  /** A cloud load balancer in front of the gateway (the ingress default). */
  LOAD_BALANCER = 'LoadBalancer',
  /** A port on every node. */
  NODE_PORT = 'NodePort',
  /** Reachable inside the cluster only (the egress default). */
  CLUSTER_IP = 'ClusterIP',
}

/**
 * Where external traffic of a LoadBalancer / NodePort Service may be sent: the trade-off between the
 * client's source IP and an even spread of the load.
 */
export enum ExternalTrafficPolicy {
  /**
   * Any node accepts the traffic and forwards it to any gateway pod, possibly on another node: the
   * load spreads evenly over the pods and every node passes the load balancer's health check, but the
   * extra hop source-NATs the connection, so the gateway (access logs, AuthorizationPolicy
   * `remoteIpBlocks`, `X-Forwarded-For`) sees a node's IP instead of the client's.
   */
  CLUSTER = 'Cluster',
  /**
   * Only nodes running a gateway pod receive traffic, and they keep it on that node: the client source
   * IP is preserved and there is no second hop, but the load balancer spreads per node, not per pod (a
   * node with one pod gets as much as a node with three), and it health-checks every node on the
   * Service's `healthCheckNodePort` to find the nodes that run a pod. Pair it with zone spreading and
   * anti-affinity so pods are spread evenly.
   */
  LOCAL = 'Local',
}

/** Props shared by {@link IngressGateway} and {@link EgressGateway}. */
export interface MeshGatewayProps {
  /**
   * Name of the Deployment, Service, ServiceAccount, Role and Gateway.
   * @default the construct id
   */
  readonly name?: string;
  /**
   * Namespace the gateway runs in.
   * @default "istio-ingress" for an IngressGateway, "istio-egress" for an EgressGateway
   */
  readonly namespace?: string;
  /**
   * Create the namespace (a `MeshNamespace` labelled for injection by `controlPlane`'s revision). Set
   * false when it is created elsewhere; it must then carry the injection label and match the mesh's
   * discoverySelectors. A namespace another gateway of the same chart already created is reused.
   * @default true
   */
  readonly createNamespace?: boolean;
  /**
   * The control plane that injects the gateway proxy: with a revision, pods carry `istio.io/rev`.
   * @default the default revision
   */
  readonly controlPlane?: MeshControlPlane;
  /**
   * The environment whose sizing applies.
   * @default the enclosing MeshChart's environment, else Environment.PROD
   */
  readonly environment?: EnvironmentProfile;
  /**
   * Per-gateway sizing overrides (replicas, resources, HPA, anti-affinity, PDB).
   * @default the environment's `ingressGateway` / `egressGateway` sizing
   */
  readonly sizing?: SizingOverrides;
  /**
   * Service type.
   * @default LOAD_BALANCER for ingress, CLUSTER_IP for egress
   */
  readonly serviceType?: GatewayServiceType;
  /**
   * Service annotations (e.g. the cloud load balancer's settings).
   * @default none
   */
  readonly serviceAnnotations?: { readonly [key: string]: string };
  /**
   * External traffic policy of a LoadBalancer or NodePort Service: LOCAL keeps the client source IP
   * (and spreads load per node), CLUSTER spreads load evenly over the pods (and hides the client IP);
   * see {@link ExternalTrafficPolicy}.
   * @default Kubernetes' (Cluster)
   */
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  /**
   * PriorityClass of the gateway pods, so that a full cluster evicts other pods before the gateway.
   * @default PodPriorityClass.SYSTEM_CLUSTER_CRITICAL in a production environment, NONE elsewhere
   */
  readonly priorityClass?: PodPriorityClass;
  /**
   * Spreading of the gateway replicas across zones (`topologySpreadConstraints`), on top of the
   * sizing's anti-affinity.
   * @default ZoneSpreading.across(ZoneSpreadMode.PREFERRED, 1) in a production environment, NONE elsewhere
   */
  readonly zoneSpreading?: ZoneSpreading;
  /**
   * What runs the gateway pods: this library's workload objects, a release of Istio's `gateway` Helm
   * chart installed by Flux or Argo CD (values from the same sizing), or a gateway installed elsewhere
   * (only the Gateway is written). See {@link GatewayTarget}.
   * @default GatewayTarget.WORKLOAD
   */
  readonly target?: GatewayTarget;
}

/**
 * What a subclass of {@link MeshGateway} decides (IngressGateway, EgressGateway). Public because the
 * protected constructor takes it.
 */
export interface MeshGatewayDefaults {
  /** Namespace when the props give none. */
  readonly defaultNamespace: string;
  /** Service type when the props give none. */
  readonly defaultServiceType: GatewayServiceType;
  /** Which way the gateway carries traffic; picks the environment's sizing (`ingressGateway` or `egressGateway`). */
  readonly direction: GatewayDirection;
}

/** Which way a gateway carries traffic. */
export enum GatewayDirection {
  /** Into the mesh: sized by the environment's `ingressGateway`. */
  INGRESS = 'ingress',
  /** Out of the mesh: sized by the environment's `egressGateway`. */
  EGRESS = 'egress',
}

/** The pilot-agent status port (health checks of load balancers). */
const STATUS_PORT = 15021;
/** Lets the proxy (uid 1337) bind 80 and 443 without NET_BIND_SERVICE (safe since Kubernetes 1.22). */
const UNPRIVILEGED_PORTS = { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' };

/** What the gateway pods get, whichever target writes them. */
interface GatewayPodSettings {
  readonly revision?: string;
  readonly serviceType: GatewayServiceType;
  readonly annotations?: { [key: string]: string };
  readonly externalTrafficPolicy?: ExternalTrafficPolicy;
  readonly priorityClassName?: string;
  readonly spread?: unknown[];
}

/**
 * An Istio gateway deployed the way Istio's `gateway` Helm chart does it, as plain cdk8s-plus objects:
 * a Deployment whose single `istio-proxy` container (image `auto`) the injection webhook fills in from its
 * `gateway` template, a Service, a ServiceAccount with a Role to read TLS secrets in its own namespace,
 * an HPA and a PodDisruptionBudget sized by the environment, and the `networking.istio.io/v1` Gateway
 * whose selector is, by construction, the labels of the Deployment's pods.
 */
export abstract class MeshGateway extends Construct {
  /** Name of the workload objects and the Gateway. */
  public readonly name: string;
  /** Namespace the gateway runs in. */
  public readonly namespace: string;
  /** Labels of the gateway pods, which the Gateway's selector and the Service select on. */
  public readonly selectorLabels: { readonly [key: string]: string };
  /** The resolved sizing. */
  public readonly sizing: ComponentSizing;
  /** What runs the gateway pods. */
  public readonly target: GatewayTarget;
  /** The gateway Deployment (GatewayTarget.WORKLOAD only). */
  public readonly deployment?: kplus.Deployment;
  /** The gateway Service (GatewayTarget.WORKLOAD only; the chart's for a Helm release). */
  public readonly service?: kplus.Service;
  /**
   * The ServiceAccount the gateway pods run as: this library's (WORKLOAD), the chart's (a Helm release,
   * named after it) or the existing gateway's, by name; for AuthorizationPolicy principals.
   */
  public readonly serviceAccount: kplus.IServiceAccount;
  /** The Role that lets the gateway read TLS secrets of its namespace (GatewayTarget.WORKLOAD only; the chart makes its own). */
  public readonly role?: kplus.Role;
  /** The HPA, when the sizing has one (GatewayTarget.WORKLOAD only). */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The PodDisruptionBudget, when the sizing has one (GatewayTarget.WORKLOAD only). */
  public readonly podDisruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  /** The Flux HelmRelease or the Argo CD Application that installs the chart (GatewayTarget.helmChart only). */
  public readonly release?: ApiObject;
  /** `<namespace>/<name>`: how a VirtualService refers to this gateway in `gateways`. */
  public readonly gatewayRef: string;
  /** In-cluster FQDN of the gateway Service. */
  public readonly serviceHost: string;

  private readonly rendered: RenderedServer[] = [];
  private helmValues?: () => { [key: string]: unknown };
  private added = 0;
  private readonly portNames = new Set<string>();
  private readonly servicePorts = new Set<number>();
  private gatewayResource?: Gateway;

  protected constructor(scope: Construct, id: string, props: MeshGatewayProps, defaults: MeshGatewayDefaults) {
    super(scope, id);
    props = checkProps(this, props, this._propsInterface());
    const env = props.environment === undefined ? MeshChart.environmentOf(this) : checkEnvironmentShape(this, 'environment', props.environment, 'profile');
    const nameFix = 'name the gateway with lowercase letters, digits and "-", starting with a letter, e.g. "ingress-gateway"';
    this.name = checkDnsLabel(this, 'name', props.name === undefined ? id : checkString(this, 'name', props.name, { fix: nameFix }), nameFix);
    if (!/^[a-z]/.test(this.name)) {
      throw invalidInput(this, 'name', this.name, 'does not start with a letter, which the name of its Service must (a DNS-1035 label)', nameFix);
    }
    const nsFix = `use a namespace name such as "${defaults.defaultNamespace}"`;
    this.namespace = checkDnsLabel(this, 'namespace', props.namespace === undefined ? defaults.defaultNamespace : checkString(this, 'namespace', props.namespace, { fix: nsFix }), nsFix);
    const target = props.target === undefined ? GatewayTarget.WORKLOAD
      : checkInstance(this, 'target', props.target, GatewayTarget, 'use GatewayTarget.WORKLOAD, GatewayTarget.helmChart({ tool }) or GatewayTarget.existing({ selector, serviceAccount })');
    this.target = target;
    if (target._kind === 'existing') {
      // Everything about the workload is the existing gateway's own business.
      for (const key of ['sizing', 'serviceType', 'serviceAnnotations', 'externalTrafficPolicy', 'priorityClass', 'zoneSpreading'] as const) {
        if (props[key] !== undefined) {
          throw invalidInput(this, key, props[key], 'configures the gateway workload, which GatewayTarget.existing leaves to whoever installed it',
            'drop it, or set it where that gateway is installed');
        }
      }
    }
    const overrides = props.sizing === undefined ? {} : checkOptions(this, 'sizing', props.sizing, 'SizingOverrides');
    this.sizing = resolveSizing(this, 'sizing', defaults.direction === GatewayDirection.EGRESS ? env.egressGateway : env.ingressGateway, overrides);
    this.gatewayRef = `${this.namespace}/${this.name}`;
    const serviceType = props.serviceType === undefined ? defaults.defaultServiceType : checkEnum(this, 'serviceType', props.serviceType, GatewayServiceType, 'GatewayServiceType');
    if (props.externalTrafficPolicy !== undefined) {
      checkEnum(this, 'externalTrafficPolicy', props.externalTrafficPolicy, ExternalTrafficPolicy, 'ExternalTrafficPolicy');
      if (serviceType === GatewayServiceType.CLUSTER_IP) {
        throw invalidInput(this, 'externalTrafficPolicy', props.externalTrafficPolicy, 'only applies to LoadBalancer and NodePort Services (Kubernetes rejects it on ClusterIP)',
          'drop it or use serviceType LOAD_BALANCER / NODE_PORT');
      }
    }
    const annotations = props.serviceAnnotations === undefined ? undefined : checkAnnotations(this, 'serviceAnnotations', props.serviceAnnotations);
    // An existing gateway runs in a namespace someone else made.
    const createNamespace = props.createNamespace === undefined ? target._kind !== 'existing' : checkBoolean(this, 'createNamespace', props.createNamespace);
    const controlPlane = props.controlPlane === undefined ? undefined
      : checkInstance(this, 'controlPlane', props.controlPlane, MeshControlPlane, 'pass the MeshControlPlane construct that injects the gateway');
    const revision = controlPlane?.injectionRevision;
    const scheduling = podScheduling(this, props, env, this.selectorLabelsFor(this.name));

    if (createNamespace) {
      const existing = indexedIn<MeshNamespace>(Chart.of(this), IndexedKind.MESH_NAMESPACE).find((c) => c.name === this.namespace);
      if (!existing) {
        // A MeshNamespace of the same name added to the chart later is a second Namespace object, which
        // the analyzer reports (CDK8S-ISTIO-001).
        new MeshNamespace(this, 'Namespace', { name: this.namespace, ...(controlPlane ? { controlPlane } : {}) });
      }
    }

    if (target._kind === 'existing') {
      const options = checkOptions(this, 'target', target._existing as ExistingGatewayOptions, 'ExistingGatewayOptions');
      this.selectorLabels = Object.freeze(checkSelectorLabels(this, 'target.selector', options.selector));
      const account = checkSecretName(this, 'target.serviceAccount', options.serviceAccount, 'name the ServiceAccount of the existing gateway pods, e.g. "istio-ingressgateway-service-account"');
      const serviceName = options.serviceName === undefined ? this.name
        : checkDnsLabel(this, 'target.serviceName', options.serviceName, 'name the Service of the existing gateway, e.g. "istio-ingressgateway"');
      this.serviceHost = `${serviceName}.${this.namespace}.svc.cluster.local`;
      this.serviceAccount = kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', account, { namespaceName: this.namespace });
      return;
    }
    this.selectorLabels = Object.freeze(this.selectorLabelsFor(this.name));
    this.serviceHost = `${this.name}.${this.namespace}.svc.cluster.local`;
    const pod: GatewayPodSettings = { revision, serviceType, annotations, externalTrafficPolicy: props.externalTrafficPolicy, ...scheduling };

    if (target._kind === 'helm') {
      // The chart makes the ServiceAccount (named after the release) and the Role that reads the secrets.
      this.serviceAccount = kplus.ServiceAccount.fromServiceAccountName(this, 'ServiceAccount', this.name, { namespaceName: this.namespace });
      const options = checkOptions(this, 'target', target._helm as GatewayHelmChartOptions, 'GatewayHelmChartOptions');
      const engine = checkEnum(this, 'target.tool', options.tool, GitOpsTool, 'GitOpsTool');
      if (engine === GitOpsTool.FLUX && (options.syncWave !== undefined || options.argoCdNamespace !== undefined || options.argoCdProject !== undefined)) {
        throw invalidInput(this, 'target', engine, 'is Flux, and syncWave, argoCdNamespace and argoCdProject are Argo CD settings', 'drop them, or use GitOpsTool.ARGO_CD');
      }
      if (engine === GitOpsTool.ARGO_CD && options.dependsOn !== undefined) {
        throw invalidInput(this, 'target.dependsOn', options.dependsOn, 'is a Flux setting, and the tool is Argo CD', 'order Argo CD Applications with syncWave, or use GitOpsTool.FLUX');
      }
      const dependsOn = options.dependsOn === undefined ? undefined : checkArray(this, 'target.dependsOn', options.dependsOn, (d, f) => {
        const ref = checkOptions(this, f, d as HelmReleaseReference, 'HelmReleaseReference');
        return {
          name: checkSecretName(this, `${f}.name`, ref.name, 'name a HelmRelease, e.g. "istiod"'),
          ...(ref.namespace !== undefined ? { namespace: checkDnsLabel(this, `${f}.namespace`, ref.namespace, 'use a namespace name, e.g. "istio-system"') } : {}),
        };
      }, { fix: 'give e.g. [{ name: "istiod", namespace: "istio-system" }]' });
      const syncWave = options.syncWave === undefined ? undefined : checkInteger(this, 'target.syncWave', options.syncWave, { minimum: INT32_MIN, fix: 'give a whole number, e.g. 2' });
      const rendered = renderChartRelease(this, {
        releaseName: this.name,
        namespace: this.namespace,
        chart: 'gateway',
        version: ISTIO_SCHEMA_VERSION,
        repositoryUrl: ISTIO_CHART_REPOSITORY,
        values: () => this.toHelmValues(pod),
        ...(dependsOn ? { dependsOn } : {}),
        ...(syncWave !== undefined ? { syncWave } : {}),
      }, {
        engine,
        argoCdNamespace: options.argoCdNamespace === undefined ? 'argocd' : checkDnsLabel(this, 'target.argoCdNamespace', options.argoCdNamespace, 'use the namespace Argo CD watches, e.g. "argocd"'),
        argoCdProject: options.argoCdProject === undefined ? 'default' : checkDnsLabel(this, 'target.argoCdProject', options.argoCdProject, 'name an AppProject, e.g. "default"'),
      });
      this.release = rendered.release;
      this.helmValues = () => this.toHelmValues(pod);
      return;
    }
    const workload = this.createWorkload(pod);
    this.serviceAccount = workload.serviceAccount;
    this.role = workload.role;
    this.deployment = workload.deployment;
    this.service = workload.service;
    this.autoscaler = workload.autoscaler;
    this.podDisruptionBudget = workload.podDisruptionBudget;
  }

  /** The workload as this library's own objects (GatewayTarget.WORKLOAD). */
  private createWorkload(pod: GatewayPodSettings): {
    serviceAccount: kplus.ServiceAccount; role: kplus.Role; deployment: kplus.Deployment; service: kplus.Service;
    autoscaler?: kplus.HorizontalPodAutoscaler; podDisruptionBudget?: kplus.k8s.KubePodDisruptionBudget;
  } {
    const metadata = { name: this.name, namespace: this.namespace, labels: { ...this.selectorLabels } };
    const serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata,
      // The proxy authenticates to istiod with the projected `istio-token` the injector mounts; the pod
      // itself needs no Kubernetes API token.
      automountToken: false,
    });

    // Least privilege: read the TLS secrets of this namespace only (istiod checks this with a
    // SubjectAccessReview before it serves a credentialName to the gateway).
    const role = new kplus.Role(this, 'Role', { metadata });
    role.allow(['get', 'watch', 'list'], kplus.ApiResource.SECRETS);
    const binding = new kplus.RoleBinding(this, 'RoleBinding', { metadata, role });
    binding.addSubjects(serviceAccount);

    const podLabels: Record<string, string> = {
      ...this.selectorLabels,
      'sidecar.istio.io/inject': 'true',
      ...(pod.revision ? { 'istio.io/rev': pod.revision } : {}),
    };
    const deployment = new kplus.Deployment(this, 'Deployment', {
      metadata,
      // With an HPA the Deployment states no replica count (the HPA owns it; cdk8s-plus requires this).
      replicas: this.sizing.autoscaling ? undefined : this.sizing.replicas,
      select: false,
      serviceAccount,
      podMetadata: {
        labels: podLabels,
        annotations: {
          'inject.istio.io/templates': 'gateway',
          'prometheus.io/path': '/stats/prometheus',
          'prometheus.io/port': '15020',
          'prometheus.io/scrape': 'true',
        },
      },
      // Binding 80/443 as uid 1337 without NET_BIND_SERVICE (safe since Kubernetes 1.22).
      securityContext: { ensureNonRoot: true, sysctls: [UNPRIVILEGED_PORTS] },
      containers: [{
        name: 'istio-proxy',
        // Replaced by the injection webhook with the proxy image of the control plane's revision.
        image: 'auto',
        imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
        ports: [{ number: 15090, name: 'http-envoy-prom', protocol: kplus.Protocol.TCP }],
        securityContext: { user: 1337, group: 1337, ensureNonRoot: true, readOnlyRootFilesystem: true, privileged: false, allowPrivilegeEscalation: false },
      }],
    });
    // A Deployment's selector is immutable: it selects on the stable gateway labels (which follow the
    // gateway name), never on cdk8s-plus's address label, which changes with the construct path.
    deployment.select(kplus.LabelSelector.of({ labels: { ...this.selectorLabels } }));
    const deploymentObject = ApiObject.of(deployment);
    // cdk8s-plus still stamps the address label on the pod template; it would make every construct
    // rename roll the pods, and nothing selects on it.
    deploymentObject.addJsonPatch(JsonPatch.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/~/g, '~0').replace(/\//g, '~1')}`));
    // Exact quantities from the environment (cdk8s-plus would rewrite "2Gi" as "2048Mi"), and capabilities
    // dropped the way Istio's chart does (cdk8s-plus-27 has no "ALL" capability).
    const quantities = (a: { readonly cpu: string; readonly memory: string }) => ({
      cpu: kplus.k8s.Quantity.fromString(a.cpu), memory: kplus.k8s.Quantity.fromString(a.memory),
    });
    deploymentObject.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources', {
      requests: quantities(this.sizing.resources.requests),
      limits: quantities(this.sizing.resources.limits),
    }));
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities', { drop: ['ALL'] }));
    const affinity = podAntiAffinity(this.sizing, this.selectorLabels);
    if (affinity) {
      deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/affinity', affinity));
    }
    // The container runtime's default seccomp filter (cdk8s-plus-27 has no field for it).
    deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/securityContext/seccompProfile', RUNTIME_DEFAULT_SECCOMP));
    if (pod.spread) {
      deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/topologySpreadConstraints', pod.spread));
    }
    if (pod.priorityClassName) {
      deploymentObject.addJsonPatch(JsonPatch.add('/spec/template/spec/priorityClassName', pod.priorityClassName));
    }

    const service = new kplus.Service(this, 'Service', {
      metadata: { ...metadata, ...(pod.annotations ? { annotations: pod.annotations } : {}) },
      type: pod.serviceType as unknown as kplus.ServiceType,
      ports: [{ name: 'status-port', port: STATUS_PORT, targetPort: STATUS_PORT, protocol: kplus.Protocol.TCP }],
    });
    for (const [k, v] of Object.entries(this.selectorLabels)) {
      service.selectLabel(k, v);
    }
    if (pod.externalTrafficPolicy) {
      ApiObject.of(service).addJsonPatch(JsonPatch.add('/spec/externalTrafficPolicy', pod.externalTrafficPolicy));
    }
    this.servicePorts.add(STATUS_PORT);

    const hpa = this.sizing.autoscaling;
    const autoscaler = hpa === undefined ? undefined : new kplus.HorizontalPodAutoscaler(this, 'Autoscaler', {
        metadata,
      target: deployment,
      minReplicas: hpa.minReplicas,
      maxReplicas: hpa.maxReplicas,
      metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(hpa.targetCpuUtilizationPercent))],
    });
    const pdb = this.sizing.podDisruptionBudget;
    const podDisruptionBudget = pdb === undefined ? undefined : new kplus.k8s.KubePodDisruptionBudget(this, 'DisruptionBudget', {
      metadata,
      spec: { ...disruptionBudgetJson(pdb), selector: { matchLabels: { ...this.selectorLabels } } },
    });
    return { serviceAccount, role, deployment, service, autoscaler, podDisruptionBudget };
  }

  /**
   * The values of Istio's `gateway` chart (1.30.3) for the same gateway the WORKLOAD target writes: the
   * release name, the revision, replicas or the HPA, resources, the PodDisruptionBudget, the Service
   * (type, annotations, externalTrafficPolicy, the status port and every server port), anti-affinity,
   * zone spreading, the priority class and the pod security context with RuntimeDefault seccomp.
   */
  private toHelmValues(pod: GatewayPodSettings): { [key: string]: unknown } {
    const hpa = this.sizing.autoscaling;
    const pdb = this.sizing.podDisruptionBudget;
    const affinity = podAntiAffinity(this.sizing, this.selectorLabels);
    const ports = [{ name: 'status-port', port: STATUS_PORT, protocol: 'TCP', targetPort: STATUS_PORT }];
    for (const entry of this.rendered) {
      const port = entry.spec.port.number;
      if (!ports.some((p) => p.port === port)) ports.push({ name: `${entry.protocol.toLowerCase()}-${port}`, port, protocol: 'TCP', targetPort: port });
    }
    return {
      name: this.name,
      ...(pod.revision ? { revision: pod.revision } : {}),
      ...(hpa
        ? { autoscaling: { enabled: true, minReplicas: hpa.minReplicas, maxReplicas: hpa.maxReplicas, targetCPUUtilizationPercentage: hpa.targetCpuUtilizationPercent } }
        : { autoscaling: { enabled: false }, replicaCount: this.sizing.replicas }),
      resources: {
        requests: { cpu: this.sizing.resources.requests.cpu, memory: this.sizing.resources.requests.memory },
        limits: { cpu: this.sizing.resources.limits.cpu, memory: this.sizing.resources.limits.memory },
      },
      ...(pdb ? { podDisruptionBudget: disruptionBudgetSpec(pdb) } : {}),
      service: {
        type: pod.serviceType,
        ports,
        ...(pod.annotations ? { annotations: pod.annotations } : {}),
        ...(pod.externalTrafficPolicy ? { externalTrafficPolicy: pod.externalTrafficPolicy } : {}),
      },
      serviceAccount: { create: true, name: this.name },
      rbac: { enabled: true },
      securityContext: { runAsNonRoot: true, seccompProfile: RUNTIME_DEFAULT_SECCOMP, sysctls: [UNPRIVILEGED_PORTS] },
      ...(affinity ? { affinity } : {}),
      ...(pod.spread ? { topologySpreadConstraints: pod.spread } : {}),
      ...(pod.priorityClassName ? { priorityClassName: pod.priorityClassName } : {}),
    };
  }

  /**
   * Adds a server to the Gateway (and its port to the Service). Checks it at once: hosts, port, TLS
   * settings (ISTIO-RULES G1–G3), a port name not yet taken, and no clash with the servers already added
   * (one port cannot mix plain HTTP and TLS; a host is served once per port).
   */
  public addServer(server: GatewayServer): void {
    const field = `servers[${this.added}]`;
    checkInstance(this, field, server, GatewayServer, 'build servers with GatewayServer.http(), .https() or .tlsPassthrough()');
    const taken = new Set<string>();
    const entries = server._render(this, field, (name) => {
      if (this.portNames.has(name) || taken.has(name)) {
        return false;
      }
      taken.add(name);
      return true;
    });
    const all = [...this.rendered];
    for (const entry of entries) {
      for (const other of all) {
        if (other.spec.port.number !== entry.spec.port.number) {
          continue;
        }
        if (other.tlsBased !== entry.tlsBased) {
          throw invalidInput(this, `${field}.port`, entry.spec.port.number,
            `is already a ${other.protocol} port of this gateway (server "${other.spec.port.name}"); one port cannot serve plain HTTP and TLS`,
            'use another port number');
        }
        for (const h of entry.hosts) {
          const clash = other.hosts.find((o) => o.dnsName.toLowerCase() === h.dnsName.toLowerCase() && (o.namespace ?? '*') === (h.namespace ?? '*'));
          if (clash) {
            throw invalidInput(this, `${field}.hosts`, h.dnsName, `is already served on port ${entry.spec.port.number} by server "${other.spec.port.name}"`,
              'serve each host once per port');
          }
        }
      }
      all.push(entry);
    }
    this.added++;
    for (const entry of entries) {
      this.rendered.push(entry);
      this.portNames.add(entry.spec.port.name);
      this.exposePort(entry);
    }
    if (!this.gatewayResource) {
      this.gatewayResource = new Gateway(this, 'Resource', {
        metadata: { name: this.name, namespace: this.namespace },
        spec: Lazy.any({ produce: () => this.toGatewaySpec() }) as unknown as GatewaySpec,
      });
    }
  }

  /** The Gateway resource, once a server has been added. */
  public get gateway(): Gateway | undefined {
    return this.gatewayResource;
  }

  /**
   * The values of the `gateway` chart release as they will be synthesized (GatewayTarget.helmChart), or
   * undefined for the other targets.
   */
  public helmChartValues(): { [key: string]: any } | undefined {
    return this.helmValues ? JSON.parse(JSON.stringify(this.helmValues())) : undefined;
  }

  /**
   * The servers added so far, as rendered.
   * @internal
   */
  public _servers(): readonly RenderedServer[] {
    return this.rendered;
  }

  /** The Gateway spec as it will be synthesized. */
  public toGatewaySpec(): GatewaySpec {
    return { selector: { ...this.selectorLabels }, servers: this.rendered.map((s) => s.spec) };
  }

  private exposePort(entry: RenderedServer): void {
    const port = entry.spec.port.number;
    if (this.servicePorts.has(port)) {
      return;
    }
    this.servicePorts.add(port);
    // A chart release lists the server ports in its values; an existing gateway's Service is not ours.
    this.service?.bind(port, { name: `${entry.protocol.toLowerCase()}-${port}`, targetPort: port, protocol: kplus.Protocol.TCP });
  }

  /** The labels of the pods of a gateway named `name`: `app: <name>`, `istio: <name without "istio-">` (as Istio's gateway chart sets them). */
  private selectorLabelsFor(name: string): { [key: string]: string } {
    return { app: name, istio: name.replace(/^istio-/, '') };
  }

  /**
   * The props interface of the concrete gateway, whose keys its props may have.
   * @internal
   */
  protected _propsInterface(): PropsInterface {
    return 'MeshGatewayProps';
  }

  /** @internal */
  protected _requireServers(): void {
    this.node.addValidation({
      validate: () => this.rendered.length > 0 ? [] : [formatInputError('', 'servers', [],
        'is empty: a Gateway needs at least one server (ISTIO-RULES G1)', 'pass servers: [GatewayServer.https({...})] or call addServer()')],
    });
  }
}

/** The scheduling settings of the gateway pods: priority class and zone spreading, from the props or the environment. */
function podScheduling(scope: Construct, props: MeshGatewayProps, env: EnvironmentProfile, selector: { [key: string]: string }): {
  priorityClassName?: string; spread?: unknown[];
} {
  const priority = props.priorityClass === undefined ? (env.production ? PodPriorityClass.SYSTEM_CLUSTER_CRITICAL : PodPriorityClass.NONE)
    : checkInstance(scope, 'priorityClass', props.priorityClass, PodPriorityClass, 'use PodPriorityClass.SYSTEM_CLUSTER_CRITICAL, PodPriorityClass.named("...") or PodPriorityClass.NONE');
  const spreading = props.zoneSpreading === undefined ? (env.production ? ZoneSpreading.across(ZoneSpreadMode.PREFERRED, 1) : ZoneSpreading.NONE)
    : checkInstance(scope, 'zoneSpreading', props.zoneSpreading, ZoneSpreading, 'use ZoneSpreading.across(ZoneSpreadMode.PREFERRED) or ZoneSpreading.NONE');
  const priorityClassName = priority._name(scope, 'priorityClass');
  const spread = spreading._render(scope, 'zoneSpreading', selector);
  return { ...(priorityClassName ? { priorityClassName } : {}), ...(spread ? { spread } : {}) };
}

/** A budget's PodDisruptionBudget fields, as the L1 class types them. */
function disruptionBudgetJson(pdb: DisruptionBudget): { minAvailable?: kplus.k8s.IntOrString; maxUnavailable?: kplus.k8s.IntOrString } {
  const spec = disruptionBudgetSpec(pdb);
  const value = (v: number | string) => (typeof v === 'number' ? kplus.k8s.IntOrString.fromNumber(v) : kplus.k8s.IntOrString.fromString(v));
  return spec.minAvailable !== undefined ? { minAvailable: value(spec.minAvailable) } : { maxUnavailable: value(spec.maxUnavailable!) };
}

/** The most bytes the annotations of one object may hold (Kubernetes' `TotalAnnotationSizeLimitB`). */
const ANNOTATIONS_MAX_BYTES = 256 * 1024;

/** Checks Service annotations: string values, keys of the label-key syntax, at most 256 KiB in all; returns a copy. */
function checkAnnotations(scope: Construct, field: string, value: unknown): { [key: string]: string } {
  const annotations = checkStringMap(scope, field, value, {
    fix: 'give annotations such as { "service.beta.kubernetes.io/aws-load-balancer-type": "nlb" }',
    key: (key) => {
      if (!isLabelKey(key)) {
        throw invalidInput(scope, field, key, key === '' ? 'is an empty annotation key' : 'is not a valid annotation key',
          'use an optional DNS prefix and a name of at most 63 characters, e.g. "service.beta.kubernetes.io/aws-load-balancer-type"');
      }
    },
  });
  const bytes = Object.entries(annotations).reduce((sum, [k, v]) => sum + Buffer.byteLength(k) + Buffer.byteLength(v), 0);
  if (bytes > ANNOTATIONS_MAX_BYTES) {
    throw invalidInput(scope, field, value, `hold ${bytes} bytes, more than the ${ANNOTATIONS_MAX_BYTES} Kubernetes allows for an object's annotations`, 'shorten the annotations');
  }
  // In the order given: the output stays as it was.
  return Object.fromEntries(Object.keys(value as object).map((k) => [k, annotations[k]]));
}
