import { describe, expect, it } from 'vitest';
import { Journal, type JobRecord } from '../../src/mock/journal.js';

const job = (uuid: string): JobRecord => ({
  uuid,
  kind: 'batch',
  tokenName: 'dev',
  webhookUrl: null,
  themeId: 1,
  seed: 's/1',
  acceptedAt: 0,
  settledAt: null,
  warnings: [],
  renders: [{ key: 'a', publicUrl: 'http://x/renders/a.jpg', state: { status: 'pending' } }],
  calls: [],
  faults: [],
});

describe('Journal', () => {
  it('keeps the most recent 1,000 requests, oldest first', () => {
    const journal = new Journal(10);
    for (let index = 0; index < 1_005; index += 1) journal.recordRequest({ at: index, method: 'POST', path: '/', status: 200 });
    const requests = journal.recentRequests();
    expect(requests).toHaveLength(1_000);
    expect([requests[0]!.at, requests.at(-1)!.at]).toEqual([5, 1_004]);
  });

  it('settles a job only when its renders and its calls are all done, and drops the oldest settled jobs past the bound', () => {
    const journal = new Journal(2);
    const settled: string[] = [];
    journal.on('settled', (record) => settled.push(record.uuid));
    const first = job('first');
    journal.addJob(first);
    const call = { number: 1, renderIndexes: [0], dueAt: 0, state: 'scheduled' as const, attempts: [], kind: 'genuine' as const };
    journal.openCall(first, call);
    journal.settleRender(first, 0, { status: 'delivered', call: 1, at: 1 }, 1);
    expect(journal.isSettled(first)).toBe(false);
    journal.closeCall(first, call, 'delivered', 2);
    expect(settled).toEqual(['first']);
    expect(first.settledAt).toBe(2);
    const pending = job('pending');
    journal.addJob(pending);
    journal.addJob(job('third'));
    expect(journal.job('first')).toBeUndefined();
    expect(journal.job('pending')).toBe(pending);
  });
});
