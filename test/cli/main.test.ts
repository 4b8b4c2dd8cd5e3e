import * as fs from 'fs';
import * as path from 'path';
import { parse as parseYaml } from 'yaml';
import { FindingLevel, MeshAnalyzer } from '../../lib';
import { main, USAGE } from '../../lib/cli/main';

/**
 * The `cdk8s-istio` command, run in-process: `main(argv, io)` with captured standard streams.
 * Fixtures are hand-written YAML under test/cli/fixtures; paths are given (and printed) relative to
 * the working directory, as a user would type them.
 */
const F = path.relative(process.cwd(), path.join(__dirname, 'fixtures'));
const CHECKS = MeshAnalyzer.checks().length;

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function run(argv: string[], stdin?: string): Run {
  let stdout = '';
  let stderr = '';
  const code = main(argv, {
    stdout: (t) => { stdout += t; },
    stderr: (t) => { stderr += t; },
    readStdin: () => {
      if (stdin === undefined) throw new Error('standard input read unexpectedly');
      return stdin;
    },
  });
  return { code, stdout, stderr };
}

const fixture = (name: string) => fs.readFileSync(path.join(F, name), 'utf8');

describe('cdk8s-istio: help, version and usage errors', () => {
  test('--help prints the usage on standard output and exits 0', () => {
    // GIVEN/WHEN help is asked for, at the top or after a command
    for (const argv of [['--help'], ['-h'], ['help'], ['analyze', '--help'], ['validate', '-h']]) {
      // THEN the usage is printed, nothing else
      expect(run(argv)).toStrictEqual({ code: 0, stdout: USAGE, stderr: '' });
    }
    expect(USAGE).toContain('cdk8s-istio analyze  [options] <file|dir|->...');
    expect(USAGE).toContain('<Kind>/<namespace>/<name>   e.g. Secret/istio-ingress/bookinfo-tls');
  });

  test('no argument prints the usage on standard error and exits 2', () => {
    expect(run([])).toStrictEqual({ code: 2, stdout: '', stderr: USAGE });
  });

  test('--version prints the package version and the Istio version checked against', () => {
    const { version } = JSON.parse(fs.readFileSync(path.join(__dirname, '../../package.json'), 'utf8'));
    expect(run(['--version'])).toStrictEqual({ code: 0, stdout: `cdk8s-istio ${version} (Istio 1.30.3)\n`, stderr: '' });
  });

  test.each([
    [['lint', 'x.yaml'], 'unknown command "lint" (the commands are analyze, validate and graph)'],
    [['--output', 'json'], 'unknown option --output: give a command first (analyze, validate or graph)'],
    [['analyze'], 'analyze: give at least one file, directory or - (standard input)'],
    [['validate'], 'validate: give at least one file, directory or - (standard input)'],
    [['analyze', '--nope', 'x.yaml'], 'analyze: unknown option --nope'],
    [['validate', '--external', 'Namespace/a', 'x.yaml'], 'validate: unknown option --external'],
    [['analyze', '--output'], "analyze: Option '-o, --output <value>' argument missing"],
    [['analyze', '-o', 'table', 'x.yaml'], '--output table: give log, json or yaml'],
    [['analyze', '--level', 'debug', 'x.yaml'], '--level debug: give info, warning or error'],
    [['analyze', '--fail-on', 'never', 'x.yaml'], '--fail-on never: give info, warning or error'],
    [['analyze', '-S', '=Pod *', 'x.yaml'], '--suppress =Pod *: give CODE or CODE=<object>, e.g. IST0102 or "IST0102=Namespace legacy"'],
    [['analyze', '-n', 'Shop', 'x.yaml'], '--namespace Shop: not a namespace name (lowercase letters, digits and -)'],
  ])('%j is a usage error: exit 2 with a message', (argv, message) => {
    // WHEN the command line is wrong THEN nothing is read, the message says what to do, exit 2
    expect(run(argv)).toStrictEqual({ code: 2, stdout: '', stderr: `cdk8s-istio: ${message}\nRun 'cdk8s-istio --help' for usage.\n` });
  });
});

