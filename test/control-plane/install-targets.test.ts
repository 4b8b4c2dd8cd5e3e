import { ApiObject } from 'cdk8s';
import * as istio from '../../lib';

type Obj = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; labels?: Record<string, string> }; [key: string]: any };

const TARGETS: [string, istio.InstallTarget][] = [
  ['istioctl', istio.InstallTarget.ISTIOCTL],
  ['helm-flux', istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX })],
  ['helm-argo-cd', istio.InstallTarget.helm({ tool: istio.GitOpsTool.ARGO_CD })],
  ['sail', istio.InstallTarget.sail({ updateStrategy: istio.SailUpdateStrategy.IN_PLACE, name: 'mesh' })],
];

/** Synthesizes one control plane with `target` in `env` (schemas, CEL and analyzer run) and returns every object. */
function install(env: istio.EnvironmentProfile, target: istio.InstallTarget): { objects: Obj[]; cp: istio.MeshControlPlane } {
  const app = new istio.MeshApp({ outdir: '/tmp/cdk8s-istio-install-targets', printSummary: false });
  const chart = new istio.MeshChart(app, env.name, { environment: env });
  const cp = new istio.MeshControlPlane(chart, 'cp', {
    ...(target.kind === 'sail' ? {} : { revision: 'mesh' }),
    revisionTag: 'stable',
    target,
    meshConfig: { accessLog: istio.AccessLog.json() },
  });
  new istio.MeshNamespace(chart, 'shop', { controlPlane: cp });
  const [out] = app.synthOutputs();
  return { objects: [...out.controlPlane, ...out.gitops, ...out.istioctl] as Obj[], cp };
}

/** What istiod runs with, read back from the objects of each target (the keys differ per target). */
function effective(objects: Obj[]): Record<string, unknown> {
  const one = (kind: string, name?: string) => {
    const found = objects.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name));
    expect(found.map((o) => `${o.kind}/${o.metadata.name}`)).toHaveLength(1);
    return found[0];
  };
  const op = objects.find((o) => o.kind === 'IstioOperator');
  if (op) {
    const k8s = op.spec.components.pilot.k8s;
    const pilot = op.spec.values.pilot;
    return {
      revision: op.spec.revision,
      replicas: k8s.replicaCount,
      hpa: pilot.autoscaleEnabled ? { min: pilot.autoscaleMin, max: pilot.autoscaleMax, cpu: k8s.hpaSpec.metrics[0].resource.target.averageUtilization } : undefined,
      resources: k8s.resources,
      antiAffinity: k8s.affinity,
      zones: pilot.topologySpreadConstraints,
      pdb: op.spec.values.global.defaultPodDisruptionBudget.enabled ? k8s.podDisruptionBudget.minAvailable : undefined,
      priorityClassName: k8s.priorityClassName,
      seccomp: pilot.seccompProfile,
      meshConfig: op.spec.meshConfig,
    };
  }
  const sail = objects.find((o) => o.kind === 'Istio');
  const release = objects.find((o) => (o.kind === 'HelmRelease' && o.spec.chart.spec.chart === 'istiod') || (o.kind === 'Application' && o.spec.source.chart === 'istiod'));
  const values = sail ? { ...sail.spec.values.pilot, global: sail.spec.values.global, meshConfig: sail.spec.values.meshConfig }
    : release!.kind === 'HelmRelease' ? release!.spec.values : release!.spec.source.helm.valuesObject;
  // Sail has no istiod PDB knob: the chart's is off and a PodDisruptionBudget object is written instead.
  const pdb = sail ? (values.global.defaultPodDisruptionBudget.enabled ? 'chart' : objects.find((o) => o.kind === 'PodDisruptionBudget')?.spec.minAvailable)
    : values.global.defaultPodDisruptionBudget.enabled ? values.pdb.minAvailable : undefined;
  return {
    revision: sail ? undefined : values.revision,
    replicas: values.replicaCount,
    hpa: values.autoscaleEnabled ? { min: values.autoscaleMin, max: values.autoscaleMax, cpu: values.cpu.targetAverageUtilization } : undefined,
    resources: values.resources,
    antiAffinity: values.affinity,
    zones: values.topologySpreadConstraints,
    pdb,
    priorityClassName: values.global.priorityClassName,
    seccomp: values.seccompProfile,
    meshConfig: values.meshConfig,
    ...(sail ? { sailRevision: one('Istio').metadata.name } : {}),
  };
}

