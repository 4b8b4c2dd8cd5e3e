import { isRecord } from '../../core/records';
import { arr, Check, specOf } from '../check';
import { MeshConfigSource } from '../context';
import { describe, GK } from '../resources';

/** The providers every mesh config has (Istio's defaults, kept when a meshConfig adds its own). */
const BUILT_IN_PROVIDERS = ['prometheus', 'stackdriver', 'envoy'];

/** The telemetry kinds of a Telemetry spec and their provider lists. */
const SECTIONS = ['accessLogging', 'tracing', 'metrics'] as const;

/**
 * Telemetry providers (Istio's `telemetry.ProviderAnalyzer`): an access-logging entry that names no
 * provider while the mesh config sets no default access-logging provider is ignored (IST0157; not when
 * the entry disables logging). Ours: a provider name that the mesh config of a control plane in the
 * output (or declared) does not define among its extensionProviders (nor Istio's built-in `prometheus`,
 * `stackdriver` and `envoy`): istiod skips it without a word (CDK8S-ISTIO-040; names compare
 * case-insensitively, as istiod's do). Without a control plane in the input, provider names are not checked.
 */
export const telemetryProviders: Check = {
  name: 'telemetry.providers',
  codes: ['IST0157', 'CDK8S-ISTIO-040'],
  description: 'Telemetry access logging without a provider when the mesh has no default one, and provider names no control plane defines',
  run(ctx) {
    const meshes = ctx.meshConfigs;
    const withoutDefaultLogging = meshes.filter((m) => !hasDefaultAccessLogging(m.meshConfig));
    // No mesh config in the input: Istio's default one, which has no default access-logging provider.
    const emptyProvidersIgnored = meshes.length === 0 || withoutDefaultLogging.length > 0;
    const defined = meshes.map((m) => ({ mesh: m, names: providerNames(m) }));
    for (const r of ctx.output(GK.Telemetry)) {
      const spec = specOf(r.raw);
      if (emptyProvidersIgnored) {
        arr(spec.accessLogging).forEach((entry, i) => {
          if (!isRecord(entry) || entry.disabled === true || arr(entry.providers).length > 0) return;
          const where = meshes.length === 0 ? 'the mesh config' : withoutDefaultLogging.map((m) => `meshConfig of ${describe(m.resource)}`).join(', ');
          ctx.report('IST0157', r, `spec.accessLogging[${i}].providers`, [r.name, r.namespace],
            `name a provider (e.g. providers: [{ name: envoy }]), or set defaultProviders.accessLogging in ${where}`);
        });
      }
      if (meshes.length === 0) continue;
      for (const section of SECTIONS) {
        arr(spec[section]).forEach((entry, i) => {
          arr(isRecord(entry) ? entry.providers : undefined).forEach((p, j) => {
            const name = isRecord(p) ? p.name : undefined;
            if (typeof name !== 'string' || name === '') return;
            const missing = defined.filter((d) => !d.names.has(name.toLowerCase())).map((d) => d.mesh);
            if (missing.length === 0) return;
            const known = [...new Set(defined.flatMap((d) => [...d.names]))].sort();
            ctx.report('CDK8S-ISTIO-040', r, `spec.${section}[${i}].providers[${j}].name`, [name, missing.map((m) => describe(m.resource)).join(', ')],
              `define it in meshConfig.extensionProviders (e.g. MeshControlPlane meshConfig tracing or access log providers), or name one that exists: ${known.join(', ')}`);
          });
        });
      }
    }
  },
};

function hasDefaultAccessLogging(meshConfig: Record<string, any>): boolean {
  return isRecord(meshConfig.defaultProviders) && arr(meshConfig.defaultProviders.accessLogging).length > 0;
}

function providerNames(mesh: MeshConfigSource): Set<string> {
  const names = new Set(BUILT_IN_PROVIDERS);
  for (const p of arr(mesh.meshConfig.extensionProviders)) {
    if (isRecord(p) && typeof p.name === 'string') names.add(p.name.toLowerCase());
  }
  return names;
}
