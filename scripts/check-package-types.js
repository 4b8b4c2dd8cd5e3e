#!/usr/bin/env node
/**
 * Type-checks the README's first example against the compiled declarations in build/lib (what
 * `npm install cdk8s-istio` users get), not against the sources: catches a public type that refers to
 * something `stripInternal` removed, or any other broken .d.ts. Run after `npm run build`.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');
const types = path.join(root, 'build/lib/index.d.ts');
if (!fs.existsSync(types)) {
  console.error('build/lib/index.d.ts is missing: run `npm run build` first.');
  process.exit(1);
}
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const example = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## A first example')))[1];
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-types-'));
const file = path.join(dir, 'main.ts');
fs.writeFileSync(file, example);

const program = ts.createProgram([file], {
  strict: true,
  noEmit: true,
  skipLibCheck: false,
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.CommonJS,
  moduleResolution: ts.ModuleResolutionKind.Node10,
  esModuleInterop: true,
  types: [],
  baseUrl: root,
  paths: { 'cdk8s-istio': [types], '*': [path.join(root, 'node_modules/*')] },
});
// Our own declarations and the example must be clean; third-party .d.ts are not ours to judge.
const ours = (d) => d.file === undefined || d.file.fileName === file || d.file.fileName.startsWith(path.join(root, 'build') + path.sep);
const diagnostics = ts.getPreEmitDiagnostics(program).filter(ours);
fs.rmSync(dir, { recursive: true, force: true });
if (diagnostics.length > 0) {
  console.error(ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }));
  process.exit(1);
}
console.log(`package types OK: the README example type-checks against build/lib (${program.getSourceFiles().filter((f) => f.fileName.startsWith(path.join(root, 'build'))).length} declaration files).`);
