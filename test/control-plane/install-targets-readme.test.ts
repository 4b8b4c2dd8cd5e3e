import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as ts from 'typescript';
import { parseAllDocuments } from 'yaml';

// eslint-disable-next-line @typescript-eslint/no-require-imports
const { root, readmeExample, typeCheck } = require('../../scripts/readme-example');

const SECTION = '## Install targets, revision tags and canary upgrades';
const example: string = readmeExample(SECTION);
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');

type Obj = { kind: string; metadata: { name: string; labels?: Record<string, string> }; [key: string]: any };

/** Runs `code` with 'cdk8s-istio' taken from the sources, writing to a fresh directory; returns it. */
function run(code: string): string {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'readme-targets-'));
  const js = ts.transpileModule(code, { compilerOptions: { module: ts.ModuleKind.CommonJS, target: ts.ScriptTarget.ES2022 } }).outputText;
  const previous = process.env.CDK8S_OUTDIR;
  process.env.CDK8S_OUTDIR = outdir;
  const stderr = process.stderr.write;
  process.stderr.write = (() => true) as any;
  try {
    new Function('require', 'exports', js)((id: string) => (id === 'cdk8s-istio' ? require('../../lib') : require(id)), {});
  } finally {
    process.stderr.write = stderr;
    if (previous === undefined) delete process.env.CDK8S_OUTDIR; else process.env.CDK8S_OUTDIR = previous;
  }
  return outdir;
}

/** The objects GitOps applies for `env` (control-plane/ and gitops/). */
function applied(outdir: string, env: string): Obj[] {
  return ['control-plane', 'gitops'].flatMap((folder) => {
    const file = path.join(outdir, env, folder, 'manifests.yaml');
    return fs.existsSync(file) ? parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJS() as Obj) : [];
  });
}

const one = (objs: Obj[], kind: string, name: string) => {
  const found = objs.filter((o) => o.kind === kind && o.metadata.name === name);
  expect([kind, name, found.length]).toStrictEqual([kind, name, 1]);
  return found[0];
};

