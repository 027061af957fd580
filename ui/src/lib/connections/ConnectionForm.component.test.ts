import { fireEvent, render, screen, waitFor, within } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import ConnectionForm from './ConnectionForm.svelte';
import { answer, callsOf, connection, engineError } from '../../test/ipc';
import { settledOutcome } from '../../test/dom';

vi.mock('@tauri-apps/api/core', () => ({ invoke: vi.fn() }));

const saved = connection({
  id: 'c1',
  name: 'Garage',
  endpoint: { kind: 'custom', url: 'http://127.0.0.1:3900' },
  region: 'garage',
  addressing: 'path_style',
  credentials: { kind: 'keychain', access_key_id: 'GK123' },
});

function setup(props: Partial<{ editing: typeof saved | null }> = {}) {
  const onsaved = vi.fn();
  const onclose = vi.fn();
  const onremoved = vi.fn();
  const result = render(ConnectionForm, {
    props: { connections: [saved], editing: props.editing ?? null, onsaved, onclose, onremoved },
  });
  return { ...result, onsaved, onclose, onremoved };
}

function field(id: string): HTMLInputElement {
  const el = document.getElementById(id);
  if (!(el instanceof HTMLInputElement)) throw new Error(`no input #${id}`);
  return el;
}

async function type(id: string, value: string) {
  await fireEvent.input(field(id), { target: { value } });
}

async function choose(id: string) {
  const el = field(id);
  el.checked = true;
  await fireEvent.change(el);
}

beforeEach(() => {
  answer({ list_aws_profiles: ['default', 'prod'], required_tags: [{ key: 'owner', allowed: [] }], set_required_tags: null });
});