describe('install targets: one model, the same control plane from every target', () => {
  test.each(istio.Environment.ALL.map((e) => [e.name, e] as [string, istio.EnvironmentProfile]))(
    '%s: replicas, resources, HPA, anti-affinity, zones, PDB, priority, seccomp, meshConfig and revision agree', (_name, env) => {
      // GIVEN / WHEN each target installs the same control plane (every object passes its schema and the analyzer)
      const seen = TARGETS.map(([name, target]) => {
        const { objects, cp } = install(env, target);
        const e = effective(objects);
        // Sail names its revision itself (InPlace: the Istio's name); the others take the given one.
        const { sailRevision, revision, ...rest } = e as any;
        expect([name, cp.revision]).toStrictEqual([name, 'mesh']);
        expect([name, revision ?? sailRevision]).toStrictEqual([name, 'mesh']);
        // Every target points namespaces at the tag.
        expect([name, objects.find((o) => o.kind === 'Namespace' && o.metadata.name === 'shop')!.metadata.labels]).toStrictEqual([name, { 'istio.io/rev': 'stable' }]);
        return [name, rest] as const;
      });
      // THEN the effective settings are identical
      const [, first] = seen[0];
      for (const [name, rest] of seen) expect([name, rest]).toStrictEqual([name, first]);
      expect(first.meshConfig).toMatchObject({ accessLogEncoding: 'JSON', outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } });
      if (env.production) {
        expect([first.priorityClassName, (first.zones as any[])[0].topologyKey]).toStrictEqual(['system-cluster-critical', 'topology.kubernetes.io/zone']);
      }
      expect(first.seccomp).toStrictEqual({ type: 'RuntimeDefault' });
    });
});

