import { waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { DownloadProgress } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import { DownloadRun } from './downloadRun.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const REPORT = { files: 2, bytes: 4000, refused: [], failed: [], cancelled: false };

/** Holds `download_items` until the test answers; the channel is the one it was given. */
function held() {
  const done = deferred<unknown>();
  const seen: { channel?: FakeChannel<DownloadProgress> } = {};
  answer({
    download_items: (a: Record<string, unknown> | undefined) => {
      seen.channel = a?.progress as FakeChannel<DownloadProgress>;
      return done.promise;
    },
    cancel_operation: null,
  });
  return { done, seen };
}

describe('DownloadRun', () => {
  it('shows progress while it runs, and says what was downloaded', async () => {
    const { done, seen } = held();
    const d = new DownloadRun();
    const ended = d.start('c1', 'bucket-b', ['raw/', 'a.csv']);
    expect(d.current).toEqual({ opId: expect.any(String), progress: null });
    expect(callsOf('download_items')).toEqual([
      { connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'], opId: d.current!.opId, progress: expect.anything() },
    ]);
    await waitFor(() => expect(seen.channel).toBeDefined());
    seen.channel!.send({ files_done: 1, files_total: 3, bytes_done: 2000, bytes_total: 6000 });
    expect(d.current?.progress).toEqual({ files_done: 1, files_total: 3, bytes_done: 2000, bytes_total: 6000 });
    done.resolve(REPORT);
    expect(await ended).toMatchObject({ tone: 'ok', text: 'Downloaded 2 files (4 KB).' });
    expect(d.current).toBeNull();
  });

  it('runs one download at a time', async () => {
    const { done } = held();
    const d = new DownloadRun();
    const first = d.start('c1', 'bucket-b', ['a.csv']);
    expect(await d.start('c1', 'bucket-b', ['b.csv'])).toBeNull();
    expect(callsOf('download_items')).toHaveLength(1);
    done.resolve(REPORT);
    await first;
    const again = d.start('c1', 'bucket-b', ['b.csv']);
    expect(callsOf('download_items')).toHaveLength(2);
    await again;
  });

  it('cancels by its operation id', async () => {
    const { done } = held();
    const d = new DownloadRun();
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([]);
    const ended = d.start('c1', 'bucket-b', ['a.csv']);
    const opId = d.current!.opId;
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    done.resolve({ ...REPORT, cancelled: true });
    expect(await ended).toMatchObject({ tone: 'partial' });
  });

  it('reports nothing when no folder was chosen, and the error when it failed', async () => {
    answer({ download_items: null });
    const d = new DownloadRun();
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toBeNull();
    expect(d.current).toBeNull();
    answer({ download_items: engineError('access_denied', 'Access Denied') });
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toEqual({ tone: 'failed', text: 'Access Denied', failures: [] });
    expect(d.current).toBeNull();
  });
});
