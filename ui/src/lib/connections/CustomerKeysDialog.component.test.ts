import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import CustomerKeysDialog from './CustomerKeysDialog.svelte';
import { answer, callsOf, engineError } from '../../test/ipc';

vi.mock('@tauri-apps/api/core', async () => {
  const { FakeChannel } = await import('../../test/channel');
  return { invoke: vi.fn(), Channel: FakeChannel };
});

const FINANCE = { name: 'finance', fingerprint: 'a1b2c3d4e5f6', added: '2026-12-01T10:00:00Z' };

function setup() {
  const onchanged = vi.fn();
  const onclose = vi.fn();
  render(CustomerKeysDialog, { props: { connectionId: 'c1', connectionName: 'Garage', onchanged, onclose } });
  return { onchanged, onclose };
}

describe('CustomerKeysDialog', () => {
  beforeEach(() => {
    let keys = [FINANCE];
    answer({
      customer_keys: () => keys,
      add_customer_key: (args: { name: string }) => {
        const info = { name: args.name, fingerprint: '0f0e0d0c0b0a', added: '2026-12-02T09:00:00Z' };
        keys = [...keys, info];
        return info;
      },
      export_customer_key: '/home/ana/safe/satchel-key-backup.txt',
      remove_customer_key: (args: { name: string }) => {
        keys = keys.filter((k) => k.name !== args.name);
        return null;
      },
    });
  });

  it('lists keys by name and fingerprint, never asking for or showing a key', async () => {
    setup();
    const row = await screen.findByTestId('customer-key');
    expect(row).toHaveAttribute('data-name', 'finance');
    expect(row).toHaveTextContent('a1b2c3d4e5f6');
    expect(screen.getByRole('dialog')).toHaveAccessibleName('Customer keys for Garage');
  });

  it('generates a key in Rust, warns that losing it loses the data, and saves a copy where the user picks', async () => {
    const { onchanged } = setup();
    await screen.findByTestId('customer-key');
    await fireEvent.input(screen.getByTestId('key-name'), { target: { value: 'backup' } });
    await fireEvent.click(screen.getByTestId('key-add'));
    await waitFor(() => expect(screen.getByTestId('customer-key-added')).toHaveTextContent('if the key is lost, so is the data'));
    expect(callsOf('add_customer_key')).toEqual([{ connectionId: 'c1', name: 'backup', pasted: null }]);
    expect(onchanged).toHaveBeenCalled();
    await fireEvent.click(screen.getByTestId('customer-key-save-added'));
    await waitFor(() => expect(screen.getByTestId('customer-key-saved-to')).toHaveTextContent('Saved to /home/ana/safe/satchel-key-backup.txt.'));
    expect(callsOf('export_customer_key')).toEqual([{ connectionId: 'c1', name: 'backup' }]);
    await waitFor(() => expect(screen.getAllByTestId('customer-key')).toHaveLength(2));
  });

  it('checks a pasted key and a name before sending anything', async () => {
    setup();
    await screen.findByTestId('customer-key');
    await fireEvent.input(screen.getByTestId('key-name'), { target: { value: 'finance' } });
    await fireEvent.click(screen.getByTestId('key-paste'));
    await fireEvent.input(screen.getByTestId('key-pasted'), { target: { value: btoa('k'.repeat(16)) } });
    await fireEvent.click(screen.getByTestId('key-add'));
    expect(screen.getByTestId('key-name-error')).toHaveTextContent('already has a key by that name');
    expect(screen.getByTestId('key-pasted-error')).toHaveTextContent('this one is 16 bytes');
    expect(callsOf('add_customer_key')).toEqual([]);
    await fireEvent.input(screen.getByTestId('key-name'), { target: { value: 'imported' } });
    await fireEvent.input(screen.getByTestId('key-pasted'), { target: { value: btoa('k'.repeat(32)) } });
    await fireEvent.click(screen.getByTestId('key-add'));
    await waitFor(() => expect(callsOf('add_customer_key')).toEqual([{ connectionId: 'c1', name: 'imported', pasted: btoa('k'.repeat(32)) }]));
  });

  it('says what the keychain said when it refuses', async () => {
    answer({ customer_keys: [], add_customer_key: engineError('keychain_unavailable', "Satchel couldn't reach the system keychain.") });
    setup();
    await screen.findByTestId('customer-keys-none');
    await fireEvent.input(screen.getByTestId('key-name'), { target: { value: 'x' } });
    await fireEvent.click(screen.getByTestId('key-add'));
    await waitFor(() => expect(screen.getByTestId('customer-key-failed')).toHaveTextContent("couldn't reach the system keychain"));
  });

  it('removes a key only after a warning that names what is lost', async () => {
    setup();
    const row = await screen.findByTestId('customer-key');
    await fireEvent.click(within(row).getByTestId('customer-key-remove'));
    const confirm = screen.getByTestId('customer-key-remove-confirm');
    expect(confirm).toHaveTextContent("can't be read without it");
    expect(callsOf('remove_customer_key')).toEqual([]);
    await fireEvent.click(within(confirm).getByTestId('confirm'));
    await waitFor(() => expect(callsOf('remove_customer_key')).toEqual([{ connectionId: 'c1', name: 'finance' }]));
    await waitFor(() => expect(screen.getByTestId('customer-keys-none')).toBeInTheDocument());
  });
});