describe('revision tags and canary upgrades', () => {
  function twoRevisions(target: istio.InstallTarget, stable: string, shopOn: string) {
    const app = new istio.MeshApp({ outdir: '/tmp/cdk8s-istio-install-targets', printSummary: false });
    const chart = new istio.MeshChart(app, 'prod', { environment: istio.Environment.PROD });
    const cps: Record<string, istio.MeshControlPlane> = {};
    for (const [revision, tag] of [['1-29-4', '1.29.4'], ['1-30-3', '1.30.3']]) {
      cps[revision] = new istio.MeshControlPlane(chart, `cp-${revision}`, { revision, tag, target, ...(revision === stable ? { revisionTag: 'prod-stable' } : {}) });
    }
    new istio.MeshNamespace(chart, 'shop', { controlPlane: cps[shopOn] });
    new istio.MeshNamespace(chart, 'cart', { controlPlane: cps[stable] });
    const [out] = app.synthOutputs();
    return [...out.controlPlane, ...out.gitops] as Obj[];
  }

  test.each([['helm-flux', istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX })], ['istioctl', istio.InstallTarget.ISTIOCTL]])(
    '%s: moving the tag is one value; the tag webhook calls the tagged istiod', (_name, target) => {
      for (const stable of ['1-29-4', '1-30-3']) {
        const objects = twoRevisions(target, stable, stable);
        const hook = objects.find((o) => o.kind === 'MutatingWebhookConfiguration')!;
        expect(hook.metadata).toStrictEqual({ name: 'istio-revision-tag-prod-stable', labels: { 'app': 'sidecar-injector', 'istio.io/rev': stable, 'istio.io/tag': 'prod-stable' } });
        expect(hook.webhooks.map((w: any) => w.clientConfig.service.name)).toStrictEqual([`istiod-${stable}`, `istiod-${stable}`]);
        expect(objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels).map((o) => o.metadata.labels!['istio.io/rev'])).toStrictEqual(['prod-stable', 'prod-stable']);
      }
    });

  test('Helm: both istiod releases side by side, base at the newest version and validating for the tagged revision', () => {
    const objects = twoRevisions(istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX }), '1-29-4', '1-30-3');
    const releases = objects.filter((o) => o.kind === 'HelmRelease').map((o) => [o.metadata.name, o.spec.chart.spec.version, o.spec.dependsOn]);
    expect(releases).toStrictEqual([
      ['istiod-1-29-4', '1.29.4', [{ name: 'istio-base' }]],
      ['istio-base', '1.30.3', undefined],
      ['istiod-1-30-3', '1.30.3', [{ name: 'istio-base' }]],
    ]);
    expect(objects.find((o) => o.metadata.name === 'istio-base')!.spec.values.defaultRevision).toBe('1-29-4');
    // Moving one namespace first: shop points at the new revision itself, cart stays on the tag.
    const labels = Object.fromEntries(objects.filter((o) => o.kind === 'Namespace' && o.metadata.labels).map((o) => [o.metadata.name, o.metadata.labels!['istio.io/rev']]));
    expect(labels).toStrictEqual({ shop: '1-30-3', cart: 'prod-stable' });
  });

  test('removing a revision a namespace still points at is refused', () => {
    const app = new istio.MeshApp({ outdir: '/tmp/cdk8s-istio-install-targets', printSummary: false });
    const chart = new istio.MeshChart(app, 'prod', { environment: istio.Environment.PROD });
    new istio.MeshControlPlane(chart, 'cp', { revision: '1-30-3', revisionTag: 'prod-stable' });
    // a namespace left on the removed revision 1-29-4
    new ApiObject(chart, 'shop', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio.io/rev': '1-29-4' } } });
    expect(() => app.synthOutputs()).toThrow(/Error \[CDK8S-ISTIO-080\] \(Namespace shop\) Namespace shop point at the revision "1-29-4", which no control plane of the output has as its revision or revision tag/);
  });

  test('a tag on two control planes is refused', () => {
    const app = new istio.MeshApp({ outdir: '/tmp/cdk8s-istio-install-targets', printSummary: false });
    const chart = new istio.MeshChart(app, 'prod', { environment: istio.Environment.PROD });
    new istio.MeshControlPlane(chart, 'a', { revision: '1-29-4', tag: '1.29.4', revisionTag: 'prod-stable' });
    new istio.MeshControlPlane(chart, 'b', { revision: '1-30-3', revisionTag: 'prod-stable' });
    expect(() => app.synthOutputs()).toThrow(/revisionTag: "prod-stable" is also the tag of prod\/a; a tag points at one revision/);
  });

  test('Sail: the tag targets the Istio and follows it; a version change is one value', () => {
    const app = new istio.MeshApp({ outdir: '/tmp/cdk8s-istio-install-targets', printSummary: false });
    const chart = new istio.MeshChart(app, 'staging', { environment: istio.Environment.STAGING });
    const cp = new istio.MeshControlPlane(chart, 'cp', { tag: '1.29.4', revisionTag: 'staging-stable', target: istio.InstallTarget.sail({ inactiveRevisionDeletionGracePeriodSeconds: 3600 }) });
    const [out] = app.synthOutputs();
    const objects = out.controlPlane as Obj[];
    expect(cp.revision).toBe('default-v1-29-4');
    expect(objects.find((o) => o.kind === 'Istio')!.spec.updateStrategy).toStrictEqual({ type: 'RevisionBased', inactiveRevisionDeletionGracePeriodSeconds: 3600 });
    expect(objects.find((o) => o.kind === 'IstioRevisionTag')!.spec).toStrictEqual({ targetRef: { kind: 'Istio', name: 'default' } });
  });

  test('ambient mode adds the node agents in every target', () => {
    const kinds = (target: istio.InstallTarget) => {
      const app = new istio.MeshApp({ outdir: '/tmp/cdk8s-istio-install-targets', printSummary: false });
      const chart = new istio.MeshChart(app, 'dev', { environment: istio.Environment.DEV });
      new istio.MeshControlPlane(chart, 'cp', { target, dataplaneMode: istio.MeshDataplaneMode.AMBIENT });
      const [out] = app.synthOutputs();
      return [...out.controlPlane, ...out.istioctl].map((o) => `${o.kind}/${o.metadata.name}`).sort();
    };
    expect(kinds(istio.InstallTarget.ISTIOCTL)).toStrictEqual(['IstioOperator/control-plane']);
    expect(kinds(istio.InstallTarget.helm({ tool: istio.GitOpsTool.ARGO_CD }))).toStrictEqual([
      'Application/istio-base', 'Application/istio-cni', 'Application/istiod', 'Application/ztunnel', 'Namespace/istio-system']);
    expect(kinds(istio.InstallTarget.sail())).toStrictEqual(['Istio/default', 'IstioCNI/default', 'Namespace/istio-system', 'ZTunnel/default']);
  });
});

