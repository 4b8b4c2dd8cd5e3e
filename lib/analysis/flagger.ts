/**
 * What a Flagger Canary (`flagger.app/Canary`) creates at run time, which the output does not hold but
 * checks must see: the Services `<name>`, `<name>-primary` and `<name>-canary` (so routes to them are
 * not dangling), and the primary Deployment's pods (the target's pod template with `app: <name>-primary`
 * instead of `app: <name>`), which serve the traffic once a rollout is promoted.
 */
import { isRecord } from '../core/records';
import { specOf } from './check';
import type { ServiceInfo } from './hosts';
import type { PodInfo } from './pods';
import { Resource } from './resources';

/** The Flagger Canary kind. */
export const FLAGGER_CANARY = 'flagger.app/Canary';

/** The Services a Canary creates (named `spec.service.name`, else the Canary's name). */
export function canaryServices(r: Resource): ServiceInfo[] {
  if (r.namespace === undefined) return [];
  const spec = specOf(r.raw);
  const service = isRecord(spec.service) ? spec.service : {};
  const name = typeof service.name === 'string' && service.name !== '' ? service.name : r.name;
  const ports = typeof service.port === 'number' ? [{ number: service.port, ...(typeof service.portName === 'string' ? { name: service.portName } : { name: 'http' }) }] : [];
  return [name, `${name}-primary`, `${name}-canary`].map((n) => ({
    host: `${n}.${r.namespace}.svc.cluster.local`,
    namespace: r.namespace,
    exportTo: ['*'],
    ports,
    resource: r,
  }));
}

/** The name of the Deployment a Canary targets, if it targets one. */
export function canaryTarget(r: Resource): string | undefined {
  const target = specOf(r.raw).targetRef;
  return isRecord(target) && target.kind === 'Deployment' && typeof target.name === 'string' ? target.name : undefined;
}

/** The primary's pod: the target's, with `app: <canary name>-primary` (Flagger renames the `app` label). */
export function primaryPod(canary: Resource, target: PodInfo): PodInfo {
  const app = target.labels.app;
  return {
    ...target,
    labels: { ...target.labels, ...(app !== undefined ? { app: `${app}-primary` } : {}) },
    owner: canary,
  };
}
