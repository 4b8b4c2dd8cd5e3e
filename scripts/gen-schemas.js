#!/usr/bin/env node
/**
 * Generates the JSON schemas used by `lib/validation` from vendored upstream data.
 *
 *   node scripts/gen-schemas.js            # (re)write schemas/ from crds/ and kubernetes-schemas/
 *   node scripts/gen-schemas.js --check    # exit 1 if schemas/ is not up to date
 *   node scripts/gen-schemas.js --out DIR  # write into DIR instead of schemas/
 *   node scripts/gen-schemas.js --crds DIR # read CRDs from DIR instead of crds/
 *   node scripts/gen-schemas.js --kubernetes DIR # read the Kubernetes definitions from DIR instead of kubernetes-schemas/
 *
 * Inputs and outputs:
 *   crds/<project>-<version>/*.yaml          -> schemas/<project>-<version>.json (every served version of every CRD)
 *   crds/sail-operator-<version>/sailoperator.io_istios.yaml -> schemas/sail-istio-values.json (Istio's Helm values)
 *   crds/istio-<version>/charts/gateway/values.schema.json -> schemas/istio-gateway-chart-values-<version>.json (the gateway chart's values)
 *   kubernetes-schemas/v1.32.0/_definitions.json -> schemas/kubernetes-1.32.json (the kinds in KUBERNETES_KINDS)
 *   all of the above                         -> schemas/index.json (which file holds which API group)
 *
 * The core Kubernetes schemas come from the Kubernetes 1.32 OpenAPI definitions (the ones
 * `cdk8s import k8s@1.32` reads): 1.32 is the oldest Kubernetes release Istio 1.30 supports, so a
 * field that only later releases know is reported as unknown.
 *
 * Every schema is "made strict" the way a manifest linter needs it: descriptions are
 * dropped, and object schemas that list `properties` but say nothing about extra keys get
 * `additionalProperties: false` (the apiserver would silently prune unknown fields, which
 * hides typos) unless they carry `x-kubernetes-preserve-unknown-fields`. `x-kubernetes-int-or-string`
 * is translated into something a plain JSON Schema validator understands. `x-kubernetes-validations`
 * (CEL) are kept verbatim; they are evaluated by lib/validation, not by the JSON Schema validator.
 *
 * The output is a pure function of the input files: keys are sorted, arrays keep their
 * order, and no timestamps or absolute paths are written.
 */
'use strict';

const fs = require('fs');
const path = require('path');
const YAML = require('yaml');

const REPO_ROOT = path.resolve(__dirname, '..');

/** Kubernetes name rules applied to `metadata` (k8s.io/apimachinery validation). */
const DNS1123_SUBDOMAIN = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$';
const DNS1123_LABEL = '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$';
/** Qualified name: optional DNS-subdomain prefix + "/" + name of at most 63 characters. */
const QUALIFIED_NAME =
  '^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*/)?([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)$';
const LABEL_VALUE = '^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$';

/**
 * Schema for `metadata` of a manifest. Only what a manifest author can meaningfully set is
 * listed; anything else (e.g. a misspelt `lables`) is an error.
 */
function objectMetaSchema() {
  const stringMap = (valueSchema) => ({
    type: 'object',
    propertyNames: { maxLength: 317, pattern: QUALIFIED_NAME },
    additionalProperties: valueSchema,
  });
  return {
    type: 'object',
    additionalProperties: false,
    required: ['name'],
    properties: {
      name: { type: 'string', minLength: 1, maxLength: 253, pattern: DNS1123_SUBDOMAIN },
      generateName: { type: 'string', maxLength: 253 },
      namespace: { type: 'string', minLength: 1, maxLength: 63, pattern: DNS1123_LABEL },
      labels: stringMap({ type: 'string', maxLength: 63, pattern: LABEL_VALUE }),
      annotations: stringMap({ type: 'string' }),
      finalizers: { type: 'array', items: { type: 'string' } },
      ownerReferences: {
        type: 'array',
        items: {
          type: 'object',
          additionalProperties: false,
          required: ['apiVersion', 'kind', 'name', 'uid'],
          properties: {
            apiVersion: { type: 'string' },
            kind: { type: 'string' },
            name: { type: 'string' },
            uid: { type: 'string' },
            controller: { type: 'boolean' },
            blockOwnerDeletion: { type: 'boolean' },
          },
        },
      },
    },
  };
}

