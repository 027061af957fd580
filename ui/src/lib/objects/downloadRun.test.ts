import { waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import type { DownloadSummary, IfExists } from '$lib/bindings';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import { DownloadRun } from './downloadRun.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const PLAN = { plan_id: 'p1', folder: 'Downloads', files: 2, bytes: 4000, conflicts: [], conflict_count: 0, refused: [] };

function started() {
  const calls: { summary: DownloadSummary; choice: IfExists }[] = [];
  return { calls, start: (summary: DownloadSummary, choice: IfExists) => void calls.push({ summary, choice }) };
}

describe('DownloadRun', () => {
  it('plans in the chosen folder and hands the plan to the transfers panel', async () => {
    answer({ plan_download: PLAN, discard_download: null });
    const s = started();
    const d = new DownloadRun(s.start);
    const ended = d.start('c1', 'bucket-b', ['raw/', 'a.csv']);
    expect(d.planning).toEqual({ opId: expect.any(String) });
    const opId = d.planning!.opId;
    expect(callsOf('plan_download')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'], opId }]);
    expect(await ended).toEqual({ tone: 'ok', text: 'Downloading 2 files (4 KB) to “Downloads”: see Transfers.', failures: [] });
    expect(s.calls).toEqual([{ summary: PLAN, choice: 'overwrite' }]);
    expect(d.planning).toBeNull();
    expect(callsOf('start_download')).toEqual([]);
  });

  it('asks once when names are taken, and starts with the answer', async () => {
    answer({ plan_download: { ...PLAN, conflicts: ['a.csv'], conflict_count: 1 }, discard_download: null });
    const s = started();
    const d = new DownloadRun(s.start);
    const ended = d.start('c1', 'bucket-b', ['a.csv']);
    await waitFor(() => expect(d.asking?.plan_id).toBe('p1'));
    expect(s.calls).toEqual([]);
    d.choose('rename');
    expect(d.asking).toBeNull();
    expect((await ended)?.tone).toBe('ok');
    expect(s.calls.map((c) => c.choice)).toEqual(['rename']);
  });

  it('drops the plan when the question is closed or the download cancelled while asking', async () => {
    answer({ plan_download: { ...PLAN, conflicts: ['a.csv'], conflict_count: 1 }, discard_download: null, cancel_operation: null });
    const s = started();
    const d = new DownloadRun(s.start);
    const ended = d.start('c1', 'bucket-b', ['a.csv']);
    await waitFor(() => expect(d.asking).not.toBeNull());
    d.cancel();
    expect(await ended).toBeNull();
    expect(callsOf('discard_download')).toEqual([{ planId: 'p1' }]);
    expect(callsOf('cancel_operation')).toEqual([]);
    expect(s.calls).toEqual([]);
    expect(d.planning).toBeNull();
  });

  it('plans one download at a time; cancelling while listing stops the planning', async () => {
    const plan = deferred<unknown>();
    answer({ plan_download: () => plan.promise, cancel_operation: null });
    const s = started();
    const d = new DownloadRun(s.start);
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([]);
    const first = d.start('c1', 'bucket-b', ['a.csv']);
    expect(await d.start('c1', 'bucket-b', ['b.csv'])).toBeNull();
    expect(callsOf('plan_download')).toHaveLength(1);
    const opId = d.planning!.opId;
    d.cancel();
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    plan.resolve(engineError('cancelled', 'Cancelled.'));
    expect((await first)?.tone).toBe('failed');
    expect(s.calls).toEqual([]);
  });

  it('reports nothing when no folder was chosen, the error when planning failed, and keys it refused', async () => {
    answer({ plan_download: null });
    const d = new DownloadRun(started().start);
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toBeNull();
    expect(d.planning).toBeNull();
    answer({ plan_download: engineError('access_denied', 'Access Denied') });
    expect(await d.start('c1', 'bucket-b', ['a.csv'])).toEqual({ tone: 'failed', text: 'Access Denied', failures: [] });
    const refused = [{ key: 'CON', reason: 'Not downloaded: Windows reserves the name CON.' }];
    answer({ plan_download: { ...PLAN, files: 0, bytes: 0, refused }, discard_download: null });
    expect(await d.start('c1', 'bucket-b', ['CON'])).toEqual({ tone: 'failed', text: "Nothing was downloaded: 1 key can't be written there.", failures: refused });
  });
});
