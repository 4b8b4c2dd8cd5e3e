import { Check } from '../check';
import { installedPods } from '../installed-pods';
import { GK, nsName, Resource } from '../resources';

/** What installs a gateway of one name in one namespace (Deployment, Service, ServiceAccount of that name). */
interface Installer {
  readonly owner: Resource;
  readonly what: string;
}

/**
 * Two installers of one gateway name in one namespace: an IstioOperator gateway component (or its
 * profile's `istio-ingressgateway`) and a Deployment or Service of the output of the same name, or a
 * release of Istio's `gateway` chart of that name. Each writes the Deployment, Service and ServiceAccount
 * `<namespace>/<name>`, so they overwrite each other (istioctl reinstalls its own, Flux / Argo CD theirs)
 * and pods of both selectors end up behind one Service. One finding per object of the output.
 */
export const gatewayNameClash: Check = {
  name: 'gateway.nameclash',
  codes: ['CDK8S-ISTIO-060'],
  description: 'a gateway workload or chart release of the output with the name of a gateway an IstioOperator installs in the same namespace',
  run(ctx) {
    const operator = new Map<string, Installer>();
    const releases: { key: string; installer: Installer }[] = [];
    for (const pod of installedPods(ctx)) {
      const name = pod.owner.groupKind === GK.IstioOperator ? pod.labels['service.istio.io/canonical-name'] : pod.labels['app.kubernetes.io/name'];
      if (name === undefined || pod.owner.groupKind === GK.K8sGateway) continue;
      const key = `${pod.namespace}/${name}`;
      if (pod.owner.groupKind === GK.IstioOperator) {
        if (!operator.has(key)) operator.set(key, { owner: pod.owner, what: `IstioOperator ${nsName(pod.owner)}` });
      } else {
        releases.push({ key, installer: { owner: pod.owner, what: `${pod.owner.kind} ${nsName(pod.owner)}` } });
      }
    }
    if (operator.size === 0) return;
    const clash = (resource: Resource, key: string, field: string) => {
      const installer = operator.get(key);
      if (installer === undefined) return;
      ctx.report('CDK8S-ISTIO-060', resource, field, [`${resource.kind} ${nsName(resource)}`, key, installer.what],
        'rename this gateway; or bind to the installed one with GatewayTarget.existing({ selector, serviceAccount }) instead of installing a second; '
        + 'or leave it out of the IstioOperator (profile minimal, or the component with enabled: false)');
    };
    for (const kind of [GK.Deployment, GK.Service]) {
      for (const r of ctx.all(kind)) {
        if (r.namespace !== undefined) clash(r, `${r.namespace}/${r.name}`, 'metadata.name');
      }
    }
    for (const { key, installer } of releases) clash(installer.owner, key, 'spec');
  },
};
