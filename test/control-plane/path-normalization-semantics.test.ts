import { Environment, MeshChart, MeshControlPlane, PathNormalization } from '../../lib';
import { errorOf, find, meshApp, synthValid } from '../support/charts';

function meshConfigOf(pathNormalization?: PathNormalization): any {
  const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD });
  new MeshControlPlane(chart, 'cp', { meshConfig: { pathNormalization } });
  return find(synthValid(chart), 'IstioOperator', 'control-plane').spec.meshConfig;
}

describe('meshConfig.pathNormalization', () => {
  test('defaults to DECODE_AND_MERGE_SLASHES, so //api/x and /api%2Fx reach path rules as /api/x', () => {
    expect(meshConfigOf().pathNormalization).toStrictEqual({ normalization: 'DECODE_AND_MERGE_SLASHES' });
  });

  test.each(Object.values(PathNormalization))('%s is written as chosen (and passes the mesh config schema)', (mode) => {
    expect(meshConfigOf(mode).pathNormalization).toStrictEqual({ normalization: mode });
  });

  test('a value outside the enum is an error', () => {
    const chart = new MeshChart(meshApp(), 'prod', { environment: Environment.PROD });
    expect(errorOf(() => new MeshControlPlane(chart, 'cp', { meshConfig: { pathNormalization: 'DEFAULT' as PathNormalization } })))
      .toBe('[prod/cp] meshConfig.pathNormalization: "DEFAULT" is not a PathNormalization. Fix: use one of PathNormalization.BASE, PathNormalization.MERGE_SLASHES, PathNormalization.DECODE_AND_MERGE_SLASHES, PathNormalization.NONE');
  });
});
