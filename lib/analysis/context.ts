/**
 * One analysis: the objects, indexed once (by kind, by identity, by host, pods by namespace and label,
 * mesh config), and the findings the checks report into it. Checks only read the indexes; none scans
 * the whole output per object.
 */
import { parse as parseYaml } from 'yaml';
import { isRecord } from '../core/records';
import { istiodChartRelease } from './helm-values';
import { exportToOf, resolveHost, ServiceInfo, ServicePort, ServiceRegistry } from './hosts';
import { canaryServices, canaryTarget, FLAGGER_CANARY, primaryPod } from './flagger';
import { installedPods, installedServices } from './installed-pods';
import { formatTemplate, MessageCode, MESSAGES } from './messages';
import { PodIndex, PodInfo, podOf, push, readLabelSelector } from './pods';
import { EXTERNAL_HOST, GK, Resource, toResource } from './resources';
import { Finding } from './types';

/** A mesh configuration the output (or a declaration) holds, and who holds it. */
export interface MeshConfigSource {
  /** The IstioOperator, Sail `Istio`, istiod Helm release (Flux HelmRelease, Argo CD Application) or `istio` ConfigMap it comes from. */
  readonly resource: Resource;
  /** The meshConfig, as JSON (`{}` when the object sets none). */
  readonly meshConfig: Record<string, any>;
  /** The control plane's revision (`default` when none). */
  readonly revision: string;
  /** Where istiod runs. */
  readonly istioNamespace: string;
}

/** A raw object and, when known, the construct that wrote it. */
export interface SourcedObject {
  readonly object: unknown;
  readonly source?: string;
}

/** Inputs of one analysis. */
export interface ContextInput {
  readonly objects: readonly SourcedObject[];
  readonly external: readonly unknown[];
  readonly defaultNamespace: string;
}

/** What the checks read and report to. */
export class AnalysisContext {
  /** Every object read, output first, then the declared external ones. */
  public readonly resources: Resource[] = [];
  /** Objects that were not Kubernetes objects (no apiVersion, kind or metadata.name), by input index. */
  public readonly malformed: { index: number; source?: string; reason: string }[] = [];
  public readonly services = new ServiceRegistry();
  public readonly pods = new PodIndex();
  public readonly meshConfigs: MeshConfigSource[] = [];
  public readonly findings: Finding[] = [];
  /** Declared hosts that exist outside the output (resolved, lowercase). */
  public readonly externalHosts = new Set<string>();
  public readonly defaultNamespace: string;

  private readonly byKind = new Map<string, Resource[]>();
  private readonly byId = new Map<string, Resource[]>();
  private readonly namespaceSet = new Set<string>();

  constructor(input: ContextInput) {
    this.defaultNamespace = input.defaultNamespace;
    input.objects.forEach((o, i) => this.read(o.object, i, false, o.source));
    input.external.forEach((o, i) => this.read(o, input.objects.length + i, true));
    for (const r of this.resources) this.indexResource(r);
    for (const pod of installedPods(this)) this.pods.add(pod);
    for (const pod of this.flaggerPrimaryPods()) this.pods.add(pod);
    for (const service of installedServices(this)) this.services.add(service);
  }

  private read(raw: unknown, index: number, external: boolean, source?: string): void {
    if (!isRecord(raw) || typeof raw.apiVersion !== 'string' || raw.apiVersion === '' || typeof raw.kind !== 'string' || raw.kind === '') {
      if (!external) this.malformed.push({ index, source, reason: 'has no apiVersion or kind' });
      return;
    }
    if (raw.apiVersion === EXTERNAL_HOST.apiVersion && raw.kind === EXTERNAL_HOST.kind && external) {
      for (const h of Array.isArray(raw.hosts) ? raw.hosts : []) if (typeof h === 'string') this.externalHosts.add(h.toLowerCase());
      return;
    }
    if (!isRecord(raw.metadata) || typeof raw.metadata.name !== 'string' || raw.metadata.name === '') {
      if (!external) this.malformed.push({ index, source, reason: 'has no metadata.name' });
      return;
    }
    this.resources.push(toResource(raw, index, this.defaultNamespace, external, source));
  }

