import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';

/**
 * The installed command: `bin/cdk8s-istio.js` requiring the compiled CLI from build/lib. The sources
 * are transpiled into a scratch copy of the package layout (bin/, build/lib, package.json, schemas/;
 * the CLI needs nothing from build/imports), so the test does not depend on a stale or missing `npm run build`.
 */
const root = path.join(__dirname, '../..');
let pkg: string;

function transpileTree(from: string, to: string): void {
  for (const entry of fs.readdirSync(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    if (entry.isDirectory()) {
      transpileTree(source, path.join(to, entry.name));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) {
      const js = ts.transpileModule(fs.readFileSync(source, 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true, resolveJsonModule: true },
      }).outputText;
      fs.mkdirSync(to, { recursive: true });
      fs.writeFileSync(path.join(to, entry.name.replace(/\.ts$/, '.js')), js);
    }
  }
}

beforeAll(() => {
  pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-bin-'));
  transpileTree(path.join(root, 'lib'), path.join(pkg, 'build/lib'));
  fs.mkdirSync(path.join(pkg, 'bin'));
  fs.copyFileSync(path.join(root, 'bin/cdk8s-istio.js'), path.join(pkg, 'bin/cdk8s-istio.js'));
  fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
  fs.symlinkSync(path.join(root, 'schemas'), path.join(pkg, 'schemas'), 'dir');
  fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
}, 60_000);

afterAll(() => {
  fs.rmSync(pkg, { recursive: true, force: true });
});

function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [path.join(pkg, 'bin/cdk8s-istio.js'), ...args], { cwd: root, input, encoding: 'utf8' });
}

describe('bin/cdk8s-istio.js', () => {
  test('is the package\'s bin, shipped in "files", and executable', () => {
    const json = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(json.bin).toStrictEqual({ 'cdk8s-istio': 'bin/cdk8s-istio.js' });
    expect(json.files).toContain('bin');
    expect(fs.readFileSync(path.join(root, 'bin/cdk8s-istio.js'), 'utf8')).toMatch(/^#!\/usr\/bin\/env node\n/);
    expect(fs.statSync(path.join(root, 'bin/cdk8s-istio.js')).mode & 0o111).not.toBe(0);
  });

  test('runs the compiled CLI: findings on standard output, summary on standard error, exit status', () => {
    const found = cli(['analyze', 'test/cli/fixtures/duplicate.yaml']);
    expect(found.status).toBe(1);
    expect(found.stdout).toMatch(/^Error \[CDK8S-ISTIO-001\] \(VirtualService shop\/reviews test\/cli\/fixtures\/duplicate\.yaml:18\) /);
    expect(found.stderr).toMatch(/^Analyzed 4 objects from 1 file with \d+ checks: 1 error, 0 warnings, 0 info\.\n$/);

    const clean = cli(['validate', '-o', 'json', '-'], 'apiVersion: security.istio.io/v1\nkind: PeerAuthentication\nmetadata: { name: default, namespace: istio-system }\nspec: { mtls: { mode: STRICT } }\n');
    expect(clean.status).toBe(0);
    expect(clean.stdout).toBe('[]\n');
    expect(clean.stderr).toBe('Validated 1 object from 1 file: 1 checked against a schema, 0 not checked; 0 issues.\n');

    const usage = cli(['analyze']);
    expect(usage.status).toBe(2);
    expect(cli(['--version']).stdout).toMatch(/^cdk8s-istio \d+\.\d+\.\d+ \(Istio 1\.30\.3\)\n$/);
  });
});