/** Schema keywords whose value is a single sub-schema. */
const SUBSCHEMA_KEYS = ['items', 'not', 'additionalProperties', 'propertyNames', 'if', 'then', 'else'];
/** Schema keywords whose value is a list of sub-schemas. */
const SUBSCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf'];
/** Schema keywords whose value is a map of name -> sub-schema. */
const SUBSCHEMA_MAP_KEYS = ['properties', 'patternProperties'];

/**
 * Returns a strict copy of an OpenAPI (structural) schema node. Walks only schema
 * positions, so a property that happens to be called `description` is kept.
 *
 * @param drop names of further keywords to leave out
 */
function strictSchema(node, drop = () => false) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description' || drop(key)) continue;
    if (SUBSCHEMA_KEYS.includes(key) && typeof value === 'object') {
      out[key] = strictSchema(value, drop);
    } else if (SUBSCHEMA_LIST_KEYS.includes(key)) {
      out[key] = value.map((v) => strictSchema(v, drop));
    } else if (SUBSCHEMA_MAP_KEYS.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictSchema(v, drop)]));
    } else {
      out[key] = value;
    }
  }
  const preserves = out['x-kubernetes-preserve-unknown-fields'] === true;
  if (out.properties && out.additionalProperties === undefined && !preserves) {
    out.additionalProperties = false;
  }
  if (out['x-kubernetes-int-or-string'] === true && !out.anyOf && out.type === undefined) {
    out.anyOf = [{ type: 'integer' }, { type: 'string' }];
  }
  return out;
}

/** Recursively sorts object keys; arrays keep their order (it can be meaningful). */
function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value === null || typeof value !== 'object') return value;
  const out = {};
  for (const key of Object.keys(value).sort()) out[key] = sortKeys(value[key]);
  return out;
}

/** Stable serialisation: sorted keys, 2-space indent, trailing newline. */
function stableJson(value) {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/** Whether a single-quoted YAML scalar that started earlier ends in `text` (`''` is an escaped quote). */
function closesQuote(text) {
  return text.replace(/''/g, '').includes("'");
}

/**
 * Go's YAML parser (the one kubectl uses) accepts a multi-line single-quoted scalar whose
 * continuation lines are indented no deeper than its key; YAML 1.2 parsers reject it. Flagger's
 * crd.yaml has such descriptions. This indents those continuation lines below their key, which
 * leaves the scalar's value unchanged.
 */
function indentQuotedContinuations(text) {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const open = /^( *)[^\s'"#][^:]*: '(.*)$/.exec(lines[i]);
    if (!open || closesQuote(open[2])) continue;
    const indent = open[1].length;
    for (i++; i < lines.length; i++) {
      const rest = lines[i].trimStart();
      if (lines[i].length - rest.length <= indent) lines[i] = ' '.repeat(indent + 2) + rest;
      if (closesQuote(rest)) break;
    }
  }
  return lines.join('\n');
}

/** Parses a multi-document YAML file into the list of CustomResourceDefinitions it holds. */
function readCrds(file) {
  const text = fs.readFileSync(file, 'utf8');
  let docs = YAML.parseAllDocuments(text);
  if (docs.some((doc) => doc.errors.length > 0)) docs = YAML.parseAllDocuments(indentQuotedContinuations(text));
  const crds = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj && obj.kind === 'CustomResourceDefinition') crds.push(obj);
  }
  return crds;
}

/**
 * Makes `root` a full manifest schema: `apiVersion` and `kind` are pinned, `metadata` is
 * checked with `metadata`, other top-level keys are rejected.
 */
function pinIdentity(root, apiVersion, kind, metadata) {
  root.type = 'object';
  root.properties = {
    ...root.properties,
    apiVersion: { type: 'string', enum: [apiVersion] },
    kind: { type: 'string', enum: [kind] },
    metadata,
  };
  root.required = [...new Set(['apiVersion', 'kind', 'metadata', ...(root.required || [])])];
  root.additionalProperties = false;
  return root;
}

/** Display names of the projects whose CRDs are vendored in crds/<project>-<version>/. */
const CRD_PROJECTS = {
  istio: 'Istio',
  'sail-operator': 'Sail Operator',
  'gateway-api': 'Gateway API',
  'cert-manager': 'cert-manager',
  'flux-helm-controller': 'Flux helm-controller',
  'flux-source-controller': 'Flux source-controller',
  'argo-cd': 'Argo CD',
  'prometheus-operator': 'Prometheus Operator',
  flagger: 'Flagger',
};