  private indexResource(r: Resource): void {
    push(this.byKind, r.groupKind, r);
    push(this.byId, idKey(r.groupKind, r.namespace, r.name), r);
    const spec = isRecord(r.raw.spec) ? r.raw.spec : {};
    switch (r.groupKind) {
      case GK.Namespace:
        this.namespaceSet.add(r.name);
        break;
      case GK.Service:
        this.services.add(serviceInfo(r, spec));
        break;
      case GK.ServiceEntry:
        for (const h of Array.isArray(spec.hosts) ? spec.hosts : []) {
          if (typeof h === 'string') this.services.add({ host: h.toLowerCase(), namespace: r.namespace, exportTo: exportToOf(r), ports: entryPorts(spec), resource: r });
        }
        break;
      case GK.IstioOperator:
        // `istioctl install` creates istiod's namespace.
        this.namespaceSet.add(typeof spec.namespace === 'string' && spec.namespace !== '' ? spec.namespace : 'istio-system');
        this.meshConfigs.push({
          resource: r,
          meshConfig: isRecord(spec.meshConfig) ? spec.meshConfig : {},
          revision: typeof spec.revision === 'string' && spec.revision !== '' ? spec.revision : 'default',
          istioNamespace: typeof spec.namespace === 'string' && spec.namespace !== '' ? spec.namespace : 'istio-system',
        });
        break;
      case GK.SailIstio: {
        const values = isRecord(spec.values) ? spec.values : {};
        this.meshConfigs.push({
          resource: r,
          meshConfig: isRecord(values.meshConfig) ? values.meshConfig : {},
          revision: r.name === 'default' ? 'default' : r.name,
          istioNamespace: typeof spec.namespace === 'string' && spec.namespace !== '' ? spec.namespace : 'istio-system',
        });
        break;
      }
      case GK.ConfigMap:
        this.readMeshConfigMap(r);
        break;
      case FLAGGER_CANARY:
        for (const service of canaryServices(r)) this.services.add(service);
        break;
      default: {
        const release = istiodChartRelease(r);
        if (release) {
          this.meshConfigs.push({
            resource: r,
            meshConfig: isRecord(release.values.meshConfig) ? release.values.meshConfig : {},
            revision: typeof release.values.revision === 'string' && release.values.revision !== '' ? release.values.revision : 'default',
            istioNamespace: release.namespace,
          });
        }
        break;
      }
    }
    const pod = podOf(r);
    if (pod) this.pods.add(pod);
  }

  /** The pods of the primary Deployment each Flagger Canary will create from its target's template. */
  private flaggerPrimaryPods(): PodInfo[] {
    const out: PodInfo[] = [];
    for (const canary of this.all(FLAGGER_CANARY)) {
      const target = canaryTarget(canary);
      if (target === undefined) continue;
      for (const d of this.find(GK.Deployment, canary.namespace, target)) {
        const pod = podOf(d);
        if (pod) out.push(primaryPod(canary, pod));
      }
    }
    return out;
  }

  /** istiod's `istio` / `istio-<revision>` ConfigMap with the mesh config as YAML under `data.mesh`. */
  private readMeshConfigMap(r: Resource): void {
    const mesh = r.raw.data?.mesh;
    if ((r.name !== 'istio' && !r.name.startsWith('istio-')) || typeof mesh !== 'string') return;
    let parsed: unknown;
    try {
      parsed = parseYaml(mesh);
    } catch {
      return;
    }
    if (!isRecord(parsed)) return;
    this.meshConfigs.push({ resource: r, meshConfig: parsed, revision: r.name === 'istio' ? 'default' : r.name.slice('istio-'.length), istioNamespace: r.namespace ?? 'istio-system' });
  }

  /** Objects of the output (not the declared ones) of a `group/Kind`, in input order. */
  public output(groupKind: string): Resource[] {
    return (this.byKind.get(groupKind) ?? []).filter((r) => !r.external);
  }

  /** Objects of a `group/Kind`, the output's and the declared ones. */
  public all(groupKind: string): readonly Resource[] {
    return this.byKind.get(groupKind) ?? [];
  }

  /** The objects with this identity (more than one is a duplicate), output and declared. */
  public find(groupKind: string, namespace: string | undefined, name: string): readonly Resource[] {
    return this.byId.get(idKey(groupKind, namespace, name)) ?? [];
  }

  /** Every identity with its objects. */
  public identities(): IterableIterator<Resource[]> {
    return this.byId.values();
  }