/** The text of a `### Runbook: …` subsection. */
function runbook(title: string): string {
  const start = readme.indexOf(`\n### Runbook: ${title}\n`);
  expect(start).toBeGreaterThan(0);
  const rest = readme.slice(start + 1);
  const end = rest.slice(1).search(/\n##/);
  return end < 0 ? rest : rest.slice(0, end + 1);
}

const RUNBOOKS: [string, string][] = [['istioctl (DEV)', 'dev'], ['Helm through Flux (PROD)', 'prod'], ['Sail Operator (STAGING)', 'staging']];

describe('README: install targets, revision tags and canary upgrades', () => {
  let outdir: string;
  beforeAll(() => {
    outdir = run(example);
  });
  afterAll(() => fs.rmSync(outdir, { recursive: true, force: true }));

  test('the example type-checks against the library', () => {
    const { errors } = typeCheck(example, path.join(root, 'lib/index.ts'), path.join(root, 'lib'));
    expect(errors).toBe('');
  }, 60_000);

  test.each(RUNBOOKS)('runbook %s names only objects, files and namespaces the example writes', (title, env) => {
    const text = runbook(title);
    const objects = applied(outdir, env);
    // Every `Kind/name` of the runbook is an object GitOps applies.
    const refs = [...text.matchAll(/`([A-Z][A-Za-z]+)\/([a-z0-9.-]+)`/g)].map((m) => [m[1], m[2]]);
    expect(refs.length).toBeGreaterThan(0);
    for (const [kind, name] of refs) one(objects, kind, name);
    // Every dist/ file exists, every `-n <namespace>` is a namespace of the output.
    for (const m of text.matchAll(/dist\/([a-z]+\/[a-z-]+\/[a-z0-9.-]+\.yaml)/g)) expect([m[1], fs.existsSync(path.join(outdir, m[1]))]).toStrictEqual([m[1], true]);
    // (a namespace the output creates, or the one its HelmReleases live in)
    const namespaces = new Set([...objects.filter((o) => o.kind === 'Namespace').map((o) => o.metadata.name), ...objects.map((o) => (o.metadata as any).namespace)]);
    for (const m of text.matchAll(/ -n ([a-z0-9-]+)/g)) expect([m[1], namespaces.has(m[1])]).toStrictEqual([m[1], true]);
  });

  test.each([['dev'], ['prod']])('%s: halfway, the tag calls the old istiod, cart runs on the new revision, shop on the tag', (env) => {
    const objects = applied(outdir, env);
    const hook = one(objects, 'MutatingWebhookConfiguration', `istio-revision-tag-${env}-stable`);
    expect(hook.webhooks.map((w: any) => w.clientConfig.service.name)).toStrictEqual(['istiod-1-29-4', 'istiod-1-29-4']);
    expect(one(objects, 'Namespace', 'cart').metadata.labels).toStrictEqual({ 'istio.io/rev': '1-30-3' });
    expect(one(objects, 'Namespace', 'shop').metadata.labels).toStrictEqual({ 'istio.io/rev': `${env}-stable` });
  });

  test('step 1 (Helm): both istiod releases depend on base, which runs the newest chart', () => {
    const objects = applied(outdir, 'prod');
    expect(one(objects, 'HelmRelease', 'istio-base').spec.chart.spec.version).toBe('1.30.3');
    for (const rev of ['1-29-4', '1-30-3']) expect(one(objects, 'HelmRelease', `istiod-${rev}`).spec.dependsOn).toStrictEqual([{ name: 'istio-base' }]);
    expect(fs.existsSync(path.join(outdir, 'dev', 'istioctl', 'control-plane-1-29-4.yaml'))).toBe(true);
  });

  test('step 3: moving the tag is one value, and the tag webhook and base follow it', () => {
    const moved = run(example.replace("const STABLE = '1-29-4';", "const STABLE = '1-30-3';"));
    try {
      for (const env of ['dev', 'prod']) {
        const objects = applied(moved, env);
        const hook = one(objects, 'MutatingWebhookConfiguration', `istio-revision-tag-${env}-stable`);
        expect(hook.webhooks.map((w: any) => w.clientConfig.service.name)).toStrictEqual(['istiod-1-30-3', 'istiod-1-30-3']);
        expect(hook.metadata.labels?.['istio.io/rev']).toBe('1-30-3');
        expect(one(objects, 'Namespace', 'shop').metadata.labels).toStrictEqual({ 'istio.io/rev': `${env}-stable` });
      }
      expect(one(applied(moved, 'prod'), 'HelmRelease', 'istio-base').spec.values.defaultRevision).toBe('1-30-3');
    } finally {
      fs.rmSync(moved, { recursive: true, force: true });
    }
  });

  test('step 4: once nothing points at it, removing the old revision removes its release and IstioOperator', () => {
    const removed = run(example
      .replace("const STABLE = '1-29-4';", "const STABLE = '1-30-3';")
      .replace("[['1-29-4', '1.29.4'], ['1-30-3', '1.30.3']]", "[['1-30-3', '1.30.3']]"));
    try {
      expect(applied(removed, 'prod').filter((o) => o.kind === 'HelmRelease').map((o) => o.metadata.name).sort()).toStrictEqual(['istio-base', 'istiod-1-30-3']);
      expect(fs.readdirSync(path.join(removed, 'dev', 'istioctl'))).toStrictEqual(['control-plane-1-30-3.yaml']);
    } finally {
      fs.rmSync(removed, { recursive: true, force: true });
    }
  });

  test('Sail: the version is the one value, the tag targets the Istio, the old revision is kept an hour', () => {
    const objects = applied(outdir, 'staging');
    const sail = one(objects, 'Istio', 'default');
    expect([sail.spec.version, sail.spec.updateStrategy]).toStrictEqual(['v1.30.3', { type: 'RevisionBased', inactiveRevisionDeletionGracePeriodSeconds: 3600 }]);
    expect(one(objects, 'IstioRevisionTag', 'staging-stable').spec).toStrictEqual({ targetRef: { kind: 'Istio', name: 'default' } });
    expect(one(objects, 'PodDisruptionBudget', 'istiod-default-v1-30-3').spec.selector.matchLabels).toStrictEqual({ 'app': 'istiod', 'istio.io/rev': 'default-v1-30-3' });
    expect(runbook('Sail Operator (STAGING)')).toContain('`default-v1-30-3`');
  });
});
