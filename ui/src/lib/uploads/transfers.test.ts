import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { UploadSummary_Serialize } from '$lib/bindings';
import { answer, callsOf, deferred } from '../../test/ipc';
import { emitEvent, listenerCount } from '../../test/events';
import { DROP_QUEUED, HISTORY_LIMIT, NO_BUCKET_OPEN, Transfers } from './transfers.svelte';
import type { UploadBatch } from './batch.svelte';

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
  file_links: 0,
  rules: { required: [], defaults: [] },
  eta_seconds: null,
  sync: null,
  classes_ignored: null,
};
const REPORT = { files: 2, bytes: 2000, failed: [], cancelled: false, paused: false, resumed_bytes: 0, restarted: [], removed: 0, checksum: 'crc32c', next_plan: null, skipped: 0 };
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
    emitEvent('files-dropped', { held: HELD, x: 10, y: 10 });
    expect(t.hovering).toBe(false);
    expect(t.sheet).toEqual({ kind: 'sources', place, held: HELD });
    expect(t.sheet?.kind === 'sources' && t.sheet.place).not.toBe(place);

    // A second drop while the sheet waits is queued, and the user told so; it opens next.
    const second = { ...HELD, sources_id: 'src-2' };
    emitEvent('files-dropped', { held: second, x: 10, y: 10 });
    expect(notify).toHaveBeenCalledWith(DROP_QUEUED);
    expect(t.sheet).toMatchObject({ held: HELD });
    expect(callsOf('discard_upload')).toEqual([]);
    t.closeSheet();
    expect(t.sheet).toEqual({ kind: 'sources', place, held: second });
    t.closeSheet();
    expect(t.sheet).toBeNull();

    withdraw();
    stop();
    expect(listenerCount('files-dropped')).toBe(0);
  });

  it('sends files dropped on a folder row or a sidebar bucket there, not to the folder shown', async () => {
    const t = setup();
    t.addTarget({ connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' });
    document.body.innerHTML = `
      <div data-drop-connection="c1" data-drop-bucket="bucket-b" data-drop-prefix="raw/">
        <div data-drop-prefix="raw/2024/"><span id="on-folder">2024</span></div>
        <span id="on-file">a.csv</span>
      </div>
      <div data-drop-connection="c2" data-drop-bucket="archive"><span id="on-bucket">archive</span></div>
      <p id="elsewhere">status</p>`;
    const under = { id: 'on-folder' };
    vi.stubGlobal('document', Object.assign(document, { elementFromPoint: () => document.getElementById(under.id) }));
    t.dropped(HELD, { x: 1, y: 1 });
    expect(t.sheet).toMatchObject({ place: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/2024/' } });
    t.closeSheet();
    under.id = 'on-bucket';
    t.dropped(HELD, { x: 1, y: 1 });
    expect(t.sheet).toMatchObject({ place: { connectionId: 'c2', bucket: 'archive', prefix: '' } });
    t.closeSheet();
    under.id = 'on-file';
    t.dropped(HELD, { x: 1, y: 1 });
    expect(t.sheet).toMatchObject({ place: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' } });
    t.closeSheet();
    under.id = 'elsewhere';
    t.dropped(HELD, { x: 1, y: 1 });
    expect(t.sheet).toMatchObject({ place: { prefix: 'raw/' } });
    document.body.innerHTML = '';
  });

  it('lets go of files dropped with no folder shown', async () => {
    const t = setup();
    t.dropped(HELD);
    expect(t.sheet).toBeNull();
    expect(notify).toHaveBeenCalledWith(NO_BUCKET_OPEN);
    await vi.waitFor(() => expect(callsOf('discard_upload')).toEqual([{ id: 'src-1', abort: false }]));
  });

  it('opens a sync sheet for a picked folder, and a sync started with removal asks the engine for it', async () => {
    answer({ pick_sync_folder: { sources_id: 'src-7', count: 1, names: ['Reports'] }, start_upload: { ...REPORT, removed: 2 }, unfinished_uploads: [] });
    const t = setup();
    const place = { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' };
    expect(await t.pick(place, false, 'sync')).toBeNull();
    expect(callsOf('pick_sync_folder')).toHaveLength(1);
    expect(t.sheet).toEqual({ kind: 'sync', place, held: { sources_id: 'src-7', count: 1, names: ['Reports'] } });
    t.start(SUMMARY, [], 'skip', 'c1', true);
    await vi.waitFor(() => expect(t.history).toHaveLength(1));
    expect(callsOf('start_upload')).toEqual([expect.objectContaining({ planId: SUMMARY.plan_id, removeMissing: true })]);
    expect(t.history[0].lines).toContain('Removed 2 objects the folder no longer has.');
  });

  it('runs with the storage class and encryption chosen, and keeps what the storage did otherwise in the history as warnings', async () => {
    const note = "This storage didn't keep the storage class GLACIER (it stored them as STANDARD) for what was uploaded.";
    answer({ start_upload: { ...REPORT, notes: [note] }, unfinished_uploads: [] });
    const t = setup();
    const write = { storage_class: 'GLACIER', encryption: { kind: 'sse_s3' as const } };
    t.start(SUMMARY, [], 'skip', 'c1', false, write);
    await vi.waitFor(() => expect(t.history).toHaveLength(1));
    expect(callsOf('start_upload')).toEqual([expect.objectContaining({ planId: SUMMARY.plan_id, write })]);
    expect(t.history[0].tone).toBe('ok');
    expect(t.history[0].warnings).toEqual([note]);
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
    // Through the notification plugin, which shows what it is given as the webview's Notification.
    await vi.waitFor(() => expect(shown).toEqual([['Upload finished', '2 files (2 KB) to bucket-b/raw/']]));
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

describe('Transfers: Pause all, Resume all, Cancel all', () => {
  /** Each start_upload call, with the way to end it. */
  let runs: { planId: string; opId: string; end: (r: unknown) => void }[] = [];

  beforeEach(() => {
    runs = [];
    answer({
      start_upload: (a: unknown) => {
        const d = deferred<unknown>();
        const { planId, opId } = a as { planId: string; opId: string };
        runs.push({ planId, opId, end: d.resolve });
        return d.promise;
      },
      pause_operation: true,
      cancel_operation: true,
      discard_upload: null,
      unfinished_uploads: [],
    });
  });

  /** Starts one batch per prefix; each waits until the test ends its run. */
  async function started(t: Transfers, ...prefixes: string[]): Promise<UploadBatch[]> {
    const before = runs.length;
    const batches = prefixes.map((prefix) => t.start({ ...SUMMARY, plan_id: `plan-${prefix}`, prefix: `${prefix}/` }, [], 'skip', 'c1'));
    await vi.waitFor(() => expect(runs).toHaveLength(before + prefixes.length));
    return batches;
  }
  const runOf = (b: UploadBatch) => runs.find((r) => r.opId === b.opId)!;
  const paused = (next: string, files = 1) => ({ ...REPORT, files, bytes: files * 1000, paused: true, next_plan: next });
  const sorted = (calls: unknown[]) => calls.map((c) => (c as { opId: string }).opId).sort();

  it('offers Pause all while two or more batches run, and pauses every one still running', async () => {
    const t = setup();
    const [a] = await started(t, 'a');
    expect([t.canPauseAll, t.canCancelAll, t.canResumeAll]).toEqual([false, false, false]);
    const [b, c] = await started(t, 'b', 'c');
    expect([t.canPauseAll, t.canCancelAll, t.canResumeAll]).toEqual([true, true, false]);

    // One already pausing is not asked twice.
    await c.pause();
    await t.pauseAll();
    expect(sorted(callsOf('pause_operation'))).toEqual([a.opId, b.opId, c.opId].sort());
    expect([a.state, b.state, c.state]).toEqual(['pausing', 'pausing', 'pausing']);
    // Nothing left to pause; they can still be cancelled.
    expect(t.canPauseAll).toBe(false);
    expect(t.canCancelAll).toBe(true);

    for (const batch of [a, b, c]) runOf(batch).end(paused(`next-${batch.prefix}`));
    await vi.waitFor(() => expect([a.state, b.state, c.state]).toEqual(['paused', 'paused', 'paused']));
    expect([t.canPauseAll, t.canCancelAll, t.canResumeAll]).toEqual([false, false, true]);
  });

  it('Resume all runs the next plan of every paused batch, not the retry of one that failed', async () => {
    const t = setup();
    const [a, b, c] = await started(t, 'a', 'b', 'c');
    runOf(a).end(paused('next-a'));
    runOf(b).end({ ...REPORT, files: 1, failed: [{ key: '/x.csv', reason: 'Access Denied' }], next_plan: 'retry-b' });
    await vi.waitFor(() => expect([a.state, b.state]).toEqual(['paused', 'incomplete']));
    // One paused batch has its own Resume.
    expect(t.canResumeAll).toBe(false);
    runOf(c).end(paused('next-c'));
    await vi.waitFor(() => expect(t.canResumeAll).toBe(true));

    t.resumeAll();
    await vi.waitFor(() => expect(runs).toHaveLength(5));
    expect(runs.slice(3).map((r) => r.planId).sort()).toEqual(['next-a', 'next-c']);
    expect([a.state, b.state, c.state]).toEqual(['running', 'incomplete', 'running']);
    expect(t.canResumeAll).toBe(false);
  });

  it('Cancel all stops the running batches and lets the paused ones go, as cancelled', async () => {
    const t = setup();
    const [a, b] = await started(t, 'a', 'b');
    expect(t.cancelAllMessage).toBe('Cancel 2 uploads? Parts already sent are deleted. Files already uploaded stay.');
    const [c, d] = await started(t, 'c', 'd');
    runOf(c).end(paused('next-c'));
    await vi.waitFor(() => expect(c.state).toBe('paused'));
    expect(t.cancelAllMessage).toBe(
      'Cancel 4 uploads? Parts already sent are deleted. Files already uploaded stay.',
    );
    runOf(d).end(paused('next-d'));
    await vi.waitFor(() => expect(d.state).toBe('paused'));
    expect(t.cancelAllMessage).toMatch(/^Cancel 4 uploads\? Parts already sent are deleted/);
    await b.pause();
    const journalReads = callsOf('unfinished_uploads').length;

    await t.cancelAll();
    // Running and pausing batches: the engine stops them and deletes what they sent.
    expect(sorted(callsOf('cancel_operation'))).toEqual([a.opId, b.opId].sort());
    expect([a.state, b.state]).toEqual(['stopping', 'stopping']);
    // Paused ones: their next plans are let go and they go to the history at once.
    await vi.waitFor(() => expect(callsOf('discard_upload')).toEqual(expect.arrayContaining([{ id: 'next-c', abort: true }, { id: 'next-d', abort: true }])));
    expect(t.batches).toEqual([b, a]);
    const entryC = t.history.find((h) => h.id === c.id);
    expect(entryC).toMatchObject({
      place: 'bucket-b/c/',
      tone: 'partial',
      lines: ['Cancelled while paused, after 1 of 2 files (1 KB).', 'Parts already sent were deleted.'],
    });
    // Their parts are offered under "interrupted" once the journal is read again.
    await vi.waitFor(() => expect(callsOf('unfinished_uploads').length).toBeGreaterThan(journalReads));
    // Both are already stopping: nothing is left for Cancel all.
    expect([t.canPauseAll, t.canCancelAll, t.canResumeAll]).toEqual([false, false, false]);

    for (const batch of [a, b]) runOf(batch).end({ ...REPORT, files: 0, bytes: 0, cancelled: true });
    await vi.waitFor(() => expect(t.batches).toEqual([]));
    expect(t.history.map((h) => h.lines[0])).toEqual([
      'Cancelled after 0 files (0 bytes); parts of unfinished files were deleted.',
      'Cancelled after 0 files (0 bytes); parts of unfinished files were deleted.',
      'Cancelled while paused, after 1 of 2 files (1 KB).',
      'Cancelled while paused, after 1 of 2 files (1 KB).',
    ]);
    expect(t.history.slice(2).map((h) => h.place)).toEqual(['bucket-b/c/', 'bucket-b/d/']);
  });

  it('asks about paused batches alone, saying their parts are deleted', async () => {
    const t = setup();
    const [a] = await started(t, 'a');
    runOf(a).end(paused('next-a'));
    await vi.waitFor(() => expect(a.state).toBe('paused'));
    expect(t.cancelAllMessage).toBe('Cancel 1 paused upload? Parts already sent are deleted. Files already uploaded stay.');
  });
});

describe('Transfers: downloads', () => {
  const PLANNED = { plan_id: 'dl-1', folder: 'Downloads', files: 3, bytes: 3000, conflicts: [], conflict_count: 0, refused: [] };
  const DONE = { files: 3, bytes: 3000, refused: [], failed: [], cancelled: false, skipped: 0, changed: [], verified: 3, resumed_bytes: 0, restarted: [], paused: false, next_plan: null };
  const origin = { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' };

  it('runs a planned download as a batch and files it in the history in its own words', async () => {
    const run = deferred<unknown>();
    answer({ start_download: () => run.promise, unfinished_uploads: [] });
    const t = setup();
    const batch = t.startDownload(PLANNED, 'rename', origin);
    expect(batch.kind).toBe('download');
    expect(batch.place).toBe('bucket-b/raw/ → Downloads');
    expect(t.running).toEqual([batch]);
    await vi.waitFor(() => expect(callsOf('start_download')).toEqual([{ planId: 'dl-1', ifExists: 'rename', opId: batch.opId, progress: expect.anything() }]));
    run.resolve({ ...DONE, changed: ['raw/a.csv'] });
    await vi.waitFor(() => expect(t.history).toHaveLength(1));
    expect(t.history[0]).toMatchObject({
      kind: 'download',
      place: 'bucket-b/raw/ → Downloads',
      tone: 'ok',
      lines: ['Downloaded 3 files (3 KB).', 'Fetched again whole because it changed on the storage while downloading: a.csv.'],
    });
    expect(t.batches).toEqual([]);
    // A download leaves the upload journal alone.
    expect(callsOf('unfinished_uploads')).toEqual([]);
  });

  it('says how much a download took from the ranges an interrupted one left, and which objects had changed since', async () => {
    answer({ start_download: { ...DONE, resumed_bytes: 2000, restarted: ['raw/b.csv'] } });
    const t = setup();
    t.startDownload(PLANNED, 'overwrite', origin);
    await vi.waitFor(() => expect(t.history).toHaveLength(1));
    expect(t.history[0].lines).toEqual(['Downloaded 3 files (3 KB), resumed 2 KB from an earlier run.', 'Fetched again whole because it changed on the storage while downloading: b.csv.']);
  });

  it('keeps a download with failed keys to retry them with the next plan; refused keys are listed too', async () => {
    const refused = [{ key: 'raw/CON', reason: 'Not downloaded: Windows reserves the name CON.' }];
    const failed = [{ key: 'raw/b.csv', reason: 'Access Denied' }];
    answer({ start_download: { ...DONE, files: 1, bytes: 1000, refused, failed, next_plan: 'dl-2' }, discard_download: null });
    const t = setup();
    const batch = t.startDownload({ ...PLANNED, refused }, 'overwrite', origin);
    await vi.waitFor(() => expect(batch.state).toBe('incomplete'));
    expect(batch.nextPlan).toBe('dl-2');
    expect(batch.last?.failed).toEqual([...refused, ...failed]);
    answer({ start_download: { ...DONE, files: 1, bytes: 1000 }, discard_download: null });
    t.resume(batch);
    await vi.waitFor(() => expect(callsOf('start_download').at(-1)).toMatchObject({ planId: 'dl-2' }));
    // The refused key still isn't downloaded: the batch's last word says so, with nothing to retry.
    await vi.waitFor(() => expect(batch.report?.files).toBe(2));
    expect(batch.state).toBe('incomplete');
    expect(batch.nextPlan).toBeNull();
    expect(batch.last?.failed).toEqual(refused);
    t.dismiss(batch);
    expect(t.history[0].lines[0]).toBe('Downloaded 2 files (2 KB); 1 failed.');
  });

  it('pauses through the operation and lets a closed paused download go with discard_download', async () => {
    const run = deferred<unknown>();
    answer({ start_download: () => run.promise, pause_operation: null, discard_download: null });
    const t = setup();
    const batch = t.startDownload(PLANNED, 'overwrite', origin);
    await vi.waitFor(() => expect(callsOf('start_download')).toHaveLength(1));
    await batch.pause();
    expect(callsOf('pause_operation')).toEqual([{ opId: batch.opId }]);
    run.resolve({ ...DONE, files: 1, bytes: 1000, paused: true, next_plan: 'dl-3' });
    await vi.waitFor(() => expect(batch.state).toBe('paused'));
    t.dismiss(batch);
    await vi.waitFor(() => expect(callsOf('discard_download')).toEqual([{ planId: 'dl-3' }]));
    expect(callsOf('discard_upload')).toEqual([]);
    expect(t.history[0]).toMatchObject({ kind: 'download', tone: 'partial' });
  });

  it('says what Cancel all does when uploads and downloads run together', async () => {
    answer({ start_download: () => new Promise(() => {}), start_upload: () => new Promise(() => {}), unfinished_uploads: [] });
    const t = setup();
    t.startDownload(PLANNED, 'overwrite', origin);
    t.start(SUMMARY, [], 'overwrite', 'c1');
    expect(t.cancelAllMessage).toBe('Cancel 2 transfers? Parts already sent and unfinished downloads are deleted; finished files stay.');
  });
});

describe('Transfers: copies to another connection', () => {
  const REQUEST = {
    connectionId: 'c1',
    bucket: 'bucket-b',
    prefix: 'raw/',
    keys: ['raw/2024/', 'raw/a.csv'],
    files: null,
    bytes: null,
    destConnectionId: 'c2',
    destConnection: 'Archive',
    destBucket: 'cold',
    destPrefix: 'in/',
    move: false,
  };
  const COPIED = { copied: 3, bytes: 3000, deleted: 0, failed: [], cancelled: false };

  it('runs a copy as a batch in its own words, with progress from the engine, and files it in the history', async () => {
    const run = deferred<unknown>();
    answer({ copy_to_connection: () => run.promise, unfinished_uploads: [] });
    const t = setup();
    const batch = t.startCopy(REQUEST);
    expect(batch.kind).toBe('copy');
    expect(batch.place).toBe('bucket-b/raw/ → Archive: cold/in/');
    await vi.waitFor(() =>
      expect(callsOf('copy_to_connection')).toEqual([
        {
          connectionId: 'c1',
          bucket: 'bucket-b',
          selection: ['raw/2024/', 'raw/a.csv'],
          destConnectionId: 'c2',
          destBucket: 'cold',
          destPrefix: 'in/',
          moveItems: false,
          opId: batch.opId,
          progress: expect.anything(),
        },
      ]),
    );
    // A copy can be cancelled, not paused: there is nothing to resume it from.
    expect(batch.pausable).toBe(false);
    expect(t.pausable).toEqual([]);
    expect(t.cancellable).toEqual([batch]);
    expect(t.cancelAllNoun).toBe('copies');
    run.resolve(COPIED);
    await vi.waitFor(() => expect(t.history).toHaveLength(1));
    expect(t.history[0]).toMatchObject({ kind: 'copy', tone: 'ok', lines: ['Copied 3 files (3 KB).'] });
    expect(callsOf('unfinished_uploads')).toEqual([]);
  });

  it('says what a move did when some objects failed, and what a cancelled one kept', async () => {
    answer({ copy_to_connection: { ...COPIED, copied: 2, bytes: 2000, deleted: 2, failed: [{ key: 'raw/b.csv', reason: 'Access denied' }] } });
    const t = setup();
    const batch = t.startCopy({ ...REQUEST, move: true });
    expect(batch.kind).toBe('move');
    await vi.waitFor(() => expect(batch.state).toBe('incomplete'));
    expect(batch.nextPlan).toBeNull();
    t.dismiss(batch);
    expect(t.history[0]).toMatchObject({ kind: 'move', tone: 'partial', lines: ['Moved 2 files (2 KB); 1 failed.'] });

    answer({ copy_to_connection: { ...COPIED, copied: 1, bytes: 1000, cancelled: true } });
    const cancelled = t.startCopy({ ...REQUEST, move: true });
    await vi.waitFor(() => expect(cancelled.state).toBe('done'));
    expect(t.history[0].lines).toEqual(['Cancelled after 1 file (1 KB); the originals not yet copied stay where they were.']);
  });
});
