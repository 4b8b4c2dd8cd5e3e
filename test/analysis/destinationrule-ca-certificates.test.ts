import { parseAllDocuments } from 'yaml';
import { MeshAnalyzer } from '../../lib';

/** The findings of the CA certificate check on `objects` (YAML documents), as printed. */
function caFindings(yaml: string, external: any[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }]): string[] {
  const objects = parseAllDocuments(yaml).map((d) => d.toJS());
  return MeshAnalyzer.analyze(objects, { external }).findings
    .filter((f) => f.code === 'IST0128' || f.code === 'IST0129').map((f) => MeshAnalyzer.format([f]));
}

const FIX_NO_SELECTOR = 'Fix: the proxy verifies the server against its system CA bundle only; to pin the CA, give tls.caCertificates (the CA bundle '
  + 'that signed the server\'s certificate); a credentialName counts only with a workloadSelector (sidecars ignore it)';

describe('destinationrule.cacertificates (IST0128, IST0129)', () => {
  test('SIMPLE at destination level without a CA: IST0128 with the finding in full', () => {
    // GIVEN a DestinationRule originating TLS to a database without caCertificates
    const objects = [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } },
      { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'db-tls', namespace: 'default' },
        spec: { host: 'mydbserver.prod.svc.cluster.local', trafficPolicy: { tls: { mode: 'SIMPLE', clientCertificate: '/etc/certs/myclientcert.pem', privateKey: '/etc/certs/client_private_key.pem' } } } },
    ];
    // WHEN analyzed THEN one warning on spec.trafficPolicy.tls
    const findings = MeshAnalyzer.analyze(objects).findings.filter((f) => f.code === 'IST0128');
    expect(findings).toStrictEqual([{
      code: 'IST0128',
      messageName: 'NoServerCertificateVerificationDestinationLevel',
      level: 'Warning',
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      namespace: 'default',
      name: 'db-tls',
      field: 'spec.trafficPolicy.tls',
      message: 'DestinationRule default/db-tls in namespace default has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: '
        + `mydbserver.prod.svc.cluster.local (spec.trafficPolicy.tls). ${FIX_NO_SELECTOR}`,
    }]);
  });

  test('MUTUAL at port level: IST0129 names the port as istioctl prints it', () => {
    expect(caFindings(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: db-mtls, namespace: default }
spec:
  host: mydbserver.prod.svc.cluster.local
  trafficPolicy:
    portLevelSettings:
    - port: { number: 443 }
      tls: { mode: MUTUAL, clientCertificate: /etc/certs/c.pem, privateKey: /etc/certs/k.pem }
`)).toStrictEqual([
      'Warning [IST0129] (DestinationRule default/db-mtls) DestinationRule default/db-mtls in namespace default has TLS mode set to MUTUAL but no caCertificates '
      + 'are set to validate server identity for host: mydbserver.prod.svc.cluster.local at port number:443 (spec.trafficPolicy.portLevelSettings[0].tls). '
      + FIX_NO_SELECTOR,
    ]);
  });

  test('destination and port level together: one finding each', () => {
    const found = caFindings(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: db-mtls, namespace: default }
spec:
  host: mydbserver.prod.svc.cluster.local
  trafficPolicy:
    tls: { mode: MUTUAL, clientCertificate: /c.pem, privateKey: /k.pem }
    portLevelSettings:
    - port: { number: 8443 }
      tls: { mode: SIMPLE }
    - port: { number: 9443 }
      tls: { mode: SIMPLE, caCertificates: /etc/certs/ca.pem }
`);
    expect(found.map((f) => f.slice(0, f.indexOf(')') + 1))).toStrictEqual([
      'Warning [IST0128] (DestinationRule default/db-mtls)', 'Warning [IST0129] (DestinationRule default/db-mtls)',
    ]);
    expect(found[1]).toContain('has TLS mode set to SIMPLE but no caCertificates are set to validate server identity for host: mydbserver.prod.svc.cluster.local at port number:8443');
  });

  test('insecureSkipVerify is reported as istioctl reports it, with a fix that says verification is off', () => {
    expect(caFindings(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: skip-verify, namespace: default }
spec:
  host: legacy.example.com
  trafficPolicy: { tls: { mode: SIMPLE, insecureSkipVerify: true } }
`)).toStrictEqual([
      'Warning [IST0128] (DestinationRule default/skip-verify) DestinationRule default/skip-verify in namespace default has TLS mode set to SIMPLE but no '
      + 'caCertificates are set to validate server identity for host: legacy.example.com (spec.trafficPolicy.tls). Fix: insecureSkipVerify: true turns server '
      + 'verification off; drop it to verify against the system CA bundle, or give tls.caCertificates (the CA bundle that signed the server\'s certificate); '
      + 'a credentialName counts only with a workloadSelector (sidecars ignore it)',
    ]);
  });

  test('no finding with caCertificates, or in modes that do not originate TLS', () => {
    expect(caFindings(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: with-ca, namespace: default }
spec:
  host: db.example.com
  trafficPolicy:
    tls: { mode: SIMPLE, caCertificates: /etc/certs/ca.pem }
    portLevelSettings:
    - port: { number: 443 }
      tls: { mode: MUTUAL, caCertificates: /etc/certs/ca.pem, clientCertificate: /c.pem, privateKey: /k.pem }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: mesh, namespace: default }
spec:
  host: reviews
  trafficPolicy:
    tls: { mode: ISTIO_MUTUAL }
    portLevelSettings: [{ port: { number: 80 }, tls: { mode: DISABLE } }]
`)).toStrictEqual([]);
  });

  test('credentialName verifies the server only in a DestinationRule with a workloadSelector (sidecars ignore it)', () => {
    const rule = (name: string, selector: string) => `
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: ${name}, namespace: default }
spec:
  host: db.example.com
  ${selector}
  trafficPolicy:
    tls: { mode: SIMPLE, credentialName: db-client }
    portLevelSettings: [{ port: { number: 5432 }, tls: { mode: MUTUAL, credentialName: db-client } }]
`;
    expect(caFindings(rule('with-selector', 'workloadSelector: { matchLabels: { app: egress } }'))).toStrictEqual([]);
    expect(caFindings(rule('without-selector', ''))).toStrictEqual([
      'Warning [IST0128] (DestinationRule default/without-selector) DestinationRule default/without-selector in namespace default has TLS mode set to SIMPLE but '
      + `no caCertificates are set to validate server identity for host: db.example.com (spec.trafficPolicy.tls). ${FIX_NO_SELECTOR}`,
      'Warning [IST0129] (DestinationRule default/without-selector) DestinationRule default/without-selector in namespace default has TLS mode set to MUTUAL but '
      + 'no caCertificates are set to validate server identity for host: db.example.com at port number:5432 (spec.trafficPolicy.portLevelSettings[0].tls). '
      + FIX_NO_SELECTOR,
    ]);
  });

  test('subsets are not read (as istioctl does not read them)', () => {
    expect(caFindings(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: subsets, namespace: default }
spec:
  host: db.example.com
  subsets: [{ name: v1, labels: { version: v1 }, trafficPolicy: { tls: { mode: SIMPLE } } }]
`)).toStrictEqual([]);
  });

  test('a declared DestinationRule is not reported; malformed rules are skipped without throwing', () => {
    const declared = { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'theirs', namespace: 'default' },
      spec: { host: 'db.example.com', trafficPolicy: { tls: { mode: 'SIMPLE' } } } };
    expect(caFindings('', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }, declared])).toStrictEqual([]);
    expect(caFindings(`
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: no-spec, namespace: default }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: odd, namespace: default }
spec: { trafficPolicy: { tls: SIMPLE, portLevelSettings: { port: 1 } } }
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: { name: odd-ports, namespace: default }
spec: { trafficPolicy: { portLevelSettings: [null, 3, { tls: { mode: SIMPLE } }] } }
`)).toStrictEqual([
      'Warning [IST0129] (DestinationRule default/odd-ports) DestinationRule default/odd-ports in namespace default has TLS mode set to SIMPLE but no caCertificates '
      + `are set to validate server identity for host:  at port  (spec.trafficPolicy.portLevelSettings[2].tls). ${FIX_NO_SELECTOR}`,
    ]);
  });
});
