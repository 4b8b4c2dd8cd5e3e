/**
 * Shared test helpers: a chart per environment, synthesis with the schema + CEL check, objects by
 * kind and name (never by index), and the message of an expected error.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Construct } from 'constructs';
import { AnalyzeOptions, Environment, EnvironmentProfile, MeshAnalyzer, MeshApp, MeshChart } from '../../lib';
import { expectValidManifests } from './validate';

/** A synthesized object, loosely typed for assertions. */
export interface Obj {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  [key: string]: any;
}

/**
 * A fresh MeshApp writing to its own temporary directory, quiet. Charts with a MeshControlPlane need a
 * MeshApp at the root (a plain App would write the IstioOperator among the GitOps manifests).
 */
export function meshApp(): MeshApp {
  return new MeshApp({ outdir: fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-test-')), printSummary: false });
}

/** A fresh MeshChart of `env` (PROD by default) in its own app, with id = the environment name. */
export function meshChart(env: EnvironmentProfile = Environment.PROD): MeshChart {
  return new MeshChart(meshApp(), env.name, { environment: env });
}

/** Synthesizes the chart, running every construct validation. */
export function synth(chart: Construct): Obj[] {
  return (chart as MeshChart).toJson() as Obj[];
}

/** Synthesizes `chart`, checks every object against its strict schema + CEL rules, returns them. */
export function synthValid(chart: Construct): Obj[] {
  const objs = synth(chart);
  expectValidManifests(objs);
  return objs;
}

/** The objects of `kind` (named `name` and in `namespace`, when given). */
export function all(objs: readonly Obj[], kind: string, name?: string, namespace?: string): Obj[] {
  return objs.filter((o) => o.kind === kind && (name === undefined || o.metadata.name === name) && (namespace === undefined || o.metadata.namespace === namespace));
}

/** The one object of `kind` named `name` (in `namespace`, when given); fails unless there is exactly one. */
export function find(objs: readonly Obj[], kind: string, name: string, namespace?: string): Obj {
  const found = all(objs, kind, name, namespace);
  if (found.length !== 1) {
    throw new Error(`expected one ${kind} ${name}, found ${found.length} among ${objs.map((o) => `${o.kind}/${o.metadata.name}`).join(', ')}`);
  }
  return found[0];
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
export function synthError(chart: Construct): string {
  return errorOf(() => synth(chart));
}

/** The analyzer's findings on `chart` (its ExternalResources included), each as istioctl prints it. */
export function analyzed(chart: Construct, options: AnalyzeOptions = {}): string[] {
  return MeshAnalyzer.analyzeChart(chart as MeshChart, options).findings.map((f) => MeshAnalyzer.format([f]));
}

/** The analyzer's findings with `code` on `chart`, as printed. */
export function findingsOf(chart: Construct, code: string, options: AnalyzeOptions = {}): string[] {
  return MeshAnalyzer.analyzeChart(chart as MeshChart, options).findings.filter((f) => f.code === code).map((f) => MeshAnalyzer.format([f]));
}
