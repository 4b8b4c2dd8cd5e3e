import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { invalidInput } from './errors';
import { checkDnsLabel } from './names';

/** Where a namespace could come from, most specific first. */
export interface NamespaceSources {
  /** What the user set on the construct. */
  readonly given?: string;
  /** The namespace of what the construct targets: a workload, a service host (`name.ns.svc...`). */
  readonly target?: string;
  /** Describes `target` in the error when the two differ, e.g. "the selected workload". */
  readonly targetName?: string;
}

/**
 * The namespace a namespaced Istio object lands in: the one given, else its target's, else the chart's.
 * There is no silent `default`: an object without one would be applied to whatever namespace kubectl
 * or the GitOps tool defaults to, which is never what a mesh policy means. A given namespace that
 * differs from the target's is an error too, since Istio applies selectors and short hosts in the
 * object's own namespace only.
 */
export function resolveNamespace(scope: IConstruct, sources: NamespaceSources): string {
  const { given, target } = sources;
  if (given !== undefined && target !== undefined && given !== target) {
    throw invalidInput(scope, 'namespace', given, `differs from the namespace of ${sources.targetName ?? 'the target'} (${JSON.stringify(target)}); Istio applies it in its own namespace only`,
      `leave namespace out or set it to "${target}"`);
  }
  const ns = given ?? target ?? Chart.of(scope).namespace;
  if (ns === undefined) {
    throw invalidInput(scope, 'namespace', ns, 'is not set, so the object would land in whatever namespace kubectl or the GitOps tool defaults to',
      'give the namespace, e.g. namespace: "bookinfo" (or set it on the chart or the workload)');
  }
  return checkDnsLabel(scope, 'namespace', ns, 'use a namespace name such as "bookinfo"');
}
