import { describe, expect, it } from 'vitest';
import { createRng } from '../../../src/mock/chaos/rng.js';
import { LATENCY_PRESETS, retryWaitMs } from '../../../src/mock/pipeline/latency.js';
import { planJob, type PlanInput } from '../../../src/mock/pipeline/planner.js';

const batch = (renderCount: number, overrides: Partial<PlanInput> = {}): PlanInput => ({
  kind: 'batch',
  renderCount,
  batchSize: 25,
  latency: LATENCY_PRESETS.fast,
  timeScale: 1,
  ...overrides,
});

const allIndexes = (plan: ReturnType<typeof planJob>) => plan.calls.flatMap((call) => call.renderIndexes);

describe('planJob', () => {
  it('puts every render in exactly one call', () => {
    for (const count of [1, 2, 3, 24, 25, 26, 100, 1_000]) {
      const plan = planJob(batch(count), createRng(`count-${count}`));
      expect(allIndexes(plan).sort((a, b) => a - b)).toEqual(Array.from({ length: count }, (_, index) => index));
    }
  });

  it('gives the same plan for the same seed and a different one for another seed', () => {
    expect(planJob(batch(200), createRng('same'))).toEqual(planJob(batch(200), createRng('same')));
    expect(planJob(batch(200), createRng('same'))).not.toEqual(planJob(batch(200), createRng('other')));
  });

  it('splits any batch of two or more renders into several calls', () => {
    for (const count of [2, 3, 10]) {
      expect(planJob(batch(count), createRng('split')).calls.length).toBeGreaterThan(1);
    }
    expect(planJob(batch(1), createRng('split')).calls).toHaveLength(1);
  });

  it('sizes calls between half and one and a half batch sizes, the last one aside', () => {
    const plan = planJob(batch(5_000, { batchSize: 40 }), createRng('sizes'));
    const sizes = plan.calls.map((call) => call.renderIndexes.length).sort((a, b) => a - b);
    expect(sizes.slice(1).every((size) => size >= 20 && size <= 60)).toBe(true);
    expect(plan.calls.length).toBeGreaterThan(5_000 / 60);
  });

  it('shuffles renders across and within calls', () => {
    const order = allIndexes(planJob(batch(100), createRng('order')));
    expect(order).not.toEqual([...order].sort((a, b) => a - b));
  });

  it('orders calls by due time, inside the preset window scaled by the time scale', () => {
    const plan = planJob(batch(300, { timeScale: 0.5 }), createRng('due'));
    const dues = plan.calls.map((call) => call.dueMs);
    expect(dues).toEqual([...dues].sort((a, b) => a - b));
    expect(dues.every((due) => due >= 100 && due <= 1_500)).toBe(true);
  });

  it('plans every call of an instant job at 0 ms', () => {
    expect(planJob(batch(50, { latency: LATENCY_PRESETS.instant }), createRng('instant')).calls.every((call) => call.dueMs === 0)).toBe(true);
  });

  it('plans one call for a single render', () => {
    expect(planJob({ ...batch(1), kind: 'single', latency: LATENCY_PRESETS.instant }, createRng('single'))).toEqual({ calls: [{ renderIndexes: [0], dueMs: 0 }] });
  });
});

describe('retryWaitMs', () => {
  it('waits 10 s then 100 s in the realistic preset, as a Laravel webhook sender does', () => {
    const timing = { profile: LATENCY_PRESETS.realistic, timeScale: 1 };
    expect([1, 2].map((attempt) => retryWaitMs(timing, 10, attempt))).toEqual([10_000, 100_000]);
  });

  it('scales the waits by the preset and the time scale', () => {
    expect(retryWaitMs({ profile: LATENCY_PRESETS.fast, timeScale: 1 }, 10, 2)).toBe(10_000);
    expect(retryWaitMs({ profile: LATENCY_PRESETS.fast, timeScale: 0.01 }, 10, 1)).toBe(10);
    expect(retryWaitMs({ profile: LATENCY_PRESETS.instant, timeScale: 1 }, 10, 2)).toBe(0);
  });
});