/** Lists crds/: one `{ dir, name, project, version }` per `<project>-<version>` folder. */
function crdDirs(crdsDir) {
  const dirs = [];
  for (const name of fs.readdirSync(crdsDir).sort()) {
    if (!fs.statSync(path.join(crdsDir, name)).isDirectory()) continue;
    const match = /^(.+)-(v?\d+\.\d+\.\d+)$/.exec(name);
    if (!match || !CRD_PROJECTS[match[1]]) throw new Error(`${crdsDir}/${name}: not a known <project>-<version> folder (known projects: ${Object.keys(CRD_PROJECTS).join(', ')})`);
    if (dirs.some((d) => d.project === match[1])) throw new Error(`${crdsDir}: two folders for ${match[1]}`);
    dirs.push({ dir: path.join(crdsDir, name), name, project: match[1], version: match[2] });
  }
  for (const required of ['istio', 'sail-operator']) {
    if (!dirs.some((d) => d.project === required)) throw new Error(`${crdsDir}: no ${required}-<version> folder`);
  }
  return dirs;
}

/**
 * Builds schemas/<project>-<version>.json: every served version of every CRD in the folder,
 * keyed `<group>/<version>/<Kind>`, and the served versions keyed `<group>/<Kind>`.
 */
function crdSchemaFile({ dir, name, project, version }) {
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort();
  const schemas = {};
  const versions = {};
  for (const file of files) {
    for (const crd of readCrds(path.join(dir, file))) {
      const { group, names } = crd.spec;
      const served = crd.spec.versions.filter((v) => v.served);
      const storage = crd.spec.versions.find((v) => v.storage);
      versions[`${group}/${names.kind}`] = { served: served.map((v) => v.name), storage: storage ? storage.name : null };
      for (const v of served) {
        const root = strictSchema(v.schema.openAPIV3Schema);
        schemas[`${group}/${v.name}/${names.kind}`] = pinIdentity(root, `${group}/${v.name}`, names.kind, objectMetaSchema());
      }
    }
  }
  return {
    $comment: `Generated by scripts/gen-schemas.js from crds/${name}/ (${files.join(', ')}). Do not edit.`,
    title: CRD_PROJECTS[project],
    version,
    ...(project === 'istio' ? { istioVersion: version, objectMeta: objectMetaSchema() } : {}),
    versions,
    schemas,
  };
}

/** Builds the content of schemas/sail-istio-values.json from the Sail `Istio` CRD. */
function sailValuesFile(crdFile, sailVersion) {
  const crd = readCrds(crdFile).find((c) => c.spec.names.kind === 'Istio' && c.spec.group === 'sailoperator.io');
  if (!crd) throw new Error(`${crdFile}: no sailoperator.io Istio CRD found`);
  const version = crd.spec.versions.find((v) => v.storage) || crd.spec.versions[0];
  const values = version.schema.openAPIV3Schema.properties.spec.properties.values;
  if (!values) throw new Error(`${crdFile}: Istio CRD has no spec.values schema`);
  return {
    $comment: `Generated by scripts/gen-schemas.js from crds/sail-operator-${sailVersion}/${path.basename(crdFile)} (spec.values of sailoperator.io/${version.name} Istio). Do not edit.`,
    sailOperatorVersion: sailVersion,
    values: strictSchema(values),
  };
}

/**
 * Core Kubernetes kinds checked strictly, as `<group>/<Kind>` (`core` is the group of `v1`),
 * in every version the Kubernetes definitions have. Other kinds of these groups are known (a
 * misspelt kind or an unserved version is reported) but not checked.
 */
const KUBERNETES_KINDS = [
  'core/ConfigMap', 'core/Endpoints', 'core/LimitRange', 'core/Namespace', 'core/PersistentVolumeClaim', 'core/Pod',
  'core/ResourceQuota', 'core/Secret', 'core/Service', 'core/ServiceAccount',
  'apps/DaemonSet', 'apps/Deployment', 'apps/ReplicaSet', 'apps/StatefulSet',
  'batch/CronJob', 'batch/Job',
  'autoscaling/HorizontalPodAutoscaler',
  'policy/PodDisruptionBudget',
  'networking.k8s.io/Ingress', 'networking.k8s.io/IngressClass', 'networking.k8s.io/NetworkPolicy',
  'discovery.k8s.io/EndpointSlice',
  'scheduling.k8s.io/PriorityClass',
  'rbac.authorization.k8s.io/ClusterRole', 'rbac.authorization.k8s.io/ClusterRoleBinding',
  'rbac.authorization.k8s.io/Role', 'rbac.authorization.k8s.io/RoleBinding',
  'admissionregistration.k8s.io/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/ValidatingWebhookConfiguration',
  'apiextensions.k8s.io/CustomResourceDefinition',
];

