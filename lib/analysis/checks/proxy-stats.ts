import { isRecord } from '../../core/records';
import { arr, Check, labelsOf, specOf } from '../check';
import { MeshConfigSource } from '../context';
import { describe, GK, Resource } from '../resources';

/**
 * Envoy stats Istio's proxies keep without a `proxyStatsMatcher` (istio/istio `pkg/bootstrap`):
 * these prefixes and suffixes, and the route stats.
 */
const DEFAULT_PREFIXES = ['cluster_manager', 'listener_manager', 'server', 'cluster.xds-grpc', 'wasm'];
const DEFAULT_SUFFIXES = ['downstream_cx_active'];

/** Prometheus names of Envoy's per-cluster and per-listener stats (the families Istio drops by default). */
const ENVOY_METRIC = /\benvoy_(cluster|listener)_([a-z0-9_]+?)(?:_bucket|_sum|_count)?\b/g;

/** A stat name of each family, as Envoy names it before the cluster or listener becomes a tag. */
const STAT_HEAD: Record<string, string> = {
  cluster: 'cluster.outbound|9080||reviews.bookinfo.svc.cluster.local.',
  listener: 'listener.0.0.0.0_8443.',
};

/**
 * Queries of the output (PrometheusRule rules, Grafana dashboards in ConfigMaps labelled
 * `grafana_dashboard`) that read an Envoy cluster or listener stat (`envoy_cluster_*`,
 * `envoy_listener_*`) which the mesh's `meshConfig.defaultConfig.proxyStatsMatcher` does not keep:
 * Istio's proxies export only a few Envoy stats unless told otherwise, so such an alert never fires and
 * such a panel stays empty (CDK8S-ISTIO-050). Envoy's dotted stat names lose their dots in
 * Prometheus, so a stat counts as kept when any dotted reading of it (`ssl_handshake`,
 * `ssl.handshake`) is matched by an inclusion prefix, suffix or regex, or by Istio's defaults.
 * Per-pod settings (`proxy.istio.io/config`, `sidecar.istio.io/statsInclusion*`) are not seen: the
 * finding is a warning. Without a mesh config in the input nothing is reported.
 */
export const proxyStats: Check = {
  name: 'observability.proxystats',
  codes: ['CDK8S-ISTIO-050'],
  description: 'alert rules and dashboards that read Envoy cluster or listener stats the mesh\'s proxyStatsMatcher does not keep',
  run(ctx) {
    if (ctx.meshConfigs.length === 0) return;
    const queries: { resource: Resource; field: string; expr: string }[] = [];
    for (const r of ctx.output('monitoring.coreos.com/PrometheusRule')) {
      arr(specOf(r.raw).groups).forEach((g, i) => arr(isRecord(g) ? g.rules : undefined).forEach((rule, j) => {
        if (isRecord(rule) && typeof rule.expr === 'string') queries.push({ resource: r, field: `spec.groups[${i}].rules[${j}].expr`, expr: rule.expr });
      }));
    }
    for (const r of ctx.output(GK.ConfigMap)) {
      if (labelsOf(r.raw.metadata?.labels).grafana_dashboard === undefined || !isRecord(r.raw.data)) continue;
      for (const [key, text] of Object.entries(r.raw.data)) {
        if (typeof text !== 'string') continue;
        let model: unknown;
        try {
          model = JSON.parse(text);
        } catch {
          continue;
        }
        collectExprs(model, `data[${JSON.stringify(key)}]`, (field, expr) => queries.push({ resource: r, field, expr }));
      }
    }
    for (const q of queries) {
      const seen = new Set<string>();
      for (const m of q.expr.matchAll(ENVOY_METRIC)) {
        const metric = m[0];
        if (seen.has(metric)) continue;
        seen.add(metric);
        const missing = ctx.meshConfigs.filter((mesh) => !kept(mesh, m[1], m[2]));
        if (missing.length === 0) continue;
        ctx.report('CDK8S-ISTIO-050', q.resource, q.field, [metric, missing.map((mesh) => describe(mesh.resource)).join(', ')],
          `keep it with meshConfig.defaultConfig.proxyStatsMatcher, e.g. inclusionSuffixes: ["${m[2]}"] (MeshControlPlane.addProxyStats; MeshAlerts and MeshDashboards add the stats they read)`);
      }
    }
  },
};

/** Every `expr` string of a dashboard model (panels, rows of panels, targets). */
function collectExprs(value: unknown, field: string, found: (field: string, expr: string) => void): void {
  if (Array.isArray(value)) {
    value.forEach((v, i) => collectExprs(v, `${field}[${i}]`, found));
  } else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (k === 'expr' && typeof v === 'string') found(field, v);
      else collectExprs(v, `${field}.${k}`, found);
    }
  }
}

/** The dotted readings of `name`: as written, and with its first one or two underscores as dots. */
function readings(name: string): string[] {
  const out = [name];
  let current = name;
  for (let i = 0; i < 2; i++) {
    const next = current.replace('_', '.');
    if (next === current) break;
    out.push(next);
    current = next;
  }
  return out;
}

/** Whether the mesh keeps stat `name` of `family` (cluster or listener). */
function kept(mesh: MeshConfigSource, family: string, name: string): boolean {
  const matcher = isRecord(mesh.meshConfig.defaultConfig) && isRecord(mesh.meshConfig.defaultConfig.proxyStatsMatcher) ? mesh.meshConfig.defaultConfig.proxyStatsMatcher : {};
  const strings = (v: unknown): string[] => arr(v).filter((s): s is string => typeof s === 'string');
  const prefixes = [...DEFAULT_PREFIXES, ...strings(matcher.inclusionPrefixes)];
  const suffixes = [...DEFAULT_SUFFIXES, ...strings(matcher.inclusionSuffixes)];
  const regexes = strings(matcher.inclusionRegexps).flatMap((re) => {
    try {
      return [new RegExp(`^(?:${re})$`)];
    } catch {
      return [];
    }
  });
  return readings(name).map((n) => `${STAT_HEAD[family]}${n}`).some((stat) =>
    prefixes.some((p) => stat.startsWith(p)) || suffixes.some((s) => stat.endsWith(s)) || regexes.some((re) => re.test(stat)));
}
