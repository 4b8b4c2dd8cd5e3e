import * as fs from 'fs';
import { PROPS_KEYS } from '../../lib/core/props-keys.generated';

// The generator is plain JavaScript (scripts/), run by `node scripts/gen-props-keys.js [--check]`.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const generator = require('../../scripts/gen-props-keys.js') as { generate(): string; OUT: string };

describe('props-keys.generated.ts', () => {
  test('is what scripts/gen-props-keys.js writes from the props interfaces today (the --check of CI)', () => {
    // GIVEN the committed table WHEN the generator reads the interfaces again THEN nothing differs
    // (a stale table fails here: run `node scripts/gen-props-keys.js`)
    expect(fs.readFileSync(generator.OUT, 'utf8')).toBe(generator.generate());
  });

  test('holds inherited members and required keys', () => {
    // DestinationPolicyProps extends DestinationPolicyOptions; MeshChartProps extends cdk8s ChartProps
    expect(PROPS_KEYS.DestinationPolicyProps).toStrictEqual({
      keys: ['host', 'namespace', 'subsets', 'portLevelSettings', 'connectionPool', 'outlierDetection', 'loadBalancer', 'tls'], required: ['host'],
    });
    expect(PROPS_KEYS.MeshChartProps.keys).toStrictEqual(['environment', 'trafficApi', 'namespace', 'labels', 'disableResourceNameHashes']);
  });
});
