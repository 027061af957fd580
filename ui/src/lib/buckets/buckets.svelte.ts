// The bucket list of each connection, as the sidebar tree and the main area both show it.

import { SvelteMap } from 'svelte/reactivity';
import { commands, type BucketSummary_Serialize } from '$lib/bindings';
import { run, type AppError } from '$lib/shared/errors';

export type BucketListing =
  | { status: 'loading'; buckets: BucketSummary_Serialize[] }
  | { status: 'ready'; buckets: BucketSummary_Serialize[] }
  | { status: 'failed'; buckets: BucketSummary_Serialize[]; error: AppError };

/** Bucket lists by connection id, loaded on demand; a refresh keeps the old rows until it answers. */
export class BucketLists {
  #lists = new SvelteMap<string, BucketListing>();
  // Only the newest request for a connection may write its answer.
  #latest = new Map<string, number>();
  #counter = 0;

  get(connectionId: string): BucketListing | undefined {
    return this.#lists.get(connectionId);
  }

  /**
   * Loads the list once; later calls do nothing, even after a failure, until `force` asks the storage
   * again (Retry, Refresh). So nothing retries in a loop behind the user's back.
   */
  async load(connectionId: string, force = false): Promise<void> {
    const current = this.#lists.get(connectionId);
    if (!force && current) return;
    const ticket = ++this.#counter;
    this.#latest.set(connectionId, ticket);
    this.#lists.set(connectionId, { status: 'loading', buckets: current?.buckets ?? [] });
    const res = await run(() => commands.listBuckets(connectionId));
    if (this.#latest.get(connectionId) !== ticket) return;
    if (res.status === 'ok') {
      const buckets = [...res.data].sort((a, b) => a.name.localeCompare(b.name));
      this.#lists.set(connectionId, { status: 'ready', buckets });
    } else {
      this.#lists.set(connectionId, { status: 'failed', buckets: [], error: res.error });
    }
  }

  /**
   * Makes sure a bucket just created shows, even when the storage's listing lags behind (some
   * stores list a new bucket a moment later).
   */
  include(connectionId: string, bucket: BucketSummary_Serialize): void {
    const current = this.#lists.get(connectionId);
    if (current?.status !== 'ready' || current.buckets.some((b) => b.name === bucket.name)) return;
    const buckets = [...current.buckets, bucket].sort((a, b) => a.name.localeCompare(b.name));
    this.#lists.set(connectionId, { status: 'ready', buckets });
  }

  /** Takes a bucket just deleted out of the list, even when the storage's listing lags behind. */
  exclude(connectionId: string, name: string): void {
    const current = this.#lists.get(connectionId);
    if (current?.status !== 'ready' || !current.buckets.some((b) => b.name === name)) return;
    this.#lists.set(connectionId, { status: 'ready', buckets: current.buckets.filter((b) => b.name !== name) });
  }

  /** Forgets a connection's list (it was removed, or its settings changed). */
  forget(connectionId: string): void {
    this.#latest.delete(connectionId);
    this.#lists.delete(connectionId);
  }
}