const OBJECT_META = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta';
const CRD_V1 = 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1';
const definitionRef = (name) => ({ $ref: `#/definitions/${name}` });

/**
 * Definitions replaced outright, with the shape the apiserver accepts (OpenAPI v2 cannot
 * express these "X or Y" types, so the Kubernetes document leaves them open or uses `oneOf`).
 */
function kubernetesOverrides() {
  const { required, ...templateMeta } = objectMetaSchema();
  const props = definitionRef(`${CRD_V1}.JSONSchemaProps`);
  return {
    // Pod, job and volume claim templates: the strict metadata, without a required name.
    [OBJECT_META]: templateMeta,
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString': strictSchema({ 'x-kubernetes-int-or-string': true }),
    // A number, or a string such as `500m`, `1.5Gi` or `1e3` (checked by the `quantity` format).
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: ['string', 'number'], format: 'quantity' },
    [`${CRD_V1}.JSONSchemaPropsOrBool`]: { if: { type: 'boolean' }, else: props },
    [`${CRD_V1}.JSONSchemaPropsOrArray`]: { if: { type: 'array' }, then: { items: props }, else: props },
    [`${CRD_V1}.JSONSchemaPropsOrStringArray`]: { if: { type: 'array' }, then: { items: { type: 'string' } }, else: props },
  };
}

/** Kubernetes vendor extensions say nothing a manifest check needs, except int-or-string. */
const dropKubernetesExtension = (key) => key.startsWith('x-kubernetes-') && key !== 'x-kubernetes-int-or-string';

/** Every `$ref` target named anywhere in `node`. */
function refsIn(node, out = []) {
  if (Array.isArray(node)) node.forEach((item) => refsIn(item, out));
  else if (node !== null && typeof node === 'object') {
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') out.push(value.replace('#/definitions/', ''));
      else refsIn(value, out);
    }
  }
  return out;
}

/**
 * Builds schemas/kubernetes-<minor>.json: a manifest schema per version of each of
 * KUBERNETES_KINDS (keyed `<apiVersion>/<Kind>`) referring, with `$ref: #/definitions/...`, to
 * the strict copies of only the definitions they reach; and the versions of every kind of
 * their groups (keyed `<group>/<Kind>`).
 */
function kubernetesSchemaFile(definitionsFile, version) {
  const defs = JSON.parse(fs.readFileSync(definitionsFile, 'utf8')).definitions;
  const groups = new Set(KUBERNETES_KINDS.map((key) => key.slice(0, key.indexOf('/'))));
  // Resource kinds of those groups: `<group>/<Kind>` -> [{ version, name }].
  const kinds = new Map();
  for (const [name, def] of Object.entries(defs)) {
    const gvks = def['x-kubernetes-group-version-kind'];
    if (!/^io\.k8s\.(api|apiextensions-apiserver)\./.test(name) || !gvks || gvks.length !== 1) continue;
    const gvk = gvks[0];
    const key = `${gvk.group || 'core'}/${gvk.kind}`;
    if (gvk.kind.endsWith('List') || !groups.has(gvk.group || 'core')) continue;
    kinds.set(key, [...(kinds.get(key) || []), { version: gvk.version, name }]);
  }
  const versions = {};
  for (const [key, list] of kinds) versions[key] = { served: list.map((e) => e.version).sort() };

  const schemas = {};
  for (const key of KUBERNETES_KINDS) {
    if (!kinds.has(key)) throw new Error(`${definitionsFile}: no kind ${key}`);
    const [group, kind] = key.split('/');
    for (const { version: v, name } of kinds.get(key)) {
      const apiVersion = group === 'core' ? v : `${group}/${v}`;
      const metadata = { allOf: [definitionRef(OBJECT_META)], required: ['name'] };
      schemas[`${apiVersion}/${kind}`] = pinIdentity(strictSchema(defs[name], dropKubernetesExtension), apiVersion, kind, metadata);
    }
  }

  const overrides = kubernetesOverrides();
  const definitions = {};
  const pending = refsIn(schemas);
  while (pending.length > 0) {
    const name = pending.pop();
    if (definitions[name]) continue;
    if (!defs[name]) throw new Error(`${definitionsFile}: $ref to missing definition ${name}`);
    definitions[name] = overrides[name] || strictSchema(defs[name], dropKubernetesExtension);
    pending.push(...refsIn(definitions[name]));
  }
  return {
    $comment: `Generated by scripts/gen-schemas.js from kubernetes-schemas/v${version}/_definitions.json. Do not edit.`,
    title: 'Kubernetes',
    version: version.split('.').slice(0, 2).join('.'),
    versions,
    schemas,
    definitions,
  };
}

