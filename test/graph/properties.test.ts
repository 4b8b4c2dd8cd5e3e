import * as fc from 'fast-check';
import * as kplus from 'cdk8s-plus-27';
import * as istio from '../../lib';
import { graphReport, toDot, toMermaid } from '../../lib/graph/report';
import { analyzed, meshApp, synthValid } from '../support/charts';

/**
 * Property: for any declared graph (services over a few namespaces, any calls, cycles and self-calls
 * included), every derived object passes the schemas and the analyzer, each proxy is sent exactly the
 * services it calls, the graph read back has exactly the declared calls, and synthesis is deterministic.
 */
const NAMESPACES = ['shop', 'billing', 'ops'];

const graphs = fc.record({
  services: fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(
    fc.array(fc.constantFrom(...NAMESPACES), { minLength: n, maxLength: n }),
    fc.uniqueArray(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: 12, selector: ([a, b]) => `${a}>${b}` }),
  )),
  ambient: fc.subarray(NAMESPACES),
  networkPolicies: fc.boolean(),
});

test('the derived configuration is exactly the declared graph', () => {
  fc.assert(fc.property(graphs, ({ services: [namespaces, calls], ambient, networkPolicies }) => {
    // GIVEN a chart with the namespaces, a Deployment, ServiceAccount and Service per service
    const chart = new istio.MeshChart(meshApp(), 'prod', { environment: istio.Environment.PROD });
    for (const ns of NAMESPACES) {
      new istio.MeshNamespace(chart, ns, { mode: ambient.includes(ns) ? istio.DataPlaneMode.AMBIENT : istio.DataPlaneMode.SIDECAR });
    }
    const graph = new istio.ServiceGraph(chart, 'graph', {
      networkPolicies,
      namespaces: ambient.map((name) => ({ name, mode: istio.DataPlaneMode.AMBIENT })),
    });
    const declared = namespaces.map((namespace, i) => {
      const name = `s${i}`;
      const sa = new kplus.ServiceAccount(chart, `${name}-sa`, { metadata: { name, namespace } });
      const deployment = new kplus.Deployment(chart, name, {
        metadata: { name, namespace },
        podMetadata: { labels: { app: name } },
        serviceAccount: sa,
        containers: [{ image: 'registry.example.com/app:1', portNumber: 8080, securityContext: { user: 1000 } }],
      });
      new kplus.Service(chart, `${name}-svc`, { metadata: { name, namespace }, ports: [{ name: 'http', port: 8080 }] }).selectLabel('app', name);
      return graph.addService(name, { namespace, ports: [{ number: 8080, protocol: istio.ServiceProtocol.HTTP }], workload: deployment });
    });
    // WHEN the calls are declared
    for (const [from, to] of calls) declared[from].calls(declared[to], { port: 8080 });

    // THEN the objects pass the schemas and the analyzer
    const objs = synthValid(chart);
    expect(analyzed(chart).filter((f) => f.startsWith('Error'))).toStrictEqual([]);
    // each sidecar proxy is sent exactly the services it calls; ambient ones have no Sidecar
    const report = graphReport(objs);
    for (const [i, service] of declared.entries()) {
      const proxy = report.proxies.find((p) => p.workload === `Deployment ${service.namespace}/${service.name}`)!;
      const callees = [...new Set(calls.filter(([from]) => from === i).map(([, to]) => declared[to].host))].sort();
      if (ambient.includes(service.namespace)) {
        expect([service.name, proxy.kind, proxy.sidecar]).toStrictEqual([service.name, 'ambient', undefined]);
      } else {
        expect([service.name, proxy.visible]).toStrictEqual([service.name, callees]);
      }
    }
    // the graph read back has exactly the declared calls
    const id = (i: number) => `${declared[i].namespace}/${declared[i].name}`;
    expect(report.edges.map((e) => `${e.from}>${e.to}`).sort()).toStrictEqual(calls.map(([a, b]) => `${id(a)}>${id(b)}`).sort());
    // and the same objects give the same text
    expect([toMermaid(graphReport(objs)), toDot(graphReport(objs))]).toStrictEqual([toMermaid(report), toDot(report)]);
  }), { numRuns: 30 });
});
