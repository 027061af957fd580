import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import StatusBar from './StatusBar.svelte';
import type { TransferProgress_Serialize, UnfinishedUpload, UploadReport_Serialize, UploadSummary_Serialize } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred } from '../../test/ipc';
import { uploadReport } from '../../test/reports';
import { Transfers } from '$lib/uploads/transfers.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const SUMMARY: UploadSummary_Serialize = {
  plan_id: 'plan-1',
  bucket: 'bucket-b',
  prefix: 'raw/',
  files: 1204,
  bytes: 3.2e9,
  conflicts: [],
  conflict_count: 0,
  problems: [],
  file_links: 0,
  rules: { required: [], defaults: [] },
  eta_seconds: null,
  sync: null,
  classes_ignored: null,
};

const report = uploadReport;

const progress = (over: Partial<TransferProgress_Serialize> = {}): TransferProgress_Serialize => ({
  bytes_done: 0,
  bytes_total: 3.2e9,
  files_done: 0,
  files_failed: 0,
  files_total: 1204,
  active: [],
  retries: 0,
  last_retry: null,
  ...over,
});

type StartArgs = { planId: string; tags: unknown; conflicts: string; opId: string; progress: FakeChannel<TransferProgress_Serialize> };

/** Each start_upload call, with the way to end it. */
let runs: { args: StartArgs; end: (r: UploadReport_Serialize) => void }[] = [];
let unfinished: UnfinishedUpload[] = [];
let clock = 0;

function setup() {
  const transfers = new Transfers({ notify: vi.fn(), knownConnections: () => ['c1'], now: () => clock });
  render(StatusBar, { props: { transfers, connectionName: (id: string) => (id === 'c1' ? 'AWS prod' : id) } });
  return transfers;
}

const TAGS = [{ key: 'project', value: 'apollo' }];

beforeEach(() => {
  runs = [];
  unfinished = [];
  clock = 1_000_000;
  answer({
    start_upload: (a: unknown) => {
      const d = deferred<unknown>();
      runs.push({ args: a as StartArgs, end: (r) => d.resolve(r) });
      return d.promise;
    },
    pause_operation: true,
    cancel_operation: true,
    discard_upload: null,
    unfinished_uploads: () => unfinished,
    discard_unfinished: null,
  });
});

