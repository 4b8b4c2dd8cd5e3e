/**
 * Helpers for the traffic tests: charts per environment, objects by kind and name, and the message
 * of an expected error.
 */
import { Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Environment, EnvironmentProfile, MeshChart } from '../../lib';
import { expectValidManifests } from '../support/validate';

export interface Obj {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string };
  readonly spec: any;
}

/** A MeshChart of `env` (PROD by default) with id = the environment name. */
export function meshChart(env: EnvironmentProfile = Environment.PROD): MeshChart {
  return new MeshChart(Testing.app(), env.name, { environment: env });
}

/** Synthesizes `chart`, checks every object against the Istio 1.30 schema + CEL rules, returns them. */
export function synthValid(chart: MeshChart): Obj[] {
  const objs = Testing.synth(chart) as Obj[];
  expectValidManifests(objs);
  return objs;
}

/** The objects of `kind` named `name` (in `namespace`, when given). */
export function all(objs: Obj[], kind: string, name?: string, namespace?: string): Obj[] {
  return objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name) && (namespace === undefined || o.metadata.namespace === namespace));
}

/** The one object of `kind` named `name`; fails when there is not exactly one. */
export function one(objs: Obj[], kind: string, name: string, namespace?: string): Obj {
  const found = all(objs, kind, name, namespace);
  expect(found).toHaveLength(1);
  return found[0];
}

/** The message `fn` throws; fails when it does not throw. */
export function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

/** A reviews Deployment of `version` in the bookinfo namespace, pods labelled app=reviews + version. */
export function reviews(scope: Construct, version: string): kplus.Deployment {
  return new kplus.Deployment(scope, `reviews-${version}`, {
    metadata: { namespace: 'bookinfo' },
    podMetadata: { labels: { app: 'reviews', version } },
    containers: [{ image: `docker.io/istio/examples-bookinfo-reviews-${version}:1.20.2`, portNumber: 9080 }],
  });
}
