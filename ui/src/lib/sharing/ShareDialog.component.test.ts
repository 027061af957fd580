import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ShareDialog from './ShareDialog.svelte';
import type { ShareLink_Serialize, ShareRequest_Deserialize } from '$lib/bindings';
import type { ShareItem } from './shareForm';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

// The rows the object browser gives for a listing of `exports/`: a folder, then three files.
const files: ShareItem[] = [
  { key: 'raw/', name: 'raw/', kind: 'folder' },
  ...['a.csv', 'b.csv', 'gone.csv'].map((k) => ({ key: `exports/${k}`, name: k, kind: 'object' as const })),
];

const inAnHour = () => new Date(Date.now() + 3600_000).toISOString();

function link(request: ShareRequest_Deserialize, over: Partial<ShareLink_Serialize> = {}): ShareLink_Serialize {
  return {
    url: `https://bucket-b.s3.eu-west-1.amazonaws.com/${request.key}?X-Amz-Expires=${request.expires_secs}`,
    kind: request.kind,
    expires_at: inAnHour(),
    effective_secs: request.expires_secs,
    limited_by_credentials: false,
    warning: null,
    reach: null,
    curl: request.kind === 'upload' ? `curl -T file 'https://bucket-b.s3.eu-west-1.amazonaws.com/${request.key}?sig'` : null,
    ...over,
  };
}

let writeText: ReturnType<typeof vi.fn>;
let signer: (r: ShareRequest_Deserialize) => unknown;

beforeEach(() => {
  writeText = vi.fn(async () => {});
  Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
  signer = (r) => link(r);
  answer({
    share_link: (a: Record<string, unknown> | undefined) => signer(a?.request as ShareRequest_Deserialize),
    qr_code: '<svg xmlns="http://www.w3.org/2000/svg"><rect width="1" height="1"/></svg>',
  });
});

function setup(rows = files.slice(1, 2), kind: 'download' | 'upload' = 'download') {
  const onclose = vi.fn();
  const oncors = vi.fn();
  render(ShareDialog, { props: { connectionId: 'c1', bucket: 'bucket-b', prefix: 'exports/', rows, kind, onclose, oncors } });
  return { onclose, oncors };
}

async function custom(amount: string, unit: string) {
  await fireEvent.click(screen.getByTestId('expiry-custom'));
  await fireEvent.input(document.getElementById('share-expiry-amount')!, { target: { value: amount } });
  const select = document.getElementById('share-expiry-unit') as HTMLSelectElement;
  select.value = unit;
  await fireEvent.change(select);
}

