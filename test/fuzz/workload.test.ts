/** Fuzzing MeshNamespace at the API boundary (see ./harness). */
import { Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as fc from 'fast-check';
import {
  DataPlaneMode, Environment, ExternalResources, InstallProfile, MeshChart, MeshControlPlane, MeshNamespace, MeshNamespaceProps, SidecarInjection, SidecarInjectionProps,
  SidecarResources, Waypoint, WaypointProps, WaypointTraffic,
} from '../../lib';
import { sizingOverrides } from './gateway-support';
import { expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, make, mapOf, Target } from './harness';
import { declareOutside } from './support';

/** The control plane of the chart being fuzzed, which a namespace may name. */
let controlPlane: MeshControlPlane | undefined;
/** A waypoint of the chart being fuzzed, which a namespace may use. */
let sharedWaypoint: Waypoint | undefined;

const meshNamespace: Target = {
  name: 'MeshNamespace',
  environment: Environment.DEV,
  fixtures: (chart: MeshChart) => {
    declareOutside(chart);
    // The ambient profile (istiod, istio-cni, ztunnel) serves sidecar and ambient namespaces alike.
    controlPlane = new MeshControlPlane(chart, 'cp', { revision: '1-30-3', profile: InstallProfile.AMBIENT });
    new ExternalResources(chart, 'waypoints-ns', { namespaces: ['waypoints'] });
    sharedWaypoint = new Waypoint(chart, 'wp', { name: 'shared', namespace: 'waypoints' });
  },
  props: fc.record({
    name: fc.constantFrom('payments', 'web', 'edge'),
    useWaypoint: fc.constant(fixed('a Waypoint of namespace "waypoints"', () => sharedWaypoint)),
    mode: fc.constantFrom(...Object.values(DataPlaneMode)),
    controlPlane: fc.constant(fixed('the chart\'s MeshControlPlane', () => controlPlane)),
    labels: fc.dictionary(fc.constantFrom('team', 'app.kubernetes.io/part-of', 'example.com/tier'), fc.constantFrom('shop', 'web', 'a.b-c_d', ''), { maxKeys: 3 })
      .map((m) => mapOf({ ...m })),
  }, { requiredKeys: [] }),
  build: (chart, id, props) => new MeshNamespace(chart, id, props as MeshNamespaceProps),
};

describe('fuzz: MeshNamespace at the API boundary', () => {
  test('MeshNamespace: our error or a valid, analyzed, reproducible Namespace; no raw exception, no silent drop', () => {
    expectClean(fuzzConstruct(meshNamespace, 40));
  }, FUZZ_TIMEOUT);
});

/** The workload of the chart being fuzzed, which SidecarInjection puts in the mesh. */
let workload: kplus.Deployment | undefined;

const sidecarInjection: Target = {
  name: 'SidecarInjection',
  environment: Environment.PROD,
  fixtures: (chart: MeshChart) => {
    declareOutside(chart);
    controlPlane = new MeshControlPlane(chart, 'cp', { revision: '1-30-3' });
    new MeshNamespace(chart, 'shop', { controlPlane });
    workload = new kplus.Deployment(chart, 'api', { metadata: { name: 'api', namespace: 'shop' }, podMetadata: { labels: { app: 'api' } }, containers: [{ image: 'x:1' }] });
  },
  props: fc.record({
    workload: fc.constant(fixed('the chart\'s Deployment', () => workload)),
    inject: fc.boolean(),
    controlPlane: fc.constant(fixed('the chart\'s MeshControlPlane', () => controlPlane)),
    resources: fc.oneof(
      fc.constantFrom('ENVIRONMENT', 'OPTIMIZED').map((k) => fixed(`SidecarResources.${k}`, () => (SidecarResources as any)[k])),
      fc.record({ requests: fc.record({ cpu: fc.constantFrom('50m', '100m'), memory: fc.constantFrom('64Mi', '128Mi') }), limits: fc.record({ cpu: fc.constantFrom('1', '2'), memory: fc.constantFrom('1Gi', '512Mi') }) })
        .map((r) => make('SidecarResources.custom', (x) => SidecarResources.custom(x), r)),
    ),
    proxyConfig: fc.record({
      holdApplicationUntilProxyStarts: fc.boolean(),
      concurrency: fc.integer({ min: 0, max: 8 }),
      terminationDrainDuration: fc.integer({ min: 1, max: 60 }).map((n) => fixed(`Duration.seconds(${n})`, () => Duration.seconds(n), false)),
    }, { requiredKeys: [] }),
  }, { requiredKeys: ['workload'] }),
  build: (chart, id, props) => new SidecarInjection(chart, id, props as SidecarInjectionProps),
};

const waypoint: Target = {
  name: 'Waypoint',
  environment: Environment.PROD,
  fixtures: (chart: MeshChart) => {
    declareOutside(chart);
    controlPlane = new MeshControlPlane(chart, 'cp', { revision: '1-30-3', profile: InstallProfile.AMBIENT });
    new MeshNamespace(chart, 'pay', { mode: DataPlaneMode.AMBIENT });
  },
  props: fc.record({
    name: fc.constantFrom('waypoint', 'pay-waypoint'),
    namespace: fc.constant('pay'),
    trafficType: fc.constantFrom(...Object.values(WaypointTraffic)),
    controlPlane: fc.constant(fixed('the chart\'s MeshControlPlane', () => controlPlane)),
    sizing: sizingOverrides,
  }, { requiredKeys: ['namespace'] }),
  build: (chart, id, props) => new Waypoint(chart, id, props as WaypointProps),
};

describe('fuzz: SidecarInjection and Waypoint at the API boundary', () => {
  test('SidecarInjection: our error or a valid, analyzed, reproducible pod template; no raw exception, no silent drop', () => {
    expectClean(fuzzConstruct(sidecarInjection, 40));
  }, FUZZ_TIMEOUT);

  test('Waypoint: our error or a valid, analyzed, reproducible Gateway and ConfigMap; no raw exception, no silent drop', () => {
    expectClean(fuzzConstruct(waypoint, 40));
  }, FUZZ_TIMEOUT);
});
