import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import LinkHistory from './LinkHistory.svelte';
import type { IssuedLink_Serialize } from '$lib/bindings';
import { answer, callsOf, connection } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const NOW = new Date('2025-07-15T12:00:00Z');

const issued = (id: string, key: string, expiresInSecs: number, kind: 'download' | 'upload' = 'download'): IssuedLink_Serialize => ({
  id,
  connection_id: 'c1',
  request: { bucket: 'bucket-b', key, kind, expires_secs: 3600, filename: null, content_type: null },
  issued_at: new Date(NOW.getTime() - 600_000).toISOString(),
  expires_at: new Date(NOW.getTime() + expiresInSecs * 1000).toISOString(),
});

let history: IssuedLink_Serialize[];

beforeEach(() => {
  vi.useFakeTimers({ toFake: ['Date', 'setInterval', 'clearInterval'] });
  vi.setSystemTime(NOW);
  history = [issued('l1', 'exports/a.csv', 3 * 3600 + 5), issued('l2', 'incoming/scan.pdf', -60, 'upload')];
  answer({
    link_history: () => history,
    reissue_link: () => ({
      url: 'https://bucket-b.s3.eu-west-1.amazonaws.com/incoming/scan.pdf?X-Amz-Signature=new',
      kind: 'upload',
      expires_at: new Date(Date.now() + 3600_000).toISOString(),
      effective_secs: 3600,
      limited_by_credentials: false,
      warning: null,
      curl: "curl -T file 'https://bucket-b.s3.eu-west-1.amazonaws.com/incoming/scan.pdf?X-Amz-Signature=new'",
    }),
    forget_link: () => {
      history = history.slice(1);
      return null;
    },
  });
  return () => vi.useRealTimers();
});

describe('LinkHistory', () => {
  it('lists what was shared with a live countdown, and says why URLs are not kept', async () => {
    render(LinkHistory, { props: { connections: [connection({ id: 'c1', name: 'AWS prod' })], onclose: vi.fn() } });
    const dialog = screen.getByTestId('link-history');
    expect(dialog).toHaveTextContent("anyone holding a link can use it, so it isn't stored");
    await waitFor(() => expect(screen.getAllByTestId('issued-link')).toHaveLength(2));
    const [valid, expired] = screen.getAllByTestId('issued-link');
    expect(valid).toHaveAttribute('data-status', 'valid');
    expect(valid).toHaveTextContent('a.csv');
    expect(valid).toHaveTextContent('bucket-b/exports/a.csv');
    expect(valid).toHaveTextContent('AWS prod');
    expect(valid).toHaveTextContent('Download');
    expect(within(valid).getByTestId('countdown')).toHaveTextContent('3:00:05');
    expect(expired).toHaveAttribute('data-status', 'expired');
    expect(expired).toHaveTextContent('Expired');

    await vi.advanceTimersByTimeAsync(2000);
    expect(within(valid).getByTestId('countdown')).toHaveTextContent('3:00:03');
  });

  it('issues a link again and shows the new URL with Copy; forgets one', async () => {
    render(LinkHistory, { props: { connections: [], onclose: vi.fn() } });
    await waitFor(() => expect(screen.getAllByTestId('issued-link')).toHaveLength(2));
    await fireEvent.click(within(screen.getAllByTestId('issued-link')[1]).getByTestId('reissue'));
    const url = (await screen.findByTestId('share-url')) as HTMLInputElement;
    expect(url.value).toContain('X-Amz-Signature=new');
    expect(screen.getByTestId('share-copy')).toBeInTheDocument();
    expect(callsOf('reissue_link')).toEqual([{ id: 'l2' }]);

    await fireEvent.click(within(screen.getAllByTestId('issued-link')[0]).getByTestId('forget'));
    await waitFor(() => expect(screen.getAllByTestId('issued-link')).toHaveLength(1));
    expect(callsOf('forget_link')).toEqual([{ id: 'l1' }]);
  });
});
