import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import VersionsPane from './VersionsPane.svelte';
import type { VersionEntry_Serialize, VersionPage_Serialize } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

type ListArgs = { connectionId: string; bucket: string; prefix: string; recursive: boolean; opId: string; pages: FakeChannel<VersionPage_Serialize> };

interface Driven {
  args: ListArgs;
  send: (folders: string[], versions: VersionEntry_Serialize[]) => void;
  finish: (count: number) => void;
  fail: (e: ReturnType<typeof engineError>) => void;
}

let listings: Driven[] = [];
const last = () => listings[listings.length - 1];

const version = (key: string, id: string, over: Partial<VersionEntry_Serialize> = {}): VersionEntry_Serialize => ({
  key,
  version_id: id,
  size: 2048,
  last_modified: '2025-07-01T10:00:00Z',
  storage_class: 'STANDARD',
  etag: '"abc"',
  is_latest: false,
  is_delete_marker: false,
  ...over,
});
const marker = (key: string, id: string, latest: boolean) =>
  version(key, id, { size: 0, storage_class: null, etag: null, is_latest: latest, is_delete_marker: true, last_modified: '2025-07-03T08:00:00Z' });

/** raw/a.csv: current v3, older v2 and v1; raw/gone.txt: deleted (current marker m1) over g1. */
const HISTORY = [
  version('raw/a.csv', 'v3', { is_latest: true, last_modified: '2025-07-02T10:00:00Z', size: 3000 }),
  version('raw/a.csv', 'v2', { last_modified: '2025-07-01T10:00:00Z' }),
  version('raw/a.csv', 'v1', { last_modified: '2025-06-01T10:00:00Z', storage_class: 'GLACIER_IR' }),
  marker('raw/gone.txt', 'm1', true),
  version('raw/gone.txt', 'g1', { last_modified: '2025-06-20T10:00:00Z' }),
];

function setHandlers(extra: Record<string, unknown> = {}) {
  answer({
    list_versions: (a: unknown) => {
      const d = deferred<unknown>();
      const args = a as ListArgs;
      listings.push({
        args,
        send: (folders, versions) => args.pages.send({ folders, versions }),
        finish: (count) => d.resolve(count),
        fail: (e) => d.resolve(e),
      });
      return d.promise;
    },
    cancel_operation: true,
    ...extra,
  });
}

beforeEach(() => {
  listings = [];
  setHandlers();
});

function setupFolder(prefix = 'raw/') {
  const onnavigate = vi.fn();
  const onchanged = vi.fn();
  const result = render(VersionsPane, { props: { connectionId: 'c1', bucket: 'bucket-b', source: { kind: 'folder', prefix }, onnavigate, onchanged } });
  return { ...result, onnavigate, onchanged };
}

const rows = () => screen.queryAllByTestId('version-row');
const rowOf = (key: string, id: string) => {
  const el = document.querySelector<HTMLElement>(`[data-testid="version-row"][data-key="${key}"][data-version="${id}"]`);
  if (!el) throw new Error(`no row ${key} ${id}`);
  return el;
};
const grid = () => screen.getByTestId('version-table');
const status = () => screen.getByTestId('versions-status');

async function listed(folders: string[], versions: VersionEntry_Serialize[]) {
  await waitFor(() => expect(listings.length).toBeGreaterThan(0));
  last().send(folders, versions);
  last().finish(versions.length);
  await waitFor(() => expect(status()).toHaveAttribute('data-state', 'done'));
}

