import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import {
  AutoscalingSetting, DisruptionBudgetSetting,
  AccessLog, AntiAffinityMode, Environment, EnvironmentProfile, InstallProfile, MeshApp, MeshChart, MeshControlPlane, MeshControlPlaneProps, OutboundTraffic,
  SidecarResources, Tracing,
} from '../../lib';
import { errorOf, find, meshApp, Obj } from '../support/charts';
import { expectValidManifests } from '../support/validate';

/** GIVEN a MeshChart of `env` WHEN a control plane is added THEN returns its synthesized IstioOperator. */
function operatorFor(env: EnvironmentProfile, props: MeshControlPlaneProps = {}): Obj {
  const app = meshApp();
  const chart = new MeshChart(app, env.name, { environment: env });
  new MeshControlPlane(chart, 'control-plane', props);
  const objects = chart.toJson() as Obj[];
  expectValidManifests(objects);
  return find(objects, 'IstioOperator', props.name ?? 'control-plane', 'istio-system');
}

/** The one gateway component of `kind` named `name` in the operator `op`. */
function component(op: Obj, kind: 'ingressGateways' | 'egressGateways', name: string): any {
  const found = (op.spec.components[kind] as { name: string }[]).filter((c) => c.name === name);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The error a control plane with `props` throws in a PROD chart. */
function errorFor(props: MeshControlPlaneProps): string {
  const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD });
  try {
    new MeshControlPlane(chart, 'cp', props);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected MeshControlPlane to throw');
}

