#!/usr/bin/env node
/**
 * The package as a user gets it: packs the tarball, checks what is in it, installs it into fresh cdk8s
 * TypeScript apps, compiles the README's "Use it in your own cdk8s app" example with the app's strict
 * tsconfig (the one `cdk8s init typescript-app` writes), runs it and checks what it writes; then runs the
 * installed `cdk8s-istio` command over that output and loads every subpath the package exports. The apps:
 *
 *   plus-33  the tarball, with cdk8s-plus-33 (what `cdk8s init typescript-app` adds today); npm adds
 *            our peer cdk8s-plus-27
 *   plus-27  the tarball, with cdk8s-plus-27, on the lowest versions our peer ranges admit (PEER_FLOOR)
 *   git      this repository's committed HEAD as a git dependency (npm installs our devDependencies in
 *            a clone and runs `prepare`), with cdk8s-plus-27; the installed files must be the tarball's
 *            less the .jsii assembly (a git install runs no `prepack`)
 *
 * The installs run side by side (the git one takes about two minutes).
 *
 *   node scripts/consumer-test.js                   # `npm pack` (prepack: the jsii build; prepare: tsc) and test it
 *   node scripts/consumer-test.js --tarball FILE    # test a tarball packed before, e.g. by
 *                                                   # `npm run build && npm pack --ignore-scripts` (no .jsii in it)
 *   node scripts/consumer-test.js --app plus-27     # only that app (may be repeated)
 *   node scripts/consumer-test.js --keep            # keep the scratch directory and print where it is
 *
 * The apps get cdk8s, constructs, cdk8s-plus-*, typescript and @types/node from the npm registry, at
 * the versions this repository's package-lock.json pins (the plus-27 app: at PEER_FLOOR).
 */
'use strict';
const { spawn, spawnSync } = require('child_process');
const fs = require('fs');
const os = require('os');
const path = require('path');
const YAML = require('yaml');

const root = path.resolve(__dirname, '..');
const started = Date.now();

class ConsumerTestFailure extends Error {}

function fail(message) {
  throw new ConsumerTestFailure(message);
}

function parseArgs(argv) {
  const args = { tarball: undefined, apps: [], keep: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--tarball' && argv[i + 1]) args.tarball = path.resolve(argv[++i]);
    else if (a === '--app' && argv[i + 1]) args.apps.push(argv[++i]);
    else if (a === '--keep') args.keep = true;
    else fail(`unknown argument "${a}". Usage: node scripts/consumer-test.js [--tarball FILE] [--app plus-33|plus-27|git]... [--keep]`);
  }
  return args;
}

/** Runs a command; returns its result, or fails with its output when `check` and it exits non-zero. */
function run(cmd, args, cwd, { check = true, env = {} } = {}) {
  const res = spawnSync(cmd, args, { cwd, encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 64 * 1024 * 1024 });
  if (res.error) fail(`${cmd} ${args.join(' ')}: ${res.error.message}`);
  if (check && res.status !== 0) {
    fail(`\`${cmd} ${args.join(' ')}\` in ${cwd} exited ${res.status}\n${res.stdout}${res.stderr}`);
  }
  return res;
}

function step(message) {
  console.log(`[${((Date.now() - started) / 1000).toFixed(0).padStart(3)}s] ${message}`);
}

// ---------------------------------------------------------------------------------------------
// The tarball and what is in it

function pack(outDir) {
  step('npm pack (prepack: npm run build:jsii; prepare: npm run build:lib)');
  // Not --json: the lifecycle scripts' output shares standard output with it. The tarball is the one
  // .tgz npm writes into the empty outDir.
  fs.mkdirSync(outDir, { recursive: true });
  run('npm', ['pack', '--pack-destination', outDir], root);
  const tarballs = fs.readdirSync(outDir).filter((f) => f.endsWith('.tgz'));
  if (tarballs.length !== 1) fail(`npm pack wrote ${tarballs.length} tarballs into ${outDir}: ${tarballs.join(', ')}`);
  return path.join(outDir, tarballs[0]);
}

