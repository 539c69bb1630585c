/**
 * A serialiser that writes what PHP's `json_encode($value)` writes with default flags
 * (PHP >= 7.1, `serialize_precision = -1`), byte for byte.
 *
 * The real service signs the bytes PHP produced, so the mock must produce the same bytes: `/` as
 * `\/`, every non-ASCII character as a lowercase `\uXXXX` escape (astral characters as a UTF-16
 * surrogate pair), and floats in PHP's own notation. A handler that re-serialises the parsed body
 * with `JSON.stringify` gets different bytes and a signature mismatch, in production and here.
 *
 * JavaScript has one number type, so PHP's int/float split is decided by value: an integral number
 * inside PHP's 64-bit int range encodes as an integer (`1.0` and `1` both give `1`, which is also
 * what PHP gives for the float `1.0`); anything else encodes as PHP encodes a float.
 */

const HEX = '0123456789abcdef';

/** PHP's default `json_encode` depth limit: deeper nesting fails with "Maximum stack depth exceeded". */
const PHP_MAX_DEPTH = 512;

/** 2^63: PHP_INT_MAX + 1. Integral values at or beyond it are floats in PHP. */
const PHP_INT_LIMIT = 2 ** 63;

/** php_gcvt switches to exponent notation beyond 17 digits before, or 4 zeros after, the point. */
const PHP_FIXED_MAX_DECPT = 17;
const PHP_FIXED_MIN_DECPT = -3;

/**
 * Encodes `value` exactly as PHP's `json_encode($value)` with default flags would.
 *
 * Supported: `null`, booleans, finite numbers, bigints within PHP's int range, strings,
 * arrays (as JSON arrays) and plain objects (as JSON objects, keys in insertion order,
 * `undefined` properties skipped). Integral numbers encode as integers (see the module note).
 *
 * @throws Error where PHP's `json_encode` fails (a lone surrogate, which is invalid UTF-8 to PHP;
 *   NaN or Infinity; nesting deeper than 512; a circular reference) or where a value has no PHP
 *   equivalent (`undefined` in an array, a function, a symbol, a class instance). The message names
 *   the path, e.g. `$.output[2].key`.
 *
 * @example
 * phpJsonEncode({ uuid: 'a', public_url: 'https://cdn/x.jpg', caption: 'café 😀' });
 * // '{"uuid":"a","public_url":"https:\\/\\/cdn\\/x.jpg","caption":"caf\\u00e9 \\ud83d\\ude00"}'
 */
export function phpJsonEncode(value: unknown): string {
  const parts: string[] = [];
  encodeValue(value, '$', 0, new Set(), parts);
  return parts.join('');
}

function fail(path: string, what: string): never {
  throw new Error(`phpJsonEncode: ${what} at ${path}`);
}

function encodeValue(
  value: unknown,
  path: string,
  depth: number,
  ancestors: Set<object>,
  out: string[],
): void {
  switch (typeof value) {
    case 'string':
      out.push(encodeString(value, path));
      return;
    case 'number':
      out.push(encodeNumber(value, path));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'bigint':
      if (value >= -(2n ** 63n) && value < 2n ** 63n) {
        out.push(value.toString());
        return;
      }
      return fail(path, `bigint ${value} is outside PHP's 64-bit int range; pass a string instead`);
    case 'undefined':
      return fail(path, 'undefined has no PHP equivalent; use null or leave the property out');
    case 'function':
    case 'symbol':
      return fail(path, `a ${typeof value} cannot be encoded as JSON`);
  }
  if (value === null) {
    out.push('null');
    return;
  }
  const object = value as object;
  if (ancestors.has(object)) {
    return fail(path, 'circular reference (PHP: "Recursion detected")');
  }
  // PHP counts the depth of the container being opened, and fails once it passes the limit.
  if (depth + 1 > PHP_MAX_DEPTH) {
    return fail(path, `nesting deeper than ${PHP_MAX_DEPTH} (PHP: "Maximum stack depth exceeded")`);
  }
  ancestors.add(object);
  if (Array.isArray(object)) {
    out.push('[');
    for (let index = 0; index < object.length; index++) {
      if (index > 0) out.push(',');
      encodeValue(object[index], `${path}[${index}]`, depth + 1, ancestors, out);
    }
    out.push(']');
  } else {
    const prototype = Object.getPrototypeOf(object) as unknown;
    if (prototype !== Object.prototype && prototype !== null) {
      const name = (object as { constructor?: { name?: string } }).constructor?.name ?? 'object';
      return fail(path, `a ${name} instance is not a plain object; convert it to one first`);
    }
    out.push('{');
    let first = true;
    for (const [key, child] of Object.entries(object)) {
      if (child === undefined) continue;
      if (!first) out.push(',');
      first = false;
      const childPath = /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
      out.push(encodeString(key, `${childPath} (the key)`), ':');
      encodeValue(child, childPath, depth + 1, ancestors, out);
    }
    out.push('}');
  }
  ancestors.delete(object);
}

