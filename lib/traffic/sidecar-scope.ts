import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Sidecar, SidecarSpec, SidecarSpecEgress, SidecarSpecOutboundTrafficPolicyMode,
} from '../../imports/networking.istio.io';
import { OutboundTraffic } from '../control-plane/mesh-config';
import { invalidInput } from '../core/errors';
import { checkNamespacedHost } from '../core/hostnames';
import { checkDnsLabel, isDnsLabel } from '../core/names';
import { resolveNamespace } from '../core/namespace';
import { refuseInAmbientNamespace } from '../workload/ambient-guard';
import { checkPort } from '../core/ports';
import { WorkloadSelector } from '../workload/workload-selector';
import { renderSelector } from './selector';
import { crdLimits } from '../core/crd-limits';
import { checkArray, checkEnum, checkInstance, checkOptions, checkProps } from '../core/input';

const SIDECAR = 'networking.istio.io/v1/Sidecar';
import { ServiceProtocol } from './service-entry';

/** The port of an egress listener. */
export interface EgressListenerPort {
  /** Port number, 1–65535. */
  readonly number: number;
  /** Protocol. */
  readonly protocol: ServiceProtocol;
  /**
   * Port name.
   * @default "<protocol>-<number>"
   */
  readonly name?: string;
}

/** One egress listener of a Sidecar. */
export interface EgressListener {
  /**
   * Hosts visible through this listener, `namespace/dnsName`: `./*` (own namespace), `istio-system/*`,
   * `*\/api.example.com` (that host from any namespace). At least one.
   */
  readonly hosts: string[];
  /**
   * Only traffic to this port; a listener without a port catches the rest and must be the last one.
   * @default none (the catch-all listener)
   */
  readonly port?: EgressListenerPort;
}

/** Props of a {@link SidecarScope}. */
export interface SidecarScopeProps {
  /**
   * Namespace the Sidecar applies to.
   * @default the selected workload's namespace, else the chart's (an error when neither is known)
   */
  readonly namespace?: string;
  /**
   * Name of the Sidecar.
   * @default "default" for a namespace-wide scope, else the construct id
   */
  readonly name?: string;
  /**
   * The pods it applies to, e.g. `WorkloadSelector.fromWorkload(reviews)`.
   * @default none: every pod of the namespace (at most one such Sidecar per namespace, IST0111)
   */
  readonly selector?: WorkloadSelector;
  /**
   * Egress listeners, in order. Give either `egress` or `hosts`.
   * @default one catch-all listener with `hosts`
   */
  readonly egress?: EgressListener[];
  /**
   * Shorthand for a single catch-all egress listener with these hosts.
   * @default none
   */
  readonly hosts?: string[];
  /**
   * Outbound traffic policy of these sidecars (overrides the mesh-wide one).
   * @default OutboundTraffic.REGISTRY_ONLY
   */
  readonly outboundTrafficPolicy?: OutboundTraffic;
}

/**
 * A `networking.istio.io/v1` Sidecar that narrows what the proxies of a namespace (or of selected
 * workloads) see and may reach: only the listed `namespace/dnsName` hosts are pushed to them, which cuts
 * proxy memory and, with REGISTRY_ONLY, blocks every other destination.
 *
 * Checks ISTIO-RULES C1 at construction (each listener has a host, in `namespace/dnsName` form; at most
 * one listener without a port, and it comes last). The analyzer checks the Sidecars against each other
 * and the pods (`sidecar.selector`): IST0111 (two namespace-wide Sidecars in one namespace), IST0110 (two
 * Sidecars that select the same pod) and IST0101 (a selector that selects no pod).
 */
export class SidecarScope extends Construct {
  /** Name of the Sidecar. */
  public readonly name: string;
  /** Namespace of the Sidecar. */
  public readonly namespace: string;
  /** Labels of the selected pods, or undefined for a namespace-wide scope. */
  public readonly selectorLabels?: { readonly [key: string]: string };
  /** The Sidecar. */
  public readonly resource: Sidecar;

  private readonly spec: SidecarSpec;

