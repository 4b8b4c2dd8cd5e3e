import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { GK, Resource } from '../resources';

/** Where REPLACE works (Istio's analyzer also allows VIRTUAL_HOST, which its message does not name). */
const REPLACEABLE = new Set(['HTTP_FILTER', 'NETWORK_FILTER', 'VIRTUAL_HOST']);
/** Where ADD and REMOVE are ignored. */
const ROUTE_LEVEL = new Set(['ROUTE_CONFIGURATION', 'HTTP_ROUTE']);

/**
 * EnvoyFilter patches (Istio's `envoyfilter.EnvoyPatchAnalyzer`): ADD or REMOVE on a route
 * configuration or HTTP route is ignored (IST0153, IST0154), REPLACE works only on HTTP and network
 * filters and virtual hosts (IST0152), and a relative operation (INSERT_BEFORE, INSERT_AFTER, REPLACE,
 * REMOVE) in an EnvoyFilter without a priority may apply before what it is relative to (IST0151), worse
 * when an earlier patch of the same filter name is limited to a proxy version (IST0155: it stops
 * applying during an upgrade). EnvoyFilters are read in namespace/name order, as the proxy-version
 * names carry from one to the next.
 */
export const envoyFilterPatch: Check = {
  name: 'envoyfilter.envoypatch',
  codes: ['IST0151', 'IST0152', 'IST0153', 'IST0154', 'IST0155'],
  description: 'EnvoyFilter patch operations that are ignored, invalid, or relative without a priority',
  run(ctx) {
    const versioned: string[] = [];
    const filters = [...ctx.all(GK.EnvoyFilter)].sort(byNamespaceName);
    for (const r of filters) {
      const spec = specOf(r.raw);
      const priority = typeof spec.priority === 'number' ? spec.priority : 0;
      const patches = arr(spec.configPatches);
      for (let i = 0; i < patches.length; i++) {
        const cp = isRecord(patches[i]) ? patches[i] : {};
        const patch = cp.patch;
        if (!isRecord(patch)) break;
        const name = instanceName(cp, patch);
        const field = `spec.configPatches[${i}]`;
        const applyTo = typeof cp.applyTo === 'string' ? cp.applyTo : '';
        const relative = (): void => {
          if (priority !== 0) return;
          if (versioned.includes(name)) {
            ctx.report('IST0155', r, field, [], 'set spec.priority (e.g. 10), or use INSERT_FIRST or ADD; patches of one filter that differ by proxyVersion then keep their order through an upgrade');
          } else {
            ctx.report('IST0151', r, field, [], 'set spec.priority (e.g. 10) so that this EnvoyFilter applies after what it patches, or use INSERT_FIRST or ADD');
          }
        };
        switch (patch.operation) {
          case 'ADD':
            if (ROUTE_LEVEL.has(applyTo)) {
              ctx.report('IST0153', r, field, [], 'patch the route configuration with MERGE, or add routes with INSERT_FIRST, INSERT_BEFORE or INSERT_AFTER on HTTP_ROUTE');
            }
            break;
          case 'REMOVE':
            if (ROUTE_LEVEL.has(applyTo)) {
              ctx.report('IST0154', r, field, [], 'change the route configuration with MERGE, or remove the virtual host (applyTo VIRTUAL_HOST)');
            } else {
              relative();
            }
            break;
          case 'REPLACE':
            if (!REPLACEABLE.has(applyTo)) {
              ctx.report('IST0152', r, field, [], `change the ${applyTo || 'object'} with MERGE, or replace a filter (applyTo HTTP_FILTER or NETWORK_FILTER)`);
            } else {
              relative();
            }
            break;
          case 'INSERT_BEFORE':
          case 'INSERT_AFTER':
            relative();
            break;
          default:
            break;
        }
        const match = isRecord(cp.match) ? cp.match : {};
        const proxy = isRecord(match.proxy) ? match.proxy : {};
        if (typeof proxy.proxyVersion === 'string' && proxy.proxyVersion !== '') versioned.push(name);
      }
    }
  },
};

/**
 * The name a patch adds or targets: its value's `name`, else (when it has a value) the listener
 * filter it matches. Patches without either share the empty name, as in Istio.
 */
function instanceName(cp: Record<string, any>, patch: Record<string, any>): string {
  if (!isRecord(patch.value)) return '';
  if (patch.value.name !== undefined && patch.value.name !== null) return JSON.stringify(patch.value.name);
  const listener = isRecord(cp.match) && isRecord(cp.match.listener) ? cp.match.listener : {};
  const filter = isRecord(listener.filterChain) && isRecord(listener.filterChain.filter) ? listener.filterChain.filter : {};
  return typeof filter.name === 'string' ? filter.name : '';
}

function byNamespaceName(a: Resource, b: Resource): number {
  const ka = `${a.namespace ?? ''}/${a.name}`;
  const kb = `${b.namespace ?? ''}/${b.name}`;
  return ka < kb ? -1 : ka > kb ? 1 : a.index - b.index;
}
