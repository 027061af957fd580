import { describe, expect, it, vi } from 'vitest';
import type { TransferProgress } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import { DragOutRun } from './dragOut.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

type DragArgs = { connectionId: string; bucket: string; selection: string[]; opId: string; progress: FakeChannel<TransferProgress> };

function progress(done: number, total: number): TransferProgress {
  return { bytes_done: done, bytes_total: total, files_done: 0, files_failed: 0, files_total: 2, active: [], retries: 0, last_retry: null };
}

describe('DragOutRun', () => {
  it('names the keys, shows the copy while it runs, and says nothing once the drag is under way', async () => {
    const held = deferred<unknown>();
    answer({ drag_out: () => held.promise });
    const d = new DragOutRun();
    const ended = d.start('c1', 'bucket-b', ['raw/', 'a.csv']);
    const [args] = callsOf('drag_out') as DragArgs[];
    expect(args).toMatchObject({ connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'] });
    expect(d.copying).toEqual({ opId: args.opId, done: 0, total: 0 });
    args.progress.send(progress(4096, 10_000));
    expect(d.copying).toEqual({ opId: args.opId, done: 4096, total: 10_000 });
    // One drag at a time: a second pull while copying is ignored.
    expect(await d.start('c1', 'bucket-b', ['b.csv'])).toBeNull();
    expect(callsOf('drag_out')).toHaveLength(1);
    held.resolve({ started: true, files: 2, bytes: 10_000 });
    expect(await ended).toBeNull();
    expect(d.copying).toBeNull();
  });

  it('asks for the drag again when the button was let go before the copy was ready', async () => {
    answer({ drag_out: { started: false, files: 3, bytes: 2_500_000 } });
    const ended = await new DragOutRun().start('c1', 'b', ['x/']);
    expect(ended).toEqual({ tone: 'ok', text: '3 files are ready to drag (2.5 MB): drag them again to drop.', failures: [] });
    answer({ drag_out: { started: false, files: 1, bytes: 10 } });
    expect((await new DragOutRun().start('c1', 'b', ['y']))?.text).toBe('1 file is ready to drag (10 bytes): drag it again to drop.');
  });

  it('reports a refusal in the engine’s words, and nothing for a cancelled copy', async () => {
    const message = 'That’s 4.2 GB in 12 files: dragging out copies up to 1.1 GB (2,000 files) at a time. Use Download… to choose a folder for it.';
    answer({ drag_out: engineError('limit_reached', message) });
    expect(await new DragOutRun().start('c1', 'b', ['big/'])).toEqual({ tone: 'failed', text: message, failures: [] });

    const held = deferred<unknown>();
    answer({ drag_out: () => held.promise, cancel_operation: null });
    const d = new DragOutRun();
    const ended = d.start('c1', 'b', ['x']);
    const opId = d.copying!.opId;
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    held.resolve(engineError('cancelled', 'Cancelled.'));
    expect(await ended).toBeNull();
    expect(d.copying).toBeNull();
  });
});
