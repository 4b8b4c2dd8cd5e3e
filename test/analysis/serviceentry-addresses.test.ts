import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

const NAMESPACES = ['default', 'istio-system'].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));

/** `Kind ns/name field` of each IST0134 finding on `yaml`. */
function required(yaml: string, external: any[] = []): string[] {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS()).filter((o) => o !== null);
  return MeshAnalyzer.analyze(objects, { external: [...NAMESPACES, ...external] }).findings
    .filter((f) => f.code === 'IST0134').map((f) => `${f.kind} ${f.namespace}/${f.name} ${f.field}`);
}

const entry = (name: string, ports: string, extra = '') => `
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: { name: ${name}, namespace: default }
spec:
  hosts: [istio.io]
  exportTo: ['.']
  location: MESH_EXTERNAL
  resolution: DNS
  ports: ${ports}
  ${extra}
---`;

// Istio's testdata: which entries need addresses.
const ENTRIES = entry('test-01', '[{ number: 443, name: https, protocol: HTTPS }]')
  + entry('test-02', '[{ number: 443, name: https, protocol: HTTPS }]', 'addresses: [10.0.0.1]')
  + entry('test-03', '[{ number: 443, name: https }]')
  + entry('test-04', '[{ number: 443, name: https, protocol: "" }]')
  + entry('test-06', '[{ number: 443, name: https, protocol: TCP }]', 'addresses: [10.0.0.1]')
  + entry('test-07', '[{ number: 443, name: https, protocol: TCP }]');

const meshConfig = (proxyMetadata: string) => ({
  apiVersion: 'install.istio.io/v1alpha1', kind: 'IstioOperator', metadata: { name: 'control-plane', namespace: 'istio-system' },
  spec: { meshConfig: { defaultConfig: { proxyMetadata: JSON.parse(proxyMetadata) } } },
});

describe('serviceentry.protocoladdresses (IST0134)', () => {
  test('a TCP port without addresses: the finding in full', () => {
    const objects = parseAllDocuments(entry('db', '[{ number: 5432, name: tcp, protocol: TCP }]')).map((d) => d.toJS()).filter((o) => o !== null);
    expect(MeshAnalyzer.analyze(objects, { external: NAMESPACES }).findings).toStrictEqual([{
      code: 'IST0134',
      messageName: 'ServiceEntryAddressesRequired',
      level: 'Warning',
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      namespace: 'default',
      name: 'db',
      field: 'spec.ports[0]',
      message: 'ServiceEntry addresses are required for this protocol (spec.ports[0]). Fix: give the entry addresses (the IPs or CIDRs its hosts resolve to), '
        + 'or let the mesh allocate addresses: meshConfig.defaultConfig.proxyMetadata ISTIO_META_DNS_CAPTURE and ISTIO_META_DNS_AUTO_ALLOCATE "true" '
        + '(MeshControlPlane meshConfig dnsCapture and dnsAutoAllocate)',
    }]);
  });

  test('TCP ports and ports without a protocol need addresses; other protocols and entries with addresses do not', () => {
    expect(required(ENTRIES)).toStrictEqual([
      'ServiceEntry default/test-03 spec.ports[0]', 'ServiceEntry default/test-04 spec.ports[0]', 'ServiceEntry default/test-07 spec.ports[0]',
    ]);
  });

  test('one finding per port; the protocol is read in any case; resolution does not matter', () => {
    expect(required(entry('multi', '[{ number: 5432, name: pg, protocol: tcp }, { number: 443, name: tls, protocol: TLS }, { number: 6379, name: redis }]', 'resolution: NONE')))
      .toStrictEqual(['ServiceEntry default/multi spec.ports[0]', 'ServiceEntry default/multi spec.ports[2]']);
  });

  test('a mesh config that captures DNS and allocates addresses (output or declared, any form) turns the check off', () => {
    expect(required(ENTRIES, [meshConfig('{"ISTIO_META_DNS_CAPTURE":"true","ISTIO_META_DNS_AUTO_ALLOCATE":"true"}')])).toStrictEqual([]);
    expect(required(ENTRIES, [meshConfig('{"ISTIO_META_DNS_CAPTURE":"true","PILOT_ENABLE_IP_AUTOALLOCATE":"true"}')])).toStrictEqual([]);
    expect(required(`${ENTRIES}
apiVersion: v1
kind: ConfigMap
metadata: { name: istio, namespace: istio-system }
data:
  mesh: |
    defaultConfig:
      proxyMetadata: { ISTIO_META_DNS_CAPTURE: "true", ISTIO_META_DNS_AUTO_ALLOCATE: "true" }
`)).toStrictEqual([]);
    // Capture alone, or allocation alone, does not.
    expect(required(ENTRIES, [meshConfig('{"ISTIO_META_DNS_CAPTURE":"true"}')])).toHaveLength(3);
    expect(required(ENTRIES, [meshConfig('{"ISTIO_META_DNS_AUTO_ALLOCATE":"true"}')])).toHaveLength(3);
  });

  test('an entry whose status holds allocated addresses needs none', () => {
    expect(required(entry('unallocated', '[{ number: 22, name: tcp, protocol: TCP }]')
      + entry('with-status', '[{ number: 22, name: tcp, protocol: TCP }]')
        .replace('---', 'status: { addresses: [{ host: istio.io, value: 240.240.0.1 }] }\n---')))
      .toStrictEqual(['ServiceEntry default/unallocated spec.ports[0]']);
  });

  test('declared entries are not reported; malformed ports are skipped', () => {
    const declared = { apiVersion: 'networking.istio.io/v1', kind: 'ServiceEntry', metadata: { name: 'theirs', namespace: 'default' }, spec: { hosts: ['x.io'], ports: [{ number: 1 }] } };
    expect(required('', [declared])).toStrictEqual([]);
    expect(required(entry('odd', '[null, "tcp", { number: 1, protocol: 7 }]') + entry('none', '"80"'))).toStrictEqual([]);
  });
});
