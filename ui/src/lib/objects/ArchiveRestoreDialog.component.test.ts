import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import ArchiveRestoreDialog from './ArchiveRestoreDialog.svelte';
import { rowsOfPage } from './rows';
import { columns } from '../../test/listing';
import { describeRestored } from './describe';

const invoke = vi.fn();
vi.mock('@tauri-apps/api/core', () => ({
  invoke: (cmd: string, args: unknown) => invoke(cmd, args),
  Channel: class {
    onmessage: (m: unknown) => void = () => {};
  },
}));

const rows = (cls: string) =>
  rowsOfPage(columns(['old/'], [{ key: 'cold.csv', size: 10, last_modified: null, storage_class: cls }]), '', false);

describe('ArchiveRestoreDialog', () => {
  beforeEach(() => invoke.mockReset());
  afterEach(cleanup);

  it('asks for a restore of the selection with the days and tier chosen', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'restore_from_archive') return { requested: 3, already_restoring: 1, not_archived: 2, failed: [], cancelled: false };
      return null;
    });
    const ondone = vi.fn();
    render(ArchiveRestoreDialog, { props: { connectionId: 'c1', bucket: 'b', rows: rows('GLACIER'), ondone, onclose: () => {} } });
    const days = screen.getByTestId<HTMLInputElement>('restore-days');
    await fireEvent.input(days, { target: { value: '3' } });
    await fireEvent.click(screen.getByTestId('restore-tier-bulk'));
    await fireEvent.click(screen.getByTestId('restore-ok'));
    await waitFor(() => expect(ondone).toHaveBeenCalled());
    const [, args] = invoke.mock.calls.find(([c]) => c === 'restore_from_archive')!;
    expect(args).toMatchObject({ connectionId: 'c1', bucket: 'b', selection: ['old/', 'cold.csv'], days: 3, tier: 'bulk' });
    expect(describeRestored(ondone.mock.calls[0][0]).text).toBe(
      'Asked to restore 3 archived objects: each can be read once its copy is ready. 1 object was already being restored. 2 objects aren’t archived and can be read as they are.',
    );
  });

  it('refuses 0 days and expedited for Deep Archive before sending', async () => {
    render(ArchiveRestoreDialog, { props: { connectionId: 'c1', bucket: 'b', rows: rows('DEEP_ARCHIVE'), ondone: () => {}, onclose: () => {} } });
    await fireEvent.input(screen.getByTestId('restore-days'), { target: { value: '0' } });
    expect(screen.getByTestId('restore-days-error')).toHaveTextContent('1 day or more');
    await fireEvent.input(screen.getByTestId('restore-days'), { target: { value: '2' } });
    await fireEvent.click(screen.getByTestId('restore-tier-expedited'));
    expect(screen.getByTestId('restore-tier-error')).toHaveTextContent('no expedited');
    await fireEvent.click(screen.getByTestId('restore-ok'));
    expect(invoke.mock.calls.filter(([c]) => c === 'restore_from_archive')).toHaveLength(0);
  });

  it('shows a refusal and keeps the form', async () => {
    invoke.mockImplementation(async (cmd: string) => {
      if (cmd === 'restore_from_archive') throw { code: 'access_denied', message: 'Not allowed to restore.', detail: null };
      return null;
    });
    render(ArchiveRestoreDialog, { props: { connectionId: 'c1', bucket: 'b', rows: rows('GLACIER'), ondone: () => {}, onclose: () => {} } });
    await fireEvent.click(screen.getByTestId('restore-ok'));
    expect(await screen.findByTestId('restore-failed')).toHaveTextContent('Not allowed to restore.');
    expect(screen.getByTestId('restore-days')).toBeInTheDocument();
  });
});
