import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import * as extensions from '../imports/extensions.istio.io';
import * as networking from '../imports/networking.istio.io';
import * as security from '../imports/security.istio.io';
import * as telemetry from '../imports/telemetry.istio.io';

/**
 * `cdk8s import` gives the bare class name to the first version a CRD lists. These pins catch a CRD
 * update that would silently move our constructs to another API version.
 */
describe('generated imports target the Istio 1.30 API versions we write', () => {
  test.each([
    ['VirtualService', networking.VirtualService.GVK, 'networking.istio.io/v1'],
    ['DestinationRule', networking.DestinationRule.GVK, 'networking.istio.io/v1'],
    ['Gateway', networking.Gateway.GVK, 'networking.istio.io/v1'],
    ['ServiceEntry', networking.ServiceEntry.GVK, 'networking.istio.io/v1'],
    ['Sidecar', networking.Sidecar.GVK, 'networking.istio.io/v1'],
    ['WorkloadEntry', networking.WorkloadEntry.GVK, 'networking.istio.io/v1'],
    ['EnvoyFilter', networking.EnvoyFilter.GVK, 'networking.istio.io/v1alpha3'],
    ['PeerAuthentication', security.PeerAuthentication.GVK, 'security.istio.io/v1'],
    ['AuthorizationPolicy', security.AuthorizationPolicy.GVK, 'security.istio.io/v1'],
    ['RequestAuthentication', security.RequestAuthentication.GVK, 'security.istio.io/v1'],
    ['Telemetry', telemetry.Telemetry.GVK, 'telemetry.istio.io/v1'],
    ['WasmPlugin', extensions.WasmPlugin.GVK, 'extensions.istio.io/v1alpha1'],
  ])('%s is %s', (kind, gvk, apiVersion) => {
    expect(gvk).toStrictEqual({ apiVersion, kind });
  });
});

/**
 * The generated classes are the package's escape hatch, published as `cdk8s-istio/l1/<group>`. The
 * imports are transpiled into a scratch copy of the package layout (package.json, build/imports), so
 * the test reads the package.json of this commit and does not depend on a stale or missing `npm run build`.
 */
describe('imports are published under cdk8s-istio/l1/*', () => {
  const root = path.join(__dirname, '..');
  const json = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const groups: Record<string, string> = {
    'networking': 'networking.istio.io',
    'security': 'security.istio.io',
    'telemetry': 'telemetry.istio.io',
    'extensions': 'extensions.istio.io',
    'gateway-api': 'gateway.networking.k8s.io',
    'flagger': 'flagger.app',
    'flux-helm': 'helm.toolkit.fluxcd.io',
    'flux-source': 'source.toolkit.fluxcd.io',
    'argo-cd': 'argoproj.io',
    'cert-manager': 'cert-manager.io',
    'prometheus': 'monitoring.coreos.com',
    'sail': 'sailoperator.io',
  };
  let pkg: string;

  beforeAll(() => {
    pkg = fs.mkdtempSync(path.join(os.tmpdir(), 'cdk8s-istio-l1-'));
    fs.mkdirSync(path.join(pkg, 'build/imports'), { recursive: true });
    for (const file of Object.values(groups)) {
      const js = ts.transpileModule(fs.readFileSync(path.join(root, 'imports', `${file}.ts`), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022, esModuleInterop: true },
      }).outputText;
      fs.writeFileSync(path.join(pkg, 'build/imports', `${file}.js`), js);
    }
    fs.copyFileSync(path.join(root, 'package.json'), path.join(pkg, 'package.json'));
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(pkg, 'node_modules'), 'dir');
  }, 60_000);

  afterAll(() => {
    fs.rmSync(pkg, { recursive: true, force: true });
  });

  test('package.json maps each subpath to build/imports in exports (types + default) and typesVersions, and ships build/imports', () => {
    for (const [group, file] of Object.entries(groups)) {
      expect(json.exports[`./l1/${group}`]).toStrictEqual({ types: `./build/imports/${file}.d.ts`, default: `./build/imports/${file}.js` });
    }
    expect(json.typesVersions).toStrictEqual({
      '*': Object.fromEntries(Object.entries(groups).map(([group, file]) => [`l1/${group}`, [`build/imports/${file}.d.ts`]])),
    });
    expect(json.files).toContain('build/imports');
  });

  test('node requires each subpath by the package name and gets the generated classes', () => {
    // GIVEN a program that requires every subpath through the package's self-reference
    const program = `
      const gvks = [
        require('cdk8s-istio/l1/networking').VirtualService.GVK,
        require('cdk8s-istio/l1/security').AuthorizationPolicy.GVK,
        require('cdk8s-istio/l1/telemetry').Telemetry.GVK,
        require('cdk8s-istio/l1/extensions').WasmPlugin.GVK,
        require('cdk8s-istio/l1/gateway-api').HttpRoute.GVK,
        require('cdk8s-istio/l1/flagger').Canary.GVK,
        require('cdk8s-istio/l1/flux-helm').HelmRelease.GVK,
        require('cdk8s-istio/l1/flux-source').HelmRepository.GVK,
        require('cdk8s-istio/l1/argo-cd').Application.GVK,
        require('cdk8s-istio/l1/cert-manager').Certificate.GVK,
        require('cdk8s-istio/l1/prometheus').PrometheusRule.GVK,
        require('cdk8s-istio/l1/sail').IstioRevisionTag.GVK,
      ];
      process.stdout.write(JSON.stringify(gvks));`;
    // WHEN
    const run = spawnSync(process.execPath, ['-e', program], { cwd: pkg, encoding: 'utf8' });
    // THEN
    expect(run.stderr).toBe('');
    expect(JSON.parse(run.stdout)).toStrictEqual([
      { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService' },
      { apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy' },
      { apiVersion: 'telemetry.istio.io/v1', kind: 'Telemetry' },
      { apiVersion: 'extensions.istio.io/v1alpha1', kind: 'WasmPlugin' },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoute' },
      { apiVersion: 'flagger.app/v1beta1', kind: 'Canary' },
      { apiVersion: 'helm.toolkit.fluxcd.io/v2', kind: 'HelmRelease' },
      { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'HelmRepository' },
      { apiVersion: 'argoproj.io/v1alpha1', kind: 'Application' },
      { apiVersion: 'cert-manager.io/v1', kind: 'Certificate' },
      { apiVersion: 'monitoring.coreos.com/v1', kind: 'PrometheusRule' },
      { apiVersion: 'sailoperator.io/v1', kind: 'IstioRevisionTag' },
    ]);
  });

  test('the files behind the subpaths are not a public path themselves', () => {
    // WHEN
    const run = spawnSync(process.execPath, ['-e', "require('cdk8s-istio/build/imports/networking.istio.io')"], { cwd: pkg, encoding: 'utf8' });
    // THEN
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("Package subpath './build/imports/networking.istio.io' is not defined by \"exports\"");
  });
});
