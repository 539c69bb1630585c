import type { JobRecord } from '../journal.js';
import type { Clock } from '../pipeline/clock.js';
import type { Availability, StoredRender } from '../render-store.js';

/**
 * A CDN that lags behind the webhooks: chosen images answer 404 (or answer slowly) until
 * `lagMs` after the first webhook that names them went out. Which images lag is decided when the
 * job is planned, from its seed; when the lag starts is the send time of the webhook.
 */
export class CdnLag {
  /** Public path → the moment the lag ends, or 'awaiting' until its webhook goes out. */
  private readonly lagging = new Map<string, number | 'awaiting'>();

  constructor(
    private readonly clock: Clock,
    private readonly lagMs: number,
    private readonly mode: '404' | 'slow',
  ) {}

  track(job: JobRecord, renderIndexes: readonly number[]): void {
    for (const index of renderIndexes) this.lagging.set(pathOf(job.renders[index]!.publicUrl), 'awaiting');
  }

  /** Called for each webhook attempt: the lagging images it names start their lag when it went out. */
  callSent(job: JobRecord, renderIndexes: readonly number[], sentAt: number): void {
    for (const index of renderIndexes) {
      const path = pathOf(job.renders[index]!.publicUrl);
      if (this.lagging.get(path) === 'awaiting') this.lagging.set(path, sentAt + this.lagMs);
    }
  }

  readonly availability = (render: StoredRender): Availability | Promise<Availability> => {
    const until = this.lagging.get(render.path);
    if (until === undefined) return 'ok';
    // Before (and while) its webhook goes out, a lagging image is not on the CDN at all.
    const remaining = until === 'awaiting' ? this.lagMs : until - this.clock.now();
    if (remaining <= 0) {
      this.lagging.delete(render.path);
      return 'ok';
    }
    if (this.mode === '404') return 'not-yet';
    return new Promise((resolve) => this.clock.setTimeout(() => resolve('ok'), remaining));
  };
}

/** The store's key for a public URL: its last two segments, whatever path prefix --public-base-url adds. */
function pathOf(publicUrl: string): string {
  const match = /\/(?:renders|storage)\/[^/]+$/.exec(new URL(publicUrl).pathname);
  return match?.[0] ?? new URL(publicUrl).pathname;
}