/** The entries of a tarball (paths under `package/`), with their sizes. */
function tarEntries(tarball) {
  const res = run('tar', ['-tzvf', tarball], root);
  return res.stdout.trim().split('\n').map((line) => {
    const m = /^\S+\s+\S+\s+(\d+)\s+\S+\s+\S+\s+package\/(.*)$/.exec(line);
    if (!m) fail(`cannot read tar listing line: ${line}`);
    return { path: m[2], size: Number(m[1]) };
  }).filter((e) => !e.path.endsWith('/'));
}

const REQUIRED_FILES = [
  'package.json', 'README.md', 'LICENSE', 'NOTICE', 'CHANGELOG.md',
  'bin/cdk8s-istio.js',
  'build/lib/index.js', 'build/lib/index.d.ts', 'build/lib/cli/main.js',
  'build/imports/networking.istio.io.js', 'build/imports/networking.istio.io.d.ts',
  'schemas/index.json', 'schemas/istio-1.30.3.json', 'schemas/kubernetes-1.32.json', 'schemas/sail-istio-values.json',
  'schemas/istio-gateway-chart-values.json',
];
/** Nothing a user has no use for: sources, tests, apps, the vendored inputs, build leftovers. */
const FORBIDDEN = [
  /^(lib|imports|apps|test|scripts|crds|kubernetes-schemas|dist|\.ci)\//,
  /^build\/(?!lib\/|imports\/)/,
  /^build\/.*\.(map|tsbuildinfo|ts)$(?<!\.d\.ts)/,
  /\.tsbuildinfo$/,
  /^[^/]+\.tgz$/,
];

function checkContents(tarball, { expectJsii }) {
  const entries = tarEntries(tarball);
  const paths = new Set(entries.map((e) => e.path));
  const required = expectJsii ? [...REQUIRED_FILES, '.jsii'] : REQUIRED_FILES;
  const missing = required.filter((f) => !paths.has(f));
  if (missing.length) fail(`the tarball lacks ${missing.join(', ')}`);
  const ours = entries.filter((e) => !e.path.startsWith('node_modules/'));
  const unwanted = ours.filter((e) => FORBIDDEN.some((re) => re.test(e.path))).map((e) => e.path);
  if (unwanted.length) fail(`the tarball holds files no user needs: ${unwanted.slice(0, 20).join(', ')}`);

  // Bundled dependencies: each is in the tarball, and NOTICE names every bundled package.
  const manifest = JSON.parse(run('tar', ['-xzOf', tarball, 'package/package.json'], root).stdout);
  const bundled = manifest.bundleDependencies ?? manifest.bundledDependencies ?? [];
  const absent = bundled.filter((name) => !paths.has(`node_modules/${name}/package.json`));
  if (absent.length) fail(`bundled dependencies missing from the tarball: ${absent.join(', ')}`);
  const packages = [...new Set(entries.map((e) => /^node_modules\/((?:@[^/]+\/)?[^/]+)\/package\.json$/.exec(e.path)?.[1]).filter(Boolean))].sort();
  const notice = fs.readFileSync(path.join(root, 'NOTICE'), 'utf8');
  const unnamed = packages.filter((name) => !new RegExp(`(^|[\\s,])${name.replace(/[/@.]/g, '\\$&')}[,:]`, 'm').test(notice));
  if (unnamed.length) fail(`NOTICE does not name the bundled package(s) ${unnamed.join(', ')}; add them with their licenses`);

  const unpacked = entries.reduce((n, e) => n + e.size, 0);
  const size = fs.statSync(tarball).size;
  step(`tarball ${path.basename(tarball)}: ${(size / 1e6).toFixed(2)} MB packed, ${(unpacked / 1e6).toFixed(2)} MB unpacked, `
    + `${entries.length} files (${ours.length} of this package, ${entries.length - ours.length} in ${packages.length} bundled packages)`
    + `${paths.has('.jsii') ? ', with .jsii' : ', no .jsii'}`);
  // The plus-27 app installs PEER_FLOOR: it must lie in every peer range.
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
    if (PEER_FLOOR[peer] === undefined || !inCaretRange(PEER_FLOOR[peer], range)) {
      fail(`PEER_FLOOR gives ${peer} ${PEER_FLOOR[peer] ?? 'no version'}, outside the peer range ${range}: set it to the lowest published version in the range`);
    }
  }
  return { manifest, files: [...paths].sort() };
}

