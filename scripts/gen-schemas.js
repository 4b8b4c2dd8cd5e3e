#!/usr/bin/env node
/**
 * Generates the JSON schemas used by `lib/validation` from the vendored CRDs.
 *
 *   node scripts/gen-schemas.js            # (re)write schemas/ from crds/
 *   node scripts/gen-schemas.js --check    # exit 1 if schemas/ is not up to date
 *   node scripts/gen-schemas.js --out DIR  # write into DIR instead of schemas/
 *   node scripts/gen-schemas.js --crds DIR # read CRDs from DIR instead of crds/
 *
 * Inputs (exactly one of each):
 *   crds/istio-<version>/crd-all.gen.yaml                 -> schemas/istio-<version>.json
 *   crds/sail-operator-<version>/sailoperator.io_istios.yaml -> schemas/sail-istio-values.json
 *
 * Every schema is "made strict" the way a manifest linter needs it: descriptions are
 * dropped, and object schemas that list `properties` but say nothing about extra keys get
 * `additionalProperties: false` (the apiserver would silently prune unknown fields, which
 * hides typos). `x-kubernetes-int-or-string` is translated into something a plain JSON
 * Schema validator understands. `x-kubernetes-validations` (CEL) are kept verbatim; they
 * are evaluated by lib/validation, not by the JSON Schema validator.
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
const SUBSCHEMA_KEYS = ['items', 'not', 'additionalProperties', 'propertyNames'];
/** Schema keywords whose value is a list of sub-schemas. */
const SUBSCHEMA_LIST_KEYS = ['allOf', 'anyOf', 'oneOf'];
/** Schema keywords whose value is a map of name -> sub-schema. */
const SUBSCHEMA_MAP_KEYS = ['properties', 'patternProperties'];

/**
 * Returns a strict copy of an OpenAPI v3 (structural) schema node. Walks only schema
 * positions, so a property that happens to be called `description` is kept.
 */
function strictSchema(node) {
  if (node === null || typeof node !== 'object' || Array.isArray(node)) return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === 'description') continue;
    if (SUBSCHEMA_KEYS.includes(key) && typeof value === 'object') {
      out[key] = strictSchema(value);
    } else if (SUBSCHEMA_LIST_KEYS.includes(key)) {
      out[key] = value.map(strictSchema);
    } else if (SUBSCHEMA_MAP_KEYS.includes(key)) {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strictSchema(v)]));
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

/** Parses a multi-document YAML file into the list of CustomResourceDefinitions it holds. */
function readCrds(file) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8'));
  const crds = [];
  for (const doc of docs) {
    if (doc.errors.length > 0) throw new Error(`${file}: ${doc.errors[0].message}`);
    const obj = doc.toJS();
    if (obj && obj.kind === 'CustomResourceDefinition') crds.push(obj);
  }
  return crds;
}

/**
 * Wraps a CRD version's openAPIV3Schema into a full manifest schema: `apiVersion` and
 * `kind` are pinned, `metadata` is checked, other top-level keys are rejected.
 */
function manifestSchema(group, version, kind, openApiSchema) {
  const root = strictSchema(openApiSchema);
  root.type = 'object';
  root.properties = {
    ...root.properties,
    apiVersion: { type: 'string', enum: [`${group}/${version}`] },
    kind: { type: 'string', enum: [kind] },
    metadata: objectMetaSchema(),
  };
  root.required = [...new Set(['apiVersion', 'kind', 'metadata', ...(root.required || [])])];
  root.additionalProperties = false;
  return root;
}

/** Builds the content of schemas/istio-<version>.json. */
function istioSchemaFile(crdFile, istioVersion) {
  const schemas = {};
  const versions = {};
  for (const crd of readCrds(crdFile)) {
    const { group, names } = crd.spec;
    const served = crd.spec.versions.filter((v) => v.served);
    const storage = crd.spec.versions.find((v) => v.storage);
    versions[`${group}/${names.kind}`] = {
      served: served.map((v) => v.name),
      storage: storage ? storage.name : null,
    };
    for (const v of served) {
      schemas[`${group}/${v.name}/${names.kind}`] = manifestSchema(group, v.name, names.kind, v.schema.openAPIV3Schema);
    }
  }
  return {
    $comment: `Generated by scripts/gen-schemas.js from crds/istio-${istioVersion}/${path.basename(crdFile)}. Do not edit.`,
    istioVersion,
    objectMeta: objectMetaSchema(),
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

/** Finds the single sub-directory of `crdsDir` named `<prefix><version>`. */
function findVersionedDir(crdsDir, prefix) {
  const dirs = fs
    .readdirSync(crdsDir)
    .filter((d) => d.startsWith(prefix) && /^\d+\.\d+\.\d+/.test(d.slice(prefix.length)))
    .sort();
  if (dirs.length !== 1) {
    throw new Error(`expected exactly one ${prefix}<version> directory in ${crdsDir}, found: ${dirs.join(', ') || 'none'}`);
  }
  return { dir: path.join(crdsDir, dirs[0]), version: dirs[0].slice(prefix.length) };
}

/** Computes every output file: a map of file name -> exact file content. */
function generate(crdsDir) {
  const istio = findVersionedDir(crdsDir, 'istio-');
  const sail = findVersionedDir(crdsDir, 'sail-operator-');
  return {
    [`istio-${istio.version}.json`]: stableJson(istioSchemaFile(path.join(istio.dir, 'crd-all.gen.yaml'), istio.version)),
    'sail-istio-values.json': stableJson(sailValuesFile(path.join(sail.dir, 'sailoperator.io_istios.yaml'), sail.version)),
  };
}

function parseArgs(argv) {
  const opts = { check: false, out: path.join(REPO_ROOT, 'schemas'), crds: path.join(REPO_ROOT, 'crds') };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') opts.check = true;
    else if (arg === '--out') opts.out = path.resolve(argv[++i]);
    else if (arg === '--crds') opts.crds = path.resolve(argv[++i]);
    else throw new Error(`unknown argument: ${arg} (usage: gen-schemas.js [--check] [--out DIR] [--crds DIR])`);
  }
  return opts;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const files = generate(opts.crds);
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

module.exports = { generate, strictSchema, stableJson };