describe('MeshControlPlane sizing per environment', () => {
  test('PROD: HPA 2-5 at 80% CPU, required hostname anti-affinity, PDB, guide resources', () => {
    const op = operatorFor(Environment.PROD);
    const k8s = op.spec.components.pilot.k8s;
    // The HPA owns the replica count: no replicaCount (istioctl would reset spec.replicas on every
    // install). The CPU target is k8s.hpaSpec: values.pilot.cpu is deprecated in 1.30's values API.
    expect(k8s.replicaCount).toBeUndefined();
    expect(k8s.hpaSpec).toStrictEqual({ minReplicas: 2, maxReplicas: 5, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }] });
    expect(k8s.strategy).toStrictEqual({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(k8s.priorityClassName).toBe('system-cluster-critical');
    expect(op.spec.values.pilot.autoscaleMin).toBeGreaterThanOrEqual(2);
    expect(k8s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution).toStrictEqual([
      { labelSelector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': 'default' } }, topologyKey: 'kubernetes.io/hostname' },
    ]);
    expect(k8s.podDisruptionBudget).toStrictEqual({ minAvailable: 1 });
    expect(k8s.resources).toStrictEqual({ requests: { cpu: '500m', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } });
    // No deprecated key (cpu, rollingMaxSurge, rollingMaxUnavailable); zone spreading and seccomp in PROD.
    expect(op.spec.values.pilot).toStrictEqual({
      autoscaleEnabled: true, autoscaleMin: 2, autoscaleMax: 5, seccompProfile: { type: 'RuntimeDefault' },
      topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': 'default' } } }],
    });
    expect(op.spec.values.global.defaultPodDisruptionBudget).toStrictEqual({ enabled: true });
    expect(op.spec.values.global.proxy.resources).toStrictEqual({ requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '2', memory: '1Gi' } });
  });

  test('DEV: one replica, and no HPA, anti-affinity or PDB (Istio defaults for both switched off)', () => {
    const op = operatorFor(Environment.DEV);
    const k8s = op.spec.components.pilot.k8s;
    expect(k8s.replicaCount).toBe(1);
    expect(k8s.hpaSpec).toBeUndefined();
    expect(k8s.affinity).toBeUndefined();
    expect(k8s.podDisruptionBudget).toBeUndefined();
    expect(op.spec.values.pilot).toStrictEqual({ autoscaleEnabled: false, seccompProfile: { type: 'RuntimeDefault' } });
    expect(k8s.priorityClassName).toBeUndefined();
    expect(op.spec.values.global.defaultPodDisruptionBudget.enabled).toBe(false);
  });

  test('STAGING: preferred anti-affinity with weight 100', () => {
    const op = operatorFor(Environment.STAGING);
    const k8s = op.spec.components.pilot.k8s;
    expect(k8s.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].weight).toBe(100);
    expect(k8s.replicaCount).toBeUndefined();
    expect(op.spec.values.pilot.autoscaleMin).toBe(2);
    // Preferred spreading never blocks a surge pod: the chart's rollout defaults stay.
    expect(k8s.strategy).toBeUndefined();
  });

  test('every number is overridable per construct, and NONE turns the HPA and PDB off', () => {
    const op = operatorFor(Environment.PROD, {
      pilot: {
        replicas: 4,
        autoscaling: AutoscalingSetting.NONE,
        podDisruptionBudget: DisruptionBudgetSetting.minAvailable(2),
        resources: { requests: { cpu: '1', memory: '3Gi' }, limits: { cpu: '2', memory: '6Gi' } },
        nodeSelector: { pool: 'system' },
        tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'istio', effect: 'NoSchedule' }],
        env: { PILOT_ENABLE_ALPHA_GATEWAY_API: 'false' },
        priorityClassName: 'system-cluster-critical',
      },
    });
    const k8s = op.spec.components.pilot.k8s;
    expect(k8s.replicaCount).toBe(4);
    expect(k8s.hpaSpec).toBeUndefined();
    expect(op.spec.values.pilot).toStrictEqual({ autoscaleEnabled: false, seccompProfile: { type: 'RuntimeDefault' }, topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { 'app': 'istiod', 'istio.io/rev': 'default' } } }] });
    expect(k8s.strategy).toStrictEqual({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(k8s.podDisruptionBudget).toStrictEqual({ minAvailable: 2 });
    expect(k8s.resources.requests).toStrictEqual({ cpu: '1', memory: '3Gi' });
    expect(k8s.nodeSelector).toStrictEqual({ pool: 'system' });
    expect(k8s.tolerations).toStrictEqual([{ key: 'dedicated', operator: 'Equal', value: 'istio', effect: 'NoSchedule' }]);
    expect(k8s.env).toStrictEqual([{ name: 'PILOT_ENABLE_ALPHA_GATEWAY_API', value: 'false' }]);
    expect(k8s.priorityClassName).toBe('system-cluster-critical');
  });

  test('required anti-affinity: one pod at a time with 2+ replicas, the chart defaults with a single replica', () => {
    // With 2 replicas, the chart's maxUnavailable 25% is 0: only a surge pod could move the rollout,
    // and with required anti-affinity it needs a node that has no istiod yet.
    const two = operatorFor(Environment.PROD, { pilot: { autoscaling: AutoscalingSetting.NONE, replicas: 2 } });
    expect(two.spec.components.pilot.k8s.strategy).toStrictEqual({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    expect(two.spec.values.pilot.rollingMaxSurge).toBeUndefined();
    // One replica: taking it down first would be an outage, so the surge (which may wait for a node) stays.
    const one = operatorFor(Environment.PROD, { pilot: { autoscaling: AutoscalingSetting.NONE, replicas: 1, podDisruptionBudget: DisruptionBudgetSetting.NONE } });
    expect(one.spec.components.pilot.k8s.strategy).toBeUndefined();
    // An HPA whose floor is 1 counts as one replica.
    const hpaFromOne = operatorFor(Environment.PROD, { pilot: { autoscaling: AutoscalingSetting.hpa({ minReplicas: 1, maxReplicas: 3, targetCpuUtilizationPercent: 80 }), podDisruptionBudget: DisruptionBudgetSetting.NONE } });
    expect(hpaFromOne.spec.components.pilot.k8s.strategy).toBeUndefined();
  });

  test('gateway components: HPA as per-component hpaSpec without replicaCount; one pod at a time under required anti-affinity', () => {
    const required = { mode: AntiAffinityMode.REQUIRED, topologyKey: 'kubernetes.io/hostname' };
    const op = operatorFor(Environment.PROD, {
      profile: InstallProfile.DEFAULT,
      ingressGateways: [{ name: 'istio-ingressgateway', antiAffinity: required }],
      egressGateways: [{ name: 'istio-egressgateway', autoscaling: AutoscalingSetting.NONE, replicas: 2 }],
    });
    const ingress = component(op, 'ingressGateways', 'istio-ingressgateway').k8s;
    expect(ingress.replicaCount).toBeUndefined();
    expect(ingress.hpaSpec).toStrictEqual({
      minReplicas: 3,
      maxReplicas: 10,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 60 } } }],
    });
    expect(ingress.strategy).toStrictEqual({ rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
    const egress = component(op, 'egressGateways', 'istio-egressgateway').k8s;
    expect(egress.replicaCount).toBe(2);
    expect(egress.hpaSpec).toBeUndefined();
    expect(egress.strategy).toBeUndefined();
  });

  test('a MeshControlPlane outside a MeshChart takes the PROD defaults', () => {
    const chart = new Chart(meshApp(), 'test');
    const cp = new MeshControlPlane(chart, 'cp');
    expect(cp.pilotSizing.replicas).toBe(3);
  });
});