describe('Transfers bar and panel', () => {
  it('shows a running batch: files and bytes, speed and time left, files in flight, retries', async () => {
    const transfers = setup();
    transfers.start(SUMMARY, TAGS, 'keep_both', 'c1');
    await waitFor(() => expect(runs).toHaveLength(1));
    expect(runs[0].args).toMatchObject({ planId: 'plan-1', tags: TAGS, conflicts: 'keep_both' });
    const channel = runs[0].args.progress;
    for (let i = 1; i <= 20; i++) {
      clock += 100;
      channel.send(progress({ bytes_done: i * 4e6, files_done: i * 10 }));
    }
    clock += 100;
    channel.send(
      progress({
        bytes_done: 84e6,
        files_done: 210,
        files_failed: 1,
        retries: 3,
        last_retry: 'SlowDown (503): the storage asked to slow down',
        active: [{ key: 'raw/2024/big.parquet', done: 12e6, size: 40e6 }],
      }),
    );

    const status = screen.getByTestId('transfer-status');
    await waitFor(() => expect(status).toHaveTextContent(/^Transfers: 1 running · 40 MB\/s · ETA 1:18$/));
    expect(screen.getByTestId('transfer-progress')).toHaveAttribute('aria-valuenow', '3');
    expect(status).toHaveAttribute('aria-expanded', 'false');
    await fireEvent.click(status);
    // The open panel shows the figures; the line below it keeps still.
    expect(status).toHaveTextContent(/^Transfers: 1 running$/);
    expect(screen.queryByTestId('transfer-progress')).toBeNull();
    const batch = screen.getByTestId('batch');
    expect(within(batch).getByTestId('batch-counts')).toHaveTextContent('210 of 1,204 files · 84 MB of 3.2 GB · 1 failed · 40 MB/s · ETA 1:18');
    expect(within(batch).getByTestId('batch-retries')).toHaveTextContent('3 retries — last: SlowDown (503): the storage asked to slow down');
    expect(within(batch).getByTestId('batch-file')).toHaveTextContent('big.parquet 12 MB of 40 MB');
    // One reading a second, from the first second on.
    expect(within(batch).getByTestId('sparkline')).toHaveAttribute('data-points', '2');
  });

  it("says the speed is being measured in a batch's first second, not 0 bytes/s", async () => {
    const transfers = setup();
    transfers.start(SUMMARY, TAGS, 'keep_both', 'c1');
    await waitFor(() => expect(runs).toHaveLength(1));
    const channel = runs[0].args.progress;
    clock += 300;
    channel.send(progress({ bytes_done: 12e6, files_done: 3 }));
    const status = screen.getByTestId('transfer-status');
    await waitFor(() => expect(status).toHaveTextContent(/^Transfers: 1 running · measuring speed…$/));
    await fireEvent.click(status);
    expect(within(screen.getByTestId('batch')).getByTestId('batch-counts')).toHaveTextContent('3 of 1,204 files · 12 MB of 3.2 GB · measuring speed…');
    clock += 900;
    channel.send(progress({ bytes_done: 48e6, files_done: 12 }));
    await waitFor(() => expect(within(screen.getByTestId('batch')).getByTestId('batch-counts')).toHaveTextContent(/40 MB\/s · ETA 1:19$/));
  });

  it('pauses; Resume runs the next plan with the same tags and conflict choice, and counts both runs', async () => {
    const transfers = setup();
    transfers.panelOpen = true;
    transfers.start(SUMMARY, TAGS, 'skip', 'c1');
    await waitFor(() => expect(runs).toHaveLength(1));
    await fireEvent.click(await screen.findByTestId('batch-pause'));
    expect(callsOf('pause_operation')).toEqual([{ opId: runs[0].args.opId }]);
    expect(screen.getByTestId('batch-pause')).toHaveTextContent('Pausing…');
    runs[0].end(report({ files: 300, bytes: 8e8, paused: true, next_plan: 'plan-2' }));

    await waitFor(() => expect(screen.getByTestId('batch')).toHaveAttribute('data-state', 'paused'));
    expect(screen.getByTestId('batch-outcome')).toHaveTextContent('Paused after 300 of 1,204 files.');
    expect(screen.getByTestId('transfer-status')).toHaveTextContent('Transfers: 1 paused');
    // After a pause the journal is read again (its uploads aren't offered twice: the batch is here).
    await waitFor(() => expect(callsOf('unfinished_uploads')).toHaveLength(1));

    await fireEvent.click(screen.getByTestId('batch-resume'));
    await waitFor(() => expect(runs).toHaveLength(2));
    expect(runs[1].args).toMatchObject({ planId: 'plan-2', tags: TAGS, conflicts: 'skip' });
    expect(runs[1].args.opId).not.toBe(runs[0].args.opId);
    runs[1].args.progress.send(progress({ files_done: 4, files_total: 904, bytes_done: 1e8, bytes_total: 2.4e9 }));
    await waitFor(() => expect(screen.getByTestId('batch-counts')).toHaveTextContent('304 of 1,204 files · 900 MB of 3.2 GB'));
    runs[1].end(report({ files: 904, bytes: 2.4e9, resumed_bytes: 1.1e9 }));

    const entry = await screen.findByTestId('history-entry');
    expect(screen.queryByTestId('batch')).toBeNull();
    expect(entry).toHaveAttribute('data-tone', 'ok');
    expect(entry).toHaveTextContent('bucket-b/raw/');
    expect(entry).toHaveTextContent('Uploaded 1,204 files (3.2 GB), resumed 1.1 GB from an earlier run.');
    expect(screen.getByTestId('transfer-status')).toHaveTextContent('No transfers');
  });

  it('lists the files that failed; Retry failed runs the next plan; Close moves it to the history', async () => {
    const transfers = setup();
    transfers.panelOpen = true;
    transfers.start(SUMMARY, TAGS, 'overwrite', 'c1');
    await waitFor(() => expect(runs).toHaveLength(1));
    const failed = [
      { key: '/home/ana/raw/a.csv', reason: 'Connection reset after 5 tries.' },
      { key: '/home/ana/raw/b.csv', reason: 'Access Denied' },
    ];
    runs[0].end(report({ files: 1202, failed, next_plan: 'plan-retry', checksum: 'md5' }));
    await waitFor(() => expect(screen.getByTestId('batch')).toHaveAttribute('data-state', 'incomplete'));
    expect(screen.getByTestId('batch-outcome')).toHaveTextContent('Uploaded 1,202 files (3.2 GB); 2 failed.');
    expect(screen.getByTestId('batch-outcome')).toHaveTextContent('Content-MD5 used: this storage refused CRC32C.');
    expect(screen.getAllByTestId('batch-failure').map((f) => f.textContent)).toEqual([
      '/home/ana/raw/a.csv — Connection reset after 5 tries.',
      '/home/ana/raw/b.csv — Access Denied',
    ]);

    await fireEvent.click(screen.getByTestId('batch-retry'));
    await waitFor(() => expect(runs).toHaveLength(2));
    expect(runs[1].args).toMatchObject({ planId: 'plan-retry', tags: TAGS, conflicts: 'overwrite' });
    runs[1].end(report({ files: 1, bytes: 1000, failed: [failed[1]], next_plan: 'plan-retry-2' }));
    await waitFor(() => expect(screen.getAllByTestId('batch-failure')).toHaveLength(1));

    await fireEvent.click(screen.getByTestId('batch-close'));
    expect(callsOf('discard_upload')).toEqual([{ id: 'plan-retry-2', abort: false }]);
    const entry = screen.getByTestId('history-entry');
    expect(entry).toHaveAttribute('data-tone', 'partial');
    expect(entry).toHaveTextContent('Uploaded 1,203 files (3.2 GB); 1 failed.');
    expect(entry).toHaveTextContent('1 file not uploaded');
  });

  it('cancels after a confirmation that parts already sent are deleted', async () => {
    const transfers = setup();
    transfers.panelOpen = true;
    transfers.start(SUMMARY, [], 'skip', 'c1');
    await waitFor(() => expect(runs).toHaveLength(1));
    await fireEvent.click(await screen.findByTestId('batch-cancel'));
    const confirm = screen.getByRole('alertdialog', { name: 'Cancel the upload?' });
    expect(confirm).toHaveTextContent('Cancel the upload? Parts already sent are deleted.');
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Keep uploading' }));
    expect(callsOf('cancel_operation')).toEqual([]);
    await fireEvent.click(screen.getByTestId('batch-cancel'));
    await fireEvent.click(screen.getByTestId('confirm'));
    expect(callsOf('cancel_operation')).toEqual([{ opId: runs[0].args.opId }]);
    expect(screen.getByTestId('batch')).toHaveAttribute('data-state', 'stopping');
    runs[0].end(report({ files: 3, bytes: 3000, cancelled: true }));
    expect(await screen.findByTestId('history-entry')).toHaveTextContent('Cancelled after 3 files (3 KB); parts of unfinished files were deleted.');
  });

  it('offers Pause all and Cancel all in the header while two or more run, and Resume all once two are paused', async () => {
    const transfers = setup();
    transfers.panelOpen = true;
    transfers.start(SUMMARY, TAGS, 'skip', 'c1');
    await waitFor(() => expect(runs).toHaveLength(1));
    expect(await screen.findByTestId('batch')).toBeInTheDocument();
    expect(screen.queryByTestId('pause-all')).toBeNull();
    expect(screen.queryByTestId('cancel-all')).toBeNull();
    transfers.start({ ...SUMMARY, plan_id: 'plan-x', prefix: 'x/' }, TAGS, 'skip', 'c1');
    await waitFor(() => expect(runs).toHaveLength(2));

    await fireEvent.click(await screen.findByTestId('pause-all'));
    expect(callsOf('pause_operation').map((c) => (c as { opId: string }).opId).sort()).toEqual([runs[0].args.opId, runs[1].args.opId].sort());
    expect(screen.getAllByTestId('batch-pause').map((b) => b.textContent?.trim())).toEqual(['Pausing…', 'Pausing…']);
    // Nothing left to pause.
    expect(screen.queryByTestId('pause-all')).toBeNull();
    expect(screen.getByTestId('cancel-all')).toBeInTheDocument();

    runs[0].end(report({ files: 300, bytes: 8e8, paused: true, next_plan: 'plan-2' }));
    runs[1].end(report({ files: 10, bytes: 1e7, paused: true, next_plan: 'plan-x2' }));
    await fireEvent.click(await screen.findByTestId('resume-all'));
    await waitFor(() => expect(runs).toHaveLength(4));
    expect(runs.slice(2).map((r) => r.args.planId).sort()).toEqual(['plan-2', 'plan-x2']);
    expect(runs[2].args).toMatchObject({ tags: TAGS, conflicts: 'skip' });
    expect(screen.queryByTestId('resume-all')).toBeNull();
    expect(screen.getByTestId('pause-all')).toBeInTheDocument();
  });

  it('Cancel all asks once, then cancels the running batches and moves the paused one to the history', async () => {
    const transfers = setup();
    transfers.panelOpen = true;
    transfers.start(SUMMARY, [], 'skip', 'c1');
    transfers.start({ ...SUMMARY, plan_id: 'plan-x', prefix: 'x/' }, [], 'skip', 'c1');
    transfers.start({ ...SUMMARY, plan_id: 'plan-y', prefix: 'y/' }, [], 'skip', 'c1');
    await waitFor(() => expect(runs).toHaveLength(3));
    runs[2].end(report({ files: 300, bytes: 8e8, paused: true, next_plan: 'plan-y2' }));
    await waitFor(() => expect(screen.getAllByTestId('batch')[0]).toHaveAttribute('data-state', 'paused'));

    await fireEvent.click(screen.getByTestId('cancel-all'));
    const confirm = screen.getByRole('alertdialog', { name: 'Cancel all uploads?' });
    expect(confirm).toHaveTextContent('Cancel 3 uploads? Parts already sent are deleted.');
    expect(confirm).toHaveTextContent('Parts already sent are deleted.');
    await fireEvent.click(within(confirm).getByRole('button', { name: 'Keep uploading' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(callsOf('cancel_operation')).toEqual([]);

    await fireEvent.click(screen.getByTestId('cancel-all'));
    await fireEvent.click(screen.getByTestId('confirm'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(callsOf('cancel_operation').map((c) => (c as { opId: string }).opId).sort()).toEqual([runs[0].args.opId, runs[1].args.opId].sort());
    expect(callsOf('discard_upload')).toEqual([{ id: 'plan-y2', abort: true }]);
    expect(screen.getAllByTestId('batch').map((b) => b.dataset.state)).toEqual(['stopping', 'stopping']);
    const paused = screen.getByTestId('history-entry');
    expect(paused).toHaveTextContent('bucket-b/y/');
    expect(paused).toHaveTextContent('Cancelled while paused, after 300 of 1,204 files (800 MB).');
    expect(screen.queryByTestId('cancel-all')).toBeNull();

    runs[0].end(report({ files: 3, bytes: 3000, cancelled: true }));
    runs[1].end(report({ files: 0, bytes: 0, cancelled: true }));
    await waitFor(() => expect(screen.getAllByTestId('history-entry')).toHaveLength(3));
    expect(screen.queryByTestId('batch')).toBeNull();
    expect(screen.getByTestId('transfer-status')).toHaveTextContent('No transfers');
  });

  it('offers interrupted uploads of saved connections: Resume plans them, Discard deletes them after a confirmation', async () => {
    const u = (id: number, storage: string, bucket: string): UnfinishedUpload => ({
      id,
      storage,
      bucket,
      key: `raw/f${id}.bin`,
      file_name: `f${id}.bin`,
      size: 1e9,
      done: 4e8,
      started: 1_700_000_000,
    });
    unfinished = [u(1, 'c1', 'bucket-b'), u(2, 'c1', 'bucket-b'), u(3, 'c1', 'bucket-b'), u(4, 'endpoint http://10.0.0.5:9000', 'x')];
    const transfers = setup();
    await transfers.loadUnfinished();
    const banner = await screen.findByTestId('interrupted-banner');
    expect(banner).toHaveTextContent('3 uploads were interrupted · into bucket-b on AWS prod');

    await fireEvent.click(within(banner).getByTestId('interrupted-resume'));
    expect(transfers.sheet).toEqual({ kind: 'interrupted', connectionId: 'c1', bucket: 'bucket-b' });
    transfers.closeSheet();

    await fireEvent.click(within(banner).getByTestId('interrupted-discard'));
    const confirm = screen.getByRole('alertdialog', { name: 'Discard interrupted uploads' });
    expect(confirm).toHaveTextContent(
      'Discard 3 interrupted uploads? The storage bills for the parts already sent (1.2 GB); discarding deletes them, and the files are not uploaded.',
    );
    unfinished = [unfinished[3]];
    await fireEvent.click(within(confirm).getByTestId('confirm'));
    await waitFor(() => expect(screen.queryByTestId('interrupted-banner')).toBeNull());
    expect(callsOf('discard_unfinished')).toEqual([{ ids: [1, 2, 3] }]);
  });

  it('lists interrupted uploads per bucket in the panel when there are several', async () => {
    const u = (id: number, bucket: string): UnfinishedUpload => ({ id, storage: 'c1', bucket, key: `k${id}`, file_name: `f${id}`, size: 100, done: 0, started: 0 });
    unfinished = [u(1, 'a'), u(2, 'b')];
    const transfers = setup();
    await transfers.loadUnfinished();
    await fireEvent.click(await screen.findByTestId('interrupted-resume'));
    expect(transfers.panelOpen).toBe(true);
    const groups = await screen.findAllByTestId('interrupted-group');
    expect(groups.map((g) => g.textContent?.replace(/\s+/g, ' ').trim())).toEqual([
      'a on AWS prod · 1 file, 100 bytes left Resume Discard…',
      'b on AWS prod · 1 file, 100 bytes left Resume Discard…',
    ]);
    await fireEvent.click(within(groups[1]).getByTestId('interrupted-group-resume'));
    expect(transfers.sheet).toEqual({ kind: 'interrupted', connectionId: 'c1', bucket: 'b' });
  });
});

describe('Archived files in a download', () => {
  it('says which files are archived and asks for their restore from the batch', async () => {
    const transfers = setup();
    transfers.panelOpen = true;
    const failed = [
      { key: 'cold/a.csv', reason: 'cold/a.csv is archived (GLACIER): restore it before reading it.' },
      { key: 'cold/b.csv', reason: 'cold/b.csv is archived (GLACIER): restore it before reading it.' },
    ];
    answer({
      start_download: { files: 1, bytes: 10, refused: [], failed, archived: ['cold/a.csv', 'cold/b.csv'], cancelled: false, skipped: 0, changed: [], verified: 1, resumed_bytes: 0, restarted: [], paused: false, next_plan: 'dl-2' },
      restore_from_archive: { requested: 2, already_restoring: 0, not_archived: 0, failed: [], cancelled: false },
      discard_download: null,
      unfinished_uploads: [],
    });
    transfers.startDownload({ plan_id: 'dl-1', folder: 'Downloads', files: 3, bytes: 30, conflicts: [], conflict_count: 0, refused: [] }, 'overwrite', { connectionId: 'c1', bucket: 'bucket-b', prefix: 'cold/' });
    const archived = await screen.findByTestId('batch-archived');
    expect(archived).toHaveTextContent('2 files are archived (Glacier Flexible Retrieval or Deep Archive) and must be restored before they can be downloaded.');
    await fireEvent.click(within(archived).getByTestId('batch-restore-archived'));
    const dialog = await screen.findByTestId('archive-restore-dialog');
    await fireEvent.click(within(dialog).getByTestId('restore-ok'));
    await waitFor(() => expect(callsOf('restore_from_archive')).toEqual([expect.objectContaining({ connectionId: 'c1', bucket: 'bucket-b', selection: ['cold/a.csv', 'cold/b.csv'], days: 7, tier: 'standard' })]));
    expect(await screen.findByTestId('batch-restore-note')).toHaveTextContent('Asked to restore 2 archived objects: each can be read once its copy is ready. Download them again once they are readable.');
    expect(screen.queryByTestId('batch-archived')).toBeNull();
  });
});
