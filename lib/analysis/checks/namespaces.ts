import { Check } from '../check';
import { nsName, Resource } from '../resources';

/**
 * Objects in a namespace that the output does not create and no declaration says exists: applying
 * them fails with `namespaces "x" not found` (or, with a GitOps tool that creates namespaces, makes
 * one without the labels the mesh needs). Reported once per namespace, on its first object.
 */
export const namespaces: Check = {
  name: 'core.namespaces',
  codes: ['CDK8S-ISTIO-002'],
  description: 'objects in a namespace neither created by the output nor declared existing',
  run(ctx) {
    const missing = new Map<string, { first: Resource; count: number }>();
    for (const r of ctx.resources) {
      if (r.external || r.namespace === undefined || ctx.namespaceExists(r.namespace)) continue;
      const entry = missing.get(r.namespace);
      if (entry) entry.count++;
      else missing.set(r.namespace, { first: r, count: 1 });
    }
    for (const [ns, { first, count }] of missing) {
      ctx.report('CDK8S-ISTIO-002', first, 'metadata.namespace', [ns],
        `create it (a Namespace object, e.g. MeshNamespace) or declare it existing (ExternalResources namespaces, or --external Namespace/${ns}); `
        + `${count} object(s) of the output are in it, first ${first.kind} ${nsName(first)}`);
    }
  },
};
