/**
 * istiod's environment variables (feature flags such as PILOT_SCOPE_GATEWAY_TO_NAMESPACE or
 * BLOCKED_CIDRS_IN_JWKS_URIS), read from the object that installs it: an IstioOperator
 * (`values.pilot.env`, overridden by `components.pilot.k8s.env`, which istioctl overlays), a Sail `Istio` / `IstioRevision`
 * (`values.pilot.env`), an istiod Helm release (Flux HelmRelease or Argo CD Application: the chart's `env`), or an istiod Deployment (`app: istiod`) rendered into the output.
 */
import { isRecord } from '../core/records';
import { arr, labelsOf, specOf } from './check';
import { istiodChartRelease } from './helm-values';
import { GK, Resource } from './resources';

/** Where an object sets istiod's environment, and what it sets. */
export interface IstiodEnv {
  /** The field findings point at. */
  readonly field: string;
  /** Variable → value (scalars as strings). */
  readonly env: Readonly<Record<string, string>>;
}

/** istiod's environment as `r` sets it, or undefined when `r` does not install istiod. */
export function istiodEnv(r: Resource): IstiodEnv | undefined {
  const spec = specOf(r.raw);
  const fromValues = () => scalars(isRecord(spec.values) && isRecord(spec.values.pilot) ? spec.values.pilot.env : undefined);
  switch (r.groupKind) {
    case GK.IstioOperator:
      return { field: 'spec.values.pilot.env', env: { ...fromValues(), ...fromList(spec.components?.pilot?.k8s?.env) } };
    case GK.SailIstio:
    case 'sailoperator.io/IstioRevision':
      return { field: 'spec.values.pilot.env', env: fromValues() };
    case GK.Deployment:
      if (labelsOf(r.raw.metadata?.labels).app !== 'istiod') return undefined;
      return { field: 'spec.template.spec.containers', env: Object.assign({}, ...arr(spec.template?.spec?.containers).map((c) => fromList(c?.env))) };
    default: {
      const release = istiodChartRelease(r);
      if (!release) return undefined;
      return { field: r.groupKind === GK.IstioOperator ? '' : (r.groupKind.startsWith('argoproj.io/') ? 'spec.source.helm.valuesObject.env' : 'spec.values.env'), env: scalars(release.values.env) };
    }
  }
}

function scalars(value: unknown): Record<string, string> {
  if (!isRecord(value)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) if (['string', 'number', 'boolean'].includes(typeof v)) out[k] = String(v);
  return out;
}

/** A Kubernetes `env` list (`[{ name, value }]`) as a map. */
function fromList(list: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of arr(list)) {
    if (isRecord(e) && typeof e.name === 'string' && ['string', 'number', 'boolean'].includes(typeof e.value)) out[e.name] = String(e.value);
  }
  return out;
}
