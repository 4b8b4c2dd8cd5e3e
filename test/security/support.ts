import { Environment, MeshChart } from '../../lib';
import { meshChart } from '../support/charts';

export type { Obj } from '../support/charts';
export { find, errorOf, synthError } from '../support/charts';

/** A fresh PROD MeshChart named "prod" in its own app. */
export function prodChart(): MeshChart {
  return meshChart(Environment.PROD);
}
