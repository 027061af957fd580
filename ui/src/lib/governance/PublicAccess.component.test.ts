import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import PublicAccess from './PublicAccess.svelte';
import { answer, callsOf } from '../../test/ipc';
import { ALL_OFF, ALL_ON, describeValue, loosens } from './publicAccess';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const PRIVATE = { exposure: 'private', why: 'Block Public Access is on, and no policy or ACL grants public access.', block: ALL_ON };
const ENTRY = { at: '2026-12-01T10:00:00Z', connection: 'Work', bucket: 'bucket-b', setting: 'public-access', before: JSON.stringify(ALL_OFF), after: JSON.stringify(ALL_ON), via: 'cli' };

let exposure: unknown = PRIVATE;
beforeEach(() => {
  exposure = PRIVATE;
  answer({
    bucket_exposure: () => exposure,
    audit_entries: [ENTRY],
    export_audit: (a: Record<string, unknown>) => `/home/ana/satchel-audit-${a.bucket}.${a.format}`,
    set_account_public_access: (a: Record<string, unknown>) => ({ before: ALL_ON, after: a.block, unchanged: false }),
    set_public_access: (a: Record<string, unknown>) => {
      exposure = { exposure: 'private', why: 'No policy or ACL grants public access.', block: a.block };
      return { before: ALL_ON, after: a.block, unchanged: false };
    },
  });
});

describe('PublicAccess', () => {
  it('says whether the bucket is public and why, with each switch and what it stops, and the changes made', async () => {
    render(PublicAccess, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    const badge = await screen.findByTestId('exposure');
    expect(badge).toHaveAttribute('data-exposure', 'private');
    expect(badge).toHaveTextContent('Private Block Public Access is on, and no policy or ACL grants public access.');
    expect(screen.getByTestId('bpa-block_public_policy')).toBeChecked();
    expect(screen.getByText('Refuses a bucket policy that would grant public access.')).toBeInTheDocument();
    expect(screen.getByTestId('audit-entry')).toHaveTextContent('public-access: none on → all 4 on (Work, cli)');
    // The file is chosen in a native dialog; the engine writes it.
    await fireEvent.click(screen.getByTestId('audit-export-csv'));
    expect(await screen.findByTestId('audit-exported')).toHaveTextContent('Saved to /home/ana/satchel-audit-bucket-b.csv');
    expect(callsOf('export_audit')).toEqual([{ bucket: 'bucket-b', format: 'csv' }]);
  });

  it('asks for the bucket name before turning protection off, and sends nothing until it is typed', async () => {
    render(PublicAccess, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    await fireEvent.click(await screen.findByTestId('bpa-allow-public'));
    const apply = screen.getByTestId('bpa-apply');
    expect(apply).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(apply);
    expect(callsOf('set_public_access')).toEqual([]);
    await fireEvent.input(screen.getByTestId('bpa-confirm-name'), { target: { value: 'bucket-' } });
    expect(apply).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.input(screen.getByTestId('bpa-confirm-name'), { target: { value: 'bucket-b' } });
    await fireEvent.click(apply);
    await waitFor(() => expect(callsOf('set_public_access')).toEqual([{ connectionId: 'c1', bucket: 'bucket-b', block: ALL_OFF, confirmed: true }]));
    expect(await screen.findByTestId('bpa-done')).toHaveTextContent('Block Public Access: all 4 on → none on. Recorded in the audit log.');
  });

  it('turns protection on without asking for the name', async () => {
    exposure = { ...PRIVATE, block: { ...ALL_ON, block_public_policy: false } };
    render(PublicAccess, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    await fireEvent.click(await screen.findByTestId('bpa-block_public_policy'));
    expect(screen.queryByTestId('bpa-confirm-name')).toBeNull();
    await fireEvent.click(screen.getByTestId('bpa-apply'));
    await waitFor(() => expect(callsOf('set_public_access')).toMatchObject([{ block: ALL_ON, confirmed: false }]));
  });

  it('shows the account-level switches and when they override the bucket', async () => {
    exposure = {
      ...PRIVATE,
      block: ALL_OFF,
      why: "The account's Block Public Access is on (over the bucket's own), and no policy or ACL grants public access.",
      account: { account: '111122223333', block: ALL_ON, overrides: 'Block Public Access is on for the whole account 111122223333: it overrides this bucket.' },
    };
    render(PublicAccess, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    expect(await screen.findByTestId('account-bpa')).toHaveTextContent(
      'Account 111122223333: Block Public Access all 4 on for every bucket. Block Public Access is on for the whole account 111122223333: it overrides this bucket.',
    );
    // Turning the account's protection off takes its id typed.
    await fireEvent.click(screen.getByTestId('account-allow-public'));
    await fireEvent.click(screen.getByTestId('account-apply'));
    expect(callsOf('set_account_public_access')).toEqual([]);
    await fireEvent.input(screen.getByTestId('account-confirm-id'), { target: { value: '111122223333' } });
    await fireEvent.click(screen.getByTestId('account-apply'));
    await waitFor(() => expect(callsOf('set_account_public_access')).toEqual([{ connectionId: 'c1', block: ALL_OFF, confirmed: true }]));
  });

  it('says so when the storage has no Block Public Access', async () => {
    exposure = { exposure: 'private', why: 'No ACL grants public access, and this storage has no bucket policies.', block: null };
    render(PublicAccess, { props: { connectionId: 'c1', bucket: 'bucket-b' } });
    expect(await screen.findByText('This storage has no Block Public Access.')).toBeInTheDocument();
    expect(screen.queryByTestId('bpa-apply')).toBeNull();
  });
});

describe('publicAccess words', () => {
  it('calls any switch turned off a loosening, and shows audit values in words', () => {
    expect(loosens(ALL_ON, { ...ALL_ON, ignore_public_acls: false })).toBe(true);
    expect(loosens({ ...ALL_ON, ignore_public_acls: false }, ALL_ON)).toBe(false);
    expect(describeValue(JSON.stringify({ ...ALL_OFF, block_public_acls: true }))).toBe('1 of 4 on');
    expect(describeValue('{"Version":"2012-10-17"}')).toBe('{"Version":"2012-10-17"}');
  });
});
