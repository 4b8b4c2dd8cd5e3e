/**
 * Validation of `install.istio.io/v1alpha1` `IstioOperator`, the istioctl install API.
 *
 * IstioOperator has had no CRD since Istio 1.24, so its schema is assembled here:
 * - the top level and `spec` follow istioctl's Go types (operator/pkg/apis/types.go);
 * - `spec.meshConfig` is checked against the Sail Operator's schema of `values.meshConfig`;
 * - `spec.values` is checked against the Sail Operator's schema of Istio's Helm values,
 *   plus the value sections istioctl carries but the Sail `Istio` resource does not
 *   (Sail manages CNI, ztunnel and gateways through other resources). Those extra sections
 *   are accepted with only their top level typed. Every section of the Sail schema exists in
 *   istioctl's `Values` message, so nothing is removed from it.
 *
 * Unknown fields are errors everywhere except in the free-form places istioctl itself leaves
 * untyped (`unvalidatedValues`, Kubernetes resource settings under `components.*.k8s`).
 */
import { compiledValidator, schemaProblems } from './json-schema';
import { ruleProblems } from './rules';
import { isRecord } from './path';
import { istioSchemas, sailValues } from './schema-files';
import type { JsonSchema, Problem } from './types';

export const ISTIO_OPERATOR_API_VERSION = 'install.istio.io/v1alpha1';
export const ISTIO_OPERATOR_KIND = 'IstioOperator';

const ANY: JsonSchema = { 'x-kubernetes-preserve-unknown-fields': true };
const OPEN_OBJECT: JsonSchema = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
const STRING: JsonSchema = { type: 'string' };
const BOOLEAN: JsonSchema = { type: 'boolean' };
const STRING_MAP: JsonSchema = { type: 'object', additionalProperties: STRING };
/** Image tags may be written as numbers (`tag: 1.30`); istioctl accepts both. */
const TAG: JsonSchema = { type: ['string', 'number'] };

/** A closed object schema. */
function object(properties: Record<string, JsonSchema>): JsonSchema {
  return { type: 'object', properties, additionalProperties: false };
}

/** `components.*.k8s`: the Kubernetes settings istioctl applies to a component's resources. */
const KUBERNETES_RESOURCES = object({
  affinity: OPEN_OBJECT,
  env: { type: 'array', items: OPEN_OBJECT },
  hpaSpec: OPEN_OBJECT,
  imagePullPolicy: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
  nodeSelector: STRING_MAP,
  podDisruptionBudget: OPEN_OBJECT,
  podAnnotations: STRING_MAP,
  priorityClassName: STRING,
  readinessProbe: OPEN_OBJECT,
  replicaCount: { type: 'integer', minimum: 0 },
  resources: OPEN_OBJECT,
  service: OPEN_OBJECT,
  strategy: OPEN_OBJECT,
  tolerations: { type: 'array', items: OPEN_OBJECT },
  serviceAnnotations: STRING_MAP,
  securityContext: OPEN_OBJECT,
  volumes: { type: 'array', items: OPEN_OBJECT },
  volumeMounts: { type: 'array', items: OPEN_OBJECT },
  overlays: {
    type: 'array',
    items: object({
      apiVersion: STRING,
      kind: STRING,
      name: STRING,
      patches: { type: 'array', items: object({ path: STRING, value: ANY }) },
    }),
  },
});

const COMPONENT_FIELDS: Record<string, JsonSchema> = { enabled: BOOLEAN, namespace: STRING, hub: STRING, tag: TAG, k8s: KUBERNETES_RESOURCES };
const COMPONENT = object(COMPONENT_FIELDS);
const GATEWAY_COMPONENT = object({ ...COMPONENT_FIELDS, name: STRING, label: STRING_MAP });

const COMPONENTS = object({
  base: object({ enabled: BOOLEAN, k8s: KUBERNETES_RESOURCES }),
  pilot: COMPONENT,
  cni: COMPONENT,
  ztunnel: COMPONENT,
  istiodRemote: COMPONENT,
  ingressGateways: { type: 'array', items: GATEWAY_COMPONENT },
  egressGateways: { type: 'array', items: GATEWAY_COMPONENT },
  gateway: COMPONENT,
});

/** Helm value sections istioctl's `Values` message has and Sail's `Istio.spec.values` lacks. */
const ISTIOCTL_ONLY_VALUES: Record<string, JsonSchema> = {
  cni: OPEN_OBJECT,
  ztunnel: OPEN_OBJECT,
  gateways: object({
    enabled: BOOLEAN,
    'istio-ingressgateway': OPEN_OBJECT,
    'istio-egressgateway': OPEN_OBJECT,
    securityContext: OPEN_OBJECT,
    seccompProfile: OPEN_OBJECT,
  }),
  istio_cni: object({ enabled: BOOLEAN, chained: BOOLEAN, provider: STRING }),
  ownerName: STRING,
  revisionTags: { type: 'array', items: STRING },
};

const schemas = new Map<string, JsonSchema>();

/**
 * The IstioOperator manifest schema, built from the generated Sail values schema.
 *
 * @param valueSections the `spec.values` sections to include (default: all). Compiling all of Istio's
 * Helm values costs most of a second, so callers pass the sections an object actually has; a section
 * left out still fails as an unknown field, since `values` stays a closed object.
 */
function istioOperatorSchema(valueSections?: readonly string[]): JsonSchema {
  const cacheKey = valueSections ? valueSections.join(',') : '*';
  const cached = schemas.get(cacheKey);
  if (cached) return cached;
  const values = sailValues().values;
  const meshConfig = values.properties?.meshConfig;
  if (!meshConfig) throw new Error('cdk8s-istio: sail-istio-values.json has no meshConfig schema');
  const spec = object({
    profile: STRING,
    installPackagePath: STRING,
    hub: STRING,
    tag: TAG,
    namespace: STRING,
    revision: STRING,
    compatibilityVersion: STRING,
    meshConfig,
    values: { ...values, properties: pick({ ...values.properties, ...ISTIOCTL_ONLY_VALUES }, valueSections) },
    components: COMPONENTS,
    unvalidatedValues: OPEN_OBJECT,
  });
  const schema: JsonSchema = {
    ...object({
      apiVersion: { type: 'string', enum: [ISTIO_OPERATOR_API_VERSION] },
      kind: { type: 'string', enum: [ISTIO_OPERATOR_KIND] },
      metadata: istioSchemas().objectMeta,
      spec,
    }),
    required: ['apiVersion', 'kind', 'metadata'],
  };
  schemas.set(cacheKey, schema);
  return schema;
}

function pick(properties: Record<string, JsonSchema>, keys: readonly string[] | undefined): Record<string, JsonSchema> {
  return keys ? Object.fromEntries(keys.filter((k) => k in properties).map((k) => [k, properties[k]])) : properties;
}

/** The sorted `spec.values` keys of an object, when it has any. */
function valueSectionsOf(obj: unknown): string[] {
  const spec = isRecord(obj) ? obj.spec : undefined;
  const values = isRecord(spec) ? spec.values : undefined;
  return isRecord(values) ? Object.keys(values).sort() : [];
}

/** Structural and CEL problems of an IstioOperator object (identity not attached). */
export function istioOperatorProblems(obj: unknown): Problem[] {
  const sections = valueSectionsOf(obj);
  const operatorSchema = istioOperatorSchema(sections);
  const validate = compiledValidator(`${ISTIO_OPERATOR_API_VERSION}/${ISTIO_OPERATOR_KIND}[${sections.join(',')}]`, operatorSchema);
  return [...schemaProblems(validate, obj), ...ruleProblems(operatorSchema, obj)];
}
