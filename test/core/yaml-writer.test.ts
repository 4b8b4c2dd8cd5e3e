import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { YamlWriter } from '../../lib/core/yaml-writer';

/** Strings that YAML treats specially: YAML 1.1 booleans and nulls, numbers, dates, indicators, markers. */
const TRICKY = [
  '', ' ', ' x', 'x ', 'y', 'Y', 'n', 'N', 'yes', 'No', 'on', 'OFF', 'true', 'False', 'null', 'NULL', '~', 'empty',
  '0', '-1', '+1', '1.5', '1e3', '.5', '.inf', '-.Inf', '.nan', '0x1f', '0o17', '017', '0b101', '1_000', '1:20', '190:20:30.15',
  '2001-12-14', '2001-12-14t21:59:43.10-05:00', '- x', '-x', '-', '?', '? x', ':', 'a:b', 'a: b', 'a :b', '#a', 'a#b', 'a #b',
  '@x', '`x', '*a', '&a', '!x', '%x', '|', '>', "'", '"', "it's", 'a"b', '[a]', '{a}', 'a,b', '---', '...', '--- x', '... x',
  '/', '/productpage', '*.example.com', 'istio.io/rev', 'é', '日本', '\u0000', '\t', 'a\tb', '\u007f', '\ufeffx', 'x\n', 'a\nb',
  '\n', 'a\n\nb\n', ' a\nb', '<<', '=', 'x'.repeat(1100), 'a b c', 'TRUE', 'Off',
];

function scalar(): fc.Arbitrary<unknown> {
  return fc.oneof(
    fc.constantFrom(...TRICKY),
    fc.string({ maxLength: 12 }),
    // Strings near the plain-scalar fast path: YAML 1.1 words and exponents are built from these.
    fc.string({ unit: fc.constantFrom('e', 'E', 'y', 'Y', 'n', 'o', 'O', 'f', 'F', 'u', 'l', 'L', 's', 'r', 't', '1', '0', '-', '.', '_', '/', '+', '~'), maxLength: 5 }),
    fc.string({ unit: fc.constantFrom('a', 'Z', '0', '9', '_', '.', '/', '-', ':', ' ', '#', '\n', "'", '"', '*', 'é'), maxLength: 8 }),
    fc.integer(),
    fc.double(),
    fc.constantFrom(0, -0, 1e21, 1e-7, 2 ** 53, -(2 ** 31), Number.MAX_VALUE, Number.MIN_VALUE),
    fc.boolean(),
    fc.constant(null),
  );
}

const value = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, scalar(), tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 8 })), fc.oneof(tie('value'), fc.constant(undefined)), { maxKeys: 5 }),
})).value;

describe('YamlWriter', () => {
  test('writes what cdk8s Yaml.stringify writes, for any JSON-shaped documents', () => {
    // GIVEN any documents: objects, arrays and scalars, nested, with keys and strings YAML treats specially
    fc.assert(
      fc.property(fc.array(fc.oneof(value, fc.constant(undefined)), { minLength: 1, maxLength: 3 }), (docs) => {
        // WHEN both writers write them THEN the bytes are the same
        expect(YamlWriter.stringify(...docs)).toBe(Yaml.stringify(...docs));
      }),
      { numRuns: Number(process.env.FUZZ_RUNS ?? 1000) },
    );
  });

  test('writes an object met twice in one document as the yaml package does (anchor and alias)', () => {
    // GIVEN a document that holds one object and one empty array twice
    const shared = { a: 1 };
    const empty: unknown[] = [];
    const doc = { x: shared, y: [shared], z: empty, w: { v: empty } };
    // WHEN it is written THEN the output is the yaml package's, aliases included
    expect(YamlWriter.stringify(doc)).toBe(Yaml.stringify(doc));
    expect(YamlWriter.stringify(doc)).toContain('*a1');
  });

  test('writes every committed manifest of dist/ byte for byte', () => {
    // GIVEN every YAML file the apps wrote
    const root = path.join(__dirname, '..', '..', 'dist');
    const files: string[] = [];
    const walk = (dir: string): void => {
      for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, entry.name);
        if (entry.isDirectory()) walk(p);
        else if (entry.name.endsWith('.yaml')) files.push(p);
      }
    };
    walk(root);
    expect(files.length).toBeGreaterThan(3);
    for (const file of files) {
      // WHEN its documents are written again THEN the bytes equal the file's
      const text = fs.readFileSync(file, 'utf8');
      expect(YamlWriter.stringify(...Yaml.load(file))).toBe(text);
    }
  });
});
