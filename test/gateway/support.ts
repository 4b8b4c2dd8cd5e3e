import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { Environment, EnvironmentProfile, MeshChart } from '../../lib';

/** A synthesized object, loosely typed for assertions. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: any;
}

/** A fresh MeshChart of `env` in its own app. */
export function meshChart(env: EnvironmentProfile = Environment.PROD): MeshChart {
  return new MeshChart(Testing.app(), env.name, { environment: env });
}

/** Synthesizes the chart (running every validation). */
export function synth(chart: Construct): Obj[] {
  return (chart as MeshChart).toJson() as Obj[];
}

/** The one object of `kind` named `name` (and in `namespace`, when given). */
export function find(objects: Obj[], kind: string, name: string, namespace?: string): Obj {
  const found = objects.filter((o) => o.kind === kind && o.metadata.name === name && (namespace === undefined || o.metadata.namespace === namespace));
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length}`);
  }
  return found[0];
}

/** The message `fn` throws. */
export function thrown(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** The message synthesizing `chart` fails with. */
export function synthError(chart: Construct): string {
  return thrown(() => synth(chart));
}