describe('cdk8s-istio: reading files', () => {
  test('a directory is read recursively in sorted order, *.yaml/*.yml/*.json only, hidden files skipped', () => {
    // GIVEN shop/ with namespace.yaml, nested/policy.yml, reviews.yaml (5 documents), notes.txt and
    // a hidden .draft.yaml that is not even valid YAML
    // WHEN it is analyzed
    const result = run(['analyze', `${F}/shop`]);
    // THEN 7 objects from 3 files are read, nothing is found
    expect(result).toStrictEqual({
      code: 0,
      stdout: '',
      stderr: `Analyzed 7 objects from 3 files with ${CHECKS} checks: 0 errors, 0 warnings, 0 info.\n`,
    });
  });

  test('objects are listed in reading order (files sorted by path, documents in order), each with the line of its first key', () => {
    // GIVEN widgets/ (a kind no schema describes): C.YAML, a.yml, b-dir/c.json, b.yaml (2 documents),
    // z.txt (not read), .hidden.yaml and .cache/config.yaml (hidden, not read; not even valid YAML)
    // WHEN validated
    const result = run(['validate', `${F}/widgets`]);
    // THEN every object is listed as not checked, in byte order of the paths
    const notChecked = (name: string, at: string) => `Info (Widget ${name} ${F}/widgets/${at}) not checked: the validator has no schema for example.com/v1 Widget`;
    expect(result).toStrictEqual({
      code: 0,
      stdout: [notChecked('upper', 'C.YAML:1'), notChecked('a', 'a.yml:1'), notChecked('c', 'b-dir/c.json:1'), notChecked('b1', 'b.yaml:2'), notChecked('b2', 'b.yaml:7'), ''].join('\n'),
      stderr: 'Validated 5 objects from 4 files: 0 checked against a schema, 5 not checked; 0 issues.\n',
    });
  });

  test('a kind: List in a JSON file is read item by item', () => {
    // GIVEN list.json, a v1 List of a Namespace and a ConfigMap in it
    // WHEN analyzed THEN both objects are read (and the ConfigMap's namespace exists)
    expect(run(['analyze', `${F}/list.json`])).toStrictEqual({
      code: 0,
      stdout: '',
      stderr: `Analyzed 2 objects from 1 file with ${CHECKS} checks: 0 errors, 0 warnings, 0 info.\n`,
    });
    // AND each item is located at its own line
    const list = 'apiVersion: v1\nkind: List\nitems:\n  - apiVersion: example.com/v1\n    kind: Widget\n    metadata: { name: one }\n  - { apiVersion: example.com/v1, kind: Widget, metadata: { name: two } }\n';
    const located = JSON.parse(run(['validate', '-o', 'json', '-'], list).stdout).map((e: { name: string; file: string; line: number }) => `${e.name} ${e.file}:${e.line}`);
    expect(located).toStrictEqual(['one <stdin>:4', 'two <stdin>:7']);
  });

  test('- reads standard input, once, next to files', () => {
    // GIVEN the duplicate fixture on standard input and a file WHEN analyzed
    const result = run(['analyze', '-', `${F}/list.json`], fixture('duplicate.yaml'));
    // THEN the objects of standard input are located in <stdin>
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('Error [CDK8S-ISTIO-001] (VirtualService shop/reviews <stdin>:18) VirtualService shop/reviews is written 2 times (<stdin>:7, <stdin>:18); a cluster keeps only the last one applied. '
      + 'Fix: give each object its own name, or let one construct own it (two constructs that configure one host share one TrafficHost)\n');
    expect(result.stderr).toBe(`Analyzed 6 objects from 2 files with ${CHECKS} checks: 1 error, 0 warnings, 0 info.\n`);
    // AND - given twice is an input error
    expect(run(['analyze', '-', '-'], '').stderr).toContain('cdk8s-istio: -: standard input is given twice\n');
  });

  test('input that cannot be read: every problem with file, line and column, exit 2, nothing checked', () => {
    // GIVEN a YAML syntax error, a document without apiVersion and kind, and a missing file
    const result = run(['validate', `${F}/broken.yaml`, `${F}/not-an-object.yaml`, `${F}/missing.yaml`]);
    // THEN each is reported and nothing is checked
    expect(result).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: [
        `cdk8s-istio: ${F}/broken.yaml:8:1: YAML syntax error: Flow sequence in block collection must be sufficiently indented and end with a ]`,
        `cdk8s-istio: ${F}/not-an-object.yaml:6:1: document 2 is not a Kubernetes object: no apiVersion`,
        `cdk8s-istio: ${F}/missing.yaml: no such file or directory`,
        'cdk8s-istio: 3 input problems; nothing was checked.',
        '',
      ].join('\n'),
    });
  });

  test.each([
    ['apiVersion: v1\nkind: ConfigMap\nmetadata: {}\n', '<stdin>:1:1: document 1 is not a Kubernetes object: no metadata.name'],
    ['- just a string\n', '<stdin>:1:3: document 1, item 1 is not a Kubernetes object: it is the string "just a string", not a map'],
    ['42\n', '<stdin>:1:1: document 1 is not a Kubernetes object: it is the number 42, not a map'],
    ['a: 1\na: 2\n', '<stdin>:2:1: YAML syntax error: Map keys must be unique'],
    ['apiVersion: v1\nkind: List\nitems:\n  - kind: Secret\n', '<stdin>:4:5: document 1, items[0] is not a Kubernetes object: no apiVersion'],
  ])('%j is not readable input', (text, message) => {
    expect(run(['analyze', '-'], text)).toMatchObject({ code: 2, stdout: '', stderr: `cdk8s-istio: ${message}\ncdk8s-istio: 1 input problem; nothing was checked.\n` });
  });

  test('empty documents and comments are skipped; a file reached twice is read once; a directory without YAML files is an error', () => {
    expect(run(['validate', '-'], '# nothing\n---\n---\n')).toStrictEqual({
      code: 0, stdout: '', stderr: 'Validated 0 objects from 1 file: 0 checked against a schema, 0 not checked; 0 issues.\n',
    });
    expect(run(['analyze', `${F}/shop`, path.join(F, 'cluster', '..', 'shop', 'nested', 'policy.yml'), `${F}/shop/reviews.yaml`])).toStrictEqual({
      code: 0, stdout: '', stderr: `Analyzed 7 objects from 3 files with ${CHECKS} checks: 0 errors, 0 warnings, 0 info.\n`,
    });
    const empty = fs.mkdtempSync(path.join(require('os').tmpdir(), 'cdk8s-istio-cli-'));
    try {
      expect(run(['analyze', empty]).stderr).toContain(`cdk8s-istio: ${empty}: the directory holds no .yaml, .yml or .json file\n`);
    } finally {
      fs.rmSync(empty, { recursive: true, force: true });
    }
  });
});

