// Downloading the selection: the folder is chosen in Rust with the native dialog and the download is
// planned there; when files with those names are already in the folder, the user chooses once for
// the batch (overwrite, skip, keep both) before anything is written. The planned download is then
// handed to the transfers panel, where it runs beside uploads and other downloads (progress, pause,
// retry, history). One folder dialog at a time; `planning` is what the browser's status line shows.

import { commands, type DownloadSummary, type IfExists } from '$lib/bindings';
import { run } from '$lib/shared/errors';
import { formatBytes, plural } from '$lib/shared/format';
import { newOperationId } from '$lib/shared/operations';
import type { ActionOutcome } from './describe';

/** Runs a planned download with the user's choice (the transfers panel's `startDownload`). */
export type StartDownload = (summary: DownloadSummary, choice: IfExists) => void;

export class DownloadRun {
  /** A folder is being chosen or the selection planned; its operation id cancels the planning. */
  planning = $state<{ opId: string } | null>(null);
  /** A planned download whose names are partly taken, waiting for `choose`. */
  asking = $state<DownloadSummary | null>(null);
  #answer: ((choice: IfExists | null) => void) | null = null;
  #start: StartDownload;

  constructor(start: StartDownload) {
    this.#start = start;
  }

  /**
   * Plans a download of these keys and hands it to the transfers panel; resolves with what to
   * report now. Null when there is nothing to say (no folder was chosen, or the user closed the
   * question about files already there) or when another download is being planned.
   */
  async start(connectionId: string, bucket: string, keys: string[]): Promise<ActionOutcome | null> {
    if (this.planning) return null;
    const opId = newOperationId();
    this.planning = { opId };
    try {
      const planned = await run(() => commands.planDownload(connectionId, bucket, keys, opId));
      if (planned.status === 'error') return { tone: 'failed', text: planned.error.message, failures: [] };
      const plan = planned.data;
      if (!plan) return null;
      if ((plan.files ?? 0) === 0) {
        void commands.discardDownload(plan.plan_id);
        const text = plan.refused.length ? `Nothing was downloaded: ${plural(plan.refused.length, 'key', 'keys')} can't be written there.` : 'Nothing to download: the selection is empty.';
        return { tone: plan.refused.length ? 'failed' : 'ok', text, failures: plan.refused };
      }
      const choice = (plan.conflict_count ?? 0) > 0 ? await this.#ask(plan) : 'overwrite';
      if (choice === null) {
        void commands.discardDownload(plan.plan_id);
        return null;
      }
      this.#start(plan, choice);
      return { tone: 'ok', text: `Downloading ${plural(plan.files ?? 0, 'file', 'files')} (${formatBytes(plan.bytes ?? 0)}) to “${plan.folder}”: see Transfers.`, failures: [] };
    } finally {
      this.planning = null;
    }
  }

  /** The user's one choice for every name already taken; null closes the download. */
  choose(choice: IfExists | null): void {
    const answer = this.#answer;
    this.#answer = null;
    this.asking = null;
    answer?.(choice);
  }

  /** Drops the download being planned (the question about taken names, or the listing). */
  cancel(): void {
    if (this.asking) this.choose(null);
    else if (this.planning) void commands.cancelOperation(this.planning.opId);
  }

  #ask(plan: DownloadSummary): Promise<IfExists | null> {
    this.asking = plan;
    return new Promise((resolve) => (this.#answer = resolve));
  }
}
