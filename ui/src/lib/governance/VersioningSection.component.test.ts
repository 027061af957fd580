import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import VersioningSection from './VersioningSection.svelte';
import type { VersioningView_Serialize } from '$lib/bindings';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const MEANING = {
  never: 'Overwriting or deleting an object loses it for good.',
  enabled: 'Every overwrite and delete keeps the older version, which can be restored (and is billed as stored data).',
  suspended: 'Versions kept so far stay and can be restored, but new overwrites and deletes replace what was there without keeping it.',
} as const;

const view = (state: VersioningView_Serialize['state'], over: Partial<VersioningView_Serialize> = {}): VersioningView_Serialize => ({
  state,
  meaning: MEANING[state],
  mfa_delete: null,
  locked_on: false,
  ...over,
});

let current: unknown;
let refusal: ReturnType<typeof engineError> | null;
beforeEach(() => {
  current = view('never');
  refusal = null;
  answer({
    bucket_versioning: () => current,
    set_bucket_versioning: (a: Record<string, unknown>) => {
      if (refusal) return refusal;
      current = view(a.on ? 'enabled' : 'suspended');
      return current;
    },
  });
});

function setup() {
  const onchanged = vi.fn();
  render(VersioningSection, { props: { connectionId: 'c1', bucket: 'b', onchanged } });
  return { onchanged };
}

describe('VersioningSection', () => {
  it('says what "never turned on" means, turns versioning on, and has the overview read again', async () => {
    const { onchanged } = setup();
    expect(await screen.findByTestId('versioning-state')).toHaveTextContent('Off (never turned on)');
    expect(screen.getByTestId('versioning-meaning')).toHaveTextContent('loses it for good');
    expect(screen.queryByTestId('versioning-mfa')).toBeNull();
    expect(screen.queryByTestId('versioning-suspend')).toBeNull();

    await fireEvent.click(screen.getByTestId('versioning-enable'));
    await waitFor(() => expect(screen.getByTestId('versioning-state')).toHaveTextContent('On'));
    expect(callsOf('set_bucket_versioning')).toEqual([{ connectionId: 'c1', bucket: 'b', on: true }]);
    expect(screen.getByTestId('versioning-done')).toHaveTextContent('Versioning is on. Recorded in the audit log.');
    expect(screen.getByTestId('versioning')).toHaveAttribute('data-state', 'enabled');
    expect(onchanged).toHaveBeenCalledOnce();
  });

  it('suspends only after a confirmation that says what stays and what is no longer kept', async () => {
    current = view('enabled', { mfa_delete: false });
    const { onchanged } = setup();
    expect(await screen.findByTestId('versioning-mfa')).toHaveTextContent('MFA delete is off');
    await fireEvent.click(screen.getByTestId('versioning-suspend'));
    const dialog = screen.getByRole('alertdialog');
    expect(dialog).toHaveTextContent('Suspend versioning of b?');
    expect(dialog).toHaveTextContent('The versions kept so far stay and can still be restored.');
    expect(dialog).toHaveTextContent('will not keep what was there');
    // Cancel is the safe choice, and has the focus.
    expect(document.activeElement).toHaveTextContent('Cancel');
    await fireEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    expect(screen.queryByRole('alertdialog')).toBeNull();
    expect(callsOf('set_bucket_versioning')).toEqual([]);

    await fireEvent.click(screen.getByTestId('versioning-suspend'));
    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(screen.queryByRole('alertdialog')).toBeNull());
    expect(callsOf('set_bucket_versioning')).toEqual([{ connectionId: 'c1', bucket: 'b', on: false }]);
    expect(screen.getByTestId('versioning-state')).toHaveTextContent('Suspended');
    expect(screen.getByTestId('versioning-enable')).toHaveTextContent('Turn on versioning');
    expect(onchanged).toHaveBeenCalledOnce();
  });

  it('shows the engine’s refusal in the confirmation, as it words it', async () => {
    current = view('enabled');
    refusal = engineError('access_denied', 'You don’t have permission to change versioning (s3:PutBucketVersioning).');
    setup();
    await fireEvent.click(await screen.findByTestId('versioning-suspend'));
    await fireEvent.click(screen.getByTestId('confirm'));
    expect(await screen.findByTestId('versioning-failed')).toHaveTextContent('s3:PutBucketVersioning');
    expect(screen.getByRole('alertdialog')).toBeInTheDocument();
    expect(screen.getByTestId('versioning-state')).toHaveTextContent('On');
  });

  it('can’t suspend with object lock on, and says why', async () => {
    current = view('enabled', { locked_on: true, mfa_delete: true });
    setup();
    const suspend = await screen.findByTestId('versioning-suspend');
    expect(suspend).toHaveAttribute('aria-disabled', 'true');
    expect(suspend).toHaveAccessibleDescription(/Object lock is on for this bucket/);
    expect(screen.getByTestId('versioning-mfa')).toHaveTextContent('MFA delete is on');
    await fireEvent.click(suspend);
    expect(screen.queryByRole('alertdialog')).toBeNull();
  });

  it('says in place when the storage has no versioning', async () => {
    answer({ bucket_versioning: engineError('unsupported', "This storage doesn't support versioning.") });
    setup();
    expect(await screen.findByTestId('versioning-unsupported')).toHaveTextContent("This storage doesn't support versioning.");
    expect(screen.queryByRole('alert')).toBeNull();
    expect(screen.queryByTestId('versioning-enable')).toBeNull();
  });
});