// ---------------------------------------------------------------------------------------------
// The apps

/** The example of the README's "Use it in your own cdk8s app" section. */
function consumerExample() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const section = readme.indexOf('## Use it in your own cdk8s app');
  if (section === -1) fail('README.md has no "## Use it in your own cdk8s app" section');
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(section));
  if (!match) fail('README.md has no ```ts block under "## Use it in your own cdk8s app"');
  const code = match[1];
  if (!code.includes("from 'cdk8s-plus-33'")) fail("the README's consumer example does not import 'cdk8s-plus-33'");
  return code;
}

/** The tsconfig.json `cdk8s init typescript-app` writes (strict, noUnusedLocals, library checking on). */
const APP_TSCONFIG = {
  compilerOptions: {
    alwaysStrict: true, declaration: true, experimentalDecorators: true, inlineSourceMap: true, inlineSources: true,
    lib: ['es2016'], module: 'CommonJS', noEmit: false, noEmitOnError: true, noFallthroughCasesInSwitch: true,
    noImplicitAny: true, noImplicitReturns: true, noImplicitThis: true, noUnusedLocals: true, noUnusedParameters: true,
    resolveJsonModule: true, strict: true, strictNullChecks: true, strictPropertyInitialization: true, stripInternal: true,
    target: 'ES2017',
  },
  include: ['**/*.ts'],
  exclude: ['node_modules'],
};

/** The version this repository's lock file pins for a package. */
function pinned(name) {
  const lock = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf8'));
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) fail(`package-lock.json pins no version of ${name}`);
  return entry.version;
}

/**
 * The lowest published versions our peer dependency ranges admit (cdk8s ^2.68.11 starts at 2.68.12):
 * the plus-27 app runs on them, so a range never promises a version nothing tested.
 */
const PEER_FLOOR = { 'cdk8s': '2.68.12', 'constructs': '10.3.0', 'cdk8s-plus-27': '2.9.5' };

/** True when `version` is in the caret range `range` (`^X.Y.Z`, X > 0), the only form our peer ranges use. */
function inCaretRange(version, range) {
  const m = /^\^(\d+)\.(\d+)\.(\d+)$/.exec(range);
  if (!m || m[1] === '0') fail(`peer dependency range "${range}" is not of the form ^X.Y.Z with X > 0; extend inCaretRange`);
  const [a, b] = [m.slice(1).map(Number), version.split('.').map(Number)];
  return b[0] === a[0] && (b[1] > a[1] || (b[1] === a[1] && b[2] >= a[2]));
}

/** The versions an app installs: this repository's lock file's, or the peer floor. */
function versionsFor(name) {
  const lock = { 'cdk8s': pinned('cdk8s'), 'constructs': pinned('constructs'), [APPS[name].plus]: pinned(APPS[name].plus) };
  return APPS[name].peers === 'floor' ? { ...lock, ...PEER_FLOOR } : lock;
}

const APPS = {
  'plus-33': { plus: 'cdk8s-plus-33', source: 'tarball', peers: 'lock' },
  'plus-27': { plus: 'cdk8s-plus-27', source: 'tarball', peers: 'floor' },
  'git': { plus: 'cdk8s-plus-27', source: 'git', peers: 'lock' },
};

/** The git dependency on this repository's committed HEAD. */
function gitSpec() {
  const sha = run('git', ['rev-parse', 'HEAD'], root).stdout.trim();
  if (run('git', ['status', '--porcelain', '--untracked-files=no'], root).stdout.trim()) {
    step(`git: note: installs the committed HEAD ${sha.slice(0, 12)}; uncommitted changes are not in it`);
  }
  return `git+file://${root}#${sha}`;
}

