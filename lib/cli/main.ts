/**
 * The `cdk8s-istio` command: `analyze` (the offline analyzer, as `istioctl analyze`) and `validate`
 * (the schema and CEL check) over YAML and JSON files, directories and standard input.
 */
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs, ParseArgsConfig } from 'util';
import { stringify as toYaml } from 'yaml';
import { MeshAnalyzer } from '../analysis/analyzer';
import { MESSAGES } from '../analysis/messages';
import { Finding, FindingLevel } from '../analysis/types';
import { validateManifestsDetailed } from '../validation/manifest';
import { ISTIO_SCHEMA_VERSION } from '../validation/schema-files';
import { formatVisibility, graphReport, toDot, toMermaid } from '../graph/report';
import { readExternal } from './external';
import { LocatedObject, readObjects } from './read';

/** Where the command reads and writes; `main` uses the process's by default. */
export interface CliIo {
  /** Writes to standard output. */
  stdout(text: string): void;
  /** Writes to standard error. */
  stderr(text: string): void;
  /** The whole of standard input (read only when a path is `-`). */
  readStdin(): string;
}

/** Exit statuses. */
export const EXIT_OK = 0;
export const EXIT_FOUND = 1;
export const EXIT_USAGE = 2;

export const USAGE = `Usage:
  cdk8s-istio analyze  [options] <file|dir|->...
  cdk8s-istio validate [options] <file|dir|->...
  cdk8s-istio graph    [options] <file|dir|->...
  cdk8s-istio --help | --version

Reads Kubernetes objects from YAML or JSON files (several documents per file; a kind: List item by item),
directories (recursively, in sorted order: *.yaml, *.yml and *.json, names starting with "." skipped)
and standard input (-).

Commands:
  analyze   Cross-object checks, offline, as istioctl analyze: duplicate objects, objects in
            namespaces nobody creates, dangling references, conflicts. One finding per line:
              Error [IST0101] (VirtualService shop/reviews vs.yaml:14) Referenced host+subset ...
  validate  Checks every object against its schema (Istio ${ISTIO_SCHEMA_VERSION} CRDs with their CEL rules, the
            IstioOperator). An object whose kind has no schema is listed as "not checked".
  graph     The service graph read back from the objects: who may call whom (ALLOW
            AuthorizationPolicies: caller identity, callee, port and methods), which external hosts
            each workload reaches (Sidecar hosts naming a ServiceEntry), and per workload how many
            services of the mesh registry its proxy is sent before and after its Sidecar scopes it:
              Deployment shop/orders-v1   12 → 3   Sidecar shop/orders (2 called + ...)

Options:
  -o, --output <format>   log (default), json or yaml
      --level <level>     lowest level printed: info (default, as istioctl), warning or error
  -h, --help              print this help
      --version           print the version

Options of analyze:
      --external <value>  something that exists in the cluster but not in the files (repeatable):
                            <file|dir>                  objects, partial ones are enough (apiVersion,
                                                        kind, metadata.name/namespace; a Service's ports)
                            <Kind>/<namespace>/<name>   e.g. Secret/istio-ingress/bookinfo-tls
                            <Kind>/<name>               cluster-scoped, e.g. Namespace/observability
                            <group>/<version>/<Kind>/[<namespace>/]<name>
                                                        any kind, e.g. v1/Endpoints/shop/cart or
                                                        gateway.networking.k8s.io/v1/Gateway/infra/public
                            host:<host>                 a host outside the mesh's registry, e.g.
                                                        host:api.example.com, host:*.example.com
                          <Kind> alone: Namespace, Service, Secret, ConfigMap, ServiceAccount, Pod (v1),
                          Deployment, StatefulSet, DaemonSet (apps/v1) or an Istio kind (Gateway is
                          networking.istio.io/v1).
  -S, --suppress <code>[=<object>]
                          do not report <code>; with =<object>, only on the objects it matches,
                          written as printed ("Kind namespace/name", * matches anything), e.g.
                          -S IST0102, -S "CDK8S-ISTIO-002=* legacy/*" (repeatable)
  -n, --namespace <ns>    the namespace of namespaced objects that name none (default: default)
      --fail-on <level>   lowest level that makes the exit status 1: error (default), warning or info
  -L, --list-checks       print the checks and the codes they report, and exit

Options of graph:
      --mermaid           print the graph as a Mermaid flowchart instead of the figures
      --dot               print the graph in Graphviz DOT instead of the figures
      --external <value>  as for analyze (declared Services count in the mesh registry)
  (-o json or yaml prints {registry, proxies, nodes, edges})

Output: findings and issues go to standard output (json and yaml: one array of
{code, level, apiVersion, kind, namespace, name, field, message, file, line} for analyze, of
{level, apiVersion, kind, namespace, name, path, message, rule, file, line} for validate); a summary
line goes to standard error.

Exit status:
  0  analyze: no finding at or above --fail-on; validate: no issue
  1  analyze: a finding at or above --fail-on (an error, by default); validate: an issue
  2  a usage error, or input that cannot be read (a missing file, a YAML syntax error, a document
     that is not a Kubernetes object with apiVersion, kind and metadata.name), printed as
     file:line:column: problem; nothing is checked then
`;

