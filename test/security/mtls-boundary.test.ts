/**
 * The API boundary of StrictMtls, MtlsScope and PortMtls: our error naming the construct and the
 * user's field, never a TypeError, and never a weaker policy than the one asked for.
 */
import { MeshScopeOptions, MtlsScope, PortMtls, StrictMtls, StrictMtlsProps, WorkloadSelector } from '../../lib';
import { errorOf, find, synthValid } from '../support/charts';
import { prodChart } from './support';

const reviews = WorkloadSelector.labels({ app: 'reviews' });

function mtlsError(props: unknown): string {
  return errorOf(() => new StrictMtls(prodChart(), 'm', props as StrictMtlsProps));
}

describe('StrictMtls at the API boundary', () => {
  test('MtlsScope.workload(ns, undefined) with insecureDisableMtls is an error: it disabled mTLS for the whole namespace', () => {
    // GIVEN / WHEN / THEN
    expect(mtlsError({ scope: MtlsScope.workload('shop', undefined as never), insecureDisableMtls: true }))
      .toBe('[prod/m] scope.selector: undefined is missing: a workload-scoped PeerAuthentication without selector would apply to every workload of namespace "shop", '
        + 'turning mTLS off for all of them. Fix: give the selector, e.g. MtlsScope.workload("bookinfo", WorkloadSelector.labels({ app: "reviews" })), '
        + 'or use MtlsScope.namespace(...) for the whole namespace');
  });

  test('a plain object as the workload selector is our error (it was a TypeError: _render is not a function)', () => {
    // GIVEN / WHEN / THEN
    expect(mtlsError({ scope: MtlsScope.workload('shop', { app: 'reviews' } as never) }))
      .toBe('[prod/m] scope.selector: {"app":"reviews"} is an object, not a WorkloadSelector. Fix: use WorkloadSelector.labels({ app: "reviews" }) or WorkloadSelector.fromWorkload(deployment)');
  });

  test('portLevelMtls that is not a list is our error (it was a TypeError: props.portLevelMtls.map is not a function)', () => {
    // GIVEN / WHEN / THEN
    expect(mtlsError({ scope: MtlsScope.namespace('shop'), portLevelMtls: PortMtls.permissive(8080) }))
      .toBe('[prod/m] portLevelMtls: PortMtls {"port":8080,"mode":"PERMISSIVE"} is a PortMtls, not a list. Fix: give a list of PortMtls, e.g. [PortMtls.permissive(15020)]');
    expect(mtlsError({ scope: MtlsScope.workload('shop', reviews), portLevelMtls: [{ port: 8080, mode: 'DISABLE' }] }))
      .toBe('[prod/m] portLevelMtls[0]: {"port":8080,"mode":"DISABLE"} is an object, not a PortMtls. Fix: use PortMtls.permissive(port), PortMtls.strict(port) or PortMtls.insecureDisable(port)');
  });

  test('a truthy string for insecureDisableMtls is an error, not a disabled mTLS', () => {
    // GIVEN / WHEN / THEN
    expect(mtlsError({ scope: MtlsScope.namespace('shop'), insecureDisableMtls: 'false' }))
      .toBe('[prod/m] insecureDisableMtls: "false" is a string, not a boolean. Fix: give true or false');
  });

  test('a namespace scope without a namespace is an error, not the chart\'s namespace', () => {
    // GIVEN / WHEN / THEN
    expect(mtlsError({ scope: MtlsScope.namespace(undefined as never) }))
      .toBe('[prod/m] scope.namespace: undefined is missing: MtlsScope.namespace(namespace) names the namespace of the policy. Fix: give the namespace, e.g. "bookinfo" (or use MtlsScope.fromWorkload(workload))');
    expect(mtlsError({ scope: MtlsScope.namespace('Shop') }))
      .toBe('[prod/m] scope.namespace: "Shop" is not a DNS label (lowercase letters, digits and "-", at most 63 characters). Fix: use a namespace name such as "bookinfo"');
  });

  test('unknown keys and wrong objects in props and mesh options are errors naming them', () => {
    // GIVEN / WHEN / THEN
    expect(mtlsError({ scope: MtlsScope.mesh(), mdoe: 'STRICT' }))
      .toBe('[prod/m] props: "mdoe" is not a field of StrictMtlsProps (did you mean "mode"?). Fix: rename it to "mode"');
    expect(mtlsError({ scope: MtlsScope.mesh({ rootNamespce: 'mesh-system' } as MeshScopeOptions) }))
      .toBe('[prod/m] scope: "rootNamespce" is not a field of MeshScopeOptions (did you mean "rootNamespace"?). Fix: rename it to "rootNamespace"');
    expect(mtlsError({ scope: MtlsScope.mesh({ controlPlane: {} as never }) }))
      .toBe('[prod/m] scope.controlPlane: {} is an object, not a MeshControlPlane. Fix: give the MeshControlPlane of the mesh, or leave controlPlane out');
    expect(mtlsError({ scope: 'mesh' }))
      .toBe('[prod/m] scope: "mesh" is a string, not a MtlsScope. Fix: use MtlsScope.mesh(), MtlsScope.namespace("..."), MtlsScope.workload("...", selector) or MtlsScope.fromWorkload(workload)');
  });

  test('the factories keep what they were given: a later change to the options changes nothing', () => {
    // GIVEN mesh options changed after the scope was made
    const options: { rootNamespace?: string } = { rootNamespace: 'istio-system' };
    const scope = MtlsScope.mesh(options);
    options.rootNamespace = 'elsewhere';
    // WHEN
    const chart = prodChart();
    new StrictMtls(chart, 'm', { scope });
    // THEN
    expect(find(synthValid(chart), 'PeerAuthentication', 'default').metadata.namespace).toBe('istio-system');
  });
});
