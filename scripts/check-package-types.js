#!/usr/bin/env node
/**
 * Type-checks README examples against the compiled declarations in build/ (what `npm install
 * cdk8s-istio` users get), not against the sources. Run after `npm run build`.
 *
 * 1. The first example against build/lib: catches a public type that refers to something
 *    `stripInternal` removed, or any other broken .d.ts.
 * 2. The escape hatches example, and an import of every L1 subpath, as a consumer's file that finds the
 *    package in its node_modules and resolves it through package.json alone (`exports`, `typesVersions`,
 *    `types`), under each `moduleResolution` a cdk8s app may use.
 */
'use strict';
const fs = require('fs');
const os = require('os');
const path = require('path');
const ts = require('typescript');
const { root, L1_MODULES, readmeExample, typeCheck } = require('./readme-example');

for (const file of ['build/lib/index.d.ts', ...Object.values(L1_MODULES).map((m) => `build/imports/${m}.d.ts`)]) {
  if (!fs.existsSync(path.join(root, file))) {
    console.error(`${file} is missing: run \`npm run build\` first.`);
    process.exit(1);
  }
}

const format = (diagnostics) => ts.formatDiagnostics(diagnostics, { getCanonicalFileName: (f) => f, getCurrentDirectory: () => root, getNewLine: () => '\n' });
let failed = false;

// 1. Our own declarations must be clean too, so library checking stays on (third-party .d.ts are filtered out).
const first = typeCheck(readmeExample(), path.join(root, 'build/lib/index.d.ts'), path.join(root, 'build'), { skipLibCheck: false });
if (first.errors) {
  console.error(first.errors);
  failed = true;
} else {
  console.log(`package types OK: the README example type-checks against build/lib (${first.checked} declaration files).`);
}

// 2. Every L1 subpath is typed (not `any`): a wrong field type is an error the check expects.
const probe = `${Object.entries(L1_MODULES).map(([id], i) => `import * as l1_${i} from '${id}';`).join('\n')}
import * as istio from 'cdk8s-istio';
import { VirtualService, VirtualServiceProps } from 'cdk8s-istio/l1/networking';

export const gvks: { apiVersion: string; kind: string }[] = [l1_0.VirtualService.GVK, l1_1.AuthorizationPolicy.GVK, l1_2.Telemetry.GVK, l1_3.WasmPlugin.GVK];
export const root: typeof istio.MeshApp = istio.MeshApp;
export const l1: typeof VirtualService = VirtualService;
// @ts-expect-error: hosts is a string[]
export const wrong: VirtualServiceProps = { spec: { hosts: 'cart' } };
`;

/**
 * Type-checks `files` (name -> code) as a consumer project: a CommonJS package whose node_modules holds
 * cdk8s-istio (this repository) and its peer dependencies. Returns the formatted diagnostics of the
 * consumer's files and of build/, and the build/ declaration files the program read.
 */
function consumerCheck(files, compilerOptions) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-consumer-'));
  try {
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'consumer', private: true }));
    const modules = path.join(dir, 'node_modules');
    fs.mkdirSync(path.join(modules, '@types'), { recursive: true });
    fs.symlinkSync(root, path.join(modules, 'cdk8s-istio'), 'dir');
    for (const dep of ['cdk8s', 'constructs', 'cdk8s-plus-27', '@types/node']) {
      fs.symlinkSync(path.join(root, 'node_modules', dep), path.join(modules, dep), 'dir');
    }
    const names = Object.entries(files).map(([name, code]) => {
      fs.writeFileSync(path.join(dir, name), code);
      return path.join(dir, name);
    });
    const program = ts.createProgram(names, { strict: true, noEmit: true, skipLibCheck: false, types: ['node'], esModuleInterop: true, ...compilerOptions });
    const build = path.join(fs.realpathSync(root), 'build') + path.sep;
    const ours = (d) => d.file === undefined || names.includes(d.file.fileName) || d.file.fileName.startsWith(build);
    return {
      errors: format(ts.getPreEmitDiagnostics(program).filter(ours)),
      read: program.getSourceFiles().map((f) => f.fileName).filter((f) => f.startsWith(build)),
    };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

const resolutions = {
  'node (node10)': { module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10 },
  'node16': { module: ts.ModuleKind.Node16, moduleResolution: ts.ModuleResolutionKind.Node16 },
  'bundler': { module: ts.ModuleKind.ESNext, moduleResolution: ts.ModuleResolutionKind.Bundler },
};
const expected = ['build/lib/index.d.ts', ...Object.values(L1_MODULES).map((m) => `build/imports/${m}.d.ts`)];
for (const [name, options] of Object.entries(resolutions)) {
  const { errors, read } = consumerCheck({ 'main.ts': readmeExample('## Escape hatches'), 'probe.ts': probe }, { target: ts.ScriptTarget.ES2022, ...options });
  const missing = expected.filter((f) => !read.some((r) => r.endsWith(`${path.sep}${f}`)));
  if (errors || missing.length) {
    console.error(`moduleResolution ${name}:\n${errors}${missing.length ? `not resolved to: ${missing.join(', ')}\n` : ''}`);
    failed = true;
  } else {
    console.log(`package types OK (moduleResolution ${name}): cdk8s-istio and ${Object.keys(L1_MODULES).join(', ')} resolve to build/ through package.json; the README escape hatches example type-checks.`);
  }
}
process.exit(failed ? 1 : 0);