function createApp(dir, name, plus, spec, example) {
  fs.mkdirSync(dir, { recursive: true });
  const pkg = {
    name: `consumer-${name}`,
    version: '1.0.0',
    private: true,
    license: 'Apache-2.0',
    main: 'main.js',
    dependencies: { ...versionsFor(name), 'cdk8s-istio': spec },
    devDependencies: { '@types/node': pinned('@types/node'), 'typescript': pinned('typescript') },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), `${JSON.stringify(pkg, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'tsconfig.json'), `${JSON.stringify(APP_TSCONFIG, null, 2)}\n`);
  fs.writeFileSync(path.join(dir, 'main.ts'), example.replace(/'cdk8s-plus-33'/g, `'${plus}'`));
}

/** Every regular file under `dir` (not the links npm makes in node_modules/.bin), relative, sorted. */
function filesUnder(dir) {
  const out = [];
  const walk = (d) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p); else if (e.isFile()) out.push(path.relative(dir, p).split(path.sep).join('/'));
    }
  };
  walk(dir);
  return out.sort();
}

function expectEqual(what, actual, expected) {
  const a = JSON.stringify(actual, null, 2);
  const e = JSON.stringify(expected, null, 2);
  if (a === e) return;
  if (Array.isArray(actual) && Array.isArray(expected) && expected.length > 20) {
    const extra = actual.filter((x) => !expected.includes(x));
    const missing = expected.filter((x) => !actual.includes(x));
    fail(`${what}: ${missing.length} missing ${JSON.stringify(missing.slice(0, 20))}, ${extra.length} unexpected ${JSON.stringify(extra.slice(0, 20))}`);
  }
  fail(`${what}:\nexpected ${e}\nactual   ${a}`);
}

/** What the README example writes, checked object by object. */
function checkOutput(dir, name) {
  const dist = path.join(dir, 'dist');
  expectEqual(`${name}: files written`, filesUnder(dist), ['prod/gitops/manifests.yaml', 'prod/istioctl/control-plane-1-30-3.yaml']);

  const objects = YAML.parseAllDocuments(fs.readFileSync(path.join(dist, 'prod/gitops/manifests.yaml'), 'utf8')).map((d) => d.toJS());
  const ids = objects.map((o) => `${o.kind} ${o.metadata.namespace ?? '-'}/${o.metadata.name}`);
  expectEqual(`${name}: objects in gitops/manifests.yaml`, ids, EXPECTED_OBJECTS);
  const find = (kind, ns, n) => objects.find((o) => o.kind === kind && o.metadata.namespace === ns && o.metadata.name === n);

  expectEqual(`${name}: Namespace shop labels`, objects.find((o) => o.kind === 'Namespace').metadata.labels, { 'istio.io/rev': '1-30-3' });
  expectEqual(`${name}: mesh-wide PeerAuthentication spec`, find('PeerAuthentication', 'istio-system', 'default').spec, { mtls: { mode: 'STRICT' } });
  const host = 'api.shop.svc.cluster.local';
  expectEqual(`${name}: DestinationRule shop/api spec`, find('DestinationRule', 'shop', 'api').spec, {
    host,
    subsets: [{ labels: { app: 'api', version: 'v1' }, name: 'v1' }, { labels: { app: 'api', version: 'v2' }, name: 'v2' }],
  });
  expectEqual(`${name}: VirtualService shop/api spec`, find('VirtualService', 'shop', 'api').spec, {
    hosts: [host],
    http: [{ name: 'api-canary-weighted', route: [{ destination: { host, subset: 'v1' }, weight: 90 }, { destination: { host, subset: 'v2' }, weight: 10 }] }],
  });
  expectEqual(`${name}: AuthorizationPolicy api-from-web spec`, find('AuthorizationPolicy', 'shop', 'api-from-web').spec, {
    action: 'ALLOW',
    rules: [{ from: [{ source: { principals: ['cluster.local/ns/shop/sa/web'] } }], to: [{ operation: { methods: ['GET'] } }] }],
    selector: { matchLabels: { app: 'api' } },
  });
  expectEqual(`${name}: AuthorizationPolicy deny-all spec`, find('AuthorizationPolicy', 'shop', 'allow-nothing').spec, {});

  const operator = YAML.parse(fs.readFileSync(path.join(dist, 'prod/istioctl/control-plane-1-30-3.yaml'), 'utf8'));
  expectEqual(`${name}: IstioOperator identity`, [operator.apiVersion, operator.kind, operator.metadata.name, operator.spec.revision],
    ['install.istio.io/v1alpha1', 'IstioOperator', 'control-plane-1-30-3', '1-30-3']);
}

/** The objects of the README example's gitops/manifests.yaml, in the order MeshApp writes them. */
const EXPECTED_OBJECTS = [
  'Namespace -/shop',
  'ServiceAccount shop/web',
  'PeerAuthentication istio-system/default',
  'Deployment shop/prod-api-v1',
  'Deployment shop/prod-api-v2',
  'Service shop/api',
  'DestinationRule shop/api',
  'VirtualService shop/api',
  'Deployment shop/prod-web',
  'AuthorizationPolicy shop/allow-nothing',
  'AuthorizationPolicy shop/api-from-web',
];

/** Child processes still running, ended if the test fails early. */
const running = new Set();

/**
 * Creates the app and starts its `npm install` in the background (output to <app>.install.log), so the
 * slow git install overlaps the packing and the other apps. Resolves when the install has ended.
 */
function startInstall(scratch, name, spec, example) {
  const { plus } = APPS[name];
  const dir = path.join(scratch, name);
  createApp(dir, name, plus, spec, example);
  const versions = Object.entries(versionsFor(name)).map(([n, v]) => `${n} ${v}`).join(', ');
  step(`${name}: npm install started (${versions}, typescript ${pinned('typescript')}, `
    + `${APPS[name].source === 'git' ? 'cdk8s-istio from git' : 'the tarball'})`);
  const log = path.join(scratch, `${name}.install.log`);
  const fd = fs.openSync(log, 'w');
  const child = spawn('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error'], { cwd: dir, stdio: ['ignore', fd, fd], detached: true });
  running.add(child);
  return new Promise((resolve) => {
    child.on('exit', (code, signal) => {
      running.delete(child);
      fs.closeSync(fd);
      resolve({ code, signal, log });
    });
    child.on('error', (error) => {
      running.delete(child);
      resolve({ code: -1, signal: null, log, error });
    });
  });
}

async function testApp(scratch, name, install, packed) {
  const { plus, source } = APPS[name];
  const { manifest } = packed;
  const dir = path.join(scratch, name);
  const installed = await install;
  if (installed.code !== 0) {
    fail(`${name}: npm install exited ${installed.error ? installed.error.message : installed.code ?? installed.signal}\n${fs.readFileSync(installed.log, 'utf8').slice(-8000)}`);
  }
  step(`${name}: installed`);
  if (source === 'git') {
    const files = filesUnder(path.join(dir, 'node_modules/cdk8s-istio'));
    expectEqual(`${name}: files of the git install (the tarball's without .jsii)`, files, packed.files.filter((f) => f !== '.jsii'));
  }
  for (const [peer, range] of Object.entries(manifest.peerDependencies ?? {})) {
    const file = path.join(dir, 'node_modules', peer, 'package.json');
    if (!fs.existsSync(file)) fail(`${name}: npm did not install the peer dependency ${peer}`);
    const version = JSON.parse(fs.readFileSync(file, 'utf8')).version;
    if (!inCaretRange(version, range)) fail(`${name}: ${peer} ${version} is installed, outside the peer range ${range}`);
    if (APPS[name].peers === 'floor' && version !== PEER_FLOOR[peer]) fail(`${name}: ${peer} ${version} is installed instead of ${PEER_FLOOR[peer]}`);
  }

  step(`${name}: tsc (the strict tsconfig of cdk8s init typescript-app) over the README example`);
  const tsc = run(path.join(dir, 'node_modules/.bin/tsc'), ['-p', '.'], dir, { check: false });
  if (tsc.status !== 0) fail(`${name}: the README example does not compile against the installed package and ${plus}:\n${tsc.stdout}${tsc.stderr}`);

  step(`${name}: node main.js`);
  run('node', ['main.js'], dir);
  checkOutput(dir, name);

  step(`${name}: the installed cdk8s-istio command over dist/prod`);
  const bin = path.join(dir, 'node_modules/.bin/cdk8s-istio');
  run(bin, ['validate', 'dist/prod'], dir);
  const analysis = run(bin, ['analyze', 'dist/prod'], dir);
  // No finding on standard output; the summary on standard error.
  if (analysis.stdout.trim() !== '' || !/^Analyzed 12 objects from 2 files with \d+ checks: 0 errors, 0 warnings, 0 info\.$/.test(analysis.stderr.trim())) {
    fail(`${name}: \`cdk8s-istio analyze dist/prod\` found something in the README example's output:\n${analysis.stdout}${analysis.stderr}`);
  }

  // Every subpath the package exports by name loads in the app; the L1 classes, where the package has
  // them, come from cdk8s-istio/l1/networking (a named or a wildcard export).
  const subpaths = Object.keys(manifest.exports ?? {}).filter((k) => k !== '.' && !k.endsWith('.json') && !k.includes('*'))
    .map((k) => `cdk8s-istio${k.slice(1)}`);
  const probe = `
    const loaded = [];
    const istio = require('cdk8s-istio');
    if (typeof istio.MeshApp !== 'function') throw new Error("require('cdk8s-istio') has no MeshApp");
    for (const id of ${JSON.stringify(subpaths)}) {
      if (Object.keys(require(id)).length === 0) throw new Error('require(' + JSON.stringify(id) + ') exports nothing');
      loaded.push(id);
    }
    let l1;
    try { l1 = require.resolve('cdk8s-istio/l1/networking'); } catch (e) { if (e.code !== 'MODULE_NOT_FOUND' && e.code !== 'ERR_PACKAGE_PATH_NOT_EXPORTED') throw e; }
    if (l1 !== undefined) {
      if (typeof require('cdk8s-istio/l1/networking').VirtualService !== 'function') throw new Error("require('cdk8s-istio/l1/networking') has no VirtualService");
      if (!loaded.includes('cdk8s-istio/l1/networking')) loaded.push('cdk8s-istio/l1/networking');
    }
    process.stdout.write(loaded.join(', '));`;
  const loaded = run('node', ['-e', probe], dir).stdout;
  step(`${name}: OK (${loaded ? `loaded ${loaded}` : 'the package exports no subpaths'})`);
}

