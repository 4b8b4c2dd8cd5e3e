import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import * as istio from '../lib';

/** The namespace Bookinfo runs in. */
export const BOOKINFO_NAMESPACE = 'bookinfo';

/** The port every Bookinfo service listens on, and the port of its Service. */
export const BOOKINFO_PORT = 9080;

/** The names of the four Bookinfo services: Service `<name>`, ServiceAccount `bookinfo-<name>`, Deployments `<name>-<version>`. */
export type BookinfoServiceName = 'productpage' | 'details' | 'ratings' | 'reviews';

/** Replicas of every Bookinfo Deployment, per environment. */
const REPLICAS: Record<string, number> = { dev: 1, staging: 2, prod: 3 };

/** The Bookinfo image tag of every service and version. */
const IMAGE_TAG = '1.20.2';

/** What one Bookinfo service needs to run under cdk8s-plus's defaults (read-only root filesystem, non-root). */
interface BookinfoServiceSpec {
  readonly versions: readonly string[];
  /** The numeric user the image declares (USER); the container runs as it. */
  readonly user: number;
  /** Directories the process writes to: each gets an emptyDir, the root filesystem being read-only. */
  readonly writablePaths: Readonly<Record<string, string>>;
  readonly env?: Readonly<Record<string, string>>;
  readonly podAnnotations?: Readonly<Record<string, string>>;
  readonly cpu: { readonly request: number; readonly limit: number };
  readonly memoryMiB: { readonly request: number; readonly limit: number };
  /** How many 5-second startup probes may fail before the kubelet restarts the container. */
  readonly startupFailures: number;
}

/**
 * The facts of Istio's Bookinfo sample (samples/bookinfo/platform/kube/bookinfo.yaml and the images'
 * Dockerfiles): every image runs as a numeric non-root user and serves `GET /health` on 9080.
 * reviews v2 and v3 call ratings (the images are built with ratings enabled); v1 does not.
 */
const SERVICES: Readonly<Record<BookinfoServiceName, BookinfoServiceSpec>> = {
  // Python (gunicorn with 8 gevent workers, each importing the application: memory limit for all of
  // them): gunicorn keeps its worker heartbeat files in /tmp.
  productpage: {
    versions: ['v1'],
    user: 1000,
    writablePaths: { tmp: '/tmp' },
    // Istio merges these into the sidecar's metrics endpoint, so Prometheus scrapes the app's
    // /metrics through the agent instead of calling port 9080 (which the authorization policies close).
    podAnnotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(BOOKINFO_PORT), 'prometheus.io/path': '/metrics' },
    cpu: { request: 100, limit: 500 },
    memoryMiB: { request: 256, limit: 1024 },
    startupFailures: 12,
  },
  // Ruby (WEBrick) and Node.js: they write nothing but, at most, temporary files.
  details: {
    versions: ['v1'],
    user: 1000,
    writablePaths: { tmp: '/tmp' },
    cpu: { request: 50, limit: 200 },
    memoryMiB: { request: 64, limit: 128 },
    startupFailures: 12,
  },
  ratings: {
    versions: ['v1'],
    user: 1000,
    writablePaths: { tmp: '/tmp' },
    cpu: { request: 50, limit: 200 },
    memoryMiB: { request: 64, limit: 128 },
    startupFailures: 12,
  },
  // Open Liberty: its work area goes to /opt/ol/wlp/output and its logs to LOG_DIR. (Istio's sample
  // mounts /opt/ibm/wlp/output, the path of the WebSphere Liberty images before 1.20.)
  reviews: {
    versions: ['v1', 'v2', 'v3'],
    user: 1001,
    writablePaths: { 'tmp': '/tmp', 'wlp-output': '/opt/ol/wlp/output' },
    env: { LOG_DIR: '/tmp/logs' },
    cpu: { request: 100, limit: 500 },
    memoryMiB: { request: 256, limit: 512 },
    // Liberty takes tens of seconds to start: allow up to 2 minutes before the kubelet restarts it.
    startupFailures: 24,
  },
};

