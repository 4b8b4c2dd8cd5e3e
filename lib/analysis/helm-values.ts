/**
 * istiod installed by Istio's Helm chart through a GitOps tool: a Flux `HelmRelease` or an Argo CD
 * `Application` of the `istiod` chart. Its values are the chart's own (flat: `revision`, `meshConfig`,
 * `env`, `autoscaleMin`, ...), inline in the object (`spec.values`, `spec.source.helm.valuesObject`).
 */
import { isRecord } from '../core/records';
import { Resource } from './resources';

/** The group/kinds that can install a Helm chart. */
export const HELM_RELEASE_KINDS = ['helm.toolkit.fluxcd.io/HelmRelease', 'argoproj.io/Application'];

/** The istiod chart's values and target namespace of `r`, or undefined when `r` does not install istiod's chart. */
export function istiodChartRelease(r: Resource): { values: Record<string, any>; namespace: string } | undefined {
  const spec = isRecord(r.raw.spec) ? r.raw.spec : {};
  if (r.groupKind === HELM_RELEASE_KINDS[0]) {
    const chart = isRecord(spec.chart) && isRecord(spec.chart.spec) ? spec.chart.spec.chart : undefined;
    if (chart !== 'istiod') return undefined;
    const namespace = typeof spec.targetNamespace === 'string' && spec.targetNamespace !== '' ? spec.targetNamespace : r.namespace ?? 'istio-system';
    return { values: isRecord(spec.values) ? spec.values : {}, namespace };
  }
  if (r.groupKind === HELM_RELEASE_KINDS[1]) {
    const source = isRecord(spec.source) ? spec.source : undefined;
    if (!source || source.chart !== 'istiod') return undefined;
    const helm = isRecord(source.helm) ? source.helm : {};
    const destination = isRecord(spec.destination) ? spec.destination : {};
    const namespace = typeof destination.namespace === 'string' && destination.namespace !== '' ? destination.namespace : 'istio-system';
    return { values: isRecord(helm.valuesObject) ? helm.valuesObject : {}, namespace };
  }
  return undefined;
}