  constructor(scope: Construct, id: string, props: SidecarScopeProps) {
    super(scope, id);
    props = checkProps(this, props, 'SidecarScopeProps');
    this.selectorLabels = props.selector === undefined ? undefined
      : Object.freeze(renderSelector(this, 'selector', props.selector, crdLimits(SIDECAR, 'spec.workloadSelector.labels').maxProperties));
    this.namespace = resolveNamespace(this, { given: props.namespace, target: props.selector?.namespace, targetName: 'the selected workload' });
    this.name = checkDnsLabel(this, 'name', props.name ?? (this.selectorLabels ? id : 'default'), 'use e.g. "default"');
    refuseInAmbientNamespace(this, this.namespace, 'a Sidecar',
      'drop it (ztunnel and waypoints need no egress scoping), or run the workloads that need sidecars in a sidecar namespace');

    if (props.egress !== undefined && props.hosts !== undefined) {
      throw invalidInput(this, 'hosts', props.hosts, 'is given together with egress', 'put the hosts into an egress listener, or drop egress');
    }
    if (props.egress === undefined && props.hosts === undefined) {
      throw invalidInput(this, 'egress', undefined, 'is empty: the Sidecar would configure nothing', 'give hosts, e.g. ["./*", "istio-system/*"]');
    }
    const egress = props.egress !== undefined
      ? checkArray(this, 'egress', props.egress, (l, field, i) => this.checkListener(l, field, i, (props.egress as unknown[]).length),
        { minItems: 1, fix: 'give at least one egress listener, e.g. [{ hosts: ["./*", "istio-system/*"] }]' })
      : [this.checkListener({ hosts: props.hosts }, 'egress[0]', 0, 1, 'hosts')];

    const policy = props.outboundTrafficPolicy === undefined ? OutboundTraffic.REGISTRY_ONLY
      : checkInstance(this, 'outboundTrafficPolicy', props.outboundTrafficPolicy, OutboundTraffic, 'use OutboundTraffic.REGISTRY_ONLY or OutboundTraffic.ALLOW_ANY');
    this.spec = {
      ...(this.selectorLabels ? { workloadSelector: { labels: { ...this.selectorLabels } } } : {}),
      egress,
      outboundTrafficPolicy: { mode: policy.mode as SidecarSpecOutboundTrafficPolicyMode },
    };
    this.resource = new Sidecar(this, 'Resource', {
      metadata: { name: this.name, namespace: this.namespace },
      spec: Lazy.any({ produce: () => this.toSpec() }) as unknown as SidecarSpec,
    });
  }

  /**
   * Adds hosts to the catch-all egress listener (the last one, without a port), in `namespace/dnsName`
   * form, checked as at construction. A host the listener already has is not added twice. Returns this
   * scope, so that calls chain.
   */
  public addHosts(...hosts: string[]): SidecarScope {
    const egress = this.spec.egress ?? [];
    const listener = egress[egress.length - 1];
    if (listener === undefined || listener.port !== undefined) {
      throw invalidInput(this, 'addHosts(hosts)', hosts, 'cannot be added: this Sidecar has no catch-all egress listener (one without a port)',
        'give the Sidecar a last egress listener without a port, or list these hosts at construction');
    }
    const known = new Set(listener.hosts);
    hosts.forEach((h, i) => {
      checkNamespacedHost(this, `addHosts(hosts)[${i}]`, h, true);
      if (known.has(h)) return;
      if (h === '*/*' || known.has('*/*')) {
        throw invalidInput(this, `addHosts(hosts)[${i}]`, h, 'would list "*/*" (every host) together with other hosts', 'use "*/*" alone, or list the hosts');
      }
      known.add(h);
      listener.hosts.push(h);
    });
    return this;
  }

  /** The Sidecar spec (a copy). */
  public toSpec(): SidecarSpec {
    return JSON.parse(JSON.stringify(this.spec));
  }

  /**
   * Checks one egress listener.
   * @param hostsField where the hosts came from: `<field>.hosts`, or `hosts` for the shorthand
   */
  private checkListener(item: unknown, field: string, i: number, count: number, hostsField = `${field}.hosts`): SidecarSpecEgress {
    const listener = checkOptions(this, field, item as EgressListener, 'EgressListener');
    if (Array.isArray(listener.hosts) && listener.hosts.length === 0) {
      throw invalidInput(this, hostsField, [], 'is empty: every egress listener needs at least one host (ISTIO-RULES C1)', 'add hosts such as "./*" or "istio-system/*"');
    }
    const hosts = checkArray(this, hostsField, listener.hosts, (h, f) => {
      checkNamespacedHost(this, f, h, true);
      return h as string;
    }, { minItems: 1, fix: 'add hosts such as "./*" or "istio-system/*"' });
    const seen = new Set<string>();
    const dup = hosts.find((h) => seen.size === seen.add(h).size);
    if (dup) {
      throw invalidInput(this, hostsField, dup, 'is listed twice', 'list each host once');
    }
    if (hosts.includes('*/*') && hosts.length > 1) {
      throw invalidInput(this, hostsField, hosts, 'lists "*/*" (every host) together with other hosts', 'use "*/*" alone, or list the hosts');
    }
    if (listener.port === undefined) {
      if (i !== count - 1) {
        throw invalidInput(this, `${field}.port`, undefined, 'is missing on a listener that is not the last: only the last egress listener may catch all ports (ISTIO-RULES C1)',
          'give this listener a port, or move it to the end');
      }
      return { hosts };
    }
    const p = checkOptions(this, `${field}.port`, listener.port, 'EgressListenerPort');
    checkPort(this, `${field}.port.number`, p.number, 'use e.g. 443');
    const protocol = checkEnum(this, `${field}.port.protocol`, p.protocol, ServiceProtocol, 'ServiceProtocol');
    const name = p.name ?? `${protocol.toLowerCase()}-${p.number}`;
    if (!isDnsLabel(name)) {
      throw invalidInput(this, `${field}.port.name`, name, 'is not a port name (a DNS label)', 'use e.g. "tls-443"');
    }
    return { hosts, port: { number: p.number, protocol, name } };
  }
}
