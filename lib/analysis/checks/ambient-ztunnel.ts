import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import type { AnalysisContext } from '../context';
import { controlPlanes, namespaceInAmbientMode } from '../injection';
import { describe, GK, Resource } from '../resources';

/** Install profiles of an IstioOperator that include ztunnel (unless `components.ztunnel.enabled: false`). */
const AMBIENT_PROFILES = new Set(['ambient', 'openshift-ambient']);
const ZTUNNEL_CHART = 'ztunnel';

/**
 * The first object of the output or the declared ones that installs ztunnel, the node agent that
 * carries ambient traffic: an IstioOperator with an ambient profile or `components.ztunnel.enabled`,
 * a Sail `ZTunnel`, a Flux HelmRelease (from a HelmRepository, or an OCIRepository whose URL ends with
 * `/ztunnel`) or an Argo CD Application of Istio's `ztunnel` chart, or the
 * `ztunnel` DaemonSet itself (a rendered chart).
 */
export function ztunnelInstaller(ctx: AnalysisContext): Resource | undefined {
  for (const r of ctx.all(GK.IstioOperator)) {
    const spec = specOf(r.raw);
    const enabled = isRecord(spec.components) && isRecord(spec.components.ztunnel) ? spec.components.ztunnel.enabled : undefined;
    if (enabled === true || (enabled !== false && AMBIENT_PROFILES.has(String(spec.profile)))) return r;
  }
  const sail = ctx.all('sailoperator.io/ZTunnel')[0];
  if (sail) return sail;
  for (const r of ctx.all('helm.toolkit.fluxcd.io/HelmRelease')) {
    const spec = specOf(r.raw);
    if (isRecord(spec.chart) && isRecord(spec.chart.spec) && spec.chart.spec.chart === ZTUNNEL_CHART) return r;
    // A chart from an OCI repository: `chartRef` names an OCIRepository whose URL ends with the chart.
    const ref = spec.chartRef;
    if (isRecord(ref) && ref.kind === 'OCIRepository' && typeof ref.name === 'string') {
      const namespace = typeof ref.namespace === 'string' && ref.namespace !== '' ? ref.namespace : r.namespace;
      const repo = ctx.find('source.toolkit.fluxcd.io/OCIRepository', namespace, ref.name)[0];
      const url = repo === undefined ? undefined : specOf(repo.raw).url;
      if (typeof url === 'string' && url.replace(/\/+$/, '').endsWith(`/${ZTUNNEL_CHART}`)) return r;
    }
  }
  for (const r of ctx.all('argoproj.io/Application')) {
    const spec = specOf(r.raw);
    if ([spec.source, ...arr(spec.sources)].some((s) => isRecord(s) && s.chart === ZTUNNEL_CHART)) return r;
  }
  return ctx.all('apps/DaemonSet').find((r) => r.name === ZTUNNEL_CHART);
}

/**
 * Namespaces in ambient mode while nothing in the output (or declared) installs ztunnel: their pods
 * would join no mesh at all (no mTLS, no policy), and under STRICT mTLS every call to them fails.
 * Judged only when a control plane is in the output or declared (else the installation is someone
 * else's, and its ztunnel is declared with `ExternalResources` `objects`).
 */
export const ambientZtunnel: Check = {
  name: 'ambient.ztunnel',
  codes: ['CDK8S-ISTIO-056'],
  description: 'namespaces in ambient mode while no ztunnel is installed by the output or declared',
  run(ctx) {
    const cps = controlPlanes(ctx);
    if (cps.length === 0) return;
    const ambient = ctx.output(GK.Namespace).filter((ns) => namespaceInAmbientMode(labelsOf(ns.raw.metadata?.labels)));
    if (ambient.length === 0 || ztunnelInstaller(ctx) !== undefined) return;
    const planes = cps.map((cp) => describe(cp.source.resource)).join(', ');
    for (const ns of ambient) {
      ctx.report('CDK8S-ISTIO-056', ns, 'metadata.labels["istio.io/dataplane-mode"]', [ns.name, planes],
        'install ztunnel with the control plane (MeshControlPlane profile InstallProfile.AMBIENT, a Sail ZTunnel, or the ztunnel Helm chart), '
        + 'or declare the one installed elsewhere with ExternalResources objects (e.g. { apiVersion: "sailoperator.io/v1", kind: "ZTunnel", metadata: { name: "default" } })');
    }
  },
};
