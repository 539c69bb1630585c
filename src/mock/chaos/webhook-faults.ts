import type { CallRecord, FaultRecord, JobRecord } from '../journal.js';
import type { Forgery, ScheduledCall } from '../pipeline/dispatcher.js';
import type { Plan } from '../pipeline/planner.js';
import type { ChaosSettings } from './profiles.js';
import type { Rng } from './rng.js';

/**
 * Webhook-side chaos, as a pure function: a job's plan in, the calls to send and the faults
 * injected out. The dispatcher then sends them as they are; nothing here touches a socket or a
 * clock. `delayScale` turns the profile's delays into this run's (0 in `instant`).
 */

export interface ChaosSchedule {
  calls: ScheduledCall[];
  faults: FaultRecord[];
  /** Renders whose image the CDN will not have for a while after their webhook goes out. */
  laggingRenders: number[];
}

interface Draft {
  renderIndexes: number[];
  dueMs: number;
  kind: CallRecord['kind'];
  forgery?: Forgery;
  /** The genuine call this one copies or forges, by its position among the drafts. */
  of?: Draft;
  note?: string;
}

const FORGERIES: ReadonlyArray<[keyof ChaosSettings, Forgery, string]> = [
  ['wrongSignature', 'wrong-signature', 'signed with another key'],
  ['missingSignature', 'missing-signature', 'sent without a Signature header'],
  ['tamperedBody', 'tampered-body', 'body changed after signing'],
];

function between(rng: Rng, [min, max]: readonly [number, number]): number {
  return min + (max - min) * rng.next();
}

export function scheduleWithChaos(plan: Plan, job: JobRecord, settings: ChaosSettings, rng: Rng, delayScale: number): ChaosSchedule {
  const faults: FaultRecord[] = [];
  let drafts: Draft[] = [];

  // Split: one planned call becomes a call per output.
  for (const planned of plan.calls) {
    if (planned.renderIndexes.length > 1 && rng.next() < settings.split) {
      faults.push({ kind: 'split', detail: `a call of ${planned.renderIndexes.length} outputs was split into single-output calls` });
      for (const index of planned.renderIndexes) drafts.push({ renderIndexes: [index], dueMs: planned.dueMs, kind: 'genuine' });
    } else {
      drafts.push({ renderIndexes: planned.renderIndexes, dueMs: planned.dueMs, kind: 'genuine' });
    }
  }

  // Delay: some calls held back.
  for (const draft of drafts) {
    if (rng.next() < settings.delay) {
      const extra = Math.round(between(rng, settings.delayMs) * delayScale);
      draft.dueMs += extra;
      draft.note = `held back ${extra} ms`;
    }
  }

  // Genuine calls keep the numbers of the plan's order; reordering then changes only when they go out.
  const numbers = new Map<Draft, number>();
  drafts.forEach((draft, index) => numbers.set(draft, index + 1));

  // Reorder: swap places and due times, so the order of arrival differs from the plan's.
  for (let index = 0; index < drafts.length; index += 1) {
    if (drafts.length < 2 || rng.next() >= settings.reorder) continue;
    const other = rng.int(0, drafts.length - 1);
    if (other === index) continue;
    const a = drafts[index]!;
    const b = drafts[other]!;
    [a.dueMs, b.dueMs] = [b.dueMs, a.dueMs];
    [drafts[index], drafts[other]] = [b, a];
    faults.push({ kind: 'reorder', detail: `calls ${numbers.get(a)} and ${numbers.get(b)} swapped places` });
  }

  // Burst: the chosen calls all go out at the earliest of their due times, at once.
  const burst = drafts.filter(() => rng.next() < settings.burst);
  if (burst.length > 1) {
    const at = Math.min(...burst.map((draft) => draft.dueMs));
    for (const draft of burst) draft.dueMs = at;
    drafts = [...burst, ...drafts.filter((draft) => !burst.includes(draft))];
    faults.push({ kind: 'burst', detail: `${burst.length} calls sent at the same instant` });
  }

  // Forged calls go out just before the genuine call they imitate; duplicates some time after it.
  const extras: Draft[] = [];
  const ordered: Draft[] = [];
  for (const draft of drafts) {
    for (const [field, forgery, description] of FORGERIES) {
      if (rng.next() < (settings[field] as number)) {
        ordered.push({ renderIndexes: draft.renderIndexes, dueMs: draft.dueMs, kind: 'forged', forgery, of: draft, note: description });
      }
    }
    ordered.push(draft);
    if (rng.next() < settings.duplicate) {
      const later = Math.round(between(rng, [0, settings.delayMs[0]]) * delayScale);
      extras.push({ renderIndexes: draft.renderIndexes, dueMs: draft.dueMs + later, kind: 'duplicate', of: draft, note: `sent again ${later} ms after the first` });
    }
  }
  const all = [...ordered, ...extras];

  // Extra calls are numbered after the genuine ones, in the order they go out.
  let next = drafts.length + 1;
  for (const draft of all) if (draft.kind !== 'genuine') numbers.set(draft, next++);

  const calls = all.map((draft): ScheduledCall => {
    const number = numbers.get(draft)!;
    const of = draft.of ? numbers.get(draft.of) : undefined;
    if (draft.kind === 'duplicate') faults.push({ kind: 'duplicate', call: number, detail: `call ${of} ${draft.note}, as call ${number}` });
    if (draft.kind === 'forged') faults.push({ kind: draft.forgery!, call: number, detail: `call ${number} imitates call ${of}: ${draft.note}; a correct handler answers 4xx` });
    if (draft.kind === 'genuine' && draft.note) faults.push({ kind: 'delay', call: number, detail: `call ${number} ${draft.note}` });
    return {
      call: {
        number,
        renderIndexes: draft.renderIndexes,
        dueAt: job.acceptedAt + draft.dueMs,
        state: 'scheduled',
        attempts: [],
        kind: draft.kind,
        ...(draft.note && { note: draft.note }),
      },
      delayMs: draft.dueMs,
      ...(draft.forgery && { forgery: draft.forgery }),
    };
  });
  const laggingRenders = job.renders.flatMap((_, index) => (rng.next() < settings.cdnLag ? [index] : []));
  if (laggingRenders.length > 0) {
    faults.push({ kind: 'cdn-lag', detail: `${laggingRenders.length} image(s) answer ${settings.cdnLagMode === '404' ? '404' : 'slowly'} for ${Math.round(settings.cdnLagMs * delayScale)} ms after their webhook` });
  }
  return { calls: sortByDue(calls), faults, laggingRenders };
}

/** Timers with equal delays fire in the order they were set, so the list order is the send order. */
function sortByDue(calls: ScheduledCall[]): ScheduledCall[] {
  return calls.map((scheduled, index) => ({ scheduled, index })).sort((a, b) => a.scheduled.delayMs - b.scheduled.delayMs || a.index - b.index).map(({ scheduled }) => scheduled);
}
