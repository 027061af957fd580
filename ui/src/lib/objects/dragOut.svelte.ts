// Dragging rows out of the window to the desktop or a file manager. A drop target wants files that
// exist, so Rust first copies the selection into a private folder (refusing what is too large for a
// drag, with a pointer to Download…) and then starts the native drag itself: the window names keys,
// never paths. While the copy runs the browser's status line shows it; if the button was let go
// before it finished, the files wait and the same drag again starts at once.

import { Channel } from '@tauri-apps/api/core';
import { commands, type TransferProgress } from '$lib/bindings';
import { run } from '$lib/shared/errors';
import { formatBytes, plural } from '$lib/shared/format';
import { newOperationId } from '$lib/shared/operations';
import type { ActionOutcome } from './describe';

export interface DragCopy {
  opId: string;
  /** Of the copy, once the first progress arrives. */
  done: number;
  total: number;
}

export class DragOutRun {
  /** The selection being copied out for a drag; cancelling its operation drops the drag. */
  copying = $state<DragCopy | null>(null);

  /**
   * Copies these keys out and starts the drag; resolves with what to report. Null when there is
   * nothing to say: the drag is under way, the copy was cancelled, or a copy is already running.
   */
  async start(connectionId: string, bucket: string, keys: string[]): Promise<ActionOutcome | null> {
    if (this.copying || keys.length === 0) return null;
    const opId = newOperationId();
    this.copying = { opId, done: 0, total: 0 };
    const progress = new Channel<TransferProgress>();
    progress.onmessage = (p) => {
      if (this.copying?.opId === opId) this.copying = { opId, done: p.bytes_done ?? 0, total: p.bytes_total ?? 0 };
    };
    try {
      const r = await run(() => commands.dragOut(connectionId, bucket, keys, opId, progress));
      if (r.status === 'error') {
        return r.error.code === 'cancelled' ? null : { tone: 'failed', text: r.error.message, failures: [] };
      }
      if (r.data.started) return null;
      const { files, bytes } = r.data;
      return {
        tone: 'ok',
        text: `${plural(files ?? 0, 'file is', 'files are')} ready to drag (${formatBytes(bytes ?? 0)}): drag ${files === 1 ? 'it' : 'them'} again to drop.`,
        failures: [],
      };
    } finally {
      this.copying = null;
    }
  }

  cancel(): void {
    if (this.copying) void commands.cancelOperation(this.copying.opId);
  }
}
