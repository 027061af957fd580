import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ObjectBrowser from './ObjectBrowser.svelte';
import type {
  BucketOverview,
  ListingColumns,
  ObjectProperties_Serialize,
  UploadSummary_Serialize,
  VersionEntry_Serialize,
  VersionPage_Serialize,
} from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import { columns, type Entry } from '../../test/listing';
import { uploadReport } from '../../test/reports';
import { Transfers } from '$lib/uploads/transfers.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const version = (key: string, id: string, latest: boolean, marker = false): VersionEntry_Serialize => ({
  key,
  version_id: id,
  size: marker ? 0 : 1000,
  last_modified: '2025-07-01T10:00:00Z',
  storage_class: marker ? null : 'STANDARD',
  etag: null,
  is_latest: latest,
  is_delete_marker: marker,
});

type ListArgs = { connectionId: string; bucket: string; prefix: string; recursive: boolean; opId: string; pages: FakeChannel<ListingColumns> };

/** A listing the test drives: pages sent one by one, then the engine's answer. */
interface Driven {
  args: ListArgs;
  send: (folders: string[], objects: Entry[]) => void;
  finish: (count: number) => void;
  fail: (e: ReturnType<typeof engineError>) => void;
}

let listings: Driven[] = [];
const obj = (key: string, size = 1000, storage_class = 'STANDARD'): Entry => ({
  key,
  size,
  last_modified: '2025-07-01T10:00:00Z',
  storage_class,
});

const VERSIONED: BucketOverview = {
  name: 'bucket-b',
  region: 'eu-west-1',
  versioning: { state: 'on', text: 'Enabled' },
  object_lock: { state: 'off', text: '' },
  public_access_block: { state: 'on', text: '' },
  encryption: { state: 'on', text: '' },
};

const PROPS: ObjectProperties_Serialize = {
  key: 'raw/b.csv',
  size: 12_400_512,
  etag: '"9c1e4f0b"',
  content_type: 'text/csv',
  cache_control: null,
  content_disposition: null,
  content_encoding: null,
  storage_class: 'STANDARD',
  encryption: 'aws:kms',
  kms_key_id: 'arn:aws:kms:eu-west-1:1:key/abc',
  customer_key: null,
  version_id: null,
  last_modified: '2025-07-01T10:00:00Z',
  checksums: [['CRC64NVME', 'kL0Zs1v8bX4=']],
  metadata: [['source', 'warehouse']],
};

let handlers: Record<string, unknown> = {};
function setHandlers(extra: Record<string, unknown> = {}) {
  handlers = {
    list_objects: (a: unknown) => {
      const d = deferred<unknown>();
      const args = a as ListArgs;
      listings.push({
        args,
        send: (folders, objects) => args.pages.send(columns(folders, objects)),
        finish: (count) => d.resolve(count),
        fail: (e) => d.resolve(e),
      });
      return d.promise;
    },
    cancel_operation: true,
    bucket_overview: VERSIONED,
    object_properties: PROPS,
    object_tags: [],
    ...extra,
  };
  answer(handlers);
}

