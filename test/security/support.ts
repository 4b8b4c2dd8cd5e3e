import { Testing } from 'cdk8s';
import { Environment, MeshChart } from '../../lib';

/** A synthesized object, loosely typed for assertions. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string };
  spec: any;
}

/** A fresh PROD MeshChart named "prod" in its own app. */
export function prodChart(): MeshChart {
  return new MeshChart(Testing.app(), 'prod', { environment: Environment.PROD });
}

/** The object of `kind` named `name`; fails the test if there is none. */
export function find(objects: readonly Obj[], kind: string, name: string): Obj {
  const found = objects.find((o) => o.kind === kind && o.metadata.name === name);
  if (!found) {
    throw new Error(`no ${kind} ${name} in ${objects.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found;
}

/** The message `fn` throws; fails the test if it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** The validation message synthesizing `chart` fails with. */
export function synthError(chart: MeshChart): string {
  return errorOf(() => chart.toJson());
}
