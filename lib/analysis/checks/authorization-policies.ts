import { arr, Check, labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { showLabels } from '../pods';
import { GK, Resource } from '../resources';
import { inMesh, noMatchReason } from './mesh-membership';

/**
 * AuthorizationPolicies that apply to nothing, or name namespaces that do not exist (as istioctl's
 * `auth.AuthorizationPoliciesAnalyzer`):
 *
 * - IST0127: a `selector` that matches no pod in the mesh (pods that have no proxy do not count, see
 *   `mesh-membership.ts`), in the policy's namespace, or in every namespace when the policy is in the
 *   root namespace; a policy without selector (namespace-wide) in a namespace that runs no pod in
 *   the mesh. A selector-less policy in the root namespace applies to the whole mesh and is never
 *   reported. Policies with `targetRefs` attach to a Gateway, Service or ServiceEntry instead of
 *   pods: they are left alone (istioctl does not check those targets either).
 * - IST0101: a `rules[].from[].source.namespaces` / `notNamespaces` entry that no namespace of the
 *   output (or declared) matches, with Istio's match syntax (`*`, prefix `team-*`, suffix `*-test`).
 *   Principals are not checked: service accounts are often created outside the output.
 */
export const authorizationPolicies: Check = {
  name: 'auth.authorizationpolicies',
  codes: ['IST0127', 'IST0101'],
  description: 'AuthorizationPolicies whose selector matches no workload in the mesh, or whose sources name namespaces that do not exist',
  run(ctx) {
    const policies = ctx.output(GK.AuthorizationPolicy);
    if (policies.length === 0) return;
    const root = ctx.rootNamespace();
    const namespaces = new NamespaceMatcher(ctx);
    for (const policy of policies) {
      const spec = specOf(policy.raw);
      noMatchingWorkloads(ctx, policy, spec, root);
      arr(spec.rules).forEach((rule, i) => {
        arr(rule?.from).forEach((from, j) => {
          for (const field of ['namespaces', 'notNamespaces']) {
            arr(from?.source?.[field]).forEach((ns, k) => {
              if (typeof ns !== 'string' || namespaces.matches(ns)) return;
              ctx.report('IST0101', policy, `spec.rules[${i}].from[${j}].source.${field}[${k}]`, ['namespace', ns],
                `create the namespace (or declare it: ExternalResources namespaces, --external Namespace/${ns}), or correct the name; `
                + 'a source namespace nobody runs never matches, so the rule is dead');
            });
          }
        });
      });
    }
  },
};

function noMatchingWorkloads(ctx: AnalysisContext, policy: Resource, spec: Record<string, any>, root: string): void {
  if (arr(spec.targetRefs).length > 0 || (typeof spec.targetRef === 'object' && spec.targetRef !== null)) return;
  const ns = policy.namespace!;
  const hasSelector = typeof spec.selector === 'object' && spec.selector !== null;
  const labels = labelsOf(spec.selector?.matchLabels);
  if (!hasSelector) {
    if (ns === root) return;
    const pods = ctx.pods.matching(ns, {});
    if (pods.some((p) => inMesh(ctx, p))) return;
    ctx.report('IST0127', policy, undefined, ['none (namespace-wide policy)'],
      `run the workloads it protects in namespace "${ns}" or declare them (ExternalResources workloads), or delete the policy: ${noMatchReason(pods, `in namespace "${ns}"`)}`);
    return;
  }
  const pods = ctx.podsForIstioSelector(ns, labels);
  if (pods.some((p) => inMesh(ctx, p))) return;
  const where = ns === root ? 'in any namespace (the policy is in the root namespace)' : `in namespace "${ns}"`;
  ctx.report('IST0127', policy, 'spec.selector.matchLabels', [showLabels(labels)],
    `correct the labels to those of the pods it should protect, or declare the workloads (ExternalResources workloads): ${noMatchReason(pods, where)}`);
}

/** Namespace names with Istio's string match (exact, `*`, `prefix*`, `*suffix`), indexed for binary search. */
class NamespaceMatcher {
  private readonly names: string[];
  private readonly reversed: string[];

  constructor(private readonly ctx: AnalysisContext) {
    const set = new Set<string>(ctx.all(GK.Namespace).map((r) => r.name));
    for (const m of ctx.meshConfigs) set.add(m.istioNamespace);
    this.names = [...set].sort();
    this.reversed = this.names.map(reverse).sort();
  }

  public matches(pattern: string): boolean {
    if (pattern === '*') return true;
    if (pattern.startsWith('*')) return hasPrefix(this.reversed, reverse(pattern.slice(1)));
    if (pattern.endsWith('*')) return hasPrefix(this.names, pattern.slice(0, -1));
    return this.ctx.namespaceExists(pattern) || this.ctx.namespaceExists(pattern.toLowerCase());
  }
}

function reverse(s: string): string {
  return [...s].reverse().join('');
}

/** Whether a sorted list has an entry starting with `prefix`. */
function hasPrefix(sorted: readonly string[], prefix: string): boolean {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid] < prefix) lo = mid + 1;
    else hi = mid;
  }
  return lo < sorted.length && sorted[lo].startsWith(prefix);
}
