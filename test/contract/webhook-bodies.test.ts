import { describe, expect, it } from 'vitest';
import { signBody, verifySignature } from '../../src/contract/signature.js';
import {
  WebhookBodyError,
  parseWebhookBody,
  serialiseBatchWebhookBody,
  serialiseSingleWebhookBody,
} from '../../src/contract/webhook-bodies.js';

const uuid = '0f8fad5b-d9cb-469f-a165-70867728950e';

describe('serialiseBatchWebhookBody', () => {
  it('writes uuid then output, each output key then public_url, PHP-escaped', () => {
    expect(
      serialiseBatchWebhookBody(uuid, [
        { key: 'a', public_url: 'https://cdn.test/renders/1.jpg' },
        { key: 'b', public_url: 'https://cdn.test/renders/2.jpg' },
      ]),
    ).toBe(
      String.raw`{"uuid":"0f8fad5b-d9cb-469f-a165-70867728950e","output":[{"key":"a","public_url":"https:\/\/cdn.test\/renders\/1.jpg"},{"key":"b","public_url":"https:\/\/cdn.test\/renders\/2.jpg"}]}`,
    );
  });

  it('keeps the service key order whatever order the caller used, and drops extra fields', () => {
    const outputs = [{ public_url: 'https://c.test/x.jpg', extra: 1, key: 'k' }];
    expect(serialiseBatchWebhookBody(uuid, outputs)).toBe(
      String.raw`{"uuid":"0f8fad5b-d9cb-469f-a165-70867728950e","output":[{"key":"k","public_url":"https:\/\/c.test\/x.jpg"}]}`,
    );
  });

  it('escapes unicode and emoji in keys as PHP does', () => {
    expect(serialiseBatchWebhookBody(uuid, [{ key: 'café/😀', public_url: 'https://c.test/x.jpg' }])).toBe(
      String.raw`{"uuid":"0f8fad5b-d9cb-469f-a165-70867728950e","output":[{"key":"caf\u00e9\/\ud83d\ude00","public_url":"https:\/\/c.test\/x.jpg"}]}`,
    );
  });
});

describe('serialiseSingleWebhookBody', () => {
  it('writes uuid then public_url, PHP-escaped', () => {
    expect(serialiseSingleWebhookBody(uuid, 'https://imagefactory.io/storage/abc.jpg')).toBe(
      String.raw`{"uuid":"0f8fad5b-d9cb-469f-a165-70867728950e","public_url":"https:\/\/imagefactory.io\/storage\/abc.jpg"}`,
    );
  });
});

describe('parseWebhookBody', () => {
  it('round-trips a batch body, from a string and from bytes', () => {
    const outputs = [
      { key: 'ünï/😀', public_url: 'https://cdn.test/renders/1.jpg' },
      { key: 'plain', public_url: 'https://cdn.test/renders/2.jpg' },
    ];
    const raw = serialiseBatchWebhookBody(uuid, outputs);
    const expected = { kind: 'batch', body: { uuid, output: outputs } };
    expect(parseWebhookBody(raw)).toEqual(expected);
    expect(parseWebhookBody(new TextEncoder().encode(raw))).toEqual(expected);
  });

  it('round-trips a single body', () => {
    const raw = serialiseSingleWebhookBody(uuid, 'https://imagefactory.io/storage/abc.jpg');
    expect(parseWebhookBody(raw)).toEqual({
      kind: 'single',
      body: { uuid, public_url: 'https://imagefactory.io/storage/abc.jpg' },
    });
  });

  it.each([
    ['a URL that is not one', `{"uuid":"${uuid}","output":[{"key":"a","public_url":"https:\\/\\/c.test\\/1.jpg"},{"key":"b","public_url":"https:\\/\\/c.test\\/2.jpg"},{"key":"c","public_url":"x"}]}`, 'webhook body: output.2.public_url must be a URL (got "x")'],
    ['a missing key', `{"uuid":"${uuid}","output":[{"public_url":"https:\\/\\/c.test\\/1.jpg"}]}`, 'webhook body: output.0.key is missing; add it'],
    ['a key that is a number', `{"uuid":"${uuid}","output":[{"key":7,"public_url":"https:\\/\\/c.test\\/1.jpg"}]}`, 'webhook body: output.0.key must be a string (got 7)'],
    ['an empty output', `{"uuid":"${uuid}","output":[]}`, 'webhook body: output must have at least 1 item (got an empty array)'],
    ['a uuid that is not one', '{"uuid":"nope","public_url":"https:\\/\\/c.test\\/1.jpg"}', 'webhook body: uuid must be a UUID (got "nope")'],
    ['a missing uuid', '{"public_url":"https:\\/\\/c.test\\/1.jpg"}', 'webhook body: uuid is missing; add it'],
    ['neither shape', `{"uuid":"${uuid}"}`, 'webhook body: has neither output (a batch call) nor public_url (a single-render call); send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}'],
    ['an array', '[1]', 'webhook body: must be a JSON object (got an array); send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}'],
    ['text that is not JSON', '{"uuid": nope}', 'webhook body: not valid JSON (at position 9, near "{\\"uuid\\": nope}"); send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}'],
    ['a cut-off body', `{"uuid":"${uuid}","output":[`, 'webhook body: not valid JSON (unexpected end at position 57); send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}'],
    ['a trailing comma', '{"a":1,}', 'webhook body: not valid JSON (at position 7, near "{\\"a\\":1,}"); send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}'],
    ['an empty body', '', 'webhook body: not valid JSON (the body is empty); send {"uuid":…,"output":[{"key":…,"public_url":…}]} or {"uuid":…,"public_url":…}'],
  ])('throws WebhookBodyError naming the field for %s', (_name, raw, message) => {
    expect(() => parseWebhookBody(raw)).toThrow(new WebhookBodyError(message));
    expect(() => parseWebhookBody(raw)).toThrow(WebhookBodyError);
  });

  it('throws WebhookBodyError for bytes that are not UTF-8', () => {
    expect(() => parseWebhookBody(new Uint8Array([0x7b, 0xff, 0x7d]))).toThrow(
      new WebhookBodyError('webhook body: not valid UTF-8; send the body as UTF-8 JSON'),
    );
  });
});

describe('the re-serialisation bug the mock reproduces', () => {
  it('gives a body re-serialised with JSON.stringify a different signature', () => {
    const secret = 'whsec_test';
    const raw = serialiseBatchWebhookBody(uuid, [{ key: 'café', public_url: 'https://cdn.test/renders/1.jpg' }]);
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(reserialised).toBe(
      `{"uuid":"${uuid}","output":[{"key":"café","public_url":"https://cdn.test/renders/1.jpg"}]}`,
    );
    expect(signBody(reserialised, secret)).not.toBe(signBody(raw, secret));
    expect(verifySignature(reserialised, signBody(raw, secret), secret)).toBe(false);
    expect(verifySignature(raw, signBody(raw, secret), secret)).toBe(true);
  });
});
