#!/usr/bin/env node
/**
 * Synthesis benchmark: how long a mesh of N services takes to synthesize with this library, with and
 * without its checks, against the very same objects written as plain cdk8s ApiObjects.
 *
 *   npm run bench                    N = 100, 1,000, 5,000; 3 runs of each case (builds first)
 *   npm run bench -- --runs 5        more runs
 *   npm run bench -- --sizes 200,800
 *   npm run bench -- --quick         the CI guard: N = 500 and 2,000, fails when time(2,000)/time(500) > 6
 *
 * The mesh is scripts/bench-mesh.js (per service: CircuitBreaker + CanaryRelease on one host, an ALLOW
 * AuthorizationPolicy, a SidecarScope; per 50 services a namespace with a deny-all; a control plane, an
 * ingress gateway with a route to every tenth service; the workloads declared with ExternalResources).
 *
 * Cases, each run in a fresh Node process (as `cdk8s synth` runs an app) that loads the compiled
 * library, builds the constructs and writes the YAML:
 *   ours     MeshApp with validateOutput: false
 *   checked  MeshApp as `npm run synth` runs it: every object against its schema and CEL rules, the
 *            analyzer over the chart, then written
 *   raw      the same objects as plain cdk8s ApiObjects in a cdk8s App (the floor: cdk8s's own cost)
 * Runs are interleaved (every case and size once, then again) so that load from other processes spreads
 * over all cases; the table shows medians of wall time (spawn to exit), CPU time and peak RSS.
 *
 * Before measuring, the script checks (once, not timed) that `raw` writes the same objects as `ours` and
 * that `checked` passes, so the comparison stays one of equals when the constructs change.
 */
'use strict';
const { spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');

const root = path.resolve(__dirname, '..');
const libPath = path.join(root, 'build/lib');
const CASES = ['ours', 'checked', 'raw'];
/** Largest time(large)/time(small) `--quick` accepts (4x the services: linear is about 4, quadratic 16). */
const QUICK_LIMIT = 6;

function parseArgs(argv) {
  const args = { quick: false, runs: undefined, sizes: undefined, child: undefined };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--quick') args.quick = true;
    else if (a === '--runs') args.runs = Number(argv[++i]);
    else if (a === '--sizes') args.sizes = argv[++i].split(',').map(Number);
    else if (a === '--child') {
      // --child <ours|checked|raw> <services> <outdir> [<fixed objects, JSON: raw only>]
      args.child = { kind: argv[++i], n: Number(argv[++i]), outdir: argv[++i] };
      if (argv[i + 1] !== undefined && !argv[i + 1].startsWith('--')) args.child.fixed = argv[++i];
    }
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/bench.js [--quick] [--runs R] [--sizes N,N,...]');
      process.exit(0);
    } else {
      console.error(`bench: unknown argument ${JSON.stringify(a)} (try --help)`);
      process.exit(2);
    }
  }
  if (args.runs !== undefined && !(Number.isInteger(args.runs) && args.runs > 0)) {
    console.error('bench: --runs takes a whole number above 0');
    process.exit(2);
  }
  if (args.sizes !== undefined && !args.sizes.every((n) => Number.isInteger(n) && n > 0)) {
    console.error('bench: --sizes takes whole numbers above 0, e.g. --sizes 100,1000');
    process.exit(2);
  }
  return args;
}

/** Child process: builds and writes one case, then prints what it measured as JSON. */
function runChild({ kind, n, outdir, fixed }) {
  const cdk8s = require(require.resolve('cdk8s', { paths: [root] }));
  const { buildOurs, rawObjects } = require('./bench-mesh');
  let objects;
  if (!CASES.includes(kind) || !(n >= 0) || !outdir || (kind === 'raw' && !fixed)) {
    console.error('usage: node scripts/bench.js --child <ours|checked|raw> <services> <outdir> [<fixed.json>, for raw]');
    process.exit(2);
  }
  if (kind === 'raw') {
    const app = new cdk8s.App({ outdir });
    const chart = new cdk8s.Chart(app, 'mesh', { disableResourceNameHashes: true });
    const all = rawObjects(JSON.parse(fs.readFileSync(fixed, 'utf8')), n);
    all.forEach((obj, i) => new cdk8s.ApiObject(chart, `o${i}`, obj));
    app.synth();
    objects = all.length;
  } else {
    const istio = require(libPath);
    const app = new istio.MeshApp({ outdir, validateOutput: kind === 'checked', printSummary: false });
    buildOurs(istio, cdk8s, app, n);
    const out = app.synthOutputs();
    objects = out.reduce((sum, o) => sum + o.gitops.length + o.istioctl.length + (o.external ?? []).length, 0);
  }
  const cpu = process.cpuUsage();
  console.log(JSON.stringify({ objects, cpuMs: (cpu.user + cpu.system) / 1000, rssMb: process.resourceUsage().maxRSS / 1024 }));
}

/** Canonical JSON (sorted keys), to compare objects whatever their key order. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * The objects of `buildOurs` that do not depend on N (those of 0 services), written to a temp file for
 * the raw case; then checks that raw writes what ours writes and that the checked case passes.
 */
