import { cleanup, fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import UploadSheet from './UploadSheet.svelte';
import type { ConflictChoice, Tag, UploadSummary, UploadSummary_Serialize, UploadWrite_Deserialize } from '$lib/bindings';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';
import { uploadReport } from '../../test/reports';
import type { SheetRequest } from './transfers.svelte';
import { UploadBatch } from './batch.svelte';
import BatchCard from './BatchCard.svelte';

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
  classes_ignored: null,
};

function setup(request: SheetRequest = REQUEST) {
  const onstart = vi.fn();
  const onclose = vi.fn();
  const result = render(UploadSheet, { props: { request, onstart, onclose } });
  return { ...result, onstart, onclose };
}

const DEFAULTS = { storage_class: null, encryption: null, customer_key: null };

const start = () => screen.getByTestId('upload-start');
const ready = () => waitFor(() => expect(screen.getByTestId('upload-sheet-body')).toHaveAttribute('data-step', 'ready'));

beforeEach(() => {
  localStorage.clear();
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
      DEFAULTS,
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
    expect(onstart).toHaveBeenCalledWith(expect.objectContaining({ plan_id: 'plan-1' }), expect.any(Array), 'skip', false, DEFAULTS);
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
      expect(onstart).toHaveBeenCalledWith(expect.objectContaining({ plan_id: 'sync-1' }), [], 'skip', true, DEFAULTS);
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
      expect(onstart).toHaveBeenCalledWith(expect.objectContaining({ plan_id: 'sync-1' }), [], 'skip', true, DEFAULTS);
    });
  });

  describe('Stored as', () => {
    const PLAIN: UploadSummary_Serialize = { ...SUMMARY, conflicts: [], conflict_count: 0, problems: [], rules: { required: [], defaults: [] } };
    const REPORT = uploadReport();
    const classSelect = () => screen.getByTestId<HTMLSelectElement>('upload-storage-class');
    const encryptionSelect = () => screen.getByTestId<HTMLSelectElement>('upload-encryption');

    /** The sheet as the window wires it: Start runs an upload batch, which calls start_upload. */
    function wired(request: SheetRequest = REQUEST) {
      const batches: UploadBatch[] = [];
      const onstart = (summary: UploadSummary, tags: Tag[], conflicts: ConflictChoice, removeMissing: boolean, write: UploadWrite_Deserialize) => {
        const batch = new UploadBatch(summary, tags, conflicts, 'c1', { removeMissing, write });
        batches.push(batch);
        void batch.run(summary.plan_id);
      };
      const result = render(UploadSheet, { props: { request, onstart, onclose: vi.fn() } });
      return { ...result, batches };
    }

    beforeEach(() => {
      answer({ plan_upload: PLAIN, start_upload: REPORT, discard_upload: null, cancel_operation: true });
    });

    it("sends nulls, the bucket's defaults, when nothing is chosen", async () => {
      wired();
      await ready();
      expect(classSelect().selectedOptions[0]).toHaveTextContent('Bucket default');
      expect(encryptionSelect().value).toBe('default');
      expect(screen.queryByTestId('upload-kms-key')).toBeNull();
      expect(screen.getByTestId('upload-write')).toHaveTextContent('Storage other than Amazon S3 may ignore a class');
      await fireEvent.click(start());
      await waitFor(() => expect(callsOf('start_upload')).toHaveLength(1));
      expect(callsOf('start_upload')[0]).toEqual(expect.objectContaining({ planId: 'plan-1', write: { storage_class: null, encryption: null, customer_key: null } }));
    });

    it('sends the chosen class and SSE-KMS key to start_upload, and the same again when the batch is retried', async () => {
      const failed = [{ key: '/home/ana/a.csv', reason: 'Connection reset.' }];
      let runs = 0;
      answer({
        plan_upload: PLAIN,
        start_upload: () => (++runs === 1 ? { ...REPORT, failed, next_plan: 'plan-2' } : REPORT),
        discard_upload: null,
        cancel_operation: true,
      });
      const { batches } = wired();
      await ready();
      const labels = [...classSelect().options].map((o) => o.textContent);
      expect(labels).toEqual([
        'Bucket default',
        'Standard',
        'Intelligent-Tiering',
        'Standard-IA',
        'One Zone-IA',
        'Glacier Instant Retrieval',
        'Glacier Flexible Retrieval',
        'Glacier Deep Archive',
      ]);
      await fireEvent.change(classSelect(), { target: { value: 'STANDARD_IA' } });
      await fireEvent.change(encryptionSelect(), { target: { value: 'sse_kms' } });
      await fireEvent.input(screen.getByTestId('upload-kms-key'), { target: { value: ' alias/data ' } });
      await fireEvent.click(screen.getByTestId('upload-bucket-key'));
      await fireEvent.click(start());
      const write = { storage_class: 'STANDARD_IA', encryption: { kind: 'sse_kms', key_id: 'alias/data', bucket_key: true }, customer_key: null };
      await waitFor(() => expect(batches[0]?.state).toBe('incomplete'));
      expect(callsOf('start_upload')).toEqual([expect.objectContaining({ planId: 'plan-1', write })]);
      await batches[0].run(batches[0].nextPlan!);
      expect(callsOf('start_upload')).toEqual([expect.objectContaining({ planId: 'plan-1', write }), expect.objectContaining({ planId: 'plan-2', write })]);
    });

    it('sends SSE-S3 and an empty KMS key as the AWS-managed key', async () => {
      const { onstart } = setup();
      answer({ plan_upload: PLAIN, discard_upload: null });
      await ready();
      await fireEvent.change(encryptionSelect(), { target: { value: 'sse_s3' } });
      await fireEvent.click(start());
      expect(onstart).toHaveBeenLastCalledWith(PLAIN, [], 'skip', false, { storage_class: null, encryption: { kind: 'sse_s3' }, customer_key: null });
    });

    it('remembers the choice for the same bucket of the connection, not for another bucket', async () => {
      const first = wired();
      await ready();
      await fireEvent.change(classSelect(), { target: { value: 'ONEZONE_IA' } });
      await fireEvent.change(encryptionSelect(), { target: { value: 'sse_kms' } });
      await fireEvent.input(screen.getByTestId('upload-kms-key'), { target: { value: 'alias/data' } });
      await fireEvent.click(start());
      await waitFor(() => expect(callsOf('start_upload')).toHaveLength(1));
      first.unmount();

      // Closing without Start remembers nothing.
      const again = wired();
      await ready();
      expect(classSelect().value).toBe('ONEZONE_IA');
      expect(encryptionSelect().value).toBe('sse_kms');
      expect(screen.getByTestId<HTMLInputElement>('upload-kms-key').value).toBe('alias/data');
      expect(screen.getByTestId<HTMLInputElement>('upload-bucket-key')).not.toBeChecked();
      await fireEvent.change(classSelect(), { target: { value: 'DEEP_ARCHIVE' } });
      await fireEvent.click(screen.getByTestId('upload-cancel'));
      again.unmount();

      wired();
      await ready();
      expect(classSelect().value).toBe('ONEZONE_IA');
      cleanup();

      answer({ plan_upload: { ...PLAIN, bucket: 'bucket-c' }, start_upload: REPORT, discard_upload: null, cancel_operation: true });
      wired({ ...REQUEST, place: { connectionId: 'c1', bucket: 'bucket-c', prefix: 'raw/' } });
      await ready();
      expect(classSelect().selectedOptions[0]).toHaveTextContent('Bucket default');
      expect(encryptionSelect().value).toBe('default');
      cleanup();

      answer({ plan_upload: PLAIN, start_upload: REPORT, discard_upload: null, cancel_operation: true });
      wired({ ...REQUEST, place: { connectionId: 'c2', bucket: 'bucket-b', prefix: 'raw/' } });
      await ready();
      expect(encryptionSelect().value).toBe('default');
    });

    it('ignores a remembered choice it cannot read', async () => {
      localStorage.setItem('satchel.uploads.write', JSON.stringify({ 'c1/bucket-b': { storageClass: 'COLD', encryption: 'rot13', kmsKeyId: 7 } }));
      const { onstart } = setup();
      answer({ plan_upload: PLAIN, discard_upload: null });
      await ready();
      expect(encryptionSelect().value).toBe('default');
      await fireEvent.click(start());
      expect(onstart).toHaveBeenLastCalledWith(PLAIN, [], 'skip', false, DEFAULTS);
    });

    it("encrypts with one of the connection's customer keys by name, and keeps Start off until there is one", async () => {
      const onstart = vi.fn();
      const onmanagekeys = vi.fn();
      const result = render(UploadSheet, { props: { request: REQUEST, onstart, onclose: vi.fn(), onmanagekeys, keysChanged: 0 } });
      answer({ plan_upload: PLAIN, discard_upload: null, customer_keys: [] });
      await ready();
      await fireEvent.change(encryptionSelect(), { target: { value: 'sse_c' } });
      await waitFor(() => expect(screen.getByTestId('upload-customer-key')).toHaveTextContent('No keys yet'));
      expect(screen.getByTestId('upload-blocked')).toHaveTextContent('Choose a customer key, or another encryption.');
      await fireEvent.click(screen.getByTestId('upload-manage-keys'));
      expect(onmanagekeys).toHaveBeenCalledWith('c1');
      // A key added in the keys dialog: the chooser reloads and picks it.
      answer({ plan_upload: PLAIN, discard_upload: null, customer_keys: [{ name: 'finance', fingerprint: 'a1b2c3d4e5f6', added: '2026-12-01T10:00:00Z' }] });
      await result.rerender({ keysChanged: 1 });
      await waitFor(() => expect(screen.getByTestId('upload-customer-key')).toHaveValue('finance'));
      await fireEvent.click(start());
      expect(onstart).toHaveBeenLastCalledWith(PLAIN, [], 'skip', false, { storage_class: null, encryption: null, customer_key: 'finance' });
      expect(JSON.parse(localStorage.getItem('satchel.uploads.write')!)['c1/bucket-b']).toMatchObject({ encryption: 'sse_c', customerKey: 'finance' });
    });

    it('says before anything is sent that this storage keeps no storage class, when it was seen to', async () => {
      const said = "This storage doesn't keep storage classes: it stored an upload asked as ONEZONE_IA as STANDARD. Nothing was sent; upload with the bucket's default class instead.";
      answer({ plan_upload: { ...PLAIN, classes_ignored: said }, discard_upload: null });
      const { onstart } = setup();
      await ready();
      expect(screen.getByTestId('upload-classes-ignored')).toHaveTextContent(said);
      await fireEvent.change(classSelect(), { target: { value: 'ONEZONE_IA' } });
      expect(screen.getByTestId('upload-blocked')).toHaveTextContent('This storage keeps no storage class: choose Bucket default.');
      await fireEvent.click(start());
      expect(onstart).not.toHaveBeenCalled();
    });

    it('warns that Glacier Flexible Retrieval and Deep Archive objects must be restored before use', async () => {
      wired();
      await ready();
      expect(screen.queryByTestId('upload-archive-warning')).toBeNull();
      await fireEvent.change(classSelect(), { target: { value: 'GLACIER' } });
      expect(screen.getByTestId('upload-archive-warning')).toHaveTextContent(
        'These objects must be restored before they can be previewed, downloaded or copied.',
      );
      await fireEvent.change(classSelect(), { target: { value: 'GLACIER_IR' } });
      expect(screen.queryByTestId('upload-archive-warning')).toBeNull();
      await fireEvent.change(classSelect(), { target: { value: 'DEEP_ARCHIVE' } });
      expect(screen.getByTestId('upload-archive-warning')).toBeInTheDocument();
    });

    it("shows the report's notes as warnings where the batch's outcome is shown", async () => {
      const note = "This storage didn't keep the storage class ONEZONE_IA (it stored them as STANDARD) for what was uploaded.";
      answer({ start_upload: { ...REPORT, notes: [note] } });
      const batch = new UploadBatch(PLAIN, [], 'skip', 'c1', { write: { storage_class: 'ONEZONE_IA', encryption: null } });
      await batch.run('plan-1');
      render(BatchCard, { props: { batch, onresume: vi.fn(), ondismiss: vi.fn() } });
      const outcome = screen.getByTestId('batch-outcome');
      expect(outcome).toHaveTextContent('Uploaded 1,204 files (3.2 GB).');
      expect(within(outcome).getAllByTestId('batch-warning').map((w) => w.textContent)).toEqual([note]);
    });
  });
});
