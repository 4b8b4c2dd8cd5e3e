/**
 * Strict checks of core Kubernetes kinds against the Kubernetes 1.32 definitions (schemas/kubernetes-1.32.json),
 * and the report of kinds that had no schema.
 */
import { type ManifestIssue } from '../../lib/validation';
import { validateManifest, validateManifests, validateManifestsDetailed } from '../../lib/validation/manifest';

/** Summarises issues as `path: message` for compact assertions. */
const where = (issues: ManifestIssue[]) => issues.map((i) => `${i.path}: ${i.message}`);

const labels = { app: 'web' };

const deployment = () => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'shop', labels },
  spec: {
    replicas: 2,
    selector: { matchLabels: labels },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
    template: {
      metadata: { labels, annotations: { 'sidecar.istio.io/inject': 'true' } },
      spec: {
        serviceAccountName: 'web',
        containers: [{
          name: 'web',
          image: 'example.com/web:1.0',
          ports: [{ name: 'http', containerPort: 8080 }],
          resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: 1, memory: '1Gi' } },
          readinessProbe: { httpGet: { path: '/ready', port: 'http' } },
        }],
      },
    },
  },
});

const service = (port: unknown, targetPort: unknown) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: labels, ports: [{ name: 'http', port, targetPort }] },
});

const pdb = (spec: Record<string, unknown>) => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name: 'web', namespace: 'shop' },
  spec: { selector: { matchLabels: labels }, ...spec },
});

const hpa = (spec: Record<string, unknown> = {}) => ({
  apiVersion: 'autoscaling/v2',
  kind: 'HorizontalPodAutoscaler',
  metadata: { name: 'web', namespace: 'shop' },
  spec: {
    scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' },
    minReplicas: 2,
    maxReplicas: 5,
    metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    ...spec,
  },
});

