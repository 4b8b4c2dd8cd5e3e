/**
 * Fuzzing the environment and app entry points at the API boundary (see ./harness and
 * ./gateway-support): Environment.override, MeshChart, MeshApp and CanaryRelease.planFor (through
 * `fuzzEntry`, as they are no construct of a chart), and ExternalResources. A profile is generated as
 * plain data, so the hostile changes reach every depth of it; the charts built from it carry the
 * constructs that read each part (control plane, gateways, a canary), so a value that passes the entry
 * point reaches the output.
 */
import { ImplicitTokenResolver, LazyResolver } from 'cdk8s';
import * as fc from 'fast-check';
import {
  AntiAffinityMode, CanaryRelease, EgressGateway, Environment, EnvironmentOverrides, EnvironmentProfile, ExternalResources, ExternalResourcesProps,
  GatewayServer, IngressGateway, MeshApp, MeshAppProps, MeshChart, MeshChartProps, MeshControlPlane, Subset,
} from '../../lib';
import { expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, mapOf, Target } from './harness';
import { declareGatewayWorld, EntryTarget, fuzzEntry, OUTDIR } from './gateway-support';
import { labelMaps } from './support';

/** A stock profile as plain data (a deep copy), so mutations reach inside it. */
const profiles = fc.constantFrom(...Environment.ALL).map((p) => JSON.parse(JSON.stringify(p)) as EnvironmentProfile);

const amounts = fc.record({ cpu: fc.constantFrom('100m', '250m', '1'), memory: fc.constantFrom('128Mi', '512Mi', '1Gi') }, { requiredKeys: [] });
const resourceOverrides = fc.record({
  requests: amounts,
  limits: fc.record({ cpu: fc.constantFrom('2', '4'), memory: fc.constantFrom('2Gi', '4Gi') }, { requiredKeys: [] }),
}, { requiredKeys: [] });
const componentOverrides = fc.record({
  replicas: fc.integer({ min: 2, max: 5 }),
  resources: resourceOverrides,
  autoscaling: fc.record({ minReplicas: fc.integer({ min: 2, max: 3 }), maxReplicas: fc.integer({ min: 3, max: 8 }), targetCpuUtilizationPercent: fc.integer({ min: 50, max: 90 }) }),
  antiAffinity: fc.record({
    mode: fc.constantFrom(...Object.values(AntiAffinityMode)),
    topologyKey: fc.constantFrom('kubernetes.io/hostname', 'topology.kubernetes.io/zone'),
    weight: fc.integer({ min: 1, max: 100 }),
  }, { requiredKeys: [] }),
  podDisruptionBudget: fc.record({ minAvailable: fc.constant(1) }),
}, { requiredKeys: [] });
const overrides: fc.Arbitrary<EnvironmentOverrides> = fc.record({
  name: fc.constantFrom('prod-eu', 'dev-2', 'staging'),
  production: fc.boolean(),
  istiod: componentOverrides,
  sidecar: fc.record({ resources: resourceOverrides, optimized: fc.record({ requests: amounts }, { requiredKeys: [] }) }, { requiredKeys: [] }),
  ingressGateway: componentOverrides,
  egressGateway: componentOverrides,
  canary: fc.record({
    stages: fc.uniqueArray(fc.integer({ min: 1, max: 99 }), { maxLength: 4 }).map((s) => [...s.sort((a, b) => a - b), 100]),
    initialPercent: fc.integer({ min: 0, max: 100 }),
  }, { requiredKeys: [] }),
}, { requiredKeys: [] });

/** The constructs that read every part of a chart's environment: the control plane, both gateways, a canary. */
function consumers(chart: MeshChart): MeshChart {
  declareGatewayWorld(chart);
  new MeshControlPlane(chart, 'cp');
  new IngressGateway(chart, 'gw', { servers: [GatewayServer.http({ hosts: ['bookinfo.example.com'] })] });
  new EgressGateway(chart, 'egw');
  new CanaryRelease(chart, 'canary', {
    host: 'reviews', namespace: 'bookinfo',
    stable: Subset.fromLabels('v1', { app: 'reviews', version: 'v1' }), canary: Subset.fromLabels('v2', { app: 'reviews', version: 'v2' }),
  });
  return chart;
}

/** `Environment.override(base, overrides)`: the arguments as a list (one value that is no list is the base). */
const environmentOverride: EntryTarget = {
  name: 'Environment.override',
  where: ['Environment.override', 'fz'],
  props: fc.tuple(profiles, overrides),
  run: (args, app) => {
    const [base, o] = Array.isArray(args) ? args : [args];
    const environment = Environment.override(base, o);
    return { chart: consumers(new MeshChart(app(), 'fz', { environment })) };
  },
};

