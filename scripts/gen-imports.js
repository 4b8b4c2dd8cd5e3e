#!/usr/bin/env node
/**
 * Generates the L1 classes under imports/ for the non-Istio CRDs the constructs write
 * (Gateway API, Flagger, Flux, Argo CD, cert-manager, the Prometheus Operator, the Sail Operator).
 * Istio's own groups are imported with `npm run import -- crds/istio-<version>/crd-all.gen.yaml`.
 *
 *   node scripts/gen-imports.js            # (re)write the files of TARGETS under imports/
 *   node scripts/gen-imports.js --check    # exit 1 if one of them is not up to date
 *   node scripts/gen-imports.js --crds DIR # read CRDs from DIR instead of crds/
 *
 * The CRDs are read the way scripts/gen-schemas.js reads them and handed to `cdk8s import` as JSON
 * (Flagger's file has quoted descriptions that only Go's YAML parser accepts as written). Only the versions listed
 * below are imported, so each kind has one class named after it. Two parts of the schemas are
 * left untyped on purpose, to keep the generated code (and the time to compile it) small:
 *   - `spec.values` of the Sail kinds: Istio's whole Helm values API. MeshControlPlane builds
 *     those values from its own typed model, and the manifest validator checks them against
 *     the full CRD schema (schemas/sail-operator-*.json) before anything is written.
 *   - `operation` of the Argo CD Application: a request to the controller that a manifest
 *     author never writes.
 * The output is a pure function of the inputs (cdk8s import writes no timestamps).
 */
'use strict';

const fs = require('fs');
const os = require('os');
const path = require('path');
const { execFileSync } = require('child_process');
const { readCrds: readCrdFile } = require('./gen-schemas');

const REPO_ROOT = path.resolve(__dirname, '..');

/** One generated file per API group: which CRD files, kinds and versions go into it. */
const TARGETS = [
  {
    group: 'gateway.networking.k8s.io',
    dir: 'gateway-api',
    kinds: { GatewayClass: ['v1'], Gateway: ['v1'], HTTPRoute: ['v1'], GRPCRoute: ['v1'], ReferenceGrant: ['v1beta1'] },
  },
  { group: 'flagger.app', dir: 'flagger', kinds: { Canary: ['v1beta1'], MetricTemplate: ['v1beta1'], AlertProvider: ['v1beta1'] } },
  { group: 'helm.toolkit.fluxcd.io', dir: 'flux-helm-controller', kinds: { HelmRelease: ['v2'] } },
  { group: 'source.toolkit.fluxcd.io', dir: 'flux-source-controller', kinds: { HelmRepository: ['v1'], OCIRepository: ['v1'] } },
  { group: 'argoproj.io', dir: 'argo-cd', kinds: { Application: ['v1alpha1'] }, untyped: [['operation']] },
  { group: 'cert-manager.io', dir: 'cert-manager', kinds: { Certificate: ['v1'] } },
  {
    group: 'monitoring.coreos.com',
    dir: 'prometheus-operator',
    kinds: { PodMonitor: ['v1'], ServiceMonitor: ['v1'], PrometheusRule: ['v1'] },
  },
  {
    group: 'sailoperator.io',
    dir: 'sail-operator',
    kinds: { Istio: ['v1'], IstioCNI: ['v1'], ZTunnel: ['v1'], IstioRevisionTag: ['v1'] },
    untyped: [['spec', 'values']],
  },
];

function parseArgs(argv) {
  const args = { check: false, crds: path.join(REPO_ROOT, 'crds') };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--check') args.check = true;
    else if (argv[i] === '--crds') args.crds = path.resolve(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  return args;
}

/** Every CustomResourceDefinition in crds/<dir>-<version>/*.yaml. */
function readCrds(crdsDir, dirPrefix) {
  const dirs = fs.readdirSync(crdsDir).filter((d) => new RegExp(`^${dirPrefix}-v?[0-9]`).test(d)).sort();
  if (dirs.length !== 1) throw new Error(`expected one folder ${dirPrefix}-<version> in ${crdsDir}, found ${dirs.length}`);
  const folder = path.join(crdsDir, dirs[0]);
  const files = fs.readdirSync(folder).filter((f) => /\.ya?ml$/.test(f)).sort();
  return files.flatMap((file) => readCrdFile(path.join(folder, file)));
}

/** Replaces the schema at `at` (a path of property names under the version's root) with a free-form object. */
function untype(schema, at) {
  let node = schema;
  for (const key of at.slice(0, -1)) {
    node = node && node.properties && node.properties[key];
  }
  const last = at[at.length - 1];
  if (!node || !node.properties || !node.properties[last]) return;
  const description = node.properties[last].description;
  node.properties[last] = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  if (description) node.properties[last].description = description;
}

function selectedCrds(target, crdsDir) {
  const out = [];
  for (const crd of readCrds(crdsDir, target.dir)) {
    if (crd.spec.group !== target.group) continue;
    const versions = target.kinds[crd.spec.names.kind];
    if (!versions) continue;
    const copy = JSON.parse(JSON.stringify(crd));
    copy.spec.versions = copy.spec.versions.filter((v) => versions.includes(v.name));
    for (const v of copy.spec.versions) {
      for (const at of target.untyped || []) untype(v.schema.openAPIV3Schema, at);
    }
    out.push(copy);
  }
  const found = out.map((c) => c.spec.names.kind).sort();
  const wanted = Object.keys(target.kinds).sort();
  if (found.join() !== wanted.join()) throw new Error(`${target.group}: expected kinds ${wanted}, found ${found}`);
  return out.sort((a, b) => a.spec.names.kind.localeCompare(b.spec.names.kind));
}

function generate(target, crdsDir, outDir) {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-imports-'));
  try {
    const input = path.join(tmp, `${target.group}.yaml`);
    // JSON is YAML: one document per CRD, in a stable order.
    fs.writeFileSync(input, selectedCrds(target, crdsDir).map((c) => JSON.stringify(c)).join('\n---\n'));
    const cli = path.join(REPO_ROOT, 'node_modules', '.bin', 'cdk8s');
    // Run from the temporary folder: `cdk8s import` records what it imported in the cdk8s.yaml of its working directory.
    execFileSync(cli, ['import', '--no-check-upgrade', '--language', 'typescript', '--output', outDir, input], { stdio: 'pipe', cwd: tmp });
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return path.join(outDir, `${target.group}.ts`);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const importsDir = path.join(REPO_ROOT, 'imports');
  const outDir = args.check ? fs.mkdtempSync(path.join(os.tmpdir(), 'gen-imports-out-')) : importsDir;
  let stale = 0;
  for (const target of TARGETS) {
    const file = generate(target, args.crds, outDir);
    if (args.check) {
      const committed = path.join(importsDir, path.basename(file));
      if (!fs.existsSync(committed) || fs.readFileSync(committed, 'utf8') !== fs.readFileSync(file, 'utf8')) {
        console.error(`imports/${path.basename(file)} is not up to date: run npm run imports`);
        stale++;
      }
    } else {
      console.log(`imports/${path.basename(file)} (${fs.statSync(file).size} bytes)`);
    }
  }
  if (args.check) fs.rmSync(outDir, { recursive: true, force: true });
  if (stale) process.exit(1);
}

main();