function hex4(code: number): string {
  return (
    '\\u' +
    HEX[(code >> 12) & 0xf] +
    HEX[(code >> 8) & 0xf] +
    HEX[(code >> 4) & 0xf] +
    HEX[code & 0xf]
  );
}

function encodeString(text: string, path: string): string {
  let result = '"';
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if (code >= 0x20 && code < 0x7f) {
      if (code === 0x22) result += '\\"';
      else if (code === 0x5c) result += '\\\\';
      else if (code === 0x2f) result += '\\/';
      else result += text[index];
    } else if (code < 0x20) {
      switch (code) {
        case 0x08: result += '\\b'; break;
        case 0x0c: result += '\\f'; break;
        case 0x0a: result += '\\n'; break;
        case 0x0d: result += '\\r'; break;
        case 0x09: result += '\\t'; break;
        default: result += hex4(code);
      }
    } else if (code === 0x7f) {
      // PHP's escape table leaves DEL alone.
      result += '\x7f';
    } else if (code >= 0xd800 && code <= 0xdbff) {
      const next = text.charCodeAt(index + 1);
      if (!(next >= 0xdc00 && next <= 0xdfff)) {
        return fail(path, loneSurrogate(code, index));
      }
      result += hex4(code) + hex4(next);
      index++;
    } else if (code >= 0xdc00 && code <= 0xdfff) {
      return fail(path, loneSurrogate(code, index));
    } else {
      result += hex4(code);
    }
  }
  return result + '"';
}

function loneSurrogate(code: number, index: number): string {
  const hex = code.toString(16).padStart(4, '0');
  return (
    `lone surrogate \\u${hex} at string index ${index} is invalid UTF-8, ` +
    `so PHP's json_encode fails ("Malformed UTF-8 characters"); fix the string's source`
  );
}

function encodeNumber(value: number, path: string): string {
  if (!Number.isFinite(value)) {
    return fail(path, `${value} cannot be encoded (PHP: "Inf and NaN cannot be JSON encoded")`);
  }
  if (Number.isInteger(value) && !Object.is(value, -0) && Math.abs(value) < PHP_INT_LIMIT) {
    // Below 2^63 < 1e21, String() writes every digit without an exponent.
    return String(value);
  }
  return phpFloat(value);
}

/**
 * php_gcvt in mode 0 (shortest round-trip digits, `serialize_precision = -1`): fixed notation when
 * the decimal exponent is in [-3, 17], else `d.ddde±x` with at least one digit after the point.
 */
function phpFloat(value: number): string {
  const sign = value < 0 || Object.is(value, -0) ? '-' : '';
  // toExponential() without an argument gives the shortest digits that round-trip, as zend_dtoa
  // mode 0 does.
  const [mantissa = '0', exponent = '0'] = Math.abs(value).toExponential().split('e');
  const digits = mantissa.replace('.', '');
  const decpt = Number(exponent) + 1;
  if (decpt > PHP_FIXED_MAX_DECPT || decpt < PHP_FIXED_MIN_DECPT) {
    const exp = decpt - 1;
    const fraction = digits.length > 1 ? digits.slice(1) : '0';
    return `${sign}${digits[0]}.${fraction}e${exp < 0 ? '-' : '+'}${Math.abs(exp)}`;
  }
  if (decpt <= 0) {
    return `${sign}0.${'0'.repeat(-decpt)}${digits}`;
  }
  if (digits.length <= decpt) {
    return `${sign}${digits}${'0'.repeat(decpt - digits.length)}`;
  }
  return `${sign}${digits.slice(0, decpt)}.${digits.slice(decpt)}`;
}
