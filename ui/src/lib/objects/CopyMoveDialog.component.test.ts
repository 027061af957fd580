import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import CopyMoveDialog from './CopyMoveDialog.svelte';
import { answer, callsOf } from '../../test/ipc';
import { rowsOfPage } from './rows';
import { columns } from '../../test/listing';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const object = (key: string, size = 10) => ({ key, size, last_modified: null, storage_class: null });
const rows = () => rowsOfPage(columns([], [object('raw/a.csv', 100), object('raw/b.csv', 50)]), 'raw/', false);
const connection = (id: string, name: string) => ({ id, name });

beforeEach(() => {
  answer({
    list_connections: [connection('c1', 'Work'), connection('c2', 'Archive')],
    list_buckets: (a: Record<string, unknown>) => (a.connectionId === 'c1' ? [{ name: 'bucket-b' }, { name: 'other' }] : [{ name: 'cold' }, { name: 'deep' }]),
    copy_items: { copied: 2, bytes: 150, deleted: 0, failed: [], cancelled: false },
    cancel_operation: true,
  });
});

function setup(withAcross = true) {
  const ondone = vi.fn();
  const onclose = vi.fn();
  const onacross = vi.fn();
  render(CopyMoveDialog, {
    props: { connectionId: 'c1', bucket: 'bucket-b', rows: rows(), move: false, prefix: 'raw/', ondone, onclose, onacross: withAcross ? onacross : undefined },
  });
  return { ondone, onclose, onacross };
}

describe('CopyMoveDialog', () => {
  it('offers the other connections, lists the chosen one’s buckets, and hands the copy to the transfers panel', async () => {
    const { onacross, ondone } = setup();
    const choice = await screen.findByLabelText<HTMLSelectElement>('Connection');
    expect([...choice.options].map((o) => o.textContent)).toEqual(['Work (this one)', 'Archive']);
    await fireEvent.change(choice, { target: { value: 'c2' } });
    const bucket = screen.getByLabelText<HTMLSelectElement>('Bucket');
    await waitFor(() => expect([...bucket.options].map((o) => o.value)).toEqual(['cold', 'deep']));
    expect(bucket.value).toBe('cold');
    expect(screen.getByText(/the transfers panel shows the progress/)).toBeInTheDocument();
    await fireEvent.input(screen.getByLabelText('Folder'), { target: { value: 'in' } });
    await fireEvent.click(screen.getByTestId('copy-ok'));
    expect(onacross).toHaveBeenCalledWith({
      connectionId: 'c1',
      bucket: 'bucket-b',
      prefix: 'raw/',
      keys: ['raw/a.csv', 'raw/b.csv'],
      files: 2,
      bytes: 150,
      destConnectionId: 'c2',
      destConnection: 'Archive',
      destBucket: 'cold',
      destPrefix: 'in/',
      move: false,
    });
    // Nothing is copied from the dialog itself.
    expect(callsOf('copy_items')).toEqual([]);
    expect(ondone).not.toHaveBeenCalled();
  });

  it('copies within the connection on the storage, as before, and offers no other connection without a panel', async () => {
    const { ondone } = setup(false);
    const bucket = screen.getByLabelText<HTMLSelectElement>('Bucket');
    await waitFor(() => expect(bucket.options).toHaveLength(2));
    expect(screen.queryByLabelText('Connection')).toBeNull();
    await fireEvent.change(bucket, { target: { value: 'other' } });
    await fireEvent.click(screen.getByTestId('copy-ok'));
    await waitFor(() => expect(ondone).toHaveBeenCalled());
    expect(callsOf('copy_items')).toMatchObject([{ connectionId: 'c1', bucket: 'bucket-b', destBucket: 'other', destPrefix: 'raw/', moveItems: false }]);
    expect(callsOf('list_connections')).toEqual([]);
  });
});