describe('cdk8s-istio analyze', () => {
  test('a duplicate object is an error (CDK8S-ISTIO-001), printed as istioctl prints findings; exit 1', () => {
    // GIVEN two VirtualServices shop/reviews in one file WHEN analyzed
    const result = run(['analyze', `${F}/duplicate.yaml`]);
    // THEN one error on the second one, with its file and line; exit 1
    expect(result).toStrictEqual({
      code: 1,
      stdout: `Error [CDK8S-ISTIO-001] (VirtualService shop/reviews ${F}/duplicate.yaml:18) VirtualService shop/reviews is written 2 times (${F}/duplicate.yaml:7, ${F}/duplicate.yaml:18); `
        + 'a cluster keeps only the last one applied. Fix: give each object its own name, or let one construct own it (two constructs that configure one host share one TrafficHost)\n',
      stderr: `Analyzed 4 objects from 1 file with ${CHECKS} checks: 1 error, 0 warnings, 0 info.\n`,
    });
  });

  test('--output json: one array of findings with the object, field, file and line of the field', () => {
    // GIVEN a ConfigMap in namespace legacy, which nothing creates WHEN analyzed as JSON
    const result = run(['analyze', '--output', 'json', `${F}/legacy.yaml`]);
    // THEN the finding names the field and the line of metadata.namespace
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toStrictEqual([{
      code: 'CDK8S-ISTIO-002',
      level: 'Error',
      apiVersion: 'v1',
      kind: 'ConfigMap',
      namespace: 'legacy',
      name: 'settings',
      field: 'metadata.namespace',
      message: 'Namespace "legacy" is neither created by the output nor declared existing (metadata.namespace). Fix: create it (a Namespace object, e.g. MeshNamespace) or declare it existing '
        + '(ExternalResources namespaces, or --external Namespace/legacy); 1 object(s) of the output are in it, first ConfigMap legacy/settings',
      file: `${F}/legacy.yaml`,
      line: 6,
    }]);
    expect(result.stderr).toBe(`Analyzed 1 object from 1 file with ${CHECKS} checks: 1 error, 0 warnings, 0 info.\n`);
  });

  test('--output yaml: the same entries as YAML; a clean run prints an empty array', () => {
    const result = run(['analyze', '-o', 'yaml', `${F}/legacy.yaml`]);
    expect(parseYaml(result.stdout)).toStrictEqual(JSON.parse(run(['analyze', '-o', 'json', `${F}/legacy.yaml`]).stdout));
    expect(run(['analyze', '-o', 'json', `${F}/shop`]).stdout).toBe('[]\n');
    expect(run(['analyze', '-o', 'yaml', `${F}/shop`]).stdout).toBe('[]\n');
  });

  test('--external Kind/name shorthand and --external file declare what exists in the cluster', () => {
    // GIVEN the ConfigMap in legacy, and legacy declared existing, by reference or by a file
    for (const external of ['Namespace/legacy', 'v1/Namespace/legacy', `${F}/cluster`, `${F}/cluster/existing.yaml`]) {
      // THEN the namespace is found
      expect(run(['analyze', '--external', external, `${F}/legacy.yaml`])).toStrictEqual({
        code: 0, stdout: '', stderr: `Analyzed 1 object from 1 file with ${CHECKS} checks: 0 errors, 0 warnings, 0 info.\n`,
      });
    }
    // AND declarations are not counted as objects of the input, and several can be given
    expect(run(['analyze', '--external', 'Namespace/legacy', '--external', 'Secret/istio-ingress/bookinfo-tls', '--external', 'host:api.example.com', `${F}/legacy.yaml`]).code).toBe(0);
  });

  test('a wrong --external is an input error', () => {
    const result = run(['analyze', '--external', 'Secret/bookinfo-tls', '--external', `${F}/nothing-here.yaml`, `${F}/legacy.yaml`]);
    expect(result).toStrictEqual({
      code: 2,
      stdout: '',
      stderr: [
        'cdk8s-istio: --external Secret/bookinfo-tls: Secret lives in a namespace: give Secret/<namespace>/<name>',
        `cdk8s-istio: --external ${F}/nothing-here.yaml: not an existing file or directory, nor a reference (<file|dir>, Kind/namespace/name, Kind/name, group/version/Kind/[namespace/]name or host:<host>)`,
        'cdk8s-istio: 2 input problems; nothing was checked.',
        '',
      ].join('\n'),
    });
    expect(run(['analyze', '--external', `${F}/broken.yaml`, `${F}/legacy.yaml`]).stderr)
      .toContain(`cdk8s-istio: --external ${F}/broken.yaml:8:1: YAML syntax error:`);
  });

  test('--suppress CODE and CODE=<object> (glob on "Kind namespace/name")', () => {
    // GIVEN the ConfigMap legacy/settings that fails CDK8S-ISTIO-002
    for (const suppress of ['CDK8S-ISTIO-002', 'CDK8S-ISTIO-002=*', 'CDK8S-ISTIO-002=ConfigMap legacy/settings', 'CDK8S-ISTIO-002=* legacy/*']) {
      // WHEN the code is suppressed on it THEN it is not reported, and the summary says so
      expect(run(['analyze', '-S', suppress, `${F}/legacy.yaml`])).toStrictEqual({
        code: 0, stdout: '', stderr: `Analyzed 1 object from 1 file with ${CHECKS} checks: 0 errors, 0 warnings, 0 info (1 suppressed).\n`,
      });
    }
    // WHEN the pattern matches other objects, or another code THEN it is still reported
    for (const suppress of ['CDK8S-ISTIO-002=ConfigMap other/*', 'CDK8S-ISTIO-002=Secret legacy/settings', 'CDK8S-ISTIO-001']) {
      expect(run(['analyze', '--suppress', suppress, `${F}/legacy.yaml`]).code).toBe(1);
    }
    // AND an unknown code is a warning, as istioctl does
    expect(run(['analyze', '-S', 'IST9999', `${F}/shop`]).stderr).toContain('Warning: --suppress IST9999: the analyzer has no such code, so it suppresses nothing.\n');
  });

  test('--namespace: the namespace of objects that name none', () => {
    // GIVEN a ConfigMap without a namespace on standard input
    const configMap = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n';
    // THEN it is in "default" unless --namespace says otherwise
    expect(run(['analyze', '-o', 'json', '-'], configMap).stdout).toContain('"namespace": "default"');
    expect(run(['analyze', '-o', 'json', '-n', 'legacy', '-'], configMap).stdout).toContain('"namespace": "legacy"');
    expect(run(['analyze', '-n', 'legacy', '--external', 'Namespace/legacy', '-'], configMap).code).toBe(0);
  });

  describe('levels', () => {
    // GIVEN an analysis that finds one error, one warning and one info (the analyzer's result is
    // stubbed: the levels are the CLI's concern)
    const finding = (code: string, level: FindingLevel, name: string) => ({
      code, messageName: code, level, apiVersion: 'v1', kind: 'ConfigMap', namespace: 'legacy', name, message: `${level} finding.`, source: `${F}/legacy.yaml:2`,
    });
    beforeEach(() => {
      jest.spyOn(MeshAnalyzer, '_analyzeSourced').mockReturnValue({
        findings: [finding('E1', FindingLevel.ERROR, 'a'), finding('W1', FindingLevel.WARNING, 'b'), finding('I1', FindingLevel.INFO, 'c')],
        checks: ['stub'],
        objects: [{ kind: 'v1 ConfigMap', count: 1 }],
        errors: 1,
        warnings: 1,
      });
    });
    afterEach(() => jest.restoreAllMocks());
    const lines = (r: Run) => r.stdout.split('\n').filter((l) => l !== '').map((l) => l.slice(0, l.indexOf(')') + 1));

    test('every level is printed by default (as istioctl); --level hides those below it', () => {
      expect(lines(run(['analyze', `${F}/legacy.yaml`]))).toStrictEqual([
        `Error [E1] (ConfigMap legacy/a ${F}/legacy.yaml:2)`,
        `Warning [W1] (ConfigMap legacy/b ${F}/legacy.yaml:2)`,
        `Info [I1] (ConfigMap legacy/c ${F}/legacy.yaml:2)`,
      ]);
      const warning = run(['analyze', '--level', 'warning', `${F}/legacy.yaml`]);
      expect(lines(warning)).toStrictEqual([`Error [E1] (ConfigMap legacy/a ${F}/legacy.yaml:2)`, `Warning [W1] (ConfigMap legacy/b ${F}/legacy.yaml:2)`]);
      expect(warning.stderr).toBe('Analyzed 1 object from 1 file with 1 check: 1 error, 1 warning, 1 info (1 below --level warning not shown).\n');
      expect(lines(run(['analyze', '--level', 'Error', `${F}/legacy.yaml`]))).toStrictEqual([`Error [E1] (ConfigMap legacy/a ${F}/legacy.yaml:2)`]);
    });

    test('exit 1 on an error; --fail-on warning or info fails on those too; --level does not change the exit status', () => {
      expect(run(['analyze', '--level', 'error', `${F}/legacy.yaml`]).code).toBe(1);
      expect(run(['analyze', '-S', 'E1', `${F}/legacy.yaml`]).code).toBe(0);
      expect(run(['analyze', '-S', 'E1', '--fail-on', 'warning', `${F}/legacy.yaml`]).code).toBe(1);
      expect(run(['analyze', '-S', 'E1', '-S', 'W1', '--fail-on', 'warning', `${F}/legacy.yaml`]).code).toBe(0);
      expect(run(['analyze', '-S', 'E1', '-S', 'W1', '--fail-on', 'info', '--level', 'error', `${F}/legacy.yaml`]).code).toBe(1);
    });
  });

  test('--list-checks prints every check with its codes', () => {
    const result = run(['analyze', '--list-checks']);
    expect(result.code).toBe(0);
    for (const check of MeshAnalyzer.checks()) expect(result.stdout).toContain(`${check.name} [${check.codes.join(', ')}]\n    ${check.description}\n`);
    expect(JSON.parse(run(['analyze', '-L', '-o', 'json']).stdout)).toStrictEqual(MeshAnalyzer.checks());
  });

  test('ist0101-missing-subset.yaml is read cleanly apart from the missing subset', () => {
    // GIVEN a VirtualService routing to subset v3, which its DestinationRule does not define
    const result = run(['analyze', '-o', 'json', `${F}/ist0101-missing-subset.yaml`]);
    // THEN its four objects are read, and neither a duplicate nor a missing namespace is reported
    const codes = (JSON.parse(result.stdout) as { code: string }[]).map((f) => f.code);
    expect(codes).not.toContain('CDK8S-ISTIO-001');
    expect(codes).not.toContain('CDK8S-ISTIO-002');
    expect(result.stderr).toMatch(/^Analyzed 4 objects from 1 file/);
  });

  test('ist0101-missing-subset.yaml: IST0101 on the route to subset v3, at its line; exit 1', () => {
    // GIVEN the fixture WHEN analyzed (its subsets select no pods either: IST0173, suppressed here)
    const result = run(['analyze', '--suppress', 'IST0173', `${F}/ist0101-missing-subset.yaml`]);
    // THEN
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`Error [IST0101] (VirtualService shop/reviews ${F}/ist0101-missing-subset.yaml:42) Referenced host+subset in destinationrule not found: "reviews+v3" `
      + '(spec.http[0].route[0].destination.subset). Fix: add subset "v3" to the DestinationRule of reviews.shop.svc.cluster.local (defined: v1, v2), or route to one it defines\n');
  });
});

