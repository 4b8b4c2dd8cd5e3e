/**
 * The API boundary of ExternalResources: declarations that callers without TypeScript's checks may
 * pass (JavaScript, lists read from JSON or YAML) give our error, never a crash or a key ignored.
 */
import { ExternalResources, ExternalResourcesProps } from '../../lib';
import { errorOf, meshChart } from '../support/charts';

function externalError(props: unknown): string {
  return errorOf(() => new ExternalResources(meshChart(), 'outside', props as ExternalResourcesProps));
}

describe('ExternalResources at the API boundary', () => {
  test('an unknown key is an error naming the closest known key, in the props and in an entry (it was ignored)', () => {
    expect(externalError({ namespace: ['bookinfo'] }))
      .toBe('[prod/outside] props: "namespace" is not a field of ExternalResourcesProps (did you mean "namespaces"?). Fix: rename it to "namespaces"');
    expect(externalError({ services: [{ namespace: 'bookinfo', name: 'reviews', port: [9080] }] }))
      .toBe('[prod/outside] services[0]: "port" is not a field of ExistingService (did you mean "ports"?). Fix: rename it to "ports"');
    expect(externalError({ secrets: [{ namespace: 'istio-ingress', nme: 'tls' }] }))
      .toBe('[prod/outside] secrets[0]: "nme" is not a field of ExistingObject (did you mean "name"?). Fix: rename it to "name"');
    expect(externalError({ workloads: [{ namespace: 'a', labels: { app: 'x' }, serviceaccount: 'sa' }] }))
      .toBe('[prod/outside] workloads[0]: "serviceaccount" is not a field of ExistingWorkload (did you mean "serviceAccount"?). Fix: rename it to "serviceAccount"');
  });

  test('names are the Kubernetes names they declare; wrong types are reported as such', () => {
    expect(externalError({ namespaces: [7] })).toBe('[prod/outside] namespaces[0]: 7 is a number, not a string. Fix: give a name');
    expect(externalError({ namespaces: ['Book_Info'] }))
      .toBe('[prod/outside] namespaces[0]: "Book_Info" is not a DNS label (lowercase letters, digits and "-", at most 63 characters). Fix: give the name as Kubernetes has it, e.g. "bookinfo"');
    expect(externalError({ secrets: [{ namespace: 'istio-ingress', name: 'TLS' }] }))
      .toBe('[prod/outside] secrets[0].name: "TLS" is not a Kubernetes Secret name (a DNS subdomain: lowercase letters, digits, "-" and ".", at most 253 characters). '
        + 'Fix: give the name as Kubernetes has it, e.g. "bookinfo-tls"');
    expect(externalError({ workloads: [{ namespace: 'a', labels: { app: 1 } }] }))
      .toBe('[prod/outside] workloads[0].labels.app: 1 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
    expect(externalError({ hosts: ['*'] }))
      .toBe('[prod/outside] hosts[0]: "*" matches every host, which is not allowed here. Fix: name the host, e.g. "api.example.com" (or "*.example.com" where wildcards are allowed)');
  });

  test('objects are JSON data: a bigint or NaN in one is an error, not a TypeError when the declarations are written', () => {
    expect(externalError({ objects: [{ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: 1n } }] }))
      .toBe('[prod/outside] objects[0].data.a: 1n is a bigint, which no manifest can hold. Fix: give JSON data (strings, numbers, booleans, null, lists and maps)');
    expect(externalError({ objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 'x', namespace: 'a' }, spec: { ports: [{ port: NaN }] } }] }))
      .toBe('[prod/outside] objects[0].spec.ports[0].port: NaN is not a finite number, which no manifest can hold. Fix: give JSON data');
  });

  test('a circular object is our error, not a stack overflow', () => {
    const object: Record<string, unknown> = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } };
    object.data = object;
    expect(externalError({ objects: [object] }))
      .toBe('[prod/outside] objects[0].data: {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"x"},"data":[Circular]} refers back to objects[0] (a circular structure). '
        + 'Fix: pass plain data without cycles');
  });
});