describe('install target options are checked at construction', () => {
  const errorFor = (props: istio.MeshControlPlaneProps, second?: istio.MeshControlPlaneProps): string => {
    const chart = new istio.MeshChart(new istio.MeshApp({ printSummary: false }), 'prod', { environment: istio.Environment.PROD });
    try {
      new istio.MeshControlPlane(chart, 'cp', props);
      if (second) new istio.MeshControlPlane(chart, 'cp2', second);
    } catch (e) {
      return (e as Error).message;
    }
    throw new Error('expected MeshControlPlane to throw');
  };
  const flux = istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX });
  test.each<[string, istio.MeshControlPlaneProps, istio.MeshControlPlaneProps | undefined, string]>([
    ['an istioctl profile with Helm', { target: flux, profile: istio.InstallProfile.AMBIENT }, undefined,
      '[prod/cp] profile: "ambient" is an istioctl profile, which the helm target does not read. Fix: drop profile (ambient mode is dataplaneMode: MeshDataplaneMode.AMBIENT)'],
    ['an IstioOperator name with Sail', { target: istio.InstallTarget.sail(), name: 'cp' }, undefined,
      '[prod/cp] name: "cp" names the IstioOperator, which the sail target does not write. Fix: name the Istio object with InstallTarget.sail({ name })'],
    ['a revision Sail would not name', { target: istio.InstallTarget.sail(), revision: '1-30-3' }, undefined,
      '[prod/cp] revision: "1-30-3" is not the revision Sail names for Istio "default" at 1.30.3 with RevisionBased (default-v1-30-3). Fix: leave revision out (it is "default-v1-30-3"), or write "default-v1-30-3"'],
    ['an image tag that is no version with Helm', { target: flux, tag: '1.30.3-distroless' }, undefined,
      '[prod/cp] tag: "1.30.3-distroless" is not a release version, which the helm target installs by (chart version / Sail version). Fix: give the version, e.g. "1.30.3"'],
    ['the default tag', { revision: '1-30-3', revisionTag: 'default' }, undefined,
      '[prod/cp] revisionTag: "default" is the default tag, which also takes over `istio-injection=enabled` namespaces. Fix: name the tag after its role, e.g. "prod-stable"'],
    ['a tag named like the revision', { revision: '1-30-3', revisionTag: '1-30-3' }, undefined,
      '[prod/cp] revisionTag: "1-30-3" is the name of the revision itself. Fix: name the tag after its role, e.g. "prod-stable"'],
    ['an Argo CD project with Flux', { target: istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX, argoCdProject: 'mesh' }) }, undefined,
      '[prod/cp] target.argoCdProject: "mesh" is only read with GitOpsTool.ARGO_CD. Fix: drop argoCdProject or choose GitOpsTool.ARGO_CD'],
    ['a grace period with InPlace', { target: istio.InstallTarget.sail({ updateStrategy: istio.SailUpdateStrategy.IN_PLACE, inactiveRevisionDeletionGracePeriodSeconds: 60 }) }, undefined,
      '[prod/cp] target.inactiveRevisionDeletionGracePeriodSeconds: 60 is only read with SailUpdateStrategy.REVISION_BASED. Fix: drop it, or choose SailUpdateStrategy.REVISION_BASED'],
    ['a repository that is no URL', { target: istio.InstallTarget.helm({ tool: istio.GitOpsTool.FLUX, repositoryUrl: 'istio-release' }) }, undefined,
      '[prod/cp] target.repositoryUrl: "istio-release" is not an http(s) URL. Fix: give e.g. "https://istio-release.storage.googleapis.com/charts"'],
    ['two targets in one chart', { revision: '1-29-4', tag: '1.29.4', target: flux }, { target: istio.InstallTarget.sail() },
      '[prod/cp2] target: "sail" differs from the install target of another control plane of this chart (helm with flux). Fix: install every control plane of a chart with the same target'],
    ['CNI without ambient with Helm', { target: flux, cni: true }, undefined,
      '[prod/cp] cni: true is an istioctl component setting; the helm target installs the CNI agent in ambient mode only. Fix: use dataplaneMode: MeshDataplaneMode.AMBIENT, or the istioctl target'],
  ])('%s', (_name, props, second, message) => {
    expect(errorFor(props, second)).toBe(message);
  });
});
