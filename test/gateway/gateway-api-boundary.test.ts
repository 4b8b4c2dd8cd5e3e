import * as kplus from 'cdk8s-plus-27';
import { FlaggerCanary, FlaggerWebhook, GatewayApiIngress, GatewayServer, MeshNamespace } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

const SERVERS = [GatewayServer.https({ hosts: ['shop.example.com'], credentialName: 'shop-tls' })];

describe('GatewayApiIngress and FlaggerCanary at the API boundary', () => {
  test.each([
    [{ servers: SERVERS, replicas: 3 }, '[prod/gw] props: "replicas" is not a field of GatewayApiIngressProps. Fix: drop it; GatewayApiIngressProps has name, namespace'],
    [{ servers: [] }, '[prod/gw] servers: [] is empty: a Gateway needs at least one listener. Fix: pass servers: [GatewayServer.https({...})]'],
    [{ servers: [{ hosts: ['a.example.com'] }] }, '[prod/gw] servers[0]: {"hosts":["a.example.com"]} is an object, not a GatewayServer'],
    [{ servers: SERVERS, name: 'x'.repeat(58) }, `[prod/gw] name: "${'x'.repeat(58)}" does not start with a letter or is longer than 57 characters`],
  ])('GatewayApiIngress %j', (props, message) => {
    expect(errorOf(() => new GatewayApiIngress(meshChart(), 'gw', props as any))).toContain(message);
  });

  test('a route rule with a weight out of range, two rules of one name', () => {
    const gw = new GatewayApiIngress(meshChart(), 'gw', { servers: SERVERS });
    const backend = { host: 'cart.shop.svc.cluster.local', port: 8080 };
    expect(errorOf(() => gw.addRoute('r', { hosts: ['shop.example.com'], rules: [{ backends: [{ ...backend, weight: -1 }] }] })))
      .toBe('[prod/gw/r] rules[0].backends[0].weight: -1 is not a whole number from 0 to 1000000. Fix: give a relative weight from 0 to 1000000');
    expect(errorOf(() => gw.addRoute('r2', { hosts: ['shop.example.com'], rules: [{ name: 'a', backends: [backend] }, { name: 'a', backends: [backend] }] })))
      .toBe('[prod/gw/r2] rules: "a" names two rules (rule names are unique within a route). Fix: give each rule its own name');
  });

  test('FlaggerCanary: not a Deployment, a pod without app, a webhook URL', () => {
    const chart = meshChart();
    new MeshNamespace(chart, 'shop');
    const sa = new kplus.ServiceAccount(chart, 'sa', { metadata: { namespace: 'shop' } });
    expect(errorOf(() => new FlaggerCanary(chart, 'c1', { target: sa, port: 8080 })))
      .toBe('[prod/c1] target: "prod/sa" is a cdk8s-plus-27 ServiceAccount, not a cdk8s-plus Deployment. Fix: pass the cdk8s-plus Deployment to roll out');
    const deployment = new kplus.Deployment(chart, 'cart', {
      metadata: { name: 'cart', namespace: 'shop' }, podMetadata: { labels: { name: 'cart' } }, containers: [{ image: 'cart:1', portNumber: 8080 }],
    });
    expect(errorOf(() => new FlaggerCanary(chart, 'c2', { target: deployment, port: 8080 })))
      .toBe('[prod/c2] target: {"name":"cart"} do not carry app: cart, the label Flagger selects the Deployment\'s pods by (and renames to app: cart-primary on the primary). Fix: label the pods app: "cart" or name the Canary after their app label');
    const app = new kplus.Deployment(chart, 'cart2', {
      metadata: { name: 'cart2', namespace: 'shop' }, podMetadata: { labels: { app: 'cart2' } }, containers: [{ image: 'cart:1', portNumber: 8080 }],
    });
    expect(errorOf(() => new FlaggerCanary(chart, 'c3', { target: app, port: 8080, analysis: { webhooks: [FlaggerWebhook.gate({ name: 'gate', url: 'ftp://x' })] } })))
      .toBe('[prod/c3] analysis.webhooks[0].url: "ftp://x" is not an http or https URL. Fix: give an http(s) URL, e.g. "http://flagger-loadtester.test/"');
  });
});
