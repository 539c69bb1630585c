import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/mock/chaos/rng.js';
import { phpJsonEncode } from '../../../src/mock/pipeline/php-json.js';

// Each expected string is what PHP 8 `json_encode($value)` prints with default flags and
// serialize_precision = -1 (written as PHP prints it, in a raw template so backslashes are literal).
const cases: ReadonlyArray<readonly [name: string, value: unknown, php: string]> = [
  ['escapes forward slashes', 'https://cdn.test/renders/a.jpg', String.raw`"https:\/\/cdn.test\/renders\/a.jpg"`],
  ['escapes quotes and backslashes', 'say "hi" \\ bye', String.raw`"say \"hi\" \\ bye"`],
  ['writes short escapes for \\b \\f \\n \\r \\t', '\b\f\n\r\t', String.raw`"\b\f\n\r\t"`],
  ['writes other control characters as lowercase \\u00XX', '\u0000\u0001\u000b\u001f', String.raw`"\u0000\u0001\u000b\u001f"`],
  ['leaves DEL unescaped', 'a\u007fb', '"a\u007fb"'],
  ['leaves printable ASCII, < > & and \' alone', `<a href='x'>&</a>`, String.raw`"<a href='x'>&<\/a>"`],
  ['escapes BMP characters as lowercase \\uXXXX', 'café Ünïcødé €', String.raw`"caf\u00e9 \u00dcn\u00efc\u00f8d\u00e9 \u20ac"`],
  ['escapes CJK and line separators', '日本\u2028\u2029', String.raw`"\u65e5\u672c\u2028\u2029"`],
  ['escapes astral characters as a surrogate pair', '😀', String.raw`"\ud83d\ude00"`],
  ['escapes a flag and a ZWJ family', '🇫🇷👨‍👩‍👧', String.raw`"\ud83c\uddeb\ud83c\uddf7\ud83d\udc68\u200d\ud83d\udc69\u200d\ud83d\udc67"`],
  ['writes the empty string', '', '""'],
  ['writes integers as they are', 42, '42'],
  ['writes negative integers', -7, '-7'],
  ['writes zero', 0, '0'],
  ['writes negative zero as PHP writes -0.0', -0, '-0'],
  ['writes an integral float as an integer', 1.0, '1'],
  ['writes the largest safe integer', 9007199254740991, '9007199254740991'],
  ['writes 0.1 with shortest round-trip digits', 0.1, '0.1'],
  ['writes 0.1 + 0.2 with all 17 digits', 0.1 + 0.2, '0.30000000000000004'],
  ['writes a negative float', -2.5, '-2.5'],
  ['writes 0.0001 in fixed notation', 0.0001, '0.0001'],
  ['switches to an exponent below 0.0001', 0.00001, '1.0e-5'],
  ['writes 1.5e-7 with a PHP exponent', 1.5e-7, '1.5e-7'],
  ['writes 1e-7 with a .0 mantissa', 1e-7, '1.0e-7'],
  ['writes 1e25 with a .0 mantissa and a + sign', 1e25, '1.0e+25'],
  ['writes integral values beyond PHP_INT_MAX as floats', 1e19, '1.0e+19'],
  ['writes 1.5e300 with a three-digit exponent', 1.5e300, '1.5e+300'],
  ['writes the smallest subnormal with shortest digits', 5e-324, '5.0e-324'],
  ['writes a 17-digit float in fixed notation', 123456789012345.67, '123456789012345.67'],
  ['writes a float with an integer part', 123456789.12345, '123456789.12345'],
  ['writes a bigint in int range', 9223372036854775807n, '9223372036854775807'],
  ['writes null and booleans', [null, true, false], '[null,true,false]'],
  ['writes an empty array', [], '[]'],
  ['writes an empty object', {}, '{}'],
  ['writes nested arrays and objects without whitespace', { a: [1, { b: [] }], c: { d: null } }, '{"a":[1,{"b":[]}],"c":{"d":null}}'],
  ['keeps object keys in insertion order', { z: 1, a: 2, m: 3 }, '{"z":1,"a":2,"m":3}'],
  ['skips undefined properties', { a: 1, b: undefined, c: 3 }, '{"a":1,"c":3}'],
  ['escapes object keys like values', { 'a/b': 1, 'é': 2, '😀': 3 }, String.raw`{"a\/b":1,"\u00e9":2,"\ud83d\ude00":3}`],
  ['writes a webhook body as the service does', { uuid: 'u', output: [{ key: 'k', public_url: 'https://cdn.test/r/u.jpg' }] }, String.raw`{"uuid":"u","output":[{"key":"k","public_url":"https:\/\/cdn.test\/r\/u.jpg"}]}`],
];

