import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../src/contract/signature.js';

const secret = 'whsec_test';
const body = String.raw`{"uuid":"u","public_url":"https:\/\/imagefactory.io\/storage\/a.jpg"}`;

describe('signBody', () => {
  it('writes HMAC-SHA256 as 64 lowercase hex digits (RFC 4231 test case 2)', () => {
    expect(signBody('what do ya want for nothing?', 'Jefe')).toBe(
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    );
  });

  it('signs a string as its UTF-8 bytes', () => {
    expect(signBody('café 😀', secret)).toBe(signBody(new TextEncoder().encode('café 😀'), secret));
  });

  it('gives a different signature for a different secret', () => {
    expect(signBody(body, 'other')).not.toBe(signBody(body, secret));
  });
});

describe('verifySignature', () => {
  const signature = signBody(body, secret);

  it('accepts the genuine signature over a string body', () => {
    expect(verifySignature(body, signature, secret)).toBe(true);
  });

  it('accepts the genuine signature over the raw bytes', () => {
    expect(verifySignature(Buffer.from(body, 'utf8'), signature, secret)).toBe(true);
  });

  it('tolerates surrounding whitespace and upper-case hex', () => {
    expect(verifySignature(body, `  ${signature.toUpperCase()}\t\n`, secret)).toBe(true);
  });

  it('rejects a tampered body', () => {
    expect(verifySignature(body.replace('a.jpg', 'b.jpg'), signature, secret)).toBe(false);
  });

  it('rejects the right body signed with another secret', () => {
    expect(verifySignature(body, signBody(body, 'other'), secret)).toBe(false);
  });

  it('rejects a body that was parsed and re-serialised', () => {
    expect(verifySignature(JSON.stringify(JSON.parse(body)), signature, secret)).toBe(false);
  });

  it.each([
    ['missing (undefined)', undefined],
    ['missing (null)', null],
    ['empty', ''],
    ['too short', signature.slice(0, 63)],
    ['too long', `${signature}0`],
    ['not hex', `${signature.slice(0, 63)}g`],
    ['prefixed with sha256=', `sha256=${signature}`],
    ['whitespace inside', `${signature.slice(0, 32)} ${signature.slice(32)}`],
  ])('returns false, without throwing, for a signature that is %s', (_name, header) => {
    expect(verifySignature(body, header, secret)).toBe(false);
  });
});
