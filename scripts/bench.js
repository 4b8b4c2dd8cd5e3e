#!/usr/bin/env node
/**
 * Synthesis benchmark. Every figure is printed next to a baseline measured in the same run, on the
 * same machine, so the ratios are what to compare between commits (absolute times vary by machine).
 *
 *   npm run bench            (builds first; 5 runs of each case by default)
 *   BENCH_RUNS=10 npm run bench
 *
 * Cases, each in a fresh Node process (cold start, like `cdk8s synth`):
 *   synth            apps/main compiled, output validated (schema + CEL) and written: what `npm run synth` runs
 *   synth-novalidate the same without output validation: the baseline for the cost of validation
 *   node-empty       a Node process that only loads cdk8s: the floor of any synth
 *   ts-node          apps/main.ts through ts-node with type-checking (what a plain `cdk8s init` app does),
 *                    run once: the baseline that compiled synthesis is measured against
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 5);

/** Child program: synthesizes apps/main into a temp dir and prints wall ms and peak memory as JSON. */
function childScript(validate) {
  return `
    const t0 = process.hrtime.bigint();
    const { MeshApp } = require(${JSON.stringify(path.join(root, 'build/lib'))});
    const { buildApp } = require(${JSON.stringify(path.join(root, 'build/apps/main'))});
    const outdir = require('fs').mkdtempSync(require('path').join(require('os').tmpdir(), 'bench-'));
    buildApp(new MeshApp({ outdir, validateOutput: ${validate} })).synth();
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    require('fs').rmSync(outdir, { recursive: true, force: true });
    console.log(JSON.stringify({ ms, rssMb: process.resourceUsage().maxRSS / 1024 }));
  `;
}

function timeProcess(args, opts = {}) {
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8', ...opts });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.status !== 0) {
    throw new Error(`benchmark child failed: ${args.join(' ')}\n${r.stderr}`);
  }
  const last = r.stdout.trim().split('\n').pop();
  let inner = {};
  try { inner = JSON.parse(last); } catch { /* not every child reports */ }
  return { wallMs, ...inner };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function measure(name, args, n) {
  const samples = [];
  for (let i = 0; i < n; i++) samples.push(timeProcess(args));
  return {
    name,
    wallMs: median(samples.map((s) => s.wallMs)),
    rssMb: samples[0].rssMb === undefined ? undefined : median(samples.map((s) => s.rssMb)),
    runs: n,
  };
}

if (!fs.existsSync(path.join(root, 'build/apps/main.js'))) {
  console.error('build/ is missing: run `npm run build` first (npm run bench does).');
  process.exit(1);
}

const results = [
  measure('synth', ['-e', childScript(true)], runs),
  measure('synth-novalidate', ['-e', childScript(false)], runs),
  measure('node-empty', ['-e', `require(${JSON.stringify(require.resolve('cdk8s', { paths: [root] }))}); console.log(JSON.stringify({ rssMb: process.resourceUsage().maxRSS / 1024 }))`], runs),
];
const tsNodeOut = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-tsnode-'));
results.push({
  name: 'ts-node',
  ...timeProcess([require.resolve('ts-node/dist/bin.js', { paths: [root] }), path.join(root, 'apps/main.ts')], { env: { ...process.env, CDK8S_OUTDIR: tsNodeOut } }),
  runs: 1,
});
fs.rmSync(tsNodeOut, { recursive: true, force: true });

const by = Object.fromEntries(results.map((r) => [r.name, r]));
const fmt = (x, d = 0) => (x === undefined ? '-' : x.toFixed(d));
console.log(`cdk8s-istio synth benchmark (${os.cpus().length} CPUs, node ${process.version}, median of ${runs} runs)\n`);
console.log('case               wall ms   peak RSS MB');
for (const r of results) {
  console.log(`${r.name.padEnd(18)} ${fmt(r.wallMs).padStart(7)}   ${fmt(r.rssMb).padStart(11)}`);
}
console.log('\nratios');
console.log(`  validation cost      synth / synth-novalidate   wall ${fmt(by.synth.wallMs / by['synth-novalidate'].wallMs, 2)}x   RSS ${fmt(by.synth.rssMb / by['synth-novalidate'].rssMb, 2)}x`);
console.log(`  over an empty node   synth / node-empty         wall ${fmt(by.synth.wallMs / by['node-empty'].wallMs, 2)}x   RSS ${fmt(by.synth.rssMb / by['node-empty'].rssMb, 2)}x`);
console.log(`  compiled vs ts-node  ts-node / synth            wall ${fmt(by['ts-node'].wallMs / by.synth.wallMs, 2)}x (ts-node type-checks ~1.2 MB of imports on every run)`);
