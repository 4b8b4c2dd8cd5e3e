import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/gen-schemas.js');

interface GeneratedFile {
  versions: Record<string, { served: string[]; storage?: string }>;
  schemas: Record<string, unknown>;
  definitions?: Record<string, unknown>;
}

const read = <T>(file: string): T => JSON.parse(fs.readFileSync(path.join(root, 'schemas', file), 'utf8')) as T;

const CRD_FILES = [
  'argo-cd-v3.5.1.json',
  'cert-manager-v1.21.1.json',
  'flagger-v1.44.0.json',
  'flux-helm-controller-v1.6.3.json',
  'flux-source-controller-v1.9.1.json',
  'gateway-api-v1.6.1.json',
  'istio-1.30.3.json',
  'prometheus-operator-v0.93.0.json',
  'sail-operator-1.30.3.json',
];

describe('scripts/gen-schemas.js', () => {
  it('regenerates byte-identical schema files from the vendored CRDs and Kubernetes definitions', () => {
    // GIVEN the vendored inputs WHEN the script writes into an empty folder
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-schemas-'));
    try {
      execFileSync(process.execPath, [script, '--out', out], { cwd: root, stdio: 'pipe' });
      // THEN it writes exactly the committed files, byte for byte
      const generated = fs.readdirSync(out).sort();
      expect(generated).toEqual([...CRD_FILES, 'index.json', 'kubernetes-1.32.json', 'sail-istio-values.json', 'istio-gateway-chart-values-1.30.3.json'].sort());
      for (const file of generated) {
        const committed = fs.readFileSync(path.join(root, 'schemas', file));
        expect(fs.readFileSync(path.join(out, file)).equals(committed)).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it.each(CRD_FILES)('%s covers every served version of every CRD', (name) => {
    const file = read<GeneratedFile>(name);
    const expected = Object.entries(file.versions).flatMap(([groupKind, v]) => {
      const [group, kind] = groupKind.split('/');
      return v.served.map((version) => `${group}/${version}/${kind}`);
    });
    expect(Object.keys(file.schemas).sort()).toEqual(expected.sort());
  });

  it('keeps the served and storage versions of the Istio CRDs', () => {
    const file = read<GeneratedFile>('istio-1.30.3.json');
    expect(Object.keys(file.schemas)).toHaveLength(33);
    expect(file.versions['networking.istio.io/VirtualService']).toEqual({ served: ['v1', 'v1alpha3', 'v1beta1'], storage: 'v1' });
    expect(file.versions['telemetry.istio.io/Telemetry'].storage).toBe('v1alpha1');
  });

  it('writes the core Kubernetes kinds with only the definitions they reach, each resolvable', () => {
    const file = read<Required<GeneratedFile>>('kubernetes-1.32.json');
    expect(Object.keys(file.schemas)).toEqual(expect.arrayContaining([
      'v1/Namespace', 'v1/ServiceAccount', 'v1/Service', 'v1/ConfigMap', 'v1/Secret', 'v1/Pod', 'v1/Endpoints',
      'apps/v1/Deployment', 'apps/v1/StatefulSet', 'apps/v1/DaemonSet', 'apps/v1/ReplicaSet', 'batch/v1/Job', 'batch/v1/CronJob',
      'autoscaling/v2/HorizontalPodAutoscaler', 'policy/v1/PodDisruptionBudget', 'networking.k8s.io/v1/NetworkPolicy',
      'networking.k8s.io/v1/Ingress', 'rbac.authorization.k8s.io/v1/Role', 'rbac.authorization.k8s.io/v1/RoleBinding',
      'rbac.authorization.k8s.io/v1/ClusterRole', 'rbac.authorization.k8s.io/v1/ClusterRoleBinding',
      'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration',
      'apiextensions.k8s.io/v1/CustomResourceDefinition',
    ]));
    const refs = [...JSON.stringify(file).matchAll(/"\$ref":"#\/definitions\/([^"]+)"/g)].map((m) => m[1]);
    expect(new Set(refs)).toEqual(new Set(Object.keys(file.definitions)));
    expect(file.versions['policy/PodDisruptionBudget']).toEqual({ served: ['v1'] });
  });

  it('names one schema file per API group', () => {
    const { groups } = read<{ groups: Record<string, string> }>('index.json');
    expect(groups).toMatchObject({
      core: 'kubernetes-1.32.json',
      apps: 'kubernetes-1.32.json',
      'networking.istio.io': 'istio-1.30.3.json',
      'gateway.networking.k8s.io': 'gateway-api-v1.6.1.json',
      'cert-manager.io': 'cert-manager-v1.21.1.json',
      'sailoperator.io': 'sail-operator-1.30.3.json',
    });
  });
});
