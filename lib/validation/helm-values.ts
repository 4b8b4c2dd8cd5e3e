/**
 * The values of Istio's Helm charts inside the GitOps objects that install them (a Flux `HelmRelease`
 * or an Argo CD `Application`), checked against the real schemas: the HelmRelease and Application
 * CRDs leave values untyped, so a misspelt key would only be ignored by Helm.
 *
 * - `istiod`, `base`: the Sail Operator's schema of Istio's Helm values (`Istio.spec.values`), whose
 *   `pilot` section is the istiod chart's top level (`autoscaleMin`, `resources`, ...); the istiod chart
 *   also reads `pdb` and `revisionTags`, which Sail does not carry, checked here;
 * - `cni`, `ztunnel`: the values schemas of Sail's `IstioCNI` (`values.cni`) and `ZTunnel` (`values.ztunnel`);
 * - `gateway`: the chart's own values.schema.json (schemas/istio-gateway-chart-values.json).
 *
 * A release is taken for Istio's when its chart has one of these names and its source is Istio's: an
 * Application whose `repoURL` contains `istio`, a HelmRelease whose HelmRepository's name does. Only
 * releases of Istio 1.30 (chart version `1.30.x`, or none given) are checked: the schemas are 1.30.3's,
 * and another release's values are another API.
 */
import { compiledValidator, schemaProblems } from './json-schema';
import { isRecord } from './path';
import { schemaFile, schemaFileNameFor } from './schema-files';
import type { JsonSchema, Problem } from './types';

const ISTIO_CHARTS = ['base', 'istiod', 'cni', 'ztunnel', 'gateway'];
/** The keys every Istio chart reads to pick a profile (`files/profile-*.yaml`). */
const PROFILE_KEYS = ['profile', 'compatibilityVersion', 'platform'];

/** Where a GitOps object keeps an Istio chart's values, or undefined when it installs no Istio chart. */
export function istioChartValues(obj: Record<string, any>): { chart: string; values: unknown; path: string } | undefined {
  const group = typeof obj.apiVersion === 'string' ? obj.apiVersion.split('/')[0] : '';
  const spec = isRecord(obj.spec) ? obj.spec : {};
  if (group === 'helm.toolkit.fluxcd.io' && obj.kind === 'HelmRelease') {
    const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec : {};
    const source = isRecord(chart.sourceRef) ? chart.sourceRef : {};
    if (!ISTIO_CHARTS.includes(chart.chart as string) || typeof source.name !== 'string' || !source.name.includes('istio')) return undefined;
    if (!isIstio130(chart.version)) return undefined;
    return spec.values === undefined ? undefined : { chart: chart.chart as string, values: spec.values, path: 'spec.values' };
  }
  if (group === 'argoproj.io' && obj.kind === 'Application') {
    const source = isRecord(spec.source) ? spec.source : {};
    if (!ISTIO_CHARTS.includes(source.chart as string) || typeof source.repoURL !== 'string' || !source.repoURL.includes('istio')) return undefined;
    if (!isIstio130(source.targetRevision)) return undefined;
    const helm = isRecord(source.helm) ? source.helm : {};
    return helm.valuesObject === undefined ? undefined : { chart: source.chart as string, values: helm.valuesObject, path: 'spec.source.helm.valuesObject' };
  }
  return undefined;
}

/** A chart version of Istio 1.30 (`1.30.3`, `v1.30.3`), or none: the version the schemas describe. */
function isIstio130(version: unknown): boolean {
  return version === undefined || (typeof version === 'string' && /^v?1\.30\./.test(version));
}

/** Keys the istiod chart reads that Sail's `Istio` values do not carry, with their schemas. */
const ISTIOD_ONLY: Record<string, JsonSchema> = {
  pdb: {
    type: 'object',
    additionalProperties: false,
    properties: {
      minAvailable: { type: ['integer', 'string'] },
      maxUnavailable: { type: ['integer', 'string'] },
      unhealthyPodEvictionPolicy: { type: 'string', enum: ['IfHealthyBudget', 'AlwaysAllow'] },
    },
  },
  revisionTags: { type: 'array', items: { type: 'string' } },
};

/** The Sail Operator CRD schema of a kind's `spec.values`. */
function sailValuesSchema(kind: string): JsonSchema {
  const file = schemaFile(schemaFileNameFor('sailoperator.io')!);
  const schema = file.schemas[`sailoperator.io/v1/${kind}`] as any;
  return schema.properties.spec.properties.values as JsonSchema;
}

/**
 * Problems of the Istio chart values `obj` carries, with paths into `obj` (none when it carries none).
 */
export function istioChartValuesProblems(obj: Record<string, any>): Problem[] {
  const found = istioChartValues(obj);
  if (!found) return [];
  const { chart, values, path } = found;
  const at = (p: Problem, from: string): Problem => ({ ...p, path: `${path}${p.path === from ? '' : `.${p.path.slice(from === '' ? 0 : from.length + 1)}`}` });
  if (!isRecord(values)) return [{ path, message: 'must be an object of chart values' }];
  if (chart === 'gateway') {
    const schema = (schemaFile('istio-gateway-chart-values.json') as unknown as { values: JsonSchema }).values;
    return schemaProblems(compiledValidator('istio-gateway-chart-values', schema), values).map((p) => at(p, ''));
  }
  if (chart === 'cni' || chart === 'ztunnel') {
    const kind = chart === 'cni' ? 'IstioCNI' : 'ZTunnel';
    const { global, ...rest } = values;
    // The chart's profile keys (zzz_profile.yaml) are Sail's `spec.profile` / `spec.version`, outside its values.
    const profileProblems: Problem[] = [];
    for (const key of PROFILE_KEYS) {
      if (key in rest && !(key in (((sailValuesSchema(kind) as any).properties[chart] ?? {}).properties ?? {}))) {
        if (typeof rest[key] !== 'string') profileProblems.push({ path: `${path}.${key}`, message: `must be string, got ${JSON.stringify(rest[key])}` });
        delete rest[key];
      }
    }
    const mapped = { ...(global !== undefined ? { global } : {}), [chart]: rest };
    return [...profileProblems, ...schemaProblems(compiledValidator(`sail-${kind}-values`, sailValuesSchema(kind)), mapped)
      .map((p) => (p.path === chart || p.path.startsWith(`${chart}.`) || p.path.startsWith(`${chart}[`) ? at(p, chart) : at(p, '')))];
  }
  // base and istiod: Sail's Istio values, with the istiod chart's top level as `pilot`.
  const istio = sailValuesSchema('Istio') as { properties: Record<string, JsonSchema> };
  const top: Record<string, unknown> = {};
  const pilot: Record<string, unknown> = {};
  const problems: Problem[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (chart === 'istiod' && key in ISTIOD_ONLY) {
      problems.push(...schemaProblems(compiledValidator(`istiod-chart-${key}`, ISTIOD_ONLY[key]), value).map((p) => ({ ...p, path: `${path}.${key}${p.path ? `.${p.path}` : ''}` })));
    } else if (key in istio.properties && key !== 'pilot') {
      top[key] = value;
    } else if (chart === 'istiod') {
      pilot[key] = value;
    } else {
      top[key] = value;
    }
  }
  const mapped = { ...top, ...(Object.keys(pilot).length ? { pilot } : {}) };
  problems.push(...schemaProblems(compiledValidator('sail-Istio-values', istio), mapped)
    .map((p) => (p.path.startsWith('pilot.') || p.path.startsWith('pilot[') ? at(p, 'pilot') : at(p, ''))));
  return problems;
}