describe('phpJsonEncode', () => {
  it.each(cases)('%s', (_name, value, php) => {
    expect(phpJsonEncode(value)).toBe(php);
  });

  it('accepts 512 levels of nesting, as PHP does', () => {
    const deep = JSON.parse('['.repeat(512) + ']'.repeat(512)) as unknown;
    expect(phpJsonEncode(deep)).toBe('['.repeat(512) + ']'.repeat(512));
  });

  const failures: ReadonlyArray<readonly [name: string, value: unknown, message: string]> = [
    [
      'throws on a lone high surrogate, naming where',
      { output: [{ key: 'ok' }, { key: 'a\ud83d' }] },
      String.raw`phpJsonEncode: lone surrogate \ud83d at string index 1 is invalid UTF-8, so PHP's json_encode fails ("Malformed UTF-8 characters"); fix the string's source at $.output[1].key`,
    ],
    [
      'throws on a lone low surrogate in a key',
      { ['\ude00x']: 1 },
      String.raw`phpJsonEncode: lone surrogate \ude00 at string index 0 is invalid UTF-8, so PHP's json_encode fails ("Malformed UTF-8 characters"); fix the string's source at $["\ude00x"] (the key)`,
    ],
    ['throws on NaN', { n: NaN }, 'phpJsonEncode: NaN cannot be encoded (PHP: "Inf and NaN cannot be JSON encoded") at $.n'],
    ['throws on Infinity', [-Infinity], 'phpJsonEncode: -Infinity cannot be encoded (PHP: "Inf and NaN cannot be JSON encoded") at $[0]'],
    ['throws on undefined in an array', [1, undefined], 'phpJsonEncode: undefined has no PHP equivalent; use null or leave the property out at $[1]'],
    ['throws on a class instance', { when: new Date(0) }, 'phpJsonEncode: a Date instance is not a plain object; convert it to one first at $.when'],
    ['throws on a bigint beyond int64', 2n ** 63n, "phpJsonEncode: bigint 9223372036854775808 is outside PHP's 64-bit int range; pass a string instead at $"],
    ['throws on nesting deeper than 512', JSON.parse('['.repeat(513) + ']'.repeat(513)) as unknown, `phpJsonEncode: nesting deeper than 512 (PHP: "Maximum stack depth exceeded") at $${'[0]'.repeat(512)}`],
  ];

  it.each(failures)('%s', (_name, value, message) => {
    expect(() => phpJsonEncode(value)).toThrow(new Error(message));
  });

  it('throws on a circular reference', () => {
    const looped: Record<string, unknown> = { a: 1 };
    looped.self = looped;
    expect(() => phpJsonEncode(looped)).toThrow(
      new Error('phpJsonEncode: circular reference (PHP: "Recursion detected") at $.self'),
    );
  });

  it('encodes a shared, non-circular object each time it appears', () => {
    const shared = { k: 1 };
    expect(phpJsonEncode([shared, shared])).toBe('[{"k":1},{"k":1}]');
  });

  it('writes pure ASCII that JSON.parse reads back as the same value, for random strings and numbers', () => {
    const rng = createRng('php-json-roundtrip');
    const ranges: Array<[number, number]> = [[0x00, 0x7f], [0x80, 0x7ff], [0x800, 0xd7ff], [0xe000, 0xffff], [0x10000, 0x10ffff]];
    for (let round = 0; round < 300; round++) {
      const text = Array.from({ length: rng.int(0, 12) }, () => {
        const [low, high] = rng.pick(ranges);
        return String.fromCodePoint(rng.int(low, high));
      }).join('');
      const number = (rng.next() - 0.5) * 10 ** rng.int(-30, 30);
      const encoded = phpJsonEncode({ text, number });
      expect(encoded).toMatch(/^[\x20-\x7f]*$/);
      expect(JSON.parse(encoded)).toEqual({ text, number });
    }
  });
});
