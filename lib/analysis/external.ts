/**
 * Declarations of what lives outside the output (namespaces, services, secrets, gateways, workloads,
 * hosts), so that an app that is one part of a cluster is not a wall of "not found" errors.
 */
import { Construct } from 'constructs';
import { invalidInput } from '../core/errors';
import { EXTERNAL_HOST } from './resources';

/** A namespaced object that exists in the cluster but is not in the output. */
export interface ExistingObject {
  /** Its namespace. */
  readonly namespace: string;
  /** Its name. */
  readonly name: string;
}

/** A Kubernetes Service that exists in the cluster but is not in the output. */
export interface ExistingService {
  /** Its namespace. */
  readonly namespace: string;
  /** Its name; its host is `<name>.<namespace>.svc.cluster.local`. */
  readonly name: string;
  /**
   * Its ports, for checks that need them (a route to a multi-port service must name a port).
   * @default one port, unknown: checks that need ports are skipped
   */
  readonly ports?: number[];
}

/** Pods that run in the cluster but are not made by the output (e.g. a gateway installed by Helm). */
export interface ExistingWorkload {
  /** Their namespace. */
  readonly namespace: string;
  /** Their pod labels. */
  readonly labels: { [key: string]: string };
  /**
   * Their service account.
   * @default "default"
   */
  readonly serviceAccount?: string;
}

/** Props of {@link ExternalResources}. */
export interface ExternalResourcesProps {
  /**
   * Namespaces that exist (objects in them are not "in a namespace nobody creates").
   * @default none
   */
  readonly namespaces?: string[];
  /**
   * Kubernetes Services that exist.
   * @default none
   */
  readonly services?: ExistingService[];
  /**
   * Hosts outside the mesh's registry that routes may name (DNS names the cluster resolves itself).
   * A leading `*.` covers every subdomain.
   * @default none
   */
  readonly hosts?: string[];
  /**
   * Secrets that exist (e.g. a gateway's TLS credential issued outside the output).
   * @default none
   */
  readonly secrets?: ExistingObject[];
  /**
   * Istio Gateways (`networking.istio.io`) that exist, for VirtualServices that bind to them.
   * @default none
   */
  readonly gateways?: ExistingObject[];
  /**
   * Workloads (pods) that exist.
   * @default none
   */
  readonly workloads?: ExistingWorkload[];
  /**
   * Any other object that exists, as a (partial) Kubernetes object: `apiVersion`, `kind` and
   * `metadata.name` (and `metadata.namespace`) are read; for a Service its `spec.ports`, for an
   * IstioOperator its `spec.meshConfig` (the mesh config of a control plane installed elsewhere).
   * @default none
   */
  readonly objects?: any[];
}

const EXTERNAL = Symbol.for('cdk8s-istio.ExternalResources');

/**
 * The annotation that marks an object as a declaration of something that exists outside the output:
 * the analyzer (`MeshAnalyzer.analyze`, the CLI) reads such objects as external, whatever list they come
 * in. `MeshApp` writes a chart's declarations with it to `<outdir>/<chart>/external/declared.yaml`, so
 * `cdk8s-istio analyze dist/<env>` sees what the chart declared.
 */
export const EXTERNAL_ANNOTATION = 'cdk8s-istio.io/external';

/**
 * What the chart's objects may reference without the output creating it. The analyzer reads these
 * declarations as objects that exist in the cluster: they satisfy references and are never reported
 * on. Nothing is synthesized.
 *
 * @example
 * new ExternalResources(chart, 'outside', {
 *   namespaces: ['observability'],
 *   services: [{ namespace: 'observability', name: 'otel-collector', ports: [4317] }],
 *   secrets: [{ namespace: 'istio-ingress', name: 'bookinfo-tls' }],
 * });
 */
export class ExternalResources extends Construct {
  /** Every ExternalResources under `scope` (its own subtree). @internal */
  public static _objectsUnder(scope: Construct): any[] {
    return scope.node.findAll()
      .filter((c) => (c as unknown as Record<symbol, unknown>)[EXTERNAL] === true)
      .flatMap((c) => (c as ExternalResources).toObjects());
  }