describe('ShareDialog', () => {
  it('signs a 1-hour download link and copies it', async () => {
    setup();
    expect(screen.getByTestId('share-dialog')).toHaveTextContent(
      "A link can't be revoked before it expires, except by disabling the credentials that signed it.",
    );
    await fireEvent.click(screen.getByTestId('expiry-1h'));
    expect(screen.getByTestId('expiry-1h')).toHaveAttribute('aria-checked', 'true');
    await fireEvent.click(screen.getByTestId('share-create'));
    const url = (await screen.findByTestId('share-url')) as HTMLInputElement;
    expect(url.value).toBe('https://bucket-b.s3.eu-west-1.amazonaws.com/exports/a.csv?X-Amz-Expires=3600');
    expect(url).toHaveAttribute('readonly');
    expect(callsOf('share_link')).toEqual([
      {
        connectionId: 'c1',
        request: { bucket: 'bucket-b', key: 'exports/a.csv', kind: 'download', expires_secs: 3600, filename: null, content_type: null },
      },
    ]);
    expect(screen.getByTestId('share-expiry')).toHaveTextContent(/^Works until \S+ \S+( [AP]M)? \(in 1 hour\)$/);
    await fireEvent.click(screen.getByTestId('share-copy'));
    expect(writeText).toHaveBeenCalledWith(url.value);
    await waitFor(() => expect(screen.getByTestId('share-copy')).toHaveTextContent('Copied'));
  });

  it('says so on the card when the link points at this computer', async () => {
    const reach = 'This link points at 127.0.0.1, which is this computer: only someone who can reach it there can open the link, not a recipient elsewhere.';
    signer = (r) => link(r, { url: `http://127.0.0.1:9000/b/${r.key}?sig`, reach });
    setup();
    await fireEvent.click(screen.getByTestId('share-create'));
    expect(await screen.findByTestId('share-reach')).toHaveTextContent(reach);
  });

  it('checks a custom expiry: more than 0 and at most 7 days', async () => {
    setup();
    await custom('8', 'days');
    expect(screen.getByTestId('expiry-error')).toHaveTextContent("Links can last at most 7 days (S3's limit).");
    await fireEvent.click(screen.getByTestId('share-create'));
    expect(callsOf('share_link')).toEqual([]);
    await custom('0', 'hours');
    expect(screen.getByTestId('expiry-error')).toHaveTextContent('A link must last longer than 0.');
    await custom('36', 'hours');
    expect(screen.queryByTestId('expiry-error')).toBeNull();
    await fireEvent.input(document.getElementById('share-filename')!, { target: { value: 'Q3 report.csv' } });
    await fireEvent.click(screen.getByTestId('share-create'));
    await screen.findByTestId('share-url');
    expect((callsOf('share_link')[0] as { request: ShareRequest_Deserialize }).request).toMatchObject({
      expires_secs: 129600,
      filename: 'Q3 report.csv',
    });
  });

  it('warns before the copy button when the credentials end first, and copies only once acknowledged', async () => {
    signer = (r) =>
      link(r, {
        effective_secs: 3000,
        limited_by_credentials: true,
        warning: 'This link stops working at 2025-07-15T14:32:00Z, earlier than asked, because the credentials that sign it expire then.',
      });
    setup();
    await fireEvent.click(screen.getByTestId('expiry-7d'));
    await fireEvent.click(screen.getByTestId('share-create'));
    const warning = await screen.findByTestId('share-warning');
    expect(warning).toHaveTextContent('earlier than asked, because the credentials that sign it expire then');
    const copy = screen.getByTestId('share-copy');
    // The warning comes before the copy button.
    expect(warning.compareDocumentPosition(copy) & Node.DOCUMENT_POSITION_FOLLOWING).toBeTruthy();
    expect(copy).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(copy);
    expect(writeText).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByTestId('share-ack'));
    await fireEvent.click(screen.getByTestId('share-ack'));
    expect(copy).toHaveAttribute('aria-disabled', 'false');
    await fireEvent.click(copy);
    expect(writeText).toHaveBeenCalledOnce();
  });

  it('makes a link per file, copies them all as lines, and says which failed and why', async () => {
    signer = (r) =>
      r.key.endsWith('gone.csv') ? engineError('not_found', "There's no object at s3://bucket-b/exports/gone.csv, so there is nothing to share.") : link(r);
    setup(files);
    expect(screen.getByTestId('share-what')).toHaveTextContent("Folders can't be shared as a link; 1 selected folder is left out.");
    await fireEvent.click(screen.getByTestId('share-create'));
    await waitFor(() => expect(screen.getAllByTestId('share-url')).toHaveLength(2));
    const failed = screen.getByTestId('share-failed');
    expect(failed).toHaveAttribute('data-code', 'not_found');
    expect(failed).toHaveTextContent('gone.csv — The object is gone.');
    await fireEvent.click(screen.getByTestId('share-copy-all'));
    const text = writeText.mock.calls[0][0] as string;
    const lines = text.split('\n').map((l) => l.split('\t'));
    expect(lines.map((l) => l[0])).toEqual(['a.csv', 'b.csv']);
    expect(lines[0][1]).toMatch(/^https:\/\/bucket-b\.s3\.eu-west-1\.amazonaws\.com\/exports\/a\.csv\?/);
    expect(lines[0][2]).toMatch(/^\d{4}-\d\d-\d\dT/);
  });

  it('makes an upload link for a required file name in the current folder, with the curl line and the CORS note', async () => {
    const { oncors } = setup([], 'upload');
    expect(screen.getByTestId('share-kind-download')).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(screen.getByTestId('share-create'));
    expect(screen.getByTestId('field-error')).toHaveTextContent('Give the name the file will have');
    expect(callsOf('share_link')).toEqual([]);
    await fireEvent.input(document.getElementById('share-upload-name')!, { target: { value: 'scan.pdf' } });
    await fireEvent.input(document.getElementById('share-content-type')!, { target: { value: 'application/pdf' } });
    await fireEvent.click(screen.getByTestId('share-create'));
    const curl = (await screen.findByTestId('share-curl')) as HTMLInputElement;
    expect(curl.value).toMatch(/^curl -T file /);
    expect((callsOf('share_link')[0] as { request: ShareRequest_Deserialize }).request).toMatchObject({
      key: 'exports/scan.pdf',
      kind: 'upload',
      content_type: 'application/pdf',
      filename: null,
    });
    expect(screen.getByTestId('share-dialog')).toHaveTextContent(
      "A browser upload from another website needs the bucket's CORS to allow PUT from that site.",
    );
    await fireEvent.click(screen.getByTestId('share-curl-copy'));
    expect(writeText).toHaveBeenCalledWith(curl.value);
    // The note leads to the bucket's CORS settings.
    await fireEvent.click(screen.getByTestId('share-cors'));
    expect(oncors).toHaveBeenCalledOnce();
  });

  it('selects the link for Ctrl+C when the clipboard refuses, and shows a QR code', async () => {
    writeText.mockRejectedValue(new Error('denied'));
    setup();
    await fireEvent.click(screen.getByTestId('share-create'));
    const url = (await screen.findByTestId('share-url')) as HTMLInputElement;
    await fireEvent.click(screen.getByTestId('share-copy'));
    await waitFor(() => expect(screen.getByText(/press Ctrl\+C/)).toBeInTheDocument());
    expect(document.activeElement).toBe(url);
    await fireEvent.click(screen.getByTestId('share-qr'));
    const img = (await screen.findByTestId('share-qr-image')) as HTMLImageElement;
    expect(img.src).toMatch(/^data:image\/svg\+xml;base64,/);
    expect(atob(img.src.split(',')[1])).toContain('<svg');
    expect(callsOf('qr_code')).toEqual([{ text: url.value }]);
  });
});