describe('core Kubernetes kinds are checked strictly', () => {
  it('a misspelt PodDisruptionBudget field is an unknown field, with the field it probably meant', () => {
    // GIVEN a PDB with `minAvailabel`
    const obj = pdb({ minAvailabel: 1 });
    // WHEN
    const issues = validateManifest(obj);
    // THEN
    expect(issues).toStrictEqual([
      { kind: 'PodDisruptionBudget', name: 'web', namespace: 'shop', path: 'spec.minAvailabel', message: 'unknown field (did you mean "minAvailable"?)' },
    ]);
    expect(validateManifest(pdb({ minAvailable: '50%' }))).toStrictEqual([]);
  });

  it('a valid Deployment passes; an unknown container field fails', () => {
    // GIVEN
    const valid = deployment();
    const invalid = deployment();
    Object.assign(invalid.spec.template.spec.containers[0], { imagePullPolicey: 'Always', livenessProbe: { tcpSocket: { port: 8080 }, periodSecond: 5 } });
    // WHEN / THEN
    expect(validateManifest(valid)).toStrictEqual([]);
    expect(where(validateManifest(invalid))).toStrictEqual([
      'spec.template.spec.containers[0].imagePullPolicey: unknown field (did you mean "imagePullPolicy"?)',
      'spec.template.spec.containers[0].livenessProbe.periodSecond: unknown field (did you mean "periodSeconds"?)',
    ]);
  });

  it('pod template metadata is checked like object metadata, without a required name', () => {
    // GIVEN
    const obj = deployment();
    delete (obj.spec.template.metadata as { labels?: unknown }).labels;
    Object.assign(obj.spec.template.metadata, { lables: labels });
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual(['spec.template.metadata.lables: unknown field (did you mean "labels"?)']);
  });

  it('resource quantities must be numbers or quantity strings', () => {
    // GIVEN
    const obj = deployment();
    obj.spec.template.spec.containers[0].resources = { requests: { cpu: '0.5', memory: '500Mb' }, limits: { cpu: true, memory: '1e3' } } as never;
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual([
      'spec.template.spec.containers[0].resources.limits.cpu: must be string or number, got true',
      'spec.template.spec.containers[0].resources.requests.memory: "500Mb" is not a valid quantity',
    ]);
  });

  it('a field Kubernetes added after 1.32 is unknown', () => {
    // GIVEN a container lifecycle `stopSignal` (Kubernetes 1.33)
    const obj = deployment();
    Object.assign(obj.spec.template.spec.containers[0], { lifecycle: { stopSignal: 'SIGTERM' } });
    // WHEN / THEN
    expect(where(validateManifest(obj))).toStrictEqual(['spec.template.spec.containers[0].lifecycle.stopSignal: unknown field']);
  });

  it('a Service port must be an integer; targetPort is an int or a string', () => {
    // WHEN / THEN
    expect(where(validateManifest(service('http', 8080)))).toStrictEqual(['spec.ports[0].port: must be integer, got "http"']);
    expect(validateManifest(service(80, 8080))).toStrictEqual([]);
    expect(validateManifest(service(80, 'http'))).toStrictEqual([]);
    expect(where(validateManifest(service(80, true)))).toStrictEqual(['spec.ports[0].targetPort: must be integer or string, got true']);
  });

  it('HorizontalPodAutoscaler v2: valid, and the v1-only field is unknown', () => {
    // GIVEN
    const invalid = hpa({ targetCPUUtilizationPercentage: 80 });
    // WHEN / THEN
    expect(validateManifest(hpa())).toStrictEqual([]);
    expect(where(validateManifest(invalid))).toStrictEqual(['spec.targetCPUUtilizationPercentage: unknown field']);
  });

  it('RBAC, NetworkPolicy, Namespace, ConfigMap, ServiceAccount and Secret objects pass', () => {
    // GIVEN
    const ns = { name: 'web', namespace: 'shop' };
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'istio.io/rev': '1-30-3' } } },
      { apiVersion: 'v1', kind: 'ServiceAccount', metadata: ns, automountServiceAccountToken: false },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: ns, data: { 'app.properties': 'a=b' }, binaryData: { blob: 'AAEC' } },
      { apiVersion: 'v1', kind: 'Secret', metadata: ns, type: 'Opaque', data: { password: 'czNjcjN0' }, stringData: { user: 'admin' } },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'Role', metadata: ns,
        rules: [{ apiGroups: [''], resources: ['configmaps'], verbs: ['get', 'list', 'watch'] }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'RoleBinding', metadata: ns,
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'web' },
        subjects: [{ kind: 'ServiceAccount', name: 'web', namespace: 'shop' }],
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'reader' },
        aggregationRule: { clusterRoleSelectors: [{ matchLabels: { aggregate: 'true' } }] },
      },
      {
        apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRoleBinding', metadata: { name: 'reader' },
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'reader' },
        subjects: [{ kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: 'devs' }],
      },
      {
        apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: ns,
        spec: {
          podSelector: { matchLabels: labels },
          policyTypes: ['Ingress'],
          ingress: [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'istio-system' } } }], ports: [{ port: 'http', protocol: 'TCP' }, { port: 15000, endPort: 15010 }] }],
        },
      },
    ];
    // WHEN
    const report = validateManifestsDetailed(objects);
    // THEN
    expect(report).toStrictEqual({ issues: [], checked: objects.length, unchecked: 0, uncheckedKinds: [] });
  });

  it('Secret data must be base64', () => {
    // GIVEN
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's' }, data: { password: 's3cr3t!' } };
    // WHEN / THEN
    expect(where(validateManifest(secret))).toStrictEqual(['data.password: "s3cr3t!" is not a valid byte']);
  });

  describe('CustomResourceDefinition (a recursive schema)', () => {
    const crd = (openAPIV3Schema: Record<string, unknown>) => ({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        names: { kind: 'Widget', plural: 'widgets', singular: 'widget', listKind: 'WidgetList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema } }],
      },
    });
    const schema = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          required: ['size'],
          properties: {
            size: { type: 'integer', minimum: 1, default: 1 },
            tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
            labels: { type: 'object', additionalProperties: { type: 'string' } },
            config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
            port: { 'x-kubernetes-int-or-string': true, anyOf: [{ type: 'integer' }, { type: 'string' }] },
          },
          'x-kubernetes-validations': [{ rule: 'self.size <= 10', message: 'size must be at most 10' }],
        },
        status: { type: 'object', additionalProperties: true },
      },
    };

    it('a valid CRD passes', () => {
      expect(validateManifest(crd(schema))).toStrictEqual([]);
    });

    it('unknown fields are found at any depth of the nested schemas', () => {
      // GIVEN a typo three schema levels down, in an `additionalProperties` schema and in an `items` schema
      const bad = JSON.parse(JSON.stringify(schema)) as typeof schema;
      Object.assign(bad.properties.spec.properties.labels.additionalProperties, { maxLenght: 63 });
      Object.assign(bad.properties.spec.properties.tags, { items: { type: 'string', patern: '^[a-z]+$' } });
      // WHEN / THEN
      expect(where(validateManifest(crd(bad)))).toStrictEqual([
        'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.labels.additionalProperties.maxLenght: unknown field (did you mean "maxLength"?)',
        'spec.versions[0].schema.openAPIV3Schema.properties.spec.properties.tags.items.patern: unknown field (did you mean "pattern"?)',
      ]);
    });
  });
});

