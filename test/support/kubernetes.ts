/**
 * Schema checks of the core Kubernetes objects cdk8s-plus and our constructs write (Deployments,
 * Services, HPAs, PDBs, RBAC, NetworkPolicies, Namespaces), with the generated models of the
 * `kubernetes-models` package: types, enums and required fields of the Kubernetes OpenAPI schema.
 * (That schema leaves objects open, so unlike the Istio harness it cannot flag unknown fields.)
 */

/** API groups whose objects must have a model: an object of these groups without one is an error. */
const CORE_GROUPS = new Set(['', 'apps', 'autoscaling', 'policy', 'rbac.authorization.k8s.io', 'networking.k8s.io', 'batch']);

interface Model { validate(): void }
type ModelClass = new (data: unknown) => Model;

const cache = new Map<string, ModelClass | undefined>();

function modelFor(apiVersion: string, kind: string): ModelClass | undefined {
  const key = `${apiVersion}/${kind}`;
  if (!cache.has(key)) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const mod = require(`kubernetes-models/${apiVersion}/${kind}`) as Record<string, ModelClass>;
      cache.set(key, mod[kind]);
    } catch {
      cache.set(key, undefined);
    }
  }
  return cache.get(key);
}

/** True when `apiVersion` belongs to a core Kubernetes API group. */
export function isCoreKubernetes(apiVersion: string): boolean {
  const slash = apiVersion.indexOf('/');
  return CORE_GROUPS.has(slash < 0 ? '' : apiVersion.slice(0, slash));
}

/** Problems of one core Kubernetes object, as `Kind name: path message` lines; empty when valid. */
export function kubernetesProblems(obj: { apiVersion: string; kind: string; metadata?: { name?: string } }): string[] {
  const where = `${obj.kind} ${obj.metadata?.name ?? '<no name>'}`;
  const Model = modelFor(obj.apiVersion, obj.kind);
  if (!Model) {
    return [`${where}: ${obj.apiVersion}/${obj.kind} is not a Kubernetes kind this schema set knows`];
  }
  try {
    new Model(obj).validate();
    return [];
  } catch (e) {
    const errors = (e as { errors?: Array<{ instancePath: string; message?: string }> }).errors;
    return errors?.length
      ? errors.map((err) => `${where}: ${err.instancePath || '/'} ${err.message ?? 'is invalid'}`)
      : [`${where}: ${(e as Error).message}`];
  }
}
