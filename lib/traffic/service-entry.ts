import { checkHostParts } from './checks';
import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  ServiceEntry, ServiceEntrySpec, ServiceEntrySpecEndpoints, ServiceEntrySpecLocation, ServiceEntrySpecPorts, ServiceEntrySpecResolution,
} from '../../imports/networking.istio.io';
import { invalidInput } from '../core/errors';
import { checkHostname } from '../core/hostnames';
import { frozenCopy, sortedRecord } from '../core/records';
import { checkSelectorLabels } from '../core/labels';
import { checkDnsLabel, isDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { WorkloadSelector } from '../workload/workload-selector';
import { renderSelector, SELECTOR_FIX } from './selector';
import { isIpOrCidr } from '../core/network';
import { checkPort } from '../core/ports';
import { crdLimits } from '../core/crd-limits';
import {
  checkArray, checkEnum, checkInstance, checkInteger, checkOptions, checkProps, checkString, entryField, isObject,
} from '../core/input';

const SERVICE_ENTRY = 'networking.istio.io/v1/ServiceEntry';

/** Protocols Istio understands on a service port. */
export enum ServiceProtocol {
  /** HTTP/1.1. */
  HTTP = 'HTTP',
  /** HTTP/2 (cleartext). */
  HTTP2 = 'HTTP2',
  /** HTTP over TLS: the proxy routes on SNI. */
  HTTPS = 'HTTPS',
  /** gRPC. */
  GRPC = 'GRPC',
  /** Any TLS: the proxy routes on SNI. */
  TLS = 'TLS',
  /** Opaque TCP: the proxy routes on destination address only. */
  TCP = 'TCP',
  /** MongoDB wire protocol. */
  MONGO = 'MONGO',
  /** MySQL wire protocol. */
  MYSQL = 'MYSQL',
  /** Redis protocol. */
  REDIS = 'REDIS',
}

/** How the proxy finds the addresses behind the hosts. */
export enum ServiceResolution {
  /** Resolve the hosts (or endpoint names) by DNS, asynchronously, and balance across every address. */
  DNS = 'DNS',
  /** Resolve by DNS at connection time and use the first address (for huge pools like CDNs). */
  DNS_ROUND_ROBIN = 'DNS_ROUND_ROBIN',
  /** Use the endpoints' IP addresses as given. */
  STATIC = 'STATIC',
  /** Forward to the IP address the application connected to. */
  NONE = 'NONE',
}

/** Whether the service is treated as part of the mesh. */
export enum ServiceLocation {
  /** Outside the mesh: no mTLS, and metrics treat it as external. */
  MESH_EXTERNAL = 'MESH_EXTERNAL',
  /** Inside the mesh (VMs, unmanaged infrastructure): mTLS applies. */
  MESH_INTERNAL = 'MESH_INTERNAL',
}

/** A port of an {@link ExternalService}. */
export interface ExternalServicePort {
  /** Port number, 1–65535. */
  readonly number: number;
  /** Protocol on the port. */
  readonly protocol: ServiceProtocol;
  /**
   * Port name, unique within the service.
   * @default "<protocol>-<number>", e.g. "tls-443"
   */
  readonly name?: string;
  /**
   * Port on the endpoints, when it differs.
   * @default the same number
   */
  readonly targetPort?: number;
}

/** A network endpoint of an {@link ExternalService}. */
export interface ExternalServiceEndpoint {
  /** IP address (STATIC, DNS) or DNS name (DNS). */
  readonly address: string;
  /**
   * Ports by the service's port name, where the endpoint listens elsewhere.
   * @default the service's port numbers
   */
  readonly ports?: { readonly [portName: string]: number };
  /**
   * Labels of the endpoint (for DestinationRule subsets).
   * @default none
   */
  readonly labels?: { readonly [key: string]: string };
  /**
   * Load-balancing weight.
   * @default equal weights
   */
  readonly weight?: number;
}

/** Props of an {@link ExternalService}. */
export interface ExternalServiceProps {
  /**
   * Namespace of the ServiceEntry.
   * @default the namespace of the `workloadSelector`'s workload, else the chart's (an error when neither is known)
   */
  readonly namespace?: string;
  /**
   * Name of the ServiceEntry.
   * @default the construct id
   */
  readonly name?: string;
  /** Hosts; `*.example.com` is allowed, `*` is not (ISTIO-RULES S1). */
  readonly hosts: string[];
  /** Ports (at least one; numbers and names unique). */
  readonly ports: ExternalServicePort[];
  /**
   * Resolution.
   * @default DNS when no host is a wildcard, else NONE
   */
  readonly resolution?: ServiceResolution;
  /**
   * Location.
   * @default ServiceLocation.MESH_EXTERNAL
   */
  readonly location?: ServiceLocation;
  /**
   * Virtual IPs or CIDR ranges of the service (CIDRs only with NONE / STATIC).
   * @default none
   */
  readonly addresses?: string[];
  /**
   * Endpoints (not with NONE; at most one with DNS_ROUND_ROBIN; not with `workloadSelector`).
   * @default none: DNS resolves the hosts themselves
   */
  readonly endpoints?: ExternalServiceEndpoint[];
  /**
   * Pods or WorkloadEntries backing a MESH_INTERNAL service, instead of endpoints (in the
   * ServiceEntry's namespace).
   * @default none
   */
  readonly workloadSelector?: WorkloadSelector;
  /**
   * Namespaces that see the service: names, "." (its own) or "*" (all).
   * @default all namespaces
   */
  readonly exportTo?: string[];
}

/** A single IP address (no range). */
function isIp(value: string): boolean {
  return !value.includes('/') && isIpOrCidr(value);
}

/**
 * A host outside the mesh (or not on Kubernetes) registered with Istio as a `networking.istio.io/v1`
 * ServiceEntry, so that a REGISTRY_ONLY mesh may reach it. Enforces ISTIO-RULES S1 and the webhook's
 * resolution rules at construction. The analyzer reports a TCP port without addresses (IST0134) unless
 * the mesh allocates them.
 */
export class ExternalService extends Construct {
  /** Name of the ServiceEntry. */
  public readonly name: string;
  /** Namespace of the ServiceEntry. */
  public readonly namespace: string;
  /** Hosts. */
  public readonly hosts: string[];
  /** Ports, with their names filled in (frozen). */
  public readonly ports: ExternalServicePort[];
  /** Resolution. */
  public readonly resolution: ServiceResolution;
  /** Location. */
  public readonly location: ServiceLocation;
  /** The ServiceEntry. */
  public readonly resource: ServiceEntry;

  private readonly spec: ServiceEntrySpec;

  constructor(scope: Construct, id: string, props: ExternalServiceProps) {
    super(scope, id);
    props = checkProps(this, props, 'ExternalServiceProps');
    if (props.workloadSelector !== undefined) {
      checkInstance(this, 'workloadSelector', props.workloadSelector, WorkloadSelector, SELECTOR_FIX);
    }
    this.name = checkDnsLabel(this, 'name', props.name ?? id, 'use e.g. "stripe-api"');
    this.namespace = resolveNamespace(this, { given: props.namespace, target: props.workloadSelector?.namespace, targetName: 'the selected workload' });

    const hosts = checkArray(this, 'hosts', props.hosts, (h, field) => {
      if (h === '*') {
        throw invalidInput(this, field, h, 'matches every host, which a ServiceEntry may not (ISTIO-RULES S1)', 'name the hosts, e.g. "api.stripe.com" or "*.stripe.com"');
      }
      return checkHostParts(this, field, checkHostname(this, field, h, { fullWildcard: false }));
    }, { ...crdLimits(SERVICE_ENTRY, 'spec.hosts'), fix: 'list the external hosts, e.g. ["api.stripe.com"]' });
    const dupHost = hosts.find((h, i) => hosts.findIndex((o) => o.toLowerCase() === h.toLowerCase()) !== i);
    if (dupHost) {
      throw invalidInput(this, 'hosts', dupHost, 'is listed twice', 'list each host once');
    }
    this.hosts = frozenCopy(hosts);

    const location = props.location === undefined ? ServiceLocation.MESH_EXTERNAL : checkEnum(this, 'location', props.location, ServiceLocation, 'ServiceLocation');
    this.location = location;
    const hasWildcard = hosts.some((h) => h.startsWith('*'));
    const resolution = props.resolution === undefined ? (hasWildcard ? ServiceResolution.NONE : ServiceResolution.DNS)
      : checkEnum(this, 'resolution', props.resolution, ServiceResolution, 'ServiceResolution');
    this.resolution = resolution;

    const ports = this.checkPorts(props.ports);
    this.ports = ports.map((p) => ({ number: p.number, protocol: p.protocol as ServiceProtocol, name: p.name }));

    const addresses = props.addresses === undefined ? [] : checkArray(this, 'addresses', props.addresses, (a, field) => {
      if (typeof a !== 'string' || !isIpOrCidr(a)) {
        throw invalidInput(this, field, a, 'is not an IP address or CIDR range', 'use e.g. "203.0.113.10" or "203.0.113.0/24"');
      }
      if (a.includes('/') && resolution !== ServiceResolution.NONE && resolution !== ServiceResolution.STATIC) {
        throw invalidInput(this, field, a, `is a CIDR range, which ${resolution} resolution does not allow (CIDR addresses only with NONE or STATIC; ISTIO-RULES S1)`,
          'give single IP addresses, or use resolution NONE / STATIC');
      }
      return a;
    }, { ...crdLimits(SERVICE_ENTRY, 'spec.addresses'), minItems: 1, fix: 'drop it or list at least one address' });

    const workloadSelector = props.workloadSelector === undefined ? undefined
      : renderSelector(this, 'workloadSelector', props.workloadSelector, crdLimits(SERVICE_ENTRY, 'spec.workloadSelector.labels').maxProperties);
    if (workloadSelector !== undefined && props.endpoints !== undefined) {
      throw invalidInput(this, 'workloadSelector', workloadSelector, 'is given together with endpoints (only one of them; ISTIO-RULES S1)', 'keep either the selector or the endpoints');
    }
    if (workloadSelector !== undefined && location !== ServiceLocation.MESH_INTERNAL) {
      throw invalidInput(this, 'workloadSelector', workloadSelector, 'only applies to MESH_INTERNAL services', 'set location: ServiceLocation.MESH_INTERNAL or list endpoints');
    }
    const endpoints = this.checkEndpoints(props.endpoints, resolution, ports);
    if (resolution === ServiceResolution.DNS && endpoints.length === 0 && hasWildcard) {
      throw invalidInput(this, 'hosts', hosts.find((h) => h.startsWith('*')), 'is a wildcard, which DNS resolution without endpoints cannot resolve',
        'use resolution NONE for wildcard hosts, or list endpoints');
    }
    if (resolution === ServiceResolution.STATIC && endpoints.length === 0 && !workloadSelector) {
      throw invalidInput(this, 'endpoints', props.endpoints, 'is empty with STATIC resolution (there would be nowhere to send traffic)', 'list endpoints with IP addresses, or use DNS resolution');
    }
    if (resolution !== ServiceResolution.NONE && hosts.length > 1) {
      const opaque = ports.find((p) => ![ServiceProtocol.HTTP, ServiceProtocol.HTTP2, ServiceProtocol.HTTPS, ServiceProtocol.GRPC, ServiceProtocol.TLS].includes(p.protocol as ServiceProtocol));
      if (opaque) {
        throw invalidInput(this, 'hosts', hosts, `are several hosts on the ${opaque.protocol} port ${opaque.number}, where the proxy cannot tell them apart (no Host header or SNI)`,
          'make one ExternalService per host, or use resolution NONE');
      }
    }

    const exportTo = this.checkExportTo(props.exportTo);

    this.spec = {
      hosts: [...hosts],
      ...(addresses.length ? { addresses } : {}),
      ports,
      location: location as unknown as ServiceEntrySpecLocation,
      resolution: resolution as unknown as ServiceEntrySpecResolution,
      ...(endpoints.length ? { endpoints } : {}),
      ...(workloadSelector ? { workloadSelector: { labels: workloadSelector } } : {}),
      ...(exportTo ? { exportTo } : {}),
    };
    this.resource = new ServiceEntry(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as ServiceEntrySpec,
    });
  }

  /** The ServiceEntry spec (a copy). */
  public toSpec(): ServiceEntrySpec {
    return JSON.parse(JSON.stringify(this.spec));
  }

  /** `namespace/host` entries for a Sidecar's egress hosts, one per host. */
  public get sidecarHosts(): string[] {
    return this.hosts.map((h) => `${this.namespace}/${h}`);
  }

  private checkPorts(ports: unknown): ServiceEntrySpecPorts[] {
    const numbers = new Set<number>();
    const names = new Set<string>();
    return checkArray(this, 'ports', ports, (item, field) => {
      const p = checkOptions(this, field, item as ExternalServicePort, 'ExternalServicePort');
      checkPort(this, `${field}.number`, p.number, 'use e.g. 443 (ISTIO-RULES S1)');
      const protocol = checkEnum(this, `${field}.protocol`, p.protocol, ServiceProtocol, 'ServiceProtocol');
      const name = p.name === undefined ? `${protocol.toLowerCase()}-${p.number}` : p.name;
      if (!isDnsLabel(name)) {
        throw invalidInput(this, `${field}.name`, name, 'is not a port name (a DNS label)', `use e.g. "${protocol.toLowerCase()}-${p.number}"`);
      }
      if (numbers.has(p.number)) {
        throw invalidInput(this, `${field}.number`, p.number, 'is already a port of this service (port numbers must be unique; ISTIO-RULES S1)', 'list each port once');
      }
      if (names.has(name)) {
        throw invalidInput(this, `${field}.name`, name, 'is already the name of another port', 'give each port its own name');
      }
      numbers.add(p.number);
      names.add(name);
      if (p.targetPort !== undefined) {
        checkPort(this, `${field}.targetPort`, p.targetPort, 'use e.g. 8443, or drop it');
      }
      return { number: p.number, protocol, name, ...(p.targetPort !== undefined ? { targetPort: p.targetPort } : {}) };
    }, { ...crdLimits(SERVICE_ENTRY, 'spec.ports'), minItems: 1, fix: 'list the ports, e.g. [{ number: 443, protocol: ServiceProtocol.TLS }]' });
  }

  private checkEndpoints(endpoints: unknown, resolution: ServiceResolution, ports: ServiceEntrySpecPorts[]): ServiceEntrySpecEndpoints[] {
    if (endpoints === undefined) {
      return [];
    }
    const checked = checkArray(this, 'endpoints', endpoints, (item, field) => checkOptions(this, field, item as ExternalServiceEndpoint, 'ExternalServiceEndpoint'),
      { ...crdLimits(SERVICE_ENTRY, 'spec.endpoints'), minItems: 1, fix: 'drop it or list at least one endpoint' });
    if (resolution === ServiceResolution.NONE) {
      throw invalidInput(this, 'endpoints', checked.map((e) => e.address), 'are given with resolution NONE, which forwards to the original destination and takes no endpoints (ISTIO-RULES S1)',
        'drop the endpoints, or use STATIC or DNS resolution');
    }
    if (resolution === ServiceResolution.DNS_ROUND_ROBIN && checked.length > 1) {
      throw invalidInput(this, 'endpoints', checked.map((e) => e.address), 'has more than one endpoint with DNS_ROUND_ROBIN resolution (ISTIO-RULES S1)',
        'give one endpoint, or use DNS resolution to balance across several');
    }
    const portNames = new Set(ports.map((p) => p.name));
    return checked.map((e, i) => {
      const field = `endpoints[${i}]`;
      checkString(this, `${field}.address`, e.address, { minLength: 1, ...crdLimits(SERVICE_ENTRY, 'spec.endpoints[].address'), fix: 'give an IP address or DNS name' });
      if (resolution === ServiceResolution.STATIC && !isIp(e.address)) {
        throw invalidInput(this, `${field}.address`, e.address, 'is not an IP address, which STATIC resolution needs', 'give an IP address, or use DNS resolution for names');
      }
      if (!isIp(e.address)) {
        checkHostname(this, `${field}.address`, e.address, { wildcard: false });
      }
      const out: { -readonly [K in keyof ServiceEntrySpecEndpoints]: ServiceEntrySpecEndpoints[K] } = { address: e.address };
      if (e.ports !== undefined) {
        const limits = crdLimits(SERVICE_ENTRY, 'spec.endpoints[].ports');
        if (!isObject(e.ports) || Object.keys(e.ports).length === 0) {
          throw invalidInput(this, `${field}.ports`, e.ports, 'is not a map of port names to port numbers', 'give e.g. { "https-443": 8443 }, or leave ports out');
        }
        for (const [name, number] of Object.entries(e.ports)) {
          if (!portNames.has(name)) {
            throw invalidInput(this, `${field}.ports`, name, 'is not the name of a port of this service', `use one of ${[...portNames].join(', ')}`);
          }
          if (limits.maxKeyLength !== undefined && name.length > limits.maxKeyLength) {
            throw invalidInput(this, `${field}.ports`, name, `is ${name.length} characters long, but the CRD allows endpoint port names of at most ${limits.maxKeyLength}`,
              'give the port a shorter name (ports[].name)');
          }
          checkPort(this, entryField(`${field}.ports`, name), number, 'use e.g. 8443');
        }
        out.ports = sortedRecord(e.ports as { [name: string]: number });
      }
      if (e.labels !== undefined) {
        out.labels = checkSelectorLabels(this, `${field}.labels`, e.labels, false, crdLimits(SERVICE_ENTRY, 'spec.endpoints[].labels').maxProperties);
      }
      if (e.weight !== undefined) {
        out.weight = checkInteger(this, `${field}.weight`, e.weight, {
          ...crdLimits(SERVICE_ENTRY, 'spec.endpoints[].weight'), minimum: 1, fix: 'use e.g. 10, or drop it for equal weights',
        });
      }
      return out;
    });
  }

  private checkExportTo(exportTo: unknown): string[] | undefined {
    if (exportTo === undefined) {
      return undefined;
    }
    const seen = new Set<string>();
    const list = checkArray(this, 'exportTo', exportTo, (e, field) => {
      if (typeof e !== 'string' || !(e === '.' || e === '*' || e === '~' || isDnsLabel(e))) {
        throw invalidInput(this, field, e, 'is not a namespace, ".", "*" or "~"', 'use e.g. "." or "bookinfo"');
      }
      const key = e === '.' ? this.namespace : e;
      if (seen.has(key)) {
        throw invalidInput(this, field, e, 'is listed twice', 'list each namespace once');
      }
      seen.add(key);
      return e;
    }, { minItems: 1, fix: 'drop it (all namespaces) or list namespaces, "." or "*"' });
    if ((seen.has('*') || seen.has('~')) && list.length > 1) {
      throw invalidInput(this, 'exportTo', list, 'mixes "*" or "~" with other entries', 'use "*" alone for all namespaces, "~" alone for none');
    }
    return list;
  }
}
