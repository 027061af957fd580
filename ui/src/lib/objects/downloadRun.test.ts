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

const REPORT = { files: 2, bytes: 4000, refused: [], failed: [], cancelled: false, skipped: 0, changed: [] };
const PLAN = { plan_id: 'p1', folder: 'Downloads', files: 2, bytes: 4000, conflicts: [], conflict_count: 0, refused: [] };

/** Plans at once (with `plan`), then holds `start_download` until the test answers. */
function held(plan: unknown = PLAN) {
  const done = deferred<unknown>();
  const seen: { channel?: FakeChannel<DownloadProgress> } = {};
  answer({
    plan_download: plan,
    start_download: (a: Record<string, unknown> | undefined) => {
      seen.channel = a?.progress as FakeChannel<DownloadProgress>;
      return done.promise;
    },
    discard_download: null,
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
    const opId = d.current!.opId;
    expect(callsOf('plan_download')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'], opId }]);
    await waitFor(() => expect(seen.channel).toBeDefined());
    expect(callsOf('start_download')).toEqual([{ planId: 'p1', ifExists: 'overwrite', opId, progress: expect.anything() }]);
    seen.channel!.send({ files_done: 1, files_total: 3, bytes_done: 2000, bytes_total: 6000 });
    expect(d.current?.progress).toEqual({ files_done: 1, files_total: 3, bytes_done: 2000, bytes_total: 6000 });
    done.resolve(REPORT);
    expect(await ended).toMatchObject({ tone: 'ok', text: 'Downloaded 2 files (4 KB).' });
    expect(d.current).toBeNull();
  });

  it('asks once when names are taken, and starts with the answer', async () => {
    const { done, seen } = held({ ...PLAN, conflicts: ['a.csv'], conflict_count: 1 });
    const d = new DownloadRun();
    const ended = d.start('c1', 'bucket-b', ['a.csv']);
    await waitFor(() => expect(d.asking?.plan_id).toBe('p1'));
    expect(callsOf('start_download')).toEqual([]);
    d.choose('rename');
    expect(d.asking).toBeNull();
    await waitFor(() => expect(seen.channel).toBeDefined());
    expect(callsOf('start_download')).toEqual([expect.objectContaining({ planId: 'p1', ifExists: 'rename' })]);
    done.resolve({ ...REPORT, changed: ['a.csv'] });
    expect((await ended)?.text).toBe('Downloaded 2 files (4 KB). 1 object was replaced on the storage during the download and fetched again whole.');
  });

  it('drops the plan when the question is closed or the download cancelled while asking', async () => {
    held({ ...PLAN, conflicts: ['a.csv'], conflict_count: 1 });
    const d = new DownloadRun();
    const ended = d.start('c1', 'bucket-b', ['a.csv']);
    await waitFor(() => expect(d.asking).not.toBeNull());
    d.cancel();
    expect(await ended).toBeNull();
    expect(callsOf('discard_download')).toEqual([{ planId: 'p1' }]);
    expect(callsOf('cancel_operation')).toEqual([]);
    expect(callsOf('start_download')).toEqual([]);
    expect(d.current).toBeNull();
  });

  it('runs one download at a time', async () => {
    const { done } = held();
    const d = new DownloadRun();
    const first = d.start('c1', 'bucket-b', ['a.csv']);
    expect(await d.start('c1', 'bucket-b', ['b.csv'])).toBeNull();
    expect(callsOf('plan_download')).toHaveLength(1);
    done.resolve(REPORT);
    await first;
    const again = d.start('c1', 'bucket-b', ['b.csv']);
    expect(callsOf('plan_download')).toHaveLength(2);
    await again;
  });

  it('cancels by its operation id', async () => {
    const { done, seen } = held();
    const d = new DownloadRun();
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([]);
    const ended = d.start('c1', 'bucket-b', ['a.csv']);
    const opId = d.current!.opId;
    await waitFor(() => expect(seen.channel).toBeDefined());
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    done.resolve({ ...REPORT, cancelled: true });
    expect(await ended).toMatchObject({ tone: 'partial' });
  });

  it('reports nothing when no folder was chosen, and the error when it failed', async () => {
    answer({ plan_download: null });
    const d = new DownloadRun();
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toBeNull();
    expect(d.current).toBeNull();
    answer({ plan_download: engineError('access_denied', 'Access Denied') });
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toEqual({ tone: 'failed', text: 'Access Denied', failures: [] });
    expect(d.current).toBeNull();
    answer({ plan_download: PLAN, start_download: engineError('not_found', 'That download is no longer waiting; start it again.') });
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toMatchObject({ tone: 'failed' });
  });
});
