import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const root = path.resolve(__dirname, '../..');
const script = path.join(root, 'scripts/gen-schemas.js');

describe('scripts/gen-schemas.js', () => {
  it('regenerates byte-identical schema files from the vendored CRDs', () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), 'gen-schemas-'));
    try {
      execFileSync(process.execPath, [script, '--out', out], { cwd: root, stdio: 'pipe' });
      const generated = fs.readdirSync(out).sort();
      expect(generated).toEqual(['istio-1.30.3.json', 'sail-istio-values.json']);
      for (const file of generated) {
        const committed = fs.readFileSync(path.join(root, 'schemas', file));
        expect(fs.readFileSync(path.join(out, file)).equals(committed)).toBe(true);
      }
    } finally {
      fs.rmSync(out, { recursive: true, force: true });
    }
  });

  it('covers every served version of every Istio CRD', () => {
    const file = JSON.parse(fs.readFileSync(path.join(root, 'schemas/istio-1.30.3.json'), 'utf8')) as {
      versions: Record<string, { served: string[]; storage: string }>;
      schemas: Record<string, unknown>;
    };
    const expected = Object.entries(file.versions).flatMap(([groupKind, v]) => {
      const [group, kind] = groupKind.split('/');
      return v.served.map((version) => `${group}/${version}/${kind}`);
    });
    expect(Object.keys(file.schemas).sort()).toEqual(expected.sort());
    expect(expected).toHaveLength(33);
    expect(file.versions['networking.istio.io/VirtualService']).toEqual({ served: ['v1', 'v1alpha3', 'v1beta1'], storage: 'v1' });
    expect(file.versions['telemetry.istio.io/Telemetry'].storage).toBe('v1alpha1');
  });
});