describe('MeshControlPlane install settings', () => {
  test('defaults: minimal profile, pinned tag, istio-system, no revision', () => {
    const op = operatorFor(Environment.PROD);
    expect(op.apiVersion).toBe('install.istio.io/v1alpha1');
    expect(op.metadata).toStrictEqual({ name: 'control-plane', namespace: 'istio-system' });
    expect(op.spec.profile).toBe('minimal');
    expect(op.spec.hub).toBe('docker.io/istio');
    expect(op.spec.tag).toBe('1.30.3');
    expect(op.spec.namespace).toBe('istio-system');
    expect(op.spec.revision).toBeUndefined();
  });

  test('revision names the operator and the anti-affinity selector', () => {
    const op = operatorFor(Environment.PROD, { revision: '1-30-3', name: 'control-plane-1-30-3' });
    expect(op.spec.revision).toBe('1-30-3');
    expect(op.spec.components.pilot.k8s.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector.matchLabels['istio.io/rev']).toBe('1-30-3');
  });

  test('ambient profile turns on istio-cni', () => {
    const op = operatorFor(Environment.DEV, { profile: InstallProfile.AMBIENT });
    expect(op.spec.profile).toBe('ambient');
    expect(op.spec.components.cni).toStrictEqual({ enabled: true, namespace: 'istio-system' });
  });

  test('ingress and egress gateway components take the environment sizing', () => {
    const op = operatorFor(Environment.PROD, {
      profile: InstallProfile.DEFAULT,
      ingressGateways: [{ name: 'istio-ingressgateway', namespace: 'istio-ingress' }],
      egressGateways: [{ name: 'istio-egressgateway' }],
    });
    const ingress = component(op, 'ingressGateways', 'istio-ingressgateway');
    expect(ingress.namespace).toBe('istio-ingress');
    expect(ingress.label).toStrictEqual({ istio: 'ingressgateway' });
    expect(ingress.k8s.hpaSpec.minReplicas).toBe(3);
    expect(ingress.k8s.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('topology.kubernetes.io/zone');
    expect(component(op, 'egressGateways', 'istio-egressgateway').namespace).toBe('istio-system');
    expect(op.spec.values.gateways).toStrictEqual({ 'istio-ingressgateway': { autoscaleEnabled: true }, 'istio-egressgateway': { autoscaleEnabled: true } });
  });

  test('DEV gateway components switch the chart\'s default gateway HPA off', () => {
    const op = operatorFor(Environment.DEV, { profile: InstallProfile.DEFAULT, ingressGateways: [{ name: 'istio-ingressgateway' }] });
    expect(component(op, 'ingressGateways', 'istio-ingressgateway').k8s.hpaSpec).toBeUndefined();
    expect(op.spec.values.gateways).toStrictEqual({ 'istio-ingressgateway': { autoscaleEnabled: false } });
  });

  test('gateway components of one kind must agree on autoscaling, since istioctl switches it for all of them', () => {
    expect(errorFor({ ingressGateways: [{ name: 'public' }, { name: 'internal', autoscaling: AutoscalingSetting.NONE }] }))
      .toMatch(/^\[prod\/cp\] ingressGateways\.autoscaling: "internal" has no HPA while public has one, but istioctl switches autoscaling for all ingressGateways at once/);
  });

  test('sidecar resources: the optimized preset or custom values', () => {
    expect(operatorFor(Environment.PROD, { sidecarResources: SidecarResources.OPTIMIZED }).spec.values.global.proxy.resources)
      .toStrictEqual({ requests: { cpu: '50m', memory: '64Mi' }, limits: { cpu: '500m', memory: '256Mi' } });
    const custom = { requests: { cpu: '200m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } };
    expect(operatorFor(Environment.PROD, { sidecarResources: SidecarResources.custom(custom) }).spec.values.global.proxy.resources).toStrictEqual(custom);
  });
});

describe('mesh config', () => {
  test('secure defaults: REGISTRY_ONLY, hold application until proxy starts, Prometheus merge, no tracing', () => {
    const mc = operatorFor(Environment.PROD).spec.meshConfig;
    expect(mc).toStrictEqual({
      enableTracing: false,
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
      pathNormalization: { normalization: 'DECODE_AND_MERGE_SLASHES' },
      enablePrometheusMerge: true,
      defaultConfig: { holdApplicationUntilProxyStarts: true, concurrency: 2 },
    });
  });

  test('JSON access log, legacy zipkin tracing, stats matcher, DNS capture and auto-allocation', () => {
    const mc = operatorFor(Environment.PROD, {
      meshConfig: {
        accessLog: AccessLog.json({ fields: { status: '%RESPONSE_CODE%', authority: '%REQ(:AUTHORITY)%' } }),
        tracing: Tracing.zipkin({ address: 'zipkin.istio-system:9411', samplingPercent: 5 }),
        outboundTrafficPolicy: OutboundTraffic.ALLOW_ANY,
        discoverySelectors: [{ matchLabels: { mesh: 'on' } }],
        enablePrometheusMerge: false,
        holdApplicationUntilProxyStarts: false,
        concurrency: 0,
        proxyStatsMatcher: { inclusionRegexps: ['.*outlier_detection.*'] },
        dnsCapture: true,
        dnsAutoAllocate: true,
      },
    }).spec.meshConfig;
    expect(mc.accessLogFile).toBe('/dev/stdout');
    expect(mc.accessLogEncoding).toBe('JSON');
    expect(JSON.parse(mc.accessLogFormat)).toStrictEqual({ authority: '%REQ(:AUTHORITY)%', status: '%RESPONSE_CODE%' });
    expect(mc.enableTracing).toBe(true);
    expect(mc.defaultConfig.tracing).toStrictEqual({ sampling: 5, zipkin: { address: 'zipkin.istio-system:9411' } });
    expect(mc.outboundTrafficPolicy).toStrictEqual({ mode: 'ALLOW_ANY' });
    expect(mc.discoverySelectors).toStrictEqual([{ matchLabels: { mesh: 'on' } }]);
    expect(mc.enablePrometheusMerge).toBe(false);
    expect(mc.defaultConfig.holdApplicationUntilProxyStarts).toBe(false);
    expect(mc.defaultConfig.concurrency).toBe(0);
    expect(mc.defaultConfig.proxyStatsMatcher).toStrictEqual({ inclusionRegexps: ['.*outlier_detection.*'] });
    expect(mc.defaultConfig.proxyMetadata).toStrictEqual({ ISTIO_META_DNS_AUTO_ALLOCATE: 'true', ISTIO_META_DNS_CAPTURE: 'true' });
  });

  test('an OpenTelemetry provider becomes the default tracer, sampled by istiod', () => {
    const op = operatorFor(Environment.PROD, {
      meshConfig: { tracing: Tracing.openTelemetry({ service: 'otel.observability.svc.cluster.local', port: 4317, samplingPercent: 2 }), accessLog: AccessLog.text() },
    });
    expect(op.spec.meshConfig.extensionProviders).toStrictEqual([{ name: 'otel', opentelemetry: { service: 'otel.observability.svc.cluster.local', port: 4317 } }]);
    expect(op.spec.meshConfig.defaultProviders).toStrictEqual({ tracing: ['otel'] });
    expect(op.spec.meshConfig.accessLogEncoding).toBe('TEXT');
    expect(op.spec.values.pilot.traceSampling).toBe(2);
  });
});

describe('MeshControlPlane rejects bad input, naming path, field and value', () => {
  test.each<[string, MeshControlPlaneProps, RegExp]>([
    ['negative replicas', { pilot: { replicas: -1 } }, /^\[prod\/cp\] pilot\.replicas: -1 is not a whole number of at least 1\. Fix: /],
    ['fractional replicas', { pilot: { replicas: 1.5 } }, /\[prod\/cp\] pilot\.replicas: 1\.5 /],
    ['HPA min above max', { pilot: { autoscaling: AutoscalingSetting.hpa({ minReplicas: 5, maxReplicas: 2, targetCpuUtilizationPercent: 80 }) } },
      /\[prod\/cp\] pilot\.autoscaling\.maxReplicas: 2 is below minReplicas \(5\)/],
    ['HPA target above 100', { pilot: { autoscaling: AutoscalingSetting.hpa({ minReplicas: 2, maxReplicas: 5, targetCpuUtilizationPercent: 180 }) } },
      /pilot\.autoscaling\.targetCpuUtilizationPercent: 180 is not a whole percentage/],
    ['malformed CPU', { pilot: { resources: { requests: { cpu: '500 millicores', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } } } },
      /\[prod\/cp\] pilot\.resources\.requests\.cpu: "500 millicores" is not a Kubernetes quantity\. Fix: write a cpu quantity/],
    ['malformed memory', { pilot: { resources: { requests: { cpu: '500m', memory: '2GB' }, limits: { cpu: '4', memory: '8Gi' } } } },
      /\[prod\/cp\] pilot\.resources\.requests\.memory: "2GB" is not a Kubernetes quantity/],
    ['CPU unit written for memory', { pilot: { resources: { requests: { cpu: '500m', memory: '512m' }, limits: { cpu: '4', memory: '8Gi' } } } },
      /pilot\.resources\.requests\.memory: "512m" is less than 1Mi/],
    ['request above limit', { pilot: { resources: { requests: { cpu: '8', memory: '2Gi' }, limits: { cpu: '4', memory: '8Gi' } } } },
      /pilot\.resources\.requests\.cpu: "8" is above the limit 4/],
    ['unknown profile', { profile: 'production' as InstallProfile }, /\[prod\/cp\] profile: "production" is not an InstallProfile\. Fix: use one of InstallProfile\.DEFAULT, InstallProfile\.DEMO, InstallProfile\.MINIMAL/],
    ['revision with dots', { revision: '1.30.3' }, /\[prod\/cp\] revision: "1\.30\.3" is not a DNS label.*Fix: write the version with dashes, e\.g\. "1-30-3"/],
    ['revision "default"', { revision: 'default' }, /revision: "default" is the name of the default revision tag/],
    ['unpinned tag', { tag: 'latest' }, /\[prod\/cp\] tag: "latest" is not pinned/],
    ['bad namespace', { namespace: 'Istio_System' }, /\[prod\/cp\] namespace: "Istio_System" is not a DNS label/],
    ['PDB that blocks drains', { pilot: { podDisruptionBudget: DisruptionBudgetSetting.minAvailable(2) } },
      /pilot\.podDisruptionBudget\.minAvailable: 2 is not below the HPA minimum \(2\)/],
    ['ambient without CNI', { profile: InstallProfile.AMBIENT, cni: false }, /\[prod\/cp\] cni: false cannot be turned off in ambient mode/],
    ['sampling above 100', { meshConfig: { tracing: Tracing.zipkin({ address: 'zipkin.istio-system:9411', samplingPercent: 150 }) } },
      /meshConfig\.tracing\.samplingPercent: 150 is outside 0–100/],
    ['zipkin address without port', { meshConfig: { tracing: Tracing.zipkin({ address: 'zipkin' }) } }, /meshConfig\.tracing\.address: "zipkin" is not host:port/],
    ['auto-allocate without capture', { meshConfig: { dnsAutoAllocate: true } }, /meshConfig\.dnsAutoAllocate: true has no effect without DNS capture/],
    ['negative concurrency', { meshConfig: { concurrency: -2 } }, /meshConfig\.concurrency: -2 is not a whole number from 0 to 64/],
    ['empty discovery selector', { meshConfig: { discoverySelectors: [{}] } }, /meshConfig\.discoverySelectors\[0\]: \{\} selects every namespace/],
    ['discovery selector with empty matchLabels', { meshConfig: { discoverySelectors: [{ matchLabels: {} }] } }, /meshConfig\.discoverySelectors\[0\]: \{"matchLabels":\{\}\} selects every namespace/],
    ['discovery selector with a bad label key', { meshConfig: { discoverySelectors: [{ matchLabels: { 'bad key': 'x' } }] } },
      /^\[prod\/cp\] meshConfig\.discoverySelectors\[0\]\.matchLabels: "bad key" is not a valid label key/],
    ['discovery selector with a wildcard value', { meshConfig: { discoverySelectors: [{ matchLabels: { team: '*' } }] } },
      /meshConfig\.discoverySelectors\[0\]\.matchLabels: \{"team":"\*"\} has an empty key or a wildcard/],
    ['proxy metadata that is not an env var', { meshConfig: { proxyMetadata: { 'ISTIO-META': 'x' } } }, /^\[prod\/cp\] meshConfig\.proxyMetadata: "ISTIO-META" is not an environment variable name/],
    ['pilot env that is not an env var', { pilot: { env: { '1FLAG': 'x' } } }, /^\[prod\/cp\] pilot\.env: "1FLAG" is not an environment variable name/],
    ['bad priority class', { pilot: { priorityClassName: 'System_Critical' } }, /^\[prod\/cp\] pilot\.priorityClassName: "System_Critical" is not a DNS label/],
    ['relative access log path', { meshConfig: { accessLog: AccessLog.json({ file: 'logs/access.log' }) } }, /meshConfig\.accessLog\.file: "logs\/access\.log" is not an absolute path/],
    ['toleration value with Exists', { pilot: { tolerations: [{ key: 'a', operator: 'Exists', value: 'b' }] } }, /pilot\.tolerations\[0\]\.value: "b" is set with operator Exists/],
    ['duplicate gateway names', { ingressGateways: [{ name: 'gw' }], egressGateways: [{ name: 'gw' }] }, /"gw" names two gateway components/],
  ])('%s', (_name, props, message) => {
    expect(errorFor(props)).toMatch(message);
  });
});

describe('MeshApp output layout', () => {
  test('the IstioOperator goes to istioctl/, never into the GitOps set', () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'mesh-'));
    try {
      const app = new MeshApp({ outdir, printSummary: false });
      const chart = new MeshChart(app, 'prod', { environment: Environment.PROD });
      new MeshControlPlane(chart, 'control-plane');
      const outputs = app.synthOutputs();
      expect(outputs.map((o) => o.chart)).toStrictEqual(['prod']);
      const [out] = outputs;
      expect(out.istioctl.map((o) => [o.kind, o.metadata.name])).toStrictEqual([['IstioOperator', 'control-plane']]);
      expect(out.gitops.some((o) => o.apiVersion.startsWith('install.istio.io/'))).toBe(false);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

describe('MeshControlPlane outside a MeshApp', () => {
  test('a plain cdk8s App refuses to synthesize it, naming the construct, why and the fix, and writes nothing', () => {
    // GIVEN a control plane in a chart of a plain App
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'plain-app-'));
    try {
      const app = new App({ outdir });
      new MeshControlPlane(new Chart(app, 'prod'), 'control-plane');
      // WHEN
      const error = errorOf(() => app.synth());
      // THEN
      expect(error).toBe('Validation failed with the following errors:\n'
        + '  [prod/control-plane] app: "App" is not a MeshApp: a plain cdk8s App writes this IstioOperator (input of istioctl, which no cluster accepts: '
        + 'it has had no CRD since Istio 1.24) into the chart\'s manifests, next to the objects a GitOps tool applies. '
        + 'Fix: create the app with `new istio.MeshApp()` instead of `new App()` (a drop-in subclass of cdk8s App), which writes the IstioOperator to '
        + '<outdir>/<chart>/istioctl/ and the rest to <outdir>/<chart>/gitops/; in unit tests too, e.g. `new Chart(new istio.MeshApp(), \'test\')` instead of `Testing.chart()`');
      expect(fs.readdirSync(outdir)).toStrictEqual([]);
    } finally {
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });

  test('the refusal covers every way a plain App renders: synthYaml, chart.toJson, a chart nested in a MeshChart', () => {
    // GIVEN a control plane nested in a MeshChart's sub-chart, in a plain App
    const app = new App({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'plain-app-')) });
    const chart = new Chart(new MeshChart(app, 'prod', { environment: Environment.PROD }), 'istio');
    new MeshControlPlane(chart, 'cp');
    // WHEN / THEN
    for (const render of [() => app.synthYaml(), () => chart.toJson()]) {
      expect(errorOf(render)).toMatch(/^Validation failed with the following errors:\n {2}\[prod\/istio\/cp\] app: "App" is not a MeshApp: /);
    }
  });

  test('a MeshApp made by another copy of the library counts as a MeshApp', () => {
    // GIVEN an App marked as a MeshApp the way every copy of this library marks it
    const app = new App();
    Object.defineProperty(app, Symbol.for('cdk8s-istio.MeshApp'), { value: true });
    new MeshControlPlane(new Chart(app, 'prod'), 'cp');
    // WHEN / THEN
    expect(MeshApp.isMeshApp(app)).toBe(true);
    expect(app.charts[0].toJson().map((o: Obj) => o.kind)).toStrictEqual(['IstioOperator']);
    expect(MeshApp.isMeshApp(new App())).toBe(false);
    expect(MeshApp.isMeshApp(undefined)).toBe(false);
  });
});
