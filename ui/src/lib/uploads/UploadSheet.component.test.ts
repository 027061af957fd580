import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import UploadSheet from './UploadSheet.svelte';
import type { UploadSummary_Serialize } from '$lib/bindings';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import type { SheetRequest } from './transfers.svelte';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const HELD = { sources_id: 'src-1', count: 44, names: ['report.csv', 'notes.txt', 'raw'] };
const REQUEST: SheetRequest = { kind: 'sources', place: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' }, held: HELD };

const SUMMARY: UploadSummary_Serialize = {
  plan_id: 'plan-1',
  bucket: 'bucket-b',
  prefix: 'raw/',
  files: 1204,
  bytes: 3.2e9,
  conflicts: ['raw/a.csv', 'raw/b.csv'],
  conflict_count: 37,
  problems: [{ key: '/home/ana/locked.csv', reason: "Can't read it: permission denied." }],
  file_links: 0,
  rules: {
    required: [
      { tag: { key: 'project', allowed: ['apollo', 'gemini'] }, scope: 'bucket' },
      { tag: { key: 'owner', allowed: [] }, scope: 'connection' },
    ],
    defaults: [{ key: 'owner', value: 'ana' }],
  },
  eta_seconds: 250,
  sync: null,
};

function setup(request: SheetRequest = REQUEST) {
  const onstart = vi.fn();
  const onclose = vi.fn();
  const result = render(UploadSheet, { props: { request, onstart, onclose } });
  return { ...result, onstart, onclose };
}

const start = () => screen.getByTestId('upload-start');
const ready = () => waitFor(() => expect(screen.getByTestId('upload-sheet-body')).toHaveAttribute('data-step', 'ready'));

beforeEach(() => {
  answer({ plan_upload: SUMMARY, plan_unfinished: { ...SUMMARY, prefix: '', conflicts: [], conflict_count: 0, problems: [] }, discard_upload: null, cancel_operation: true });
});

describe('UploadSheet', () => {
  it('plans the held files into the folder, then says what, where, how long, what exists and what cannot be read', async () => {
    setup();
    expect(screen.getByTestId('upload-planning')).toHaveTextContent(
      'Looking at “report.csv”, “notes.txt”, “raw” and 41 more and checking what already exists in bucket-b/raw/…',
    );
    await ready();
    expect(callsOf('plan_upload')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', sourcesId: 'src-1', followLinks: false, opId: expect.any(String) }]);
    expect(screen.getByRole('dialog')).toHaveAccessibleName('Upload 1,204 files (3.2 GB) to bucket-b/raw/');
    expect(screen.getByTestId('upload-eta')).toHaveTextContent("Takes about 4 minutes at this connection's last upload speed.");
    const conflicts = screen.getByTestId('upload-conflicts');
    expect(within(conflicts).getByText('37 already exist')).toBeInTheDocument();
    expect(within(conflicts).getAllByTestId('upload-conflict').map((k) => k.textContent)).toEqual(['raw/a.csv', 'raw/b.csv']);
    expect(conflicts).toHaveTextContent('…and 35 more.');
    expect(screen.getByTestId('upload-problem')).toHaveTextContent("/home/ana/locked.csv — Can't read it: permission denied.");
    expect(screen.queryByTestId('upload-follow-links')).toBeNull();
  });

  it('lists links to files as not sent, and plans again following them when asked, keeping the tags typed', async () => {
    const link = { key: '/home/ana/repo/creds', reason: 'A link to a file is not followed: it may point at something private.' };
    let calls = 0;
    answer({
      plan_upload: () => (++calls === 1 ? { ...SUMMARY, problems: [link], file_links: 1 } : { ...SUMMARY, plan_id: 'plan-2', files: 1205, problems: [], file_links: 0 }),
      discard_upload: null,
      cancel_operation: true,
    });
    setup();
    await ready();
    expect(screen.getByTestId('upload-problem')).toHaveTextContent('creds — A link to a file is not followed');
    const owner = () => screen.getAllByTestId<HTMLInputElement>('upload-tag-value').find((v) => v.value === 'ana' || v.value === 'bob')!;
    await fireEvent.input(owner(), { target: { value: 'bob' } });
    const follow = screen.getByTestId<HTMLInputElement>('upload-follow-links');
    expect(follow).not.toBeChecked();
    expect(follow.parentElement).toHaveTextContent('Follow links to files (1)');
    await fireEvent.click(follow);
    await ready();
    expect(callsOf('plan_upload').map((c) => (c as { followLinks: boolean }).followLinks)).toEqual([false, true]);
    expect(callsOf('discard_upload')).toEqual([{ id: 'plan-1', abort: false }]);
    expect(screen.getByRole('dialog')).toHaveAccessibleName('Upload 1,205 files (3.2 GB) to bucket-b/raw/');
    expect(screen.getByTestId<HTMLInputElement>('upload-follow-links')).toBeChecked();
    expect(owner().value).toBe('bob');
  });

  it('puts the required tags first, says where they come from, and keeps Start off until they are valid', async () => {
    const { onstart } = setup();
    await ready();
    const keys = screen.getAllByTestId<HTMLInputElement>('upload-tag-key');
    expect(keys.map((k) => [k.value, k.readOnly])).toEqual([
      ['project', true],
      ['owner', true],
    ]);
    expect(screen.getAllByTestId('upload-tag-fixed-note').map((n) => n.textContent)).toEqual([
      'Required for uploads to this bucket',
      'Required for every upload on this connection',
    ]);
    const [project, owner] = screen.getAllByTestId<HTMLSelectElement | HTMLInputElement>('upload-tag-value');
    expect(project.tagName).toBe('SELECT');
    expect([...(project as HTMLSelectElement).options].map((o) => o.value)).toEqual(['', 'apollo', 'gemini']);
    expect(owner.value).toBe('ana');
    expect(screen.queryByRole('button', { name: 'Remove tag 1' })).toBeNull();

    // First the choice for the 37 files already there, then each required tag.
    expect(start()).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByTestId('upload-blocked')).toHaveTextContent('Choose what to do with the 37 files that already exist.');
    await fireEvent.click(start());
    expect(onstart).not.toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('upload-conflict-keep_both'));
    expect(screen.getByTestId('upload-blocked')).toHaveTextContent('Choose a value for “project”: uploads to this bucket must carry it.');
    await fireEvent.change(project, { target: { value: 'gemini' } });
    await fireEvent.input(owner, { target: { value: '' } });
    expect(screen.getByTestId('upload-blocked')).toHaveTextContent('Type a value for “owner”: every upload on this connection must carry it.');
    await fireEvent.input(owner, { target: { value: 'ana' } });

    // An added tag that breaks a rule holds Start back too, its message under the field.
    await fireEvent.click(screen.getByTestId('upload-tag-add'));
    await fireEvent.input(screen.getAllByTestId('upload-tag-key')[2], { target: { value: 'cost#center' } });
    await fireEvent.input(screen.getAllByTestId('upload-tag-value')[2], { target: { value: '4711' } });
    expect(screen.getByTestId('upload-tag-error')).toHaveTextContent('Tag key "cost#center" contains "#"');
    expect(start()).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.input(screen.getAllByTestId('upload-tag-key')[2], { target: { value: 'cost center' } });

    expect(screen.queryByTestId('upload-blocked')).toBeNull();
    expect(start()).toHaveAttribute('aria-disabled', 'false');
    await fireEvent.click(start());
    expect(onstart).toHaveBeenCalledWith(
      SUMMARY,
      [
        { key: 'project', value: 'gemini' },
        { key: 'owner', value: 'ana' },
        { key: 'cost center', value: '4711' },
      ],
      'keep_both',
      false,
    );
    // Handed to a batch: nothing is let go.
    expect(callsOf('discard_upload')).toEqual([]);
  });

  it('lets go of the plan when closed without starting', async () => {
    const { onclose, unmount } = setup();
    await ready();
    await fireEvent.click(screen.getByTestId('upload-cancel'));
    expect(onclose).toHaveBeenCalledOnce();
    expect(callsOf('discard_upload')).toEqual([{ id: 'plan-1', abort: false }]);
    unmount();
    expect(callsOf('discard_upload')).toHaveLength(1);
  });

  it('cancels planning with Cancel and lets go of the held files', async () => {
    const planned = deferred<unknown>();
    answer({ plan_upload: () => planned.promise, discard_upload: null, cancel_operation: true });
    const { onclose } = setup();
    await fireEvent.keyDown(screen.getByRole('dialog'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledOnce();
    const { opId } = callsOf('plan_upload')[0] as { opId: string };
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    await waitFor(() => expect(callsOf('discard_upload')).toEqual([{ id: 'src-1', abort: false }]));
    // A plan that arrives after all is let go too.
    planned.resolve(SUMMARY);
    await waitFor(() => expect(callsOf('discard_upload')).toEqual([{ id: 'src-1', abort: false }, { id: 'plan-1', abort: false }]));
  });

  it('shows a planning failure where it happened, with Try again', async () => {
    let calls = 0;
    answer({
      plan_upload: () => (++calls === 1 ? engineError('access_denied', "You don't have permission to list bucket-b.") : SUMMARY),
      discard_upload: null,
    });
    setup();
    expect(await screen.findByTestId('upload-plan-error')).toHaveTextContent("You don't have permission to list bucket-b.");
    await fireEvent.click(screen.getByRole('button', { name: 'Try again' }));
    await ready();
  });

  it('resumes interrupted uploads of a bucket: only the tags to settle', async () => {
    const { onstart } = setup({ kind: 'interrupted', connectionId: 'c1', bucket: 'bucket-b' });
    expect(screen.getByTestId('upload-planning')).toHaveTextContent('Finding what the interrupted uploads into bucket-b still need…');
    await ready();
    expect(callsOf('plan_unfinished')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b' }]);
    expect(screen.getByRole('dialog')).toHaveAccessibleName('Resume 1,204 files (3.2 GB) into bucket-b');
    expect(screen.queryByTestId('upload-conflicts')).toBeNull();
    await fireEvent.change(screen.getAllByTestId('upload-tag-value')[0], { target: { value: 'apollo' } });
    await fireEvent.click(start());
    expect(onstart).toHaveBeenCalledWith(expect.objectContaining({ plan_id: 'plan-1' }), expect.any(Array), 'skip', false);
  });

  describe('Sync a folder here', () => {
    const SYNC_REQUEST: SheetRequest = { kind: 'sync', place: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/' }, held: { sources_id: 'src-9', count: 1, names: ['Reports'] } };
    const SYNCED: UploadSummary_Serialize = {
      ...SUMMARY,
      plan_id: 'sync-1',
      files: 5,
      bytes: 5000,
      conflicts: [],
      conflict_count: 0,
      problems: [],
      rules: { required: [], defaults: [] },
      eta_seconds: null,
      sync: { folder: 'Reports', new: 3, changed: 2, unchanged: 840, delete: ['raw/old.csv', 'raw/older.csv'], delete_count: 2 },
    };

    it('compares the folder first, says what it found, and removes what the folder lacks only when ticked', async () => {
      answer({ plan_sync: SYNCED, discard_upload: null, cancel_operation: true });
      const { onstart } = setup(SYNC_REQUEST);
      expect(screen.getByTestId('upload-planning')).toHaveTextContent('Comparing “Reports” with what bucket-b/raw/ holds…');
      await ready();
      expect(callsOf('plan_sync')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', sourcesId: 'src-9', opId: expect.any(String) }]);
      expect(screen.getByRole('dialog')).toHaveAccessibleName('Sync “Reports” into bucket-b/raw/');
      expect(screen.getByTestId('sync-counts')).toHaveTextContent('Sends 3 new files and replaces 2 changed files (5 KB); 840 files are already the same.');
      expect(screen.queryByTestId('upload-conflicts')).toBeNull();
      expect(screen.getAllByTestId('sync-delete').map((k) => k.textContent)).toEqual(['raw/old.csv', 'raw/older.csv']);
      const remove = screen.getByTestId<HTMLInputElement>('sync-remove-missing');
      expect(remove).not.toBeChecked();
      expect(start()).toHaveTextContent('Sync');
      await fireEvent.click(remove);
      await fireEvent.click(start());
      expect(onstart).toHaveBeenCalledWith(expect.objectContaining({ plan_id: 'sync-1' }), [], 'skip', true);
    });

    it('says when there is nothing to do, and lets a sync with only removals start once they are ticked', async () => {
      answer({ plan_sync: { ...SYNCED, files: 0, bytes: 0, sync: { ...SYNCED.sync!, new: 0, changed: 0, delete: [], delete_count: 0 } }, discard_upload: null });
      const first = setup(SYNC_REQUEST);
      await ready();
      expect(screen.getByTestId('upload-blocked')).toHaveTextContent('Nothing to do: bucket-b/raw/ already has everything in “Reports”.');
      first.unmount();

      answer({ plan_sync: { ...SYNCED, files: 0, bytes: 0, sync: { ...SYNCED.sync!, new: 0, changed: 0 } }, discard_upload: null });
      const { onstart } = setup(SYNC_REQUEST);
      await ready();
      expect(screen.getByTestId('sync-counts')).toHaveTextContent('Nothing new or changed to send; 840 files are already the same.');
      expect(screen.getByTestId('upload-blocked')).toHaveTextContent('tick the box to remove');
      await fireEvent.click(screen.getByTestId('sync-remove-missing'));
      expect(start()).toHaveAttribute('aria-disabled', 'false');
      await fireEvent.click(start());
      expect(onstart).toHaveBeenCalledWith(expect.objectContaining({ plan_id: 'sync-1' }), [], 'skip', true);
    });
  });
});
