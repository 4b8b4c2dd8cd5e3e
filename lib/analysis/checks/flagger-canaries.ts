import { arr, Check, labelsOf, specOf } from '../check';
import { AnalysisContext } from '../context';
import { canaryServices, canaryTarget, FLAGGER_CANARY } from '../flagger';
import { HostIndex, resolveHost } from '../hosts';
import { podOf, showLabels } from '../pods';
import { describe, GK, Resource } from '../resources';
import { gatewayApiRouteHosts } from './k8sgateway-conflicting-hosts';
import { ROUTE_KINDS } from './k8sgateway-route-references';

/** Kinds whose `selector.matchLabels` picks the pods a policy or scope applies to. */
const SELECTING_KINDS = [GK.AuthorizationPolicy, GK.PeerAuthentication, GK.RequestAuthentication, GK.Sidecar, GK.Telemetry, GK.WasmPlugin];

/**
 * What a Flagger Canary will own at run time and what must cover it:
 *
 * - its target Deployment exists (IST0101);
 * - no VirtualService, DestinationRule or Gateway API route of the output configures a host the
 *   Canary's Services define (`<name>`, `<name>-primary`, `<name>-canary`): Flagger writes those
 *   (CDK8S-ISTIO-072);
 * - a policy or scope whose selector picks the target's pods also picks the primary's (Flagger renames
 *   `app: <name>` to `app: <name>-primary` on the primary, which serves the traffic after promotion),
 *   else it stops applying once a rollout is promoted (CDK8S-ISTIO-073).
 */
export const flaggerCanaries: Check = {
  name: 'flagger.canaries',
  codes: ['IST0101', 'CDK8S-ISTIO-072', 'CDK8S-ISTIO-073'],
  description: 'Flagger Canaries: target exists, the hosts Flagger owns are routed by nobody else, selectors cover the primary',
  run(ctx) {
    const canaries = ctx.output(FLAGGER_CANARY);
    if (canaries.length === 0) return;
    const owned = new HostIndex<Resource>();
    for (const c of canaries) for (const s of canaryServices(c)) owned.add(s.host, c);
    for (const c of canaries) {
      const target = canaryTarget(c);
      if (target !== undefined && ctx.find(GK.Deployment, c.namespace, target).length === 0) {
        ctx.report('IST0101', c, 'spec.targetRef', ['Deployment', `${c.namespace}/${target}`], 'create the Deployment in the Canary\'s namespace, or fix targetRef.name');
      }
    }
    ownedHosts(ctx, owned);
    primarySelectors(ctx, canaries);
  },
};

function ownedHosts(ctx: AnalysisContext, owned: HostIndex<Resource>): void {
  const report = (r: Resource, field: string, host: string) => {
    const canary = owned.lookup(host)[0];
    if (canary !== undefined) {
      ctx.report('CDK8S-ISTIO-072', r, field, [describe(r), host, `${canary.namespace}/${canary.name}`],
        'remove this object (Flagger writes the host\'s routes and DestinationRules), or roll the host out without Flagger');
    }
  };
  for (const vs of ctx.output(GK.VirtualService)) {
    arr(specOf(vs.raw).hosts).forEach((h, i) => {
      if (typeof h === 'string' && h !== '*') report(vs, `spec.hosts[${i}]`, resolveHost(h, vs.namespace!));
    });
  }
  for (const dr of ctx.output(GK.DestinationRule)) {
    const h = specOf(dr.raw).host;
    if (typeof h === 'string') report(dr, 'spec.host', resolveHost(h, dr.namespace!));
  }
  const routes = gatewayApiRouteHosts(ROUTE_KINDS.flatMap((k) => ctx.output(k)));
  for (const c of ctx.output(FLAGGER_CANARY)) {
    for (const s of canaryServices(c)) {
      for (const { route, host } of routes.lookup(s.host)) report(route, 'spec', host);
    }
  }
}

function primarySelectors(ctx: AnalysisContext, canaries: readonly Resource[]): void {
  for (const c of canaries) {
    const target = canaryTarget(c);
    if (target === undefined) continue;
    const deployment = ctx.find(GK.Deployment, c.namespace, target)[0];
    const pod = deployment === undefined ? undefined : podOf(deployment);
    if (pod === undefined || pod.labels.app === undefined) continue;
    const primaryLabels: Record<string, string> = { ...pod.labels, app: `${pod.labels.app}-primary` };
    for (const kind of SELECTING_KINDS) {
      for (const r of ctx.output(kind)) {
        if (r.namespace !== c.namespace) continue;
        const matchLabels = labelsOf((specOf(r.raw).selector ?? specOf(r.raw).workloadSelector)?.matchLabels ?? specOf(r.raw).workloadSelector?.labels);
        const keys = Object.keys(matchLabels);
        if (keys.length === 0) continue;
        const picks = (labels: Record<string, string>) => keys.every((k) => labels[k] === matchLabels[k]);
        if (picks({ ...pod.labels }) && !picks(primaryLabels)) {
          ctx.report('CDK8S-ISTIO-073', r, 'spec.selector', [showLabels(matchLabels), `${c.namespace}/${target}`, `${c.namespace}/${c.name}`, primaryLabels.app],
            `select on a label the primary keeps (not app), e.g. one both pod templates carry, or write one policy per app label (${pod.labels.app} and ${primaryLabels.app})`);
        }
      }
    }
  }
}
