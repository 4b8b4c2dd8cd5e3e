import { Chart } from 'cdk8s';
import { IConstruct } from 'constructs';
import { formatInputError, invalidInput } from '../core/errors';

import { checkDnsLabel } from '../core/names';
export { checkDnsLabel };
export { isIpOrCidr } from '../core/network';

/**
 * The text of a `node.addValidation` error. cdk8s already prefixes every validation message with
 * `[<construct path>]`, so the path is left out here to avoid printing it twice.
 * @internal
 */
export function validationMessage(field: string, value: unknown, problem: string, fix: string): string {
  return formatInputError('', field, value, problem, fix);
}


/**
 * The namespace an Istio policy lands in: the one given, else the one its target lives in, else the
 * chart's. A policy without a namespace would be applied to `default`, which is never what a security
 * policy means, so that is an error.
 * @internal
 */
export function resolveNamespace(scope: IConstruct, given: string | undefined, fromTarget: string | undefined): string {
  if (given !== undefined && fromTarget !== undefined && given !== fromTarget) {
    throw invalidInput(scope, 'namespace', given, `differs from the namespace of the selected workload (${JSON.stringify(fromTarget)}); a policy only applies to workloads in its own namespace`,
      `leave namespace out or set it to "${fromTarget}"`);
  }
  const ns = given ?? fromTarget ?? Chart.of(scope).namespace;
  if (ns === undefined) {
    throw invalidInput(scope, 'namespace', ns, 'is not set, so the policy would land in whatever namespace kubectl or the GitOps tool defaults to',
      'give the namespace of the workloads the policy protects, e.g. namespace: "bookinfo"');
  }
  return checkDnsLabel(scope, 'namespace', ns, 'use a namespace name such as "bookinfo"');
}


/**
 * True for Istio's string-match syntax: exact, `*`, a prefix match `abc*` or a suffix match `*abc`
 * (one `*`, at one end).
 * @internal
 */
export function isIstioStringMatch(value: string): boolean {
  if (value === '*') {
    return true;
  }
  const stars = value.split('*').length - 1;
  if (stars === 0) {
    return true;
  }
  return stars === 1 && (value.startsWith('*') || value.endsWith('*'));
}