  private readonly objects: any[];

  constructor(scope: Construct, id: string, props: ExternalResourcesProps = {}) {
    super(scope, id);
    Object.defineProperty(this, EXTERNAL, { value: true });
    this.objects = [
      ...list(this, 'namespaces', props.namespaces).map((name, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: str(this, `namespaces[${i}]`, name) } })),
      ...list(this, 'services', props.services).map((s, i) => ({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: objectMeta(this, `services[${i}]`, s),
        spec: { ports: list(this, `services[${i}].ports`, s.ports).map((p, j) => ({ port: port(this, `services[${i}].ports[${j}]`, p) })) },
      })),
      ...(props.hosts !== undefined ? [{ ...EXTERNAL_HOST, metadata: { name: 'hosts' }, hosts: list(this, 'hosts', props.hosts).map((h, i) => str(this, `hosts[${i}]`, h)) }] : []),
      ...list(this, 'secrets', props.secrets).map((s, i) => ({ apiVersion: 'v1', kind: 'Secret', metadata: objectMeta(this, `secrets[${i}]`, s) })),
      ...list(this, 'gateways', props.gateways).map((g, i) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: objectMeta(this, `gateways[${i}]`, g) })),
      ...list(this, 'workloads', props.workloads).map((w, i) => workloadObject(this, i, w)),
      ...list(this, 'objects', props.objects).map((o, i) => {
        if (typeof o !== 'object' || o === null || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string' || typeof o.metadata?.name !== 'string') {
          throw invalidInput(this, `objects[${i}]`, o, 'is not a Kubernetes object', 'give at least apiVersion, kind and metadata.name (and metadata.namespace for a namespaced kind)');
        }
        return o;
      }),
    ];
  }

  /**
   * The declarations as (partial) Kubernetes objects, as the analyzer reads them, each annotated
   * `cdk8s-istio.io/external: "true"`.
   */
  public toObjects(): any[] {
    return this.objects.map((o) => {
      const copy = JSON.parse(JSON.stringify(o));
      copy.metadata = { ...copy.metadata, annotations: { ...(copy.metadata?.annotations ?? {}), [EXTERNAL_ANNOTATION]: 'true' } };
      return copy;
    });
  }
}

function list<T>(scope: Construct, field: string, value: T[] | undefined): T[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidInput(scope, field, value, 'is not an array', `give a list, e.g. ${field}: [ … ]`);
  return value;
}

function str(scope: Construct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') throw invalidInput(scope, field, value, 'is not a non-empty string', 'give a name');
  return value;
}

function port(scope: Construct, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw invalidInput(scope, field, value, 'is not a port number', 'give a whole number from 1 to 65535');
  return value;
}

function objectMeta(scope: Construct, field: string, value: ExistingObject | undefined): { name: string; namespace: string } {
  if (typeof value !== 'object' || value === null) throw invalidInput(scope, field, value, 'is not an object', 'give { namespace, name }');
  return { name: str(scope, `${field}.name`, value.name), namespace: str(scope, `${field}.namespace`, value.namespace) };
}

function workloadObject(scope: Construct, i: number, w: ExistingWorkload): any {
  if (typeof w !== 'object' || w === null) throw invalidInput(scope, `workloads[${i}]`, w, 'is not an object', 'give { namespace, labels }');
  const labels = w.labels;
  if (typeof labels !== 'object' || labels === null || Object.keys(labels).length === 0 || Object.values(labels).some((v) => typeof v !== 'string')) {
    throw invalidInput(scope, `workloads[${i}].labels`, labels, 'is not a non-empty map of string labels', 'give the pods\' labels, e.g. { istio: "ingressgateway" }');
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `external-workload-${i}`, namespace: str(scope, `workloads[${i}].namespace`, w.namespace), labels: { ...labels } },
    spec: { serviceAccountName: w.serviceAccount ?? 'default', containers: [] },
  };
}