function prepare(tmp) {
  const cdk8s = require(require.resolve('cdk8s', { paths: [root] }));
  const istio = require(libPath);
  const { buildOurs, rawObjects } = require('./bench-mesh');
  const oursAt = (n) => {
    const app = new istio.MeshApp({ outdir: path.join(tmp, `check-${n}`), validateOutput: true, printSummary: false });
    buildOurs(istio, cdk8s, app, n);
    return app.synthOutputs().flatMap((o) => [...o.gitops, ...o.istioctl, ...(o.external ?? [])]);
  };
  const fixed = oursAt(0);
  const fixedFile = path.join(tmp, 'fixed.json');
  fs.writeFileSync(fixedFile, JSON.stringify(fixed));
  const n = 120;
  const ours = oursAt(n).map(canonical).sort();
  const chart = new cdk8s.Chart(new cdk8s.App({ outdir: path.join(tmp, 'check-raw') }), 'mesh', { disableResourceNameHashes: true });
  rawObjects(fixed, n).forEach((obj, i) => new cdk8s.ApiObject(chart, `o${i}`, obj));
  const raw = chart.toJson().map(canonical).sort();
  const onlyOurs = ours.filter((o) => !raw.includes(o));
  const onlyRaw = raw.filter((o) => !ours.includes(o));
  if (ours.length !== raw.length || onlyOurs.length > 0 || onlyRaw.length > 0) {
    throw new Error(`bench: the raw objects (scripts/bench-mesh.js rawObjects) are not those the constructs write for ${n} services `
      + `(${ours.length} ours, ${raw.length} raw). Update rawObjects.\nonly ours: ${onlyOurs.slice(0, 3).join('\n')}\nonly raw: ${onlyRaw.slice(0, 3).join('\n')}`);
  }
  return fixedFile;
}

function runCase(kind, n, tmp, fixedFile) {
  const outdir = fs.mkdtempSync(path.join(tmp, `${kind}-${n}-`));
  const t0 = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [__filename, '--child', kind, String(n), outdir, fixedFile], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
  const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
  fs.rmSync(outdir, { recursive: true, force: true });
  if (r.status !== 0) {
    throw new Error(`bench: case ${kind} with ${n} services failed (exit ${r.status}${r.signal ? `, ${r.signal}` : ''}):\n${r.stderr}`);
  }
  return { wallMs, ...JSON.parse(r.stdout.trim().split('\n').pop()) };
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs every (case, size) `runs` times, interleaved; returns medians by case and size. */
function measure(cases, sizes, runs, tmp, fixedFile) {
  const samples = new Map();
  const key = (c, n) => `${c}@${n}`;
  for (let r = 0; r < runs; r++) {
    // Rotate the order of cases from run to run, so none always runs right after the heaviest.
    const order = cases.map((_, i) => cases[(i + r) % cases.length]);
    for (const n of sizes) {
      for (const c of order) {
        const s = runCase(c, n, tmp, fixedFile);
        if (!samples.has(key(c, n))) samples.set(key(c, n), []);
        samples.get(key(c, n)).push(s);
        process.stderr.write(`  run ${r + 1}/${runs}  ${c.padEnd(7)} N=${String(n).padEnd(5)} ${(s.wallMs / 1000).toFixed(2)} s\n`);
      }
    }
  }
  const result = {};
  for (const c of cases) {
    result[c] = {};
    for (const n of sizes) {
      const xs = samples.get(key(c, n));
      result[c][n] = {
        objects: xs[0].objects,
        wall: median(xs.map((x) => x.wallMs)) / 1000,
        cpu: median(xs.map((x) => x.cpuMs)) / 1000,
        rss: median(xs.map((x) => x.rssMb)),
        maxRss: Math.max(...xs.map((x) => x.rssMb)),
      };
    }
  }
  return result;
}

function header(runs) {
  const cpu = os.cpus();
  const cache = process.env.CDK8S_ISTIO_CACHE === 'off'
    ? 'off (CDK8S_ISTIO_CACHE=off): every process compiles the schemas it validates against'
    : 'filled by the check run before measuring (CDK8S_ISTIO_CACHE=off measures without it)';
  return `cdk8s-istio synthesis benchmark: node ${process.version}, ${cpu.length} CPUs (${cpu[0]?.model.trim() ?? 'unknown'}), `
    + `load average ${os.loadavg()[0].toFixed(1)} at start, median of ${runs} fresh processes per case, interleaved\n`
    + `validator cache: ${cache}`;
}

function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [line(rows[0]), `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`, ...rows.slice(1).map(line)].join('\n');
}

const s = (x) => `${x.toFixed(2)} s`;
const ratio = (x) => x.toFixed(2);

