// Counting what a bucket holds (`bucketCensus`), with Cancel. The overview and the delete dialog
// both count; each owns one CensusRun and shows its `current` state.

import { commands, type Census } from '$lib/bindings';
import { run, type AppError } from '$lib/shared/errors';
import { newOperationId } from '$lib/shared/operations';

export type CensusState =
  | { state: 'idle' }
  | { state: 'running' }
  | { state: 'done'; census: Census; at: Date }
  | { state: 'cancelled' }
  | { state: 'failed'; error: AppError };

export class CensusRun {
  current = $state<CensusState>({ state: 'idle' });
  #connectionId: string;
  #bucket: string;
  /** The running count's operation id; only its answer may land. */
  #opId: string | null = null;

  constructor(connectionId: string, bucket: string) {
    this.#connectionId = connectionId;
    this.#bucket = bucket;
  }

  get running(): boolean {
    return this.current.state === 'running';
  }

  /** Counts, and resolves with how it ended. A count already running is not started twice. */
  async start(): Promise<CensusState> {
    if (this.#opId !== null) return this.current;
    const opId = newOperationId();
    this.#opId = opId;
    this.current = { state: 'running' };
    const res = await run(() => commands.bucketCensus(this.#connectionId, this.#bucket, opId));
    if (this.#opId !== opId) return this.current;
    this.#opId = null;
    if (res.status === 'ok') this.current = { state: 'done', census: res.data, at: new Date() };
    else if (res.error.code === 'cancelled') this.current = { state: 'cancelled' };
    else this.current = { state: 'failed', error: res.error };
    return this.current;
  }

  /**
   * Stops the count. The UI shows it stopped at once; the engine's late answer (the count it had
   * reached, or `cancelled`) is dropped.
   */
  async cancel(): Promise<void> {
    const opId = this.#opId;
    if (opId === null) return;
    this.#opId = null;
    this.current = { state: 'cancelled' };
    await run(() => commands.cancelOperation(opId));
  }
}