class UsageError extends Error {}

/** The process's standard streams. */
export function processIo(): CliIo {
  return {
    stdout: (text) => process.stdout.write(text),
    stderr: (text) => process.stderr.write(text),
    readStdin: () => fs.readFileSync(0, 'utf8'),
  };
}

/** Runs the command line `argv` (without the node and script paths); returns the exit status. */
export function main(argv: readonly string[], io: CliIo = processIo()): number {
  try {
    const [command, ...rest] = argv;
    switch (command) {
      case undefined:
        io.stderr(USAGE);
        return EXIT_USAGE;
      case '-h':
      case '--help':
      case 'help':
        io.stdout(USAGE);
        return EXIT_OK;
      case '--version':
        io.stdout(`cdk8s-istio ${packageVersion()} (Istio ${ISTIO_SCHEMA_VERSION})\n`);
        return EXIT_OK;
      case 'analyze':
        return analyze(rest, io);
      case 'validate':
        return validate(rest, io);
      case 'graph':
        return graph(rest, io);
      default:
        throw new UsageError(command.startsWith('-') ? `unknown option ${command}: give a command first (analyze, validate or graph)` : `unknown command "${command}" (the commands are analyze, validate and graph)`);
    }
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    io.stderr(`cdk8s-istio: ${e.message}\nRun 'cdk8s-istio --help' for usage.\n`);
    return EXIT_USAGE;
  }
}

const COMMON_OPTIONS = {
  output: { type: 'string', short: 'o' },
  level: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

const ANALYZE_OPTIONS = {
  ...COMMON_OPTIONS,
  'external': { type: 'string', multiple: true },
  'suppress': { type: 'string', short: 'S', multiple: true },
  'namespace': { type: 'string', short: 'n' },
  'fail-on': { type: 'string' },
  'list-checks': { type: 'boolean', short: 'L' },
} as const;

function parse<T extends NonNullable<ParseArgsConfig['options']>>(command: string, args: readonly string[], options: T) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals: true, strict: true });
  } catch (e) {
    const message = (e as Error).message.split('. ')[0].replace(/^Unknown option '([^']*)'/, 'unknown option $1');
    throw new UsageError(`${command}: ${message}`);
  }
}

type Format = 'log' | 'json' | 'yaml';

function formatOf(value: string | undefined): Format {
  const format = (value ?? 'log').toLowerCase();
  if (format === 'log' || format === 'json' || format === 'yaml') return format;
  throw new UsageError(`--output ${value}: give log, json or yaml`);
}

const RANK: Record<FindingLevel, number> = { [FindingLevel.ERROR]: 2, [FindingLevel.WARNING]: 1, [FindingLevel.INFO]: 0 };

function levelOf(option: string, value: string | undefined, fallback: FindingLevel): FindingLevel {
  if (value === undefined) return fallback;
  const level = Object.values(FindingLevel).find((l) => l.toLowerCase() === value.toLowerCase());
  if (level === undefined) throw new UsageError(`--${option} ${value}: give info, warning or error`);
  return level;
}

function requirePaths(command: string, paths: string[]): void {
  if (paths.length === 0) throw new UsageError(`${command}: give at least one file, directory or - (standard input)`);
}

function print(io: CliIo, format: Format, entries: Record<string, unknown>[], line: (e: Record<string, unknown>) => string): void {
  if (format === 'json') io.stdout(`${JSON.stringify(entries, null, 2)}\n`);
  else if (format === 'yaml') io.stdout(toYaml(entries));
  else if (entries.length > 0) io.stdout(`${entries.map(line).join('\n')}\n`);
}

function inputErrors(io: CliIo, errors: readonly string[]): number {
  for (const e of errors) io.stderr(`cdk8s-istio: ${e}\n`);
  io.stderr(`cdk8s-istio: ${errors.length} input problem${errors.length === 1 ? '' : 's'}; nothing was checked.\n`);
  return EXIT_USAGE;
}

function plural(n: number, word: string, many = `${word}s`): string {
  return `${n} ${n === 1 ? word : many}`;
}

