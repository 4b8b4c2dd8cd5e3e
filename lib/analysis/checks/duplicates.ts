import { Check } from '../check';
import { describe } from '../resources';

/**
 * Two objects with one identity (API group, kind, namespace, name): a cluster keeps only the one
 * applied last, whatever the other said. Versions do not matter (`networking.istio.io/v1` and
 * `v1beta1` are one object). A declared external object with the identity of an output object is not a
 * duplicate: the output takes it over.
 */
export const duplicates: Check = {
  name: 'core.duplicates',
  codes: ['CDK8S-ISTIO-001'],
  description: 'two objects with the same API group, kind, namespace and name',
  run(ctx) {
    for (const same of ctx.identities()) {
      const output = same.filter((r) => !r.external);
      if (output.length < 2) continue;
      const where = output.map((r) => r.source ?? `document ${r.index + 1}`).join(', ');
      for (const r of output.slice(1)) {
        ctx.report('CDK8S-ISTIO-001', r, undefined, [r.kind, describe(r).slice(r.kind.length + 1), output.length, where],
          'give each object its own name, or let one construct own it (two constructs that configure one host share one TrafficHost)');
      }
    }
  },
};
