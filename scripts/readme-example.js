'use strict';
/**
 * The README's first example, and a type-check of it against a given entry point of the library
 * (the sources for the tests, the compiled declarations for the package check).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');

/** The code of the first ```ts block under "## A first example" in README.md. */
function readmeExample() {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const match = /```ts\n([\s\S]*?)```/.exec(readme.slice(readme.indexOf('## A first example')));
  if (!match) {
    throw new Error('README.md has no ```ts block under "## A first example"');
  }
  return match[1];
}

/**
 * Type-checks `code` as a user's file that imports 'cdk8s-istio' from `entry` (a .ts or .d.ts file).
 * Returns the diagnostics of the example itself and of the library files under `ownDir`, formatted;
 * an empty string when clean.
 */
function typeCheck(code, entry, ownDir, options = {}) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-example-'));
  const file = path.join(dir, 'main.ts');
  fs.writeFileSync(file, code);
  try {
    const program = ts.createProgram([file], {
      strict: true,
      noEmit: true,
      skipLibCheck: options.skipLibCheck ?? true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      moduleResolution: ts.ModuleResolutionKind.Node10,
      esModuleInterop: true,
      types: ['node'],
      baseUrl: root,
      paths: { 'cdk8s-istio': [entry], '*': [path.join(root, 'node_modules/*')] },
    });
    const ours = (d) => d.file === undefined || d.file.fileName === file || d.file.fileName.startsWith(ownDir + path.sep);
    const diagnostics = ts.getPreEmitDiagnostics(program).filter(ours);
    const checked = program.getSourceFiles().filter((f) => f.fileName.startsWith(ownDir + path.sep)).length;
    return {
      errors: ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' }),
      checked,
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

module.exports = { root, readmeExample, typeCheck };
