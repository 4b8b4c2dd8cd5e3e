import * as kplus from 'cdk8s-plus-27';
import * as istio from '../lib';
import { BookinfoService, BookinfoServiceName } from './bookinfo';

/** The namespace that runs in ambient mode (STAGING): no sidecars, ztunnel for mTLS, a waypoint for L7. */
export const AMBIENT_NAMESPACE = 'bookinfo-ambient';
const PORT = 9080;

/** Whether `env` runs the ambient namespace: STAGING, where ambient mode is tried before PROD takes it. */
export function runsAmbient(env: istio.EnvironmentProfile): boolean {
  return env.name === istio.Environment.STAGING.name;
}

/**
 * Workloads in the mesh and ambient mode, per environment:
 *
 * - every environment: the sidecars of Bookinfo's productpage hold the application until the proxy is
 *   ready (productpage calls details and reviews as soon as it starts), and ratings, a small service,
 *   runs its sidecar with the environment's optimized preset;
 * - STAGING: a second namespace in ambient mode with two Bookinfo-like services (productpage calling
 *   reviews), a waypoint sized by the environment, and an L7 policy the waypoint enforces: only
 *   productpage may call reviews, with GET on /reviews/*.
 */
export function addAmbient(chart: istio.MeshChart, env: istio.EnvironmentProfile, controlPlane: istio.MeshControlPlane,
  bookinfo: Readonly<Record<BookinfoServiceName, BookinfoService>>): void {
  for (const [version, deployment] of Object.entries(bookinfo.productpage.deployments)) {
    new istio.SidecarInjection(chart, `productpage-${version}-sidecar`, {
      workload: deployment,
      controlPlane,
      proxyConfig: { holdApplicationUntilProxyStarts: true },
    });
  }
  for (const [version, deployment] of Object.entries(bookinfo.ratings.deployments)) {
    new istio.SidecarInjection(chart, `ratings-${version}-sidecar`, { workload: deployment, controlPlane, resources: istio.SidecarResources.OPTIMIZED });
  }
  if (!runsAmbient(env)) return;

  const waypoint = new istio.Waypoint(chart, 'ambient-waypoint', { name: 'waypoint', namespace: AMBIENT_NAMESPACE });
  new istio.MeshNamespace(chart, AMBIENT_NAMESPACE, { mode: istio.DataPlaneMode.AMBIENT, useWaypoint: waypoint });
  const productpage = ambientService(chart, 'productpage');
  ambientService(chart, 'reviews');
  new istio.AuthorizationPolicy(chart, 'ambient-reviews-from-productpage', {
    targetRefs: [istio.PolicyTargetRef.waypoint(waypoint)],
    rules: [{
      from: [{ principals: [istio.Principal.fromServiceAccount(productpage)] }],
      to: [{ methods: [istio.HttpMethod.GET], paths: ['/reviews/*'], ports: [PORT] }],
    }],
  });
}

/** One Bookinfo-like service in the ambient namespace: ServiceAccount, Deployment (no sidecar), Service. */
function ambientService(chart: istio.MeshChart, name: string): kplus.ServiceAccount {
  const serviceAccount = new kplus.ServiceAccount(chart, `ambient-${name}-sa`, {
    metadata: { name: `bookinfo-${name}`, namespace: AMBIENT_NAMESPACE },
    automountToken: false,
  });
  const labels = { app: name, version: 'v1' };
  const deployment = new kplus.Deployment(chart, `ambient-${name}`, {
    metadata: { name: `${name}-v1`, namespace: AMBIENT_NAMESPACE, labels },
    podMetadata: { labels },
    select: false,
    serviceAccount,
    replicas: 2,
    containers: [{
      name,
      image: `docker.io/istio/examples-bookinfo-${name}-v1:1.20.2`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      portNumber: PORT,
      securityContext: { user: 1000 },
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels }));
  const service = new kplus.Service(chart, `ambient-${name}-service`, {
    metadata: { name, namespace: AMBIENT_NAMESPACE, labels: { app: name } },
    ports: [{ name: 'http', port: PORT, targetPort: PORT }],
  });
  service.selectLabel('app', name);
  return serviceAccount;
}
