/**
 * Declarations of what lives outside the output (namespaces, services, secrets, gateways, workloads,
 * hosts), so that an app that is one part of a cluster is not a wall of "not found" errors.
 */
import { Construct } from 'constructs';
import { invalidInput } from '../core/errors';
import { checkHostname } from '../core/hostnames';
import { checkArray, checkOptions, checkProps, describeType, entryField } from '../core/input';
import { checkLabels } from '../core/labels';
import { checkDnsLabel } from '../core/names';
import { checkSecretName } from '../core/secrets';
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
    props = checkProps(this, props, 'ExternalResourcesProps');
    this.objects = [
      ...list(this, 'namespaces', props.namespaces, (name, f) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: dnsLabel(this, f, name) } })),
      ...list(this, 'services', props.services, (item, f) => {
        const s = checkOptions(this, f, item as ExistingService, 'ExistingService');
        return {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name: dnsLabel(this, `${f}.name`, s.name), namespace: dnsLabel(this, `${f}.namespace`, s.namespace) },
          spec: { ports: list(this, `${f}.ports`, s.ports, (p, pf) => ({ port: port(this, pf, p) })) },
        };
      }),
      ...(props.hosts !== undefined ? [{ ...EXTERNAL_HOST, metadata: { name: 'hosts' }, hosts: list(this, 'hosts', props.hosts, (h, f) => host(this, f, h)) }] : []),
      ...list(this, 'secrets', props.secrets, (o, f) => ({ apiVersion: 'v1', kind: 'Secret', metadata: objectMeta(this, f, o) })),
      ...list(this, 'gateways', props.gateways, (o, f) => ({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: objectMeta(this, f, o) })),
      ...list(this, 'workloads', props.workloads, (w, f, i) => workloadObject(this, f, i, w)),
      ...list(this, 'objects', props.objects, (o, f) => kubernetesObject(this, f, o)),
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

/** A list prop: absent is none, anything but an array is an error; each item mapped (and checked) by `item`. */
function list<R>(scope: Construct, field: string, value: unknown, item: (value: unknown, field: string, index: number) => R): R[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw invalidInput(scope, field, value, 'is not an array', `give a list, e.g. ${field.replace(/^.*\./, '')}: [ … ]`);
  return checkArray(scope, field, value, item);
}

function str(scope: Construct, field: string, value: unknown): string {
  if (typeof value !== 'string' || value === '') {
    throw invalidInput(scope, field, value, typeof value === 'string' || value === undefined ? 'is not a non-empty string' : `is ${describeType(value)}, not a string`, 'give a name');
  }
  return value;
}

/** A namespace or Service name: a DNS label, as Kubernetes requires. */
function dnsLabel(scope: Construct, field: string, value: unknown): string {
  return checkDnsLabel(scope, field, str(scope, field, value), 'give the name as Kubernetes has it, e.g. "bookinfo"');
}

/** The name of a Secret, a Gateway or a ServiceAccount: a DNS subdomain. */
function subdomain(scope: Construct, field: string, value: unknown): string {
  return checkSecretName(scope, field, str(scope, field, value), 'give the name as Kubernetes has it, e.g. "bookinfo-tls"');
}

function host(scope: Construct, field: string, value: unknown): string {
  str(scope, field, value);
  return checkHostname(scope, field, value, { wildcard: true, fullWildcard: false });
}

function port(scope: Construct, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1 || value > 65535) throw invalidInput(scope, field, value, 'is not a port number', 'give a whole number from 1 to 65535');
  return value;
}

function objectMeta(scope: Construct, field: string, value: unknown): { name: string; namespace: string } {
  if (typeof value !== 'object' || value === null) throw invalidInput(scope, field, value, 'is not an object', 'give { namespace, name }');
  const o = checkOptions(scope, field, value as ExistingObject, 'ExistingObject');
  return { name: subdomain(scope, `${field}.name`, o.name), namespace: dnsLabel(scope, `${field}.namespace`, o.namespace) };
}

function workloadObject(scope: Construct, field: string, i: number, value: unknown): any {
  if (typeof value !== 'object' || value === null) throw invalidInput(scope, field, value, 'is not an object', 'give { namespace, labels }');
  const w = checkOptions(scope, field, value as ExistingWorkload, 'ExistingWorkload');
  const labels = w.labels;
  if (typeof labels !== 'object' || labels === null || Object.keys(labels).length === 0) {
    throw invalidInput(scope, `${field}.labels`, labels, 'is not a non-empty map of string labels', 'give the pods\' labels, e.g. { istio: "ingressgateway" }');
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: `external-workload-${i}`, namespace: dnsLabel(scope, `${field}.namespace`, w.namespace), labels: checkedLabels(scope, `${field}.labels`, labels) },
    spec: { serviceAccountName: w.serviceAccount === undefined ? 'default' : subdomain(scope, `${field}.serviceAccount`, w.serviceAccount), containers: [] },
  };
}

/** Any other object: JSON data with `apiVersion`, `kind` and `metadata.name` (and, when given, `metadata.namespace`) strings. */
function kubernetesObject(scope: Construct, field: string, o: any): any {
  if (typeof o !== 'object' || o === null || Array.isArray(o) || typeof o.apiVersion !== 'string' || typeof o.kind !== 'string'
    || typeof o.metadata !== 'object' || o.metadata === null || typeof o.metadata.name !== 'string' || o.metadata.name === ''
    || (o.metadata.namespace !== undefined && typeof o.metadata.namespace !== 'string')) {
    throw invalidInput(scope, field, o, 'is not a Kubernetes object', 'give at least apiVersion, kind and metadata.name (and metadata.namespace for a namespaced kind)');
  }
  checkJson(scope, field, o);
  return o;
}

/** Plain JSON data only (what a manifest can hold): no NaN, Infinity, bigint, function, symbol or class instance. */
function checkJson(scope: Construct, field: string, value: unknown): void {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw invalidInput(scope, field, value, 'is not a finite number, which no manifest can hold', 'give JSON data');
    return;
  }
  if (Array.isArray(value)) {
    value.forEach((v, i) => checkJson(scope, `${field}[${i}]`, v));
    return;
  }
  const proto = typeof value === 'object' ? Object.getPrototypeOf(value) : undefined;
  if (typeof value !== 'object' || (proto !== Object.prototype && proto !== null)) {
    throw invalidInput(scope, field, value, `is ${describeType(value)}, which no manifest can hold`, 'give JSON data (strings, numbers, booleans, null, lists and maps)');
  }
  for (const [k, v] of Object.entries(value)) {
    if (v !== undefined) checkJson(scope, entryField(field, k), v);
  }
}

/** Valid pod labels, in the order given (the declarations are written as they came). */
function checkedLabels(scope: Construct, field: string, labels: object): { [key: string]: string } {
  checkLabels(scope, field, labels, { allowEmpty: false });
  return { ...labels } as { [key: string]: string };
}