describe('kinds without a schema', () => {
  it('a misspelt kind or an unserved version of a group with schemas is an issue naming the valid ones', () => {
    // GIVEN
    const objects = [
      { apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'a' } },
      { apiVersion: 'policy/v1beta1', kind: 'PodDisruptionBudget', metadata: { name: 'b' } },
      { apiVersion: 'gateway.networking.k8s.io/v1', kind: 'HTTPRoutes', metadata: { name: 'c' } },
    ];
    // WHEN
    const issues = validateManifests(objects);
    // THEN
    expect(issues.map((i) => `${i.kind} ${i.name}: ${i.path}: ${i.message}`)).toStrictEqual([
      'Deploymnet a: apiVersion: unknown Kubernetes kind apps/v1 Deploymnet (known kinds in apps: ControllerRevision, DaemonSet, Deployment, ReplicaSet, StatefulSet)',
      'PodDisruptionBudget b: apiVersion: PodDisruptionBudget is not served as policy/v1beta1 in Kubernetes 1.32; served versions: v1',
      'HTTPRoutes c: apiVersion: unknown Gateway API kind gateway.networking.k8s.io/v1 HTTPRoutes (known kinds in gateway.networking.k8s.io: GRPCRoute, Gateway, GatewayClass, HTTPRoute, ReferenceGrant)',
    ]);
  });

  it('other kinds are not checked, have no issue, and are listed once each, sorted', () => {
    // GIVEN a real core kind with no schema here, a kind of a group without schemas, a custom kind, and a checked ConfigMap
    const objects = [
      { apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' } },
      { apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'x' },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w1' }, spec: { anything: true } },
      { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w2' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } },
    ];
    // WHEN
    const report = validateManifestsDetailed(objects);
    // THEN
    expect(report).toStrictEqual({
      issues: [],
      checked: 1,
      unchecked: 4,
      uncheckedKinds: ['example.com/v1 Widget', 'storage.k8s.io/v1 StorageClass', 'v1 Node'],
    });
    expect(validateManifests(objects)).toStrictEqual([]);
  });

  it('misspelt kinds are listed as not checked too', () => {
    const report = validateManifestsDetailed([{ apiVersion: 'apps/v1', kind: 'Deploymnet', metadata: { name: 'a' } }]);
    expect(report.uncheckedKinds).toStrictEqual(['apps/v1 Deploymnet']);
    expect(report.issues).toHaveLength(1);
  });
});
