import type { Rng } from '../chaos/rng.js';
import type { LatencyProfile } from './latency.js';

/**
 * The planner: a pure function from a job to the webhook calls that will deliver it. Which
 * renders go in which call, in what order the calls go out, and when. Everything random comes
 * from the rng it is handed, so the same seed and the same job give the same plan.
 */

export interface PlanInput {
  kind: 'batch' | 'single';
  renderCount: number;
  /** The theme's batch size: the typical number of outputs per webhook call. */
  batchSize: number;
  latency: LatencyProfile;
  timeScale: number;
}

export interface PlannedCall {
  /** Indexes into the job's renders, in the order the call's body lists them. */
  renderIndexes: number[];
  /** Milliseconds after acceptance. */
  dueMs: number;
}

export interface Plan {
  /** In the order they go out (by `dueMs`). */
  calls: PlannedCall[];
}

/**
 * Call sizes vary between half and one and a half times the batch size, as the service splits
 * "based on the total number of renders" and the theme. A batch of two or more renders always
 * arrives in two calls or more, so a handler that assumes one call per job fails here too.
 */
function callSizes(renderCount: number, batchSize: number, rng: Rng): number[] {
  const typical = Math.max(1, Math.min(batchSize, Math.ceil(renderCount / 2)));
  const sizes: number[] = [];
  let remaining = renderCount;
  while (remaining > 0) {
    const size = Math.min(remaining, Math.max(1, Math.round(typical * (0.5 + rng.next()))));
    sizes.push(size);
    remaining -= size;
  }
  if (sizes.length === 1 && renderCount >= 2) {
    const first = Math.ceil(renderCount / 2);
    return [first, renderCount - first];
  }
  return sizes;
}

function dueTime(latency: LatencyProfile, timeScale: number, rng: Rng): number {
  const [min, max] = latency.callDueMs;
  return Math.round((min + (max - min) * rng.next()) * timeScale);
}

export function planJob(input: PlanInput, rng: Rng): Plan {
  if (input.kind === 'single') {
    return { calls: [{ renderIndexes: [0], dueMs: dueTime(input.latency, input.timeScale, rng) }] };
  }
  const order = rng.shuffle(Array.from({ length: input.renderCount }, (_, index) => index));
  const calls: PlannedCall[] = [];
  let offset = 0;
  for (const size of callSizes(input.renderCount, input.batchSize, rng)) {
    calls.push({ renderIndexes: order.slice(offset, offset + size), dueMs: dueTime(input.latency, input.timeScale, rng) });
    offset += size;
  }
  // A stable sort keeps the shuffled order among calls due at the same moment (all of them, in `instant`).
  calls.sort((a, b) => a.dueMs - b.dueMs);
  return { calls };
}
