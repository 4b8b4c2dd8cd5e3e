import { Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  checkAcyclic, checkArray, checkBoolean, checkEnum, checkInstance, checkInteger, checkNumber, checkOneOf, checkOptions, checkProps, checkString, checkStringMap,
  copyOptions, describeType, INT32_MAX, UINT32_MAX,
} from '../../lib/core/input';
import { checkLabels } from '../../lib/core/labels';
import { closest } from '../../lib/core/suggest';
import { DataPlaneMode, LoadBalancer } from '../../lib';

/** A construct at path `test/c`, the scope of every check here. */
function scope(): Construct {
  return new Construct(Testing.chart(), 'c');
}

/** The message `fn` throws (fails when it does not throw, or throws something other than an Error). */
function errorOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(Error);
    return (e as Error).message;
  }
  throw new Error('expected an error');
}

describe('checkProps and checkOptions: shapes from the generated props table', () => {
  test('accepts known keys, keys set to undefined, and all-optional props left out', () => {
    // GIVEN props with known keys WHEN checked THEN they come back as given
    const props = { host: 'reviews', namespace: undefined };
    expect(checkProps(scope(), props, 'CircuitBreakerProps')).toBe(props);
    expect(checkProps(scope(), undefined, 'MeshNamespaceProps')).toStrictEqual({});
  });

  test.each<[string, unknown, string]>([
    ['missing props', undefined, '[test/c] props: undefined are missing. Fix: give an object such as { host, ... }'],
    ['null props', null, '[test/c] props: null is not a CircuitBreakerProps object. Fix: give an object such as { host, ... }'],
    ['a string as props', 'reviews', '[test/c] props: "reviews" is a string, not a CircuitBreakerProps object. Fix: give an object such as { host, ... }'],
    ['an array as props', ['reviews'], '[test/c] props: ["reviews"] is an array, not a CircuitBreakerProps object. Fix: give an object such as { host, ... }'],
    ['an unknown key, with the closest known one', { host: 'reviews', namspace: 'x' },
      '[test/c] props: "namspace" is not a field of CircuitBreakerProps (did you mean "namespace"?). Fix: rename it to "namespace"'],
    ['an unknown key nothing is close to', { host: 'reviews', colour: 'blue' },
      '[test/c] props: "colour" is not a field of CircuitBreakerProps. Fix: drop it; CircuitBreakerProps has host, namespace, connectionPool, outlierDetection, subsets, portLevelSettings'],
    ['a key set to null', { host: 'reviews', namespace: null }, '[test/c] namespace: null is null. Fix: leave namespace out for its default or give a value'],
    ['a required key left out', { namespace: 'shop' }, '[test/c] host: undefined is missing (CircuitBreakerProps requires it). Fix: give host'],
  ])('rejects %s', (_what, props, message) => {
    expect(errorOf(() => checkProps(scope(), props, 'CircuitBreakerProps'))).toBe(message);
  });

  test('nested options name their path and interface', () => {
    // GIVEN a misspelt key one level down WHEN checked THEN the message says where and what was meant
    expect(errorOf(() => checkOptions(scope(), 'connectionPool.tcp', { maxConnection: 5 }, 'TcpPoolOptions')))
      .toBe('[test/c] connectionPool.tcp: "maxConnection" is not a field of TcpPoolOptions (did you mean "maxConnections"?). Fix: rename it to "maxConnections"');
    expect(errorOf(() => checkOptions(scope(), 'responseHeader', 'x-limited', 'RateLimitHeader')))
      .toBe('[test/c] responseHeader: "x-limited" is a string, not a RateLimitHeader object. Fix: give an object such as { name, value }');
    expect(errorOf(() => checkOptions(scope(), 'responseHeader', { name: 'x' }, 'RateLimitHeader')))
      .toBe('[test/c] responseHeader.value: undefined is missing (RateLimitHeader requires it). Fix: give value');
  });

  test('a circular props object is our error, never a stack overflow', () => {
    // GIVEN props whose connection pool contains itself
    const pool: Record<string, unknown> = {};
    pool.tcp = pool;
    // WHEN checked THEN the cycle is named where it closes
    expect(errorOf(() => checkProps(scope(), { host: 'reviews', connectionPool: pool }, 'CircuitBreakerProps')))
      .toBe('[test/c] connectionPool.tcp: {"tcp":[Circular]} refers back to connectionPool (a circular structure). Fix: pass plain data without cycles');
    // AND an array holding itself too; class instances (constructs, value classes) are not entered
    const list: unknown[] = [];
    list.push(list);
    expect(errorOf(() => checkAcyclic(scope(), 'hosts', list))).toBe('[test/c] hosts[0]: [[Circular]] refers back to hosts (a circular structure). Fix: pass plain data without cycles');
    expect(() => checkAcyclic(scope(), 'chart', { chart: Testing.chart() })).not.toThrow();
  });
});

