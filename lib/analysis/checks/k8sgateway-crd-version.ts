import { Check } from '../check';

const BUNDLE_VERSION = 'gateway.networking.k8s.io/bundle-version';

/** The lowest Gateway API bundle version istiod 1.30 watches, per CRD. */
const MINIMUM: Readonly<Record<string, readonly [number, number, number]>> = {
  'grpcroutes.gateway.networking.k8s.io': [1, 1, 0],
  'backendtlspolicies.gateway.networking.k8s.io': [1, 4, 0],
  'tlsroutes.gateway.networking.k8s.io': [1, 5, 0],
};

/** A semantic version as written (`v1.4.0`, `1.4`, `1.5.0-rc.1`); undefined when it is none. */
function parseVersion(text: string): { numbers: [number, number, number]; printed: string } | undefined {
  const m = /^v?(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:-([0-9A-Za-z.-]+))?(?:\+([0-9A-Za-z.-]+))?$/.exec(text.trim());
  if (!m) return undefined;
  const numbers: [number, number, number] = [Number(m[1]), Number(m[2] ?? 0), Number(m[3] ?? 0)];
  return { numbers, printed: `${numbers.join('.')}${m[4] ? `-${m[4]}` : ''}${m[5] ? `+${m[5]}` : ''}` };
}

function below(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] < b[i];
  return false;
}

/**
 * A Gateway API CRD of the output older (by its bundle-version annotation, pre-release ignored) than
 * istiod 1.30 requires: istiod does not watch the kind, so its objects (e.g. TLSRoutes) do nothing.
 */
export const k8sGatewayCrdVersion: Check = {
  name: 'k8sgateway.crdversion',
  codes: ['IST0176'],
  description: 'Gateway API CRD below the bundle version istiod requires',
  run(ctx) {
    for (const r of ctx.output('apiextensions.k8s.io/CustomResourceDefinition')) {
      const minimum = MINIMUM[r.name];
      const annotation = r.raw.metadata?.annotations?.[BUNDLE_VERSION];
      if (minimum === undefined || typeof annotation !== 'string') continue;
      const installed = parseVersion(annotation);
      if (installed === undefined || !below(installed.numbers, minimum)) continue;
      ctx.report('IST0176', r, `metadata.annotations["${BUNDLE_VERSION}"]`, [r.name, installed.printed, minimum.join('.')],
        `install the Gateway API CRDs of bundle ${minimum.join('.')} or later (the standard or experimental channel that has this CRD)`);
    }
  },
};
