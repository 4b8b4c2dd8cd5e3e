'use strict';
/**
 * The README's examples, and a type-check of one against a given entry point of the library (the
 * sources for the tests, the compiled declarations for the package check).
 */
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');

const root = path.resolve(__dirname, '..');

/** The L1 modules of the package: subpath -> the generated source in imports/ (its build/imports/*.js and .d.ts once built). */
const L1_MODULES = {
  'cdk8s-istio/l1/networking': 'networking.istio.io',
  'cdk8s-istio/l1/security': 'security.istio.io',
  'cdk8s-istio/l1/telemetry': 'telemetry.istio.io',
  'cdk8s-istio/l1/extensions': 'extensions.istio.io',
  'cdk8s-istio/l1/gateway-api': 'gateway.networking.k8s.io',
  'cdk8s-istio/l1/flagger': 'flagger.app',
  'cdk8s-istio/l1/flux-helm': 'helm.toolkit.fluxcd.io',
  'cdk8s-istio/l1/flux-source': 'source.toolkit.fluxcd.io',
  'cdk8s-istio/l1/argo-cd': 'argoproj.io',
  'cdk8s-istio/l1/cert-manager': 'cert-manager.io',
  'cdk8s-istio/l1/prometheus': 'monitoring.coreos.com',
  'cdk8s-istio/l1/sail': 'sailoperator.io',
};

/** The code of the first ```ts block under `heading` in README.md (by default the first example). */
function readmeExample(heading = '## A first example') {
  const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
  const start = readme.indexOf(`\n${heading}\n`);
  const match = start === -1 ? null : /```ts\n([\s\S]*?)```/.exec(readme.slice(start));
  if (!match) {
    throw new Error(`README.md has no \`\`\`ts block under "${heading}"`);
  }
  return match[1];
}

/**
 * Type-checks `code` as a user's file that imports 'cdk8s-istio' from `entry` (a .ts or .d.ts file) and
 * the L1 subpaths from their sources in imports/. Returns the diagnostics of the example
 * itself and of the library files under `ownDir`, formatted; an empty string when clean.
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
      paths: {
        'cdk8s-istio': [entry],
        ...Object.fromEntries(Object.entries(L1_MODULES).map(([id, file]) => [id, [path.join(root, 'imports', `${file}.ts`)]])),
        '*': [path.join(root, 'node_modules/*')],
      },
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

module.exports = { root, L1_MODULES, readmeExample, typeCheck };