  /** Whether the namespace is created by the output or declared to exist. */
  public namespaceExists(name: string): boolean {
    return this.namespaceSet.has(name);
  }

  /** The mesh's root namespace (meshConfig.rootNamespace, else istiod's namespace, else istio-system). */
  public rootNamespace(): string {
    for (const m of this.meshConfigs) {
      if (typeof m.meshConfig.rootNamespace === 'string' && m.meshConfig.rootNamespace !== '') return m.meshConfig.rootNamespace;
    }
    return this.meshConfigs[0]?.istioNamespace ?? 'istio-system';
  }

  /** The services defining `host` (resolved from `namespace`) that an object in `namespace` sees. */
  public lookupHost(host: string, namespace: string): ServiceInfo[] {
    return this.services.lookup(resolveHost(host, namespace), namespace);
  }

  /** Whether `host` (resolved from `namespace`) is declared to exist outside the output. */
  public isExternalHost(host: string, namespace: string): boolean {
    const h = resolveHost(host, namespace);
    if (this.externalHosts.has(h)) return true;
    for (const e of this.externalHosts) if (e.startsWith('*.') && h.endsWith(e.slice(1))) return true;
    return this.externalHosts.has('*');
  }

  /**
   * The pods an Istio `selector.matchLabels` picks from an object in `namespace`; in the root namespace
   * a policy applies to every namespace.
   */
  public podsForIstioSelector(namespace: string, matchLabels: Readonly<Record<string, string>>): PodInfo[] {
    return this.pods.matching(namespace === this.rootNamespace() ? undefined : namespace, matchLabels);
  }

  /** The pods a Service selects. */
  public podsOfService(service: ServiceInfo): PodInfo[] {
    if (service.selector === undefined || service.namespace === undefined) return [];
    return this.pods.matching(service.namespace, service.selector);
  }

  /**
   * Reports a finding on `resource` (ignored for declared external objects: they are not ours to fix).
   * The message is the table's template filled with `args`, the field in parentheses, then `Fix: <fix>`.
   */
  public report(code: MessageCode, resource: Resource, field: string | undefined, args: readonly unknown[], fix: string): void {
    if (resource.external) return;
    const type = MESSAGES[code];
    const text = formatTemplate(type.template, args);
    const located = field !== undefined && field !== '' ? `${text.replace(/\.$/, '')} (${field}).` : text.replace(/([^.])$/, '$1.');
    const message = fix === '' ? located : `${located} Fix: ${fix}`;
    this.findings.push({
      code: type.code,
      messageName: type.name,
      level: type.level,
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      ...(resource.namespace !== undefined ? { namespace: resource.namespace } : {}),
      name: resource.name,
      ...(field !== undefined && field !== '' ? { field } : {}),
      message,
      ...(resource.source !== undefined ? { source: resource.source } : {}),
    });
  }
}

function idKey(groupKind: string, namespace: string | undefined, name: string): string {
  return `${groupKind}\u0000${namespace ?? ''}\u0000${name}`;
}

function serviceInfo(r: Resource, spec: Record<string, any>): ServiceInfo {
  const ports: ServicePort[] = [];
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isRecord(p) || typeof p.port !== 'number') continue;
    ports.push({
      number: p.port,
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}),
      ...(typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? { targetPort: p.targetPort } : { targetPort: p.port }),
    });
  }
  const selector = readLabelSelector({ matchLabels: spec.selector })?.matchLabels;
  return {
    host: `${r.name}.${r.namespace}.svc.cluster.local`,
    namespace: r.namespace,
    exportTo: exportToOf(r),
    ports,
    resource: r,
    ...(isRecord(spec.selector) && selector && Object.keys(selector).length > 0 ? { selector } : {}),
  };
}

function entryPorts(spec: Record<string, any>): ServicePort[] {
  const out: ServicePort[] = [];
  for (const p of Array.isArray(spec.ports) ? spec.ports : []) {
    if (!isRecord(p) || typeof p.number !== 'number') continue;
    out.push({
      number: p.number,
      ...(typeof p.name === 'string' ? { name: p.name } : {}),
      ...(typeof p.protocol === 'string' ? { protocol: p.protocol } : {}),
      ...(typeof p.targetPort === 'number' ? { targetPort: p.targetPort } : {}),
    });
  }
  return out;
}
