#!/usr/bin/env node
/**
 * Analyzer benchmark: `MeshAnalyzer.analyze` over generated meshes of a realistic shape, each size in a
 * fresh Node process, median of several runs. Prints objects, milliseconds and the growth factor
 * against the previous size (linear growth is the size ratio; quadratic would be its square).
 *
 *   npm run build && node scripts/bench-analyzer.js            # 1,000 / 5,000 / 20,000 objects, 3 runs each
 *   BENCH_RUNS=5 node scripts/bench-analyzer.js 5000
 *
 * Each service: a ServiceAccount, two Deployments (v1, v2), a Service, a DestinationRule with both
 * subsets, a VirtualService routing to them (every tenth through an ingress Gateway), an ALLOW
 * AuthorizationPolicy and a Sidecar; each of 50 namespaces: a Namespace and a namespace-wide
 * PeerAuthentication; plus the ingress gateway's Deployment, Service, Gateway and the cert-manager
 * Certificate of its TLS Secret. The mesh is clean: a finding in it is a false positive.
 */
'use strict';
const { spawnSync } = require('child_process');
const path = require('path');

const root = path.resolve(__dirname, '..');
const runs = Number(process.env.BENCH_RUNS ?? 3);
const sizes = process.argv.slice(2).map(Number).filter((n) => n > 0);

/** A mesh of about `target` objects. */
function mesh(target) {
  const objs = [];
  const namespaces = 50;
  const gw = 'istio-ingress';
  objs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: gw } });
  objs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'ingress', namespace: gw }, spec: { selector: { matchLabels: { istio: 'ingress' } }, template: { metadata: { labels: { istio: 'ingress' } }, spec: { containers: [{ name: 'istio-proxy', image: 'auto' }] } } } });
  objs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'ingress', namespace: gw }, spec: { selector: { istio: 'ingress' }, ports: [{ name: 'https', port: 443, targetPort: 8443 }] } });
  objs.push({ apiVersion: 'cert-manager.io/v1', kind: 'Certificate', metadata: { name: 'tls', namespace: gw }, spec: { secretName: 'tls', dnsNames: ['*.example.com'], issuerRef: { name: 'ca', kind: 'ClusterIssuer' } } });
  objs.push({ apiVersion: 'networking.istio.io/v1', kind: 'Gateway', metadata: { name: 'public', namespace: gw }, spec: { selector: { istio: 'ingress' }, servers: [{ port: { number: 8443, name: 'https', protocol: 'HTTPS' }, hosts: ['*.example.com'], tls: { mode: 'SIMPLE', credentialName: 'tls' } }] } });
  for (let n = 0; n < namespaces; n++) {
    objs.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns-${n}`, labels: { 'istio-injection': 'enabled' } } });
    objs.push({ apiVersion: 'security.istio.io/v1', kind: 'PeerAuthentication', metadata: { name: 'default', namespace: `ns-${n}` }, spec: { mtls: { mode: 'STRICT' } } });
  }
  for (let i = 0; objs.length < target; i++) {
    const ns = `ns-${i % namespaces}`;
    const name = `svc-${i}`;
    const labels = (v) => ({ app: name, version: v });
    objs.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns } });
    for (const v of ['v1', 'v2']) {
      objs.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: `${name}-${v}`, namespace: ns }, spec: { selector: { matchLabels: labels(v) }, template: { metadata: { labels: labels(v) }, spec: { serviceAccountName: name, containers: [{ name: 'app', image: 'x', ports: [{ containerPort: 8080 }] }] } } } });
    }
    objs.push({ apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector: { app: name }, ports: [{ name: 'http', port: 80, targetPort: 8080 }] } });
    objs.push({ apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name, namespace: ns }, spec: { host: name, subsets: [{ name: 'v1', labels: { version: 'v1' } }, { name: 'v2', labels: { version: 'v2' } }] } });
    const viaGateway = i % 10 === 0;
    objs.push({ apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name, namespace: ns }, spec: {
      hosts: viaGateway ? [`${name}.example.com`] : [name],
      ...(viaGateway ? { gateways: [`${gw}/public`] } : {}),
      http: [
        { match: [{ headers: { 'x-canary': { exact: 'true' } } }], route: [{ destination: { host: `${name}.${ns}.svc.cluster.local`, subset: 'v2' } }] },
        { route: [{ destination: { host: `${name}.${ns}.svc.cluster.local`, subset: 'v1' }, weight: 90 }, { destination: { host: `${name}.${ns}.svc.cluster.local`, subset: 'v2' }, weight: 10 }] },
      ] } });
    objs.push({ apiVersion: 'security.istio.io/v1', kind: 'AuthorizationPolicy', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { app: name } }, action: 'ALLOW', rules: [{ from: [{ source: { principals: [`cluster.local/ns/${ns}/sa/svc-${i + 1}`] } }], to: [{ operation: { ports: ['8080'], methods: ['GET'] } }] }] } });
    objs.push({ apiVersion: 'networking.istio.io/v1', kind: 'Sidecar', metadata: { name, namespace: ns }, spec: { workloadSelector: { labels: { app: name } }, egress: [{ hosts: ['./*', 'istio-system/*'] }] } });
  }
  return objs.slice(0, Math.max(target, objs.length));
}

function child(n) {
  return `
    const { MeshAnalyzer } = require(${JSON.stringify(path.join(root, 'build/lib'))});
    const objs = (${mesh.toString()})(${n});
    MeshAnalyzer.analyze(objs.slice(0, 200));   // warm the code paths
    const t0 = process.hrtime.bigint();
    const report = MeshAnalyzer.analyze(objs);
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    console.log(JSON.stringify({ objects: objs.length, ms, errors: report.errors, warnings: report.warnings, checks: report.checks.length, rssMb: process.resourceUsage().maxRSS / 1024 }));
  `;
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

let previous;
console.log('objects   analyze ms (median)   growth   checks   errors   warnings   peak RSS MB');
for (const n of sizes.length > 0 ? sizes : [1000, 5000, 20000]) {
  const samples = [];
  for (let r = 0; r < runs; r++) {
    const out = spawnSync(process.execPath, ['-e', child(n)], { cwd: root, encoding: 'utf8' });
    if (out.status !== 0) throw new Error(out.stderr);
    samples.push(JSON.parse(out.stdout.trim().split('\n').pop()));
  }
  const ms = median(samples.map((s) => s.ms));
  const s = samples[0];
  const growth = previous ? `${(ms / previous.ms).toFixed(1)}x for ${(s.objects / previous.objects).toFixed(1)}x objects` : '-';
  console.log(`${String(s.objects).padEnd(9)} ${ms.toFixed(0).padEnd(21)} ${growth.padEnd(8)} ${String(s.checks).padEnd(8)} ${String(s.errors).padEnd(8)} ${String(s.warnings).padEnd(10)} ${median(samples.map((x) => x.rssMb)).toFixed(0)}`);
  previous = { ms, objects: s.objects };
}
