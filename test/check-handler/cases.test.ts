import { describe, expect, it } from 'vitest';
import { CHECK_CASES, type CheckId, type PlannedDelivery } from '../../src/check-handler/index.js';
import { verifySignature } from '../../src/contract/signature.js';
import { parseWebhookBody } from '../../src/contract/webhook-bodies.js';
import { createRng } from '../../src/mock/chaos/rng.js';

const secret = 'whsec_cases';

function plan(id: CheckId, seed: number | string = 'cases'): PlannedDelivery[] {
  const check = CHECK_CASES.find((candidate) => candidate.id === id);
  if (check === undefined) throw new Error(`no case ${id}`);
  return check.plan({ rng: createRng(seed).fork(id), secret });
}

const batchKeys = (delivery: PlannedDelivery): string[] => {
  const parsed = parseWebhookBody(delivery.body);
  return parsed.kind === 'batch' ? parsed.body.output.map((output) => output.key) : [];
};

describe('CHECK_CASES', () => {
  it('has a unique id per case', () => {
    const ids = CHECK_CASES.map((check) => check.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(CHECK_CASES.map((check) => [check.id] as const))('plans the same calls for the same seed (%s)', (id) => {
    expect(plan(id, 'same')).toEqual(plan(id, 'same'));
    expect(plan(id, 'same')).not.toEqual(plan(id, 'other'));
  });

  it.each(CHECK_CASES.map((check) => [check.id] as const))('plans bodies in a documented webhook shape (%s)', (id) => {
    for (const delivery of plan(id)) expect(() => parseWebhookBody(delivery.body)).not.toThrow();
  });

  it.each(CHECK_CASES.filter((check) => check.expect === 'acknowledge').map((check) => [check.id] as const))(
    'signs every call of an acknowledge case genuinely (%s)',
    (id) => {
      for (const delivery of plan(id)) expect(verifySignature(delivery.body, delivery.signature, secret)).toBe(true);
    },
  );

  it('sends a tampered body with a well-formed signature that does not match it', () => {
    const [delivery] = plan('tampered-body');
    expect(delivery?.signature).toMatch(/^[0-9a-f]{64}$/);
    expect(verifySignature(delivery!.body, delivery!.signature, secret)).toBe(false);
    expect(delivery?.body).toContain('https:\\/\\/attacker.example\\/renders\\/');
  });

  it('signs the wrong-signature call with another secret, and sends no header for missing-signature', () => {
    const [wrong] = plan('wrong-signature');
    expect(verifySignature(wrong!.body, wrong!.signature, `${secret}-wrong`)).toBe(true);
    expect(verifySignature(wrong!.body, wrong!.signature, secret)).toBe(false);
    expect(plan('missing-signature')[0]?.signature).toBeUndefined();
  });

  it('sends the same bytes and signature twice for a duplicate delivery', () => {
    const [first, second] = plan('duplicate-delivery');
    expect([second?.body, second?.signature]).toEqual([first?.body, first?.signature]);
  });

  it.each(['a', 'b', 'c', 'd', 'e', 1, 2, 3])('splits one job into 3 or 4 calls covering every key once, out of order (seed %s)', (seed) => {
    const calls = plan('split-out-of-order', seed);
    expect(calls.length === 3 || calls.length === 4).toBe(true);
    expect(new Set(calls.map((call) => (parseWebhookBody(call.body).body as { uuid: string }).uuid)).size).toBe(1);
    const keys = calls.flatMap(batchKeys);
    const numbers = keys.map((key) => Number(key.split('-').at(-1)));
    expect([...numbers].sort((a, b) => a - b)).toEqual(Array.from({ length: keys.length }, (_, index) => index + 1));
    expect(numbers).not.toEqual([...numbers].sort((a, b) => a - b));
  });

  it('puts 1000 outputs in the large batch', () => {
    expect(batchKeys(plan('large-batch')[0]!)).toHaveLength(1000);
  });

  it('writes the escaped-characters body as PHP does, so re-serialising it changes the bytes', () => {
    const [delivery] = plan('escaped-characters');
    const body = delivery!.body;
    for (const escape of ['\\/', '\\u00e9', '\\ud83d\\ude00', '\\u2028', '\\"', '\\\\']) expect(body).toContain(escape);
    const reserialised = JSON.stringify(JSON.parse(body));
    expect(reserialised).not.toBe(body);
    expect(reserialised.replaceAll('/', '\\/')).not.toBe(body);
  });
});