const meshChart: EntryTarget = {
  name: 'MeshChart',
  where: ['fz'],
  props: fc.record({
    environment: profiles,
    namespace: fc.constantFrom('bookinfo', 'shop'),
    labels: labelMaps,
    disableResourceNameHashes: fc.constant(true),
  }, { requiredKeys: ['environment'] }),
  run: (props, app) => ({ chart: consumers(new MeshChart(app(), 'fz', props as MeshChartProps)) }),
};

const meshApp: EntryTarget = {
  name: 'MeshApp',
  where: ['MeshApp', 'fz'],
  props: fc.record({
    outdir: fc.constant(OUTDIR),
    validateOutput: fc.boolean(),
    printSummary: fc.constant(false),
    recordConstructMetadata: fc.constant(false),
    resolvers: fc.constant([fixed('LazyResolver', () => new LazyResolver(), false), fixed('ImplicitTokenResolver', () => new ImplicitTokenResolver(), false)]),
  }, { requiredKeys: ['outdir', 'printSummary'] }),
  run: (props) => {
    const app = new MeshApp(props as MeshAppProps);
    const chart = consumers(new MeshChart(app, 'fz', { environment: Environment.PROD }));
    app.synthYaml();
    return { chart };
  },
};

/** `CanaryRelease.planFor(chart, env)` with a fuzzed profile; the plan must walk up to 100 %. */
const planFor: EntryTarget = {
  name: 'CanaryRelease.planFor',
  where: ['fz'],
  props: fc.tuple(profiles, overrides).map(([p, o]) => JSON.parse(JSON.stringify(Environment.override(p, { canary: o.canary ?? {} })))),
  run: (env, app) => {
    const chart = new MeshChart(app(), 'fz', { environment: Environment.PROD });
    const plan = CanaryRelease.planFor(chart, env as EnvironmentProfile);
    const ok = plan.length > 0 && plan[plan.length - 1].canaryPercent === 100
      && plan.every((s, i) => s.index === i && s.stablePercent === 100 - s.canaryPercent && (i === 0 || s.canaryPercent > plan[i - 1].canaryPercent));
    return { problems: ok ? [] : [`not a plan: ${JSON.stringify(plan)}`] };
  },
};

/** Kubernetes objects as plain data: free-form below the fields ExternalResources reads (maps, so new keys there are data). */
const objects = fc.array(fc.record({
  apiVersion: fc.constantFrom('v1', 'networking.istio.io/v1'),
  kind: fc.constantFrom('ConfigMap', 'Gateway'),
  metadata: fc.record({ name: fc.constantFrom('settings', 'public'), namespace: fc.constantFrom('shop', 'istio-ingress') }, { requiredKeys: ['name'] }).map((m) => mapOf(m)),
}).map((o) => mapOf(o)), { minLength: 1, maxLength: 2 });

const externalResources: Target = {
  name: 'ExternalResources',
  environment: Environment.PROD,
  fixtures: declareGatewayWorld,
  props: fc.record({
    namespaces: fc.uniqueArray(fc.constantFrom('observability', 'payments', 'legacy'), { minLength: 1, maxLength: 2 }),
    services: fc.array(fc.record({ namespace: fc.constant('legacy'), name: fc.constantFrom('db', 'cache'), ports: fc.uniqueArray(fc.constantFrom(5432, 6379), { minLength: 1 }) },
      { requiredKeys: ['namespace', 'name'] }), { minLength: 1, maxLength: 2 }),
    hosts: fc.uniqueArray(fc.constantFrom('db.example.net', '*.corp.example.com'), { minLength: 1 }),
    secrets: fc.array(fc.record({ namespace: fc.constant('legacy'), name: fc.constantFrom('db-tls', 'cache.tls') }), { minLength: 1, maxLength: 2 }),
    gateways: fc.array(fc.record({ namespace: fc.constant('legacy'), name: fc.constant('public') }), { minLength: 1, maxLength: 1 }),
    workloads: fc.array(fc.record({ namespace: fc.constant('legacy'), labels: labelMaps, serviceAccount: fc.constantFrom('db', 'default') }, { requiredKeys: ['namespace', 'labels'] }),
      { minLength: 1, maxLength: 2 }),
    objects,
  }, { requiredKeys: [] }),
  build: (chart, id, props) => {
    const external = new ExternalResources(chart, id, props as ExternalResourcesProps);
    external.toObjects();
    return external;
  },
};

describe('fuzz: environment and app entry points at the API boundary', () => {
  test.each([environmentOverride, meshChart, meshApp, planFor].map((t) => [t.name, t] as const))(
    '%s: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', (_name, target) => {
      expectClean(fuzzEntry(target, 15));
    }, FUZZ_TIMEOUT);

  test('ExternalResources: our error or valid, analyzed, reproducible output; no raw exception, no silent drop', () => {
    expectClean(fuzzConstruct(externalResources, 40));
  }, FUZZ_TIMEOUT);
});