describe('VersionsPane of a folder', () => {
  it('streams versions page by page: folders first, each key newest first, marked current, older or deleted', async () => {
    setupFolder();
    await waitFor(() => expect(listings).toHaveLength(1));
    expect(last().args).toMatchObject({ connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', recursive: false });
    expect(grid()).toHaveAttribute('aria-busy', 'true');
    last().send(['raw/2024/'], HISTORY.slice(0, 2));
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(status()).toHaveTextContent('Reading versions… 2 so far');
    last().send([], HISTORY.slice(2));
    last().finish(5);
    await waitFor(() => expect(status()).toHaveAttribute('data-state', 'done'));
    expect(status()).toHaveTextContent('5 versions');
    expect(rows().map((r) => `${r.dataset.key} ${r.dataset.version} ${r.dataset.kind} ${r.dataset.current}`)).toEqual([
      'raw/2024/  folder false',
      'raw/a.csv v3 version true',
      'raw/a.csv v2 version false',
      'raw/a.csv v1 version false',
      'raw/gone.txt m1 marker true',
      'raw/gone.txt g1 version false',
    ]);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Name', 'Modified', 'Size', 'Storage class', 'Version']);
    expect(rowOf('raw/a.csv', 'v3')).toHaveTextContent('a.csv');
    expect(rowOf('raw/a.csv', 'v3')).toHaveTextContent('3 KB');
    expect(within(rowOf('raw/a.csv', 'v3')).getByTestId('version-mark')).toHaveTextContent('Current');
    expect(within(rowOf('raw/a.csv', 'v1')).getByTestId('version-mark')).toHaveTextContent('Older version');
    expect(rowOf('raw/a.csv', 'v1')).toHaveTextContent('GLACIER_IR');
    expect(within(rowOf('raw/gone.txt', 'm1')).getByTestId('version-mark')).toHaveTextContent('Deleted');
    expect(within(rowOf('raw/gone.txt', 'm1')).getByTestId('version-mark')).toHaveAttribute('title', 'Version ID: m1');
  });

  it('draws only the rows in view of 100,000 versions', async () => {
    setupFolder('');
    const many = Array.from({ length: 100_000 }, (_, i) => version(`k${String(i).padStart(6, '0')}`, `v${i}`, { is_latest: true }));
    await listed([], many);
    expect(status()).toHaveTextContent('100,000 versions');
    expect(grid()).toHaveAttribute('aria-rowcount', '100001');
    expect(rows().length).toBeGreaterThan(10);
    expect(rows().length).toBeLessThan(60);
    // The keys move the selection through all of them.
    await fireEvent.click(rows()[0]);
    await fireEvent.keyDown(grid(), { key: 'End' });
    expect(rowOf('k099999', 'v99999')).toHaveAttribute('aria-selected', 'true');
  });

  it('enters a folder row with Enter, and cancels a long listing', async () => {
    const { onnavigate } = setupFolder();
    await waitFor(() => expect(listings).toHaveLength(1));
    last().send(['raw/2024/'], []);
    await waitFor(() => expect(rows()).toHaveLength(1));
    await fireEvent.click(screen.getByTestId('versions-cancel'));
    expect(callsOf('cancel_operation')).toEqual([{ opId: last().args.opId }]);
    expect(status()).toHaveTextContent('Stopped after 0 versions');
    await fireEvent.click(rows()[0]);
    await fireEvent.keyDown(grid(), { key: 'Enter' });
    expect(onnavigate).toHaveBeenCalledWith('raw/2024/');
  });

  it('restores an older version, says what happened, and selects the current version once listed again', async () => {
    setHandlers({
      restore_version: { key: 'raw/a.csv', current: 'v4', summary: 'Restored raw/a.csv as it was on 2025-07-01T10:00:00Z; the version it replaced is kept.' },
    });
    const { onchanged } = setupFolder();
    await listed([], HISTORY);
    // Nothing selected: nothing to act on.
    expect(screen.getByTestId('version-restore')).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(rowOf('raw/a.csv', 'v3'));
    expect(screen.getByTestId('version-restore')).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('version-restore')).toHaveAttribute('title', 'This version is already the current one');
    await fireEvent.click(rowOf('raw/a.csv', 'v2'));
    expect(screen.getByTestId('version-restore')).toHaveAttribute('aria-disabled', 'false');
    expect(screen.getByTestId('version-undelete')).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(screen.getByTestId('version-restore'));
    expect(await screen.findByTestId('versions-done')).toHaveTextContent('Restored raw/a.csv as it was on 2025-07-01T10:00:00Z');
    expect(callsOf('restore_version')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/a.csv', versionId: 'v2' }]);
    expect(onchanged).toHaveBeenCalledOnce();
    // Listed again: the restored copy is the new current version, and it is selected.
    await waitFor(() => expect(listings).toHaveLength(2));
    last().send([], [version('raw/a.csv', 'v4', { is_latest: true, last_modified: '2025-07-05T10:00:00Z' }), ...HISTORY.map((v) => ({ ...v, is_latest: v.is_delete_marker }))]);
    last().finish(6);
    await waitFor(() => expect(rowOf('raw/a.csv', 'v4')).toHaveAttribute('aria-selected', 'true'));
  });

  it('saves an older version where the user picks, and says where', async () => {
    setHandlers({ download_version: '/home/ana/Downloads/a.csv' });
    setupFolder();
    await listed([], HISTORY);
    await fireEvent.click(rowOf('raw/a.csv', 'v2'));
    await fireEvent.click(screen.getByTestId('version-download'));
    expect(await screen.findByTestId('versions-done')).toHaveTextContent('Saved this version of “a.csv” as /home/ana/Downloads/a.csv.');
    expect(callsOf('download_version')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/a.csv', versionId: 'v2', opId: expect.any(String) }]);
  });

  it('undeletes a deleted file from its current delete marker; a marker has nothing to preview or restore', async () => {
    setHandlers({ undelete_object: { key: 'raw/gone.txt', current: 'g1', summary: 'raw/gone.txt is back.' } });
    const { onchanged } = setupFolder();
    await listed([], HISTORY);
    await fireEvent.click(rowOf('raw/gone.txt', 'm1'));
    expect(screen.getByTestId('version-preview')).toHaveAttribute('title', 'A delete marker has no content to preview');
    expect(screen.getByTestId('version-restore')).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(screen.getByTestId('version-undelete'));
    expect(await screen.findByTestId('versions-done')).toHaveTextContent('raw/gone.txt is back.');
    expect(callsOf('undelete_object')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/gone.txt' }]);
    expect(onchanged).toHaveBeenCalledOnce();
  });

  it('deletes a version for good only after naming it, and shows an object-lock refusal as it is worded', async () => {
    let locked = true;
    setHandlers({
      delete_version: () =>
        locked
          ? engineError('access_denied', "That version of raw/a.csv is protected by object lock until its retention ends; it can't be deleted.")
          : { key: 'raw/a.csv', current: 'v3', summary: 'Deleted the version v1 of raw/a.csv (2025-06-01T10:00:00Z) for good.' },
    });
    setupFolder();
    await listed([], HISTORY);
    await fireEvent.click(rowOf('raw/a.csv', 'v1'));
    await fireEvent.keyDown(grid(), { key: 'Delete' });
    const dialog = screen.getByTestId('delete-version-dialog');
    expect(dialog).toHaveTextContent('Delete this version for good?');
    expect(dialog).toHaveTextContent('Delete the version v1 of “raw/a.csv”, from');
    expect(dialog).toHaveTextContent('2025');
    expect(dialog).toHaveTextContent("This can't be undone");
    expect(callsOf('delete_version')).toEqual([]);

    await fireEvent.click(screen.getByTestId('confirm'));
    expect(await screen.findByTestId('delete-version-error')).toHaveTextContent('protected by object lock');
    expect(screen.getByTestId('delete-version-dialog')).toBeInTheDocument();
    expect(listings).toHaveLength(1);

    locked = false;
    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(screen.queryByTestId('delete-version-dialog')).toBeNull());
    expect(screen.getByTestId('versions-done')).toHaveTextContent('Deleted the version v1 of raw/a.csv');
    expect(callsOf('delete_version')).toHaveLength(2);
    expect(callsOf('delete_version')[1]).toEqual({ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/a.csv', versionId: 'v1' });
    await waitFor(() => expect(listings).toHaveLength(2));
  });

  it('previews an older version with Space, in the preview sheet', async () => {
    setHandlers({ preview_version: { kind: 'text', text: 'id,total\n1,40\n', truncated: false, content_type: 'text/csv' } });
    setupFolder();
    await listed([], HISTORY);
    await fireEvent.click(rowOf('raw/a.csv', 'v2'));
    await fireEvent.keyDown(grid(), { key: ' ' });
    const sheet = await screen.findByTestId('preview-dialog');
    await waitFor(() => expect(screen.getByTestId('preview')).toHaveAttribute('data-kind', 'csv'));
    expect(within(sheet).getByTestId('preview-version')).toHaveTextContent('Older version,');
    expect(within(sheet).getByTestId('preview-table')).toHaveTextContent('40');
    expect(callsOf('preview_version')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/a.csv', versionId: 'v2' }]);
  });

  it('says in place when the storage keeps no versions', async () => {
    setupFolder();
    await waitFor(() => expect(listings).toHaveLength(1));
    last().fail(engineError('unsupported', "This storage doesn't keep versions of objects."));
    expect(await screen.findByTestId('versions-unsupported')).toHaveTextContent("This storage doesn't keep versions of objects.");
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('version-table')).toBeNull();
  });

  it('filters by name with the browser’s filter', async () => {
    render(VersionsPane, { props: { connectionId: 'c1', bucket: 'bucket-b', source: { kind: 'folder', prefix: 'raw/' }, filter: 'GONE' } });
    await listed([], HISTORY);
    expect(rows().map((r) => r.dataset.version)).toEqual(['m1', 'g1']);
    expect(status()).toHaveTextContent('5 versions · 2 shown');
  });
});

describe('VersionsPane of one file', () => {
  it('lists the file’s versions in one answer, without a Name column', async () => {
    answer({ object_versions: HISTORY.slice(0, 3) });
    render(VersionsPane, { props: { connectionId: 'c1', bucket: 'bucket-b', source: { kind: 'key', key: 'raw/a.csv' } } });
    await waitFor(() => expect(status()).toHaveAttribute('data-state', 'done'));
    expect(callsOf('object_versions')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', key: 'raw/a.csv' }]);
    expect(rows().map((r) => r.dataset.version)).toEqual(['v3', 'v2', 'v1']);
    expect(screen.getAllByRole('columnheader').map((h) => h.textContent)).toEqual(['Modified', 'Size', 'Storage class', 'Version']);
    expect(status()).toHaveTextContent('3 versions');
  });
});
