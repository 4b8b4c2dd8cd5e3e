import { isRecord } from '../../core/records';
import { arr, Check, labelsOf } from '../check';
import { controlPlanes, INJECTION_LABEL, matchesOrAll, REVISION_LABEL, SIDECAR_INJECT } from '../injection';
import { LabelSelector, readLabelSelector } from '../pods';
import { GK, Resource } from '../resources';

/** One webhook of an Istio MutatingWebhookConfiguration. */
interface Hook {
  readonly config: Resource;
  readonly index: number;
  /** `<configuration>/<webhook>`, as istioctl names it. */
  readonly id: string;
  readonly namespaceSelector?: LabelSelector;
  readonly objectSelector?: LabelSelector;
  readonly service?: { readonly namespace: string; readonly name: string };
}

/** A selector that nothing satisfies (an unreadable one: Kubernetes would refuse it). */
const NOTHING: LabelSelector = { matchExpressions: [{ key: '', operator: 'Invalid' }] };

/**
 * Istio's injection webhooks (Istio's `webhook.Analyzer`, IST0139): for every combination of the
 * namespace and pod labels that steer injection (`istio-injection`, `sidecar.istio.io/inject`, and
 * `istio.io/rev` with each revision the webhooks name), at most one webhook may match, else pods are
 * injected twice; and a webhook's service must exist. A configuration is Istio's when it has an
 * `istio.io/rev` label, names a revision in a selector, or has a webhook named `…istio.io`. The
 * services of the control planes in the input (`istiod[-<revision>]`, `istiod-revision-tag-<tag>` in
 * istiod's namespace) count as existing.
 */
export const webhooks: Check = {
  name: 'webhook.webhooks',
  codes: ['IST0139'],
  description: 'Istio injection webhooks that overlap or call a service that does not exist',
  run(ctx) {
    const hooks: Hook[] = [];
    const revisions = new Set<string>();
    for (const config of ctx.all(GK.MutatingWebhook)) {
      const list = arr(config.raw.webhooks);
      const revs = revisionsOf(config, list);
      if (revs.length === 0 && !list.some((w) => isRecord(w) && typeof w.name === 'string' && w.name.endsWith('istio.io'))) continue;
      revs.forEach((r) => revisions.add(r));
      list.forEach((w, index) => {
        if (!isRecord(w)) return;
        const client = isRecord(w.clientConfig) ? w.clientConfig : {};
        const service = isRecord(client.service) ? client.service : undefined;
        hooks.push({
          config,
          index,
          id: `${config.name}/${typeof w.name === 'string' ? w.name : ''}`,
          ...(w.namespaceSelector !== undefined && w.namespaceSelector !== null ? { namespaceSelector: readLabelSelector(w.namespaceSelector) ?? NOTHING } : {}),
          ...(w.objectSelector !== undefined && w.objectSelector !== null ? { objectSelector: readLabelSelector(w.objectSelector) ?? NOTHING } : {}),
          ...(service ? { service: { namespace: String(service.namespace ?? ''), name: String(service.name ?? '') } } : {}),
        });
      });
    }
    if (hooks.length === 0) return;

    const reported = new Set<string>();
    const report = (h: Hook, field: string, message: string, fix: string): void => {
      const key = `${h.config.index}\u0000${h.index}\u0000${message}`;
      if (reported.has(key)) return;
      reported.add(key);
      ctx.report('IST0139', h.config, field, [message], fix);
    };
    const namespaceSets = permutations(INJECTION_LABEL, ['enabled', 'disabled'], revisions);
    const objectSets = permutations(SIDECAR_INJECT, ['true', 'false'], revisions);
    for (const ns of namespaceSets) {
      for (const obj of objectSets) {
        const matched = hooks.filter((h) => matchesOrAll(h.namespaceSelector, ns) && matchesOrAll(h.objectSelector, obj));
        if (matched.length < 2) continue;
        for (const h of matched) {
          const others = [...new Set(matched.filter((o) => o.id !== h.id).map((o) => o.id))].sort();
          if (others.length === 0) continue;
          report(h, `webhooks[${h.index}]`, `Webhook overlaps with others: [${others.join(' ')}]. This may cause injection to occur twice.`,
            'make the selectors exclusive (as istiod\'s chart does: one webhook per revision and label combination), or delete the older injector configuration');
        }
      }
    }

    const provided = new Set<string>();
    for (const cp of controlPlanes(ctx)) {
      const ns = cp.source.istioNamespace;
      provided.add(`${ns}/${cp.source.revision === 'default' ? 'istiod' : `istiod-${cp.source.revision}`}`);
      for (const tag of cp.names.slice(1)) provided.add(`${ns}/istiod-revision-tag-${tag}`);
    }
    for (const h of hooks) {
      if (h.service === undefined) continue;
      const { namespace, name } = h.service;
      if (ctx.find(GK.Service, namespace, name).length > 0 || provided.has(`${namespace}/${name}`)) continue;
      report(h, `webhooks[${h.index}].clientConfig.service`, `Injector refers to a control plane service that does not exist: ${namespace}/${name}.`,
        `point it at istiod's service (istiod, or istiod-<revision>, in istiod's namespace), or declare the service if it exists (ExternalResources services)`);
    }
  },
};

/** `{}`, `{key: v}` for each value, and each of these with `istio.io/rev=<revision>` for every revision. */
function permutations(key: string, values: readonly string[], revisions: ReadonlySet<string>): Record<string, string>[] {
  const base: Record<string, string>[] = [{}, ...values.map((v) => ({ [key]: v }))];
  const out = [...base];
  for (const rev of [...revisions].sort()) for (const b of base) out.push({ ...b, [REVISION_LABEL]: rev });
  return out;
}

/** The revisions a configuration names: its `istio.io/rev` label and the values its selectors give that key. */
function revisionsOf(config: Resource, list: readonly unknown[]): string[] {
  const revs = new Set<string>();
  const label = labelsOf(isRecord(config.raw.metadata) ? config.raw.metadata.labels : undefined)[REVISION_LABEL];
  if (label !== undefined) revs.add(label);
  for (const w of list) {
    if (!isRecord(w)) continue;
    for (const sel of [w.namespaceSelector, w.objectSelector]) {
      if (!isRecord(sel)) continue;
      const ml = labelsOf(sel.matchLabels)[REVISION_LABEL];
      if (ml !== undefined) revs.add(ml);
      for (const e of arr(sel.matchExpressions)) {
        if (isRecord(e) && e.key === REVISION_LABEL) for (const v of arr(e.values)) if (typeof v === 'string') revs.add(v);
      }
    }
  }
  return [...revs];
}
