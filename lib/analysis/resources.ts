/**
 * The analyzer's view of one Kubernetes object: its identity read once (group, kind, namespace, name),
 * the raw JSON, and where it came from.
 */

/** An object the analyzer reads. */
export interface Resource {
  readonly apiVersion: string;
  /** API group, `''` for the core group. */
  readonly group: string;
  readonly kind: string;
  /** `group/Kind` (`Kind` alone for the core group): the key checks look objects up by. */
  readonly groupKind: string;
  /** The namespace; undefined for cluster-scoped kinds. */
  readonly namespace?: string;
  readonly name: string;
  /** The object as synthesized or read. */
  readonly raw: Record<string, any>;
  /** Declared to exist outside the output: referenced, never checked or reported on. */
  readonly external: boolean;
  /** The construct path, when the object came from a cdk8s chart. */
  readonly source?: string;
  /** Position in the input, for stable ordering. */
  readonly index: number;
}

/** Kinds without a namespace (the ones a mesh's output can hold). */
const CLUSTER_SCOPED = new Set([
  'Namespace', 'PersistentVolume', 'Node',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'apiextensions.k8s.io/CustomResourceDefinition',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'admissionregistration.k8s.io/ValidatingAdmissionPolicy', 'admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding',
  'scheduling.k8s.io/PriorityClass', 'storage.k8s.io/StorageClass', 'networking.k8s.io/IngressClass',
  'gateway.networking.k8s.io/GatewayClass',
  'sailoperator.io/Istio', 'sailoperator.io/IstioRevision', 'sailoperator.io/IstioRevisionTag', 'sailoperator.io/IstioCNI', 'sailoperator.io/ZTunnel',
  'cert-manager.io/ClusterIssuer',
]);

/** `group/Kind`, or `Kind` for the core group. */
export function groupKindOf(group: string, kind: string): string {
  return group === '' ? kind : `${group}/${kind}`;
}

/** Whether objects of `groupKind` live in a namespace. */
export function isNamespaced(groupKind: string): boolean {
  return !CLUSTER_SCOPED.has(groupKind);
}

/**
 * Reads an object's identity. A namespaced object without `metadata.namespace` is placed in
 * `defaultNamespace`, as `kubectl apply` (and a GitOps tool with that target namespace) would.
 */
export function toResource(raw: Record<string, any>, index: number, defaultNamespace: string, external: boolean, source?: string): Resource {
  const apiVersion: string = raw.apiVersion;
  const slash = apiVersion.indexOf('/');
  const group = slash < 0 ? '' : apiVersion.slice(0, slash);
  const kind: string = raw.kind;
  const groupKind = groupKindOf(group, kind);
  const ns = raw.metadata.namespace;
  const namespace = isNamespaced(groupKind) ? (typeof ns === 'string' && ns !== '' ? ns : defaultNamespace) : undefined;
  return { apiVersion, group, kind, groupKind, namespace, name: raw.metadata.name, raw, external, source, index };
}

/** `Kind namespace/name` (or `Kind name`), as istioctl names an object. */
export function describe(r: Pick<Resource, 'kind' | 'namespace' | 'name'>): string {
  return r.namespace === undefined ? `${r.kind} ${r.name}` : `${r.kind} ${r.namespace}/${r.name}`;
}

/** `namespace/name`, or `name` for cluster-scoped objects. */
export function nsName(r: Pick<Resource, 'namespace' | 'name'>): string {
  return r.namespace === undefined ? r.name : `${r.namespace}/${r.name}`;
}

/**
 * The kind of a declaration of hosts outside the registry (`hosts: [...]`): read only among declared
 * external objects, never applied.
 */
export const EXTERNAL_HOST = { apiVersion: 'cdk8s-istio.io/v1', kind: 'ExternalHost' } as const;

/** The well-known group/kinds checks read. */
export const GK = {
  Namespace: 'Namespace',
  Service: 'Service',
  Secret: 'Secret',
  ConfigMap: 'ConfigMap',
  Pod: 'Pod',
  ServiceAccount: 'ServiceAccount',
  Deployment: 'apps/Deployment',
  VirtualService: 'networking.istio.io/VirtualService',
  DestinationRule: 'networking.istio.io/DestinationRule',
  Gateway: 'networking.istio.io/Gateway',
  ServiceEntry: 'networking.istio.io/ServiceEntry',
  Sidecar: 'networking.istio.io/Sidecar',
  EnvoyFilter: 'networking.istio.io/EnvoyFilter',
  WorkloadEntry: 'networking.istio.io/WorkloadEntry',
  AuthorizationPolicy: 'security.istio.io/AuthorizationPolicy',
  PeerAuthentication: 'security.istio.io/PeerAuthentication',
  RequestAuthentication: 'security.istio.io/RequestAuthentication',
  Telemetry: 'telemetry.istio.io/Telemetry',
  WasmPlugin: 'extensions.istio.io/WasmPlugin',
  IstioOperator: 'install.istio.io/IstioOperator',
  SailIstio: 'sailoperator.io/Istio',
  Certificate: 'cert-manager.io/Certificate',
  K8sGateway: 'gateway.networking.k8s.io/Gateway',
  MutatingWebhook: 'admissionregistration.k8s.io/MutatingWebhookConfiguration',
  ValidatingWebhook: 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
} as const;
