import { ApiObject } from 'cdk8s';

/**
 * The objects that install the control plane for GitOps (Helm releases, Argo CD Applications, Sail
 * resources, the control plane namespace, revision-tag webhooks): `MeshApp` writes them to
 * `<chart>/control-plane/`, applied before `<chart>/gitops/`, whose Istio resources need the CRDs and
 * webhooks they install.
 */
const INSTALL_OBJECTS = new WeakSet<ApiObject>();

/** Marks `obj` as a control plane installation object. */
export function markInstallObject<T extends ApiObject>(obj: T): T {
  INSTALL_OBJECTS.add(obj);
  return obj;
}

/** Whether `obj` was marked by {@link markInstallObject}. */
export function isInstallObject(obj: ApiObject): boolean {
  return INSTALL_OBJECTS.has(obj);
}