function full(args, tmp, fixedFile) {
  const sizes = args.sizes ?? [100, 1000, 5000];
  const runs = args.runs ?? 3;
  console.log(header(runs));
  const m = measure(CASES, sizes, runs, tmp, fixedFile);
  const rows = [['services', 'objects (+ declared)', 'ours', 'ours + validation + analysis', 'raw cdk8s', 'ours/raw', '(ours+val)/raw', 'peak RSS ours / +val / raw']];
  for (const n of sizes) {
    const o = m.ours[n];
    const c = m.checked[n];
    const r = m.raw[n];
    const mesh = o.objects - 3 * n - 1;   // ExternalResources declares 3 objects per service and the TLS secret
    rows.push([n.toLocaleString('en-US'), `${mesh.toLocaleString('en-US')} (+ ${(o.objects - mesh).toLocaleString('en-US')})`, s(o.wall), s(c.wall), s(r.wall),
      ratio(o.wall / r.wall), ratio(c.wall / r.wall), `${o.rss.toFixed(0)} / ${c.rss.toFixed(0)} / ${r.rss.toFixed(0)} MB`]);
  }
  console.log(`\n${table(rows)}`);
  const cpuRows = [['services', 'CPU ours', 'CPU ours + validation + analysis', 'CPU raw']];
  for (const n of sizes) cpuRows.push([n.toLocaleString('en-US'), s(m.ours[n].cpu), s(m.checked[n].cpu), s(m.raw[n].cpu)]);
  console.log(`\nCPU time (user + system, all threads), medians:\n${table(cpuRows)}`);

  const big = Math.max(...sizes);
  const scaleFrom = sizes.includes(1000) && big > 1000 ? 1000 : sizes.length > 1 ? sizes[sizes.length - 2] : undefined;
  const targets = [];
  if (scaleFrom !== undefined) {
    console.log(`\nscaling, time(${big.toLocaleString('en-US')}) / time(${scaleFrom.toLocaleString('en-US')}) for ${(big / scaleFrom).toFixed(1)}x the services:`);
    for (const c of CASES) {
      const f = m[c][big].wall / m[c][scaleFrom].wall;
      console.log(`  ${c.padEnd(8)} ${ratio(f)}`);
      if (big === 5000 && scaleFrom === 1000) targets.push([`time(5,000)/time(1,000) <= 5.5 (${c})`, f <= 5.5, ratio(f)]);
    }
  }
  if (sizes.includes(1000)) {
    targets.push(['ours/raw <= 1.3 at N = 1,000', m.ours[1000].wall / m.raw[1000].wall <= 1.3, ratio(m.ours[1000].wall / m.raw[1000].wall)]);
  }
  for (const n of sizes) {
    const f = m.checked[n].wall / m.raw[n].wall;
    targets.push([`(ours + validation + analysis)/raw <= 2.0 at N = ${n.toLocaleString('en-US')}`, f <= 2.0, ratio(f)]);
  }
  if (sizes.includes(5000)) {
    targets.push(['peak RSS < 512 MB at N = 5,000 with validation (highest run)', m.checked[5000].maxRss < 512, `${m.checked[5000].maxRss.toFixed(0)} MB`]);
  }
  if (targets.length > 0) {
    console.log('\ntargets:');
    for (const [name, ok, value] of targets) console.log(`  ${ok ? 'met   ' : 'MISSED'}  ${name}: ${value}`);
  }
}

/**
 * The CI guard: ours and ours + validation + analysis at 500 and 2,000 services; fails when the larger
 * takes more than QUICK_LIMIT times the smaller. Judged on CPU time (user + system of the child), which
 * other processes on a busy machine barely change, unlike wall time; both are printed.
 */
function quick(args, tmp, fixedFile) {
  const [small, large] = args.sizes ?? [500, 2000];
  const runs = args.runs ?? 3;
  console.log(`${header(runs)}\nguard: CPU time(${large}) / CPU time(${small}) <= ${QUICK_LIMIT} (linear is about ${(large / small).toFixed(0)}, quadratic ${((large / small) ** 2).toFixed(0)})`);
  const cases = ['ours', 'checked'];
  const m = measure(cases, [small, large], runs, tmp, fixedFile);
  let failed = false;
  for (const c of cases) {
    const cpu = m[c][large].cpu / m[c][small].cpu;
    const wall = m[c][large].wall / m[c][small].wall;
    const ok = cpu <= QUICK_LIMIT;
    failed ||= !ok;
    console.log(`  ${ok ? 'ok    ' : 'FAILED'}  ${c.padEnd(8)} CPU ${s(m[c][small].cpu)} -> ${s(m[c][large].cpu)}: ${ratio(cpu)}   (wall ${s(m[c][small].wall)} -> ${s(m[c][large].wall)}: ${ratio(wall)})`);
  }
  if (failed) {
    console.error(`bench --quick: synthesis grows faster than linearly (more than ${QUICK_LIMIT}x the time for ${(large / small).toFixed(0)}x the services). `
      + 'Profile with: node --cpu-prof scripts/bench.js --child checked 2000 <outdir>, or run npm run bench for the full table.');
    process.exitCode = 1;
  }
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.child) {
    runChild(args.child);
    return;
  }
  if (!fs.existsSync(path.join(libPath, 'index.js'))) {
    console.error('bench: build/lib is missing: run `npm run build` first (npm run bench does).');
    process.exit(1);
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bench-'));
  try {
    const fixedFile = prepare(tmp);
    if (args.quick) quick(args, tmp, fixedFile);
    else full(args, tmp, fixedFile);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

main();
