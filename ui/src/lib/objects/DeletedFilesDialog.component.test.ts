import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import DeletedFilesDialog from './DeletedFilesDialog.svelte';
import type { UndeleteReport, VersionEntry_Serialize } from '$lib/bindings';
import type { FakeChannel } from '../../test/channel';
import { answer, callsOf, deferred, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const marker = (key: string): VersionEntry_Serialize => ({
  key,
  version_id: `m-${key}`,
  size: 0,
  last_modified: '2025-07-03T08:00:00Z',
  storage_class: null,
  etag: null,
  is_latest: true,
  is_delete_marker: true,
});

const DELETED = [marker('raw/a.csv'), marker('raw/b.csv'), marker('raw/2024/c.csv')];

type UndeleteArgs = { keys: string[]; opId: string; progress: FakeChannel<number> };
let undeleting: { args: UndeleteArgs; resolve: (r: UndeleteReport | ReturnType<typeof engineError>) => void } | null;

beforeEach(() => {
  undeleting = null;
  answer({
    deleted_objects: DELETED,
    cancel_operation: true,
    undelete_objects: (a: unknown) => {
      const d = deferred<UndeleteReport | ReturnType<typeof engineError>>();
      undeleting = { args: a as UndeleteArgs, resolve: d.resolve };
      return d.promise;
    },
  });
});

function setup() {
  const ondone = vi.fn();
  const onclose = vi.fn();
  render(DeletedFilesDialog, { props: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', ondone, onclose } });
  return { ondone, onclose };
}

const checkbox = (key: string) => document.querySelector<HTMLInputElement>(`[data-testid="deleted-file"][data-key="${key}"] input`)!;

describe('DeletedFilesDialog', () => {
  it('lists the deleted files below the folder, undeletes the chosen ones with progress, and hands over the report', async () => {
    const { ondone } = setup();
    expect(screen.getByTestId('deleted-files')).toHaveAttribute('data-state', 'finding');
    await waitFor(() => expect(screen.getAllByTestId('deleted-file')).toHaveLength(3));
    expect(callsOf('deleted_objects')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', opId: expect.any(String) }]);
    expect(screen.getByTestId('deleted-files')).toHaveTextContent('3 files were deleted below bucket-b/raw/');
    expect(screen.getAllByTestId('deleted-file').map((f) => f.textContent?.trim().split(/\s+/)[0])).toEqual(['a.csv', 'b.csv', '2024/c.csv']);
    // Nothing chosen yet: nothing to undelete.
    expect(screen.getByTestId('undelete-selected')).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(screen.getByTestId('undelete-selected'));
    expect(undeleting).toBeNull();

    await fireEvent.click(checkbox('raw/a.csv'));
    await fireEvent.click(checkbox('raw/2024/c.csv'));
    expect((screen.getByTestId('deleted-all') as HTMLInputElement).indeterminate).toBe(true);
    expect(screen.getByTestId('undelete-selected')).toHaveTextContent('Undelete 2 files');
    await fireEvent.click(screen.getByTestId('undelete-selected'));
    await waitFor(() => expect(undeleting).not.toBeNull());
    expect(undeleting!.args).toMatchObject({ connectionId: 'c1', bucket: 'bucket-b', prefix: 'raw/', keys: ['raw/a.csv', 'raw/2024/c.csv'] });
    undeleting!.args.progress.send(1);
    await waitFor(() => expect(screen.getByTestId('undelete-progress')).toHaveTextContent('Undeleted 1 of 2 files'));
    expect(screen.getByRole('progressbar')).toHaveAttribute('aria-valuenow', '50');

    const report = { restored: 1, failed: [{ key: 'raw/2024/c.csv', reason: 'Access Denied' }], cancelled: false };
    undeleting!.resolve(report);
    await waitFor(() => expect(ondone).toHaveBeenCalledWith(report, 2));
  });

  it('selects all at once, and Cancel stops an undelete through cancelOperation', async () => {
    const { ondone } = setup();
    await waitFor(() => expect(screen.getAllByTestId('deleted-file')).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('deleted-all'));
    expect(screen.getByTestId('undelete-selected')).toHaveTextContent('Undelete 3 files');
    await fireEvent.click(screen.getByTestId('undelete-selected'));
    await waitFor(() => expect(undeleting).not.toBeNull());
    // Escape doesn't leave the work running unseen.
    await fireEvent.keyDown(document.activeElement!, { key: 'Escape' });
    expect(screen.getByTestId('undelete-progress')).toBeInTheDocument();
    await fireEvent.click(screen.getByTestId('undelete-stop'));
    expect(callsOf('cancel_operation')).toEqual([{ opId: undeleting!.args.opId }]);
    expect(screen.getByTestId('undelete-progress')).toHaveTextContent('Stopping');
    undeleting!.resolve({ restored: 1, failed: [], cancelled: true });
    await waitFor(() => expect(ondone).toHaveBeenCalledWith({ restored: 1, failed: [], cancelled: true }, 3));
  });

  it('cancels the search for deleted files, and says when there are none', async () => {
    const later = deferred<unknown>();
    answer({ deleted_objects: () => later.promise, cancel_operation: true });
    const { onclose } = setup();
    await fireEvent.click(screen.getByTestId('deleted-cancel'));
    const opId = (callsOf('deleted_objects')[0] as { opId: string }).opId;
    expect(callsOf('cancel_operation')).toEqual([{ opId }]);
    expect(onclose).toHaveBeenCalledOnce();

    answer({ deleted_objects: [] });
    setup();
    expect(await screen.findByTestId('deleted-none')).toHaveTextContent('Nothing below bucket-b/raw/ was deleted');
    expect(screen.queryByTestId('undelete-selected')).toBeNull();
  });

  it('says in place when the storage keeps no versions', async () => {
    answer({ deleted_objects: engineError('unsupported', "This storage doesn't keep versions of objects.") });
    setup();
    expect(await screen.findByTestId('deleted-unsupported')).toHaveTextContent("This storage doesn't keep versions of objects.");
    expect(screen.queryByRole('alert')).toBeNull();
  });
});
