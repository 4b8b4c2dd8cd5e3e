#!/usr/bin/env node
/**
 * Incremental, transpile-only build of what `npm run synth` and `npm run bench` run: lib/, imports/ and
 * apps/ to build/ (the layout `tsc -p tsconfig.json` writes), with esbuild and tsconfig.json's options.
 *
 * A file is transpiled again only when its content (or esbuild's version, or tsconfig.json) changed
 * since it was last transpiled: build/.transpile-cache.json keeps a hash of each source. So the generated
 * imports/ (1.2 MB) are not compiled again on every synth.
 *
 * This does not type-check (each file is transpiled on its own, as tsconfig's `isolatedModules`
 * guarantees is safe): type errors are reported by `npm run build` (tsc), which CI runs. Syntax errors
 * are reported here.
 *
 *   node scripts/transpile.js            transpile what changed; prints one line
 */
'use strict';
const crypto = require('crypto');
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const outDir = path.join(root, 'build');
const SOURCE_DIRS = ['lib', 'imports', 'apps'];
const CACHE_FILE = path.join(outDir, '.transpile-cache.json');
/** Bump when this script's output changes for the same inputs. */
const FORMAT = 1;

const sha1 = (text) => crypto.createHash('sha1').update(text).digest('hex');
const outputOf = (rel) => path.join(outDir, rel.replace(/\.ts$/, '.js'));

function sources() {
  const out = [];
  for (const dir of SOURCE_DIRS) {
    for (const f of fs.readdirSync(path.join(root, dir), { recursive: true })) {
      const rel = path.join(dir, f);
      if (rel.endsWith('.ts') && !rel.endsWith('.d.ts')) out.push(rel);
    }
  }
  return out.sort();
}

function readCache(key) {
  try {
    const cache = JSON.parse(fs.readFileSync(CACHE_FILE, 'utf8'));
    return cache.key === key ? cache.files : {};
  } catch {
    return {};
  }
}

/** Transpiles `files` (paths relative to the root) to build/, as tsc would emit them (CommonJS, the tsconfig target). */
function transpile(esbuild, tsconfig, files) {
  const options = tsconfig.compilerOptions ?? {};
  esbuild.buildSync({
    absWorkingDir: root,
    entryPoints: files,
    outdir: outDir,
    outbase: root,
    bundle: false,
    format: 'cjs',
    platform: 'node',
    target: String(options.target ?? 'es2022').toLowerCase(),
    // esbuild reads class-field semantics and import elision from these, as tsc does.
    tsconfigRaw: { compilerOptions: options },
    logLevel: 'silent',
  });
}

/** Transpiles what changed; returns false (after printing them) on syntax errors. */
function transpileChanged() {
  const t0 = process.hrtime.bigint();
  const esbuild = require(require.resolve('esbuild', { paths: [root] }));
  const tsconfigText = fs.readFileSync(path.join(root, 'tsconfig.json'), 'utf8');
  const key = sha1(JSON.stringify([FORMAT, esbuild.version, tsconfigText]));
  const previous = readCache(key);
  const files = {};
  const changed = [];
  for (const rel of sources()) {
    files[rel] = sha1(fs.readFileSync(path.join(root, rel)));
    if (previous[rel] !== files[rel] || !fs.existsSync(outputOf(rel))) changed.push(rel);
  }
  if (changed.length > 0) {
    try {
      transpile(esbuild, JSON.parse(tsconfigText), changed);
    } catch (e) {
      const errors = e.errors ?? [];
      if (errors.length === 0) throw e;
      console.error(`transpile: ${errors.length} error${errors.length === 1 ? '' : 's'}:`);
      for (const err of errors.slice(0, 20)) {
        const at = err.location ? `${err.location.file}:${err.location.line}:${err.location.column + 1}: ` : '';
        console.error(`  ${at}${err.text}`);
      }
      return false;
    }
  }
  fs.mkdirSync(outDir, { recursive: true });
  const tmp = `${CACHE_FILE}.${process.pid}`;
  fs.writeFileSync(tmp, JSON.stringify({ key, files }));
  fs.renameSync(tmp, CACHE_FILE);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  console.error(`transpile: ${changed.length} of ${Object.keys(files).length} files changed, ${(ms / 1000).toFixed(2)} s (type-check: npm run build)`);
  return true;
}

module.exports = { transpileChanged };

if (require.main === module && !transpileChanged()) process.exit(1);
