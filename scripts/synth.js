#!/usr/bin/env node
/**
 * `npm run synth`: transpiles what changed (scripts/transpile.js), then does what `cdk8s synth` does with
 * cdk8s.yaml (empties the output directory and runs the app with CDK8S_OUTDIR set to it), without the
 * cdk8s CLI, whose own start-up takes about a second. Type-checking is `npm run build`'s (tsc), which
 * CI runs before the synth.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const path = require('path');
const { parse } = require('yaml');
const { transpileChanged } = require('./transpile');

const root = path.resolve(__dirname, '..');

function run(command, args, env) {
  const r = spawnSync(command, args, { cwd: root, stdio: 'inherit', env });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

const config = parse(fs.readFileSync(path.join(root, 'cdk8s.yaml'), 'utf8'));
if (typeof config?.app !== 'string' || config.app === '') {
  console.error('synth: cdk8s.yaml has no app command');
  process.exit(1);
}
const outdir = path.resolve(root, config.output ?? 'dist');

if (!transpileChanged()) process.exit(1);
fs.rmSync(outdir, { recursive: true, force: true });
// cdk8s.yaml's app is a shell command, as the cdk8s CLI runs it.
run('/bin/sh', ['-c', config.app], { ...process.env, CDK8S_OUTDIR: outdir });
if (!fs.existsSync(outdir)) {
  console.error(`synth: the app wrote nothing to ${path.relative(root, outdir) || outdir}`);
  process.exit(1);
}
