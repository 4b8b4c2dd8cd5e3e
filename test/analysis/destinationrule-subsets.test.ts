import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'other'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

function objectsOf(yaml: string): any[] {
  return parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
}

/** The IST0173 findings on `yaml`, as printed. */
function unselected(yaml: string, external: any[] = []): string[] {
  return MeshAnalyzer.analyze(objectsOf(yaml), { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0173').map((f) => MeshAnalyzer.format([f]));
}

const HTTPBIN_SERVICE = `
apiVersion: v1
kind: Service
metadata: { name: httpbin, namespace: default }
spec: { selector: { app: httpbin }, ports: [{ name: http, port: 8000 }] }
---`;

const deployment = (name: string, namespace: string, labels: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: { name: ${name}, namespace: ${namespace} }
spec:
  selector: { matchLabels: ${labels} }
  template:
    metadata: { labels: ${labels} }
    spec: { containers: [{ name: app, image: example/app:1 }] }
---`;

const rule = (subsets: string, host = 'httpbin.default.svc.cluster.local') => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: httpbin, namespace: default }
spec:
  host: ${host}
  subsets: ${subsets}
---`;

const line = (subset: string, index: number, labels: string, endpoints = 'the pods of Service default/httpbin (selector app=httpbin)') =>
  `Error [IST0173] (DestinationRule default/httpbin) The Subset ${subset} defined in the DestinationRule does not select any pods. Which may lead to 503 UH `
  + `(NoHealthyUpstream) (spec.subsets[${index}]). Fix: make the subset's labels (${labels}) those of ${endpoints}, e.g. the version label of its Deployment's pod `
  + 'template; or declare workloads running outside the output (ExternalResources workloads)';

describe('destinationrule.subsetselectpods (IST0173)', () => {
  test('a subset of a Service without pods: the finding in full', () => {
    // GIVEN a Service and a subset, and no pods (Istio's testdata)
    const objects = objectsOf(HTTPBIN_SERVICE + rule('[{ name: fake, labels: { version: v3 } }]'));
    // WHEN analyzed THEN an error on the subset
    expect(MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings).toStrictEqual([{
      code: 'IST0173',
      messageName: 'DestinationRuleSubsetNotSelectPods',
      level: 'Error',
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      namespace: 'default',
      name: 'httpbin',
      field: 'spec.subsets[0]',
      message: line('fake', 0, 'version=v3').slice('Error [IST0173] (DestinationRule default/httpbin) '.length),
    }]);
  });

  test('subsets match the pod templates of the Service\'s workloads; the unmatched one is reported', () => {
    expect(unselected(HTTPBIN_SERVICE + deployment('httpbin-v1', 'default', '{ app: httpbin, version: v1 }')
      + rule('[{ name: v1, labels: { version: v1 } }, { name: all }, { name: v2, labels: { version: v2 } }]')))
      .toStrictEqual([line('v2', 2, 'version=v2')]);
  });

  test('a pod with the subset\'s labels that the Service does not select, or in another namespace, is no endpoint', () => {
    expect(unselected(HTTPBIN_SERVICE
      + deployment('other-v1', 'default', '{ app: other, version: v1 }')
      + deployment('httpbin-v1', 'other', '{ app: httpbin, version: v1 }')
      + rule('[{ name: v1, labels: { version: v1 } }]'))).toStrictEqual([line('v1', 0, 'version=v1')]);
    // A subset label that contradicts the Service's selector selects nothing.
    expect(unselected(HTTPBIN_SERVICE + deployment('httpbin-v1', 'default', '{ app: httpbin, version: v1 }')
      + rule('[{ name: odd, labels: { app: other } }]'))).toStrictEqual([line('odd', 0, 'app=other')]);
  });

  test('topology labels that istiod adds from the node are not held against the subset; an empty one never matches', () => {
    expect(unselected(HTTPBIN_SERVICE + deployment('httpbin-v1', 'default', '{ app: httpbin, version: v1 }') + rule(`
  - { name: region-us-west, labels: { topology.kubernetes.io/region: us-west-1 } }
  - { name: mixed, labels: { version: v1, topology.kubernetes.io/zone: us-west-1a } }
  - { name: empty-region, labels: { topology.kubernetes.io/region: "" } }`))).toStrictEqual([line('empty-region', 2, 'topology.kubernetes.io/region=')]);
  });

  test('declared workloads select; declared services, Services without a selector and unknown hosts are skipped', () => {
    const workload = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'vm', namespace: 'default', labels: { app: 'httpbin', version: 'v9' } } };
    expect(unselected(HTTPBIN_SERVICE + rule('[{ name: v9, labels: { version: v9 } }]'), [workload])).toStrictEqual([]);
    expect(unselected(rule('[{ name: v1, labels: { version: v1 } }]', 'legacy.other.svc.cluster.local'),
      [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'legacy', namespace: 'other' } }])).toStrictEqual([]);
    expect(unselected(`
apiVersion: v1
kind: Service
metadata: { name: httpbin, namespace: default }
spec: { ports: [{ port: 8000 }] }
---` + rule('[{ name: v1, labels: { version: v1 } }]'))).toStrictEqual([]);
    // No service at all: IST0174 says so, not IST0173.
    expect(unselected(rule('[{ name: v1, labels: { version: v1 } }]', 'nowhere.default.svc.cluster.local'))).toStrictEqual([]);
  });

  test('a ServiceEntry with a workloadSelector: pods and WorkloadEntries of its namespace', () => {
    const entry = `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: vms, namespace: default }
spec:
  hosts: [vm.example.internal]
  location: MESH_INTERNAL
  resolution: STATIC
  ports: [{ number: 80, name: http, protocol: HTTP }]
  workloadSelector: { labels: { app: vm } }
---
apiVersion: networking.istio.io/v1
kind: WorkloadEntry
metadata: { name: vm-1, namespace: default }
spec: { address: 10.0.0.1, labels: { app: vm, version: v1 } }
---`;
    expect(unselected(entry + rule('[{ name: v1, labels: { version: v1 } }, { name: v2, labels: { version: v2 } }]', 'vm.example.internal')))
      .toStrictEqual([line('v2', 1, 'version=v2', 'the workloads of ServiceEntry default/vms (workloadSelector app=vm)')]);
  });

  test('a ServiceEntry with endpoints: their labels; resolved by DNS without endpoints: skipped', () => {
    const entry = (endpoints: string) => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ext, namespace: default }
spec:
  hosts: [api.example.com]
  resolution: DNS
  ports: [{ number: 443, name: tls, protocol: TLS }]
  ${endpoints}
---`;
    const subsets = rule('[{ name: eu, labels: { region: eu } }, { name: us, labels: { region: us } }]', 'api.example.com');
    expect(unselected(entry('endpoints: [{ address: eu.api.example.com, labels: { region: eu } }]') + subsets))
      .toStrictEqual([line('us', 1, 'region=us', 'an endpoint of ServiceEntry default/ext')]);
    expect(unselected(entry('') + subsets)).toStrictEqual([]);
  });

  test('malformed subsets are skipped; a subset without a name is named by position', () => {
    expect(unselected(HTTPBIN_SERVICE + rule('[null, 7, { labels: { version: v3 } }, { name: v1, labels: "v1" }]'))).toStrictEqual([
      line('#2', 2, 'version=v3'),
      line('v1', 3, 'none'),
    ]);
    expect(unselected(HTTPBIN_SERVICE + rule('"v1"'))).toStrictEqual([]);
  });
});