async function main() {
  let args;
  try {
    args = parseArgs(process.argv.slice(2));
    const unknown = args.apps.filter((n) => !APPS[n]);
    if (unknown.length) fail(`unknown app ${unknown.join(', ')}; the apps are ${Object.keys(APPS).join(', ')}`);
  } catch (e) {
    if (!(e instanceof ConsumerTestFailure)) throw e;
    console.error(`consumer test: ${e.message}`);
    process.exitCode = 2;
    return;
  }
  const names = args.apps.length ? args.apps : Object.keys(APPS);

  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-consumer-'));
  try {
    const example = consumerExample();
    const installs = new Map();
    const fromGit = names.filter((n) => APPS[n].source === 'git');
    if (fromGit.length) {
      const spec = gitSpec();
      for (const name of fromGit) installs.set(name, startInstall(scratch, name, spec, example));
    }
    const tarball = args.tarball ?? pack(path.join(scratch, 'pack'));
    if (!fs.existsSync(tarball)) fail(`no tarball at ${tarball}`);
    const packed = checkContents(tarball, { expectJsii: args.tarball === undefined });
    for (const name of names.filter((n) => APPS[n].source === 'tarball')) installs.set(name, startInstall(scratch, name, `file:${tarball}`, example));
    for (const name of names) await testApp(scratch, name, installs.get(name), packed);
    step(`consumer test OK: ${names.join(', ')}`);
  } catch (e) {
    if (!(e instanceof ConsumerTestFailure)) throw e;
    console.error(`consumer test FAILED: ${e.message}`);
    process.exitCode = 1;
  } finally {
    for (const child of running) {
      try { process.kill(-child.pid); } catch { /* already ended */ }   // the install's process group (git, npm)
    }
    if (args.keep) console.error(`scratch directory kept: ${scratch}`);
    else fs.rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exitCode = 1;
});
