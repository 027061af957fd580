import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import MultipartUploads from './MultipartUploads.svelte';
import type { MultipartUpload_Serialize } from '$lib/bindings';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const DAY = 86_400;
const nowSecs = Math.floor(Date.now() / 1000);
const UPLOADS: MultipartUpload_Serialize[] = [
  { key: 'raw/big.parquet', upload_id: 'u1', initiated: nowSecs - 3 * DAY - 60, parts: 12, bytes: 6e8 },
  { key: 'raw/other.bin', upload_id: 'u2', initiated: nowSecs - 5 * 3600, parts: 2, bytes: 1e7 },
  { key: 'logs/x.log', upload_id: 'u3', initiated: null, parts: null, bytes: null },
];

let listed: MultipartUpload_Serialize[] = UPLOADS;

function setup() {
  render(MultipartUploads, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
}

const rows = () => screen.queryAllByTestId('multipart-upload');
const check = (key: string) => within(rows().find((r) => r.dataset.key === key)!).getByRole('checkbox');

beforeEach(() => {
  listed = UPLOADS;
  answer({
    multipart_uploads: () => listed,
    abort_multipart_uploads: { aborted: 1, failed: [{ key: 'raw/other.bin', reason: 'Access Denied' }] },
  });
});

describe('MultipartUploads', () => {
  it('lists each unfinished upload with its key, age and size', async () => {
    setup();
    await waitFor(() => expect(rows()).toHaveLength(3));
    expect(callsOf('multipart_uploads')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b' }]);
    expect(rows().map((r) => [...r.querySelectorAll('td')].slice(1).map((td) => td.textContent?.trim()))).toEqual([
      ['raw/big.parquet', '3 days ago', '600 MB · 12 parts'],
      ['raw/other.bin', '5 hours ago', '10 MB · 2 parts'],
      ['logs/x.log', '—', '—'],
    ]);
    expect(screen.getByTestId('multipart-abort-selected')).toBeDisabled();
  });

  it('aborts the selected ones after saying the parts are billed and will be deleted, then lists again', async () => {
    setup();
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(check('raw/big.parquet'));
    await fireEvent.click(check('raw/other.bin'));
    expect(screen.getByTestId('multipart-abort-selected')).toHaveTextContent('Abort selected (2)');
    await fireEvent.click(screen.getByTestId('multipart-abort-selected'));
    const confirm = screen.getByRole('alertdialog', { name: 'Abort unfinished uploads' });
    expect(confirm).toHaveTextContent(
      "Abort 2 unfinished uploads (610 MB)? The storage bills for their parts until they are aborted; aborting deletes the parts, and they can't be finished or resumed.",
    );
    listed = UPLOADS.slice(1);
    await fireEvent.click(within(confirm).getByTestId('confirm'));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(callsOf('abort_multipart_uploads')).toEqual([
      {
        connectionId: 'c1',
        bucket: 'bucket-b',
        uploads: [
          ['raw/big.parquet', 'u1'],
          ['raw/other.bin', 'u2'],
        ],
      },
    ]);
    expect(screen.getByTestId('multipart-result')).toHaveTextContent('Aborted 1 unfinished upload. 1 could not be aborted:');
    expect(screen.getByTestId('multipart-failure')).toHaveTextContent('raw/other.bin — Access Denied');
    await waitFor(() => expect(rows()).toHaveLength(2));
    expect(callsOf('multipart_uploads')).toHaveLength(2);
  });

  it('aborts all with Abort all', async () => {
    setup();
    await waitFor(() => expect(rows()).toHaveLength(3));
    await fireEvent.click(screen.getByTestId('multipart-abort-all'));
    expect(screen.getByRole('alertdialog')).toHaveTextContent('Abort 3 unfinished uploads (610 MB)?');
    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(callsOf('abort_multipart_uploads')).toHaveLength(1));
    expect((callsOf('abort_multipart_uploads')[0] as { uploads: unknown[] }).uploads).toHaveLength(3);
  });

  it('says when there are none', async () => {
    listed = [];
    setup();
    expect(await screen.findByTestId('multipart-empty')).toHaveTextContent('No unfinished uploads.');
  });

  it('says plainly when the storage cannot list them', async () => {
    answer({ multipart_uploads: engineError('unsupported', 'ListMultipartUploads is not implemented.') });
    setup();
    expect(await screen.findByTestId('multipart-unsupported')).toHaveTextContent("This storage can't list unfinished uploads.");
  });
});
