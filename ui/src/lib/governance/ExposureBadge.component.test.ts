import { render, screen, waitFor } from '@testing-library/svelte';
import { describe, expect, it, vi } from 'vitest';
import ExposureBadge from './ExposureBadge.svelte';
import { answer, callsOf, deferred } from '../../test/ipc';
import { exposures } from './exposures.svelte';
import type { Exposure, ExposureReport } from '$lib/bindings';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const report = (exposure: Exposure, why = 'because'): ExposureReport => ({ exposure, why, block: null, account: null });

describe('ExposureBadge', () => {
  it('asks each bucket once, a few at a time, and follows what the overview reads later', async () => {
    const held = new Map<string, ReturnType<typeof deferred<unknown>>>();
    answer({
      bucket_exposure: (a: Record<string, unknown> | undefined) => {
        const d = deferred<unknown>();
        held.set(a!.bucket as string, d);
        return d.promise;
      },
    });
    const names = ['b1', 'b2', 'b3', 'b4', 'b5', 'b6'];
    for (const bucket of names) render(ExposureBadge, { props: { connectionId: 'x1', bucket } });
    // The same bucket shown twice (sidebar and list) is asked once.
    render(ExposureBadge, { props: { connectionId: 'x1', bucket: 'b1', labelled: true } });
    await waitFor(() => expect(callsOf('bucket_exposure')).toHaveLength(4));

    held.get('b1')!.resolve(report('public_through_policy', 'Its bucket policy lets anyone read or write.'));
    held.get('b2')!.resolve(report('private'));
    await waitFor(() => expect(callsOf('bucket_exposure')).toHaveLength(6));
    const badges = await screen.findAllByTestId('exposure-badge');
    const b1 = badges.filter((b) => b.dataset.exposure === 'public_through_policy');
    expect(b1).toHaveLength(2);
    expect(b1[0]).toHaveTextContent('Public through policy');
    expect(b1[0]).toHaveAttribute('title', 'Public through policy: Its bucket policy lets anyone read or write.');
    // Private is an icon alone unless labelled.
    expect(badges.find((b) => b.dataset.exposure === 'private')).toHaveTextContent('');

    exposures.set('x1', 'b1', report('private', 'Block Public Access is on.'));
    await waitFor(() => expect(screen.queryAllByTestId('exposure-badge').filter((b) => b.dataset.exposure === 'public_through_policy')).toHaveLength(0));
    expect(callsOf('bucket_exposure')).toHaveLength(6);
  });
});