/** The objects of one Bookinfo service. */
export interface BookinfoService {
  readonly serviceAccount: kplus.ServiceAccount;
  readonly service: kplus.Service;
  /** The Deployments by version. */
  readonly deployments: Readonly<Record<string, kplus.Deployment>>;
}

/**
 * One version of a Bookinfo service. The Deployment selects its pods by `app` and `version`, not by
 * cdk8s-plus's construct-path label, because a Deployment selector can never change after creation.
 * Readiness is the service's own `GET /health`, which answers once the application is up, not merely
 * once the port is open (Liberty opens it before the application is deployed).
 */
function bookinfoDeployment(scope: Construct, name: BookinfoServiceName, version: string, env: istio.EnvironmentProfile,
  serviceAccount: kplus.IServiceAccount): kplus.Deployment {
  const spec = SERVICES[name];
  const labels = { app: name, version };
  const deployment = new kplus.Deployment(scope, `${name}-${version}`, {
    metadata: { name: `${name}-${version}`, namespace: BOOKINFO_NAMESPACE, labels },
    podMetadata: { labels, annotations: spec.podAnnotations ? { ...spec.podAnnotations } : undefined },
    select: false,
    serviceAccount,
    replicas: REPLICAS[env.name] ?? 1,
    containers: [{
      name,
      image: `docker.io/istio/examples-bookinfo-${name}-${version}:${IMAGE_TAG}`,
      imagePullPolicy: kplus.ImagePullPolicy.IF_NOT_PRESENT,
      portNumber: BOOKINFO_PORT,
      startup: kplus.Probe.fromHttpGet('/health', { port: BOOKINFO_PORT, periodSeconds: Duration.seconds(5), failureThreshold: spec.startupFailures }),
      readiness: kplus.Probe.fromHttpGet('/health', { port: BOOKINFO_PORT, periodSeconds: Duration.seconds(10) }),
      envVariables: Object.fromEntries(Object.entries(spec.env ?? {}).map(([key, value]) => [key, kplus.EnvValue.fromValue(value)])),
      securityContext: { user: spec.user },
      resources: {
        cpu: { request: kplus.Cpu.millis(spec.cpu.request), limit: kplus.Cpu.millis(spec.cpu.limit) },
        memory: { request: Size.mebibytes(spec.memoryMiB.request), limit: Size.mebibytes(spec.memoryMiB.limit) },
      },
      volumeMounts: Object.entries(spec.writablePaths).map(([volume, path]) => ({
        path,
        volume: kplus.Volume.fromEmptyDir(scope, `${name}-${version}-${volume}`, volume),
      })),
    }],
  });
  deployment.select(kplus.LabelSelector.of({ labels }));
  return deployment;
}

/**
 * One Bookinfo service as Istio's sample deploys it: a ServiceAccount `bookinfo-<name>` (its SPIFFE
 * identity), a Deployment per version with pods labelled `app` and `version`, and a Service `<name>`
 * with the `http` port 9080 that selects every version by `app`.
 */
function bookinfoService(chart: istio.MeshChart, name: BookinfoServiceName): BookinfoService {
  const serviceAccount = new kplus.ServiceAccount(chart, `${name}-sa`, {
    metadata: { name: `bookinfo-${name}`, namespace: BOOKINFO_NAMESPACE, labels: { account: name } },
  });
  const deployments = Object.fromEntries(SERVICES[name].versions.map((version) =>
    [version, bookinfoDeployment(chart, name, version, chart.environment, serviceAccount)]));
  const service = new kplus.Service(chart, name, {
    metadata: { name, namespace: BOOKINFO_NAMESPACE, labels: { app: name, service: name } },
    ports: [{ name: 'http', port: BOOKINFO_PORT, targetPort: BOOKINFO_PORT }],
  });
  service.selectLabel('app', name);
  return { serviceAccount, service, deployments };
}

/** The four Bookinfo services, in the order of Istio's sample. */
export function bookinfoServices(chart: istio.MeshChart): Readonly<Record<BookinfoServiceName, BookinfoService>> {
  return {
    details: bookinfoService(chart, 'details'),
    ratings: bookinfoService(chart, 'ratings'),
    reviews: bookinfoService(chart, 'reviews'),
    productpage: bookinfoService(chart, 'productpage'),
  };
}