describe('cdk8s-istio validate', () => {
  test('a schema or CEL problem is printed with the object, the field and its line; exit 1', () => {
    // GIVEN a VirtualService with `timeout: 5 seconds` WHEN validated
    const result = run(['validate', `${F}/invalid-timeout.yaml`]);
    // THEN the issue names the field and the line of the field
    expect(result).toStrictEqual({
      code: 1,
      stdout: `Error (VirtualService shop/ratings ${F}/invalid-timeout.yaml:9) spec.http[0].timeout: must be a valid duration greater than 1ms `
        + '(rule could not be evaluated: Failed to parse duration: invalid syntax) [rule: duration(self) >= duration(\'1ms\')]\n',
      stderr: 'Validated 1 object from 1 file: 1 checked against a schema, 0 not checked; 1 issue.\n',
    });
  });

  test('--output json: {level, apiVersion, kind, namespace, name, path, message, rule, file, line}', () => {
    const result = run(['validate', '-o', 'json', `${F}/invalid-timeout.yaml`, `${F}/widget.yaml`]);
    expect(result.code).toBe(1);
    expect(JSON.parse(result.stdout)).toStrictEqual([
      {
        level: 'Error',
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        namespace: 'shop',
        name: 'ratings',
        path: 'spec.http[0].timeout',
        message: 'must be a valid duration greater than 1ms (rule could not be evaluated: Failed to parse duration: invalid syntax)',
        rule: 'duration(self) >= duration(\'1ms\')',
        file: `${F}/invalid-timeout.yaml`,
        line: 9,
      },
      {
        level: 'Info',
        apiVersion: 'example.com/v1',
        kind: 'Widget',
        namespace: 'shop',
        name: 'gadget',
        path: '',
        message: 'not checked: the validator has no schema for example.com/v1 Widget',
        file: `${F}/widget.yaml`,
        line: 2,
      },
    ]);
  });

  test('a kind without a schema is listed as not checked, never as valid; --level error hides the list', () => {
    expect(run(['validate', `${F}/widget.yaml`])).toStrictEqual({
      code: 0,
      stdout: `Info (Widget shop/gadget ${F}/widget.yaml:2) not checked: the validator has no schema for example.com/v1 Widget\n`,
      stderr: 'Validated 1 object from 1 file: 0 checked against a schema, 1 not checked; 0 issues.\n',
    });
    expect(run(['validate', '--level', 'error', `${F}/widget.yaml`]).stdout).toBe('');
  });

  test('pdb-typo.yaml (minAvailabel): the strict policy/v1 schema reports the unknown field at its line, exit 1', () => {
    // GIVEN a PodDisruptionBudget with the typo `minAvailabel` WHEN validated
    // THEN the unknown field is an error with the closest known field
    expect(run(['validate', `${F}/pdb-typo.yaml`])).toStrictEqual({
      code: 1,
      stdout: `Error (PodDisruptionBudget shop/reviews ${F}/pdb-typo.yaml:8) spec.minAvailabel: unknown field (did you mean "minAvailable"?)\n`,
      stderr: 'Validated 1 object from 1 file: 1 checked against a schema, 0 not checked; 1 issue.\n',
    });
  });

  test('an Istio kind that does not exist is an issue, not "not checked"', () => {
    const result = run(['validate', '-'], 'apiVersion: networking.istio.io/v1\nkind: VirtualSevice\nmetadata:\n  name: typo\n  namespace: shop\n');
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/^Error \(VirtualSevice shop\/typo <stdin>:1\) apiVersion: unknown Istio kind networking\.istio\.io\/v1 VirtualSevice/);
  });
});
