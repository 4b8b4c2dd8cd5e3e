import { Duration, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import { formatInputError, invalidInput, show, SHOW_LIMIT } from '../../lib/core/errors';
import { LoadBalancer } from '../../lib';

describe('show: values printed faithfully', () => {
  test.each<[string, unknown, string]>([
    ['NaN', NaN, 'NaN'],
    ['Infinity', Infinity, 'Infinity'],
    ['-Infinity', -Infinity, '-Infinity'],
    ['-0', -0, '-0'],
    ['0', 0, '0'],
    ['undefined', undefined, 'undefined'],
    ['null', null, 'null'],
    ['a bigint', 12n, '12n'],
    ['a symbol', Symbol('token'), 'Symbol(token)'],
    ['a named function', function named() {}, '[function named]'],
    ['a string, quoted', 'a"b', '"a\\"b"'],
    ['undefined and NaN inside objects and arrays', { a: undefined, b: [undefined, NaN, -0] }, '{"a":undefined,"b":[undefined,NaN,-0]}'],
    ['a Duration', Duration.seconds(1.5), 'Duration.millis(1500)'],
    ['a Duration of NaN', Duration.millis(NaN), 'Duration.millis(NaN)'],
    ['one of our value classes, by class name and fields', LoadBalancer.random(), 'LoadBalancer {"kind":{"simple":"RANDOM"}}'],
    ['a null-prototype object as a plain one', Object.assign(Object.create(null), { a: 1 }), '{"a":1}'],
    ['a date', new Date(0), '1970-01-01T00:00:00.000Z'],
  ])('%s', (_what, value, expected) => {
    // GIVEN a value WHEN it is shown THEN it reads as what it is (JSON would print NaN as null, drop undefined, throw on bigint)
    expect(show(value)).toBe(expected);
  });

  test('a circular object is shown with [Circular], never a stack overflow', () => {
    // GIVEN an object that contains itself
    const circular: Record<string, unknown> = { a: 1 };
    circular.self = circular;
    // WHEN shown THEN the cycle is marked; a value seen twice without a cycle is shown twice
    expect(show(circular)).toBe('{"a":1,"self":[Circular]}');
    expect(show([circular, circular])).toBe('[{"a":1,"self":[Circular]},{"a":1,"self":[Circular]}]');
  });

  test('a construct is shown by its path', () => {
    // GIVEN a construct in a chart WHEN shown THEN its class and path
    const chart = Testing.chart();
    expect(show(new Construct(chart, 'thing'))).toBe('<Construct test/thing>');
  });

  test(`long strings and objects are cut at ${SHOW_LIMIT} characters with an ellipsis; huge arrays cost nothing`, () => {
    // GIVEN a long string, a long object and an array of a million items
    const long = show('x'.repeat(1000));
    const object = show({ hosts: Array.from({ length: 300 }, (_, i) => `h${i}.example.com`) });
    // an array of a million items whose items past the first hundred may not be read
    const million = new Proxy(new Array(1_000_000).fill(7), {
      get(target, key, receiver) {
        if (typeof key === 'string' && /^[0-9]+$/.test(key) && Number(key) >= 100) throw new Error(`item ${key} was read`);
        return Reflect.get(target, key, receiver);
      },
    });
    const huge = show(million);
    // THEN each is at most SHOW_LIMIT characters, a string keeps its quotes, and the rest ends in …
    expect(long).toBe(`"${'x'.repeat(SHOW_LIMIT - 3)}…"`);
    expect(long).toHaveLength(SHOW_LIMIT);
    expect(object).toHaveLength(SHOW_LIMIT);
    expect(object.startsWith('{"hosts":["h0.example.com","h1.example.com",')).toBe(true);
    expect(object.endsWith('…')).toBe(true);
    expect(huge).toBe(`[${'7,'.repeat(59)}…`);
  });

  test('deeply nested values are cut with {…}', () => {
    expect(show({ a: { b: { c: { d: { e: { f: { g: 1 } } } } } } })).toBe('{"a":{"b":{"c":{"d":{"e":{"f":{…}}}}}}}');
  });

  test('an object whose getter throws is still shown', () => {
    const hostile = Object.defineProperty({}, 'boom', { enumerable: true, get: () => { throw new Error('no'); } });
    expect(show(hostile)).toBe('{"boom":"[unreadable]"}');
  });
});

describe('the message shape', () => {
  test('[<construct path>] <field>: <value> <problem>. Fix: <fix>', () => {
    // GIVEN a construct WHEN an input error is raised THEN it has the one shape, with the value shown faithfully
    const scope = new Construct(Testing.chart(), 'cb');
    expect(invalidInput(scope, 'connectionPool.tcp.maxConnections', NaN, 'is not a whole number', 'use e.g. 100').message)
      .toBe('[test/cb] connectionPool.tcp.maxConnections: NaN is not a whole number. Fix: use e.g. 100');
    expect(formatInputError('', 'app', Infinity, 'is wrong', 'mend it')).toBe('app: Infinity is wrong. Fix: mend it');
  });
});
