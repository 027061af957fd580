import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UploadSummary_Serialize } from '../bindings';
import { answer, callsOf, deferred } from '../../test/ipc';
import { emitEvent, listenerCount } from '../../test/events';
import { HISTORY_LIMIT, NO_BUCKET_OPEN, SHEET_ALREADY_OPEN, Transfers } from './transfers.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});
vi.mock('@tauri-apps/api/event', () => import('../../test/events'));

const SUMMARY: UploadSummary_Serialize = {
  plan_id: 'plan-1',
  bucket: 'bucket-b',
  prefix: 'raw/',
  files: 2,
  bytes: 2000,
  conflicts: [],
  conflict_count: 0,
  problems: [],
  rules: { required: [], defaults: [] },
  eta_seconds: null,
};
const REPORT = { files: 2, bytes: 2000, failed: [], cancelled: false, paused: false, resumed_bytes: 0, restarted: [], checksum: 'crc32c', next_plan: null, skipped: 0 };
const HELD = { sources_id: 'src-1', count: 1, names: ['a.csv'] };

let clock = 0;
const notify = vi.fn();
const setup = () => new Transfers({ notify, knownConnections: () => ['c1'], now: () => clock });

beforeEach(() => {
  clock = 0;
  notify.mockReset();
  answer({ discard_upload: null, start_upload: REPORT, unfinished_uploads: [] });
});

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('Transfers', () => {
  it('follows drags over the window and sends dropped files to the folder shown', async () => {
    const t = setup();
    const stop = await t.listen();
    const place = { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' };
    const withdraw = t.addTarget(place);
    emitEvent('drop-hover', { active: true });
    expect(t.hovering).toBe(true);
    emitEvent('files-dropped', { held: HELD });
    expect(t.hovering).toBe(false);
    expect(t.sheet).toEqual({ kind: 'sources', place, held: HELD });
    expect(t.sheet?.kind === 'sources' && t.sheet.place).not.toBe(place);

    // A second drop while the sheet waits is let go, and the user told why.
    emitEvent('files-dropped', { held: { ...HELD, sources_id: 'src-2' } });
    expect(notify).toHaveBeenCalledWith(SHEET_ALREADY_OPEN);
    await vi.waitFor(() => expect(callsOf('discard_upload')).toEqual([{ id: 'src-2' }]));

    withdraw();
    t.closeSheet();
    stop();
    expect(listenerCount('files-dropped')).toBe(0);
  });

  it('lets go of files dropped with no folder shown', async () => {
    const t = setup();
    t.dropped(HELD);
    expect(t.sheet).toBeNull();
    expect(notify).toHaveBeenCalledWith(NO_BUCKET_OPEN);
    await vi.waitFor(() => expect(callsOf('discard_upload')).toEqual([{ id: 'src-1' }]));
  });

  it('keeps the last fifty finished batches, newest first', async () => {
    const t = setup();
    for (let i = 0; i < HISTORY_LIMIT + 3; i++) t.start({ ...SUMMARY, prefix: `p${i}/` }, [], 'skip', 'c1');
    await vi.waitFor(() => expect(t.batches).toHaveLength(0));
    expect(t.history).toHaveLength(HISTORY_LIMIT);
    expect(t.history[0].place).toBe(`bucket-b/p${HISTORY_LIMIT + 2}/`);
    expect(t.history.at(-1)?.place).toBe('bucket-b/p3/');
  });

  it('tells the desktop when a batch longer than 20 s ends while the window is in the background', async () => {
    const shown: unknown[] = [];
    class FakeNotification {
      static permission = 'granted';
      constructor(title: string, options: { body: string }) {
        shown.push([title, options.body]);
      }
    }
    vi.stubGlobal('Notification', FakeNotification);
    const focus = vi.spyOn(document, 'hasFocus').mockReturnValue(false);
    const ends: ReturnType<typeof deferred<unknown>>[] = [];
    answer({
      start_upload: () => {
        const d = deferred<unknown>();
        ends.push(d);
        return d.promise;
      },
      discard_upload: null,
    });
    const t = setup();
    t.start(SUMMARY, [], 'skip', 'c1');
    t.start(SUMMARY, [], 'skip', 'c1');
    await vi.waitFor(() => expect(ends).toHaveLength(2));
    clock = 5_000;
    ends[0].resolve(REPORT);
    await vi.waitFor(() => expect(t.history).toHaveLength(1));
    expect(shown).toEqual([]);
    clock = 25_000;
    ends[1].resolve(REPORT);
    await vi.waitFor(() => expect(t.history).toHaveLength(2));
    expect(shown).toEqual([['Upload finished', '2 files (2 KB) to bucket-b/raw/']]);
    focus.mockRestore();
  });

  it('still lists the unreadable files after a paused batch is resumed', async () => {
    const problem = { key: '/home/ana/locked.csv', reason: "Can't read it." };
    const reports = [
      { ...REPORT, files: 1, paused: true, failed: [problem], next_plan: 'plan-2' },
      { ...REPORT, files: 1, failed: [] },
    ];
    answer({ start_upload: () => reports.shift(), discard_upload: null, unfinished_uploads: [] });
    const t = setup();
    const batch = t.start({ ...SUMMARY, problems: [problem] }, [], 'skip', 'c1');
    await vi.waitFor(() => expect(batch.state).toBe('paused'));
    t.resume(batch);
    await vi.waitFor(() => expect(batch.state).toBe('incomplete'));
    expect(batch.last?.failed).toEqual([problem]);
    expect(batch.nextPlan).toBeNull();
    expect(batch.report?.files).toBe(2);
  });
});
