import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import * as istio from '../lib';

/** The storefront: a second application, exposed through Gateway API and rolled out by Flagger. */
const SHOP_NAMESPACE = 'shop';
const SHOP_INGRESS_NAMESPACE = 'shop-ingress';
const SHOP_HOST = 'shop.example.com';
const STOREFRONT_PORT = 8080;

/**
 * The storefront in STAGING: a Gateway API ingress (a `Gateway` of class `istio`, sized from the
 * environment through its parametersRef ConfigMap) and a Flagger Canary that rolls the storefront out
 * behind it with the Gateway API provider. Flagger creates the `storefront`, `storefront-primary` and
 * `storefront-canary` Services and the HTTPRoute for `shop.example.com` at run time, so the output
 * writes none of them; the gateway admits routes from the `shop` namespace for that HTTPRoute, which
 * binds to the HTTPS listener (the HTTP one redirects).
 *
 * The Gateway API CRDs (`istio.GatewayApiCrds.BUNDLE_VERSION`) and Flagger with its load tester are
 * installed in the cluster before this output is applied.
 */
export function addStorefront(chart: istio.MeshChart, controlPlane: istio.MeshControlPlane): void {
  new istio.MeshNamespace(chart, SHOP_NAMESPACE, { controlPlane });
  new istio.ExternalResources(chart, 'storefront-platform', {
    // The certificate is issued into the gateway namespace by the cluster's certificate tooling; the
    // load tester runs in `test`, where Flagger's chart installs it.
    namespaces: ['test'],
    secrets: [{ namespace: SHOP_INGRESS_NAMESPACE, name: 'shop-tls' }],
  });

  const gateway = new istio.GatewayApiIngress(chart, 'shop-gateway', {
    namespace: SHOP_INGRESS_NAMESPACE,
    controlPlane,
    servers: [istio.GatewayServer.https({ hosts: [SHOP_HOST], credentialName: 'shop-tls', redirectHttp: true })],
  });

  // Pods carry app: storefront (Flagger's selector label, which it renames to storefront-primary on the
  // primary) and a label both keep, which policies select on.
  const labels = { 'app': 'storefront', 'app.kubernetes.io/part-of': 'storefront' };
  const serviceAccount = new kplus.ServiceAccount(chart, 'storefront-sa', { metadata: { name: 'storefront', namespace: SHOP_NAMESPACE } });
  const storefront = new kplus.Deployment(chart, 'storefront', {
    metadata: { name: 'storefront', namespace: SHOP_NAMESPACE, labels },
    podMetadata: { labels },
    select: false,
    serviceAccount,
    replicas: 2,
    containers: [{
      name: 'storefront',
      image: 'registry.example.com/storefront:1.4.0',
      portNumber: STOREFRONT_PORT,
      readiness: kplus.Probe.fromHttpGet('/healthz', { port: STOREFRONT_PORT }),
      resources: { cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(500) }, memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) } },
    }],
  });
  storefront.select(kplus.LabelSelector.of({ labels: { app: 'storefront' } }));

  istio.CanaryRelease.progressive(chart, 'storefront-rollout', {
    target: storefront,
    port: STOREFRONT_PORT,
    ingress: gateway,   // Flagger's HTTPRoute for the host binds to the HTTPS listener; the gateway admits the shop namespace
    hosts: [SHOP_HOST],
    analysis: {
      interval: Duration.minutes(1),
      threshold: 5,
      // stepWeights: the environment's canary stages below 100 (10, 25, 50, 75)
      minSuccessRatePercent: 99,
      maxRequestDuration: Duration.millis(500),
      webhooks: [
        istio.FlaggerWebhook.loadTest({ command: `hey -z 1m -q 10 -c 2 http://storefront-canary.${SHOP_NAMESPACE}:${STOREFRONT_PORT}/` }),
        istio.FlaggerWebhook.gate({ name: 'approve-promotion', url: 'http://flagger-loadtester.test/gate/check' }),
      ],
    },
  });

  // Least privilege: the gateway pods (istiod names their service account <gateway>-istio) and the load
  // tester may call the storefront, primary and canary alike.
  istio.AuthorizationPolicy.denyAll(chart, 'shop-deny-all', { namespace: SHOP_NAMESPACE });
  istio.AuthorizationPolicy.allowFrom(chart, 'storefront-from-gateway', {
    namespace: SHOP_NAMESPACE,
    principals: [istio.Principal.of(SHOP_INGRESS_NAMESPACE, gateway.serviceName), istio.Principal.of('test', 'flagger-loadtester')],
    to: istio.WorkloadSelector.labels({ 'app.kubernetes.io/part-of': 'storefront' }),
    methods: [istio.HttpMethod.GET, istio.HttpMethod.POST],
  });
}
