// Who can reach each bucket, for the badges in the sidebar, the bucket list and the overview. Each
// answer costs a few requests, so a bucket is asked once (a few at a time, as badges appear) and
// the answer is kept until something changes it: the overview puts what it read here, so every
// badge of that bucket follows.
import { SvelteMap } from 'svelte/reactivity';
import { commands, type ExposureReport } from '$lib/bindings';
import { run } from '$lib/shared/errors';

export type Badge = { state: 'loading' } | { state: 'known'; report: ExposureReport } | { state: 'failed' };

/** How many buckets are asked at once. */
const PARALLEL = 4;

export class Exposures {
  readonly #badges = new SvelteMap<string, Badge>();
  #queue: { connectionId: string; bucket: string }[] = [];
  #running = 0;

  static key(connectionId: string, bucket: string): string {
    return `${connectionId}\u0000${bucket}`;
  }

  /** The badge as known (read-only: safe in a `$derived`). */
  get(connectionId: string, bucket: string): Badge | undefined {
    return this.#badges.get(Exposures.key(connectionId, bucket));
  }

  /** Asks for the badge unless someone already has (from an `$effect`). */
  want(connectionId: string, bucket: string) {
    const key = Exposures.key(connectionId, bucket);
    if (this.#badges.has(key)) return;
    this.#badges.set(key, { state: 'loading' });
    this.#queue.push({ connectionId, bucket });
    this.#pump();
  }

  /** What the overview just read (or a change just made). */
  set(connectionId: string, bucket: string, report: ExposureReport) {
    this.#badges.set(Exposures.key(connectionId, bucket), { state: 'known', report });
  }

  /** Forgets a connection's answers (its buckets were listed again). */
  forget(connectionId: string) {
    for (const key of [...this.#badges.keys()]) {
      if (key.startsWith(`${connectionId}\u0000`)) this.#badges.delete(key);
    }
  }

  #pump() {
    while (this.#running < PARALLEL && this.#queue.length) {
      const next = this.#queue.shift()!;
      this.#running += 1;
      run(() => commands.bucketExposure(next.connectionId, next.bucket)).then((res) => {
        this.#running -= 1;
        const key = Exposures.key(next.connectionId, next.bucket);
        // A newer answer (the overview's) wins over this one.
        if (this.#badges.get(key)?.state === 'loading') {
          this.#badges.set(key, res.status === 'ok' ? { state: 'known', report: res.data } : { state: 'failed' });
        }
        this.#pump();
      });
    }
  }
}

/** The window's badges. */
export const exposures = new Exposures();