describe('ConnectionForm', () => {
  it('is a labelled modal dialog with the name field focused', () => {
    setup();
    const dialog = screen.getByRole('dialog', { name: 'New connection' });
    expect(dialog).toHaveAttribute('aria-modal', 'true');
    expect(dialog).toHaveAttribute('data-testid', 'connection-form');
    expect(document.activeElement).toBe(field('conn-name'));
  });

  it('shows the URL rule after the field is left, and never calls the engine with it', async () => {
    setup();
    await type('conn-name', 'MinIO');
    await choose('conn-storage-custom');
    await type('conn-url', 'minio.local:9000/photos');
    await fireEvent.blur(field('conn-url'));

    const message = screen.getByText('The endpoint must start with http:// or https://.');
    expect(message).toHaveAttribute('data-testid', 'field-error');
    expect(message).toHaveAttribute('data-field', 'url');
    expect(field('conn-url')).toHaveAttribute('aria-invalid', 'true');
    expect(field('conn-url').getAttribute('aria-describedby')).toContain(message.id);

    await fireEvent.click(screen.getByTestId('conn-save'));
    await fireEvent.click(screen.getByTestId('conn-test'));
    expect(callsOf('save_connection')).toEqual([]);
    expect(callsOf('test_draft')).toEqual([]);
    // Save was not silently ignored: focus went to the broken field and the form says why.
    expect(document.activeElement).toBe(field('conn-url'));
    expect(screen.getByText("Can't go on yet: check Endpoint URL.")).toBeInTheDocument();
  });

  it('shows every broken rule on Save, each next to its field', async () => {
    setup();
    await fireEvent.click(screen.getByTestId('conn-save'));
    const errors = screen.getAllByTestId('field-error').map((e) => [e.dataset.field, e.textContent?.trim()]);
    expect(errors).toEqual([
      ['name', 'Give the connection a name.'],
      ['access-key', 'Enter the access key ID.'],
      ['secret', 'Enter the secret access key.'],
    ]);
    expect(document.activeElement).toBe(field('conn-name'));
    expect(callsOf('save_connection')).toEqual([]);
  });

  it('defaults path-style on for S3-compatible storage and off for Amazon', async () => {
    setup();
    expect(field('conn-path-style').checked).toBe(false);
    await choose('conn-storage-custom');
    expect(field('conn-path-style').checked).toBe(true);
    await choose('conn-storage-aws');
    expect(field('conn-path-style').checked).toBe(false);
  });

  it('saves a new connection with its secret', async () => {
    const created = { ...saved, id: 'new1', name: 'MinIO', region: null };
    answer({ list_aws_profiles: [], save_connection: created });
    const { onsaved } = setup();
    await type('conn-name', ' MinIO ');
    await choose('conn-storage-custom');
    await type('conn-url', 'http://127.0.0.1:9000');
    await type('conn-access-key', 'AKIAEXAMPLE');
    await type('conn-secret', 'wJalrXUtnFEMI');
    await fireEvent.click(screen.getByTestId('conn-save'));

    await waitFor(() => expect(onsaved).toHaveBeenCalledWith(created));
    expect(callsOf('save_connection')).toEqual([
      {
        draft: {
          id: null,
          name: 'MinIO',
          endpoint: { kind: 'custom', url: 'http://127.0.0.1:9000' },
          region: null,
          addressing: 'path_style',
          credentials: { kind: 'keychain', access_key_id: 'AKIAEXAMPLE' },
          secret_access_key: 'wJalrXUtnFEMI',
          accelerate: false,
        },
      },
    ]);
  });

  it('stays open with the message and the fields when the keychain refuses', async () => {
    answer({
      list_aws_profiles: [],
      save_connection: engineError(
        'keychain_unavailable',
        "The system keychain can't be used, so the secret key can't be stored.",
        'org.freedesktop.Secret.Error.IsLocked',
      ),
    });
    const { onsaved, onclose } = setup();
    await type('conn-name', 'MinIO');
    await type('conn-access-key', 'AKIAEXAMPLE');
    await type('conn-secret', 'wJalrXUtnFEMI');
    await fireEvent.click(screen.getByTestId('conn-save'));

    const error = await screen.findByTestId('conn-error');
    expect(error).toHaveAttribute('data-code', 'keychain_unavailable');
    expect(error).toHaveTextContent("The system keychain can't be used, so the secret key can't be stored.");
    expect(within(error).getByText('Details')).toBeInTheDocument();
    expect(screen.getByRole('dialog')).toBeInTheDocument();
    expect(field('conn-name').value).toBe('MinIO');
    expect(field('conn-secret').value).toBe('wJalrXUtnFEMI');
    expect(onsaved).not.toHaveBeenCalled();
    expect(onclose).not.toHaveBeenCalled();
  });

  it('on edit, an empty secret keeps the stored one', async () => {
    answer({ list_aws_profiles: [], save_connection: saved });
    setup({ editing: saved });
    expect(screen.getByRole('dialog', { name: 'Edit “Garage”' })).toBeInTheDocument();
    expect(field('conn-secret').value).toBe('');
    expect(field('conn-secret').placeholder).toBe('Leave empty to keep the stored secret');
    expect(field('conn-path-style').checked).toBe(true);
    await type('conn-name', 'Garage (lab)');
    await fireEvent.click(screen.getByTestId('conn-save'));

    await waitFor(() => expect(callsOf('save_connection')).toHaveLength(1));
    expect(callsOf('save_connection')[0]).toEqual({
      draft: {
        id: 'c1',
        name: 'Garage (lab)',
        endpoint: { kind: 'custom', url: 'http://127.0.0.1:3900' },
        region: 'garage',
        addressing: 'path_style',
        credentials: { kind: 'keychain', access_key_id: 'GK123' },
        secret_access_key: null,
        accelerate: false,
      },
    });
  });

  it("edits the connection's required upload tags, only once it is saved", async () => {
    const view = setup();
    expect(screen.queryByTestId('required-tags')).toBeNull();
    view.unmount();
    setup({ editing: saved });
    const rules = screen.getByTestId('required-tags');
    await waitFor(() => expect(rules).toHaveAttribute('data-state', 'ready'));
    expect(callsOf('required_tags')).toEqual([{ connectionId: 'c1', bucket: null }]);
    expect(rules).toHaveTextContent('Every upload on this connection must carry these tags.');
    expect(within(rules).getByTestId('required-tag')).toHaveTextContent('owner any value');
  });

  it('tests the draft and puts the corrected region into the form', async () => {
    answer({
      list_aws_profiles: [],
      test_draft: { bucket_count: 3, region: 'garage', corrected_region: 'garage', elapsed_ms: 120 },
    });
    setup();
    await type('conn-name', 'Lab');
    await choose('conn-storage-custom');
    await type('conn-url', 'http://127.0.0.1:3900');
    await type('conn-region', 'us-east-1');
    await type('conn-access-key', 'GK123');
    await type('conn-secret', 'abc');
    await fireEvent.click(screen.getByTestId('conn-test'));

    const result = await settledOutcome('conn-test-result');
    expect(result).toHaveAttribute('data-outcome', 'ok');
    expect(result).toHaveTextContent('Connected — 3 buckets, region garage, 120 ms');
    expect(result).toHaveTextContent('The region was wrong; the storage answered from garage. Save to keep it.');
    expect(field('conn-region').value).toBe('garage');
    expect(screen.getByText('Set by the test: the storage answered from garage.')).toBeInTheDocument();
    expect(callsOf('test_draft')[0]).toMatchObject({ draft: { region: 'us-east-1', secret_access_key: 'abc' } });
  });

  it('explains a failed test with the next step', async () => {
    answer({
      list_aws_profiles: [],
      test_draft: engineError('wrong_secret', 'The storage refused the secret access key.', 'SignatureDoesNotMatch'),
    });
    setup({ editing: saved });
    await fireEvent.click(screen.getByTestId('conn-test'));
    const result = await settledOutcome('conn-test-result');
    expect(result).toHaveAttribute('data-outcome', 'wrong_secret');
    expect(result).toHaveTextContent('The storage refused the secret access key.');
    expect(result).toHaveTextContent('Check the secret access key.');
  });

  it('lists AWS profiles and lets one be picked', async () => {
    setup();
    await choose('conn-cred-profile');
    await fireEvent.click(await screen.findByRole('button', { name: 'prod' }));
    expect(field('conn-profile').value).toBe('prod');
  });

  it('shows and hides the secret', async () => {
    setup();
    expect(field('conn-secret').type).toBe('password');
    await fireEvent.click(screen.getByRole('button', { name: 'Show secret access key' }));
    expect(field('conn-secret').type).toBe('text');
  });

  it('closes on Escape', async () => {
    const { onclose } = setup();
    await fireEvent.keyDown(field('conn-name'), { key: 'Escape' });
    expect(onclose).toHaveBeenCalledOnce();
  });

  it('keeps Tab inside the dialog', async () => {
    setup();
    const save = screen.getByTestId('conn-save');
    save.focus();
    await fireEvent.keyDown(save, { key: 'Tab' });
    expect(document.activeElement).toBe(field('conn-name'));
    await fireEvent.keyDown(field('conn-name'), { key: 'Tab', shiftKey: true });
    expect(document.activeElement).toBe(save);
  });

  it('removes after a confirmation that names the connection', async () => {
    answer({ list_aws_profiles: [], remove_connection: null });
    const { onremoved } = setup({ editing: saved });
    await fireEvent.click(screen.getByTestId('conn-remove'));
    const confirm = screen.getByRole('alertdialog');
    expect(confirm).toHaveAccessibleDescription(
      'Remove “Garage”? Its secret key is deleted from the keychain. Buckets and files are not touched.',
    );
    await fireEvent.click(screen.getByTestId('confirm'));
    await waitFor(() => expect(onremoved).toHaveBeenCalledWith('c1'));
    expect(callsOf('remove_connection')).toEqual([{ id: 'c1' }]);
  });

  it('shows the sandbox read-only except its name', () => {
    const sandbox = connection({
      id: 's1',
      name: 'Local sandbox',
      endpoint: { kind: 'sandbox' },
      credentials: { kind: 'keychain', access_key_id: 'GKsandbox' },
    });
    setup({ editing: sandbox });
    expect(field('conn-name').value).toBe('Local sandbox');
    expect(document.getElementById('conn-url')).toBeNull();
    expect(document.getElementById('conn-access-key')).toBeNull();
    expect(screen.getByText('Managed by Satchel')).toBeInTheDocument();
  });
});

describe('ConnectionForm test outcome', () => {
  it('says pending while the test runs, then replaces an earlier outcome', async () => {
    let answerTest: (v: unknown) => void = () => {};
    answer({
      list_aws_profiles: [],
      test_draft: () => new Promise((r) => (answerTest = r)),
    });
    setup({ editing: saved });
    await fireEvent.click(screen.getByTestId('conn-test'));
    expect(screen.getByTestId('conn-test-result')).toHaveAttribute('data-outcome', 'pending');
    answerTest(engineError('unreachable', 'Nothing answered at 127.0.0.1:3900.'));
    expect(await settledOutcome('conn-test-result')).toHaveAttribute('data-outcome', 'unreachable');
    expect(screen.getByTestId('conn-test-result')).toHaveTextContent('Nothing answered at 127.0.0.1:3900.');

    await fireEvent.click(screen.getByTestId('conn-test'));
    expect(screen.getByTestId('conn-test-result')).toHaveAttribute('data-outcome', 'pending');
    answerTest({ bucket_count: 1, region: 'garage', corrected_region: null, elapsed_ms: 9 });
    expect(await settledOutcome('conn-test-result')).toHaveTextContent('Connected — 1 bucket, region garage, 9 ms');
  });
});