describe('scalar checkers', () => {
  test('strings: type, length, pattern', () => {
    expect(checkString(scope(), 'name', 'abc', { maxLength: 3 })).toBe('abc');
    expect(errorOf(() => checkString(scope(), 'name', 5))).toBe('[test/c] name: 5 is a number, not a string. Fix: give a string');
    expect(errorOf(() => checkString(scope(), 'name', '', { minLength: 1, fix: 'name it' }))).toBe('[test/c] name: "" is empty. Fix: name it');
    expect(errorOf(() => checkString(scope(), 'name', 'abcd', { maxLength: 3 }))).toBe('[test/c] name: "abcd" is 4 characters long, more than the 3 allowed. Fix: give a string');
    expect(errorOf(() => checkString(scope(), 'name', 'A', { pattern: /^[a-z]+$/, what: 'lowercase' }))).toBe('[test/c] name: "A" is not lowercase. Fix: give a string');
  });

  test('booleans: no truthy strings or numbers', () => {
    expect(checkBoolean(scope(), 'cni', false)).toBe(false);
    expect(errorOf(() => checkBoolean(scope(), 'retryRemoteLocalities', 'yes')))
      .toBe('[test/c] retryRemoteLocalities: "yes" is a string, not a boolean. Fix: give true or false');
  });

  test('numbers: finite, in range; whole numbers default to a non-negative int32', () => {
    expect(checkNumber(scope(), 'p', 0.5, { minimum: 0, maximum: 100 })).toBe(0.5);
    expect(errorOf(() => checkNumber(scope(), 'p', NaN, { minimum: 0, maximum: 100 }))).toBe('[test/c] p: NaN is not a finite number from 0 to 100. Fix: give a number from 0 to 100');
    expect(errorOf(() => checkNumber(scope(), 'p', -Infinity))).toBe('[test/c] p: -Infinity is not a finite number. Fix: give a number');
    expect(checkInteger(scope(), 'n', -0)).toBe(0);
    expect(Object.is(checkInteger(scope(), 'n', -0), 0)).toBe(true);
    expect(errorOf(() => checkInteger(scope(), 'n', INT32_MAX + 1))).toBe(`[test/c] n: ${INT32_MAX + 1} is not a whole number from 0 to ${INT32_MAX}. Fix: use a whole number from 0 to ${INT32_MAX}`);
    expect(errorOf(() => checkInteger(scope(), 'weight', 2 ** 32, { minimum: 1, maximum: UINT32_MAX })))
      .toBe('[test/c] weight: 4294967296 is not a whole number from 1 to 4294967295. Fix: use a whole number from 1 to 4294967295');
    expect(errorOf(() => checkInteger(scope(), 'n', '5'))).toBe(`[test/c] n: "5" is not a whole number from 0 to ${INT32_MAX}. Fix: use a whole number from 0 to ${INT32_MAX}`);
  });

  test('enums: membership in a TypeScript enum, the fix lists the members', () => {
    expect(checkEnum(scope(), 'mode', 'ambient', DataPlaneMode, 'DataPlaneMode')).toBe(DataPlaneMode.AMBIENT);
    expect(errorOf(() => checkEnum(scope(), 'mode', 'bogus', DataPlaneMode, 'DataPlaneMode')))
      .toBe('[test/c] mode: "bogus" is not a DataPlaneMode. Fix: use one of DataPlaneMode.SIDECAR, DataPlaneMode.AMBIENT, DataPlaneMode.NONE');
  });

  test('string-literal unions: one of a few strings', () => {
    expect(checkOneOf(scope(), 'operator', 'Exists', ['Equal', 'Exists'])).toBe('Exists');
    expect(errorOf(() => checkOneOf(scope(), 'operator', 'exists', ['Equal', 'Exists'])))
      .toBe('[test/c] operator: "exists" is not one of "Equal", "Exists". Fix: use one of "Equal", "Exists"');
  });

  test('instances of value classes: a look-alike plain object is refused, the fix names the factories', () => {
    const lb = LoadBalancer.random();
    expect(checkInstance(scope(), 'loadBalancer', lb, LoadBalancer, 'use LoadBalancer.random()')).toBe(lb);
    expect(errorOf(() => checkInstance(scope(), 'loadBalancer', { simple: 'RANDOM' }, LoadBalancer, 'use LoadBalancer.random() and the like')))
      .toBe('[test/c] loadBalancer: {"simple":"RANDOM"} is an object, not a LoadBalancer. Fix: use LoadBalancer.random() and the like');
  });

  test('describeType', () => {
    expect([null, [], NaN, 1, 'x', {}, LoadBalancer.random(), undefined].map(describeType))
      .toStrictEqual(['null', 'an array', 'NaN', 'a number', 'a string', 'an object', 'a LoadBalancer', 'undefined']);
  });
});

