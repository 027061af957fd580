import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import DeleteBucketDialog from './DeleteBucketDialog.svelte';
import type { Census, EmptyProgress, EmptyReport_Serialize } from '$lib/bindings';
import { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const FULL: Census = {
  current_objects: 1204,
  noncurrent_versions: 37,
  delete_markers: 5,
  unfinished_uploads: 2,
  bytes: 3.2e9,
  versions_listed: true,
  uploads_listed: true,
};

const EMPTY: Census = { ...FULL, current_objects: 0, noncurrent_versions: 0, delete_markers: 0, unfinished_uploads: 0, bytes: 0 };

const DELETED: EmptyReport_Serialize = {
  deleted: 1246,
  uploads_aborted: 2,
  remaining: [],
  uploads_remaining: [],
  bucket_deleted: true,
  cancelled: false,
  appeared: 0,
};

function setup(bucket = 'bucket-b') {
  const ondeleted = vi.fn();
  const onclose = vi.fn();
  const result = render(DeleteBucketDialog, { props: { connectionId: 'c1', bucket, ondeleted, onclose } });
  return { ...result, ondeleted, onclose };
}

function confirmInput(): HTMLInputElement {
  return document.getElementById('delete-confirm-name') as HTMLInputElement;
}

async function typeName(value: string) {
  await fireEvent.input(confirmInput(), { target: { value } });
}

async function censusShown() {
  await waitFor(() => expect(screen.getByTestId('delete-census')).toHaveAttribute('data-state', 'done'));
  return screen.getByTestId('delete-census');
}

let census: unknown = FULL;
let deleting: (args: Record<string, unknown> | undefined) => unknown = () => DELETED;

beforeEach(() => {
  census = FULL;
  deleting = () => DELETED;
  answer({
    bucket_census: () => census,
    delete_bucket: (a: Record<string, unknown> | undefined) => deleting(a),
    cancel_operation: true,
  });
});

describe('DeleteBucketDialog', () => {
  it('counts first and says exactly what will be deleted', async () => {
    setup();
    const dialog = screen.getByRole('alertdialog', { name: 'Delete bucket “bucket-b”' });
    expect(dialog).toHaveAttribute('data-testid', 'delete-dialog');
    const summary = await censusShown();
    expect(summary).toHaveTextContent(
      'Delete bucket-b and everything in it: 1,204 objects, 37 older versions, 5 delete markers, 2 unfinished uploads (3.2 GB).',
    );
    expect(dialog).toHaveAttribute('aria-describedby', summary.id);
    expect(callsOf('bucket_census')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', opId: expect.any(String) }]);
  });

  it('says when the storage could not list versions or uploads', async () => {
    census = { ...FULL, noncurrent_versions: null, delete_markers: null, unfinished_uploads: null, versions_listed: false, uploads_listed: false };
    setup();
    const summary = await censusShown();
    expect(summary).toHaveTextContent('Delete bucket-b and everything in it: 1,204 objects (3.2 GB).');
    expect(summary).toHaveTextContent("This storage can't list older versions or delete markers, so the counts are of current objects only.");
    expect(summary).toHaveTextContent("This storage can't list unfinished uploads, so they are not counted.");
  });

  it('keeps Delete disabled until the name is typed exactly, even for an empty bucket', async () => {
    census = EMPTY;
    setup();
    const summary = await censusShown();
    expect(summary).toHaveTextContent('Delete bucket-b. It is empty');
    const del = screen.getByTestId('delete-confirm');
    expect(del).toBeDisabled();
    await typeName('bucket');
    expect(del).toBeDisabled();
    await typeName('Bucket-B');
    expect(del).toBeDisabled();
    await typeName('bucket-b ');
    expect(del).toBeDisabled();
    await typeName('bucket-b');
    expect(del).toBeEnabled();
    // Enter in the field is the same as the button; a disabled button would have sent nothing.
    await fireEvent.submit(confirmInput().form!);
    await waitFor(() => expect(callsOf('delete_bucket')).toHaveLength(1));
  });

  it('does not allow Delete while still counting, and can stop the count', async () => {
    const later = deferred<unknown>();
    census = later.promise;
    setup();
    await typeName('bucket-b');
    expect(screen.getByTestId('delete-confirm')).toBeDisabled();
    const opId = (callsOf('bucket_census')[0] as { opId: string }).opId;
    await fireEvent.click(screen.getByTestId('census-cancel'));
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    expect(screen.getByTestId('delete-census')).toHaveTextContent("Counting was stopped, so Satchel can't say how much that is.");
    expect(screen.getByTestId('delete-census')).toHaveTextContent('Satchel deletes only what it has counted, so the count must finish first.');
    expect(screen.getByTestId('delete-confirm')).toBeDisabled();
    later.resolve(engineError('cancelled', 'Cancelled.'));
    // Counting again and finishing it is what enables Delete.
    census = FULL;
    await fireEvent.click(screen.getByTestId('census-retry'));
    await censusShown();
    expect(screen.getByTestId('delete-confirm')).toBeEnabled();
  });

  it('shows progress from the channel, in words and numbers', async () => {
    const finish = deferred<unknown>();
    let channel: FakeChannel<EmptyProgress> | null = null;
    deleting = (a) => {
      channel = a?.progress as FakeChannel<EmptyProgress>;
      return finish.promise;
    };
    const { ondeleted } = setup();
    await censusShown();
    await typeName('bucket-b');
    await fireEvent.click(screen.getByTestId('delete-confirm'));
    await waitFor(() => expect(channel).not.toBeNull());
    expect(callsOf('delete_bucket')).toEqual([
      { connectionId: 'c1', bucket: 'bucket-b', confirmed: FULL, opId: expect.any(String), progress: channel },
    ]);

    channel!.send({ phase: 'deleting_versions', deleted: 623, failed: 0, uploads_aborted: 0 });
    const bar = await screen.findByRole('progressbar');
    await waitFor(() => expect(bar).toHaveAttribute('aria-valuenow', '50'));
    expect(screen.getByTestId('delete-counts')).toHaveTextContent('623 of 1,246 deleted');
    expect(screen.getByTestId('delete-counts')).toHaveTextContent('0 of 2 unfinished uploads cancelled');
    expect(screen.getByTestId('delete-progress')).toHaveTextContent('Deleting objects and their versions…');

    channel!.send({ phase: 'aborting_uploads', deleted: 1246, failed: 0, uploads_aborted: 1 });
    await waitFor(() => expect(screen.getByTestId('delete-counts')).toHaveTextContent('1,246 of 1,246 deleted'));
    expect(screen.getByTestId('delete-counts')).toHaveTextContent('1 of 2 unfinished uploads cancelled');
    expect(screen.getByTestId('delete-progress')).toHaveTextContent('Cancelling unfinished uploads…');

    // Escape does not walk away from a running deletion.
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(screen.getByTestId('delete-dialog')).toBeInTheDocument();

    finish.resolve(DELETED);
    await waitFor(() => expect(ondeleted).toHaveBeenCalledWith(DELETED));
  });

  it('cancels through cancelOperation and says what was deleted and that the bucket is kept', async () => {
    const finish = deferred<unknown>();
    let channel: FakeChannel<EmptyProgress> | null = null;
    deleting = (a) => {
      channel = a?.progress as FakeChannel<EmptyProgress>;
      return finish.promise;
    };
    const { ondeleted } = setup();
    await censusShown();
    await typeName('bucket-b');
    await fireEvent.click(screen.getByTestId('delete-confirm'));
    await waitFor(() => expect(channel).not.toBeNull());
    channel!.send({ phase: 'deleting_versions', deleted: 400, failed: 0, uploads_aborted: 0 });

    await fireEvent.click(await screen.findByTestId('delete-cancel'));
    const opId = (callsOf('delete_bucket')[0] as { opId: string }).opId;
    expect(callsOf('cancel_operation')).toContainEqual({ opId });
    await waitFor(() => expect(screen.getByTestId('delete-progress')).toHaveTextContent('Stopping…'));

    finish.resolve({ deleted: 400, uploads_aborted: 0, remaining: [], uploads_remaining: [], bucket_deleted: false, cancelled: true });
    const outcome = await screen.findByTestId('delete-outcome');
    expect(outcome).toHaveAttribute('data-outcome', 'cancelled');
    expect(outcome).toHaveTextContent('Stopped. 400 objects and versions were deleted; bucket-b and the rest of its contents are kept.');
    expect(ondeleted).not.toHaveBeenCalled();
  });

  it('lists what is left and why when the bucket is kept', async () => {
    deleting = () => ({
      deleted: 1243,
      uploads_aborted: 1,
      remaining: [
        { key: 'ledgers/2019/q4.xlsx', version_id: 'v-111', reason: 'Protected by a legal hold' },
        { key: 'ledgers/2020/q1.xlsx', version_id: 'v-222', reason: 'Protected by a legal hold' },
        { key: 'audit/minutes.pdf', version_id: null, reason: 'Locked until 14 Mar 2031 (compliance mode)' },
      ],
      uploads_remaining: [{ key: 'big/video.mp4', version_id: null, reason: 'Access denied' }],
      bucket_deleted: false,
      cancelled: false,
    });
    const { ondeleted } = setup();
    await censusShown();
    await typeName('bucket-b');
    await fireEvent.click(screen.getByTestId('delete-confirm'));

    const outcome = await screen.findByTestId('delete-outcome');
    expect(outcome).toHaveAttribute('data-outcome', 'kept');
    expect(outcome).toHaveTextContent(
      'bucket-b was kept because 3 objects and 1 unfinished upload could not be deleted. 1,243 objects and versions and 1 unfinished upload were deleted.',
    );
    const rows = screen.getAllByTestId('remaining');
    expect(rows.map((r) => r.textContent)).toEqual([
      'ledgers/2019/q4.xlsxv-111Protected by a legal hold',
      'ledgers/2020/q1.xlsxv-222Protected by a legal hold',
      'audit/minutes.pdf—Locked until 14 Mar 2031 (compliance mode)',
    ]);
    expect(outcome).toHaveTextContent('Protected by a legal hold: 2');
    expect(screen.getByTestId('upload-remaining')).toHaveTextContent('big/video.mp4Access denied');
    expect(ondeleted).not.toHaveBeenCalled();
    await waitFor(() => expect(document.activeElement).toBe(screen.getByTestId('delete-close')));
  });

  it('shows an engine error by its code, with the bucket kept', async () => {
    deleting = () => engineError('access_denied', 'This connection may not delete buckets (s3:DeleteBucket).');
    setup();
    await censusShown();
    await typeName('bucket-b');
    await fireEvent.click(screen.getByTestId('delete-confirm'));
    const outcome = await screen.findByTestId('delete-outcome');
    expect(outcome).toHaveAttribute('data-outcome', 'error');
    expect(outcome).toHaveTextContent('bucket-b was not deleted.');
    expect(outcome.querySelector('[data-code="access_denied"]')).toHaveTextContent('may not delete buckets');
  });

  it('closes with Cancel or Escape before deleting, stopping a running count', async () => {
    census = new Promise(() => {});
    const { onclose } = setup();
    await fireEvent.keyDown(window, { key: 'Escape' });
    expect(onclose).toHaveBeenCalledOnce();
    expect(callsOf('cancel_operation')).toHaveLength(1);
    expect(callsOf('delete_bucket')).toEqual([]);
  });
});