/** `Kind namespace/name`, or `Kind name` without a namespace, as istioctl names objects. */
function objectName(kind: unknown, namespace: unknown, name: unknown): string {
  return namespace === undefined ? `${kind} ${name}` : `${kind} ${namespace}/${name}`;
}

// ---------------------------------------------------------------------------------------------------
// analyze

function analyze(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parse('analyze', args, ANALYZE_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const format = formatOf(values.output);
  const shown = levelOf('level', values.level, FindingLevel.INFO);
  const failOn = levelOf('fail-on', values['fail-on'], FindingLevel.ERROR);
  const suppressions = (values.suppress ?? []).map(parseSuppression);
  const namespace = values.namespace;
  if (namespace !== undefined && !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(namespace)) {
    throw new UsageError(`--namespace ${namespace}: not a namespace name (lowercase letters, digits and -)`);
  }
  if (values['list-checks']) {
    print(io, format, MeshAnalyzer.checks() as unknown as Record<string, unknown>[], (c) => `${c.name} [${(c.codes as string[]).join(', ')}]\n    ${c.description}`);
    return EXIT_OK;
  }
  requirePaths('analyze', positionals);
  for (const s of suppressions) {
    if (!Object.prototype.hasOwnProperty.call(MESSAGES, s.code)) {
      io.stderr(`Warning: --suppress ${s.code}: the analyzer has no such code, so it suppresses nothing.\n`);
    }
  }

  const input = readObjects(positionals, { stdin: io.readStdin });
  const external = readExternal(values.external ?? []);
  const errors = [...input.errors, ...external.errors];
  if (errors.length > 0) return inputErrors(io, errors);

  const byLocation = new Map<string, LocatedObject>(input.objects.map((o) => [o.location, o]));
  const report = MeshAnalyzer._analyzeSourced(input.objects.map((o) => ({ object: o.object, source: o.location })), {
    external: external.objects,
    ...(namespace !== undefined ? { defaultNamespace: namespace } : {}),
  });
  const kept = report.findings.filter((f) => !suppressions.some((s) => s.matches(f)));
  const visible = kept.filter((f) => RANK[f.level] >= RANK[shown]);
  const entries = visible.map((f) => findingEntry(f, byLocation.get(f.source ?? '')));
  print(io, format, entries, (e) => {
    const where = e.file !== undefined ? ` ${e.file}:${e.line}` : '';
    return `${e.level} [${e.code}] (${objectName(e.kind, e.namespace, e.name)}${where}) ${e.message}`;
  });

  const count = (level: FindingLevel) => kept.filter((f) => f.level === level).length;
  const objects = report.objects.reduce((n, k) => n + k.count, 0);
  const notes = [
    ...(kept.length < report.findings.length ? [`${report.findings.length - kept.length} suppressed`] : []),
    ...(visible.length < kept.length ? [`${kept.length - visible.length} below --level ${shown.toLowerCase()} not shown`] : []),
  ];
  io.stderr(`Analyzed ${plural(objects, 'object')} from ${plural(input.files.length, 'file')} with ${plural(report.checks.length, 'check')}: `
    + `${plural(count(FindingLevel.ERROR), 'error')}, ${plural(count(FindingLevel.WARNING), 'warning')}, ${count(FindingLevel.INFO)} info`
    + `${notes.length > 0 ? ` (${notes.join(', ')})` : ''}.\n`);
  return kept.some((f) => RANK[f.level] >= RANK[failOn]) ? EXIT_FOUND : EXIT_OK;
}

function findingEntry(f: Finding, at: LocatedObject | undefined): Record<string, unknown> {
  return {
    code: f.code,
    level: f.level,
    apiVersion: f.apiVersion,
    kind: f.kind,
    ...(f.namespace !== undefined ? { namespace: f.namespace } : {}),
    name: f.name,
    ...(f.field !== undefined ? { field: f.field } : {}),
    message: f.message,
    ...(at !== undefined ? { file: at.file, line: at.fieldLine(f.field) } : {}),
  };
}

interface Suppression {
  readonly code: string;
  matches(f: Finding): boolean;
}

/** `CODE` (everywhere) or `CODE=<object>` (objects whose `Kind namespace/name` matches the glob). */
function parseSuppression(value: string): Suppression {
  const eq = value.indexOf('=');
  const code = (eq < 0 ? value : value.slice(0, eq)).trim();
  const pattern = eq < 0 ? '*' : value.slice(eq + 1).trim();
  if (code === '' || pattern === '') throw new UsageError(`--suppress ${value}: give CODE or CODE=<object>, e.g. IST0102 or "IST0102=Namespace legacy"`);
  const glob = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return { code, matches: (f) => f.code === code && glob.test(objectName(f.kind, f.namespace, f.name)) };
}

// ---------------------------------------------------------------------------------------------------
// validate

function validate(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parse('validate', args, COMMON_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const format = formatOf(values.output);
  const shown = levelOf('level', values.level, FindingLevel.INFO);
  requirePaths('validate', positionals);
  const input = readObjects(positionals, { stdin: io.readStdin });
  if (input.errors.length > 0) return inputErrors(io, input.errors);

  const issues: Record<string, unknown>[] = [];
  const notChecked: Record<string, unknown>[] = [];
  let checked = 0;
  for (const o of input.objects) {
    const report = validateManifestsDetailed([o.object]);
    checked += report.checked;
    const apiVersion = o.object.apiVersion;
    for (const issue of report.issues) {
      issues.push({
        level: FindingLevel.ERROR,
        apiVersion,
        kind: issue.kind,
        ...(issue.namespace !== undefined ? { namespace: issue.namespace } : {}),
        name: issue.name,
        path: issue.path,
        message: issue.message,
        ...(issue.rule !== undefined ? { rule: issue.rule } : {}),
        file: o.file,
        line: o.fieldLine(issue.path),
      });
    }
    if (report.checked === 0 && report.issues.length === 0) {
      const ns = o.object.metadata.namespace;
      notChecked.push({
        level: FindingLevel.INFO,
        apiVersion,
        kind: o.object.kind,
        ...(typeof ns === 'string' && ns !== '' ? { namespace: ns } : {}),
        name: o.object.metadata.name,
        path: '',
        message: `not checked: the validator has no schema for ${apiVersion} ${o.object.kind}`,
        file: o.file,
        line: o.line,
      });
    }
  }
  const entries = [...issues, ...notChecked].filter((e) => RANK[e.level as FindingLevel] >= RANK[shown]);
  print(io, format, entries, (e) => {
    const where = e.path === '' ? '' : `${e.path}: `;
    const rule = e.rule !== undefined ? ` [rule: ${e.rule}]` : '';
    return `${e.level} (${objectName(e.kind, e.namespace, e.name)} ${e.file}:${e.line}) ${where}${e.message}${rule}`;
  });
  io.stderr(`Validated ${plural(input.objects.length, 'object')} from ${plural(input.files.length, 'file')}: `
    + `${checked} checked against a schema, ${input.objects.length - checked} not checked; ${plural(issues.length, 'issue')}.\n`);
  return issues.length > 0 ? EXIT_FOUND : EXIT_OK;
}

// ---------------------------------------------------------------------------------------------------
// graph

const GRAPH_OPTIONS = {
  ...COMMON_OPTIONS,
  external: { type: 'string', multiple: true },
  mermaid: { type: 'boolean' },
  dot: { type: 'boolean' },
} as const;

function graph(args: readonly string[], io: CliIo): number {
  const { values, positionals } = parse('graph', args, GRAPH_OPTIONS);
  if (values.help) {
    io.stdout(USAGE);
    return EXIT_OK;
  }
  const format = formatOf(values.output);
  if (values.mermaid && values.dot) throw new UsageError('graph: give --mermaid or --dot, not both');
  if ((values.mermaid || values.dot) && values.output !== undefined) throw new UsageError(`graph: --output ${values.output} does not go with --${values.mermaid ? 'mermaid' : 'dot'}`);
  if (values.level !== undefined) throw new UsageError('graph: --level is an option of analyze and validate');
  requirePaths('graph', positionals);
  const input = readObjects(positionals, { stdin: io.readStdin });
  const external = readExternal(values.external ?? []);
  const errors = [...input.errors, ...external.errors];
  if (errors.length > 0) return inputErrors(io, errors);

  const report = graphReport(input.objects.map((o) => o.object), external.objects);
  if (values.mermaid) io.stdout(toMermaid(report));
  else if (values.dot) io.stdout(toDot(report));
  else if (format === 'log') io.stdout(formatVisibility(report, `${plural(input.objects.length, 'object')} from ${plural(input.files.length, 'file')}`));
  else io.stdout(format === 'json' ? `${JSON.stringify(report, null, 2)}\n` : toYaml(report));
  io.stderr(`Graph of ${plural(report.nodes.length, 'node')} and ${plural(report.edges.length, 'edge')}; ${plural(report.proxies.length, 'proxy', 'proxies')}, mesh registry ${plural(report.registry, 'service')}.\n`);
  return EXIT_OK;
}

/** This package's version, from the package.json above this file (in lib/ or build/lib/). */
function packageVersion(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, 'package.json');
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'cdk8s-istio' && typeof pkg.version === 'string') return pkg.version;
    }
    if (path.dirname(dir) === dir) return 'unknown';
  }
}