const SUMMARY: UploadSummary_Serialize = {
  plan_id: 'plan-1',
  bucket: 'bucket-b',
  prefix: '',
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

const REPORT = uploadReport({ files: 2, bytes: 2000 });

function setup(props: { onopenbucket?: (b: string) => void; transfers?: Transfers; active?: boolean } = {}) {
  return render(ObjectBrowser, { props: { connectionId: 'c1', bucket: 'bucket-b', ...props } });
}

const rowKeys = () => screen.queryAllByTestId('object-row').map((r) => r.dataset.key);
const row = (key: string) => {
  const el = document.querySelector<HTMLElement>(`[data-testid="object-row"][data-key="${key}"]`);
  if (!el) throw new Error(`no row ${key}`);
  return el;
};
const grid = () => screen.getByTestId('object-table');
const status = () => screen.getByTestId('listing-status');
const last = () => listings[listings.length - 1];

/** A folder listed in one page and finished. */
async function listed(folders: string[], objects: Entry[]) {
  await waitFor(() => expect(listings.length).toBeGreaterThan(0));
  last().send(folders, objects);
  last().finish(objects.length);
  await waitFor(() => expect(status()).toHaveAttribute('data-state', 'done'));
}

beforeEach(() => {
  localStorage.clear();
  listings = [];
  setHandlers();
});

describe('ObjectBrowser', () => {
  it('shows skeleton rows, then rows page by page while the listing streams', async () => {
    setup();
    expect(status()).toHaveAttribute('data-state', 'loading');
    expect(rowKeys()).toEqual([]);
    expect(grid()).toHaveAttribute('aria-busy', 'true');
    await waitFor(() => expect(listings).toHaveLength(1));
    expect(last().args).toMatchObject({ connectionId: 'c1', bucket: 'bucket-b', prefix: '', recursive: false });

    last().send(['raw/'], [obj('b.csv'), obj('a.csv')]);
    await waitFor(() => expect(rowKeys()).toEqual(['raw/', 'a.csv', 'b.csv']));
    expect(status()).toHaveAttribute('data-state', 'loading');
    expect(status()).toHaveTextContent('Loading… 3 so far');
    expect(row('raw/')).toHaveAttribute('data-kind', 'folder');

    last().send(['logs/'], [obj('c.csv')]);
    await waitFor(() => expect(rowKeys()).toEqual(['logs/', 'raw/', 'a.csv', 'b.csv', 'c.csv']));
    last().finish(3);
    await waitFor(() => expect(status()).toHaveAttribute('data-state', 'done'));
    expect(status()).toHaveTextContent('5 items');
  });

  it('says a folder is empty, and shows a listing error in place with Retry', async () => {
    setup();
    await listed([], []);
    expect(screen.getByTestId('empty-state')).toHaveTextContent('This bucket is empty');

    await fireEvent.click(screen.getByTestId('action-refresh'));
    await waitFor(() => expect(listings).toHaveLength(2));
    last().fail(engineError('access_denied', "You don't have permission to list this bucket.", 'AccessDenied (HTTP 403)'));
    await waitFor(() => expect(status()).toHaveAttribute('data-state', 'error'));
    expect(screen.getByTestId('listing-error')).toHaveAttribute('data-code', 'access_denied');
    await fireEvent.click(screen.getByRole('button', { name: 'Retry' }));
    await waitFor(() => expect(listings).toHaveLength(3));
  });

  it('filters loaded rows by name as you type, and says when nothing matches', async () => {
    setup();
    await listed(['reports/'], [obj('report-q1.csv'), obj('notes.txt')]);
    await fireEvent.click(row('notes.txt'));
    await fireEvent.click(row('report-q1.csv'), { ctrlKey: true });
    expect(screen.getByTestId('selection-status')).toHaveTextContent('2 selected');
    const filter = document.getElementById('object-filter') as HTMLInputElement;
    await fireEvent.input(filter, { target: { value: 'REPORT' } });
    expect(rowKeys()).toEqual(['reports/', 'report-q1.csv']);
    expect(status()).toHaveTextContent('3 items · 2 shown');
    // A row the filter hides is no longer selected: actions never touch what isn't shown.
    expect(screen.getByTestId('selection-status')).toHaveTextContent('1 selected');
    await fireEvent.input(filter, { target: { value: 'zzz' } });
    expect(rowKeys()).toEqual([]);
    expect(screen.getByTestId('empty-state')).toHaveTextContent('No match for “zzz”');
    await fireEvent.keyDown(filter, { key: 'Escape' });
    expect(rowKeys()).toHaveLength(3);
  });

  it('sorts by a column header, folders first, and back the other way', async () => {
    setup();
    await listed(['z/'], [obj('small.csv', 10), obj('big.csv', 5000), obj('mid.csv', 300)]);
    await fireEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(rowKeys()).toEqual(['z/', 'small.csv', 'mid.csv', 'big.csv']);
    const size = screen.getAllByRole('columnheader').find((h) => h.dataset.column === 'size')!;
    expect(size).toHaveAttribute('aria-sort', 'ascending');
    await fireEvent.click(screen.getByRole('button', { name: /Size/ }));
    expect(rowKeys()).toEqual(['z/', 'big.csv', 'mid.csv', 'small.csv']);
    expect(size).toHaveAttribute('aria-sort', 'descending');
  });

  it('opens a folder with Enter, goes back up with Backspace, and cancels a listing left behind', async () => {
    setup();
    await listed(['raw/'], [obj('a.csv')]);
    await fireEvent.click(row('raw/'));
    await fireEvent.keyDown(grid(), { key: 'Enter' });
    await waitFor(() => expect(listings).toHaveLength(2));
    expect(last().args.prefix).toBe('raw/');
    expect(screen.getAllByTestId('breadcrumb').map((b) => b.textContent?.trim())).toEqual(['bucket-b', 'raw']);
    // Leaving while it still lists cancels it.
    const inRaw = last();
    inRaw.send([], [obj('raw/x.csv')]);
    await waitFor(() => expect(rowKeys()).toEqual(['raw/x.csv']));
    await fireEvent.keyDown(grid(), { key: 'Backspace' });
    expect(callsOf('cancel_operation')).toContainEqual({ opId: inRaw.args.opId });
    await waitFor(() => expect(listings).toHaveLength(3));
    expect(last().args.prefix).toBe('');
    // Pages of the cancelled listing no longer land.
    inRaw.send([], [obj('raw/late.csv')]);
    last().send(['raw/'], [obj('a.csv')]);
    last().finish(1);
    await waitFor(() => expect(rowKeys()).toEqual(['raw/', 'a.csv']));
    // The folder we came from is selected.
    expect(row('raw/')).toHaveAttribute('aria-selected', 'true');
  });

  it('goes to a pasted s3:// path or console link, and explains one it cannot read', async () => {
    const onopenbucket = vi.fn();
    setup({ onopenbucket });
    await listed([], []);
    const bar = document.getElementById('path-bar') as HTMLInputElement;
    expect(bar.value).toBe('s3://bucket-b/');
    bar.focus();
    await fireEvent.input(bar, { target: { value: 's3://bucket-b/raw/2024/q1.csv' } });
    await fireEvent.keyDown(bar, { key: 'Enter' });
    await waitFor(() => expect(listings).toHaveLength(2));
    expect(last().args.prefix).toBe('raw/2024/');
    last().send([], [obj('raw/2024/q0.csv'), obj('raw/2024/q1.csv')]);
    last().finish(2);
    await waitFor(() => expect(row('raw/2024/q1.csv')).toHaveAttribute('aria-selected', 'true'));

    bar.focus();
    await fireEvent.input(bar, { target: { value: 'ftp://nope' } });
    await fireEvent.keyDown(bar, { key: 'Enter' });
    expect(screen.getByTestId('path-error')).toHaveTextContent("Satchel can't read that location.");

    await fireEvent.input(bar, {
      target: { value: 'https://s3.console.aws.amazon.com/s3/buckets/other-bucket?region=eu-west-1&prefix=logs%2F&showversions=false' },
    });
    await fireEvent.keyDown(bar, { key: 'Enter' });
    expect(onopenbucket).toHaveBeenCalledWith('other-bucket');
    expect(JSON.parse(localStorage.getItem('satchel.objects.locations')!)).toMatchObject({ 'c1/other-bucket': 'logs/' });
  });

  it('deletes after a confirmation that counts first and mentions versions, then reports every failure', async () => {
    const count = deferred<unknown>();
    setHandlers({
      count_selection: () => count.promise,
      delete_objects: { deleted: 1203, failed: [{ key: 'raw/locked.csv', reason: 'Access Denied' }] },
    });
    setup();
    await listed(['raw/'], [obj('a.csv'), obj('b.csv')]);
    await fireEvent.click(row('raw/'));
    await fireEvent.click(row('a.csv'), { shiftKey: true });
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('Counting what the selection holds…');
    // Nothing to confirm until the count is known.
    expect(screen.queryByTestId('confirm')).toBeNull();
    expect(callsOf('count_selection')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'], opId: expect.any(String) }]);
    count.resolve(1204);
    await waitFor(() => expect(dialog).toHaveTextContent('Delete 1,204 objects from bucket-b?'));
    expect(dialog).toHaveTextContent('The bucket keeps versions: deleting adds delete markers; older versions stay.');
    expect(dialog).toHaveTextContent('That includes everything in the folder “raw”.');

    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(callsOf('delete_objects')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'], opId: expect.any(String) }]);
    const report = screen.getByTestId('action-report');
    expect(report).toHaveAttribute('data-tone', 'partial');
    expect(report).toHaveTextContent('Deleted 1,203 of 1,204 objects; 1 could not be deleted.');
    expect(within(report).getByTestId('action-failure')).toHaveTextContent('raw/locked.csv — Access Denied');
    // The folder is listed again.
    await waitFor(() => expect(listings).toHaveLength(2));
  });

  it('tags the selection from the toolbar, then reports every object that failed', async () => {
    setHandlers({
      bulk_tag: { tagged: 3, failed: [{ key: 'raw/locked.csv', reason: 'Access Denied' }], cancelled: false },
    });
    setup();
    await listed(['raw/'], [obj('a.csv')]);
    expect(screen.getByTestId('action-tag')).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('action-tag')).toHaveAttribute('title', 'Select what to tag');
    await fireEvent.click(row('raw/'));
    await fireEvent.click(row('a.csv'), { shiftKey: true });
    await fireEvent.click(screen.getByTestId('action-tag'));
    const dialog = screen.getByTestId('bulk-tag-dialog');
    expect(dialog).toHaveTextContent('Tag “a.csv” and everything in the folder “raw”.');
    await fireEvent.input(within(dialog).getByTestId('bulk-tag-key'), { target: { value: 'team' } });
    await fireEvent.input(within(dialog).getByTestId('bulk-tag-value'), { target: { value: 'data' } });
    await fireEvent.click(within(dialog).getByTestId('bulk-tag-ok'));

    const report = await screen.findByTestId('action-report');
    expect(screen.queryByTestId('bulk-tag-dialog')).toBeNull();
    expect(report).toHaveAttribute('data-tone', 'partial');
    expect(report).toHaveTextContent('Tagged 3 of 4 objects; 1 could not be tagged.');
    expect(within(report).getByTestId('action-failure')).toHaveTextContent('raw/locked.csv — Access Denied');
    expect(callsOf('bulk_tag')).toEqual([expect.objectContaining({ selection: ['raw/', 'a.csv'], tags: [{ key: 'team', value: 'data' }], mode: 'merge' })]);
  });

  it('plans a download of the selection and hands it to the transfers panel, which runs it', async () => {
    const done = deferred<unknown>();
    setHandlers({
      plan_download: { plan_id: 'p1', folder: 'Downloads', files: 3, bytes: 6000, conflicts: [], conflict_count: 0, refused: [] },
      start_download: () => done.promise,
    });
    const transfers = new Transfers({ notify: vi.fn(), knownConnections: () => ['c1'] });
    setup({ transfers });
    await listed(['raw/'], [obj('a.csv')]);
    await fireEvent.click(row('raw/'));
    await fireEvent.click(row('a.csv'), { shiftKey: true });
    await fireEvent.click(screen.getByTestId('action-download'));
    expect(screen.getByTestId('download-status')).toHaveTextContent('Choose a folder to download to');
    expect(callsOf('plan_download')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', selection: ['raw/', 'a.csv'], opId: expect.any(String) }]);
    const report = await screen.findByTestId('action-report');
    expect(report).toHaveTextContent('Downloading 3 files (6 KB) to “Downloads”: see Transfers.');
    expect(screen.queryByTestId('download-status')).toBeNull();
    await waitFor(() => expect(callsOf('start_download')).toEqual([{ planId: 'p1', ifExists: 'overwrite', opId: expect.any(String), progress: expect.anything() }]));
    expect(transfers.running.map((b) => [b.kind, b.place])).toEqual([['download', 'bucket-b/ → Downloads']]);
    // A second download can be planned while the first runs.
    await fireEvent.click(screen.getByTestId('action-download'));
    await waitFor(() => expect(callsOf('plan_download')).toHaveLength(2));
    done.resolve({
      files: 2,
      bytes: 4000,
      refused: [{ key: 'raw/../x', reason: 'Not downloaded: the segment ".." means a parent or current folder.' }],
      failed: [],
      cancelled: false,
      skipped: 0,
      changed: [],
      resumed_bytes: 0,
      restarted: [],
      verified: 2,
      paused: false,
      next_plan: null,
    });
    await waitFor(() => expect(transfers.history.length + transfers.batches.filter((b) => !b.active).length).toBeGreaterThan(0));
    const ended = transfers.batches.find((b) => !b.active);
    expect(ended?.state).toBe('incomplete');
    expect(ended?.last?.failed.map((f) => f.key)).toEqual(['raw/../x']);
  });

  it('asks once what to do with files already in the folder, and downloads with that choice', async () => {
    setHandlers({
      plan_download: { plan_id: 'p2', folder: 'Downloads', files: 3, bytes: 6000, conflicts: ['a.csv', 'raw/b.csv'], conflict_count: 2, refused: [] },
      start_download: { files: 1, bytes: 2000, refused: [], failed: [], cancelled: false, skipped: 2, changed: [], verified: 1, resumed_bytes: 0, restarted: [], paused: false, next_plan: null },
      discard_download: null,
    });
    const transfers = new Transfers({ notify: vi.fn(), knownConnections: () => ['c1'] });
    setup({ transfers });
    await listed(['raw/'], [obj('a.csv')]);
    await fireEvent.click(row('a.csv'));
    await fireEvent.click(screen.getByTestId('action-download'));
    const dialog = await screen.findByTestId('download-conflicts');
    expect(dialog).toHaveTextContent('2 files are already in “Downloads”');
    expect(within(dialog).getAllByTestId('download-conflict').map((li) => li.textContent)).toEqual(['a.csv', 'raw/b.csv']);
    expect(screen.getByTestId('download-status')).toHaveTextContent('Some files are already in “Downloads”');
    expect(callsOf('start_download')).toEqual([]);
    await fireEvent.click(within(dialog).getByTestId('download-conflict-skip'));
    await waitFor(() => expect(transfers.history).toHaveLength(1));
    expect(transfers.history[0].lines).toEqual(['Downloaded 1 file (2 KB).', '2 files were skipped: they already existed.']);
    expect(callsOf('start_download')).toEqual([expect.objectContaining({ planId: 'p2', ifExists: 'skip' })]);
    expect(screen.queryByTestId('download-conflicts')).toBeNull();

    // Closing the question drops the plan: nothing is downloaded.
    await fireEvent.click(screen.getByTestId('action-download'));
    await fireEvent.click(within(await screen.findByTestId('download-conflicts')).getByTestId('download-conflict-cancel'));
    await waitFor(() => expect(callsOf('discard_download')).toEqual([{ planId: 'p2' }]));
    expect(callsOf('start_download')).toHaveLength(1);
    await waitFor(() => expect(screen.queryByTestId('download-status')).toBeNull());
  });

  it('opens the summary sheet for this folder with files or a folder picked in the native dialog (Ctrl+U for files)', async () => {
    const held = { sources_id: 'src-1', count: 2, names: ['a.csv', 'b.csv'] };
    setHandlers({ pick_upload_sources: held });
    const transfers = new Transfers({ notify: vi.fn(), knownConnections: () => ['c1'] });
    setup({ transfers });
    await listed(['raw/'], [obj('a.csv')]);
    await fireEvent.click(screen.getByTestId('action-upload'));
    await waitFor(() => expect(transfers.sheet).toEqual({ kind: 'sources', place: { connectionId: 'c1', bucket: 'bucket-b', prefix: '' }, held }));
    expect(callsOf('pick_upload_sources')).toEqual([{ folder: false }]);

    transfers.closeSheet();
    await fireEvent.click(row('raw/'));
    await fireEvent.keyDown(grid(), { key: 'Enter' });
    await listed([], []);
    await fireEvent.keyDown(grid(), { key: 'u', ctrlKey: true });
    await waitFor(() => expect(transfers.sheet).toMatchObject({ place: { prefix: 'raw/' } }));
    transfers.closeSheet();
    await fireEvent.click(screen.getByTestId('action-upload-folder'));
    await waitFor(() => expect(transfers.sheet).not.toBeNull());
    expect(callsOf('pick_upload_sources')).toEqual([{ folder: false }, { folder: false }, { folder: true }]);
  });

  it('is where dropped files go while shown, with an overlay while they are dragged over it', async () => {
    const transfers = new Transfers({ notify: vi.fn(), knownConnections: () => ['c1'] });
    const view = setup({ transfers });
    await listed([], [obj('a.csv')]);
    expect(transfers.target).toMatchObject({ connectionId: 'c1', bucket: 'bucket-b', prefix: '' });
    expect(screen.queryByTestId('drop-overlay')).toBeNull();
    transfers.hovering = true;
    expect(await screen.findByTestId('drop-overlay')).toHaveTextContent('Drop to upload to bucket-b/');
    transfers.hovering = false;
    await waitFor(() => expect(screen.queryByTestId('drop-overlay')).toBeNull());
    // On another tab it takes no drops.
    await view.rerender({ active: false });
    expect(transfers.target).toBeNull();
  });

  it('lists the folder again when an upload into it ends', async () => {
    setHandlers({
      start_upload: { ...REPORT, files: 2, bytes: 2000 },
    });
    const transfers = new Transfers({ notify: vi.fn(), knownConnections: () => ['c1'] });
    setup({ transfers });
    await listed([], [obj('a.csv')]);
    transfers.start({ ...SUMMARY, prefix: 'other/' }, [], 'skip', 'c1');
    await waitFor(() => expect(transfers.history).toHaveLength(1));
    expect(listings).toHaveLength(1);
    transfers.start(SUMMARY, [], 'skip', 'c1');
    await waitFor(() => expect(listings).toHaveLength(2));
  });

  it('creates a folder: the rule broken shows under the field, then the new folder is selected', async () => {
    let attempt = 0;
    setHandlers({
      create_folder: () => (++attempt === 1 ? engineError('invalid_input', 'Folder names can\'t contain "/".') : 'new stuff/'),
    });
    setup();
    await listed([], [obj('a.csv')]);
    await fireEvent.click(screen.getByTestId('action-new-folder'));
    const input = document.getElementById('new-folder-name') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: 'a/b' } });
    await fireEvent.click(screen.getByTestId('new-folder-ok'));
    await waitFor(() => expect(screen.getByTestId('field-error')).toHaveTextContent('Folder names can\'t contain "/".'));
    expect(input).toHaveAttribute('aria-invalid', 'true');
    await fireEvent.input(input, { target: { value: 'new stuff' } });
    await fireEvent.click(screen.getByTestId('new-folder-ok'));
    await waitFor(() => expect(row('new stuff/')).toHaveAttribute('aria-selected', 'true'));
    expect(callsOf('create_folder')).toContainEqual({ connectionId: 'c1', bucket: 'bucket-b', parent: '', name: 'new stuff' });
  });

  it('renames with F2 and selects the new name', async () => {
    setHandlers({ rename_item: { copied: 12, deleted: 12, failed: [] } });
    setup();
    await listed(['2024/'], []);
    await fireEvent.click(row('2024/'));
    await fireEvent.keyDown(grid(), { key: 'F2' });
    const input = document.getElementById('rename-name') as HTMLInputElement;
    expect(input.value).toBe('2024');
    await fireEvent.input(input, { target: { value: '2024-archive' } });
    await fireEvent.click(screen.getByTestId('rename-ok'));
    await waitFor(() => expect(listings).toHaveLength(2));
    expect(callsOf('rename_item')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', item: '2024/', newName: '2024-archive', opId: expect.any(String) }]);
    expect(screen.getByTestId('action-report')).toHaveTextContent('Renamed “2024” to “2024-archive” (12 objects).');
    last().send(['2024-archive/'], []);
    last().finish(0);
    await waitFor(() => expect(row('2024-archive/')).toHaveAttribute('aria-selected', 'true'));
  });

  it('opens a context menu with every action from Shift+F10', async () => {
    setup();
    await listed([], [obj('a.csv')]);
    await fireEvent.click(row('a.csv'));
    await fireEvent.keyDown(grid(), { key: 'F10', shiftKey: true });
    const menu = screen.getByTestId('context-menu');
    const items = within(menu).getAllByRole('menuitem');
    expect(items.map((i) => i.dataset.action)).toEqual([
      'open',
      'preview',
      'download',
      'share',
      'upload-link',
      'rename',
      'copy',
      'move',
      'tag',
      'restore-archive',
      'delete',
      'properties',
      'versions',
      'new-folder',
    ]);
    const download = items.find((i) => i.dataset.action === 'download')!;
    expect(download).not.toHaveAttribute('aria-disabled', 'true');
    await fireEvent.keyDown(menu, { key: 'Escape' });
    expect(screen.queryByTestId('context-menu')).toBeNull();
  });

  it('previews with Space: CSV as a table, JSON pretty-printed', async () => {
    setHandlers({
      preview_object: (a: unknown) =>
        (a as { key: string }).key.endsWith('.csv')
          ? { kind: 'text', text: 'id,note\n1,"a, b"\n2,c\n', truncated: true, content_type: 'text/csv' }
          : { kind: 'text', text: '{"a":1}', truncated: false, content_type: 'application/json' },
    });
    setup();
    await listed([], [obj('data.csv'), obj('meta.json')]);
    await fireEvent.click(row('data.csv'));
    await fireEvent.keyDown(grid(), { key: ' ' });
    const table = await screen.findByTestId('preview-table');
    expect(within(table).getAllByRole('row').map((r) => r.textContent)).toEqual(['idnote', '11a, b', '22c']);
    expect(screen.getByTestId('preview-truncated')).toHaveTextContent('Showing the first 256 kB');
    await fireEvent.click(screen.getByRole('button', { name: 'Close' }));

    await fireEvent.click(row('meta.json'));
    await fireEvent.keyDown(grid(), { key: ' ' });
    await waitFor(() => expect(screen.getByTestId('preview')).toHaveAttribute('data-kind', 'json'));
    expect(screen.getByTestId('preview').querySelector('pre')?.textContent).toBe('{\n  "a": 1\n}');
  });

  it('shows the properties of one file, and the count and size of several', async () => {
    setup();
    await listed([], [obj('raw/a.csv', 1000), obj('raw/b.csv', 12_400_512)]);
    await fireEvent.click(row('raw/b.csv'));
    const panel = screen.getByTestId('properties');
    await waitFor(() => expect(panel).toHaveAttribute('data-state', 'ready'));
    expect(screen.getByTestId('properties-size')).toHaveTextContent('12.4 MB (12,400,512 bytes)');
    expect(panel).toHaveTextContent('ETag "9c1e4f0b"');
    expect(panel).toHaveTextContent('Checksum CRC64NVME kL0Zs1v8bX4=');
    expect(panel).toHaveTextContent('KMS key arn:aws:kms:eu-west-1:1:key/abc');
    expect(screen.getByTestId('properties-metadata')).toHaveTextContent('sourcewarehouse');
    expect(callsOf('object_properties')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/b.csv' }]);

    await fireEvent.keyDown(grid(), { key: 'a', ctrlKey: true });
    expect(screen.getByTestId('properties-total')).toHaveTextContent('12.4 MB (12,401,512 bytes)');
    expect(panel).toHaveTextContent('2 items selected');

    await fireEvent.click(within(panel).getByRole('button', { name: 'Hide properties' }));
    expect(screen.queryByTestId('properties')).toBeNull();
    expect(localStorage.getItem('satchel.objects.propertiesOpen')).toBe('false');
  });

  it('edits a file\'s storage class in the panel; its row shows the new class without listing again', async () => {
    let stored = PROPS;
    setHandlers({
      object_properties: () => stored,
      edit_metadata: (a: unknown) => {
        stored = { ...stored, storage_class: (a as { edit: { storage_class: string } }).edit.storage_class, last_modified: '2025-07-02T09:00:00Z' };
        return null;
      },
    });
    setup();
    await listed([], [obj('raw/a.csv', 1000), obj('raw/b.csv', 12_400_512)]);
    await fireEvent.click(row('raw/b.csv'));
    await fireEvent.click(await screen.findByTestId('metadata-edit'));
    await fireEvent.change(screen.getByTestId('metadata-storage-class'), { target: { value: 'GLACIER_IR' } });
    await fireEvent.click(screen.getByTestId('metadata-save'));

    await waitFor(() => expect(screen.getByTestId('metadata')).toHaveAttribute('data-state', 'ready'));
    expect(screen.getByTestId('metadata')).toHaveTextContent('Storage class GLACIER_IR');
    expect(row('raw/b.csv')).toHaveTextContent('GLACIER_IR');
    expect(row('raw/b.csv')).toHaveAttribute('aria-selected', 'true');
    expect(listings).toHaveLength(1);
  });

  it('searches below the prefix with a live count and Cancel, showing keys below it', async () => {
    setup();
    await listed(['raw/'], []);
    await fireEvent.click(screen.getByTestId('action-search'));
    await waitFor(() => expect(listings).toHaveLength(2));
    expect(last().args).toMatchObject({ prefix: '', recursive: true });
    last().send([], [obj('raw/2024/a.csv'), obj('raw/b.csv')]);
    await waitFor(() => expect(screen.getByTestId('search-banner')).toHaveTextContent('2 objects so far'));
    expect(screen.getAllByTestId('object-row').map((r) => r.textContent?.trim().split(/\s/)[0])).toEqual(['raw/2024/a.csv', 'raw/b.csv']);
    await fireEvent.click(screen.getByTestId('search-cancel'));
    expect(callsOf('cancel_operation')).toContainEqual({ opId: last().args.opId });
    expect(screen.getByTestId('search-banner')).toHaveTextContent('Search stopped after 2 objects');
    await fireEvent.click(screen.getByTestId('search-close'));
    expect(rowKeys()).toEqual(['raw/']);
  });

  it('shows the folder’s versions in place of its objects, follows folders, and goes back', async () => {
    const versionLists: { prefix: string; opId: string; pages: FakeChannel<VersionPage_Serialize>; finish: (n: number) => void }[] = [];
    setHandlers({
      list_versions: (a: unknown) => {
        const args = a as { prefix: string; recursive: boolean; opId: string; pages: FakeChannel<VersionPage_Serialize> };
        expect(args.recursive).toBe(false);
        const d = deferred<unknown>();
        versionLists.push({ prefix: args.prefix, opId: args.opId, pages: args.pages, finish: d.resolve });
        return d.promise;
      },
    });
    setup();
    await listed(['raw/'], [obj('a.csv')]);
    await fireEvent.click(row('a.csv'));
    const toggle = screen.getByTestId('action-versions');
    expect(toggle).toHaveAttribute('aria-pressed', 'false');
    await fireEvent.click(toggle);
    expect(toggle).toHaveAttribute('aria-pressed', 'true');
    expect(screen.queryByTestId('object-table')).toBeNull();
    expect(screen.queryByTestId('listing-status')).toBeNull();
    await waitFor(() => expect(versionLists).toHaveLength(1));
    expect(versionLists[0].prefix).toBe('');
    versionLists[0].pages.send({ folders: ['raw/'], versions: [version('a.csv', 'v2', true), version('a.csv', 'v1', false)] });
    versionLists[0].finish(2);
    await waitFor(() => expect(screen.getByTestId('versions-status')).toHaveTextContent('2 versions'));

    // Delete on a version asks to delete that version, not the objects selected before.
    const versions = screen.getByTestId('version-table');
    await fireEvent.click(document.querySelector('[data-testid="version-row"][data-version="v1"]')!);
    await fireEvent.keyDown(versions, { key: 'Delete' });
    expect(screen.getByTestId('delete-version-dialog')).toHaveTextContent('Delete the version v1 of “a.csv”');
    expect(screen.queryByTestId('delete-objects-dialog')).toBeNull();
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));

    // A folder row opens the folder, still showing versions.
    await fireEvent.click(document.querySelector('[data-testid="version-row"][data-kind="folder"]')!);
    await fireEvent.keyDown(versions, { key: 'Enter' });
    await waitFor(() => expect(versionLists).toHaveLength(2));
    expect(versionLists[1].prefix).toBe('raw/');
    expect(last().args.prefix).toBe('raw/');
    expect(screen.getAllByTestId('breadcrumb').map((b) => b.textContent?.trim())).toEqual(['bucket-b', 'raw']);

    // Back to the objects: the versions still being listed are no longer wanted.
    await fireEvent.click(screen.getByTestId('action-versions'));
    expect(screen.getByTestId('object-table')).toBeInTheDocument();
    expect(screen.queryByTestId('versions')).toBeNull();
    expect(callsOf('cancel_operation')).toContainEqual({ opId: versionLists[1].opId });
  });

  it('opens Versions… of one file from the context menu; a restore there lists the folder again', async () => {
    setHandlers({
      object_versions: [version('a.csv', 'v2', true), version('a.csv', 'v1', false)],
      restore_version: { key: 'a.csv', current: 'v3', summary: 'Restored a.csv as it was on 2025-07-01T10:00:00Z; the version it replaced is kept.' },
    });
    setup();
    await listed([], [obj('a.csv')]);
    await fireEvent.click(row('a.csv'));
    await fireEvent.keyDown(grid(), { key: 'F10', shiftKey: true });
    await fireEvent.click(within(screen.getByTestId('context-menu')).getByText('Versions…'));
    const dialog = screen.getByTestId('versions-dialog');
    expect(dialog).toHaveTextContent('Versions of “a.csv”');
    await waitFor(() => expect(within(dialog).getAllByTestId('version-row')).toHaveLength(2));
    expect(callsOf('object_versions')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'a.csv' }]);
    await fireEvent.click(within(dialog).getAllByTestId('version-row')[1]);
    await fireEvent.click(within(dialog).getByTestId('version-restore'));
    expect(await within(dialog).findByTestId('versions-done')).toHaveTextContent('Restored a.csv');
    await waitFor(() => expect(listings).toHaveLength(2));
    expect(callsOf('object_versions')).toHaveLength(2);
    await fireEvent.click(screen.getByTestId('versions-close'));
    expect(screen.queryByTestId('versions-dialog')).toBeNull();
  });

  it('undeletes deleted files of the folder, reports each failure and lists the folder again', async () => {
    setHandlers({
      deleted_objects: [version('gone.csv', 'm1', true, true), version('old.csv', 'm2', true, true)],
      undelete_objects: { restored: 1, failed: [{ key: 'old.csv', reason: 'Access Denied' }], cancelled: false },
    });
    setup();
    await listed([], [obj('a.csv')]);
    await fireEvent.click(screen.getByTestId('action-deleted'));
    await waitFor(() => expect(screen.getAllByTestId('deleted-file')).toHaveLength(2));
    await fireEvent.click(screen.getByTestId('deleted-all'));
    await fireEvent.click(screen.getByTestId('undelete-selected'));
    const report = await screen.findByTestId('action-report');
    expect(report).toHaveAttribute('data-tone', 'partial');
    expect(report).toHaveTextContent('Undeleted 1 of 2 files; 1 could not be undeleted.');
    expect(within(report).getByTestId('action-failure')).toHaveTextContent('old.csv — Access Denied');
    expect(screen.queryByTestId('deleted-dialog')).toBeNull();
    await waitFor(() => expect(listings).toHaveLength(2));
  });
});