/** Finds the single `v<major>.<minor>.<patch>` folder of the Kubernetes definitions. */
function kubernetesDefinitions(dir) {
  const versions = fs.readdirSync(dir).filter((d) => /^v\d+\.\d+\.\d+$/.test(d));
  if (versions.length !== 1) throw new Error(`expected exactly one v<version> folder in ${dir}, found: ${versions.join(', ') || 'none'}`);
  return { file: path.join(dir, versions[0], '_definitions.json'), version: versions[0].slice(1) };
}

/**
 * Builds schemas/istio-gateway-chart-values-<version>.json: the `values.schema.json` of Istio's `gateway`
 * Helm chart as the chart ships it (a closed object: Helm rejects unknown top-level values), without its
 * `$schema` line (the draft-07 validator reads it as it is).
 */
function gatewayChartValuesFile(file, version) {
  const { $schema, ...schema } = JSON.parse(fs.readFileSync(file, 'utf8'));
  void $schema;
  return {
    $comment: `Generated by scripts/gen-schemas.js from crds/istio-${version}/charts/gateway/values.schema.json (istio/istio ${version}, manifests/charts/gateway). Do not edit.`,
    istioVersion: version,
    chart: 'gateway',
    values: schema,
  };
}

/** Computes every output file: a map of file name -> exact file content. */
function generate(crdsDir, kubernetesDir) {
  const files = {};
  const groups = {};
  const add = (name, content) => {
    files[name] = stableJson(content);
    for (const key of Object.keys(content.versions)) {
      const group = key.slice(0, key.indexOf('/'));
      if (groups[group] && groups[group] !== name) throw new Error(`API group ${group} is in both ${groups[group]} and ${name}`);
      groups[group] = name;
    }
  };
  const k8s = kubernetesDefinitions(kubernetesDir);
  const kubernetes = kubernetesSchemaFile(k8s.file, k8s.version);
  add(`kubernetes-${kubernetes.version}.json`, kubernetes);
  for (const source of crdDirs(crdsDir)) {
    add(`${source.name}.json`, crdSchemaFile(source));
    if (source.project === 'istio') {
      const chartValues = path.join(source.dir, 'charts', 'gateway', 'values.schema.json');
      files[`istio-gateway-chart-values-${source.version}.json`] = stableJson(gatewayChartValuesFile(chartValues, source.version));
    }
    if (source.project === 'sail-operator') {
      files['sail-istio-values.json'] = stableJson(sailValuesFile(path.join(source.dir, 'sailoperator.io_istios.yaml'), source.version));
    }
  }
  files['index.json'] = stableJson({
    $comment: 'Generated by scripts/gen-schemas.js: the schema file of each API group (core is the group of apiVersion v1). Do not edit.',
    groups,
  });
  return files;
}

function parseArgs(argv) {
  const opts = {
    check: false,
    out: path.join(REPO_ROOT, 'schemas'),
    crds: path.join(REPO_ROOT, 'crds'),
    kubernetes: path.join(REPO_ROOT, 'kubernetes-schemas'),
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') opts.check = true;
    else if (arg === '--out') opts.out = path.resolve(argv[++i]);
    else if (arg === '--crds') opts.crds = path.resolve(argv[++i]);
    else if (arg === '--kubernetes') opts.kubernetes = path.resolve(argv[++i]);
    else throw new Error(`unknown argument: ${arg} (usage: gen-schemas.js [--check] [--out DIR] [--crds DIR] [--kubernetes DIR])`);
  }
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const files = generate(opts.crds, opts.kubernetes);
  if (opts.check) {
    const stale = Object.keys(files).filter((name) => {
      const file = path.join(opts.out, name);
      return !fs.existsSync(file) || fs.readFileSync(file, 'utf8') !== files[name];
    });
    if (stale.length > 0) {
      console.error(`schemas out of date: ${stale.join(', ')} (run: npm run schemas)`);
      process.exit(1);
    }
    console.log(`schemas up to date: ${Object.keys(files).join(', ')}`);
    return;
  }
  fs.mkdirSync(opts.out, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    fs.writeFileSync(path.join(opts.out, name), content);
    console.log(`wrote ${path.relative(process.cwd(), path.join(opts.out, name))} (${content.length} bytes)`);
  }
}

if (require.main === module) {
  try {
    main();
  } catch (err) {
    console.error(err instanceof Error ? err.message : err);
    process.exit(2);
  }
}

module.exports = { generate, strictSchema, stableJson, readCrds };
