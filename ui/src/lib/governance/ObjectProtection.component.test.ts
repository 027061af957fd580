import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ObjectProtection from './ObjectProtection.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';
import { confirmationAsked, dateOf, restoreTiers, shortensGovernance } from './objectLock';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const KEY = 'reports/q1.csv';
type Lock = { mode: 'governance' | 'compliance' | null; until: string | null; legal_hold: boolean; says: string };

const says = (l: Omit<Lock, 'says'>) =>
  (l.mode && l.until ? `Locked in ${l.mode} mode until ${l.until}.` : 'No retention.') + (l.legal_hold ? ' Under legal hold: it can’t be deleted until the hold is lifted.' : '');
const lockOf = (l: Omit<Lock, 'says'>): Lock => ({ ...l, says: says(l) });

const NONE = lockOf({ mode: null, until: null, legal_hold: false });
const GOVERNED = lockOf({ mode: 'governance', until: '2099-03-01T00:00:00Z', legal_hold: false });
const SHORTEN =
  'That shortens a governance retention (until 2099-03-01T00:00:00Z): confirm it to bypass governance retention (--bypass-governance-retention in the CLI). Nothing was changed.';
const COMPLIANCE =
  "Nobody can delete a locked version or shorten its retention until it ends, not even the account's root user. This can't be undone. Confirm it to go on. Nothing was changed.";

const ARCHIVED = { key: KEY, storage_class: 'DEEP_ARCHIVE', archived: true, restoring: false, readable_until: null, says: 'Archived in DEEP_ARCHIVE: restore it before reading, downloading or copying it.' };
const PLAIN = { key: KEY, storage_class: 'STANDARD', archived: false, restoring: false, readable_until: null, says: 'Not archived: it can be read as it is.' };

let lock: Lock = NONE;
let archive: unknown = PLAIN;
const onchanged = vi.fn();

beforeEach(() => {
  lock = NONE;
  archive = PLAIN;
  onchanged.mockReset();
  answer({
    object_lock: () => lock,
    archive_status: () => archive,
    set_legal_hold: (a: Record<string, unknown>) => {
      lock = lockOf({ ...lock, legal_hold: a.on as boolean });
      return lock;
    },
    // The engine's order: a governance shortening first, then a first compliance lock.
    set_object_retention: (a: Record<string, unknown>) => {
      const until = a.until as string;
      const held = lock.until?.slice(0, 10) ?? '';
      if (lock.mode === 'compliance' && until < held) {
        return engineError('invalid_input', `This version is locked in compliance mode until ${lock.until}: its retention can only be kept or lengthened, by anyone. Nothing was changed.`);
      }
      if (lock.mode === 'governance' && until < held && !a.bypass) return engineError('needs_confirmation', SHORTEN);
      if (a.mode === 'compliance' && lock.mode !== 'compliance' && !a.complianceConfirmed) return engineError('needs_confirmation', COMPLIANCE);
      lock = lockOf({ mode: a.mode as Lock['mode'], until: `${until}T00:00:00Z`, legal_hold: lock.legal_hold });
      return lock;
    },
    restore_from_archive: (a: Record<string, unknown>) => {
      (a.progress as { send: (n: number) => void }).send(1);
      archive = { ...ARCHIVED, restoring: true, says: 'Archived in DEEP_ARCHIVE; a restore is under way.' };
      return { requested: 1, already_restoring: 0, not_archived: 0, failed: [], cancelled: false };
    },
  });
});

const props = { connectionId: 'c1', bucket: 'b', objectKey: KEY, onchanged };

