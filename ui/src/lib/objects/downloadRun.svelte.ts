// Downloading the selection: the folder is chosen in Rust with the native dialog and the download is
// planned there; when files with those names are already in the folder, the user chooses once for
// the batch (overwrite, skip, keep both) before anything is written. Progress comes through a
// channel. One download at a time; `current` is what the browser's download line shows.

import { Channel } from '@tauri-apps/api/core';
import { commands, type DownloadProgress, type DownloadSummary, type IfExists } from '$lib/bindings';
import { run } from '$lib/shared/errors';
import { newOperationId } from '$lib/shared/operations';
import { describeDownloaded, type ActionOutcome } from './describe';

export interface Downloading {
  opId: string;
  /** Null until the folder is chosen and the first progress arrives. */
  progress: DownloadProgress | null;
}

export class DownloadRun {
  current = $state<Downloading | null>(null);
  /** A planned download whose names are partly taken, waiting for `choose`. */
  asking = $state<DownloadSummary | null>(null);
  #answer: ((choice: IfExists | null) => void) | null = null;

  /**
   * Downloads these keys; resolves with the outcome to report once it ends. Null when there is
   * nothing to report (no folder was chosen, or the user closed the question about files already
   * there) or when a download already runs (this one is not started).
   */
  async start(connectionId: string, bucket: string, keys: string[]): Promise<ActionOutcome | null> {
    if (this.current) return null;
    const opId = newOperationId();
    this.current = { opId, progress: null };
    const planned = await run(() => commands.planDownload(connectionId, bucket, keys, opId));
    if (planned.status === 'error' || !planned.data) {
      this.current = null;
      return planned.status === 'error' ? { tone: 'failed', text: planned.error.message, failures: [] } : null;
    }
    const plan = planned.data;
    const choice = (plan.conflict_count ?? 0) > 0 ? await this.#ask(plan) : 'overwrite';
    if (choice === null) {
      void commands.discardDownload(plan.plan_id);
      this.current = null;
      return null;
    }
    const channel = new Channel<DownloadProgress>();
    channel.onmessage = (p) => {
      if (this.current?.opId === opId) this.current = { opId, progress: p };
    };
    const result = await run(() => commands.startDownload(plan.plan_id, choice, opId, channel));
    this.current = null;
    if (result.status === 'error') return { tone: 'failed', text: result.error.message, failures: [] };
    return describeDownloaded(result.data);
  }

  /** The user's one choice for every name already taken; null closes the download. */
  choose(choice: IfExists | null): void {
    const answer = this.#answer;
    this.#answer = null;
    this.asking = null;
    answer?.(choice);
  }

  /** Asks the engine to stop the running download (or drops the one waiting for a choice). */
  cancel(): void {
    if (this.asking) this.choose(null);
    else if (this.current) void commands.cancelOperation(this.current.opId);
  }

  #ask(plan: DownloadSummary): Promise<IfExists | null> {
    this.asking = plan;
    return new Promise((resolve) => (this.#answer = resolve));
  }
}
