import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ObjectLockSection from './ObjectLockSection.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const OFF = { enabled: false, default: null, says: 'Object lock is off; it can only be turned on when a bucket is created.' };
const ON = {
  enabled: true,
  default: null,
  says: 'Object lock is on with no default retention: versions are locked only when given a retention or legal hold of their own.',
};
const COMPLIANCE_ASK =
  'Nobody can delete a locked version or shorten its retention until it ends, not even the account\'s root user. This can\'t be undone. Every new version of "vault" would be locked so: confirm it to go on. Nothing was changed.';

type Retention = { mode: string; days?: number | null; years?: number | null };
const words = (d: Retention) =>
  `New versions are locked for ${d.days ? `${d.days} days` : `${d.years} years`} in ${d.mode} mode.`;

let view: unknown = ON;
const onchanged = vi.fn();

beforeEach(() => {
  view = ON;
  onchanged.mockReset();
  answer({
    bucket_object_lock: () => view,
    set_default_retention: (a: Record<string, unknown>) => {
      const next = a.next as Retention | null;
      if (next && (next.years ?? 0) > 100) return engineError('invalid_input', 'A default retention is at most 100 years. Nothing was changed.');
      if (next?.mode === 'compliance' && !a.confirmed) return engineError('needs_confirmation', COMPLIANCE_ASK);
      view = next
        ? { enabled: true, default: { mode: next.mode, days: next.days ?? null, years: next.years ?? null }, says: words(next) }
        : ON;
      return view;
    },
  });
});

describe('ObjectLockSection', () => {
  it('offers no editor when the bucket was created without object lock', async () => {
    view = OFF;
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault' } });
    expect(await screen.findByTestId('object-lock-state')).toHaveTextContent('it can only be turned on when a bucket is created');
    expect(screen.queryByTestId('retention-governance')).toBeNull();
    expect(screen.queryByTestId('retention-apply')).toBeNull();
  });

  it('sets a governance default in days, then removes it', async () => {
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault', onchanged } });
    expect(await screen.findByTestId('object-lock-state')).toHaveTextContent('no default retention');
    expect(screen.getByTestId('retention-governance')).toBeChecked();
    await fireEvent.input(screen.getByLabelText('Lock each new version for'), { target: { value: '45' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));
    await waitFor(() =>
      expect(callsOf('set_default_retention')).toEqual([{ connectionId: 'c1', bucket: 'vault', next: { mode: 'governance', days: 45, years: null }, confirmed: false }]),
    );
    expect(await screen.findByTestId('object-lock-state')).toHaveTextContent('New versions are locked for 45 days in governance mode.');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(onchanged).toHaveBeenCalledTimes(1);

    await fireEvent.click(screen.getByTestId('retention-remove'));
    await waitFor(() => expect(callsOf('set_default_retention')[1]).toEqual({ connectionId: 'c1', bucket: 'vault', next: null, confirmed: false }));
    expect(await screen.findByTestId('object-lock-done')).toHaveTextContent('Default retention removed');
    expect(screen.queryByTestId('retention-remove')).toBeNull();
  });

  it('asks for the bucket name typed before a compliance default, and sends it confirmed only then', async () => {
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault', onchanged } });
    await fireEvent.click(await screen.findByTestId('retention-compliance'));
    await fireEvent.input(screen.getByLabelText('Lock each new version for'), { target: { value: '7' } });
    await fireEvent.change(screen.getByTestId('retention-unit'), { target: { value: 'years' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));

    const dialog = await screen.findByRole('alertdialog');
    expect(dialog).toHaveTextContent("This can't be undone");
    const confirm = screen.getByTestId('typed-confirm');
    expect(confirm).toHaveAttribute('aria-disabled', 'true');
    await fireEvent.click(confirm);
    await fireEvent.input(screen.getByTestId('typed-confirm-input'), { target: { value: 'vaul' } });
    await fireEvent.click(confirm);
    expect(callsOf('set_default_retention')).toHaveLength(1);

    await fireEvent.input(screen.getByTestId('typed-confirm-input'), { target: { value: 'vault' } });
    expect(confirm).toHaveAttribute('aria-disabled', 'false');
    await fireEvent.click(confirm);
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(callsOf('set_default_retention')).toEqual([
      { connectionId: 'c1', bucket: 'vault', next: { mode: 'compliance', days: null, years: 7 }, confirmed: false },
      { connectionId: 'c1', bucket: 'vault', next: { mode: 'compliance', days: null, years: 7 }, confirmed: true },
    ]);
    expect(screen.getByTestId('object-lock-state')).toHaveTextContent('New versions are locked for 7 years in compliance mode.');
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('cancelling the compliance confirmation changes nothing', async () => {
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault', onchanged } });
    await fireEvent.click(await screen.findByTestId('retention-compliance'));
    await fireEvent.click(screen.getByTestId('retention-apply'));
    await screen.findByRole('alertdialog');
    await fireEvent.click(screen.getByTestId('typed-confirm-cancel'));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(callsOf('set_default_retention')).toHaveLength(1);
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('shows what the engine refuses, and what can’t be sent at all', async () => {
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault', onchanged } });
    await fireEvent.change(await screen.findByTestId('retention-unit'), { target: { value: 'years' } });
    await fireEvent.input(screen.getByLabelText('Lock each new version for'), { target: { value: '101' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));
    expect(await screen.findByTestId('object-lock-failed')).toHaveTextContent('at most 100 years');

    await fireEvent.input(screen.getByLabelText('Lock each new version for'), { target: { value: '1.5' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));
    expect(await screen.findByTestId('object-lock-failed')).toHaveTextContent('Give the years as a whole number, 1 or more.');
    expect(callsOf('set_default_retention')).toHaveLength(1);
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('says in place when the storage has no object lock', async () => {
    answer({ bucket_object_lock: () => engineError('unsupported', "This storage doesn't support object lock.") });
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault' } });
    expect(await screen.findByTestId('object-lock-unsupported')).toHaveTextContent("This storage doesn't support object lock.");
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('starts from the default as read', async () => {
    view = { enabled: true, default: { mode: 'compliance', days: null, years: 3 }, says: 'New versions are locked for 3 years in compliance mode.' };
    render(ObjectLockSection, { props: { connectionId: 'c1', bucket: 'vault' } });
    expect(await screen.findByTestId('retention-compliance')).toBeChecked();
    expect(screen.getByLabelText('Lock each new version for')).toHaveValue(3);
    expect(screen.getByTestId('retention-unit')).toHaveValue('years');
    expect(screen.queryByTestId('retention-apply')).toBeNull();
    expect(screen.getByTestId('retention-remove')).toBeInTheDocument();
  });
});
