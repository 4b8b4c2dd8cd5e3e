/** Fuzzing MeshNamespace at the API boundary (see ./harness). */
import * as fc from 'fast-check';
import { DataPlaneMode, Environment, MeshChart, MeshControlPlane, MeshNamespace, MeshNamespaceProps } from '../../lib';
import { expectClean, fixed, FUZZ_TIMEOUT, fuzzConstruct, mapOf, Target } from './harness';
import { declareOutside } from './support';

/** The control plane of the chart being fuzzed, which a namespace may name. */
let controlPlane: MeshControlPlane | undefined;

const meshNamespace: Target = {
  name: 'MeshNamespace',
  environment: Environment.DEV,
  fixtures: (chart: MeshChart) => {
    declareOutside(chart);
    controlPlane = new MeshControlPlane(chart, 'cp', { revision: '1-30-3' });
  },
  props: fc.record({
    name: fc.constantFrom('payments', 'web', 'edge'),
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