describe('ObjectProtection', () => {
  it('shows the lock and archive state, and places a legal hold', async () => {
    render(ObjectProtection, { props: { ...props, versionId: 'v2' } });
    expect(await screen.findByTestId('object-lock-says')).toHaveTextContent('No retention.');
    expect(screen.getByTestId('archive-state')).toHaveTextContent('Not archived: it can be read as it is.');
    expect(screen.queryByTestId('restore-open')).toBeNull();
    expect(callsOf('object_lock')).toEqual([{ connectionId: 'c1', bucket: 'b', key: KEY, versionId: 'v2' }]);

    const hold = screen.getByRole('checkbox', { name: /Legal hold/ });
    expect(hold).not.toBeChecked();
    await fireEvent.click(hold);
    await waitFor(() => expect(callsOf('set_legal_hold')).toEqual([{ connectionId: 'c1', bucket: 'b', key: KEY, versionId: 'v2', on: true }]));
    expect(await screen.findByTestId('object-lock-says')).toHaveTextContent('Under legal hold');
    expect(hold).toBeChecked();
    expect(screen.getByTestId('object-lock-done')).toHaveTextContent('Legal hold placed. Recorded in the audit log.');
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('asks for the key typed before shortening a governance retention, then sends it with the bypass', async () => {
    lock = GOVERNED;
    render(ObjectProtection, { props });
    await fireEvent.click(await screen.findByTestId('retention-edit'));
    expect(screen.getByTestId('object-retention-governance')).toBeChecked();
    await waitFor(() => expect(screen.getByTestId('object-retention-governance')).toHaveFocus());
    expect(screen.getByLabelText('Retain until')).toHaveValue('2099-03-01');
    await fireEvent.input(screen.getByLabelText('Retain until'), { target: { value: '2099-01-01' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));

    const dialog = await screen.findByTestId('bypass-confirm');
    expect(dialog).toHaveTextContent('That shortens a governance retention');
    await fireEvent.click(within(dialog).getByTestId('typed-confirm'));
    expect(callsOf('set_object_retention')).toHaveLength(1);
    await fireEvent.input(within(dialog).getByTestId('typed-confirm-input'), { target: { value: KEY } });
    await fireEvent.click(within(dialog).getByTestId('typed-confirm'));

    await waitFor(() => expect(screen.queryByTestId('bypass-confirm')).toBeNull());
    const base = { connectionId: 'c1', bucket: 'b', key: KEY, versionId: null, mode: 'governance', until: '2099-01-01', complianceConfirmed: false };
    expect(callsOf('set_object_retention')).toEqual([
      { ...base, bypass: false },
      { ...base, bypass: true },
    ]);
    expect(screen.getByTestId('object-lock-says')).toHaveTextContent('Locked in governance mode until 2099-01-01T00:00:00Z.');
    expect(screen.queryByTestId('retention-editor')).toBeNull();
    await waitFor(() => expect(screen.getByTestId('retention-edit')).toHaveFocus());
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('asks for its own typed confirmation before a compliance lock', async () => {
    render(ObjectProtection, { props });
    await fireEvent.click(await screen.findByTestId('retention-edit'));
    await fireEvent.click(screen.getByTestId('object-retention-compliance'));
    await fireEvent.input(screen.getByLabelText('Retain until'), { target: { value: '2099-06-30' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));

    const dialog = await screen.findByTestId('compliance-confirm');
    expect(dialog).toHaveTextContent("This can't be undone");
    expect(dialog).toHaveTextContent('Until 2099-06-30, nobody can delete this version');
    await fireEvent.input(within(dialog).getByTestId('typed-confirm-input'), { target: { value: KEY } });
    await fireEvent.click(within(dialog).getByTestId('typed-confirm'));
    await waitFor(() => expect(screen.queryByTestId('compliance-confirm')).toBeNull());
    expect(callsOf('set_object_retention').map((c) => (c as Record<string, unknown>).complianceConfirmed)).toEqual([false, true]);
    expect(callsOf('set_object_retention').map((c) => (c as Record<string, unknown>).bypass)).toEqual([false, false]);
    expect(screen.getByTestId('object-lock-says')).toHaveTextContent('Locked in compliance mode until 2099-06-30');
  });

  it('asks for both, one after the other, to turn a governance retention into a shorter compliance one', async () => {
    lock = GOVERNED;
    render(ObjectProtection, { props });
    await fireEvent.click(await screen.findByTestId('retention-edit'));
    await fireEvent.click(screen.getByTestId('object-retention-compliance'));
    await fireEvent.input(screen.getByLabelText('Retain until'), { target: { value: '2099-01-01' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));

    const bypass = await screen.findByTestId('bypass-confirm');
    await fireEvent.input(within(bypass).getByTestId('typed-confirm-input'), { target: { value: KEY } });
    await fireEvent.click(within(bypass).getByTestId('typed-confirm'));
    const compliance = await screen.findByTestId('compliance-confirm');
    // A new confirmation: the name is typed again.
    expect(within(compliance).getByTestId('typed-confirm-input')).toHaveValue('');
    await fireEvent.input(within(compliance).getByTestId('typed-confirm-input'), { target: { value: KEY } });
    await fireEvent.click(within(compliance).getByTestId('typed-confirm'));
    await waitFor(() => expect(screen.queryByTestId('compliance-confirm')).toBeNull());
    expect(callsOf('set_object_retention').map((c) => [(c as Record<string, unknown>).bypass, (c as Record<string, unknown>).complianceConfirmed])).toEqual([
      [false, false],
      [true, false],
      [true, true],
    ]);
  });

  it('shows what the engine refuses where the change was asked', async () => {
    lock = lockOf({ mode: 'compliance', until: '2099-03-01T00:00:00Z', legal_hold: false });
    render(ObjectProtection, { props });
    await fireEvent.click(await screen.findByTestId('retention-edit'));
    await fireEvent.input(screen.getByLabelText('Retain until'), { target: { value: '2099-01-01' } });
    await fireEvent.click(screen.getByTestId('retention-apply'));
    expect(await screen.findByTestId('object-lock-failed')).toHaveTextContent('can only be kept or lengthened');
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(screen.getByTestId('retention-editor')).toBeInTheDocument();
    expect(onchanged).not.toHaveBeenCalled();
  });

  it('says quietly when there is no object lock, and still shows the archive state', async () => {
    answer({
      object_lock: () => engineError('unsupported', "This storage doesn't support object lock."),
      archive_status: () => PLAIN,
    });
    render(ObjectProtection, { props });
    expect(await screen.findByTestId('object-lock-unsupported')).toHaveTextContent("This storage doesn't support object lock.");
    expect(await screen.findByTestId('archive-state')).toBeInTheDocument();
    expect(screen.queryByTestId('retention-edit')).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('hides the editor when a change finds no object lock', async () => {
    answer({
      object_lock: () => NONE,
      archive_status: () => PLAIN,
      set_legal_hold: () => engineError('unsupported', "This storage doesn't support object lock."),
    });
    render(ObjectProtection, { props });
    await fireEvent.click(await screen.findByRole('checkbox', { name: /Legal hold/ }));
    expect(await screen.findByTestId('object-lock-unsupported')).toHaveTextContent("doesn't support object lock");
    expect(screen.queryByRole('checkbox', { name: /Legal hold/ })).toBeNull();
    expect(screen.queryByRole('alert')).toBeNull();
  });

  it('restores an archived object with the days and tier chosen, then shows the new status', async () => {
    archive = ARCHIVED;
    render(ObjectProtection, { props });
    expect(await screen.findByTestId('archive-state')).toHaveTextContent('Archived in DEEP_ARCHIVE');
    await fireEvent.click(screen.getByTestId('restore-open'));
    const form = screen.getByTestId('restore-form');
    // Deep Archive: no expedited tier, and its own times.
    expect(within(form).getByTestId('restore-expedited')).toBeDisabled();
    expect(within(form).getByTestId('restore-standard')).toBeChecked();
    expect(form).toHaveTextContent('within 12 hours');
    await fireEvent.input(within(form).getByLabelText('Keep the restored copy for'), { target: { value: '3' } });
    await fireEvent.click(within(form).getByTestId('restore-bulk'));
    await fireEvent.click(within(form).getByTestId('restore-start'));

    await waitFor(() => expect(callsOf('restore_from_archive')).toHaveLength(1));
    expect(callsOf('restore_from_archive')[0]).toEqual({
      connectionId: 'c1',
      bucket: 'b',
      selection: [KEY],
      days: 3,
      tier: 'bulk',
      opId: expect.any(String),
      progress: expect.anything(),
    });
    expect(await screen.findByTestId('restore-done')).toHaveTextContent('Restore asked for: a copy will be readable within 48 hours, for 3 days.');
    await waitFor(() => expect(screen.getByTestId('archive-state')).toHaveTextContent('a restore is under way'));
    expect(screen.queryByTestId('restore-form')).toBeNull();
    expect(screen.queryByTestId('restore-open')).toBeNull();
    expect(onchanged).toHaveBeenCalledTimes(1);
  });

  it('keeps the restore form with the reason when the restore is refused or the days are wrong', async () => {
    archive = { ...ARCHIVED, storage_class: 'GLACIER', says: 'Archived in GLACIER: restore it before reading, downloading or copying it.' };
    answer({
      object_lock: () => NONE,
      archive_status: () => archive,
      restore_from_archive: () => ({
        requested: 0,
        already_restoring: 0,
        not_archived: 0,
        failed: [{ key: KEY, reason: 'Expedited restores are busy right now (AWS sells provisioned capacity for them): try standard, or expedited again later.' }],
        cancelled: false,
      }),
    });
    render(ObjectProtection, { props });
    await fireEvent.click(await screen.findByTestId('restore-open'));
    const form = screen.getByTestId('restore-form');
    expect(within(form).getByTestId('restore-expedited')).toBeEnabled();
    expect(form).toHaveTextContent('1 to 5 minutes');
    await fireEvent.input(within(form).getByLabelText('Keep the restored copy for'), { target: { value: '0' } });
    await fireEvent.click(within(form).getByTestId('restore-start'));
    expect(await screen.findByTestId('restore-failed')).toHaveTextContent('Give the days to keep the restored copy as a whole number, 1 or more.');
    expect(callsOf('restore_from_archive')).toHaveLength(0);

    await fireEvent.input(within(form).getByLabelText('Keep the restored copy for'), { target: { value: '1' } });
    await fireEvent.click(within(form).getByTestId('restore-expedited'));
    await fireEvent.click(within(form).getByTestId('restore-start'));
    await waitFor(() => expect(screen.getByTestId('restore-failed')).toHaveTextContent('Expedited restores are busy right now'));
    expect(callsOf('restore_from_archive')[0]).toMatchObject({ days: 1, tier: 'expedited' });
    expect(screen.getByTestId('restore-form')).toBeInTheDocument();
    expect(onchanged).not.toHaveBeenCalled();
  });
});

describe('object lock helpers', () => {
  const now = new Date('2026-12-01T00:00:00Z');

  it('tell a governance shortening from a lengthening', () => {
    const gov = { mode: 'governance', until: '2027-03-01T00:00:00Z', legal_hold: false, says: '' } as const;
    expect(shortensGovernance(gov, '2027-01-01', now)).toBe(true);
    expect(shortensGovernance(gov, '2027-06-01', now)).toBe(false);
    // A retention already over holds nothing back.
    expect(shortensGovernance(gov, '2027-01-01', new Date('2027-04-01T00:00:00Z'))).toBe(false);
  });

  it('say which confirmation the engine asked for', () => {
    const none = { mode: null, until: null, legal_hold: false, says: '' };
    const gov = { mode: 'governance', until: '2027-03-01T00:00:00Z', legal_hold: false, says: '' } as const;
    const nothing = { bypass: false, compliance: false };
    expect(confirmationAsked(gov, 'governance', '2027-01-01', nothing, now)).toBe('bypass');
    expect(confirmationAsked(gov, 'compliance', '2027-01-01', { bypass: true, compliance: false }, now)).toBe('compliance');
    expect(confirmationAsked(none, 'compliance', '2027-01-01', nothing, now)).toBe('compliance');
    expect(confirmationAsked(none, 'governance', '2027-01-01', nothing, now)).toBeNull();
  });

  it('offer the tiers an archive class has, and read dates for a date field', () => {
    expect(restoreTiers('DEEP_ARCHIVE').map((t) => [t.tier, t.available, t.time])).toEqual([
      ['expedited', false, ''],
      ['standard', true, 'within 12 hours'],
      ['bulk', true, 'within 48 hours'],
    ]);
    expect(restoreTiers('GLACIER').map((t) => t.time)).toEqual(['1 to 5 minutes', '3 to 5 hours', '5 to 12 hours']);
    expect(dateOf('2027-03-01T00:00:00Z')).toBe('2027-03-01');
    expect(dateOf(null)).toBe('');
  });
});
