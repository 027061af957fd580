// Downloading the selection: the folder is chosen in Rust with the native dialog, and progress comes
// through a channel. One download at a time; `current` is what the browser's download line shows.

import { Channel } from '@tauri-apps/api/core';
import { commands, type DownloadProgress } from '$lib/bindings';
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

  /**
   * Downloads these keys; resolves with the outcome to report once it ends. Null when there is
   * nothing to report (no folder was chosen) or when a download already runs (this one is not started).
   */
  async start(connectionId: string, bucket: string, keys: string[]): Promise<ActionOutcome | null> {
    if (this.current) return null;
    const opId = newOperationId();
    const channel = new Channel<DownloadProgress>();
    this.current = { opId, progress: null };
    channel.onmessage = (p) => {
      if (this.current?.opId === opId) this.current = { opId, progress: p };
    };
    const result = await run(() => commands.downloadItems(connectionId, bucket, keys, opId, channel));
    this.current = null;
    if (result.status === 'error') return { tone: 'failed', text: result.error.message, failures: [] };
    return result.data ? describeDownloaded(result.data) : null;
  }

  /** Asks the engine to stop the running download; its answer ends `start`. */
  cancel(): void {
    if (this.current) void commands.cancelOperation(this.current.opId);
  }
}