describe('lists and maps', () => {
  test('arrays: a scalar is not a list; items are checked with paths like ports[2].number; limits', () => {
    const ports = [{ number: 80 }, { number: 443 }, { number: 'x' }];
    expect(errorOf(() => checkArray(scope(), 'ports', ports, (p, f) => checkInteger(scope(), `${f}.number`, (p as { number: unknown }).number))))
      .toBe(`[test/c] ports[2].number: "x" is not a whole number from 0 to ${INT32_MAX}. Fix: use a whole number from 0 to ${INT32_MAX}`);
    expect(errorOf(() => checkArray(scope(), 'hosts', 'a.example.com', (h) => h))).toBe('[test/c] hosts: "a.example.com" is a string, not a list. Fix: give a list (an array)');
    expect(errorOf(() => checkArray(scope(), 'hosts', [], (h) => h, { minItems: 1 }))).toBe('[test/c] hosts: [] is empty. Fix: give a list (an array)');
    expect(errorOf(() => checkArray(scope(), 'hosts', new Array(300).fill('h'), (h) => h, { maxItems: 256 })))
      .toBe(`[test/c] hosts: [${'"h",'.repeat(29)}"h…` + ' has 300 items, more than the 256 allowed. Fix: give at most 256 items');
    expect(checkArray(scope(), 'xs', [1, 2], (x) => (x as number) * 2)).toStrictEqual([2, 4]);
  });

  test('string maps: values must be strings, keys sorted in the copy', () => {
    expect(checkStringMap(scope(), 'env', { B: '2', A: '1' })).toStrictEqual({ A: '1', B: '2' });
    expect(Object.keys(checkStringMap(scope(), 'env', { B: '2', A: '1' }))).toStrictEqual(['A', 'B']);
    expect(errorOf(() => checkStringMap(scope(), 'env', { PORT: 8080 }))).toBe('[test/c] env.PORT: 8080 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
    expect(errorOf(() => checkStringMap(scope(), 'env', ['a']))).toBe('[test/c] env: ["a"] is an array, not a map of strings. Fix: give a map of strings, e.g. { app: "reviews" }');
  });

  test('labels follow the Kubernetes rules: no empty key, no invalid key, string values only', () => {
    expect(checkLabels(scope(), 'labels', { 'team': 'a', 'app.kubernetes.io/name': 'x' })).toStrictEqual({ 'app.kubernetes.io/name': 'x', 'team': 'a' });
    expect(errorOf(() => checkLabels(scope(), 'labels', { 'bad key!': 'x' })))
      .toBe('[test/c] labels: "bad key!" is not a valid label key. Fix: use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    expect(errorOf(() => checkLabels(scope(), 'labels', { '': 'x' })))
      .toBe('[test/c] labels: "" is an empty label key. Fix: use an optional DNS prefix and a name of at most 63 characters, e.g. "app.kubernetes.io/name"');
    expect(errorOf(() => checkLabels(scope(), 'labels', { team: 7 }))).toBe('[test/c] labels.team: 7 is a number, not a string. Fix: give the value as a string, e.g. "8080" or "true"');
    expect(errorOf(() => checkLabels(scope(), 'labels', { 'app.kubernetes.io/name': 'no spaces' })))
      .toBe('[test/c] labels["app.kubernetes.io/name"]: "no spaces" is not a valid label value (at most 63 characters of letters, digits, "-", "_", ".", starting and ending with a letter or digit). Fix: shorten or fix the value');
  });
});

describe('helpers', () => {
  test('copyOptions copies objects and keeps anything else for the render-time check', () => {
    const options = { name: 'x' };
    const copy = copyOptions(options);
    expect(copy).toStrictEqual(options);
    expect(copy).not.toBe(options);
    expect(copyOptions(undefined)).toBeUndefined();
    expect(copyOptions('x' as unknown)).toBe('x');
  });

  test('closest: the did-you-mean of unknown keys and unknown schema fields', () => {
    expect(closest('maxConnection', ['maxConnections', 'connectTimeout'])).toBe('maxConnections');
    expect(closest('HOST', ['host'])).toBe('host');
    expect(closest('zzz', ['host'])).toBeUndefined();
  });
});
